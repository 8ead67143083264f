// Package bqecore is the Go client for the BQE CORE API
// (https://api-explorer.bqecore.com/docs): practice management for
// architecture, engineering and accounting firms.
//
// Client embeds the generated *bqecoreapi.ClientWithResponses, so every
// operation of specs/bqecore.yaml is a typed method (ListActivitiesWithResponse,
// CreateTimeEntryWithResponse, PatchEmployeeWithResponse, …). What this package
// adds is BQE's quirks, handled once:
//
//   - the API base URL is the "endpoint" field of the token response (a
//     data-center URL); the client reads it from the current token on every
//     call, so it survives refreshes and token stores (WithBaseURL overrides);
//   - an HTTP 200 answer whose body is the JSON string "Not authenticated" is
//     an authentication failure: the client forces one token refresh and
//     replays the call once, then returns an *Error matching ErrNotAuthenticated;
//   - the X-Rate-Limit-* headers (Client.RateLimit, Error.RateLimit);
//   - X-UTC-OFFSET (WithUTCOffset), lists paged with page=N,M (All and the
//     per-resource iterators), PATCH with the record's version (PatchEmployeeFields).
//
// Tokens come from OAuthConfig (authorization-code flow for web apps with a
// secret and public apps with PKCE, refresh with rotation, revocation, userinfo,
// ID-token verification). See docs/bqecore.md.
package bqecore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
)

// DefaultBaseURL is the production API base URL, used when neither
// WithBaseURL nor the token's "endpoint" field says otherwise.
const DefaultBaseURL = "https://api.bqecore.com/api"

// UTCOffsetHeader is the header that tells CORE the caller's offset from UTC
// in minutes; without it CORE assumes Pacific time
// (https://api-explorer.bqecore.com/docs/getting-started).
const UTCOffsetHeader = "X-UTC-OFFSET"

// Client is a BQE CORE API client. The embedded ClientWithResponses holds one
// typed method per operation; non-2xx answers come back as *Error.
type Client struct {
	*bqecoreapi.ClientWithResponses

	httpClient *http.Client
	tokens     oauth2.TokenSource
	baseURL    string // fixed by WithBaseURL; "" means "from the token"
	epHosts    []string
	pageSize   int
	doer       *doer

	rlMu   sync.Mutex
	rl     RateLimit
	rlSeen bool
}

// Option configures New.
type Option func(*options)

type options struct {
	tokens     oauth2.TokenSource
	noCreds    bool
	epHosts    []string
	httpClient *http.Client
	baseURL    string
	retry      pipeline.Retry
	userAgent  string
	logger     *slog.Logger
	utcOffset  *int
	pageSize   int
	validation validate.Mode
}

// WithTokenSource sets where access tokens come from, normally
// OAuthConfig.TokenSource. A source that can be forced to refresh (auth.Source)
// lets the client recover from an expired token once per call. New refuses
// a client without one ([ErrNoCredentials]) unless [WithoutCredentials].
func WithTokenSource(ts oauth2.TokenSource) Option { return func(o *options) { o.tokens = ts } }

// WithEndpointHosts allows API base URLs on these hosts ("host" or
// "host:port", e.g. a private deployment's) in the token's "endpoint" field,
// besides the default: https on bqecore.com and its subdomains. Plain http
// is still refused except to loopback addresses.
func WithEndpointHosts(hosts ...string) Option {
	return func(o *options) { o.epHosts = append(o.epHosts, hosts...) }
}

// WithoutCredentials makes New accept no token source: requests then carry
// no credentials (for a proxy that adds them, or a probe of /health).
func WithoutCredentials() Option { return func(o *options) { o.noCreds = true } }

// WithHTTPClient sets the http.Client whose Transport carries every request
// of the client (a nil Transport: the pipeline's default, TLS 1.2
// or later). Its Timeout, Jar and CheckRedirect are kept; retries, the token,
// the vendor's headers and the error mapping are layered on top. Token
// sources you build yourself take their own HTTP client.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithBaseURL fixes the API base URL (e.g. "https://api.bqecore.com/api"),
// overriding the token's "endpoint" field.
func WithBaseURL(u string) Option { return func(o *options) { o.baseURL = u } }

