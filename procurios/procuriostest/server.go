// Package procuriostest is an in-memory fake of the Procurios API for tests:
// an httptest server on loopback with the OAuth endpoints of a customer host
// (/l/oauth2/authorize and /l/oauth2/token, authorization code in the
// standard or the legacy spelling, client credentials), every operation of
// specs/procurios.yaml served from memory and validated against the spec,
// per-module scopes (403 otherwise), media-type negotiation (406 for an
// Accept that does not name the module's vendor media type and version), HAL
// paging and fault injection.
//
// It is public so that users of package procurios can test their own code
// against it:
//
//	srv := procuriostest.NewServer()
//	defer srv.Close()
//	ts, _ := procurios.OAuthConfig{BaseURL: srv.BaseURL(), ClientID: procuriostest.TestClientID,
//		ClientSecret: procuriostest.TestClientSecret, Scopes: procuriostest.AllScopes()}.ClientCredentials()
//	c, _ := procurios.New(ctx, procurios.WithBaseURL(srv.BaseURL()), procurios.WithTokenSource(ts))
package procuriostest

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/specs"
)

// Seeded credentials and fixtures.
const (
	// TestClientID and TestClientSecret are the registered OAuth client.
	TestClientID     = "oasuite-procurios-client"
	TestClientSecret = "procurios-fake-secret"
	// TestRedirectURL is the client's registered redirect URL.
	TestRedirectURL = "https://app.example.test/procurios/callback"
	// TestUser is the user the authorize endpoint consents as.
	TestUser = "ada"

	// CollectionID is the seeded collection with CollectionSize relations
	// (the documentation's example UUID).
	CollectionID = "4d036265-2b90-423e-9e54-867bbe1fd5ef"
	// SmallCollectionID is a second collection with 3 relations.
	SmallCollectionID = "9eea0913-fed8-4851-b80f-58419c1612c6"
	// CollectionSize is the number of relations in CollectionID.
	CollectionSize = 60
	// PageSize is the fake's page size (the documented 25).
	PageSize = 25

	// RegistrationSetID is the seeded "Demo registration set" (the
	// documentation's example id); its schema requires first_name, name and
	// email and types birth_date as the non-standard "date".
	RegistrationSetID = 42
	// NewsletterSetID is a second set, reachable with scope
	// "profile/registration/3" alone.
	NewsletterSetID = 3
	// DefaultRegistrationSetID is the set a registration posted without a
	// set id (POST /profile_api/registrationset) is checked against and
	// stored in: the host's default set (an assumption of the spec).
	DefaultRegistrationSetID = RegistrationSetID

	// MeetingRegistrationCount is the number of seeded meeting registrations.
	MeetingRegistrationCount = 30
	// DemoMeetingID is a seeded meeting with a registration schema.
	DemoMeetingID = 11
)

// AllScopes returns every scope the fake knows.
func AllScopes() []string {
	return []string{
		"relation_list_api/relation", "profile/registration", "meeting2/read",
		"meeting2/write", "meeting2/register", "meeting2/location/read",
	}
}

// Option configures NewServer.
type Option func(*config)

type config struct {
	legacy      bool
	noExpiresIn bool
	regLinks    bool
	embeddedKey string
	coverage    *fakes.Coverage
	redirects   []string
	clock       func() time.Time
	tokenTTL    time.Duration
}

// WithLegacyOAuth makes the OAuth endpoints accept only the getting-started
// page's spelling: authorize with grant_type=code and redirect_url, token
// call with grant_type=code. By default only the standard names are accepted.
func WithLegacyOAuth() Option { return func(c *config) { c.legacy = true } }

// WithoutExpiresIn answers token requests with access_token, token_type and
// scope but no expires_in, as some copies of the documentation show.
func WithoutExpiresIn() Option { return func(c *config) { c.noExpiresIn = true } }

// WithRegistrationLinks adds HAL _links to meeting-registration pages (the
// documented answer has none).
func WithRegistrationLinks() Option { return func(c *config) { c.regLinks = true } }

