// Package beproducttest is an in-memory fake of the BeProduct Public API and
// of its identity server (https://id.winks.io/ids), for tests — ours and
// yours.
//
// NewServer starts it on a loopback address. It serves:
//
//   - the identity server under /ids: OpenID Connect discovery, JWKS,
//     authorize (code with PKCE, state and nonce; "id_token token"),
//     token (authorization_code, refresh_token with rotation, actas),
//     userinfo and end session, with RS256-signed ID tokens;
//   - every operation of specs/beproduct.yaml under /api/{company}, each
//     request validated against the spec (multipart uploads included), on
//     in-memory data seeded with a few folders, headers with their pages
//     (PageIDs), directory companies, users, tracking plans, a data table,
//     master data, line sheets and a report; uploads are kept and served
//     back under /files/ (FileURL, Upload), and GetImageProcessingStatus
//     answers "processing" a set number of times first (WithImageProcessing);
//   - the Automation API under /automation/api (AutomationRoot), with the
//     token in X-Authorization and the company as a query parameter;
//   - the API limits: a read of more than 200 records or a write of more than
//     100 is refused with 400; every answer carries X-RateLimit-Limit,
//     X-RateLimit-Remaining and X-RateLimit-Reset (of the window with the
//     fewest requests left), and when the per-day quota (or a per-minute or
//     per-hour window set with WithRateLimits) is spent the fake answers 429
//     with Retry-After until the window resets;
//   - fault injection (AddFault, FailNext), token expiry (ExpireTokens) and a clock
//     (WithClock, Advance).
//
// Point a client at it with beproduct.WithBaseURL(s.BaseURL()) and
// beproduct.WithCompany(beproducttest.TestCompany), and the OAuth helpers at
// Issuer().
package beproducttest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/specs"
)

// Seeded credentials and tenant.
const (
	// TestCompany is the company slug the fake serves (/api/acme).
	TestCompany = "acme"
	// TestClientID and TestClientSecret identify the registered client.
	TestClientID     = "beproduct-test-client"
	TestClientSecret = "beproduct-test-client-secret"
	// TestRedirectURL is the client's registered redirect URI.
	TestRedirectURL = "https://app.example.com/callback"
	// TestPostLogoutURL is the client's registered post-logout redirect URI.
	TestPostLogoutURL = "https://app.example.com/signed-out"
	// TestUser is the login the authorize endpoint consents as; TestUserID
	// is its subject and user id, TestUserEmail its e-mail.
	TestUser      = "john.smith"
	TestUserID    = "248289761001"
	TestUserEmail = "john.smith@beproduct.com"
	// TestOtherUserID is a second user, the target of actas tests.
	TestOtherUserID    = "248289761002"
	TestOtherUserEmail = "jane.doe@beproduct.com"
	// TestPassword is the seeded users' password (unused by the documented
	// grants; kept for symmetry with the other fakes).
	TestPassword = "correct horse battery staple"
)

// Default rate limits: the Business edition's 2000 requests per day. The
// per-minute and per-hour windows that ratelimit/status reports are not
// documented; by default they are as large as the day's, so only the daily
// quota binds (set them with WithRateLimits).
const (
	DefaultPerMinute = 2000
	DefaultPerHour   = 2000
	DefaultPerDay    = 2000
)

// Option configures NewServer.
type Option func(*config)

type config struct {
	clock                      func() time.Time
	perMinute, perHour, perDay int
	onOperation                func(op string)
	coverage                   *fakes.Coverage
	redirects                  []string
	processingPolls            int
}

// WithImageProcessing makes GetImageProcessingStatus answer "not finished"
// polls times for each upload before "finished" (default 1).
func WithImageProcessing(polls int) Option { return func(c *config) { c.processingPolls = polls } }

// BodyLimit is the largest request body the fake reads (uploads included).
const BodyLimit = 32 << 20

// WithClock sets the fake's clock (token lifetimes, timestamps, rate-limit
// windows). Default: time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.clock = now } }

// WithRateLimits sets the per-minute, per-hour and per-day request limits
// (0 keeps the default).
func WithRateLimits(perMinute, perHour, perDay int) Option {
	return func(c *config) {
		if perMinute > 0 {
			c.perMinute = perMinute
		}
		if perHour > 0 {
			c.perHour = perHour
		}
		if perDay > 0 {
			c.perDay = perDay
		}
	}
}

// WithOperationHook calls fn with the operationId of every API request the
// fake served (after validation).
func WithOperationHook(fn func(operationID string)) Option {
	return func(c *config) { c.onOperation = fn }
}

