package bqecore_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/covergate"
	"github.com/oasuite/sdk/specs"
)

// coverage is shared by every fake of the package's tests; TestMain fails when
// a spec operation was never served.
var coverage = fakes.NewCoverage()

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if covergate.Applies() {
			spec, err := specs.Load("bqecore")
			if err != nil {
				fmt.Println("load spec:", err)
				os.Exit(1)
			}
			if missing := coverage.Missing(spec); len(missing) > 0 {
				fmt.Printf("FAIL: %d spec operations never served by a test:\n", len(missing))
				for _, op := range missing {
					fmt.Println("  ", op)
				}
				code = 1
			}
		}
	}
	os.Exit(code)
}

// newFake starts a fake that records coverage and stops with the test.
func newFake(t testing.TB, opts ...bqecoretest.Option) *bqecoretest.Server {
	t.Helper()
	fake := bqecoretest.NewServer(append([]bqecoretest.Option{bqecoretest.WithCoverage(coverage)}, opts...)...)
	t.Cleanup(fake.Close)
	return fake
}

// webApp is the fake's confidential app.
func webApp(fake *bqecoretest.Server, scopes ...string) bqecore.OAuthConfig {
	return bqecore.OAuthConfig{
		ClientID:     bqecoretest.TestClientID,
		ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL:  bqecoretest.TestRedirectURL,
		Scopes:       scopes,
		IdentityURL:  fake.IdentityURL(),
	}
}

// login runs the code flow against the fake and returns the exchanged token.
func login(t testing.TB, fake *bqecoretest.Server, cfg bqecore.OAuthConfig) (*oauth2.Token, *auth.Attempt) {
	t.Helper()
	ctx := context.Background()
	att, err := cfg.Start(map[string]string{"returnTo": "/dashboard"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, att, q)
	if err != nil {
		t.Fatal(err)
	}
	return tok, att
}

// newClient logs in to the fake with the web app and returns a client and its
// token source.
func newClient(t testing.TB, fake *bqecoretest.Server, opts ...bqecore.Option) (*bqecore.Client, *auth.Source) {
	t.Helper()
	cfg := webApp(fake)
	tok, _ := login(t, fake, cfg)
	src := cfg.TokenSource(tok)
	c, err := bqecore.New(context.Background(), append([]bqecore.Option{bqecore.WithTokenSource(src), bqecore.WithRetry(1, 0),
		bqecore.WithEndpointHosts(fake.EndpointHost())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, src
}

func ptr[T any](v T) *T { return &v }