// WithRetry bounds retries of 429, 502–504 and connection resets: attempts
// counts every try (1 disables retries) and maxWait caps a single wait,
// Retry-After included.
func WithRetry(attempts int, maxWait time.Duration) Option {
	return func(o *options) { o.retry.MaxAttempts, o.retry.MaxWait = attempts, maxWait }
}

// WithUserAgent sets the User-Agent header of every request.
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

// WithUTCOffset sends X-UTC-OFFSET: minutes on every request, so CORE reads and
// writes local times in that zone (e.g. 60 for UTC+1, -300 for UTC-5).
func WithUTCOffset(minutes int) Option {
	return func(o *options) { m := minutes; o.utcOffset = &m }
}

// WithPageSize sets the page size the iterators ask for when the list
// parameters carry no page (default DefaultPageSize, CORE's maximum).
func WithPageSize(n int) Option { return func(o *options) { o.pageSize = n } }

// New returns a client for the BQE CORE API.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	_ = ctx // reserved: New performs no I/O; the base URL is read per call.
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.tokens == nil && !o.noCreds {
		return nil, ErrNoCredentials
	}
	if o.pageSize <= 0 {
		o.pageSize = DefaultPageSize
	}
	if o.pageSize > MaxPageSize {
		return nil, fmt.Errorf("bqecore: page size %d above the maximum %d", o.pageSize, MaxPageSize)
	}
	base := DefaultBaseURL
	if o.baseURL != "" {
		nb, err := normaliseBaseURL(o.baseURL)
		if err != nil {
			return nil, err
		}
		base = nb
	}
	cfg := pipeline.Config{
		Tokens:     o.tokens,
		UserAgent:  userAgentOr(o.userAgent),
		Retry:      o.retry,
		Logger:     o.logger,
		AuthFailed: authFailed,
	}
	c := &Client{tokens: o.tokens, pageSize: o.pageSize, epHosts: o.epHosts}
	cfg.Observe = c.observe
	if o.utcOffset != nil {
		v := strconv.Itoa(*o.utcOffset)
		cfg.Decorate = func(r *http.Request) { r.Header.Set(UTCOffsetHeader, v) }
	}
	hc := pipeline.NewClientFrom(o.httpClient, cfg)
	c.httpClient = hc
	if o.baseURL != "" {
		c.baseURL = base
	}
	rv, err := pipeline.NewResponseValidator("bqecore", bqecoreapi.SpecJSON(), o.validation, o.logger)
	if err != nil {
		return nil, fmt.Errorf("bqecore: %w", err)
	}
	d := &doer{c: c, inner: &pipeline.Doer{Client: hc, MapError: mapError, Validate: rv, Exempt: isNotAuthenticated}}
	c.doer = d
	api, err := bqecoreapi.NewClientWithResponses(DefaultBaseURL, bqecoreapi.WithHTTPClient(d),
		bqecoreapi.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Accept", "application/json")
			return nil
		}))
	if err != nil {
		return nil, fmt.Errorf("bqecore: %w", err)
	}
	c.ClientWithResponses = api
	return c, nil
}

// BaseURL returns the API base URL calls go to now: the WithBaseURL value, else
// the current token's "endpoint" field (normalised, without a trailing slash),
// else DefaultBaseURL.
func (c *Client) BaseURL(ctx context.Context) (string, error) {
	if c.baseURL != "" {
		return c.baseURL, nil
	}
	if c.tokens == nil {
		return DefaultBaseURL, nil
	}
	tok, err := tokenFrom(ctx, c.tokens)
	if err != nil {
		// The same error a call gets when its token cannot be obtained:
		// it names the token endpoint and matches ErrUnauthorized when
		// the OAuth server refused the login or refresh.
		return "", &pipeline.TokenError{Err: err}
	}
	ep, err := EndpointOf(tok)
	if err != nil {
		return "", err
	}
	if err := c.checkEndpoint(ep); err != nil {
		return "", err
	}
	return ep, nil
}

