package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/validate"
)

// errNotLoggedIn is returned by token and call when no token is stored.
var errNotLoggedIn = errors.New("not logged in")

// session is one command's view of one vendor account: where its settings
// come from, where its token is stored, how the user is reached.
type session struct {
	v vendor
	// validation is the clients' response validation (oasuite check: Strict).
	validation validate.Mode
	// logger gets the clients' log records (nil: none but slog.Default's).
	logger  *slog.Logger
	info    vendorInfo
	account string
	// grant is the login grant (login: asked or default; token/call: the
	// one the account logged in with).
	grant     string
	configDir string
	// fake is the vendor's in-process fake under --sandbox (nil otherwise).
	fake *fake
	// flags holds the settings given as flags.
	flags map[string]string
	// profile holds the settings saved at login (token and call).
	profile map[string]string
	getenv  func(string) string
	// prompt reads a secret from the terminal without echo; nil when stdin
	// is not a terminal.
	prompt func(label string) (string, error)
	stderr io.Writer
	// browser opens the authorize URL of a code login.
	browser func(ctx context.Context, authURL string) error
	// paste reads the address the browser was sent to, for a code login
	// with a redirect URL that is not a loopback one.
	paste func(ctx context.Context) (string, error)
	// autoBrowser is set when the sandbox plays the user in the browser:
	// prompts to wait or paste would ask nothing of anyone.
	autoBrowser bool
	timeout     time.Duration
	store       auth.Store
}

// get returns a non-secret setting: a flag, else (under --sandbox) the
// fake's value, else the value saved at login, else the environment, else the
// setting's default.
func (s *session) get(key string) string {
	if v, ok := s.flags[key]; ok {
		return v
	}
	if s.fake != nil {
		if v, ok := s.fake.values[key]; ok {
			return v
		}
		return s.def(key)
	}
	if v, ok := s.profile[key]; ok {
		return v
	}
	if v := s.getenv(envName(s.info.name, key)); v != "" {
		return v
	}
	return s.def(key)
}

func (s *session) def(key string) string {
	for _, st := range s.info.settings {
		if st.key == key {
			return st.def
		}
	}
	return ""
}

// secret returns a secret setting: the fake's test value under --sandbox,
// else the environment variable, else (when required and stdin is a
// terminal) what the user types without echo. A missing required secret is
// an error naming the variable, never a value.
func (s *session) secret(key string, required bool) (string, error) {
	if s.fake != nil {
		if v := s.fake.values[key]; v != "" {
			return v, nil
		}
	}
	env := envName(s.info.name, key)
	if v := s.getenv(env); v != "" {
		return v, nil
	}
	if !required {
		return "", nil
	}
	if s.prompt != nil {
		v, err := s.prompt(fmt.Sprintf("%s %s", s.info.title, strings.ReplaceAll(key, "-", " ")))
		if err != nil {
			return "", fmt.Errorf("reading the %s: %w", strings.ReplaceAll(key, "-", " "), err)
		}
		if v != "" {
			return v, nil
		}
	}
	return "", fmt.Errorf("the %s %s is required: set %s (it is never taken from a flag)", s.info.title, strings.ReplaceAll(key, "-", " "), env)
}

// require returns a non-secret setting or an error saying how to give it.
func (s *session) require(key string) (string, error) {
	if v := s.get(key); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("the %s %s is required: use --%s or set %s", s.info.title, strings.ReplaceAll(key, "-", " "), key, envName(s.info.name, key))
}

// key is the token store's key of the session's account.
func (s *session) key() string { return s.info.name + "." + s.account }

// tokenFile is where FileStore keeps the account's token.
func (s *session) tokenFile() string {
	return filepath.Join(s.configDir, "tokens", s.key()+".json")
}

// profileFile is where the settings of the account's login are kept.
func (s *session) profileFile() string {
	return filepath.Join(s.configDir, "accounts", s.key()+".json")
}

// profile is what login saves beside the token so that token and call renew
// it the same way: the grant and the non-secret settings. Secrets are never
// saved; renewing a token that needs one reads it from the environment (or
// the terminal) again.
type profile struct {
	Vendor   string            `json:"vendor"`
	Account  string            `json:"account"`
	Grant    string            `json:"grant"`
	Settings map[string]string `json:"settings"`
	LoggedIn time.Time         `json:"logged_in"`
}

