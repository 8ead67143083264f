package readme

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// procuriosLogin is compiled only: it names a customer host.
func procuriosLogin(ctx context.Context) (*procurios.Client, error) {
	// readme:begin procurios-client-credentials
	cfg := procurios.OAuthConfig{Host: "leden.example.nl",
		ClientID: os.Getenv("PROCURIOS_CLIENT_ID"), ClientSecret: os.Getenv("PROCURIOS_CLIENT_SECRET"),
		Scopes: []string{"relation_list_api/relation", "meeting2/read"}}
	ts, err := cfg.ClientCredentials() // *auth.Source: cached, renewed before expiry, and after a 401
	if err != nil {
		return nil, err
	}
	c, err := procurios.New(ctx, procurios.WithHost("leden.example.nl"), procurios.WithTokenSource(ts),
		procurios.WithLanguage("nl-NL"))
	// readme:end
	return c, err
}

func procuriosRelations(ctx context.Context, c *procurios.Client, collectionID string) error {
	// readme:begin procurios-relations
	for rel, err := range c.Relations(ctx, collectionID) { // the collection's UUID as text; follows _links.next
		if err != nil {
			return err
		}
		fmt.Println(*rel.Id, rel.AdditionalProperties["email"])
	}
	// readme:end
	return nil
}

// procuriosCodeLogin is compiled only: a user must consent.
func procuriosCodeLogin(ctx context.Context, cfg procurios.OAuthConfig, attempt *auth.Attempt, callbackURL *url.URL) (*procurios.Client, error) {
	// readme:begin procurios-code-flow
	cfg.RedirectURL = "https://app.example.nl/callback"
	flow, err := cfg.CodeFlow() // or cfg.CodeFlow(procurios.WithLegacyOAuthParams())
	if err != nil {
		return nil, err
	}
	// At login: attempt, err := flow.Start(nil); redirect the user to attempt.URL; keep attempt.
	// At the callback:
	tok, err := flow.Exchange(ctx, attempt, callbackURL.Query())
	if err != nil {
		return nil, err
	}
	return procurios.New(ctx, procurios.WithHost(cfg.Host), procurios.WithTokenSource(procurios.CodeTokenSource(flow, tok)))
	// readme:end
}

func TestProcuriosSnippets(t *testing.T) {
	ctx := context.Background()
	if _, err := procuriosLogin(ctx); err != nil {
		t.Fatalf("New refused the documented options: %v", err)
	}
	srv := procuriostest.NewServer()
	defer srv.Close()
	ts, err := procurios.OAuthConfig{BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID,
		ClientSecret: procuriostest.TestClientSecret, Scopes: []string{"relation_list_api/relation"}}.ClientCredentials()
	if err != nil {
		t.Fatal(err)
	}
	c, err := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	var lines int
	out := captureStdout(t, func() { err = procuriosRelations(ctx, c, procuriostest.CollectionID) })
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range out {
		if ch == '\n' {
			lines++
		}
	}
	if lines != procuriostest.CollectionSize {
		t.Fatalf("%d relations printed, want %d", lines, procuriostest.CollectionSize)
	}

}
