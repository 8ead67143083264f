package bidcoretest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
)

// A test against the fake: the client takes its BaseURL (and TokenURL for a
// password login); FailNext makes the API misbehave; Requests counts what
// reached the fake. The same names work on every oasuite fake.
func Example() {
	ctx := context.Background()
	fake := bidcoretest.NewServer()
	defer fake.Close()

	c, err := bidcore.New(ctx, bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword),
		bidcore.WithBaseURL(fake.BaseURL()), bidcore.WithTokenURL(fake.TokenURL()), bidcore.WithRetry(1, 0))
	if err != nil {
		panic(err)
	}
	fake.FailNext("listAdvertisers", http.StatusServiceUnavailable, 0, 1)
	_, err = c.ListAdvertisersWithResponse(ctx, nil)
	fmt.Println("injected 503:", errors.Is(err, bidcore.ErrServer), "faults fired:", fake.FaultsFired())

	resp, err := c.ListAdvertisersWithResponse(ctx, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println("then:", resp.StatusCode(), "served:", fake.Requests("listAdvertisers"), "logins:", fake.TokensIssued("password"))
	// Output:
	// injected 503: true faults fired: 1
	// then: 200 served: 1 logins: 1
}
