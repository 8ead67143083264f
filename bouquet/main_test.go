package bouquet_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/covergate"
	"github.com/oasuite/sdk/specs"
)

// coverage is shared by every fake of this test binary: TestMain fails when
// a spec operation was never served.
var coverage = fakes.NewCoverage()

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && covergate.Applies() {
		spec, err := specs.Load("bouquet")
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		if missing := coverage.Missing(spec); len(missing) > 0 {
			fmt.Printf("spec operations never served by a test (%d):\n", len(missing))
			for _, op := range missing {
				fmt.Println("  " + op)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// newFake starts a fake sharing the package coverage.
func newFake(t testing.TB, opts ...bouquettest.Option) *bouquettest.Server {
	t.Helper()
	f := bouquettest.NewServer(append([]bouquettest.Option{bouquettest.WithCoverage(coverage), bouquettest.WithRetryAfter(0)}, opts...)...)
	t.Cleanup(f.Close)
	return f
}

// oauthCfg is the seeded client of a fake.
func oauthCfg(f *bouquettest.Server) bouquet.OAuthConfig {
	return bouquet.OAuthConfig{
		BaseURL: f.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.TestClientID, ClientSecret: bouquettest.TestClientSecret,
		RedirectURI: bouquettest.TestRedirectURI,
	}
}

// newClient logs in with the password flow and returns a client of the fake.
func newClient(t testing.TB, f *bouquettest.Server, opts ...bouquet.Option) *bouquet.Client {
	t.Helper()
	ts := oauthCfg(f).PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	c, err := bouquet.New(context.Background(), append([]bouquet.Option{
		bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(ts),
		bouquet.WithRetry(3, 10*time.Millisecond), bouquet.WithPollInterval(time.Millisecond),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }
