package pipeline

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Config describes one vendor client's transport chain.
type Config struct {
	// Base sends the request; nil means a clone of http.DefaultTransport that
	// requires TLS 1.2 or later.
	Base http.RoundTripper
	// Tokens supplies the access token; nil sends no credentials. When it also
	// has TokenContext(ctx) (auth.Source does) that is used, and when it has
	// ForceRefresh(ctx, rejected) an authentication failure is answered by one
	// refresh and one replay.
	Tokens oauth2.TokenSource
	// TokenQueryParam, when set, sends the token as this query parameter
	// instead of the Authorization header (Bouquet's access_token).
	TokenQueryParam string
	// UserAgent is sent on every request when set.
	UserAgent string
	// Decorate adds the vendor's headers to every attempt (it receives a clone).
	Decorate func(*http.Request)
	// AuthFailed says whether a response means "the token was refused". The
	// default is status 401. A hook that reads the body must restore it (see
	// PeekBody).
	AuthFailed func(*http.Response) bool
	// Observe sees every response before it is returned or retried (rate-limit
	// headers and the like). It must not consume the body.
	Observe func(*http.Response)
	// Retry bounds the retries.
	Retry Retry
	// Logger, when set, gets one record per attempt: method, redacted URL,
	// status, attempt, duration, at the level LogLevel gives.
	Logger *slog.Logger
	// RedactParams are further query parameters redacted in logs and errors.
	RedactParams []string
	// Limit, when set, is asked before every attempt that goes to the
	// network (a retry or a replay after refresh included). An error ends the
	// call at once with that error: a shared budget that is spent fails fast
	// instead of sending requests the vendor will refuse.
	Limit func(ctx context.Context, req *http.Request) error
	// AllowInsecure lets plain-http URLs through to non-loopback hosts. Off by
	// default: tokens travel over TLS only.
	AllowInsecure bool
	// Idempotent, when set, names further requests that are safe to send
	// twice although their method is not (reads sent as POST), so that they
	// are retried on 502–504 and connection resets like GETs. SpecIdempotent
	// builds it from a spec's x-oasuite-idempotent marks.
	Idempotent func(*http.Request) bool
	// RereadCutOff makes a 2xx JSON answer to an idempotent, replayable
	// request be read whole before it is returned, and sent again once when
	// the connection drops in the middle of its body (a 200 cut off is not
	// an answer). Bodies over MaxRereadBody are returned as they stream.
	RereadCutOff bool
}

// contextTokenSource is auth.ContextTokenSource, restated so this package
// does not depend on auth.
type contextTokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// refresher is auth.Refresher, restated.
type refresher interface {
	ForceRefresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error)
}

// DefaultBase returns the transport used when Config.Base is nil: a clone of
// http.DefaultTransport with TLS 1.2 as the minimum version.
func DefaultBase() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.MinVersion = tls.VersionTLS12
	return t
}

// NewClient returns an *http.Client whose transport is the chain c describes.
// It sets no overall timeout: deadlines come from each request's context.
func NewClient(c Config) *http.Client {
	return &http.Client{Transport: NewTransport(c)}
}

// NewClientFrom is NewClient for a vendor's WithHTTPClient(user): the one
// behaviour every vendor documents. user's Transport carries every request
// (a nil Transport, or a nil user: DefaultBase); its Timeout, Jar and
// CheckRedirect are kept on the returned client. Retries, tokens, the
// vendor's headers and the logger are layered on top; c.Base is ignored
// when user has a Transport.
func NewClientFrom(user *http.Client, c Config) *http.Client {
	if user != nil && user.Transport != nil {
		c.Base = user.Transport
	}
	hc := NewClient(c)
	if user != nil {
		hc.Timeout, hc.Jar, hc.CheckRedirect = user.Timeout, user.Jar, user.CheckRedirect
	}
	return hc
}

// NewTransport returns the chain c describes as one RoundTripper.
func NewTransport(c Config) http.RoundTripper {
	t := &transport{cfg: c, retry: c.Retry.withDefaults()}
	if t.cfg.Base == nil {
		t.cfg.Base = DefaultBase()
	}
	if c.Tokens != nil {
		t.ctxTokens, _ = c.Tokens.(contextTokenSource)
		t.refresher, _ = c.Tokens.(refresher)
	}
	return t
}

type transport struct {
	cfg       Config
	retry     Retry
	ctxTokens contextTokenSource
	refresher refresher
	// lastBearer caches the Authorization value of the latest token.
	lastBearer atomic.Pointer[bearerValue]
}

