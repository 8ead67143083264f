// Package bidcoretest is an in-memory fake of the IPONWEB BidCore Workflow API v2 and of the uauth
// token endpoint it logs in at, for tests of code that uses package bidcore (ours and yours).
//
// The fake serves every operation of specs/bidcore.yaml from memory, validates every request against
// the spec, keeps the documented relations (advertiser → campaign → line item; advertiser → creative,
// pixel; SSP → deal; line items refer to creatives, deals and targeting lists), answers the documented
// status codes with Django-REST-framework-style error bodies, and lets tests inject faults:
//
//	srv := bidcoretest.NewServer()
//	defer srv.Close()
//	c, _ := bidcore.New(ctx, bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithTokenURL(srv.TokenURL()),
//		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword))
//
// How each documented status is reached:
//
//	200, 201, 204  the operations themselves (PUT and DELETE answer 204 with no body)
//	400            a body or query that breaks the spec, an unknown query parameter, a reference to a
//	               missing entity, end_date before start_date
//	401            no token, an unknown or expired token, a token for another service host
//	403            any write by TestReadOnlyUser
//	404            an unknown id or path, a page past the last
//	405            a method the path does not have (e.g. PATCH)
//	406            deleting an entity others refer to
//	409            a uniqueness violation (SSP code; deal_id per SSP)
//	429, 500, 504  FailNext / AddFault; 504 also for a body over the size limit
//
// The token endpoint (POST /oauth2/token/) takes the password grant with a form body (query
// parameters too, as in the getting-started page's Python example), no client authentication, and
// exactly the scope "service_id=<service host>"; it answers like uauth:
// {"token_type":"Bearer","scope":"<host>","access_token":"…","expires_in":3600}, no refresh token.
package bidcoretest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/specs"
	"gopkg.in/yaml.v3"
)

// Seeded credentials and paths of the fake.
const (
	// DefaultService is the service host the fake grants tokens for unless WithService says otherwise.
	DefaultService = "my.bidcore.iponweb.com"
	// TestUser and TestPassword log in with full access.
	TestUser     = "analyst@example.com"
	TestPassword = "fake-password-analyst"
	// TestReadOnlyUser and TestReadOnlyPassword log in with read access only: writes answer 403.
	TestReadOnlyUser     = "viewer@example.com"
	TestReadOnlyPassword = "fake-password-viewer"
	// TestPermanentToken is accepted as a permanent token (as issued in the IPONWEB SSO portal).
	TestPermanentToken = "fake-permanent-token-bidcore-0001"
	// TokenPath is where the fake serves uauth's token endpoint.
	TokenPath = "/oauth2/token/"
	// APIPath is where the fake serves the Workflow API.
	APIPath = "/api/v2"
	// DefaultPageSize is the page size of lists without page_size.
	DefaultPageSize = 20
	// DefaultTokenTTL is the lifetime of the tokens the fake issues (uauth's expires_in).
	DefaultTokenTTL = time.Hour
	// DefaultMaxBody is the request-body size over which the fake answers 504, as BidCore documents
	// for requests that are too large.
	DefaultMaxBody = 1 << 20
)

// Option configures NewServer.
type Option func(*config)

type config struct {
	service   string
	clock     func() time.Time
	pageSize  int
	tokenTTL  time.Duration
	maxBody   int64
	coverage  *fakes.Coverage
	permanent []string
}

// WithService sets the service host tokens must be asked for ("service_id=<host>") and are valid for.
func WithService(host string) Option { return func(c *config) { c.service = host } }

// WithClock sets the fake's clock, which decides token expiry; share it with the client's token source
// (auth.WithClock) to test re-login at expiry without waiting.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithPageSize sets the page size of lists that do not ask for one.
func WithPageSize(n int) Option { return func(c *config) { c.pageSize = n } }

// WithTokenTTL sets the lifetime of issued tokens (default one hour).
func WithTokenTTL(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// WithMaxBody sets the request-body size over which the fake answers 504.
func WithMaxBody(n int64) Option { return func(c *config) { c.maxBody = n } }

// WithPermanentTokens adds tokens accepted as permanent tokens, besides TestPermanentToken.
func WithPermanentTokens(tokens ...string) Option {
	return func(c *config) { c.permanent = append(c.permanent, tokens...) }
}

// WithCoverage records every served operation in cov, which may be shared by several fakes. It is for
// oasuite's own tests, which check that every spec operation was exercised.
func WithCoverage(cov *fakes.Coverage) Option { return func(c *config) { c.coverage = cov } }

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	cfg     config
	srv     *httptest.Server
	oauth   *fakekit.OAuth
	faults  *fakekit.Faults
	tampers fakekit.Tampers
	val     *fakekit.Validator
	handler http.Handler

	mu       sync.Mutex
	st       *store
	served   map[string]int
	rejected int
}

