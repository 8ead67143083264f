package bouquet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
)

// DefaultHost and DefaultVersion are the parts of [DefaultBaseURL], the
// spec's server variables host and version.
const (
	DefaultHost    = "demo.openbouquet.io"
	DefaultVersion = "release/v4.2"
)

// DefaultBaseURL is the demo server of the getting-started page with the
// 4.2 API path. Resources are under DefaultBaseURL + "/rs/…".
const DefaultBaseURL = "https://" + DefaultHost + "/" + DefaultVersion

// TokenQueryParam is the query parameter that carries the token when
// [WithTokenInQuery] is set (Bouquet's ServiceUtils.getToken reads it).
const TokenQueryParam = "access_token"

// NoErrorParam is the query parameter that makes Bouquet answer errors with
// HTTP 200 (ServiceUtils.NO_ERROR_PARAM); see [WithNoError].
const NoErrorParam = "no_error"

// ServerURL builds a base URL from the spec's server variables: the Bouquet
// host and the API version path (e.g. "release/v4.2").
func ServerURL(host, version string) string {
	return "https://" + host + "/" + strings.Trim(version, "/")
}

// Client is a Bouquet API client: the generated typed methods plus the
// helpers of this package. It is safe for concurrent use.
type Client struct {
	*bouquetapi.ClientWithResponses

	baseURL      string
	hc           *http.Client
	doer         bouquetapi.HttpRequestDoer
	pollInterval time.Duration
	sleep        func(ctx context.Context, d time.Duration) error
}

// Option configures [New].
type Option func(*options)

type options struct {
	ts           oauth2.TokenSource
	noCreds      bool
	hc           *http.Client
	baseURL      string
	retry        pipeline.Retry
	userAgent    string
	logger       *slog.Logger
	tokenInQuery bool
	pollInterval time.Duration
	noError      bool
	validation   validate.Mode
}

// WithTokenSource sets where access tokens come from, typically
// [OAuthConfig.PasswordLogin] or [OAuthConfig.CodeLogin]. New refuses a
// client without one ([ErrNoCredentials]) unless [WithoutCredentials].
func WithTokenSource(ts oauth2.TokenSource) Option { return func(o *options) { o.ts = ts } }

// WithoutCredentials makes New accept no token source: requests then carry
// no credentials (for a proxy that adds them, or the public status route).
func WithoutCredentials() Option { return func(o *options) { o.noCreds = true } }

// WithHTTPClient sets the http.Client whose Transport carries every request
// of the client (a nil Transport: the pipeline's default, TLS 1.2
// or later). Its Timeout, Jar and CheckRedirect are kept; retries, the token,
// the vendor's headers and the error mapping are layered on top. Token
// sources you build yourself take their own HTTP client.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.hc = c } }

// WithBaseURL replaces [DefaultBaseURL], e.g. "https://bouquet.example.com/release/v4.2"
// or a fake's URL. Paths such as /rs/projects are appended to it.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithServer sets the base URL from the spec's server variables: the
// Bouquet host and the API version path (see [ServerURL]).
func WithServer(host, version string) Option {
	return func(o *options) { o.baseURL = ServerURL(host, version) }
}

// WithRetry bounds retries of 429, 502–504 and connection resets: attempts
// counts every try (1 disables retries), maxWait caps each wait.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) { o.retry.MaxAttempts, o.retry.MaxWait = attempts, maxWait }
}

// WithUserAgent sets the User-Agent of every request.
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

// WithTokenInQuery sends the token as the access_token query parameter, as
// Bouquet's getting-started page shows, instead of "Authorization: Bearer".
// The header is the safer default: a token in a URL lands in proxy and
// server logs. This client never prints it: URLs in errors and log lines
// carry access_token=REDACTED.
func WithTokenInQuery() Option { return func(o *options) { o.tokenInQuery = true } }

