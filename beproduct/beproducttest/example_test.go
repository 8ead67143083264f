package beproducttest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
)

// A test against the fake: Authorize plays the user's browser in the code
// flow, the client takes the fake's BaseURL, FailNext makes the API
// misbehave and Requests counts what reached it. The same names work on
// every oasuite fake.
func Example() {
	ctx := context.Background()
	fake := beproducttest.NewServer()
	defer fake.Close()

	id, err := beproduct.NewIdentity(ctx, beproduct.OAuthConfig{
		Issuer: fake.Issuer(), ClientID: beproducttest.TestClientID, ClientSecret: beproducttest.TestClientSecret,
		RedirectURL: beproducttest.TestRedirectURL,
	})
	if err != nil {
		panic(err)
	}
	attempt, _ := id.StartLogin(nil)
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		panic(err)
	}
	sess, err := id.FinishLogin(ctx, attempt, callback)
	if err != nil {
		panic(err)
	}
	c, err := beproduct.New(ctx, beproduct.WithCompany(beproducttest.TestCompany), beproduct.WithBaseURL(fake.BaseURL()),
		beproduct.WithTokenSource(id.TokenSource(sess)), beproduct.WithRetry(1, 0))
	if err != nil {
		panic(err)
	}
	fake.FailNext("listStyleFolders", http.StatusServiceUnavailable, 0, 1)
	_, err = c.ListStyleFoldersWithResponse(ctx)
	fmt.Println("injected 503:", errors.Is(err, beproduct.ErrServer), "faults fired:", fake.FaultsFired())

	folders, err := c.ListStyleFoldersWithResponse(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("then:", (*folders.JSON200)[0].Name, "/ served:", fake.Requests("listStyleFolders"))
	// Output:
	// injected 503: true faults fired: 1
	// then: Spring 2026 / served: 1
}
