// Command oauth2only is the baseline of `make size`: an HTTP call with an
// x/oauth2 client-credentials token, and nothing of oasuite.
package main

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/oauth2/clientcredentials"
)

func main() {
	ctx := context.Background()
	cfg := clientcredentials.Config{ClientID: os.Getenv("CLIENT_ID"), ClientSecret: os.Getenv("CLIENT_SECRET"),
		TokenURL: "https://" + os.Getenv("HOST") + "/oauth/token"}
	resp, err := cfg.Client(ctx).Get("https://" + os.Getenv("HOST") + "/l/meeting")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	fmt.Println(resp.Status)
}
