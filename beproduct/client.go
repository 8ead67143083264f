package beproduct

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

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/ratelimit"
	"github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
)

// DefaultAPIRoot is the root of the BeProduct REST API; the company slug is
// appended to it (https://developers.beproduct.com/api/{company}).
const DefaultAPIRoot = "https://developers.beproduct.com/api"

// ErrNoCompany is returned by New when no company slug was given with
// WithCompany.
var ErrNoCompany = errors.New("beproduct: no company: pass beproduct.WithCompany(slug), the domain slug of your BeProduct web app URL")

// Client is a BeProduct API client. It embeds the generated client, so every
// operation of the spec is available as a typed method; the methods of
// Client itself add paging, filters, record limits and rate-limit state.
// A Client is safe for concurrent use.
type Client struct {
	*beproductapi.ClientWithResponses

	company string
	server  string
	hc      *http.Client
	doer    *pipeline.Doer
	// plain sends requests that must carry no credentials (downloads from
	// other hosts, files fetched for upload) on the same base transport.
	plain *http.Client

	automation *Automation

	mu sync.Mutex
	rl RateLimit
}

// Option configures New.
type Option func(*options)

type options struct {
	company   string
	tokens    oauth2.TokenSource
	noCreds   bool
	hc        *http.Client
	root      string
	attempts  int
	maxWait   time.Duration
	userAgent string
	logger    *slog.Logger
	limiter   ratelimit.Limiter
	autoRoot  string
	quotaWait time.Duration

	validation validate.Mode
}

// WithCompany sets the company (tenant) slug: the part of your BeProduct web
// app URL that names your company. It is required.
func WithCompany(slug string) Option { return func(o *options) { o.company = slug } }

// WithTokenSource sets the source of access tokens, for example one made by
// OAuthConfig.RefreshSource or Identity.Exchange. New refuses a client
// without one ([ErrNoCredentials]) unless [WithoutCredentials].
func WithTokenSource(ts oauth2.TokenSource) Option { return func(o *options) { o.tokens = ts } }

// WithoutCredentials makes New accept no token source: requests then carry
// no credentials (for a proxy that adds them).
func WithoutCredentials() Option { return func(o *options) { o.noCreds = true } }

// WithHTTPClient sets the http.Client whose Transport carries every request
// of the client (a nil Transport: the pipeline's default, TLS 1.2
// or later). Its Timeout, Jar and CheckRedirect are kept; retries, the token,
// the vendor's headers and the error mapping are layered on top. Token
// sources you build yourself take their own HTTP client.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.hc = c } }

// WithBaseURL replaces the API root https://developers.beproduct.com/api
// (for a fake or a proxy). The company slug is still appended.
func WithBaseURL(u string) Option { return func(o *options) { o.root = u } }

// WithRetry bounds the retries of 429, 502, 503, 504 and connection resets:
// attempts counts every try (1 disables retries), maxWait caps one wait.
// 5xx answers and resets are retried for reads only: GETs and the POSTs the
// spec marks x-oasuite-idempotent (header lists, plans, timelines, …); a
// read's 200 whose body is cut off is sent again once. Writes are retried
// on 429 only (not processed), and only when their body can be sent again.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) { o.attempts, o.maxWait = attempts, maxWait }
}

// WithAutomationURL replaces the Automation API root
// https://automation.beproduct.com/api (for a fake or a proxy; see
// Client.Automation).
func WithAutomationURL(u string) Option { return func(o *options) { o.autoRoot = u } }

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
func WithResponseValidation(m validate.Mode) Option { return func(o *options) { o.validation = m } }

// New returns a client for the company given with WithCompany.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	_ = ctx
	o := options{root: DefaultAPIRoot, userAgent: DefaultUserAgent, autoRoot: DefaultAutomationRoot}
	for _, opt := range opts {
		opt(&o)
	}
	company := strings.TrimSpace(o.company)
	if company == "" {
		return nil, ErrNoCompany
	}
	if o.tokens == nil && !o.noCreds {
		return nil, ErrNoCredentials
	}
	if strings.ContainsAny(company, "/?#% ") {
		return nil, fmt.Errorf("beproduct: company %q is not a domain slug (no '/', '?', '#', '%%' or spaces)", company)
	}
	root, err := url.Parse(strings.TrimRight(o.root, "/"))
	if err != nil || root.Scheme == "" || root.Host == "" {
		return nil, fmt.Errorf("beproduct: base URL %q is not an absolute URL", o.root)
	}
	c := &Client{company: company, server: root.String() + "/" + company}
	// Reads sent as POST (Headers, Plans, Timeline, …) are marked
	// x-oasuite-idempotent in the spec: retried on 502–504 and connection
	// resets like GETs, and re-read once when a 200's body is cut off.
	idempotent, err := pipeline.SpecIdempotent("beproduct", beproductapi.SpecJSON())
	if err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	cfg := pipeline.Config{
		Idempotent:   idempotent,
		RereadCutOff: true,
		Tokens:       o.tokens,
		UserAgent:    o.userAgent,
		Observe:      c.observe,
		Logger:       o.logger,
		Retry:        pipeline.Retry{MaxAttempts: o.attempts, MaxWait: o.maxWait},
	}
	cfg.Limit = limitChain(c, o)
	c.hc = pipeline.NewClientFrom(o.hc, cfg)
	rv, err := pipeline.NewResponseValidator("beproduct", beproductapi.SpecJSON(), o.validation, o.logger)
	if err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	c.doer = &pipeline.Doer{Client: c.hc, MapError: mapError, Validate: rv}
	c.plain = &http.Client{Transport: cfg.Base}
	if cfg.Base == nil {
		c.plain.Transport = pipeline.DefaultBase()
	}
	gen, err := beproductapi.NewClientWithResponses(c.server, beproductapi.WithHTTPClient(c.doer))
	if err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	c.ClientWithResponses = gen
	if c.automation, err = newAutomation(c, cfg, o, rv); err != nil {
		return nil, err
	}
	return c, nil
}

// Do sends a request the generated methods do not cover through the client's
// pipeline: token, retries, rate-limit reading and error mapping apply, so a
// non-2xx answer is returned as an [*Error]. A relative URL is resolved
// against [Client.ServerURL] ("Style/Folders"); an absolute one must stay on
// its host.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	base, err := url.Parse(c.server)
	if err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	return c.doer.DoAt(base, req)
}

// BaseURL returns the base URL of every call (the same as [Client.ServerURL]).
func (c *Client) BaseURL() string { return c.server }

// Company returns the company slug the client talks to.
func (c *Client) Company() string { return c.company }

// ServerURL returns the base URL of every call,
// e.g. https://developers.beproduct.com/api/acme.
func (c *Client) ServerURL() string { return c.server }

// DefaultUserAgent is sent when [WithUserAgent] is not used.
var DefaultUserAgent = version.UserAgent("beproduct")
