package procurios_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/google/uuid"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/covergate"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
	"github.com/oasuite/sdk/specs"
)

// coverage is shared by every fake of this test binary: TestMain fails when a
// spec operation was never served.
var coverage = fakes.NewCoverage()

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && covergate.Applies() {
		spec, err := specs.Load("procurios")
		if err != nil {
			fmt.Println("loading spec:", err)
			os.Exit(1)
		}
		if missing := coverage.Missing(spec); len(missing) > 0 {
			fmt.Println("spec operations never served by a test:", missing)
			code = 1
		}
	}
	os.Exit(code)
}

// newFake starts a fake recorded in the shared coverage.
func newFake(t testing.TB, opts ...procuriostest.Option) *procuriostest.Server {
	t.Helper()
	srv := procuriostest.NewServer(append(opts, procuriostest.WithCoverage(coverage))...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient logs in with client credentials (scopes: all when nil).
func newClient(t testing.TB, srv *procuriostest.Server, scopes []string, opts ...procurios.Option) *procurios.Client {
	t.Helper()
	if scopes == nil {
		scopes = procuriostest.AllScopes()
	}
	ts, err := procurios.OAuthConfig{
		BaseURL:      srv.BaseURL(),
		ClientID:     procuriostest.TestClientID,
		ClientSecret: procuriostest.TestClientSecret,
		Scopes:       scopes,
	}.ClientCredentials()
	if err != nil {
		t.Fatal(err)
	}
	c, err := procurios.New(context.Background(), append([]procurios.Option{
		procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts), procurios.WithRetry(1, 0),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustUUID(t testing.TB, s string) uuid.UUID {
	t.Helper()
	u, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustQuery(t testing.TB, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func newHTTPServer(t testing.TB, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL
}
