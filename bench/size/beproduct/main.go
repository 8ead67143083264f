// Command beproduct is the BeProduct hello-world of `make size`: refresh a
// stored token and list style folders.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/oasuite/sdk/beproduct"
)

func main() {
	ctx := context.Background()
	cfg := beproduct.OAuthConfig{ClientID: os.Getenv("CLIENT_ID"), ClientSecret: os.Getenv("CLIENT_SECRET"), RedirectURL: os.Getenv("REDIRECT_URL")}
	c, err := beproduct.New(ctx, beproduct.WithCompany(os.Getenv("COMPANY")), beproduct.WithTokenSource(cfg.RefreshSource(os.Getenv("REFRESH_TOKEN"))))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp, err := c.ListStyleFoldersWithResponse(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status())
}
