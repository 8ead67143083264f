package bidcore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
	"golang.org/x/oauth2"
)

// Client is a BidCore Workflow API v2 client. The embedded generated client has one typed method per
// operation of the spec; the All* methods iterate over every page of a list.
//
// A Client is safe for concurrent use.
type Client struct {
	*bidcoreapi.ClientWithResponses

	base    *url.URL
	doer    *pipeline.Doer
	service string
	tokens  oauth2.TokenSource
}

// Option configures [New].
type Option func(*options)

type options struct {
	tokens     oauth2.TokenSource
	httpClient *http.Client
	baseURL    string
	service    string
	tokenURL   string
	username   string
	password   string
	loginOpts  []auth.SourceOption
	login      bool
	permanent  string
	noCreds    bool
	retry      pipeline.Retry
	userAgent  string
	logger     *slog.Logger
	clock      func() time.Time
	validation validate.Mode
}

// WithTokenSource sets the token source; it wins over [WithLogin] and [WithPermanentToken].
// A source that implements auth.Refresher (an *auth.Source does) is refreshed once when the API
// answers 401.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(o *options) { o.tokens = ts }
}

// WithoutCredentials makes [New] accept no way to authenticate ([ErrNoCredentials] otherwise):
// requests then carry no credentials (for a proxy that adds them).
func WithoutCredentials() Option { return func(o *options) { o.noCreds = true } }

// WithHTTPClient sets the http.Client whose Transport carries every request
// of the client and of the logins WithLogin makes (a nil Transport: the pipeline's default, TLS 1.2
// or later). Its Timeout, Jar and CheckRedirect are kept; retries, the token,
// the vendor's headers and the error mapping are layered on top. Token
// sources you build yourself take their own HTTP client.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.httpClient = c }
}

// WithBaseURL sets the API base URL, e.g. https://demo.bidcore.iponweb.com/api/v2 or a fake's URL.
// It wins over the URL [WithService] implies but leaves the login scope alone.
func WithBaseURL(u string) Option {
	return func(o *options) { o.baseURL = u }
}

// WithService sets the customer's service host, e.g. "demo.bidcore.iponweb.com": the base URL
// becomes https://<host>/api/v2 and [WithLogin] asks for scope "service_id=<host>". The default is
// [DefaultService].
func WithService(host string) Option {
	return func(o *options) { o.service = host }
}

// WithLogin logs in with the password grant at uauth (see [Login]) for the service of [WithService],
// sending the login through the client of [WithHTTPClient]. The token is replaced by a fresh login
// shortly before it expires and after a 401. opts are passed to [auth.NewSource] (auth.WithClock,
// auth.WithSkew, auth.WithStore).
func WithLogin(username, password string, opts ...auth.SourceOption) Option {
	return func(o *options) {
		o.login, o.username, o.password, o.loginOpts = true, username, password, opts
	}
}

// WithTokenURL sets the token endpoint [WithLogin] posts to; the default is [TokenURL]. Tests point it
// at a fake (bidcoretest.Server.TokenURL).
func WithTokenURL(u string) Option {
	return func(o *options) { o.tokenURL = u }
}

// WithPermanentToken authenticates with a permanent token issued in the IPONWEB SSO portal
// (see [PermanentToken]).
func WithPermanentToken(token string) Option {
	return func(o *options) { o.permanent = token }
}

// WithRetry bounds retries: attempts counts every try (1 disables retries) and maxWait caps each
// wait. 429 and 504 answers and connection failures are retried with jittered exponential backoff
// that honours Retry-After; 5xx only for idempotent methods (GET, PUT, DELETE). The default is 4
// attempts and 30s.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) { o.retry.MaxAttempts, o.retry.MaxWait = attempts, maxWait }
}

// WithUserAgent sets the User-Agent header of every API request.
func WithUserAgent(ua string) Option {
	return func(o *options) { o.userAgent = ua }
}

// WithLogger logs one record per HTTP attempt (method, redacted URL, attempt,
// duration, status or error; never a token): at Debug for an answer below 400
// that ends the call; at Info for an attempt that is retried and for a final
// 4xx other than 429; at Warn for a final failure (429 or 5xx with no retry
// left or allowed, or no answer at all). Response validation (validate.Log)
// writes its mismatches to it at Warn.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// WithResponseValidation checks every answer against its operation in the
// embedded spec (statuses, media types, JSON schemas): validate.Log writes
// one slog record per mismatch (on the WithLogger logger, else
// slog.Default()), validate.Strict returns a *validate.SpecMismatchError
// instead. The default, validate.Off, costs nothing. Records and errors carry
// JSON pointers, field names and types, never body values. Log and Strict
// need the validator linked, with one import in the program:
// import _ "github.com/oasuite/sdk/validate/openapi" (else New returns
// validate.ErrValidatorNotLinked).
func WithResponseValidation(m validate.Mode) Option { return func(o *options) { o.validation = m } }

