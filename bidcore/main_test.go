package bidcore_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/covergate"
	"github.com/oasuite/sdk/specs"
)

// coverage is shared by every fake of the test binary: TestMain fails when a spec operation was never
// served (when the whole suite ran, not a -run selection).
var coverage = fakes.NewCoverage()

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && covergate.Applies() {
		spec, err := specs.Load("bidcore")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if missing := coverage.Missing(spec); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: spec operations never served by the fake: %v\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}

// newFake starts a fake recording into coverage, closed with the test.
func newFake(t testing.TB, opts ...bidcoretest.Option) *bidcoretest.Server {
	t.Helper()
	srv := bidcoretest.NewServer(append([]bidcoretest.Option{bidcoretest.WithCoverage(coverage)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

// newClient returns a client logged in at srv as the full-access test user, without retries unless
// opts say otherwise.
func newClient(t testing.TB, srv *bidcoretest.Server, opts ...bidcore.Option) *bidcore.Client {
	t.Helper()
	base := []bidcore.Option{bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithTokenURL(srv.TokenURL()),
		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword), bidcore.WithRetry(1, 0)}
	c, err := bidcore.New(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeClock is a controllable clock shared by a fake and a client's token source.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// capture records the requests a transport sends (with their bodies) and passes them on.
type capture struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []captured
}

type captured struct {
	method, url, host, contentType, body, auth string
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	var body string
	if r.GetBody != nil {
		if rc, err := r.GetBody(); err == nil {
			b := make([]byte, 0, 512)
			buf := make([]byte, 512)
			for {
				n, err := rc.Read(buf)
				b = append(b, buf[:n]...)
				if err != nil {
					break
				}
			}
			rc.Close()
			body = string(b)
		}
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, captured{method: r.Method, url: r.URL.String(), host: r.Host,
		contentType: r.Header.Get("Content-Type"), body: body, auth: r.Header.Get("Authorization")})
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

func (c *capture) all() []captured {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]captured(nil), c.reqs...)
}

// reroute sends requests for production hosts to a fake (keeping the Host header), as the replay
// recorder does, so that tests can use the client's production defaults.
type reroute struct {
	fakeURL string
	next    http.RoundTripper
}

func (rr reroute) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Host = r.URL.Host
	r2.URL.Scheme = "http"
	r2.URL.Host = rr.fakeURL[len("http://"):]
	return rr.next.RoundTrip(r2)
}
