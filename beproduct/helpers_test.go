package beproduct_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/covergate"
	"github.com/oasuite/sdk/specs"
)

// coverage is shared by every fake of the test binary; TestMain fails when a
// spec operation was never served.
var coverage = fakes.NewCoverage()

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && covergate.Applies() {
		spec, err := specs.Load("beproduct")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		if missing := coverage.Missing(spec); len(missing) > 0 {
			fmt.Printf("FAIL: %d spec operations never exercised: %v\n", len(missing), missing)
			code = 1
		}
	}
	os.Exit(code)
}

func newFake(t testing.TB, opts ...beproducttest.Option) *beproducttest.Server {
	t.Helper()
	s := beproducttest.NewServer(append([]beproducttest.Option{beproducttest.WithCoverage(coverage)}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

func oauthConfig(fake *beproducttest.Server, hc *http.Client) beproduct.OAuthConfig {
	return beproduct.OAuthConfig{
		Issuer:       fake.Issuer(),
		ClientID:     beproducttest.TestClientID,
		ClientSecret: beproducttest.TestClientSecret,
		RedirectURL:  beproducttest.TestRedirectURL,
		HTTPClient:   hc,
	}
}

// authorize follows an attempt's URL like a browser that consents, and
// returns the redirect the identity server answers with.
func authorize(t testing.TB, hc *http.Client, attemptURL string) *url.URL {
	t.Helper()
	nf := *hc
	if nf.Transport == nil {
		nf.Transport = http.DefaultTransport
	}
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := nf.Get(attemptURL)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	return loc
}

// login runs the code flow against the fake and returns the session.
func login(t testing.TB, ctx context.Context, id *beproduct.Identity, hc *http.Client) *beproduct.Session {
	t.Helper()
	at, err := id.StartLogin(nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := authorize(t, hc, at.URL)
	s, err := id.FinishLogin(ctx, at, loc.Query())
	if err != nil {
		t.Fatalf("FinishLogin: %v", err)
	}
	return s
}

// setup returns a fake, an identity, a logged-in session's source and a client.
type env struct {
	fake   *beproducttest.Server
	id     *beproduct.Identity
	sess   *beproduct.Session
	ts     *auth.Source
	client *beproduct.Client
}

func setup(t testing.TB, fopts []beproducttest.Option, copts ...beproduct.Option) *env {
	t.Helper()
	ctx := context.Background()
	fake := newFake(t, fopts...)
	hc := &http.Client{}
	id, err := beproduct.NewIdentity(ctx, oauthConfig(fake, hc))
	if err != nil {
		t.Fatal(err)
	}
	sess := login(t, ctx, id, hc)
	ts := id.TokenSource(sess)
	c := newClient(t, fake, ts, copts...)
	return &env{fake: fake, id: id, sess: sess, ts: ts, client: c}
}

func newClient(t testing.TB, fake *beproducttest.Server, ts oauth2.TokenSource, opts ...beproduct.Option) *beproduct.Client {
	t.Helper()
	base := []beproduct.Option{
		beproduct.WithCompany(beproducttest.TestCompany),
		beproduct.WithBaseURL(fake.BaseURL()),
		beproduct.WithTokenSource(ts),
		beproduct.WithRetry(3, 50*time.Millisecond),
	}
	c, err := beproduct.New(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
