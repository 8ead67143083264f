package bench

import (
	"github.com/oasuite/sdk/bench/benchkit"

	"context"
	"testing"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/validate"
	_ "github.com/oasuite/sdk/validate/openapi"
)

// newValidatingClient is benchkit.NewSuiteClient with response validation in mode.
func newValidatingClient(tb testing.TB, serverURL string, mode validate.Mode) *beproduct.Client {
	tb.Helper()
	c, err := beproduct.New(context.Background(),
		beproduct.WithCompany(benchkit.Company),
		beproduct.WithBaseURL(serverURL+"/api"),
		beproduct.WithTokenSource(auth.NewSource(benchkit.TokenFetcher())),
		beproduct.WithResponseValidation(mode))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// BenchmarkValidation is GetHeader and ListHeaders (one 200-record page)
// with response validation off (the default: it must cost nothing) and
// strict (every answer checked against specs/beproduct.yaml).
func BenchmarkValidation(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	for _, mode := range []validate.Mode{validate.Off, validate.Strict} {
		b.Run("GetHeader/"+mode.String(), func(b *testing.B) {
			c := newValidatingClient(b, srv.URL, mode)
			if _, err := benchkit.SuiteGet(ctx, c); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if h, err := benchkit.SuiteGet(ctx, c); err != nil || h == nil {
					b.Fatal(h, err)
				}
			}
		})
		b.Run("ListHeaders/"+mode.String(), func(b *testing.B) {
			c := newValidatingClient(b, srv.URL, mode)
			if _, err := benchkit.SuiteList(ctx, c); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(srv.Page)))
			for b.Loop() {
				if p, err := benchkit.SuiteList(ctx, c); err != nil || len(p.Result) != benchkit.PageSize {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestValidationOffAddsNoAllocs: a client with validation off allocates
// exactly what one without the option does, per call.
func TestValidationOffAddsNoAllocs(t *testing.T) {
	srv := benchkit.NewServer(t)
	ctx := context.Background()
	plain, off := benchkit.NewSuiteClient(t, srv.URL), newValidatingClient(t, srv.URL, validate.Off)
	for _, c := range []*beproduct.Client{plain, off} {
		if _, err := benchkit.SuiteGet(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	measure := func(c *beproduct.Client) float64 {
		return testing.AllocsPerRun(200, func() {
			if _, err := benchkit.SuiteGet(ctx, c); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Connection reuse and the loopback server's goroutines (AllocsPerRun
	// counts every goroutine's allocations) shift a few allocations between
	// runs, more so under -race on a loaded machine: interleave the two
	// clients, compare the minimum of each, and allow 2. Validating a
	// response costs well over 100 allocations, so a validator that ran
	// while Off would still fail this.
	p, o := measure(plain), measure(off)
	for range 4 {
		p, o = min(p, measure(plain)), min(o, measure(off))
	}
	if o > p+2 {
		t.Fatalf("validation off: %.0f allocs per call, without the option %.0f", o, p)
	}
}
