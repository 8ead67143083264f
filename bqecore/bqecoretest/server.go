// Package bqecoretest is an in-memory fake of BQE CORE for tests: the
// identity server (authorize, token, revocation, userinfo, discovery, JWKS,
// signed ID tokens) and every operation of specs/bqecore.yaml, with the
// documented rules and quirks:
//
//   - redirect URIs follow BQE's table (RedirectMatches);
//   - a token needs read:core or readwrite:core; writes need readwrite:core;
//     only offline_access brings a refresh token, and refresh tokens rotate;
//   - token answers carry "endpoint", the API base URL;
//   - a missing, expired or revoked token gets HTTP 200 with the JSON string
//     "Not authenticated" (Content-Length 20);
//   - lists page with page=N,M (default 0,25, at most 1000) and answer 204 past
//     the last page; customFields appear on lists only with expand=customFields;
//   - PATCH takes a JSON-Patch Document and the record's version; a stale
//     version answers 409;
//   - every API request is validated against the spec (400 with a Message).
//
// Faults (429 with Retry-After, 5xx, slow answers, dropped connections) are
// injected with Server.AddFault; tokens are expired with ExpireTokens.
package bqecoretest

import (
	"context"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/specs"
)

// Seeded credentials and identities of the fake.
const (
	// TestClientID and TestClientSecret are a confidential "web" app.
	TestClientID     = "bqe-fake-web-app"
	TestClientSecret = "bqe-fake-web-secret-0123456789"
	// TestPublicClientID is a public app (no secret; PKCE required).
	TestPublicClientID = "bqe-fake-public-app"
	// TestRedirectURL is registered for both apps; so are
	// "http://127.0.0.1/callback" and "http://localhost/callback".
	TestRedirectURL = "https://app.example.com/bqe/callback"
	// TestUser is the user the authorize endpoint consents as.
	TestUser = "pat.lee@example.com"
	// TestUserID is TestUser's subject.
	TestUserID = "8d0e1c3a-5b7f-4e2a-9c61-2f4b8a7d9e10"
	// TestOtherUser is a second user of the same company; the authorize
	// endpoint consents as it when the request carries
	// login_hint=TestOtherUser. TestOtherUserID is its subject.
	TestOtherUser   = "sam.roe@example.com"
	TestOtherUserID = "3f6a2b1c-7d8e-4f90-a1b2-c3d4e5f60718"
	// TestCompanyID is the company the consent screen picks (companyId on the callback).
	TestCompanyID = "0b6f7d2e-93a4-4c15-8e3f-6a1d2c9b7e54"
)

// Paths of the fake: the identity server under /idp, the API under /api.
const (
	IdentityPath = "/idp"
	APIPath      = "/api"
)

// Server is a running fake. Create it with NewServer and Close it when done.
type Server struct {
	ts       *httptest.Server
	oauth    *fakekit.OAuth
	val      *fakekit.Validator
	faults   fakekit.Faults
	tampers  fakekit.Tampers
	data     *store
	endpoint string

	mu      sync.Mutex
	consent Consent

	apiCalls     atomic.Int64
	notAuthCalls atomic.Int64

	rl *rateWindow
}

// rateWindow counts API requests in fixed windows (WithRateLimit).
type rateWindow struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	start  time.Time
	used   int
}

// take counts one request; it returns what is left, when the window resets
// and whether the request is within the limit.
func (w *rateWindow) take() (left int, reset time.Time, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if w.start.IsZero() || !now.Before(w.start.Add(w.window)) {
		w.start, w.used = now.Truncate(w.window), 0
	}
	reset = w.start.Add(w.window)
	if w.used >= w.limit {
		return 0, reset, false
	}
	w.used++
	return w.limit - w.used, reset, true
}

// Option configures NewServer.
type Option func(*config)

type config struct {
	coverage  *fakes.Coverage
	clock     func() time.Time
	redirects []string
	endpoint  string
	tls       bool
	seed      bool
	apps      []App
	rlLimit   int
	rlWindow  time.Duration
}