// NewServer starts a fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	s, err := newServer(opts...)
	if err != nil {
		panic("bidcoretest: " + err.Error()) // the embedded spec is broken: a bug in this package
	}
	s.srv = httptest.NewServer(s.handler)
	return s
}

func newServer(opts ...Option) (*Server, error) {
	cfg := config{service: DefaultService, clock: time.Now, pageSize: DefaultPageSize,
		tokenTTL: DefaultTokenTTL, maxBody: DefaultMaxBody}
	for _, o := range opts {
		o(&cfg)
	}
	spec, err := specs.Load("bidcore")
	if err != nil {
		return nil, err
	}
	defs := entityDefs()
	defaults, err := inputDefaults(spec, defs)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, faults: &fakekit.Faults{}, st: newStore(defs, defaults), served: map[string]int{}}
	s.oauth = fakekit.NewOAuth(fakekit.OAuthConfig{
		Paths:             fakekit.OAuthPaths{Token: TokenPath},
		Clients:           []fakekit.Client{{ID: "uauth-anonymous", Grants: []string{fakekit.GrantPassword}}},
		AnonymousClient:   "uauth-anonymous",
		AcceptQueryParams: true,
		Users: []fakekit.User{
			{Login: TestUser, Password: TestPassword},
			{Login: TestReadOnlyUser, Password: TestReadOnlyPassword},
		},
		ValidateScopes: func(_ *fakekit.Client, scopes []string) error {
			if len(scopes) != 1 || scopes[0] != "service_id="+cfg.service {
				return fmt.Errorf("scope must be %q", "service_id="+cfg.service)
			}
			return nil
		},
		Refresh:        fakekit.RefreshNever,
		AccessTokenTTL: cfg.tokenTTL,
		Clock:          cfg.clock,
		TokenResponse: func(_ *http.Request, _ *fakekit.Grant, body map[string]any) any {
			delete(body, "refresh_token")
			body["scope"] = cfg.service // uauth names the service host, without "service_id="
			return body
		},
	})
	vopts := []fakekit.ValidatorOption{fakekit.WithBasePath(APIPath), fakekit.WithBodyLimit(cfg.maxBody),
		fakekit.WithErrorWriter(writeValidatorError)}
	if cfg.coverage != nil {
		vopts = append(vopts, fakekit.WithCoverage(cfg.coverage))
	}
	v, err := fakekit.NewValidator(spec, vopts...)
	if err != nil {
		return nil, err
	}
	s.val = v
	for i := range defs {
		s.register(&defs[i])
	}
	if left := v.Unhandled(); len(left) > 0 {
		return nil, fmt.Errorf("operations without a handler: %v", left)
	}
	mux := http.NewServeMux()
	s.oauth.Mount(mux)
	mux.Handle(APIPath+"/", s.requireToken(v))
	s.handler = s.faults.Wrap(s.tampers.Wrap(mux, v.OperationOf), v.OperationOf)
	return s, nil
}

// ServeHTTP serves the fake's endpoints; use it to mount the fake elsewhere than NewServer's listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Origin is the fake's scheme://host:port, e.g. http://127.0.0.1:40123.
func (s *Server) Origin() string { return s.srv.URL }

// Client returns an *http.Client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// BaseURL is the Workflow API's base URL on the fake (Origin()+"/api/v2"), for bidcore.WithBaseURL.
func (s *Server) BaseURL() string { return s.srv.URL + APIPath }

// TokenURL is the token endpoint on the fake, for bidcore.WithTokenURL and bidcore.Login.TokenURL.
func (s *Server) TokenURL() string { return s.srv.URL + TokenPath }

// Service is the service host the fake grants tokens for.
func (s *Server) Service() string { return s.cfg.service }

// Close shuts the fake down and releases requests held by faults.
func (s *Server) Close() {
	s.faults.Clear()
	s.srv.Close()
}

// TokensIssued returns how many access tokens a grant type ("password", …) issued.
func (s *Server) TokensIssued(grantType string) int { return s.oauth.Issued(grantType) }

// Logins counts successful password-grant logins.
func (s *Server) Logins() int { return s.oauth.Issued(fakekit.GrantPassword) }

// LoginErrors counts failed token requests per OAuth error code (e.g. "invalid_grant", "invalid_scope").
func (s *Server) LoginErrors() map[string]int { return s.oauth.Stats().Errors }

// ExpireTokens makes every token issued so far invalid, as if its lifetime had passed: the next API
// call with one answers 401. Permanent tokens are not affected.
func (s *Server) ExpireTokens() { s.oauth.ExpireAccessTokens() }

