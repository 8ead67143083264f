package reliability

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oasuite/sdk/auth"
)

// outcome is what one matrix row observed.
type outcome struct {
	err       error
	apiCalls  int // requests that reached the API handler
	tokenReqs int // requests to the token endpoint
	elapsed   time.Duration
	logs      string
}

// row is one bad input or fault, driven through every vendor.
type row struct {
	name string
	post bool // use the vendor's POST call instead of its GET
	// attempts and maxWait go to WithRetry (defaults 3 and 100ms).
	attempts int
	maxWait  time.Duration
	// clientTimeout, when set, is the http.Client.Timeout of WithHTTPClient.
	clientTimeout time.Duration
	// ctxTimeout, when set, bounds the call's context.
	ctxTimeout time.Duration
	// api answers API request number n (from 1). cancel cancels the call's
	// context; release is closed when the row ends.
	api func(v vendor, n int, cancel context.CancelFunc, release <-chan struct{}) http.HandlerFunc
	// refuseRefresh makes the token endpoint refuse every request after the first
	// token was issued (or at once for sources that start with a token).
	refuseRefresh bool
	check         func(t *testing.T, v vendor, o outcome)
}

// initialLogins is how many token requests a vendor's source makes before its
// first API call: the password and client-credentials sources log in first;
// the refreshing sources start from a valid token.
func initialLogins(v vendor) int {
	if v.name == "bidcore" || v.name == "procurios" {
		return 1
	}
	return 0
}

func writeBody(w http.ResponseWriter, status int, ctype, body string, hdr ...string) {
	for i := 0; i+1 < len(hdr); i += 2 {
		w.Header().Set(hdr[i], hdr[i+1])
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// constant answers every request the same way.
func constant(status int, ctype, body string, hdr ...string) func(vendor, int, context.CancelFunc, <-chan struct{}) http.HandlerFunc {
	return func(vendor, int, context.CancelFunc, <-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { writeBody(w, status, ctype, body, hdr...) }
	}
}

// firstThenOK answers the first request with status (and hdr), the others with
// the vendor's successful GET body.
func firstThenOK(status int, hdr func() []string) func(vendor, int, context.CancelFunc, <-chan struct{}) http.HandlerFunc {
	return func(v vendor, n int, _ context.CancelFunc, _ <-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			if n == 1 {
				writeBody(w, status, "application/json", `{"message":"slow down"}`, hdr()...)
				return
			}
			writeBody(w, http.StatusOK, "application/json", v.okGet)
		}
	}
}

// hang never answers: it waits for the client to give up.
func hang(_ vendor, _ int, _ context.CancelFunc, release <-chan struct{}) http.HandlerFunc {
	return func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		case <-time.After(10 * time.Second): // the row fails instead of hanging the suite
		}
	}
}

