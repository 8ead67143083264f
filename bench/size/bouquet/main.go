// Command bouquet is the Bouquet hello-world of `make size`: log in with a
// password and list projects.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oasuite/sdk/bouquet"
)

func main() {
	ctx := context.Background()
	cfg := bouquet.OAuthConfig{BaseURL: os.Getenv("BOUQUET_URL"), CustomerID: os.Getenv("CUSTOMER_ID"), ClientID: os.Getenv("CLIENT_ID")}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(os.Getenv("BOUQUET_URL")),
		bouquet.WithTokenSource(cfg.PasswordLogin(os.Getenv("LOGIN"), os.Getenv("PASSWORD"))))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp, err := c.ListProjectsWithResponse(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status())
}