// saveProfile writes the account's profile atomically with mode 0600.
func (s *session) saveProfile() error {
	p := profile{Vendor: s.info.name, Account: s.account, Grant: s.grant, Settings: map[string]string{}, LoggedIn: time.Now().UTC()}
	for _, st := range s.info.settings {
		if st.secret {
			continue
		}
		if v := s.get(st.key); v != "" {
			p.Settings[st.key] = v
		}
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	path := s.profileFile()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("saving the account settings: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".profile-*")
	if err != nil {
		return fmt.Errorf("saving the account settings: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the account settings: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the account settings: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the account settings: %w", err)
	}
	return nil
}

// loadProfile reads the account's profile into the session. Settings given
// as flags must agree with it: a stored token is only ever sent where it was
// issued.
func (s *session) loadProfile() error {
	b, err := os.ReadFile(s.profileFile())
	if errors.Is(err, os.ErrNotExist) {
		return errNotLoggedIn
	}
	if err != nil {
		return fmt.Errorf("reading the account settings: %w", err)
	}
	var p profile
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("reading the account settings %s: %w", s.profileFile(), err)
	}
	s.profile = p.Settings
	if s.profile == nil {
		s.profile = map[string]string{}
	}
	s.grant = p.Grant
	for k, v := range s.flags {
		if pv, ok := s.profile[k]; ok && pv != v {
			return fmt.Errorf("account %q of %s logged in with --%s %s: log in again to change it", s.account, s.info.name, k, pv)
		}
	}
	return nil
}

// source returns the account's token source: the stored token, renewed
// through the vendor's renewer and saved again. Under --sandbox it logs in to
// the fake first and keeps the token in memory.
func (s *session) source(ctx context.Context) (*auth.Source, error) {
	if s.fake != nil {
		tok, err := s.v.login(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s sandbox login (%s): %w", s.info.title, grantTitle(s.grant), err)
		}
		if err := s.store.Save(ctx, s.key(), tok); err != nil {
			return nil, err
		}
	} else {
		if err := s.loadProfile(); err != nil {
			return nil, err
		}
		if _, err := s.store.Load(ctx, s.key()); err != nil {
			if errors.Is(err, auth.ErrNoToken) {
				return nil, errNotLoggedIn
			}
			return nil, fmt.Errorf("reading the stored token: %w", err)
		}
	}
	ren, err := s.v.renewer(s)
	if err != nil {
		return nil, err
	}
	opts := []auth.SourceOption{auth.WithStore(s.store, s.key())}
	if s.info.skew > 0 {
		opts = append(opts, auth.WithSkew(s.info.skew))
	}
	return auth.NewSource(ren, opts...), nil
}

// lazyFetcher builds its fetcher on first use, so that a secret needed only
// to renew a token is not asked for while the stored token is still valid.
func lazyFetcher(build func() (auth.Fetcher, error)) auth.Fetcher {
	return auth.FetcherFunc(func(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error) {
		f, err := build()
		if err != nil {
			return nil, err
		}
		return f.Fetch(ctx, current)
	})
}

// codeLogin runs an authorization-code login. With a loopback redirect (the
// default: a random port, RFC 8252; or the redirect-url setting, for servers
// that match a registered port) the browser comes back to this process.
// With any other redirect-url (an app's https callback) the user pastes the
// address the browser was sent to, and the code in it is exchanged here.
// onAttempt, if not nil, sees the attempt (e.g. to keep the OIDC nonce).
func (s *session) codeLogin(ctx context.Context, flow auth.CodeFlow, onAttempt func(*auth.Attempt)) (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	ru := s.get("redirect-url")
	opts := []auth.LoopbackOption{auth.WithBrowser(func(ctx context.Context, authURL string) error {
		if err := s.browser(ctx, authURL); err != nil {
			return err
		}
		if !s.autoBrowser {
			fmt.Fprintln(s.stderr, "Waiting for the browser to come back...")
		}
		return nil
	})}
	if onAttempt != nil {
		opts = append(opts, auth.WithAttempt(onAttempt))
	}
	if ru == "" {
		return auth.LoopbackLogin(ctx, flow, opts...)
	}
	u, err := url.Parse(ru)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("--redirect-url %q: want an absolute http(s) URL", ru)
	}
	if u.Scheme == "http" && isLoopbackHost(u.Hostname()) {
		if u.Port() == "" {
			return nil, fmt.Errorf("--redirect-url %q: a loopback redirect needs its port, e.g. http://127.0.0.1:8765/callback", ru)
		}
		opts = append(opts, auth.WithListenAddr(u.Host))
		if u.Path != "" {
			opts = append(opts, auth.WithCallbackPath(u.Path))
		}
		return auth.LoopbackLogin(ctx, flow, opts...)
	}
	flow.RedirectURL = ru
	attempt, err := flow.Start(nil)
	if err != nil {
		return nil, err
	}
	if onAttempt != nil {
		onAttempt(attempt)
	}
	if err := s.browser(ctx, attempt.URL); err != nil {
		return nil, fmt.Errorf("opening the browser: %w", err)
	}
	if !s.autoBrowser {
		fmt.Fprintf(s.stderr, "After logging in, your browser is sent to %s?code=...\nPaste that whole address here: ", ru)
	}
	back, err := s.paste(ctx)
	if !s.autoBrowser {
		fmt.Fprintln(s.stderr)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the address the browser was sent to: %w", err)
	}
	bu, err := url.Parse(strings.TrimSpace(back))
	if err != nil || !strings.HasPrefix(bu.Scheme+"://"+bu.Host+bu.Path, strings.TrimSuffix(u.Scheme+"://"+u.Host+u.Path, "/")) {
		return nil, fmt.Errorf("the pasted address is not under %s", ru)
	}
	return flow.Exchange(ctx, attempt, bu.Query())
}

