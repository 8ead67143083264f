// Command procurios is the Procurios hello-world of `make size`: log in with
// client credentials and list meetings.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oasuite/sdk/procurios"
)

func main() {
	ctx := context.Background()
	host := os.Getenv("HOST")
	ts, err := procurios.OAuthConfig{Host: host, ClientID: os.Getenv("CLIENT_ID"), ClientSecret: os.Getenv("CLIENT_SECRET")}.ClientCredentials()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := procurios.New(ctx, procurios.WithHost(host), procurios.WithTokenSource(ts))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp, err := c.ListMeetingsWithResponse(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status())
}