// RoundTrip sends req through the chain. It never turns a response into an
// error; it returns an error only when no response could be had.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.checkScheme(req.URL); err != nil {
		closeBody(req)
		return nil, err
	}
	ctx := req.Context()
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	idempotent := isIdempotent(req) || (t.cfg.Idempotent != nil && t.cfg.Idempotent(req))
	refreshed, reread := false, false
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		r, err := t.attemptRequest(req, attempt)
		if err != nil {
			return nil, err
		}
		var start time.Time
		if t.cfg.Logger != nil { // the clock is read only for the log record
			start = time.Now()
		}
		resp, err := t.send(r, replayable, &refreshed)
		wait, again := t.retryDecision(ctx, resp, err, attempt, replayable, idempotent, waited)
		if !again && t.cfg.RereadCutOff && !reread && idempotent && replayable {
			// The once-only re-send of a 200 cut off mid-body.
			if cut := bufferJSON(resp, err); cut {
				if w, ok := t.cutOffRetry(ctx, attempt, waited); ok {
					reread, wait, again = true, w, true
				}
			}
		}
		waited += wait
		t.log(ctx, req, resp, err, attempt, start, wait, again)
		if !again {
			return resp, err
		}
		if resp != nil {
			drainClose(resp.Body)
		}
		if err := t.retry.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attemptRequest returns the request for one attempt: the original for the
// first, a clone with a fresh body for later ones.
func (t *transport) attemptRequest(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 1 {
		return req, nil
	}
	return rewind(req)
}

// rewind clones req with a fresh body from GetBody.
func rewind(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	return r, nil
}

// send runs the token and vendor-header stages for one attempt, with the one
// forced refresh and replay after an authentication failure.
func (t *transport) send(req *http.Request, replayable bool, refreshed *bool) (*http.Response, error) {
	ctx := req.Context()
	creds, err := hopPolicy(req)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	if !creds {
		// A redirect to another origin: sent as the server asked, but with
		// neither the token (header or query) nor the vendor's headers.
		if err := t.limit(req); err != nil {
			closeBody(req)
			return nil, err
		}
		r := req
		if t.cfg.UserAgent != "" {
			r = req.Clone(ctx)
			r.Header.Set("User-Agent", t.cfg.UserAgent)
		}
		// Observe is not called: a foreign host's headers (rate limits)
		// say nothing about the vendor's API.
		return t.cfg.Base.RoundTrip(r)
	}
	tok, err := t.token(ctx)
	if err != nil {
		closeBody(req)
		return nil, &TokenError{Err: err}
	}
	if err := t.limit(req); err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.cfg.Base.RoundTrip(t.decorate(req, tok))
	if err != nil {
		return nil, err
	}
	if tok != nil && t.refresher != nil && replayable && !*refreshed && t.authFailed(resp) {
		*refreshed = true
		drainClose(resp.Body)
		tok, err = t.refresher.ForceRefresh(ctx, tok)
		if err != nil {
			return nil, &TokenError{Err: err, Unauthorized: true}
		}
		r, err := rewind(req)
		if err != nil {
			return nil, err
		}
		if err := t.limit(r); err != nil {
			closeBody(r)
			return nil, err
		}
		resp, err = t.cfg.Base.RoundTrip(t.decorate(r, tok))
		if err != nil {
			return nil, err
		}
	}
	if t.cfg.Observe != nil {
		t.cfg.Observe(resp)
	}
	return resp, nil
}

func (t *transport) limit(req *http.Request) error {
	if t.cfg.Limit == nil {
		return nil
	}
	return t.cfg.Limit(req.Context(), req)
}

func (t *transport) token(ctx context.Context) (*oauth2.Token, error) {
	switch {
	case t.cfg.Tokens == nil:
		return nil, nil
	case t.ctxTokens != nil:
		return t.ctxTokens.TokenContext(ctx)
	default:
		return t.cfg.Tokens.Token()
	}
}

func (t *transport) authFailed(resp *http.Response) bool {
	if t.cfg.AuthFailed != nil {
		return t.cfg.AuthFailed(resp)
	}
	return resp.StatusCode == http.StatusUnauthorized
}

// decorate returns a shallow clone of req carrying the token, the user agent
// and the vendor's headers. The body is shared with req; the header map is
// req's cloned with the token and user agent set in the same pass, so an
// attempt costs the request, the map and one array of values — the last two
// in one allocation when the request has few header values.
func (t *transport) decorate(req *http.Request, tok *oauth2.Token) *http.Request {
	var bearer string
	var u *url.URL
	if tok != nil && tok.AccessToken != "" {
		if p := t.cfg.TokenQueryParam; p != "" {
			c := *req.URL
			q := c.Query()
			q.Set(p, tok.AccessToken)
			c.RawQuery = q.Encode()
			u = &c
		} else {
			bearer = t.bearer(tok)
		}
	}
	n := headerValues(req.Header)
	if bearer != "" {
		n++
	}
	if t.cfg.UserAgent != "" {
		n++
	}
	var r *http.Request
	var vals []string
	if n <= smallHeaderValues {
		c := new(clonedRequest)
		r, vals = &c.req, c.vals[:n]
	} else {
		r, vals = new(http.Request), make([]string, n)
	}
	*r = *req
	if u != nil {
		r.URL = u
	}
	r.Header = cloneHeaderWith(req.Header, vals, bearer, t.cfg.UserAgent)
	if t.cfg.Decorate != nil {
		t.cfg.Decorate(r)
	}
	return r
}

