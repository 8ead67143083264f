package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"time"

	"golang.org/x/oauth2"
)

// LoopbackOption configures [LoopbackLogin].
type LoopbackOption func(*loopbackConfig)

type loopbackConfig struct {
	open    func(ctx context.Context, authURL string) error
	addr    string
	path    string
	payload any
	attempt func(*Attempt)
}

// WithBrowser replaces the system browser: open is called with the
// authorize URL. Tests pass a function that plays the browser over HTTP; a
// headless tool may print the URL for the user instead.
func WithBrowser(open func(ctx context.Context, authURL string) error) LoopbackOption {
	return func(c *loopbackConfig) { c.open = open }
}

// WithListenAddr listens on addr instead of "127.0.0.1:0" (a random port),
// for servers that only accept a registered loopback port.
func WithListenAddr(addr string) LoopbackOption {
	return func(c *loopbackConfig) { c.addr = addr }
}

// WithCallbackPath serves the redirect on path instead of "/callback".
func WithCallbackPath(path string) LoopbackOption {
	return func(c *loopbackConfig) { c.path = path }
}

// WithStatePayload puts payload into the login's state (see [EncodeState]).
func WithStatePayload(payload any) LoopbackOption {
	return func(c *loopbackConfig) { c.payload = payload }
}

// WithAttempt lets the caller see the attempt (URL, state, verifier, nonce)
// before the browser opens, e.g. to keep the nonce for [OIDC.Verify].
func WithAttempt(f func(*Attempt)) LoopbackOption {
	return func(c *loopbackConfig) { c.attempt = f }
}

// LoopbackLogin runs flow for a command-line or desktop app as RFC 8252
// describes: it listens on 127.0.0.1 at a random port, sets the redirect URI
// to http://127.0.0.1:<port>/callback, opens the authorize URL in the system
// browser, waits for the redirect (or for ctx to end), exchanges the code
// and answers the browser with a short page saying whether the login worked.
// The listener is closed before LoopbackLogin returns.
func LoopbackLogin(ctx context.Context, flow CodeFlow, opts ...LoopbackOption) (*oauth2.Token, error) {
	cfg := loopbackConfig{open: OpenBrowser, addr: "127.0.0.1:0", path: "/callback"}
	for _, o := range opts {
		o(&cfg)
	}
	if err := loopbackAddr(cfg.addr); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("auth: loopback listen: %w", err)
	}
	flow.RedirectURL = (&url.URL{Scheme: "http", Host: ln.Addr().String(), Path: cfg.path}).String()
	attempt, err := flow.Start(cfg.payload)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if cfg.attempt != nil {
		cfg.attempt(attempt)
	}

	type callback struct {
		query url.Values
		reply chan error
	}
	callbacks := make(chan callback)
	finished := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc(cfg.path, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if !q.Has("code") && !q.Has("error") && !q.Has("state") {
			http.NotFound(w, r)
			return
		}
		cb := callback{query: q, reply: make(chan error, 1)}
		select {
		case callbacks <- cb:
		case <-finished:
			http.Error(w, "This login is over.", http.StatusGone)
			return
		case <-r.Context().Done():
			return
		}
		var err error
		select {
		case err = <-cb.reply:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, resultPage, "Login failed", html.EscapeString(loginFailure(err)))
			return
		}
		fmt.Fprintf(w, resultPage, "Login complete", "You can close this window and return to the application.")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	defer func() {
		close(finished)
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			_ = srv.Close()
		}
		<-served
	}()

	if err := cfg.open(ctx, attempt.URL); err != nil {
		return nil, fmt.Errorf("auth: opening browser: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("auth: waiting for login callback: %w", ctx.Err())
		case cb := <-callbacks:
			tok, err := flow.Exchange(ctx, attempt, cb.query)
			cb.reply <- err
			if errors.Is(err, ErrStateMismatch) {
				// Not this login's answer (another local process, a stale
				// tab): it is refused and the real callback still counts.
				continue
			}
			if err != nil {
				return nil, err
			}
			return tok, nil
		}
	}
}

// ErrNotLoopback is returned by [LoopbackLogin] for a listen address that is
// not a loopback one: the callback, which carries the code, must not be
// reachable from the network.
var ErrNotLoopback = errors.New("auth: the login callback must listen on a loopback address")

// loopbackAddr refuses a listen address other than 127.0.0.0/8, ::1 or
// localhost ("" and ":port" listen on every interface).
func loopbackAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("auth: loopback listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%w (got %q)", ErrNotLoopback, addr)
}

// loginFailure is the browser-facing reason, without secrets.
func loginFailure(err error) string {
	var ce *CallbackError
	var te *TokenError
	switch {
	case errors.Is(err, ErrStateMismatch):
		return "The login answer did not match this login attempt. Please start again."
	case errors.As(err, &ce):
		return ce.Error()
	case errors.As(err, &te):
		return te.Error()
	}
	return "The code could not be exchanged for a token."
}

const resultPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%[1]s</title></head>
<body style="font-family:sans-serif;margin:3em"><h1>%[1]s</h1><p>%[2]s</p></body></html>
`

// OpenBrowser opens u in the system's default browser (xdg-open on Linux
// and BSDs, open on macOS, the URL handler on Windows). It is the default
// of [WithBrowser].
func OpenBrowser(ctx context.Context, u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", u)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