// VendorDomain is the domain whose https hosts a token's "endpoint" may
// name by default (api.bqecore.com and the other data centers).
const VendorDomain = "bqecore.com"

// checkEndpoint refuses a token-named base URL outside the vendor's domain
// and the WithEndpointHosts list: the token is never sent to a host a token
// answer or a tampered store names.
func (c *Client) checkEndpoint(ep string) error {
	u, err := url.Parse(ep)
	if err != nil {
		return fmt.Errorf("bqecore: token endpoint %q: %w", ep, err)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if u.Scheme == "https" && u.User == nil && (host == VendorDomain || strings.HasSuffix(host, "."+VendorDomain)) &&
		(u.Port() == "" || u.Port() == "443") {
		return nil
	}
	for _, h := range c.epHosts {
		if strings.EqualFold(h, u.Host) || (!strings.Contains(h, ":") && strings.EqualFold(h, host) && (u.Port() == "" || u.Port() == "443")) {
			return nil
		}
	}
	return &EndpointError{URL: pipeline.RedactURL(u)}
}

// Do sends a request the generated methods do not cover through the client's
// pipeline: token, retries, X-UTC-OFFSET, the "Not authenticated" handling and
// error mapping apply, so a failure is returned as an [*Error]. A relative URL
// is resolved against [Client.BaseURL] ("activity?page=0,10"); an absolute one
// must stay on its host.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	base, err := c.BaseURL(req.Context())
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("bqecore: base URL: %w", err)
	}
	r, err := pipeline.Resolve(u, req)
	if err != nil {
		return nil, err
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json") // as every generated call sends
	}
	return c.doer.checked(r)(c.doer.inner.Do(r))
}

// EndpointOf returns the API base URL carried by a BQE token (its "endpoint"
// field, e.g. "https://api.bqecore.com/api/" → "https://api.bqecore.com/api"),
// or DefaultBaseURL when the token has none.
func EndpointOf(tok *oauth2.Token) (string, error) {
	if tok == nil {
		return DefaultBaseURL, nil
	}
	ep, _ := tok.Extra("endpoint").(string)
	if ep == "" {
		return DefaultBaseURL, nil
	}
	return normaliseBaseURL(ep)
}

func normaliseBaseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("bqecore: invalid base URL %q", s)
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return strings.TrimRight(u.String(), "/"), nil
}

func tokenFrom(ctx context.Context, ts oauth2.TokenSource) (*oauth2.Token, error) {
	if cts, ok := ts.(interface {
		TokenContext(context.Context) (*oauth2.Token, error)
	}); ok {
		return cts.TokenContext(ctx)
	}
	return ts.Token()
}

// doer is the generated client's HttpRequestDoer: it points the request at the
// current base URL, sends it through the pipeline's Doer and turns the
// 200 "Not authenticated" answer into an *Error.
type doer struct {
	c     *Client
	inner *pipeline.Doer
}

const defaultPrefix = DefaultBaseURL + "/"

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	base, err := d.c.BaseURL(req.Context())
	if err != nil {
		return nil, err
	}
	if base != DefaultBaseURL {
		s := req.URL.String()
		if rest, ok := strings.CutPrefix(s, defaultPrefix); ok {
			u, err := url.Parse(base + "/" + rest)
			if err != nil {
				return nil, fmt.Errorf("bqecore: request URL: %w", err)
			}
			req.URL = u
			req.Host = ""
		}
	}
	return d.checked(req)(d.inner.Do(req))
}

// checked turns a 200 "Not authenticated" answer to req into an *Error.
func (d *doer) checked(req *http.Request) func(*http.Response, error) (*http.Response, error) {
	return func(resp *http.Response, err error) (*http.Response, error) {
		if err != nil {
			return nil, err
		}
		resp, err = d.notAuthenticated(req, resp)
		if err != nil {
			return nil, err
		}
		return batchJob(req, resp)
	}
}

