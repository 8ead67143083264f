package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// fakeTokens is a token source that can be forced to refresh and counts it.
type fakeTokens struct {
	mu        sync.Mutex
	current   string
	n         int
	refreshes atomic.Int32
	failWith  error
}

func (f *fakeTokens) Token() (*oauth2.Token, error) { return f.TokenContext(context.Background()) }

func (f *fakeTokens) TokenContext(context.Context) (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &oauth2.Token{AccessToken: f.current}, nil
}

func (f *fakeTokens) ForceRefresh(_ context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failWith != nil {
		return nil, f.failWith
	}
	if rejected.AccessToken == f.current {
		f.n++
		f.current = "tok-" + string(rune('A'+f.n))
		f.refreshes.Add(1)
	}
	return &oauth2.Token{AccessToken: f.current}, nil
}

// noSleep records waits instead of sleeping.
type noSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *noSleep) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

// script answers each request with the next handler in line.
func script(t *testing.T, steps ...http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			t.Errorf("unexpected request %d: %s %s", i+1, r.Method, r.URL)
			w.WriteHeader(599)
			return
		}
		steps[i](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"status":"x"}`)
	}
}

func TestRetryHonoursRetryAfterSecondsAndDate(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	srv, n := script(t,
		status(429, "Retry-After", "3"),
		status(503, "Retry-After", now.Add(7*time.Second).Format(http.TimeFormat)),
		status(200),
	)
	s := &noSleep{}
	c := NewClient(Config{Retry: Retry{Sleep: s.Sleep, Now: func() time.Time { return now }}})
	resp, err := c.Get(srv.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 3 {
		t.Fatalf("status %d after %d requests, want 200 after 3", resp.StatusCode, n.Load())
	}
	if len(s.waits) != 2 || s.waits[0] != 3*time.Second || s.waits[1] != 7*time.Second {
		t.Fatalf("waits %v, want [3s 7s]", s.waits)
	}
}

func TestRetryBackoffIsBoundedAndAttemptsCapped(t *testing.T) {
	srv, n := script(t, status(502), status(502), status(502))
	s := &noSleep{}
	c := NewClient(Config{Retry: Retry{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxWait: time.Second, Sleep: s.Sleep}})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || n.Load() != 3 {
		t.Fatalf("got %d after %d attempts, want the third 502", resp.StatusCode, n.Load())
	}
	if len(s.waits) != 2 || s.waits[0] > 100*time.Millisecond || s.waits[1] > 200*time.Millisecond {
		t.Fatalf("waits %v exceed the jittered backoff bounds [≤100ms ≤200ms]", s.waits)
	}
}

func TestPostIsNotRetriedOn5xxButIsOn429(t *testing.T) {
	srv, n := script(t, status(503))
	c := NewClient(Config{Retry: Retry{Sleep: (&noSleep{}).Sleep}})
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || n.Load() != 1 {
		t.Fatalf("POST on 503: %d after %d requests, want no retry", resp.StatusCode, n.Load())
	}

	var bodies []string
	var mu sync.Mutex
	record := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
			w.WriteHeader(code)
		}
	}
	srv2, n2 := script(t, record(429), record(201))
	resp, err = c.Post(srv2.URL, "application/json", strings.NewReader(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 || n2.Load() != 2 {
		t.Fatalf("POST on 429: %d after %d requests, want a retry", resp.StatusCode, n2.Load())
	}
	if bodies[0] != `{"a":1}` || bodies[1] != `{"a":1}` {
		t.Fatalf("replayed bodies %q, want the same body twice", bodies)
	}
}

func TestNonReplayableBodyIsNotRetried(t *testing.T) {
	srv, n := script(t, status(429))
	c := NewClient(Config{Retry: Retry{Sleep: (&noSleep{}).Sleep}})
	req, _ := http.NewRequest(http.MethodPut, srv.URL, io.NopCloser(strings.NewReader("once")))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 1 {
		t.Fatalf("a body without GetBody was sent %d times", n.Load())
	}
}

func TestRetryAfterBeyondMaxWaitReturnsAtOnce(t *testing.T) {
	srv, n := script(t, status(429, "Retry-After", "3600"))
	s := &noSleep{}
	c := NewClient(Config{Retry: Retry{MaxWait: 10 * time.Second, Sleep: s.Sleep}})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || n.Load() != 1 || len(s.waits) != 0 {
		t.Fatalf("got %d after %d requests and waits %v; want the 429 at once", resp.StatusCode, n.Load(), s.waits)
	}
}

func TestContextCancelEndsBackoffWait(t *testing.T) {
	srv, _ := script(t, status(503, "Retry-After", "20"))
	c := NewClient(Config{})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	done := make(chan error, 1)
	go func() {
		resp, err := c.Do(req)
		if resp != nil {
			resp.Body.Close()
		}
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not end the Retry-After wait")
	}
}

func TestDeadlineShorterThanRetryAfterReturnsResponse(t *testing.T) {
	srv, n := script(t, status(503, "Retry-After", "20"))
	c := NewClient(Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || n.Load() != 1 {
		t.Fatalf("got %d after %d requests; a wait past the deadline must not start", resp.StatusCode, n.Load())
	}
}

func TestConnectionResetRetriedForGetOnly(t *testing.T) {
	drop := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	srv, n := script(t, drop, status(200))
	c := NewClient(Config{Base: &http.Transport{DisableKeepAlives: true}, Retry: Retry{Sleep: (&noSleep{}).Sleep}})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET after a dropped connection: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 2 {
		t.Fatalf("got %d after %d requests, want a retry to 200", resp.StatusCode, n.Load())
	}

	srv2, n2 := script(t, drop)
	_, err = c.Post(srv2.URL, "text/plain", strings.NewReader("x"))
	if err == nil || n2.Load() != 1 {
		t.Fatalf("POST after a dropped connection: err %v after %d requests, want an error and no retry", err, n2.Load())
	}
}

func TestUnauthorizedForcesOneRefreshAndOneReplay(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization")+"|"+string(b))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok-B" {
			w.WriteHeader(401)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	ft := &fakeTokens{current: "tok-A"}
	c := NewClient(Config{Tokens: ft})
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{"k":"v"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || ft.refreshes.Load() != 1 {
		t.Fatalf("status %d with %d refreshes; want 200 after exactly one", resp.StatusCode, ft.refreshes.Load())
	}
	want := []string{`Bearer tok-A|{"k":"v"}`, `Bearer tok-B|{"k":"v"}`}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Fatalf("server saw %q, want %q", seen, want)
	}
}

func TestUnauthorizedTwiceIsReturnedNotLooped(t *testing.T) {
	srv, n := script(t, status(401), status(401))
	ft := &fakeTokens{current: "tok-A"}
	c := NewClient(Config{Tokens: ft, Retry: Retry{Sleep: (&noSleep{}).Sleep}})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || n.Load() != 2 || ft.refreshes.Load() != 1 {
		t.Fatalf("status %d, %d requests, %d refreshes; want 401 after one refresh and one replay", resp.StatusCode, n.Load(), ft.refreshes.Load())
	}
}

func TestStaticTokenIsNotRefreshed(t *testing.T) {
	srv, n := script(t, status(401))
	c := NewClient(Config{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "perm"})})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || n.Load() != 1 {
		t.Fatalf("status %d after %d requests; want the 401 as it is", resp.StatusCode, n.Load())
	}
}

func TestRefreshFailureIsATokenError(t *testing.T) {
	srv, _ := script(t, status(401))
	ft := &fakeTokens{current: "tok-A", failWith: errors.New("invalid_grant")}
	c := NewClient(Config{Tokens: ft})
	_, err := c.Get(srv.URL)
	var te *TokenError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("err = %v, want a *TokenError wrapping the refresh failure", err)
	}
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v: a failed refresh after a 401 must match ErrUnauthorized", err)
	}
}

func TestAuthFailedHookSeesBodyAndKeepsIt(t *testing.T) {
	// BQE CORE answers 200 with the JSON string "Not authenticated".
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer tok-B" {
			_, _ = io.WriteString(w, `[{"id":"1"}]`)
			return
		}
		_, _ = io.WriteString(w, `"Not authenticated"`)
	}))
	defer srv.Close()
	ft := &fakeTokens{current: "tok-A"}
	hook := func(resp *http.Response) bool {
		b, _ := PeekBody(resp, 64)
		return resp.StatusCode == 200 && bytes.Equal(bytes.TrimSpace(b), []byte(`"Not authenticated"`))
	}
	c := NewClient(Config{Tokens: ft, AuthFailed: hook})
	resp, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != `[{"id":"1"}]` || ft.refreshes.Load() != 1 {
		t.Fatalf("body %q after %d refreshes; want the list after one refresh", b, ft.refreshes.Load())
	}
}

func TestTokenInQueryIsRedactedFromErrorsAndLogs(t *testing.T) {
	srv, _ := script(t, status(404), status(503), status(503))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	secret := "SeCrEt-TOKEN-123"
	hc := NewClient(Config{
		Tokens:          oauth2.StaticTokenSource(&oauth2.Token{AccessToken: secret}),
		TokenQueryParam: "access_token",
		Logger:          logger,
		Retry:           Retry{MaxAttempts: 2, Sleep: (&noSleep{}).Sleep},
	})
	d := &Doer{Client: hc, RedactParams: []string{"access_token"}}
	for _, path := range []string{"/a?x=1", "/b"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		_, err := d.Do(req)
		if err == nil {
			t.Fatalf("%s: want an error", path)
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error leaks the token: %v", err)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("log leaks the token:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "attempt=2") || !strings.Contains(logs.String(), "status=503") {
		t.Fatalf("log lacks attempt/status fields:\n%s", logs.String())
	}
}

func TestTokenAttachedAsQueryParam(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RawQuery + "|" + r.Header.Get("Authorization") + "|" + r.Header.Get("User-Agent") + "|" + r.Header.Get("X-Vendor")
	}))
	defer srv.Close()
	c := NewClient(Config{
		Tokens:          oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t1"}),
		TokenQueryParam: "access_token",
		UserAgent:       "oasuite-test/1",
		Decorate:        func(r *http.Request) { r.Header.Set("X-Vendor", "v") },
	})
	resp, err := c.Get(srv.URL + "/p?page=2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "access_token=t1&page=2||oasuite-test/1|v" {
		t.Fatalf("server saw %q", got)
	}
}

func TestDoerMapsErrorsAndLimitsBody(t *testing.T) {
	big := strings.Repeat("x", 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, big)
	}))
	defer srv.Close()
	var got *ErrorResponse
	d := &Doer{
		Client:    NewClient(Config{Retry: Retry{MaxAttempts: 1}}),
		BodyLimit: 100,
		MapError: func(r *ErrorResponse) error {
			got = r
			he := NewHTTPError(r)
			return &he
		},
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/q?password=hunter2", nil)
	_, err := d.Do(req)
	if !errors.Is(err, ErrTooManyRequests) {
		t.Fatalf("err = %v, want ErrTooManyRequests", err)
	}
	if len(got.Body) != 100 || !got.Truncated || got.RetryAfter != 5*time.Second {
		t.Fatalf("body %d bytes truncated=%v retryAfter=%v; want 100, true, 5s", len(got.Body), got.Truncated, got.RetryAfter)
	}
	if strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "password=REDACTED") {
		t.Fatalf("error %q must redact the password parameter", err)
	}
}

func TestInsecureURLRefusedExceptLoopback(t *testing.T) {
	c := NewClient(Config{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})})
	req, _ := http.NewRequest(http.MethodGet, "http://api.example.com/x?access_token=abc", nil)
	_, err := (&Doer{Client: c}).Do(req)
	var ie *InsecureURLError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want *InsecureURLError", err)
	}
	if strings.Contains(err.Error(), "abc") {
		t.Fatalf("error leaks the query token: %v", err)
	}
	srv, _ := script(t, status(200))
	resp, err := c.Get(srv.URL) // http://127.0.0.1:port
	if err != nil {
		t.Fatalf("loopback http refused: %v", err)
	}
	resp.Body.Close()
}

func TestDefaultBaseRequiresTLS12(t *testing.T) {
	tr, ok := DefaultBase().(*http.Transport)
	if !ok || tr.TLSClientConfig == nil || tr.TLSClientConfig.MinVersion < 0x0303 {
		t.Fatal("default transport must require TLS 1.2 or later")
	}
}

func TestStatusSentinels(t *testing.T) {
	cases := map[int]error{400: ErrBadRequest, 401: ErrUnauthorized, 402: ErrPaymentRequired, 403: ErrForbidden,
		404: ErrNotFound, 405: ErrMethodNotAllowed, 406: ErrNotAcceptable, 409: ErrConflict, 415: ErrUnsupportedMediaType,
		429: ErrTooManyRequests, 500: ErrServer, 502: ErrServer, 503: ErrServer, 504: ErrGatewayTimeout, 418: nil, 302: nil}
	for code, want := range cases {
		if got := StatusSentinel(code); got != want {
			t.Errorf("StatusSentinel(%d) = %v, want %v", code, got, want)
		}
		e := &HTTPError{StatusCode: code}
		if want != nil && !errors.Is(e, want) {
			t.Errorf("HTTPError %d does not match %v", code, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"12", 12 * time.Second, true}, {" 5 ", 5 * time.Second, true},
		{now.Add(time.Minute).Format(http.TimeFormat), time.Minute, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false}, {"-3", 0, false}, {"soon", 0, false},
	}
	for _, c := range cases {
		got, ok := ParseRetryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseRetryAfter(%q) = %v,%v want %v,%v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestRedactURL(t *testing.T) {
	u := mustParse(t, "https://user:pw@h.example/cb?code=abc&state=s1&access_token=t#access_token=frag")
	got := RedactURL(u)
	for _, leak := range []string{"abc", "pw", "frag", "=t&", "=t#"} {
		if strings.Contains(got, leak) {
			t.Fatalf("RedactURL = %q still holds %q", got, leak)
		}
	}
	if !strings.Contains(got, "state=s1") {
		t.Fatalf("RedactURL = %q dropped a harmless parameter", got)
	}
	if u.User == nil {
		t.Fatal("RedactURL modified its argument")
	}
}

func TestLimitIsAskedBeforeEveryAttemptAndFailsFast(t *testing.T) {
	srv, n := script(t, status(503), status(200))
	budget := 1
	var asked int
	spent := errors.New("budget spent")
	c := NewClient(Config{
		Retry: Retry{Sleep: (&noSleep{}).Sleep},
		Limit: func(ctx context.Context, req *http.Request) error {
			asked++
			if budget == 0 {
				return spent
			}
			budget--
			return nil
		},
	})
	_, err := c.Get(srv.URL)
	if !errors.Is(err, spent) || asked != 2 || n.Load() != 1 {
		t.Fatalf("err %v, limiter asked %d times, server saw %d; want the limiter's error before the retry was sent", err, asked, n.Load())
	}
}

func TestDoAtResolvesRelativeAndRefusesOtherHosts(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RequestURI()
	}))
	defer srv.Close()
	d := &Doer{Client: NewClient(Config{})}
	base := mustParse(t, srv.URL+"/api/acme")
	for _, c := range []struct{ in, want string }{
		{"activity?page=0,10", "/api/acme/activity?page=0,10"},
		{srv.URL + "/api/acme/x", "/api/acme/x"},
	} {
		req, _ := http.NewRequest(http.MethodGet, c.in, nil)
		resp, err := d.DoAt(base, req)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		resp.Body.Close()
		if got != c.want {
			t.Fatalf("%s reached %q, want %q", c.in, got, c.want)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://evil.example/steal?access_token=abc", nil)
	_, err := d.DoAt(base, req)
	var fh *ForeignHostError
	if !errors.As(err, &fh) || strings.Contains(err.Error(), "abc") {
		t.Fatalf("err = %v, want a redacted *ForeignHostError", err)
	}
}
