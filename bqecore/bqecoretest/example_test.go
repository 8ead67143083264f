package bqecoretest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// A test against the fake: Authorize plays the user's browser in the code
// flow, the client takes the fake's BaseURL, FailNext makes the API
// misbehave and Requests counts what reached it. The same names work on
// every oasuite fake.
func Example() {
	ctx := context.Background()
	fake := bqecoretest.NewServer()
	defer fake.Close()

	cfg := bqecore.OAuthConfig{ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL: bqecoretest.TestRedirectURL, IdentityURL: fake.IdentityURL()}
	attempt, err := cfg.Start(nil)
	if err != nil {
		panic(err)
	}
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		panic(err)
	}
	tok, err := cfg.Exchange(ctx, attempt, callback)
	if err != nil {
		panic(err)
	}
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(cfg.TokenSource(tok)),
		bqecore.WithBaseURL(fake.BaseURL()), bqecore.WithRetry(1, 0))
	if err != nil {
		panic(err)
	}
	fake.FailNext("listActivities", http.StatusServiceUnavailable, 0, 1)
	_, err = c.ListActivitiesWithResponse(ctx, nil)
	fmt.Println("injected 503:", errors.Is(err, bqecore.ErrServer), "faults fired:", fake.FaultsFired())

	resp, err := c.ListActivitiesWithResponse(ctx, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("then:", resp.StatusCode(), "served:", fake.Requests("listActivities"))
	// Output:
	// injected 503: true faults fired: 1
	// then: 200 served: 1
}
