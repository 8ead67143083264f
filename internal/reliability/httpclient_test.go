package reliability

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingTransport counts the requests it carries.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// TestWithHTTPClientOneBehaviour: on all five vendors, WithHTTPClient's
// Transport carries the API requests and its Jar and CheckRedirect are kept
// (its Timeout: the matrix's clientTimeout rows). The API answers the first
// request with a same-origin redirect that sets a cookie; the client must
// follow it through the user's CheckRedirect and send the cookie from the
// user's Jar.
func TestWithHTTPClientOneBehaviour(t *testing.T) {
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			srv := newAPIServer(t)
			var sawCookie atomic.Bool
			var n atomic.Int32
			srv.handle(func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					http.SetCookie(w, &http.Cookie{Name: "lb", Value: "node-7", Path: "/"})
					q := r.URL.Query()
					q.Set("hop", "1")
					http.Redirect(w, r, r.URL.Path+"?"+q.Encode(), http.StatusFound)
					return
				}
				if c, err := r.Cookie("lb"); err == nil && c.Value == "node-7" {
					sawCookie.Store(true)
				}
				writeBody(w, 200, "application/json", v.okGet)
			})
			tr := &http.Transport{}
			t.Cleanup(tr.CloseIdleConnections)
			ct := &countingTransport{base: tr}
			jar, _ := cookiejar.New(nil)
			var redirects atomic.Int32
			hc := &http.Client{Transport: ct, Jar: jar, Timeout: 10 * time.Second,
				CheckRedirect: func(req *http.Request, via []*http.Request) error { redirects.Add(1); return nil }}
			var logs safeBuffer
			c, err := v.build(context.Background(), clientEnv{base: srv.URL, hc: hc, attempts: 2, maxWait: 10 * time.Millisecond,
				logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.get(context.Background()); err != nil {
				t.Fatalf("get: %v", err)
			}
			api, token := srv.counts()
			if redirects.Load() != 1 {
				t.Errorf("the user's CheckRedirect ran %d times, want 1", redirects.Load())
			}
			if !sawCookie.Load() {
				t.Error("the cookie set by the redirect was not sent back: the user's Jar is not used")
			}
			if got := int(ct.n.Load()); got < api+token || api != 2 {
				t.Errorf("the user's Transport carried %d requests; the server saw %d API and %d token requests", got, api, token)
			}
			if !strings.Contains(logs.String(), "level=DEBUG") {
				t.Errorf("a successful attempt is not logged at Debug:\n%s", logs.String())
			}
		})
	}
}