// WithRateLimit allows limit API requests per window (fixed windows on the
// fake's clock, shared by every token). Every API answer carries
// X-Rate-Limit-Limit (the count), X-Rate-Limit-Remaining and
// X-Rate-Limit-Reset (an RFC 3339 UTC date-time); a request over the limit
// gets 429 with Retry-After. Identity-server calls are not counted.
func WithRateLimit(limit int, window time.Duration) Option {
	return func(o *config) { o.rlLimit, o.rlWindow = limit, window }
}

// App is an extra app registered with the fake's identity server.
type App struct {
	// ClientID and ClientSecret (empty for a public app, which must use PKCE).
	ClientID, ClientSecret string
	// RedirectURIs are the registered redirect URIs (BQE's matching rule applies).
	RedirectURIs []string
}

// WithApp registers another app.
func WithApp(a App) Option { return func(o *config) { o.apps = append(o.apps, a) } }

// WithCoverage records every served spec operation in cov (one value can be
// shared by many fakes).
func WithCoverage(cov *fakes.Coverage) Option { return func(o *config) { o.coverage = cov } }

// WithRedirectURLs registers more redirect URLs for both test apps
// (TestClientID, TestPublicClientID), e.g. a loopback one with its port,
// http://127.0.0.1:8765/callback, for auth.LoopbackLogin. BQE's matching
// rule applies (scheme, host with port, and path must be equal).
func WithRedirectURLs(urls ...string) Option {
	return func(o *config) { o.redirects = append(o.redirects, urls...) }
}

// WithClock replaces time.Now for token lifetimes and record timestamps.
func WithClock(now func() time.Time) Option { return func(o *config) { o.clock = now } }

// WithEndpoint sets the "endpoint" the token answers carry. By default it is
// the fake's own API URL, or https://api.<domain>/api/ when the token request
// was addressed to api-identity.<domain> (recording under production names).
func WithEndpoint(u string) Option { return func(o *config) { o.endpoint = u } }

// WithTLS serves HTTPS (use Server.Client for a client that trusts it).
func WithTLS() Option { return func(o *config) { o.tls = true } }

// WithoutSeed starts with no records (the company, and accounts, stay).
func WithoutSeed() Option { return func(o *config) { o.seed = false } }

// Consent is what the fake's consent screen decides for the next logins.
type Consent struct {
	// Deny answers the app with error=access_denied.
	Deny bool
	// Scopes, when set, narrows the granted scopes to these (the user
	// unticked the others).
	Scopes []string
	// CompanyID is sent back as companyId on the callback (default TestCompanyID).
	CompanyID string
}

