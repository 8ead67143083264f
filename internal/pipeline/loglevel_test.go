package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestLogLevels pins the levels every vendor's WithLogger documents: Debug
// for a successful answer, Info for a retried attempt and a final 4xx other
// than 429, Warn for a final failure (429/5xx with no retry left, no answer).
func TestLogLevels(t *testing.T) {
	srv, _ := script(t, status(200), status(404), status(503), status(503), status(429))
	var logs bytes.Buffer
	hc := NewClient(Config{
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:  Retry{MaxAttempts: 2, Sleep: (&noSleep{}).Sleep},
	})
	for _, path := range []string{"/ok", "/missing", "/busy"} {
		resp, err := hc.Get(srv.URL + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		resp.Body.Close()
	}
	// A POST answered 429 is not retried with MaxAttempts 1.
	hc1 := NewClient(Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), Retry: Retry{MaxAttempts: 1}})
	resp, err := hc1.Post(srv.URL+"/limited", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	if _, err := hc1.Get(deadURL + "/gone"); err == nil {
		t.Fatal("want a connection error")
	}
	want := []struct{ path, level string }{
		{"/ok", "DEBUG"},
		{"/missing", "INFO"},
		{"/busy", "INFO"}, // attempt 1, retried
		{"/busy", "WARN"}, // attempt 2, the last
		{"/limited", "WARN"},
		{"/gone", "WARN"},
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d records, want %d:\n%s", len(lines), len(want), logs.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], "level="+w.level) || !strings.Contains(lines[i], w.path) {
			t.Errorf("record %d = %s\nwant level %s for %s", i, lines[i], w.level, w.path)
		}
	}
}

func TestLogLevelTable(t *testing.T) {
	for _, tc := range []struct {
		status int
		err    bool
		again  bool
		want   slog.Level
	}{
		{200, false, false, slog.LevelDebug},
		{204, false, false, slog.LevelDebug},
		{304, false, false, slog.LevelDebug},
		{400, false, false, slog.LevelInfo},
		{404, false, false, slog.LevelInfo},
		{429, false, true, slog.LevelInfo},
		{429, false, false, slog.LevelWarn},
		{500, false, false, slog.LevelWarn},
		{503, false, true, slog.LevelInfo},
		{0, true, false, slog.LevelWarn},
		{0, true, true, slog.LevelInfo},
	} {
		var resp *http.Response
		if tc.status != 0 {
			resp = &http.Response{StatusCode: tc.status}
		}
		var err error
		if tc.err {
			err = http.ErrHandlerTimeout
		}
		if got := LogLevel(resp, err, tc.again); got != tc.want {
			t.Errorf("LogLevel(%d, err=%v, again=%v) = %v, want %v", tc.status, tc.err, tc.again, got, tc.want)
		}
	}
}

// TestNewClientFromKeepsTheUsersClient: the Transport carries the requests,
// Timeout, Jar and CheckRedirect are kept; nil Transport or client fall
// back to DefaultBase.
func TestNewClientFromKeepsTheUsersClient(t *testing.T) {
	jar, _ := cookiejar.New(nil)
	redirects := 0
	user := &http.Client{
		Transport:     http.DefaultTransport,
		Timeout:       7 * time.Second,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { redirects++; return nil },
	}
	hc := NewClientFrom(user, Config{})
	if hc.Timeout != 7*time.Second || hc.Jar != jar || hc.CheckRedirect == nil {
		t.Fatalf("client settings lost: %+v", hc)
	}
	if got := hc.Transport.(*transport).cfg.Base; got != http.DefaultTransport {
		t.Fatalf("base transport = %T, want the user's", got)
	}
	for _, u := range []*http.Client{nil, {Timeout: time.Second}} {
		hc := NewClientFrom(u, Config{})
		if _, ok := hc.Transport.(*transport).cfg.Base.(*http.Transport); !ok {
			t.Fatalf("nil Transport: base = %T, want DefaultBase's *http.Transport", hc.Transport.(*transport).cfg.Base)
		}
	}
	_ = hc.CheckRedirect(nil, nil)
	if redirects != 1 {
		t.Fatal("CheckRedirect is not the user's")
	}
}

// TestErrorObserverSeesTheScrubbedAnswer: the observer gets the error
// answer's body, with the request's token replaced, and the call still
// returns the error.
func TestErrorObserverSeesTheScrubbedAnswer(t *testing.T) {
	const secret = "ObSeRvEd-token-123456"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"error":"insufficient_scope","token":"`+secret+`"}`)
	}))
	defer srv.Close()
	d := &Doer{Client: NewClient(Config{Tokens: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: secret})})}
	var seen *ErrorResponse
	req, _ := http.NewRequestWithContext(WithErrorObserver(context.Background(), func(er *ErrorResponse) { seen = er }), http.MethodGet, srv.URL+"/x", nil)
	if _, err := d.Do(req); !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v, want ErrForbidden", err)
	}
	if seen == nil || seen.StatusCode != 403 || !strings.Contains(string(seen.Body), "insufficient_scope") {
		t.Fatalf("observed %+v", seen)
	}
	if strings.Contains(string(seen.Body), secret) {
		t.Fatalf("the observed body holds the token: %s", seen.Body)
	}
	// Without an observer nothing changes.
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/x", nil)
	if _, err := d.Do(req); !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
}
