// Package procurios is the client for the Procurios API: CRM relation
// collections, registration sets, meetings with their registrations and
// locations, on a customer's own Procurios host.
//
// The typed operations come from the generated package procuriosapi, which
// Client embeds; this package adds what the generated code cannot know:
//
//   - the customer host (WithHost; the API sits under https://<host>/l);
//   - OAuth 2.0 with both documented grants (OAuthConfig): authorization code
//     with standard parameter names, or the getting-started page's
//     grant_type=code / redirect_url spelling (WithLegacyOAuthParams), and
//     client credentials with space-separated scopes; a token without
//     expires_in is replaced when a call answers 401;
//   - the Accept header: every module negotiates its own vendor media type
//     and version (application/vnd.procurios.relation+json; version=1,
//     application/vnd.procurios.meeting2+json; version=2, ...). The client
//     reads them from the embedded spec (procuriosapi.SpecJSON) and sends
//     the one of each request's operation, plus Accept-Language (WithLanguage);
//   - iterators that follow the HAL _links.next of paged answers;
//   - registrations checked against the registration set's JSON Schema before
//     they are sent (a *ValidationError names the failing fields);
//   - non-2xx answers as *Error, matching the shared sentinels (ErrNotFound...).
//
// Successful answers are decoded by the generated client into fields named
// after the vendor media type, e.g. ListMeetingsResponse's
// ApplicationvndProcuriosMeeting2JSONVersion2200 (oapi-codegen names the field
// of a non-"application/json" media type after it; it still decodes any
// *json Content-Type). The helpers here return the typed values directly.
//
// API documentation: https://api.procurios.com/api_documentation (modules
// relation_list_api/relation, registration/profile, meeting2_api/*).
package procurios

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"

	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/pipeline"
	specvalidate "github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
)

// DefaultUserAgent is sent when WithUserAgent is not used.
var DefaultUserAgent = version.UserAgent("procurios")

// Status sentinels, shared by every oasuite vendor package: test an error with
// errors.Is(err, procurios.ErrNotFound).
var (
	ErrBadRequest       = pipeline.ErrBadRequest
	ErrUnauthorized     = pipeline.ErrUnauthorized
	ErrForbidden        = pipeline.ErrForbidden
	ErrNotFound         = pipeline.ErrNotFound
	ErrNotAcceptable    = pipeline.ErrNotAcceptable
	ErrTooManyRequests  = pipeline.ErrTooManyRequests
	ErrServer           = pipeline.ErrServer
	ErrGatewayTimeout   = pipeline.ErrGatewayTimeout
	ErrMethodNotAllowed = pipeline.ErrMethodNotAllowed
)

// ErrForeignHost matches a request or server-given link that was not sent
// because it left the API's origin (scheme, host, port): credentials never
// go anywhere else. ErrInsecureRedirect matches an https → http redirect,
// which is never followed.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// ErrHostRequired is returned by New (and the OAuthConfig helpers) when no
// customer host is given: every Procurios customer runs its own host.
var ErrHostRequired = errors.New("procurios: the customer host is required: use WithHost(\"<your Procurios host>\") (or WithBaseURL)")

// ErrNoCredentials is returned by New without WithTokenSource: every
// Procurios call needs an OAuth token ([WithoutCredentials] overrides).
var ErrNoCredentials = errors.New("procurios: no credentials: use WithTokenSource (see OAuthConfig), or WithoutCredentials to send none")

// ErrTokenSourceRequired is the former name of [ErrNoCredentials].
//
// Deprecated: use ErrNoCredentials.
var ErrTokenSourceRequired = ErrNoCredentials

// Client is a Procurios API client for one customer host. The embedded
// generated client holds every spec operation; Client adds iterators and
// validated registrations. A Client is safe for concurrent use.
type Client struct {
	*procuriosapi.ClientWithResponses

	base     *url.URL
	routes   *routeTable
	doer     procuriosapi.HttpRequestDoer
	validate bool

	mu      sync.Mutex
	schemas map[int]*jsonschema.Schema
	fetches singleflight.Group
}

// Option configures New.
type Option func(*options)

type options struct {
	host       string
	baseURL    string
	tokens     oauth2.TokenSource
	noCreds    bool
	httpClient *http.Client
	retry      pipeline.Retry
	userAgent  string
	logger     *slog.Logger
	language   string
	noValidate bool
	validation specvalidate.Mode
}

// WithHost sets the customer's Procurios host (e.g. "leden.example.nl"); the
// API is then https://<host>/l. Required unless WithBaseURL is used.
func WithHost(host string) Option { return func(o *options) { o.host = host } }

// WithBaseURL replaces the API base URL, path included (e.g. a fake's
// URL()+"/l"). It wins over WithHost.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithTokenSource sets where access tokens come from, normally an
// *auth.Source built with OAuthConfig. When the source can be forced to
// refresh (auth.Source can), a 401 answer gets one new token and one replay,
// which is how tokens issued without expires_in are renewed.
func WithTokenSource(ts oauth2.TokenSource) Option { return func(o *options) { o.tokens = ts } }