// NewServer starts a fake on a loopback port.
func NewServer(opts ...Option) *Server {
	cfg := config{clock: time.Now, seed: true}
	for _, o := range opts {
		o(&cfg)
	}
	spec, err := specs.Load("bqecore")
	if err != nil {
		panic(fmt.Sprintf("bqecoretest: %v", err))
	}
	s := &Server{endpoint: cfg.endpoint}
	if cfg.rlLimit > 0 && cfg.rlWindow > 0 {
		s.rl = &rateWindow{limit: cfg.rlLimit, window: cfg.rlWindow, now: cfg.clock}
	}
	s.data = newStore(cfg.clock, cfg.seed)

	redirects := append([]string{TestRedirectURL, "http://127.0.0.1/callback", "http://localhost/callback"}, cfg.redirects...)
	clients := []fakekit.Client{
		{ID: TestClientID, Secret: TestClientSecret, RedirectURIs: redirects,
			Grants: []string{fakekit.GrantAuthorizationCode, fakekit.GrantRefreshToken}},
		{ID: TestPublicClientID, RedirectURIs: redirects, RequirePKCE: true,
			Grants: []string{fakekit.GrantAuthorizationCode, fakekit.GrantRefreshToken}},
	}
	for _, a := range cfg.apps {
		clients = append(clients, fakekit.Client{ID: a.ClientID, Secret: a.ClientSecret, RedirectURIs: a.RedirectURIs,
			RequirePKCE: a.ClientSecret == "", Grants: []string{fakekit.GrantAuthorizationCode, fakekit.GrantRefreshToken}})
	}
	s.oauth = fakekit.NewOAuth(fakekit.OAuthConfig{
		IssuerPath: IdentityPath,
		Paths: fakekit.OAuthPaths{
			Authorize:  IdentityPath + "/connect/authorize",
			Token:      IdentityPath + "/connect/token",
			Revocation: IdentityPath + "/connect/revocation",
			UserInfo:   IdentityPath + "/connect/userinfo",
			Discovery:  IdentityPath + "/.well-known/openid-configuration",
			JWKS:       IdentityPath + "/.well-known/openid-configuration/jwks",
		},
		Clients: clients,
		Users: []fakekit.User{{Login: TestUser, ID: TestUserID, Claims: map[string]any{
			"email": TestUser, "givenName": "Pat", "name": "Pat Lee", "family_name": "Lee",
			"phone_number": "+1 310 555 0100", "locale": "en-US", "country": "US", "company": "Lee & Partners Architects",
		}}, {Login: TestOtherUser, ID: TestOtherUserID, Claims: map[string]any{
			"email": TestOtherUser, "givenName": "Sam", "name": "Sam Roe", "family_name": "Roe",
			"locale": "en-US", "country": "US", "company": "Lee & Partners Architects",
		}}},
		DefaultUser:     TestUser,
		RedirectMatcher: RedirectMatches,
		ValidateScopes: func(_ *fakekit.Client, scopes []string) error {
			if !slices.Contains(scopes, "read:core") && !slices.Contains(scopes, "readwrite:core") {
				return fmt.Errorf("read:core or readwrite:core is required")
			}
			for _, sc := range scopes {
				if !slices.Contains(knownScopes, sc) {
					return fmt.Errorf("unknown scope %q", sc)
				}
			}
			return nil
		},
		Consent:             s.decide,
		RotateRefreshTokens: true,
		RefreshTokenTTL:     100 * 24 * time.Hour,
		Clock:               cfg.clock,
		TokenResponse: func(r *http.Request, _ *fakekit.Grant, body map[string]any) any {
			body["endpoint"] = s.endpointFor(r)
			return body
		},
	})

	vopts := []fakekit.ValidatorOption{fakekit.WithBasePath(APIPath), fakekit.WithErrorWriter(writeValidationError)}
	if cfg.coverage != nil {
		vopts = append(vopts, fakekit.WithCoverage(cfg.coverage))
	}
	s.val, err = fakekit.NewValidator(spec, vopts...)
	if err != nil {
		panic(fmt.Sprintf("bqecoretest: %v", err))
	}
	s.routes()
	if missing := s.val.Unhandled(); len(missing) > 0 {
		panic(fmt.Sprintf("bqecoretest: operations without a handler: %v", missing))
	}

	mux := http.NewServeMux()
	s.oauth.Mount(mux)
	mux.Handle(APIPath+"/", http.HandlerFunc(s.serveAPI))
	h := s.faults.Wrap(s.tampers.Wrap(formOnlyRevocation(mux), s.val.OperationOf), s.val.OperationOf)
	h = forwardedProto(h)
	if cfg.tls {
		s.ts = httptest.NewTLSServer(h)
	} else {
		s.ts = httptest.NewServer(h)
	}
	return s
}

var knownScopes = []string{"read:core", "readwrite:core", "offline_access", "openid", "profile", "email", "address"}

// forwardedProto marks requests addressed to a non-loopback host name (a
// production name routed here by a recorder) as https, so that issuer and
// endpoint URLs read as in production.
func forwardedProto(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if ip := net.ParseIP(host); ip == nil && host != "localhost" && r.Header.Get("X-Forwarded-Proto") == "" {
			r.Header.Set("X-Forwarded-Proto", "https")
		}
		next.ServeHTTP(w, r)
	})
}