// smallHeaderValues is how many header values a clonedRequest carries
// inline.
const smallHeaderValues = 4

// clonedRequest is an attempt's request with room for its header values,
// so that a request with few headers is cloned in one allocation.
type clonedRequest struct {
	req  http.Request
	vals [smallHeaderValues]string
}

// headerValues counts the values of h.
func headerValues(h http.Header) int {
	n := 0
	for _, vv := range h {
		n += len(vv)
	}
	return n
}

// bearerValue is an Authorization header value kept for the token it was
// built from.
type bearerValue struct {
	access string
	header string
}

// bearer returns "Bearer <access token>", building the string once per
// token rather than once per request.
func (t *transport) bearer(tok *oauth2.Token) string {
	if b := t.lastBearer.Load(); b != nil && b.access == tok.AccessToken {
		return b.header
	}
	b := &bearerValue{access: tok.AccessToken, header: "Bearer " + tok.AccessToken}
	t.lastBearer.Store(b)
	return b.header
}

// cloneHeaderWith is h.Clone() followed by Set("Authorization", bearer) and
// Set("User-Agent", ua) for the non-empty ones, with every value copied into
// sv, which holds exactly the values of h plus one for each addition. Like
// Clone, it keeps nil values; unlike Clone, it never returns nil.
func cloneHeaderWith(h http.Header, sv []string, bearer, ua string) http.Header {
	extra := 0
	if bearer != "" {
		extra++
	}
	if ua != "" {
		extra++
	}
	h2 := make(http.Header, len(h)+extra)
	for k, vv := range h {
		if vv == nil {
			h2[k] = nil
			continue
		}
		n := copy(sv, vv)
		h2[k] = sv[:n:n]
		sv = sv[n:]
	}
	if bearer != "" {
		sv[0] = bearer
		h2["Authorization"] = sv[:1:1]
		sv = sv[1:]
	}
	if ua != "" {
		sv[0] = ua
		h2["User-Agent"] = sv[:1:1]
	}
	return h2
}

func (t *transport) checkScheme(u *url.URL) error {
	if u.Scheme == "https" || t.cfg.AllowInsecure {
		return nil
	}
	if u.Scheme == "http" && isLoopback(u.Hostname()) {
		return nil
	}
	return &InsecureURLError{URL: RedactURL(u, t.redactParams()...)}
}

func (t *transport) redactParams() []string {
	if t.cfg.TokenQueryParam == "" {
		return t.cfg.RedactParams
	}
	return append([]string{t.cfg.TokenQueryParam}, t.cfg.RedactParams...)
}

// IsLoopback reports whether host names this machine's loopback interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LogLevel is the level of an attempt's log record, the same for every
// vendor (their WithLogger documents it):
//
//   - Debug: an answer below 400 that ends the call;
//   - Info: an attempt that is retried (a later attempt follows), or a final
//     4xx answer other than 429 (the caller gets a typed error it can act on);
//   - Warn: a final attempt that failed: no answer (connection error,
//     timeout, cancelled context), or 429 or 5xx with no retry left or
//     allowed.
func LogLevel(resp *http.Response, err error, again bool) slog.Level {
	switch {
	case again:
		return slog.LevelInfo
	case err != nil || resp == nil:
		return slog.LevelWarn
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return slog.LevelWarn
	case resp.StatusCode >= 400:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// log writes the attempt's record when a logger is set and enabled; the
// attempt began at start.
func (t *transport) log(ctx context.Context, req *http.Request, resp *http.Response, err error, attempt int, start time.Time, wait time.Duration, again bool) {
	l := t.cfg.Logger
	if l == nil {
		return
	}
	level := LogLevel(resp, err, again)
	if !l.Enabled(ctx, level) {
		return
	}
	d := time.Since(start)
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("method", req.Method),
		slog.String("url", RedactURL(req.URL, t.redactParams()...)),
		slog.Int("attempt", attempt),
		slog.Duration("duration", d))
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", t.redactErr(err).Error()))
	}
	if again {
		attrs = append(attrs, slog.Duration("retry_in", wait))
	}
	l.LogAttrs(ctx, level, "oasuite http", attrs...)
}

// redactErr rewrites the URL inside a *url.Error; other errors from the
// transport carry no query string.
func (t *transport) redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		c := *ue
		c.URL = redactString(ue.URL, t.redactParams()...)
		return &c
	}
	return err
}

func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// drainClose reads a little of a body being discarded so the connection can
// be reused, then closes it.
func drainClose(b io.ReadCloser) {
	if b == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, b, 4<<10)
	b.Close()
}