// Requests returns how many requests of a spec operation (e.g. "listAdvertisers") reached its handler.
func (s *Server) Requests(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served[operationID]
}

// Unauthorized counts the API requests answered 401 (no token, an unknown or expired one, or one for
// another service host).
func (s *Server) Unauthorized() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// AddFault queues a fault (a status, a delay, a dropped or hanging connection) for the requests it
// selects. A fault with a Status and no JSON or Body answers BidCore's {"detail": …} body.
func (s *Server) AddFault(f fakes.Fault) {
	if f.Status != 0 && f.JSON == nil && f.Body == nil {
		f.JSON = map[string]string{"detail": faultDetail(f.Status)}
	}
	s.faults.Add(f)
}

// FailNext answers the next times requests of operationID ("" any API request; the token
// endpoint is spared) with status (429, 500, 504, …), BidCore's error body and a Retry-After of
// retryAfter when it is not zero. times 0 means once, fakes.Forever until ClearFaults.
func (s *Server) FailNext(operationID string, status int, retryAfter time.Duration, times int) {
	s.AddFault(fakes.Fault{OperationID: operationID, Path: APIPath + "/", Status: status, RetryAfter: retryAfter, Times: times})
}

// ClearFaults removes every queued fault.
func (s *Server) ClearFaults() { s.faults.Clear() }

// FaultsFired counts the requests a fault applied to.
func (s *Server) FaultsFired() int { return s.faults.Fired() }

func faultDetail(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "Request was throttled."
	case http.StatusGatewayTimeout:
		return "Request was too large or timed out."
	case http.StatusInternalServerError:
		return "A server error occurred."
	}
	return http.StatusText(status)
}

// requireToken answers 401 unless the request carries a token the fake issued for its service host
// (and that has not expired) or a permanent token; it answers 403 to writes of read-only users.
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := fakekit.BearerToken(r)
		reject := func() {
			s.mu.Lock()
			s.rejected++
			s.mu.Unlock()
		}
		if tok == "" {
			reject()
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			fakekit.WriteJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Authentication credentials were not provided."})
			return
		}
		if tok == TestPermanentToken || slices.Contains(s.cfg.permanent, tok) {
			next.ServeHTTP(w, r)
			return
		}
		g, ok := s.oauth.Authenticate(r)
		if !ok || !g.HasScope("service_id="+s.cfg.service) {
			reject()
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
			fakekit.WriteJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Invalid token."})
			return
		}
		if g.Login == TestReadOnlyUser && r.Method != http.MethodGet && r.Method != http.MethodHead {
			fakekit.WriteJSON(w, http.StatusForbidden, map[string]string{"detail": "You do not have permission to perform this action."})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeValidatorError answers the requests the spec rejects in BidCore's documented way.
func writeValidatorError(w http.ResponseWriter, r *http.Request, status int, problems []string) {
	switch status {
	case http.StatusBadRequest:
		fakekit.WriteJSON(w, status, map[string]any{"detail": "Invalid request.", "non_field_errors": problems})
	case http.StatusNotFound:
		fakekit.WriteJSON(w, status, map[string]string{"detail": "Not found."})
	case http.StatusMethodNotAllowed:
		fakekit.WriteJSON(w, status, map[string]string{"detail": fmt.Sprintf("Method %q not allowed.", r.Method)})
	case http.StatusRequestEntityTooLarge:
		fakekit.WriteJSON(w, http.StatusGatewayTimeout, map[string]string{"detail": "Request was too large."})
	default:
		fakekit.WriteJSON(w, http.StatusInternalServerError, map[string]any{"detail": "A server error occurred.", "non_field_errors": problems})
	}
}

// register installs the five operations of one collection.
func (s *Server) register(d *entityDef) {
	plural := d.schema + "s"
	s.handle("list"+plural, func(w http.ResponseWriter, r *http.Request) { s.list(w, r, d) })
	s.handle("create"+d.schema, func(w http.ResponseWriter, r *http.Request) { s.create(w, r, d) })
	s.handle("get"+d.schema, func(w http.ResponseWriter, r *http.Request) { s.get(w, r, d) })
	s.handle("update"+d.schema, func(w http.ResponseWriter, r *http.Request) { s.update(w, r, d) })
	s.handle("delete"+d.schema, func(w http.ResponseWriter, r *http.Request) { s.delete(w, r, d) })
}

func (s *Server) handle(op string, fn http.HandlerFunc) {
	s.val.HandleFunc(op, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.served[op]++
		s.mu.Unlock()
		fn(w, r)
	})
}

func writeErr(w http.ResponseWriter, e *apiError) { fakekit.WriteJSON(w, e.status, e.body) }