// formOnlyRevocation answers 415 to a revocation request that is not a form,
// as BQE's identity server does (a JSON body gets 415).
func formOnlyRevocation(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == IdentityPath+"/connect/revocation" {
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
				w.WriteHeader(http.StatusUnsupportedMediaType)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) endpointFor(r *http.Request) string {
	if s.endpoint != "" {
		return s.endpoint
	}
	origin := fakekit.Origin(r)
	if rest, ok := strings.CutPrefix(origin, "https://api-identity."); ok {
		origin = "https://api." + rest
	}
	return origin + APIPath + "/"
}

func (s *Server) decide(req *fakekit.ConsentRequest) (*fakekit.Consent, error) {
	s.mu.Lock()
	c := s.consent
	s.mu.Unlock()
	company := c.CompanyID
	if company == "" {
		company = TestCompanyID
	}
	out := &fakekit.Consent{Deny: c.Deny, CallbackParams: map[string]string{"companyId": company},
		Extra: map[string]any{"companyId": company}}
	if c.Scopes != nil {
		var narrowed []string
		for _, sc := range req.Scopes {
			if slices.Contains(c.Scopes, sc) {
				narrowed = append(narrowed, sc)
			}
		}
		out.Scopes = narrowed
	}
	return out, nil
}

// SetConsent sets what the consent screen decides from now on.
func (s *Server) SetConsent(c Consent) {
	s.mu.Lock()
	s.consent = c
	s.mu.Unlock()
}

// Origin returns the fake's scheme://host:port (http://127.0.0.1:port).
func (s *Server) Origin() string { return s.ts.URL }

// IdentityURL returns the identity server's base URL (Origin()+"/idp"), for
// bqecore.OAuthConfig.IdentityURL.
func (s *Server) IdentityURL() string { return s.ts.URL + IdentityPath }

// EndpointHost returns the host (host:port) of the API base URL the fake's
// tokens name in their "endpoint" field, for bqecore.WithEndpointHosts: a
// client accepts token-named endpoints only on bqecore.com unless told.
func (s *Server) EndpointHost() string {
	if s.endpoint != "" {
		if u, err := url.Parse(s.endpoint); err == nil {
			return u.Host
		}
	}
	u, _ := url.Parse(s.ts.URL)
	return u.Host
}

// BaseURL returns the API base URL (Origin()+"/api"), for bqecore.WithBaseURL.
func (s *Server) BaseURL() string { return s.ts.URL + APIPath }

// ServeHTTP serves the fake's endpoints; use it to mount the fake elsewhere
// than NewServer's listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.ts.Config.Handler.ServeHTTP(w, r)
}

// Client returns an *http.Client that trusts the fake (needed WithTLS).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the fake down.
func (s *Server) Close() {
	s.faults.Clear()
	s.ts.Close()
}

// Authorize plays the user's browser: it opens authURL (any scheme and host
// are replaced by the fake's, so production URLs work), consents as TestUser
// (or the user a login_hint parameter of authURL names)
// and returns the query of the redirect back to the app (code, state,
// companyId, or error). It fails when the fake answers without a redirect.
func (s *Server) Authorize(ctx context.Context, authURL string) (url.Values, error) {
	return fakekit.Browse(ctx, s.ts.Client(), s.ts.URL, authURL, "bqecoretest")
}

// ExpireTokens makes every access token issued so far fail (the API then
// answers 200 "Not authenticated"); refresh tokens keep working.
func (s *Server) ExpireTokens() { s.oauth.ExpireAccessTokens() }

// ExpireRefreshTokens makes every refresh token issued so far fail.
func (s *Server) ExpireRefreshTokens() { s.oauth.ExpireRefreshTokens() }