// WithCoverage records served operations in cov (shared across fakes of a
// test binary).
func WithCoverage(cov *fakes.Coverage) Option { return func(c *config) { c.coverage = cov } }

// WithRedirectURLs registers more redirect URLs for TestClientID, e.g. a
// loopback one with its port, http://127.0.0.1:8765/callback, for
// auth.LoopbackLogin (exact match, as the identity server compares them).
func WithRedirectURLs(urls ...string) Option {
	return func(c *config) { c.redirects = append(c.redirects, urls...) }
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server
	cfg config

	oauth   *fakekit.OAuth
	faults  *fakes.Faults
	tampers fakekit.Tampers

	validator *fakekit.Validator

	mu       sync.Mutex
	offset   time.Duration
	seq      int
	opCounts map[string]int
	windows  map[string]*window

	masters   map[string]*masterStore
	companies []*company
	users     []*user
	roles     []role
	tracking  trackingStore

	uploads          map[string]*upload
	tags             []*tag
	comments         []*note
	revisions        []*note
	shares           map[string][]beproductapi.SharedPartner
	dataTables       []*dataTable
	masterData       map[string]*beproductapi.MasterDataField
	folderFields     map[string]*beproductapi.FolderField
	lineSheetFolders []beproductapi.FolderRef
	lineSheets       []beproductapi.Record
	reports          []beproductapi.Record
	tasks            []*inboxTask
	autonumbers      []*autonumber
	locks            map[string]time.Time
}

// NewServer starts a fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{clock: time.Now, perMinute: DefaultPerMinute, perHour: DefaultPerHour, perDay: DefaultPerDay, processingPolls: 1}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, faults: &fakes.Faults{}, opCounts: map[string]int{}, windows: map[string]*window{},
		uploads: map[string]*upload{}, shares: map[string][]beproductapi.SharedPartner{}}
	s.oauth = fakekit.NewOAuth(s.oauthConfig())
	spec, err := specs.Load("beproduct")
	if err != nil {
		panic(fmt.Sprintf("beproducttest: %v", err))
	}
	vopts := []fakekit.ValidatorOption{
		fakekit.WithBasePath("/api/" + TestCompany),
		fakekit.WithBodyLimit(BodyLimit),
		fakekit.WithErrorWriter(func(w http.ResponseWriter, _ *http.Request, status int, problems []string) {
			writeError(w, status, strings.Join(problems, "; "), nil)
		}),
	}
	if cfg.coverage != nil {
		vopts = append(vopts, fakekit.WithCoverage(cfg.coverage))
	}
	s.validator, err = fakekit.NewValidator(spec, vopts...)
	if err != nil {
		panic(fmt.Sprintf("beproducttest: spec: %v", err))
	}
	s.seed()
	s.register()

	mux := http.NewServeMux()
	s.oauth.Mount(mux)
	mux.Handle("/api/", s.apiHandler())
	mux.Handle("/automation/api/", s.automationHandler())
	mux.HandleFunc("GET /files/", s.serveFile)
	s.srv = httptest.NewServer(s.faults.Wrap(s.tampers.Wrap(mux, s.validator.OperationOf), s.validator.OperationOf))
	return s
}

// Origin returns the fake's scheme://host:port (http://127.0.0.1:port).
func (s *Server) Origin() string { return s.srv.URL }

// BaseURL returns the API root to pass to beproduct.WithBaseURL
// (Origin()+"/api"; the company slug follows it).
func (s *Server) BaseURL() string { return s.srv.URL + "/api" }

// Issuer returns the identity server's issuer (Origin()+"/ids").
func (s *Server) Issuer() string { return s.srv.URL + "/ids" }

// ServeHTTP serves the fake's endpoints; use it to mount the fake elsewhere
// than NewServer's listener.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.srv.Config.Handler.ServeHTTP(w, r)
}

// Client returns an *http.Client for the fake.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close shuts the fake down.
func (s *Server) Close() { s.faults.Clear(); s.srv.Close() }

// Now returns the fake's current time (its clock plus Advance).
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *Server) now() time.Time { return s.cfg.clock().Add(s.offset).UTC() }

// Advance moves the fake's clock forward by d (token expiry, rate-limit
// windows).
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// Requests returns how many requests of the operation were served.
func (s *Server) Requests(operationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opCounts[operationID]
}

// ExpireTokens makes every access token issued so far invalid (the next API
// call answers 401); refresh tokens keep working.
func (s *Server) ExpireTokens() { s.oauth.ExpireAccessTokens() }

