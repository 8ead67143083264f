package fakes_test

import (
	"context"
	"testing"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

const loopback = "http://127.0.0.1:8765/callback"

// codeFake is one fake with a code flow: its Authorize, and the vendor's
// code flow with a given redirect URL.
type codeFake struct {
	authorize func(ctx context.Context, authURL string) (map[string][]string, error)
	flow      func(redirect string) (auth.CodeFlow, error)
	close     func()
}

func codeFakes(t *testing.T, register bool) map[string]codeFake {
	t.Helper()
	var redirects []string
	if register {
		redirects = []string{loopback}
	}
	q := bqecoretest.NewServer(bqecoretest.WithRedirectURLs(redirects...))
	b := bouquettest.NewServer(bouquettest.WithRedirectURLs(redirects...))
	p := beproducttest.NewServer(beproducttest.WithRedirectURLs(redirects...))
	r := procuriostest.NewServer(procuriostest.WithRedirectURLs(redirects...))
	return map[string]codeFake{
		"bqecore": {
			authorize: func(ctx context.Context, u string) (map[string][]string, error) { return q.Authorize(ctx, u) },
			flow: func(ru string) (auth.CodeFlow, error) {
				return bqecore.OAuthConfig{ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
					RedirectURL: ru, IdentityURL: q.IdentityURL()}.CodeFlow(), nil
			},
			close: q.Close,
		},
		"bouquet": {
			authorize: func(ctx context.Context, u string) (map[string][]string, error) { return b.Authorize(ctx, u) },
			flow: func(ru string) (auth.CodeFlow, error) {
				return bouquet.OAuthConfig{BaseURL: b.BaseURL(), CustomerID: bouquettest.TestCustomerID,
					ClientID: bouquettest.TestClientID, ClientSecret: bouquettest.TestClientSecret, RedirectURI: ru}.CodeFlow(), nil
			},
			close: b.Close,
		},
		"beproduct": {
			authorize: func(ctx context.Context, u string) (map[string][]string, error) { return p.Authorize(ctx, u) },
			flow: func(ru string) (auth.CodeFlow, error) {
				return beproduct.OAuthConfig{Issuer: p.Issuer(), ClientID: beproducttest.TestClientID,
					ClientSecret: beproducttest.TestClientSecret, RedirectURL: ru}.CodeFlow(), nil
			},
			close: p.Close,
		},
		"procurios": {
			authorize: func(ctx context.Context, u string) (map[string][]string, error) { return r.Authorize(ctx, u) },
			flow: func(ru string) (auth.CodeFlow, error) {
				return procurios.OAuthConfig{BaseURL: r.BaseURL(), ClientID: procuriostest.TestClientID,
					ClientSecret: procuriostest.TestClientSecret, RedirectURL: ru, Scopes: []string{"meeting2/read"}}.CodeFlow()
			},
			close: r.Close,
		},
	}
}

// WithRedirectURLs registers a loopback redirect (with its port) on every
// fake with a code flow: Authorize then returns a code for it, and a fake
// without the registration refuses it.
func TestWithRedirectURLsLoopback(t *testing.T) {
	ctx := context.Background()
	for _, register := range []bool{false, true} {
		for name, f := range codeFakes(t, register) {
			flow, err := f.flow(loopback)
			if err != nil {
				t.Fatal(err)
			}
			att, err := flow.Start(nil)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := f.authorize(ctx, att.URL)
			switch {
			case register && (err != nil || len(cb["code"]) != 1 || cb["code"][0] == ""):
				t.Errorf("%s: registered loopback redirect: %v %v", name, cb, err)
			case !register && err == nil && len(cb["code"]) > 0:
				t.Errorf("%s: an unregistered loopback redirect got a code", name)
			}
			f.close()
		}
	}
}