// Stats are the fake's counters.
type Stats struct {
	// APICalls counts authenticated API requests that reached a handler.
	APICalls int
	// NotAuthenticated counts "Not authenticated" answers.
	NotAuthenticated int
	// CodeExchanges, Refreshes and Revocations count identity-server work.
	CodeExchanges, Refreshes, Revocations int
}

// Requests returns how many requests of a spec operation (e.g.
// "listActivities") passed validation and reached their handler.
func (s *Server) Requests(operationID string) int { return s.val.Served(operationID) }

// TokensIssued returns how many access tokens a grant type
// ("authorization_code", "refresh_token") issued.
func (s *Server) TokensIssued(grantType string) int { return s.oauth.Issued(grantType) }

// Refreshes returns how many refresh_token grants succeeded.
func (s *Server) Refreshes() int { return s.oauth.Refreshes() }

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	o := s.oauth.Stats()
	return Stats{
		APICalls:         int(s.apiCalls.Load()),
		NotAuthenticated: int(s.notAuthCalls.Load()),
		CodeExchanges:    o.Issued[fakekit.GrantAuthorizationCode],
		Refreshes:        o.Refreshes,
		Revocations:      o.Revocations,
	}
}

// AddFault queues a fault. A fault with a Status and no JSON or Body answers
// CORE's {"Message": <status text>}.
func (s *Server) AddFault(f fakes.Fault) {
	if f.Status != 0 && f.JSON == nil && f.Body == nil {
		f.JSON = map[string]any{"Message": http.StatusText(f.Status)}
	}
	s.faults.Add(f)
}

// FailNext answers the next times requests of operationID ("" any API
// request; the identity server is spared) with status and CORE's error body,
// plus Retry-After when retryAfter > 0. times 0 means once, fakes.Forever
// until ClearFaults.
func (s *Server) FailNext(operationID string, status int, retryAfter time.Duration, times int) {
	s.AddFault(fakes.Fault{OperationID: operationID, Path: APIPath + "/", Status: status, RetryAfter: retryAfter, Times: times})
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// FaultsFired returns how many requests faults have applied to.
func (s *Server) FaultsFired() int { return s.faults.Fired() }

// NotAuthenticatedBody is the exact body of CORE's "Not authenticated"
// answer: a JSON string, 20 bytes with the newline.
const NotAuthenticatedBody = "\"Not authenticated\"\n"

func writeNotAuthenticated(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(NotAuthenticatedBody)))
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, NotAuthenticatedBody)
}

// writeError answers CORE's error shape.
func writeError(w http.ResponseWriter, status int, msg string) {
	fakekit.WriteJSON(w, status, map[string]any{"Message": msg})
}

func writeValidationError(w http.ResponseWriter, _ *http.Request, status int, problems []string) {
	msg := http.StatusText(status)
	if len(problems) > 0 {
		msg = strings.Join(problems, "; ")
	}
	writeError(w, status, msg)
}

// serveAPI authenticates an API request, checks its scope, and hands it to the
// spec validator and the operation's handler.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	g, ok := s.oauth.Authenticate(r)
	if !ok {
		s.notAuthCalls.Add(1)
		writeNotAuthenticated(w)
		return
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write && !g.HasScope("readwrite:core") || !write && !g.HasScope("read:core") && !g.HasScope("readwrite:core") {
		writeError(w, http.StatusForbidden, "The token's scope does not allow this request.")
		return
	}
	if s.rl != nil {
		left, reset, ok := s.rl.take()
		h := w.Header()
		h.Set("X-Rate-Limit-Limit", strconv.Itoa(s.rl.limit))
		h.Set("X-Rate-Limit-Remaining", strconv.Itoa(left))
		h.Set("X-Rate-Limit-Reset", reset.UTC().Format(time.RFC3339))
		if !ok {
			h.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(reset.Sub(s.rl.now()).Seconds())))))
			writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Too many requests: at most %d per %s.", s.rl.limit, s.rl.window))
			return
		}
	}
	s.apiCalls.Add(1)
	s.val.ServeHTTP(w, r)
}