// Authorize plays the user's browser: it opens authURL (any scheme and host
// are replaced by the fake's), signs in as TestUser (or the user a
// login_hint parameter names) and returns the parameters of the redirect
// back to the app: the query of a code flow (code, state, or error), the
// fragment of an implicit one. It fails when the fake answers without a
// redirect.
func (s *Server) Authorize(ctx context.Context, authURL string) (url.Values, error) {
	return fakekit.Browse(ctx, s.srv.Client(), s.srv.URL, authURL, "beproducttest")
}

// ExpireRefreshTokens makes every refresh token issued so far fail.
func (s *Server) ExpireRefreshTokens() { s.oauth.ExpireRefreshTokens() }

// TokensIssued returns how many access tokens a grant type
// ("authorization_code", "refresh_token", "actas", …) issued.
func (s *Server) TokensIssued(grantType string) int { return s.oauth.Issued(grantType) }

// Refreshes returns how many refresh_token grants succeeded.
func (s *Server) Refreshes() int { return s.oauth.Refreshes() }

// AddFault queues a fault (a status, a delay, a dropped or hanging
// connection) for the requests it selects. A fault with a Status and no
// JSON or Body answers BeProduct's {"Message": …} body.
func (s *Server) AddFault(f fakes.Fault) {
	if f.Status != 0 && f.JSON == nil && f.Body == nil {
		f.JSON = errorBody{Message: http.StatusText(f.Status)}
	}
	s.faults.Add(f)
}

// FailNext makes the next times requests of the operation (any API
// operation when operationID is ""; the identity server is spared) answer
// status, with Retry-After when retryAfter is positive. times 0 means once,
// fakes.Forever until ClearFaults.
func (s *Server) FailNext(operationID string, status int, retryAfter time.Duration, times int) {
	s.AddFault(fakes.Fault{OperationID: operationID, Path: "/api/", Times: times, Status: status, RetryAfter: retryAfter})
}

// ClearFaults removes every queued fault and releases hanging requests.
func (s *Server) ClearFaults() { s.faults.Clear() }

// FaultsFired returns how many requests faults have applied to.
func (s *Server) FaultsFired() int { return s.faults.Fired() }

// nextID returns a fresh deterministic GUID-shaped id.
func (s *Server) nextID() string {
	s.seq++
	return fmt.Sprintf("b0000000-0000-4000-8000-%012d", s.seq)
}

// errorBody is the spec's Error schema.
type errorBody struct {
	Message           string              `json:"message,omitempty"`
	Errors            map[string][]string `json:"errors,omitempty"`
	Window            string              `json:"window,omitempty"`
	Limit             int64               `json:"limit,omitempty"`
	RetryAfterSeconds int64               `json:"retryAfterSeconds,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string][]string) {
	fakekit.WriteJSON(w, status, errorBody{Message: msg, Errors: fields})
}

// apiHandler checks the company, the token and the rate limits, sets the
// rate-limit headers and hands the request to the spec validator.
func (s *Server) apiHandler() http.Handler {
	prefix := "/api/" + TestCompany + "/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			writeError(w, http.StatusNotFound, "unknown company", nil)
			return
		}
		if _, ok := s.oauth.Authenticate(r); !ok {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, "Authorization has been denied for this request.", nil)
			return
		}
		counted := r.URL.Path != prefix+"ratelimit/status"
		hdr, exceeded := s.take(counted)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		if exceeded != nil {
			w.Header().Set("Retry-After", strconv.FormatInt(exceeded.RetryAfterSeconds, 10))
			fakekit.WriteJSON(w, http.StatusTooManyRequests, exceeded)
			return
		}
		s.validator.ServeHTTP(w, r)
	})
}

// register wires every spec operation to its handler.
func (s *Server) register() {
	for _, m := range masterNames {
		s.registerMaster(m)
		s.registerApps(m)
	}
	s.registerShared()
	s.registerOthers()
	s.registerMore()
	s.registerAutomation()
	if u := s.validator.Unhandled(); len(u) > 0 {
		panic(fmt.Sprintf("beproducttest: operations without a handler: %v", u))
	}
}

// handle registers fn for op, counting requests.
func (s *Server) handle(op string, fn http.HandlerFunc) {
	s.validator.HandleFunc(op, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.opCounts[op]++
		s.mu.Unlock()
		if s.cfg.onOperation != nil {
			s.cfg.onOperation(op)
		}
		fn(w, r)
	})
}