// WithNoError adds Bouquet's no_error=true to every request: the server then
// sends errors as HTTP 200 (for clients that cannot read error statuses). The
// client reads them as the same [*Error] (NoError set, StatusCode the status
// the exception stands for); answers from a server configured that way are
// read the same without this option.
func WithNoError() Option { return func(o *options) { o.noError = true } }

// WithPollInterval sets how long the job helpers wait between polls when
// Bouquet gives no Retry-After (default 1s).
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// New returns a Client. ctx is not kept; it is there for symmetry with the
// other oasuite packages and future discovery calls.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	_ = ctx
	o := options{baseURL: DefaultBaseURL, pollInterval: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if _, err := url.Parse(o.baseURL); err != nil || o.baseURL == "" {
		return nil, fmt.Errorf("bouquet: bad base URL: %w", errors.Join(err, errors.New("empty or unparsable")))
	}
	if o.ts == nil && !o.noCreds {
		return nil, ErrNoCredentials
	}
	cfg := pipeline.Config{
		Tokens:    o.ts,
		UserAgent: userAgentOr(o.userAgent),
		Retry:     o.retry,
		Logger:    o.logger,

		RedactParams: redactParams,
		AuthFailed:   authFailed,
	}
	if o.noError {
		cfg.Decorate = addNoError
	}
	if o.tokenInQuery {
		cfg.TokenQueryParam = TokenQueryParam
	}
	hc := pipeline.NewClientFrom(o.hc, cfg)
	rv, err := pipeline.NewResponseValidator("bouquet", bouquetapi.SpecJSON(), o.validation, o.logger)
	if err != nil {
		return nil, fmt.Errorf("bouquet: %w", err)
	}
	d := newDoer(hc, rv)
	api, err := bouquetapi.NewClientWithResponses(strings.TrimRight(o.baseURL, "/"), bouquetapi.WithHTTPClient(d))
	if err != nil {
		return nil, fmt.Errorf("bouquet: %w", err)
	}
	return &Client{
		ClientWithResponses: api,
		baseURL:             strings.TrimRight(o.baseURL, "/"),
		hc:                  hc,
		doer:                d,
		pollInterval:        o.pollInterval,
		sleep:               sleepCtx,
	}, nil
}

// BaseURL returns the server URL the client talks to.
func (c *Client) BaseURL() string { return c.baseURL }

// Do sends a request the generated methods do not cover through the client's
// pipeline: token (header or query), retries, ComputingInProgress and error
// mapping apply, so a failure is returned as an [*Error]. A relative URL is
// resolved against [Client.BaseURL] ("rs/projects"); an absolute one must stay
// on its host.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	base, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, fmt.Errorf("bouquet: base URL: %w", err)
	}
	r, err := pipeline.Resolve(base, req, TokenQueryParam)
	if err != nil {
		return nil, err
	}
	return c.doer.Do(r)
}

// Logout invalidates every token of the current user (GET /rs/logout).
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.LogoutWithResponse(ctx)
	return err
}

// newDoer chains Bouquet's ComputingInProgress check behind the pipeline's
// error-mapping doer.
// rv, when set, checks answers against the spec; exceptions sent as 2xx are
// left to the doer.
func newDoer(hc *http.Client, rv *pipeline.ResponseValidator) bouquetapi.HttpRequestDoer {
	return &doer{inner: &pipeline.Doer{Client: hc, MapError: mapError, RedactParams: redactParams, Validate: rv, Exempt: exceptionAnswer}}
}

// addNoError sets the no_error query parameter of a request.
func addNoError(r *http.Request) {
	q := r.URL.Query()
	q.Set(NoErrorParam, "true")
	r.URL.RawQuery = q.Encode()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// DefaultUserAgent is sent when [WithUserAgent] is not used.
var DefaultUserAgent = version.UserAgent("bouquet")

func userAgentOr(ua string) string {
	if ua == "" {
		return DefaultUserAgent
	}
	return ua
}