// batchJob turns a batch answer that is not the array of saved records (a
// 202, or a JSON object: the "Job" a third-party summary says batches
// answer) into a *BatchJobError, so it is never read as an empty or
// unparsable batch.
func batchJob(req *http.Request, resp *http.Response) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasSuffix(strings.TrimRight(req.URL.Path, "/"), "/batch") ||
		resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, nil
	}
	if resp.StatusCode != http.StatusAccepted {
		head, err := pipeline.PeekBody(resp, 512)
		if err != nil {
			return resp, nil // the generated parser reports the read error
		}
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) == 0 || t[0] != '{' {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	if resp.Request != nil {
		req = resp.Request
	}
	e := &BatchJobError{StatusCode: resp.StatusCode, Method: req.Method, URL: pipeline.RedactURL(req.URL)}
	if b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err == nil {
		var job map[string]any
		if json.Unmarshal(b, &job) == nil {
			e.Job = job
		}
	}
	return nil, e
}

func (d *doer) notAuthenticated(req *http.Request, resp *http.Response) (*http.Response, error) {
	if resp.StatusCode == http.StatusOK && isNotAuthenticated(resp) {
		resp.Body.Close()
		if resp.Request != nil {
			req = resp.Request // the URL as sent, resolved
		}
		return nil, &Error{
			StatusCode:       resp.StatusCode,
			Method:           req.Method,
			URL:              pipeline.RedactURL(req.URL),
			Message:          notAuthenticated,
			NotAuthenticated: true,
			RateLimit:        rateLimitOf(resp.Header),
		}
	}
	return resp, nil
}

const notAuthenticated = "Not authenticated"

// isNotAuthenticated reports whether resp's body is CORE's "Not authenticated"
// answer, leaving the body readable.
func isNotAuthenticated(resp *http.Response) bool {
	if resp.ContentLength > 64 || resp.Body == nil || resp.Body == http.NoBody {
		return false
	}
	b, err := pipeline.PeekBody(resp, 65)
	if err != nil || len(b) > 64 {
		return false
	}
	s := strings.TrimSpace(string(b))
	return s == `"`+notAuthenticated+`"` || s == notAuthenticated
}

// authFailed is the pipeline hook: 401, or 200 "Not authenticated", means the
// token was refused and is worth one forced refresh.
func authFailed(resp *http.Response) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		return true
	}
	return resp.StatusCode == http.StatusOK && isNotAuthenticated(resp)
}

// errNoBody is returned when a 2xx answer lacks the JSON the operation promises.
var errNoBody = errors.New("bqecore: answer without the expected JSON body")

// DefaultUserAgent is sent when [WithUserAgent] is not used.
var DefaultUserAgent = version.UserAgent("bqecore")

func userAgentOr(ua string) string {
	if ua == "" {
		return DefaultUserAgent
	}
	return ua
}

// DocumentURI returns the link to a document's file (GET document/uri/{id}),
// which CORE answers as a JSON string or as plain text. The link is an
// ordinary URL: fetch it with a plain http.Client, not with this client (it
// carries no API token and often points at a storage host). An answer without
// an absolute http(s) link is a *validate.MissingFieldError, never "".
func (c *Client) DocumentURI(ctx context.Context, id string) (string, error) {
	r, err := c.GetDocumentUriWithResponse(ctx, id)
	if err != nil {
		return "", err
	}
	var link string
	switch {
	case r.JSON200 != nil:
		link = *r.JSON200
	case r.StatusCode() == http.StatusOK && strings.HasPrefix(r.HTTPResponse.Header.Get("Content-Type"), "text/plain"):
		link = string(r.Body)
	}
	link = strings.TrimSpace(link)
	if u, perr := url.Parse(link); perr != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		e := &validate.MissingFieldError{Vendor: "bqecore", Status: r.StatusCode(), Want: "the document's link as an absolute URL", Err: perr}
		if rq := r.HTTPResponse.Request; rq != nil {
			e.Method, e.Path = rq.Method, rq.URL.Path
		}
		return "", e
	}
	return link, nil
}
