// Package bouquettest is an in-memory fake of the Bouquet API for tests,
// ours and our users': the auth endpoints and token types of bouquet-server's
// CustomerServiceRest (/rs/auth-token, /rs/auth-code, /rs/token,
// /rs/tokeninfo, DELETE /rs/token/{id}, /rs/logout, the OAuth dialog at
// /oauth), every operation of specs/bouquet.yaml served from memory after
// validation against the spec, Bouquet's error bodies (APIException JSON,
// loginURL on 401), analysis jobs that go PENDING → RUNNING → DONE with
// ComputingInProgress (HTTP 200 + Retry-After) meanwhile, and fault
// injection.
//
//	fake := bouquettest.NewServer()
//	defer fake.Close()
//	cfg := bouquet.OAuthConfig{BaseURL: fake.BaseURL(), CustomerID: bouquettest.TestCustomerID,
//		ClientID: bouquettest.TestClientID, RedirectURI: bouquettest.TestRedirectURI}
//	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(fake.BaseURL()),
//		bouquet.WithTokenSource(cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)))
package bouquettest

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/specs"
)

// Seeded credentials and names. The fake knows one customer with two API
// clients (ours and another one, for the tokeninfo mismatch case) and two users.
const (
	TestCustomerID   = "acme"
	TestClientID     = "bouquet-app"
	TestClientSecret = "fake-client-secret-7c1e"
	// TestSiteURL is the client's registered site: redirect URIs must be
	// within its domain.
	TestSiteURL     = "https://app.example.com"
	TestRedirectURI = "https://app.example.com/callback"
	TestLogin       = "ann"
	TestPassword    = "fake-password-2f9a"
	TestUserID      = "u-ann"

	// OtherClientID is a second registered client; tokens issued to it must
	// fail the implicit flow's tokeninfo check of TestClientID.
	OtherClientID     = "other-app"
	OtherClientSecret = "fake-other-secret-51d0"
	OtherLogin        = "bob"
	OtherPassword     = "fake-password-8e3b"
	OtherUserID       = "u-bob"
)

// BasePath is where the fake serves the API, as Bouquet does: /{api}/{version}.
const BasePath = "/release/v4.2"

// Option configures [NewServer].
type Option func(*config)

type config struct {
	cov        *fakes.Coverage
	redirects  []string
	clock      func() time.Time
	ttl        time.Duration
	retryAfter time.Duration
	steps      int
	rows       int
	tls        bool
	documented bool
}

// WithCoverage records every served spec operation in cov (share one across
// the fakes of a test binary and check cov.Missing in TestMain).
func WithCoverage(cov *fakes.Coverage) Option { return func(o *config) { o.cov = cov } }

// WithRedirectURLs registers more redirect URLs for TestClientID, e.g. a
// loopback one with its port, http://127.0.0.1:8765/callback, for
// auth.LoopbackLogin. Bouquet's rule applies: a redirect must lie within the
// domain of a registered one.
func WithRedirectURLs(urls ...string) Option {
	return func(o *config) { o.redirects = append(o.redirects, urls...) }
}

// WithClock replaces time.Now for token issue and expiry.
func WithClock(now func() time.Time) Option { return func(o *config) { o.clock = now } }

// WithTokenTTL sets the lifetime of access tokens (default 1h).
func WithTokenTTL(d time.Duration) Option { return func(o *config) { o.ttl = d } }

// WithRetryAfter sets the Retry-After of ComputingInProgress answers
// (default 1s; rounded up to whole seconds, 0 sends "0").
func WithRetryAfter(d time.Duration) Option { return func(o *config) { o.retryAfter = d } }

// WithJobSteps sets how many reads of a job it stays in each of PENDING and
// RUNNING (default 1: PENDING at creation, RUNNING at the first read, DONE
// at the second).
func WithJobSteps(n int) Option { return func(o *config) { o.steps = n } }

// WithResultRows sets how many rows an analysis job's results have (default 25).
func WithResultRows(n int) Option { return func(o *config) { o.rows = n } }

// WithDocumentedStatuses answers creates with 201 Created and deletes with
// 204 No Content, as Bouquet's getting-started page documents, instead of the
// 200 bouquet-server 4.2.6x sends.
func WithDocumentedStatuses() Option { return func(o *config) { o.documented = true } }

// WithTLS serves over HTTPS (httptest.NewTLSServer); [Server.Client] trusts it.
func WithTLS() Option { return func(o *config) { o.tls = true } }

