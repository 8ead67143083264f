package auth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/oauth2"
)

// fakeAuthorize is an authorize endpoint that sends the browser back to the
// redirect URI with a code (or the error a test chooses).
func fakeAuthorize(t *testing.T, errCode string) *fakeServer {
	return newFakeServer(t, func(w http.ResponseWriter, r *http.Request, form url.Values) {
		switch r.URL.Path {
		case "/authorize":
			q := r.URL.Query()
			back, _ := url.Parse(q.Get("redirect_uri"))
			v := url.Values{"state": {q.Get("state")}}
			if errCode != "" {
				v.Set("error", errCode)
			} else {
				v.Set("code", "code-for-"+q.Get("code_challenge"))
			}
			back.RawQuery = v.Encode()
			http.Redirect(w, r, back.String(), http.StatusFound)
		case "/token":
			writeJSON(w, 200, map[string]any{"access_token": "loop-at", "refresh_token": "loop-rt", "expires_in": 3600, "verifier_seen": form.Get("code_verifier")})
		default:
			http.NotFound(w, r)
		}
	})
}

// browser plays the user's browser: it follows the authorize URL and the
// redirect to the loopback listener, and keeps the final page.
type browser struct {
	page   chan string
	status chan int
}

func newBrowser() *browser { return &browser{page: make(chan string, 1), status: make(chan int, 1)} }

func (b *browser) open(ctx context.Context, authURL string) error {
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.page <- "error: " + err.Error()
			b.status <- 0
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		b.page <- string(body)
		b.status <- resp.StatusCode
	}()
	return nil
}

func TestLoopbackLogin(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := fakeAuthorize(t, "")
	flow := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}, ClientID: "cli", Scopes: []string{"openid"}}
	b := newBrowser()
	var attempt *Attempt
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := LoopbackLogin(ctx, flow, WithBrowser(b.open), WithStatePayload("cli-login"), WithAttempt(func(a *Attempt) { attempt = a }))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "loop-at" || tok.RefreshToken != "loop-rt" || tok.Extra("verifier_seen") != attempt.Verifier {
		t.Errorf("tok = %+v", tok)
	}
	if page := <-b.page; !strings.Contains(page, "Login complete") {
		t.Errorf("browser page = %q", page)
	}
	var payload string
	if err := DecodeState(attempt.State, &payload); err != nil || payload != "cli-login" {
		t.Errorf("payload %q %v", payload, err)
	}
	ru, _ := url.Parse(attempt.RedirectURL)
	if ru.Scheme != "http" || ru.Hostname() != "127.0.0.1" || ru.Port() == "" || ru.Port() == "0" || ru.Path != "/callback" {
		t.Errorf("redirect URI = %s", attempt.RedirectURL)
	}
	tokReq := srv.last(t)
	if tokReq.Form.Get("redirect_uri") != attempt.RedirectURL {
		t.Errorf("token call redirect_uri = %q", tokReq.Form.Get("redirect_uri"))
	}
	// The listener is gone.
	if _, err := http.Get(attempt.RedirectURL); err == nil {
		t.Error("listener still answers after login")
	}
	srv.Close()
	http.DefaultClient.CloseIdleConnections()
}

func TestLoopbackLoginDenied(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := fakeAuthorize(t, "access_denied")
	flow := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}, ClientID: "cli"}
	b := newBrowser()
	_, err := LoopbackLogin(context.Background(), flow, WithBrowser(b.open), WithCallbackPath("/cb"))
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" {
		t.Fatalf("err = %v", err)
	}
	if page, st := <-b.page, <-b.status; !strings.Contains(page, "Login failed") || !strings.Contains(page, "access_denied") || st != http.StatusBadRequest {
		t.Errorf("browser got %d %q", st, page)
	}
	srv.Close()
	http.DefaultClient.CloseIdleConnections()
}

func TestLoopbackLoginStateMismatchAndTimeout(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// A forged callback (wrong state) is refused without a token call, and
	// the login keeps waiting for its own callback (here: until ctx ends).
	var cb string
	forgedStatus := make(chan int, 1)
	forger := func(ctx context.Context, authURL string) error {
		u, _ := url.Parse(authURL)
		cb = u.Query().Get("redirect_uri")
		go func() {
			resp, err := http.Get(cb + "?code=x&state=forged")
			if err == nil {
				forgedStatus <- resp.StatusCode
				resp.Body.Close()
			}
		}()
		return nil
	}
	srv := fakeAuthorize(t, "")
	flow := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}}
	fctx, fcancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	if _, err := LoopbackLogin(fctx, flow, WithBrowser(forger)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want the wait to go on after a forged callback", err)
	}
	fcancel()
	if st := <-forgedStatus; st != http.StatusBadRequest {
		t.Errorf("forged callback answered %d, want 400", st)
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests to the server", n)
	}
	// Nobody comes back: ctx ends the wait.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	noop := func(context.Context, string) error { return nil }
	if _, err := LoopbackLogin(ctx, flow, WithBrowser(noop)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	// The browser cannot be opened.
	failing := func(context.Context, string) error { return errors.New("no display") }
	if _, err := LoopbackLogin(context.Background(), flow, WithBrowser(failing)); err == nil || !strings.Contains(err.Error(), "no display") {
		t.Errorf("err = %v", err)
	}
	// Listening fails, and a listen address reachable from the network is refused.
	if _, err := LoopbackLogin(context.Background(), flow, WithBrowser(noop), WithListenAddr("256.0.0.1:0")); err == nil {
		t.Error("bad listen address accepted")
	}
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0"} {
		if _, err := LoopbackLogin(context.Background(), flow, WithBrowser(noop), WithListenAddr(addr)); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("listen %q: err = %v, want ErrNotLoopback", addr, err)
		}
	}
	srv.Close()
	http.DefaultClient.CloseIdleConnections()
}

func TestLoopbackIgnoresStrayRequests(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := fakeAuthorize(t, "")
	flow := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}}
	b := newBrowser()
	open := func(ctx context.Context, authURL string) error {
		u, _ := url.Parse(authURL)
		resp, err := http.Get(u.Query().Get("redirect_uri")) // favicon-like stray hit: 404, login goes on
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("stray request answered %d", resp.StatusCode)
		}
		return b.open(ctx, authURL)
	}
	if _, err := LoopbackLogin(context.Background(), flow, WithBrowser(open)); err != nil {
		t.Fatal(err)
	}
	<-b.page
	srv.Close()
	http.DefaultClient.CloseIdleConnections()
}