const htmlBadGateway = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>` +
	`<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`

func wantStatus(t *testing.T, v vendor, err error, status int, sentinel error) {
	t.Helper()
	ve, ok := v.as(err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *%s.Error", err, err, v.name)
	}
	if ve.status != status {
		t.Errorf("StatusCode = %d, want %d", ve.status, status)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("errors.Is(err, %v) = false; err = %v", sentinel, err)
	}
}

func wantCalls(t *testing.T, o outcome, api int) {
	t.Helper()
	if o.apiCalls != api {
		t.Errorf("API requests = %d, want %d", o.apiCalls, api)
	}
}

// matrixRows is the bad-input and fault matrix. Every row runs against every
// vendor in vendors().
func matrixRows() []row {
	return []row{
		{name: "malformed_json", api: constant(200, "application/json", `{"results":[{"id":1,`),
			check: func(t *testing.T, v vendor, o outcome) {
				var se *json.SyntaxError
				if !errors.As(o.err, &se) {
					t.Errorf("err = %v (%T), want a *json.SyntaxError", o.err, o.err)
				}
				wantCalls(t, o, 1)
			}},
		{name: "html_502_retried_then_typed", attempts: 2,
			api: constant(502, "text/html; charset=utf-8", htmlBadGateway),
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 502, v.errServer)
				wantCalls(t, o, 2)
				if n := len(o.err.Error()); n > 1024 {
					t.Errorf("error string is %d bytes: an error page must be shortened", n)
				}
			}},
		{name: "empty_body_200", api: constant(200, "application/json", ""),
			check: func(t *testing.T, v vendor, o outcome) {
				var se *json.SyntaxError
				if !errors.As(o.err, &se) {
					t.Errorf("err = %v (%T), want a *json.SyntaxError", o.err, o.err)
				}
			}},
		{name: "empty_body_404", api: constant(404, "", ""),
			check: func(t *testing.T, v vendor, o outcome) { wantStatus(t, v, o.err, 404, v.errNotFound) }},
		{name: "truncated_body", api: func(vendor, int, context.CancelFunc, <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "4096")
				_, _ = io.WriteString(w, `{"results":[{"id":1,"na`)
			}
		},
			check: func(t *testing.T, v vendor, o outcome) {
				if !errors.Is(o.err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v (%T), want io.ErrUnexpectedEOF", o.err, o.err)
				}
			}},
		{name: "error_body_over_limit", api: func(vendor, int, context.CancelFunc, <-chan struct{}) http.HandlerFunc {
			big := `{"message":"` + strings.Repeat("x", 1<<20) + `","detail":"` + strings.Repeat("y", 1<<20) + `"}`
			return func(w http.ResponseWriter, _ *http.Request) { writeBody(w, 400, "application/json", big) }
		},
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 400, v.errBadRequest)
				if n := len(o.err.Error()); n > 4096 {
					t.Errorf("error string is %d bytes; a 2 MiB body must not end up in it", n)
				}
			}},
		{name: "wrong_content_type_2xx", api: constant(200, "text/html", `<html><body>Please log in to the proxy</body></html>`),
			check: func(t *testing.T, v vendor, o outcome) {
				if o.err == nil {
					t.Fatal("a 2xx HTML page was taken for data: err = nil")
				}
				if _, ok := v.as(o.err); ok {
					t.Errorf("err = %v: a 2xx answer is not a status error", o.err)
				}
			}},
		{name: "wrong_content_type_error", api: constant(404, "text/plain", `{"message":"no such thing"}`),
			check: func(t *testing.T, v vendor, o outcome) { wantStatus(t, v, o.err, 404, v.errNotFound) }},
		{name: "401_after_refresh", api: constant(401, "application/json", `{"message":"token expired"}`),
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 401, v.errUnauthorized)
				wantCalls(t, o, 2) // the call and its one replay
				if want := initialLogins(v) + 1; o.tokenReqs != want {
					t.Errorf("token requests = %d, want %d (exactly one forced refresh)", o.tokenReqs, want)
				}
			}},
		{name: "401_refresh_refused", refuseRefresh: true,
			api: constant(401, "application/json", `{"message":"token expired"}`),
			check: func(t *testing.T, v vendor, o outcome) {
				if !errors.Is(o.err, v.errUnauthorized) {
					t.Errorf("errors.Is(err, ErrUnauthorized) = false; err = %v", o.err)
				}
				var te *auth.TokenError
				if !errors.As(o.err, &te) || te.ErrorCode != "invalid_grant" {
					t.Errorf("err = %v, want an *auth.TokenError invalid_grant", o.err)
				}
				wantCalls(t, o, 1)
			}},
		{name: "429_retry_after_seconds", attempts: 3, maxWait: 2 * time.Second,
			api: firstThenOK(429, func() []string { return []string{"Retry-After", "1"} }),
			check: func(t *testing.T, v vendor, o outcome) {
				if o.err != nil {
					t.Fatalf("err = %v, want success after one wait", o.err)
				}
				wantCalls(t, o, 2)
				if o.elapsed < 900*time.Millisecond {
					t.Errorf("retried after %v, before Retry-After: 1", o.elapsed)
				}
			}},
		{name: "429_retry_after_http_date", attempts: 3, maxWait: 3 * time.Second,
			api: firstThenOK(429, func() []string {
				return []string{"Retry-After", time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)}
			}),
			check: func(t *testing.T, v vendor, o outcome) {
				if o.err != nil {
					t.Fatalf("err = %v, want success after one wait", o.err)
				}
				wantCalls(t, o, 2)
				if o.elapsed < 500*time.Millisecond {
					t.Errorf("retried after %v, before the Retry-After date", o.elapsed)
				}
			}},
		{name: "429_exhausted", attempts: 2, maxWait: 2 * time.Second,
			api: constant(429, "application/json", `{"message":"slow down"}`, "Retry-After", "1"),
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 429, v.errTooMany)
				wantCalls(t, o, 2)
				if ve, _ := v.as(o.err); ve.retryAfter != time.Second {
					t.Errorf("RetryAfter = %v, want 1s", ve.retryAfter)
				}
			}},
		{name: "429_retry_after_beyond_max_wait", attempts: 3, maxWait: time.Second,
			api: constant(429, "application/json", `{"message":"slow down"}`, "Retry-After", "3600"),
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 429, v.errTooMany)
				wantCalls(t, o, 1)
				if ve, _ := v.as(o.err); ve.retryAfter != time.Hour {
					t.Errorf("RetryAfter = %v, want 1h", ve.retryAfter)
				}
				if o.elapsed > 5*time.Second {
					t.Errorf("took %v: a Retry-After beyond maxWait must not be waited for", o.elapsed)
				}
			}},
		{name: "503_get_retried", api: firstThenOK(503, func() []string { return nil }),
			check: func(t *testing.T, v vendor, o outcome) {
				if o.err != nil {
					t.Fatalf("err = %v, want success on the second attempt", o.err)
				}
				wantCalls(t, o, 2)
			}},
		{name: "503_post_not_retried", post: true,
			api: constant(503, "application/json", `{"message":"maintenance"}`),
			check: func(t *testing.T, v vendor, o outcome) {
				wantStatus(t, v, o.err, 503, v.errServer)
				wantCalls(t, o, 1)
			}},
		{name: "cancel_during_backoff", attempts: 3, maxWait: 30 * time.Second,
			api: func(_ vendor, _ int, cancel context.CancelFunc, _ <-chan struct{}) http.HandlerFunc {
				return func(w http.ResponseWriter, _ *http.Request) {
					time.AfterFunc(150*time.Millisecond, cancel)
					writeBody(w, 503, "application/json", `{"message":"busy"}`, "Retry-After", "20")
				}
			},
			check: func(t *testing.T, v vendor, o outcome) {
				if !errors.Is(o.err, context.Canceled) {
					t.Errorf("err = %v (%T), want context.Canceled", o.err, o.err)
				}
				wantCalls(t, o, 1)
				if o.elapsed > 10*time.Second {
					t.Errorf("took %v: cancelling must end the 20s wait at once", o.elapsed)
				}
			}},
		{name: "timeout_context_deadline", ctxTimeout: 1500 * time.Millisecond, // room for the token fetch at load: the API request must be sent
			api: hang,
			check: func(t *testing.T, v vendor, o outcome) {
				if !errors.Is(o.err, context.DeadlineExceeded) {
					t.Errorf("err = %v (%T), want context.DeadlineExceeded", o.err, o.err)
				}
				wantCalls(t, o, 1)
			}},
		{name: "timeout_http_client", clientTimeout: 300 * time.Millisecond, api: hang,
			check: func(t *testing.T, v vendor, o outcome) {
				var ne net.Error
				if !errors.As(o.err, &ne) || !ne.Timeout() {
					t.Errorf("err = %v (%T), want a net.Error with Timeout()", o.err, o.err)
				}
			}},
	}
}