// Server is a running Bouquet fake. Its methods are safe for concurrent use.
type Server struct {
	oauth    *fakekit.OAuth
	faults   *fakes.Faults
	tampers  fakekit.Tampers
	coverage *fakes.Coverage

	cfg     config
	srv     *httptest.Server
	v       *fakekit.Validator
	store   *store
	handler http.Handler

	mu       sync.Mutex
	served   map[string]int
	jobs     map[string]*jobState // key: "analysis/p/j" or "facet/p/j"
	byUser   map[string][]string  // userId → access tokens issued
	customer map[string]any
	custAR   []any
	caches   map[string]cacheCount // project id or "project/domain" → refreshes

	keyOnce sync.Once
	keyErr  error
	apiKey  *rsa.PrivateKey // signs API keys, made at the first one
}

type cacheCount struct{ soft, hard, data int }

func (s *Server) now() time.Time {
	if s.cfg.clock != nil {
		return s.cfg.clock()
	}
	return time.Now()
}

// NewServer starts a fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts...)
	if err != nil {
		panic(fmt.Sprintf("bouquettest: %v", err)) // the embedded spec is broken: a bug
	}
	if s.cfg.tls {
		s.srv = httptest.NewTLSServer(s)
	} else {
		s.srv = httptest.NewServer(s)
	}
	return s
}

// NewHandler returns the fake as an http.Handler without starting a server
// (for `oasuite sandbox` and custom listeners). URL and Close are not usable.
func NewHandler(opts ...Option) (*Server, error) { return newServer(opts...) }

func newServer(opts ...Option) (*Server, error) {
	cfg := config{ttl: time.Hour, retryAfter: time.Second, steps: 1, rows: 25}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.cov == nil {
		cfg.cov = fakes.NewCoverage()
	}
	if cfg.steps < 1 {
		cfg.steps = 1
	}
	spec, err := specs.Load("bouquet")
	if err != nil {
		return nil, err
	}
	s := &Server{
		faults: &fakes.Faults{}, coverage: cfg.cov, cfg: cfg,
		store:  newStore(),
		served: map[string]int{},
		jobs:   map[string]*jobState{},
		byUser: map[string][]string{},
		caches: map[string]cacheCount{},
		customer: map[string]any{"id": TestCustomerID, "name": "Acme", "defaultLocale": "en",
			"authMode": "OAUTH", "_role": "OWNER"},
		custAR: []any{map[string]any{"role": "OWNER", "userId": TestUserID}},
	}
	s.oauth = fakekit.NewOAuth(fakekit.OAuthConfig{
		Paths: fakekit.OAuthPaths{Authorize: BasePath + "/oauth"},
		Clients: []fakekit.Client{
			{ID: TestClientID, Secret: TestClientSecret, RedirectURIs: append([]string{TestSiteURL}, cfg.redirects...)},
			{ID: OtherClientID, Secret: OtherClientSecret, RedirectURIs: []string{"https://other.example.org"}},
		},
		Users: []fakekit.User{
			{Login: TestLogin, Password: TestPassword, ID: TestUserID},
			{Login: OtherLogin, Password: OtherPassword, ID: OtherUserID},
		},
		DefaultUser:       TestLogin,
		RedirectMatcher:   sameDomain,
		RefreshFor:        func(g *fakekit.Grant) bool { off, _ := g.Extra["offline"].(bool); return off },
		AccessTokenTTL:    cfg.ttl,
		Clock:             cfg.clock,
		AcceptQueryParams: true,
		TokenResponse:     s.tokenResponse,
		ErrorResponse:     s.oauthError,
		TokenQueryParams:  []string{"access_token"},
		TokenCookies:      []string{"squidapitoken"},
	})
	v, err := fakekit.NewValidator(spec, fakekit.WithBasePath(BasePath), fakekit.WithCoverage(cfg.cov),
		fakekit.WithErrorWriter(validatorError))
	if err != nil {
		return nil, err
	}
	s.v = v
	s.routes()
	s.modelRoutes()
	if left := v.Unhandled(); len(left) > 0 {
		return nil, fmt.Errorf("operations without a handler: %s", strings.Join(left, ", "))
	}
	s.seed()
	s.handler = s.faults.Wrap(s.tampers.Wrap(http.HandlerFunc(s.serve), s.v.OperationOf), s.v.OperationOf)
	return s, nil
}

// ServeHTTP serves the fake: faults first, then the OAuth dialog or the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == BasePath+"/oauth" {
		s.oauth.Authorize(w, r)
		return
	}
	if r.URL.Query().Has("no_error") {
		s.serveNoError(w, r)
		return
	}
	s.v.ServeHTTP(w, r)
}