// checkQuery answers 400 for query parameters the operation does not know, as BidCore documents.
func checkQuery(r *http.Request, allowed ...string) *apiError {
	for k := range r.URL.Query() {
		if !slices.Contains(allowed, k) {
			return detail(http.StatusBadRequest, "Unsupported query parameter %q.", k)
		}
	}
	return nil
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, d *entityDef) {
	q := r.URL.Query()
	if e := checkQuery(r, append([]string{"page", "page_size"}, d.filters...)...); e != nil {
		writeErr(w, e)
		return
	}
	filters := map[string]string{}
	for _, f := range d.filters {
		if v := q.Get(f); v != "" {
			filters[f] = v
		}
	}
	pageNo, size := 1, s.cfg.pageSize
	if v := q.Get("page"); v != "" {
		pageNo, _ = strconv.Atoi(v) // the validator checked it is an integer ≥ 1
	}
	if v := q.Get("page_size"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	s.mu.Lock()
	items := s.st.list(d.collection, filters)
	s.mu.Unlock()
	start := (pageNo - 1) * size
	if start > 0 && start >= len(items) {
		writeErr(w, detail(http.StatusNotFound, "Invalid page."))
		return
	}
	end := min(start+size, len(items))
	results := make([]object, 0, end-start)
	results = append(results, items[start:end]...)
	body := map[string]any{"count": len(items), "next": nil, "previous": nil, "results": results}
	if end < len(items) {
		body["next"] = s.pageURL(r, pageNo+1)
	}
	if pageNo > 1 {
		body["previous"] = s.pageURL(r, pageNo-1)
	}
	fakekit.WriteJSON(w, http.StatusOK, body)
}

// pageURL is the absolute URL of another page of the same list, as the client addressed the fake.
func (s *Server) pageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return fakekit.Origin(r) + u.String()
}

func (s *Server) id(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeErr(w, detail(http.StatusNotFound, "Not found."))
		return 0, false
	}
	return id, true
}

func readObject(w http.ResponseWriter, r *http.Request) (object, bool) {
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	var o object
	if err := dec.Decode(&o); err != nil {
		writeErr(w, detail(http.StatusBadRequest, "JSON parse error."))
		return nil, false
	}
	return o, true
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, d *entityDef) {
	if e := checkQuery(r); e != nil {
		writeErr(w, e)
		return
	}
	in, ok := readObject(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	o, e := s.st.create(d.collection, in)
	s.mu.Unlock()
	if e != nil {
		writeErr(w, e)
		return
	}
	w.Header().Set("Location", fakekit.Origin(r)+r.URL.Path+strconv.FormatInt(o["id"].(int64), 10)+"/")
	fakekit.WriteJSON(w, http.StatusCreated, o)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, d *entityDef) {
	if e := checkQuery(r); e != nil {
		writeErr(w, e)
		return
	}
	id, ok := s.id(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	o, e := s.st.get(d.collection, id)
	var body []byte
	if e == nil {
		body, _ = json.Marshal(o) // marshal under the lock: o is shared with the store
	}
	s.mu.Unlock()
	if e != nil {
		writeErr(w, e)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, d *entityDef) {
	if e := checkQuery(r); e != nil {
		writeErr(w, e)
		return
	}
	id, ok := s.id(w, r)
	if !ok {
		return
	}
	in, ok := readObject(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	e := s.st.update(d.collection, id, in)
	s.mu.Unlock()
	if e != nil {
		writeErr(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, d *entityDef) {
	if e := checkQuery(r); e != nil {
		writeErr(w, e)
		return
	}
	id, ok := s.id(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	e := s.st.remove(d.collection, id)
	s.mu.Unlock()
	if e != nil {
		writeErr(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// inputDefaults reads, for each collection, the values the spec gives fields that an input may leave
// out: the schema default (also through a $ref), or an empty list for arrays.
func inputDefaults(spec []byte, defs []entityDef) (map[string]object, error) {
	type schema struct {
		Type       string             `yaml:"type"`
		Default    any                `yaml:"default"`
		Ref        string             `yaml:"$ref"`
		Properties map[string]*schema `yaml:"properties"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]*schema `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("reading the bidcore spec: %w", err)
	}
	out := map[string]object{}
	for _, d := range defs {
		in := doc.Components.Schemas[d.schema+"Input"]
		if in == nil {
			return nil, fmt.Errorf("spec has no schema %sInput", d.schema)
		}
		defs := object{}
		for name, p := range in.Properties {
			if p.Ref != "" {
				if target := doc.Components.Schemas[strings.TrimPrefix(p.Ref, "#/components/schemas/")]; target != nil {
					p = target
				}
			}
			switch {
			case p.Default != nil:
				defs[name] = p.Default
			case p.Type == "array":
				defs[name] = []any{}
			}
		}
		out[d.collection] = defs
	}
	return out, nil
}