// readLine reads one line from r, or fails when ctx ends first.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		var b strings.Builder
		buf := make([]byte, 1)
		for {
			n, err := r.Read(buf)
			if n == 1 {
				if buf[0] == '\n' {
					break
				}
				b.WriteByte(buf[0])
			}
			if err != nil {
				if b.Len() > 0 && errors.Is(err, io.EOF) {
					break
				}
				ch <- result{err: err}
				return
			}
		}
		ch <- result{line: b.String()}
	}()
	select {
	case res := <-ch:
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func isLoopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// printBrowser is the --no-browser hook: it prints the authorize URL.
func printBrowser(w io.Writer) func(ctx context.Context, authURL string) error {
	return func(_ context.Context, authURL string) error {
		fmt.Fprintf(w, "Open this URL in your browser to log in:\n\n  %s\n\n", authURL)
		return nil
	}
}

// systemBrowser opens the system browser and prints the URL as well, so a
// login still works when no browser can be opened.
func systemBrowser(w io.Writer) func(ctx context.Context, authURL string) error {
	return func(ctx context.Context, authURL string) error {
		if err := auth.OpenBrowser(ctx, authURL); err != nil {
			fmt.Fprintf(w, "Could not open a browser (%v).\n", err)
		} else {
			fmt.Fprintln(w, "Opening your browser to log in...")
		}
		return printBrowser(w)(ctx, authURL)
	}
}

// sandboxBrowser plays the user for --sandbox logins. open opens the
// authorize URL and follows the fake's redirects up to the redirect URI.
// A loopback callback is then requested in the background (it answers only
// once LoopbackLogin has exchanged the code); any other callback address is
// kept for paste, as a user would copy it from the address bar. An authorize
// page that does not redirect to the callback is an error.
type sandboxBrowser struct {
	mu      sync.Mutex
	landing string
}

func (b *sandboxBrowser) open(ctx context.Context, authURL string) error {
	au, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	redirect := au.Query().Get("redirect_uri")
	if redirect == "" {
		redirect = au.Query().Get("redirect_url")
	}
	var callback *url.URL
	hc := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if redirect != "" && strings.HasPrefix(req.URL.String(), redirect) {
			callback = req.URL
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	if callback == nil {
		return fmt.Errorf("the sandbox's authorize page answered %s without redirecting to the callback: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	if callback.Scheme != "http" || !isLoopbackHost(callback.Hostname()) {
		b.mu.Lock()
		b.landing = callback.String()
		b.mu.Unlock()
		return nil
	}
	creq, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, callback.String(), nil)
	if err != nil {
		return err
	}
	go func() {
		resp, err := hc.Do(creq)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}()
	return nil
}

// paste returns the address the last open ended on.
func (b *sandboxBrowser) paste(context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.landing == "" {
		return "", errors.New("the sandbox browser was not sent to the redirect URL")
	}
	return b.landing, nil
}