// WithEmbeddedKey names the embedded relation that holds a collection
// page's relations (`_embedded.<key>`; default "relations"). Procurios does
// not document the name, so a client must read the page whatever it is
// ("items" is the other plausible one).
func WithEmbeddedKey(key string) Option { return func(c *config) { c.embeddedKey = key } }

// WithCoverage records every served operation in cov (shared by a test
// binary's fakes to check that every spec operation was exercised).
func WithCoverage(cov *fakes.Coverage) Option { return func(c *config) { c.coverage = cov } }

// WithRedirectURLs registers more redirect URLs for TestClientID, e.g. a
// loopback one with its port, http://127.0.0.1:8765/callback, for
// auth.LoopbackLogin (exact match, as Procurios compares them).
func WithRedirectURLs(urls ...string) Option {
	return func(c *config) { c.redirects = append(c.redirects, urls...) }
}

// WithClock sets the fake's clock (token lifetimes).
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithTokenTTL sets the lifetime of issued access tokens (default 1h).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// Server is the running fake.
type Server struct {
	cfg       config
	srv       *httptest.Server
	oauth     *fakekit.OAuth
	validator *fakekit.Validator
	faults    fakekit.Faults
	tampers   fakekit.Tampers
	media     map[string]string // operationId → vendor media type
	scopes    map[string][]string

	mu      sync.Mutex
	calls   map[string]int
	headers map[string]http.Header // operationId → last request's headers
	data    *store
}

// NewServer starts the fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts...)
	if err != nil {
		panic("procuriostest: " + err.Error())
	}
	return s
}

func newServer(opts ...Option) (*Server, error) {
	s := &Server{calls: map[string]int{}, headers: map[string]http.Header{}, data: newStore()}
	for _, o := range opts {
		o(&s.cfg)
	}
	spec, err := specs.Load("procurios")
	if err != nil {
		return nil, err
	}
	if s.media, s.scopes, err = specFacts(spec); err != nil {
		return nil, err
	}
	oc := fakekit.OAuthConfig{
		Paths: fakekit.OAuthPaths{Authorize: "/l/oauth2/authorize", Token: "/l/oauth2/token"},
		Clients: []fakekit.Client{{
			ID:           TestClientID,
			Secret:       TestClientSecret,
			RedirectURIs: append([]string{TestRedirectURL}, s.cfg.redirects...),
			Grants:       []string{fakekit.GrantAuthorizationCode, fakekit.GrantClientCredentials},
		}},
		Users:          []fakekit.User{{Login: TestUser, ID: "99"}},
		Refresh:        fakekit.RefreshNever,
		TokenType:      "bearer",
		AccessTokenTTL: s.cfg.tokenTTL,
		Clock:          s.cfg.clock,
		ValidateScopes: validateScopes,
		ErrorResponse:  nil,
	}
	if s.cfg.legacy {
		oc.ParamAliases = map[string]string{"redirect_url": "redirect_uri"}
		oc.GrantTypeAliases = map[string]string{"code": fakekit.GrantAuthorizationCode}
		oc.LaxTokenRedirectURI = true
	}
	if s.cfg.noExpiresIn {
		oc.TokenResponse = func(_ *http.Request, _ *fakekit.Grant, body map[string]any) any {
			delete(body, "expires_in")
			return body
		}
	}
	s.oauth = fakekit.NewOAuth(oc)

	vopts := []fakekit.ValidatorOption{fakekit.WithBasePath("/l"), fakekit.WithErrorWriter(writeValidationError)}
	if s.cfg.coverage != nil {
		vopts = append(vopts, fakekit.WithCoverage(s.cfg.coverage))
	}
	s.validator, err = fakekit.NewValidator(spec, vopts...)
	if err != nil {
		return nil, err
	}
	s.routes()
	if un := s.validator.Unhandled(); len(un) > 0 {
		return nil, fmt.Errorf("operations without a handler: %v", un)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/l/oauth2/authorize", s.authorize)
	mux.HandleFunc("POST /l/oauth2/token", s.token)
	mux.Handle("/l/", s.faults.Wrap(s.tampers.Wrap(s.validator, s.validator.OperationOf), s.validator.OperationOf))
	s.srv = httptest.NewServer(mux)
	return s, nil
}

// validateScopes accepts the known scopes and any profile/registration/{id}.
func validateScopes(_ *fakekit.Client, scopes []string) error {
	known := map[string]bool{}
	for _, s := range AllScopes() {
		known[s] = true
	}
	for _, s := range scopes {
		if known[s] || strings.HasPrefix(s, "profile/registration/") {
			continue
		}
		return fmt.Errorf("unknown scope %q", s)
	}
	return nil
}

// specFacts reads each operation's vendor media type and scopes from the spec.
func specFacts(spec []byte) (map[string]string, map[string][]string, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, nil, err
	}
	media := map[string]string{}
	scopes := map[string][]string{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code, rsp := range op.Responses.Map() {
				if !strings.HasPrefix(code, "2") || rsp.Value == nil {
					continue
				}
				for ct := range rsp.Value.Content {
					if strings.HasPrefix(ct, "application/vnd.procurios.") {
						media[op.OperationID] = ct
					}
				}
			}
			if op.Security != nil {
				for _, req := range *op.Security {
					for _, sc := range req {
						scopes[op.OperationID] = sc
					}
				}
			}
			if media[op.OperationID] == "" {
				return nil, nil, fmt.Errorf("operation %s has no vendor media type", op.OperationID)
			}
		}
	}
	return media, scopes, nil
}