// WithoutCredentials makes New accept no token source: requests then carry
// no credentials (for a proxy that adds them).
func WithoutCredentials() Option { return func(o *options) { o.noCreds = true } }

// WithHTTPClient sets the http.Client whose Transport carries every request
// of the client (a nil Transport: the pipeline's default, TLS 1.2
// or later). Its Timeout, Jar and CheckRedirect are kept; retries, the token,
// the vendor's headers and the error mapping are layered on top. Token
// sources you build yourself take their own HTTP client.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithRetry bounds retries of 429 and 5xx answers: attempts counts every try
// (1 disables retries), maxWait caps each wait including Retry-After.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) { o.retry.MaxAttempts = attempts; o.retry.MaxWait = maxWait }
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(o *options) { o.userAgent = ua } }

// WithLogger logs one record per HTTP attempt (method, redacted URL, attempt,
// duration, status or error; never a token): at Debug for an answer below 400
// that ends the call; at Info for an attempt that is retried and for a final
// 4xx other than 429; at Warn for a final failure (429 or 5xx with no retry
// left or allowed, or no answer at all). Response validation (validate.Log)
// writes its mismatches to it at Warn.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithResponseValidation checks every answer against its operation in the
// embedded spec (statuses, media types, JSON schemas): validate.Log writes
// one slog record per mismatch (on the WithLogger logger, else
// slog.Default()), validate.Strict returns a *validate.SpecMismatchError
// instead. The default, validate.Off, costs nothing. Records and errors carry
// JSON pointers, field names and types, never body values. Log and Strict
// need the validator linked, with one import in the program:
// import _ "github.com/oasuite/sdk/validate/openapi" (else New returns
// validate.ErrValidatorNotLinked).
func WithResponseValidation(m specvalidate.Mode) Option { return func(o *options) { o.validation = m } }

// WithLanguage sends Accept-Language on every request (e.g. "nl-NL" or
// "en-US,en;q=0.5"), choosing the language of multilingual answers.
func WithLanguage(lang string) Option { return func(o *options) { o.language = lang } }

// WithoutRegistrationValidation turns off the check of registrations against
// the registration set's JSON Schema before they are sent; the server still
// validates them.
func WithoutRegistrationValidation() Option { return func(o *options) { o.noValidate = true } }

// specRoutes is the route table of the embedded spec, read once.
var specRoutes = sync.OnceValues(func() (*routeTable, error) {
	return parseRoutes([]byte(procuriosapi.SpecJSON()))
})

// New returns a client for one customer host. WithHost (or WithBaseURL) and
// WithTokenSource are required.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	_ = ctx // reserved: New makes no request
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	routes, err := specRoutes()
	if err != nil {
		return nil, err
	}
	baseURL := o.baseURL
	if baseURL == "" {
		if o.host == "" {
			return nil, ErrHostRequired
		}
		if strings.ContainsAny(o.host, "/?#@ ") {
			return nil, fmt.Errorf("procurios: WithHost wants a host name such as \"leden.example.nl\", not %q", o.host)
		}
		baseURL = strings.Replace(routes.serverURL, "{host}", o.host, 1)
	}
	base, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("procurios: invalid base URL %q", baseURL)
	}
	if o.tokens == nil && !o.noCreds {
		return nil, ErrNoCredentials
	}
	ua := o.userAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	c := &Client{base: base, routes: routes, validate: !o.noValidate, schemas: map[int]*jsonschema.Schema{}}
	basePath := base.Path
	lang := o.language
	hc := pipeline.NewClientFrom(o.httpClient, pipeline.Config{
		Tokens:    o.tokens,
		UserAgent: ua,
		Decorate: func(r *http.Request) {
			if r.Header.Get("Accept") == "" {
				if mt := routes.mediaTypeFor(basePath, r); mt != "" {
					r.Header.Set("Accept", mt)
				}
			}
			if lang != "" && r.Header.Get("Accept-Language") == "" {
				r.Header.Set("Accept-Language", lang)
			}
		},
		Retry:  o.retry,
		Logger: o.logger,
	})
	rv, err := pipeline.NewResponseValidator("procurios", procuriosapi.SpecJSON(), o.validation, o.logger)
	if err != nil {
		return nil, fmt.Errorf("procurios: %w", err)
	}
	c.doer = &validatingDoer{c: c, next: &pipeline.Doer{Client: hc, MapError: mapError, Validate: rv}}
	gen, err := procuriosapi.NewClientWithResponses(base.String(), procuriosapi.WithHTTPClient(c.doer))
	if err != nil {
		return nil, fmt.Errorf("procurios: %w", err)
	}
	c.ClientWithResponses = gen
	return c, nil
}

// BaseURL returns the API base URL the client calls, e.g. https://<host>/l.
func (c *Client) BaseURL() string { return c.base.String() }

// Do sends a request the generated methods do not cover through the client's
// pipeline: token, the operation's Accept media type, registration checks,
// retries and error mapping apply, so a failure is returned as an [*Error].
// A relative URL is resolved against [Client.BaseURL]
// ("relation_list_api/collection"); an absolute one must stay on its host.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	r, err := pipeline.Resolve(c.base, req)
	if err != nil {
		return nil, err
	}
	return c.doer.Do(r)
}
