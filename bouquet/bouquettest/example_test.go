package bouquettest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
)

// A test against the fake: Authorize plays the user's browser in the OAuth
// dialog, the client takes the fake's BaseURL, FailNext makes the API
// misbehave and Requests counts what reached it. The same names work on
// every oasuite fake.
func Example() {
	ctx := context.Background()
	fake := bouquettest.NewServer()
	defer fake.Close()

	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, ClientSecret: bouquettest.TestClientSecret, RedirectURI: bouquettest.TestRedirectURI}
	flow := cfg.CodeFlow()
	attempt, err := flow.Start(nil)
	if err != nil {
		panic(err)
	}
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		panic(err)
	}
	tok, err := flow.Exchange(ctx, attempt, callback)
	if err != nil {
		panic(err)
	}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()),
		bouquet.WithTokenSource(cfg.TokenSource(tok)), bouquet.WithRetry(1, 0))
	if err != nil {
		panic(err)
	}
	fake.FailNext("listProjects", http.StatusServiceUnavailable, 0, 1)
	_, err = c.ListProjectsWithResponse(ctx)
	fmt.Println("injected 503:", errors.Is(err, bouquet.ErrServer), "faults fired:", fake.FaultsFired())

	resp, err := c.ListProjectsWithResponse(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("then:", resp.StatusCode(), "/ served:", fake.Requests("listProjects"))
	// Output:
	// injected 503: true faults fired: 1
	// then: 200 / served: 1
}
