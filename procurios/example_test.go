package procurios_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// Log in with client credentials and walk a paged CRM collection.
func Example() {
	ctx := context.Background()
	srv := procuriostest.NewServer()
	defer srv.Close()

	// Against Procurios: OAuthConfig{Host: "<customer host>", ...} and
	// procurios.WithHost("<customer host>").
	ts, err := procurios.OAuthConfig{
		BaseURL:      srv.BaseURL(),
		ClientID:     procuriostest.TestClientID,
		ClientSecret: procuriostest.TestClientSecret,
		Scopes:       []string{"relation_list_api/relation"},
	}.ClientCredentials()
	if err != nil {
		panic(err)
	}
	c, err := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))
	if err != nil {
		panic(err)
	}
	cols, err := c.Collections(ctx)
	if err != nil {
		panic(err)
	}
	n := 0
	for _, err := range c.Relations(ctx, cols[0].Id.String()) {
		if err != nil {
			panic(err)
		}
		n++
	}
	fmt.Printf("%s: %d relations\n", cols[0].Title, n)
	fmt.Println("Accept:", c.MediaType("getCollection"))
	// Output:
	// Testcollectie: 60 relations
	// Accept: application/vnd.procurios.relation+json; version=1
}

// A registration is checked against its registration set's JSON Schema before
// it is sent.
func ExampleClient_Register() {
	ctx := context.Background()
	srv := procuriostest.NewServer()
	defer srv.Close()
	ts, _ := procurios.OAuthConfig{BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID,
		ClientSecret: procuriostest.TestClientSecret, Scopes: []string{"profile/registration"}}.ClientCredentials()
	c, _ := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))

	_, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{"first_name": "Ada"})
	var ve *procurios.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Println("invalid:", f)
		}
	}
	res, err := c.Register(ctx, procuriostest.RegistrationSetID, map[string]any{
		"first_name": "Ada", "name": "Lovelace", "email": "ada@example.nl", "birth_date": "1815-12-10",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("registered relation", res.RelationId)
	// Output:
	// invalid: email: is required
	// invalid: name: is required
	// registered relation 1001
}

// The authorization-code grant in the getting-started page's legacy spelling.
func ExampleWithLegacyOAuthParams() {
	ctx := context.Background()
	srv := procuriostest.NewServer(procuriostest.WithLegacyOAuth())
	defer srv.Close()
	flow, err := procurios.OAuthConfig{
		BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID, ClientSecret: procuriostest.TestClientSecret,
		RedirectURL: procuriostest.TestRedirectURL, Scopes: []string{"meeting2/read"},
	}.CodeFlow(procurios.WithLegacyOAuthParams())
	if err != nil {
		panic(err)
	}
	attempt, _ := flow.Start(nil)                    // send the user to attempt.URL
	callback, err := srv.Authorize(ctx, attempt.URL) // the fake consents for the user
	if err != nil {
		panic(err)
	}
	tok, err := flow.Exchange(ctx, attempt, callback)
	if err != nil {
		panic(err)
	}
	c, _ := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(procurios.CodeTokenSource(flow, tok)))
	ms, err := c.Meetings(ctx, "ledenvergadering")
	if err != nil {
		panic(err)
	}
	fmt.Println(ms[0].Title)
	// Output:
	// Algemene ledenvergadering
}