// serveNoError is Bouquet's no_error parameter: an error answer goes out as
// HTTP 200 with code 200 in its APIException body (APIException.getCode).
func (s *Server) serveNoError(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.v.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	var body map[string]any
	if rec.Code < 400 || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	body["code"] = http.StatusOK
	w.Header().Del("Content-Length")
	fakekit.WriteJSON(w, http.StatusOK, body)
}

// BaseURL is the API base URL to give bouquet.WithBaseURL and
// bouquet.OAuthConfig.BaseURL: the server's origin plus [BasePath].
func (s *Server) BaseURL() string { return s.srv.URL + BasePath }

// Origin is the server's scheme://host:port, for replay.WithFake (which
// keeps the request's path, /release/v4.2/… included).
func (s *Server) Origin() string { return s.srv.URL }

// Client returns an *http.Client that trusts the fake (needed WithTLS).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// ExpireTokens makes every access token issued so far invalid, as if their
// lifetime had passed: the next API call gets 401 InvalidTokenAPIException.
func (s *Server) ExpireTokens() { s.oauth.ExpireAccessTokens() }

// Requests returns how many requests of a spec operation (by operationId)
// this fake has served (a WithCoverage record may be shared with other fakes).
func (s *Server) Requests(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[operationID]
}

// ExpireRefreshTokens makes every refresh token issued so far fail.
func (s *Server) ExpireRefreshTokens() { s.oauth.ExpireRefreshTokens() }

// TokensIssued returns how many access tokens a grant type issued
// ("auth-token", "authorization_code", "password", "refresh_token", …).
func (s *Server) TokensIssued(grantType string) int { return s.oauth.Issued(grantType) }

// Refreshes returns how many refresh_token grants succeeded.
func (s *Server) Refreshes() int { return s.oauth.Refreshes() }

// AddFault queues a fault (a status, a delay, a dropped or hanging
// connection) for the requests it selects. A fault with a Status and no
// JSON or Body answers Bouquet's APIException body.
func (s *Server) AddFault(f fakes.Fault) {
	if f.Status != 0 && f.JSON == nil && f.Body == nil {
		f.JSON = map[string]any{"code": f.Status, "type": "APIException", "error": http.StatusText(f.Status), "suppressed": []any{}}
	}
	s.faults.Add(f)
}

// FailNext answers the next times requests of operationID ("" any API
// request; the OAuth dialog and token endpoints are answered too, as they
// are under the API path on Bouquet) with status, Bouquet's error body and
// a Retry-After of retryAfter when not zero. times 0 means once,
// fakes.Forever until ClearFaults.
func (s *Server) FailNext(operationID string, status int, retryAfter time.Duration, times int) {
	s.AddFault(fakes.Fault{OperationID: operationID, Path: BasePath + "/", Status: status, RetryAfter: retryAfter, Times: times})
}

// ClearFaults removes every queued fault and releases hanging requests.
func (s *Server) ClearFaults() { s.faults.Clear() }

// FaultsFired returns how many requests faults have applied to.
func (s *Server) FaultsFired() int { return s.faults.Fired() }

// Authorize plays the user's browser in the OAuth dialog (BasePath+"/oauth"):
// it opens authURL (any scheme and host are replaced by the fake's), signs
// in as TestLogin and returns the parameters of the redirect back to the
// app: the query of a code flow (code, state, or error), the fragment of an
// implicit one. It fails when the fake answers without a redirect.
func (s *Server) Authorize(ctx context.Context, authURL string) (url.Values, error) {
	return fakekit.Browse(ctx, s.srv.Client(), s.srv.URL, authURL, "bouquettest")
}

// handle registers the handler of an operation and counts its requests.
func (s *Server) handle(op string, h func(http.ResponseWriter, *http.Request)) {
	s.v.HandleFunc(op, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.served[op]++
		s.mu.Unlock()
		h(w, r)
	})
}

// sameDomain is Bouquet's redirect rule: the redirect URI must lie within
// the domain of one of the client's registered site URLs.
func sameDomain(registered, given string) bool {
	ru, err1 := url.Parse(registered)
	gu, err2 := url.Parse(given)
	if err1 != nil || err2 != nil || gu.Host == "" {
		return false
	}
	rh, gh := ru.Hostname(), gu.Hostname()
	return gh == rh || strings.HasSuffix(gh, "."+rh)
}