// Origin returns the server's scheme://host:port (http://127.0.0.1:port).
func (s *Server) Origin() string { return s.srv.URL }

// ServeHTTP serves the fake's endpoints; use it to mount the fake elsewhere
// than NewServer's listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.srv.Config.Handler.ServeHTTP(w, r)
}

// Client returns an *http.Client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// BaseURL returns the API base URL, Origin()+"/l", for procurios.WithBaseURL
// and OAuthConfig.BaseURL.
func (s *Server) BaseURL() string { return s.srv.URL + "/l" }

// Close stops the server.
func (s *Server) Close() {
	s.faults.Clear()
	s.srv.Close()
}

// Requests returns how many requests of a spec operation (e.g.
// "listMeetings") reached its handler.
func (s *Server) Requests(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[operationID]
}

// LastHeader returns a header of the last request of an operation.
func (s *Server) LastHeader(operationID, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h := s.headers[operationID]; h != nil {
		return h.Get(name)
	}
	return ""
}

// TokensIssued returns how many access tokens a grant type
// ("client_credentials", "authorization_code") issued.
func (s *Server) TokensIssued(grantType string) int { return s.oauth.Issued(grantType) }

// TokenErrors returns how many token requests failed with an OAuth error code.
func (s *Server) TokenErrors(code string) int { return s.oauth.Stats().Errors[code] }

// ExpireTokens makes every access token issued so far invalid (401).
func (s *Server) ExpireTokens() { s.oauth.ExpireAccessTokens() }

// FailNext answers the next times requests of operationID ("" any API
// operation; the OAuth endpoints are spared) with status, a Retry-After of
// retryAfter when not zero, and the Procurios error body. times 0 means
// once, fakes.Forever until ClearFaults.
func (s *Server) FailNext(operationID string, status int, retryAfter time.Duration, times int) {
	s.faults.Add(fakes.Fault{
		OperationID: operationID,
		Path:        "/l/",
		Times:       times,
		Status:      status,
		RetryAfter:  retryAfter,
		JSON:        apiError{Error: "injected", Message: http.StatusText(status)},
	})
}

// AddFault queues a fault (a status, a delay, a dropped or hanging
// connection) for the requests it selects.
func (s *Server) AddFault(f fakes.Fault) { s.faults.Add(f) }

// ClearFaults removes every queued fault and releases hanging requests.
func (s *Server) ClearFaults() { s.faults.Clear() }

// FaultsFired returns how many requests faults have applied to.
func (s *Server) FaultsFired() int { return s.faults.Fired() }

// Authorize plays the user's browser: it opens authURL (from
// auth.CodeFlow.Start; any scheme and host are replaced by the fake's)
// without following the redirect and returns the callback's query (code
// and state, or error).
func (s *Server) Authorize(ctx context.Context, authURL string) (url.Values, error) {
	return fakekit.Browse(ctx, s.srv.Client(), s.srv.URL, authURL, "procuriostest")
}

