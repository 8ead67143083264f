// Command bidcore is the BidCore hello-world of `make size`: log in with a
// user's password and list advertisers.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oasuite/sdk/bidcore"
)

func main() {
	ctx := context.Background()
	c, err := bidcore.New(ctx, bidcore.WithLogin(os.Getenv("BIDCORE_USER"), os.Getenv("BIDCORE_PASSWORD")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp, err := c.ListAdvertisersWithResponse(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status())
}