// WithClock sets the clock that dates and checks token expiry for [WithLogin] (see [Login.Clock]). It
// is for tests that drive re-login at expiry with a controllable clock.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.clock = now }
}

// ErrNoCredentials is returned by [New] when no way to authenticate was given.
var ErrNoCredentials = errors.New("bidcore: no credentials: use WithLogin, WithPermanentToken or WithTokenSource")

// New returns a client for the Workflow API. It needs one of [WithLogin], [WithPermanentToken] or
// [WithTokenSource]; it makes no request itself (the first login happens on the first call).
func New(ctx context.Context, opts ...Option) (*Client, error) {
	_ = ctx // reserved: New does no I/O
	o := options{}
	for _, opt := range opts {
		opt(&o)
	}
	service := o.service
	if service == "" {
		service = DefaultService
	}
	if strings.ContainsAny(service, "/:?#@ ") {
		return nil, fmt.Errorf("bidcore: service must be a host name such as %q, not %q", DefaultService, service)
	}
	baseURL := o.baseURL
	if baseURL == "" {
		baseURL = "https://" + service + APIPath
	}
	base, err := url.Parse(baseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("bidcore: base URL %q is not an absolute URL", baseURL)
	}

	var transport http.RoundTripper
	if o.httpClient != nil {
		transport = o.httpClient.Transport
	}
	if transport == nil {
		transport = pipelineDefaultBase()
	}

	tokens := o.tokens
	switch {
	case tokens != nil:
	case o.login:
		hc := o.httpClient
		if hc == nil {
			hc = &http.Client{Transport: transport}
		}
		tokens = Login{Username: o.username, Password: o.password, Service: service,
			TokenURL: o.tokenURL, HTTPClient: hc, Clock: o.clock}.Source(o.loginOpts...)
	case o.permanent != "":
		tokens = PermanentToken(o.permanent)
	case o.noCreds:
	default:
		return nil, ErrNoCredentials
	}

	hc := pipeline.NewClientFrom(o.httpClient, pipeline.Config{
		Base:      transport,
		Tokens:    tokens,
		UserAgent: userAgentOr(o.userAgent),
		Decorate:  decorate,
		Retry:     o.retry,
		Logger:    o.logger,
	})
	rv, err := pipeline.NewResponseValidator("bidcore", bidcoreapi.SpecJSON(), o.validation, o.logger)
	if err != nil {
		return nil, fmt.Errorf("bidcore: %w", err)
	}
	doer := &pipeline.Doer{Client: hc, MapError: mapError, Validate: rv}
	gen, err := bidcoreapi.NewClientWithResponses(base.String(), bidcoreapi.WithHTTPClient(doer))
	if err != nil {
		return nil, fmt.Errorf("bidcore: %w", err)
	}
	return &Client{ClientWithResponses: gen, base: base, doer: doer, service: service, tokens: tokens}, nil
}

// Service returns the service host the client talks to (the login scope's host).
func (c *Client) Service() string { return c.service }

// BaseURL returns the API base URL, e.g. https://my.bidcore.iponweb.com/api/v2.
func (c *Client) BaseURL() string { return c.base.String() }

// TokenSource returns the client's token source.
func (c *Client) TokenSource() oauth2.TokenSource { return c.tokens }

// decorate asks for JSON on every request.
func decorate(r *http.Request) {
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
}

func pipelineDefaultBase() http.RoundTripper { return pipeline.DefaultBase() }

// Do sends a request the generated methods do not cover (an undocumented endpoint, another method)
// through the client's pipeline: token, retries, headers and error mapping apply, so a non-2xx answer
// is returned as an [*Error]. A relative URL is resolved against the base URL
// ("campaigns/?advertiser=3"), and an absolute one must stay on the base URL's host.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	return c.doer.DoAt(c.base, req)
}

// DefaultUserAgent is sent when [WithUserAgent] is not used.
var DefaultUserAgent = version.UserAgent("bidcore")

func userAgentOr(ua string) string {
	if ua == "" {
		return DefaultUserAgent
	}
	return ua
}