// authorize enforces the configured spelling, then lets fakekit decide.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	q := r.Form
	if s.cfg.legacy {
		if q.Get("grant_type") != "code" || q.Has("redirect_uri") || q.Has("response_type") {
			writeOAuthError(w, http.StatusBadRequest, "invalid_request", "this host expects grant_type=code and redirect_url")
			return
		}
		r2 := r.Clone(r.Context())
		v := r2.URL.Query()
		v.Del("grant_type")
		v.Set("response_type", "code")
		r2.URL.RawQuery = v.Encode()
		r2.Form = nil
		r2.PostForm = nil
		s.oauth.Authorize(w, r2)
		return
	}
	if q.Has("redirect_url") || q.Has("grant_type") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "use response_type and redirect_uri")
		return
	}
	s.oauth.Authorize(w, r)
}

// token enforces the configured grant_type spelling, then lets fakekit answer.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	switch gt := r.PostForm.Get("grant_type"); {
	case s.cfg.legacy && gt == fakekit.GrantAuthorizationCode:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "this host expects grant_type=code")
		return
	case !s.cfg.legacy && gt == "code":
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type=code is not supported; use authorization_code")
		return
	}
	s.oauth.Token(w, r)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	fakekit.WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// apiError is the fake's error body (an assumption: Procurios does not
// document its error body).
type apiError struct {
	Error   string       `json:"error"`
	Message string       `json:"message,omitempty"`
	Fields  []fieldError `json:"fields,omitempty"`
}

type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func writeValidationError(w http.ResponseWriter, _ *http.Request, status int, problems []string) {
	code := "invalid_request"
	switch status {
	case http.StatusNotFound:
		code = "not_found"
	case http.StatusMethodNotAllowed:
		code = "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		code = "too_large"
	case http.StatusNotImplemented:
		code = "not_implemented"
	}
	fakekit.WriteJSON(w, status, apiError{Error: code, Message: strings.Join(problems, "; ")})
}

// api wraps an operation's handler with what every Procurios call checks:
// the bearer token, the operation's scope, and the Accept media type.
func (s *Server) api(op string, allow func(g *fakekit.Grant, r *http.Request) bool, fn func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant)) {
	if allow == nil {
		allow = s.scopeAllow(op)
	}
	s.validator.HandleFunc(op, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[op]++
		s.headers[op] = r.Header.Clone()
		s.mu.Unlock()
		g, ok := s.oauth.Authenticate(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			fakekit.WriteJSON(w, http.StatusUnauthorized, apiError{Error: "invalid_token", Message: "the access token is missing, invalid or expired"})
			return
		}
		if !allow(g, r) {
			fakekit.WriteJSON(w, http.StatusForbidden, apiError{Error: "insufficient_scope", Message: "the token lacks the scope of " + op})
			return
		}
		if !acceptable(r.Header.Get("Accept"), s.media[op]) {
			fakekit.WriteJSON(w, http.StatusNotAcceptable, apiError{Error: "not_acceptable", Message: "this resource is served as " + s.media[op]})
			return
		}
		fn(w, r, g)
	})
}

// scopeAllow is the spec's scope rule: the grant must hold one of the
// operation's scopes (none listed: any token).
func (s *Server) scopeAllow(op string) func(g *fakekit.Grant, r *http.Request) bool {
	want := s.scopes[op]
	return func(g *fakekit.Grant, _ *http.Request) bool {
		if len(want) == 0 {
			return true
		}
		for _, sc := range want {
			if g.HasScope(sc) {
				return true
			}
		}
		return false
	}
}

// acceptable reports whether an Accept header names the vendor media type
// with its version parameter.
func acceptable(accept, want string) bool {
	wt, wp, err := mime.ParseMediaType(want)
	if err != nil {
		return false
	}
	for _, part := range strings.Split(accept, ",") {
		t, p, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || t != wt {
			continue
		}
		if p["version"] == wp["version"] {
			return true
		}
	}
	return false
}

func (s *Server) reply(w http.ResponseWriter, op string, v any) {
	fakekit.WriteJSONAs(w, http.StatusOK, s.media[op], v)
}