// TestMatrix drives every row of the matrix through every vendor's public
// client, asserting the typed error, that nothing panics, that no secret is
// in the error or the Debug log, and that no goroutine is left behind.
func TestMatrix(t *testing.T) {
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			for _, r := range matrixRows() {
				t.Run(r.name, func(t *testing.T) {
					o := runRow(t, v, r)
					r.check(t, v, o)
					assertNoSecrets(t, o.err, o.logs)
				})
			}
		})
	}
}

// runRow runs one row against one vendor and returns what happened. The
// goroutine check runs after the server and the transport are closed.
func runRow(t *testing.T, v vendor, r row) outcome {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) }) // runs last
	srv := newAPIServer(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if r.ctxTimeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, r.ctxTimeout)
		defer cancel()
	}
	var n atomic.Int32
	srv.handle(func(w http.ResponseWriter, req *http.Request) {
		r.api(v, int(n.Add(1)), cancel, release)(w, req)
	})
	if r.refuseRefresh {
		issued := initialLogins(v)
		srv.tokenFail = func(w http.ResponseWriter) bool {
			if issued > 0 {
				issued--
				return false
			}
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return true
		}
	}
	logs := &safeBuffer{}
	attempts, maxWait := r.attempts, r.maxWait
	if attempts == 0 {
		attempts = 3
	}
	if maxWait == 0 {
		maxWait = 100 * time.Millisecond
	}
	env := clientEnv{base: srv.URL, hc: &http.Client{Transport: tr, Timeout: r.clientTimeout},
		attempts: attempts, maxWait: maxWait,
		logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	c, err := v.build(context.Background(), env)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	call := c.get
	if r.post {
		call = c.post
	}
	start := time.Now()
	err = func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
				t.Errorf("the call panicked: %v", p)
			}
		}()
		return call(ctx)
	}()
	o := outcome{err: err, elapsed: time.Since(start), logs: logs.String()}
	o.apiCalls, o.tokenReqs = srv.counts()
	return o
}

// assertNoSecrets fails when any recognisable secret of the row (password,
// client secret, access or refresh token) shows in the error, however it is
// printed, or in the Debug log.
func assertNoSecrets(t *testing.T, err error, logs string) {
	t.Helper()
	if err != nil {
		for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(f, err); strings.Contains(s, secretMark) {
				t.Errorf("secret in the error (%s): %s", f, s)
			}
		}
	}
	if strings.Contains(logs, secretMark) {
		t.Errorf("secret in the slog output:\n%s", logs)
	}
}
