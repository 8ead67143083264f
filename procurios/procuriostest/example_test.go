package procuriostest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// A test against the fake: Authorize plays the user's browser in the code
// flow, the client takes the fake's BaseURL, FailNext makes the API
// misbehave and Requests counts what reached it. The same names work on
// every oasuite fake.
func Example() {
	ctx := context.Background()
	fake := procuriostest.NewServer()
	defer fake.Close()

	flow, err := procurios.OAuthConfig{
		BaseURL: fake.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		RedirectURL: procuriostest.TestRedirectURL, Scopes: []string{"meeting2/read"},
	}.CodeFlow()
	if err != nil {
		panic(err)
	}
	attempt, _ := flow.Start(nil)
	callback, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		panic(err)
	}
	tok, err := flow.Exchange(ctx, attempt, callback)
	if err != nil {
		panic(err)
	}
	c, err := procurios.New(ctx, procurios.WithBaseURL(fake.BaseURL()),
		procurios.WithTokenSource(procurios.CodeTokenSource(flow, tok)), procurios.WithRetry(1, 0))
	if err != nil {
		panic(err)
	}
	fake.FailNext("listMeetings", http.StatusServiceUnavailable, 0, 1)
	_, err = c.Meetings(ctx, "ledenvergadering")
	fmt.Println("injected 503:", errors.Is(err, procurios.ErrServer), "faults fired:", fake.FaultsFired())

	ms, err := c.Meetings(ctx, "ledenvergadering")
	if err != nil {
		panic(err)
	}
	fmt.Println("then:", ms[0].Title, "/ served:", fake.Requests("listMeetings"))
	// Output:
	// injected 503: true faults fired: 1
	// then: Algemene ledenvergadering / served: 1
}
