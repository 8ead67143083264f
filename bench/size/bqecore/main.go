// Command bqecore is the BQE CORE hello-world of `make size`: refresh a
// stored token and list activities.
package main

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bqecore"
)

func main() {
	ctx := context.Background()
	cfg := bqecore.OAuthConfig{ClientID: os.Getenv("CLIENT_ID"), ClientSecret: os.Getenv("CLIENT_SECRET"), RedirectURL: os.Getenv("REDIRECT_URL")}
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(cfg.TokenSource(&oauth2.Token{RefreshToken: os.Getenv("REFRESH_TOKEN")})))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp, err := c.ListActivitiesWithResponse(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(resp.Status())
}
