package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBodyLimit is how much of an error body a Doer reads by default.
const DefaultBodyLimit = 64 << 10

// DefaultJSONLimit bounds a 2xx JSON body (after any Content-Encoding is
// undone, so a gzip bomb stops here): the largest page any of the five APIs
// documents is a few MiB. Downloads (non-JSON media types) are not bounded.
const DefaultJSONLimit = 64 << 20

// Doer is the HttpRequestDoer handed to a generated client. It sends requests
// on Client and returns every non-2xx answer as an error built by MapError.
type Doer struct {
	// Client sends the request; normally NewClient's.
	Client *http.Client
	// MapError builds the vendor's error; nil gives *HTTPError.
	MapError func(*ErrorResponse) error
	// BodyLimit bounds how much of an error body is read; zero means
	// DefaultBodyLimit.
	BodyLimit int64
	// RedactParams are query parameters redacted from URLs in errors beyond
	// the built-in credential names.
	RedactParams []string
	// Now tells the time for HTTP-date Retry-After values; nil means time.Now.
	Now func() time.Time
	// JSONLimit bounds a 2xx JSON body; reading past it fails with a
	// *BodyTooLargeError. Zero means DefaultJSONLimit; negative, no bound.
	JSONLimit int64
	// Validate, when set, checks every answer against the vendor's spec
	// (see ResponseValidator); nil (validate.Off) checks nothing.
	Validate *ResponseValidator
	// Exempt, when set, names 2xx answers the vendor's own doer turns into
	// errors (BQE's 200 "Not authenticated", Bouquet's exceptions sent as
	// 200): they are not checked against the spec. It must not consume the
	// body (see PeekBody).
	Exempt func(*http.Response) bool
}

// Do sends req. A 2xx answer is returned as it is; any other becomes an
// error and its body is closed. Transport errors have credentials redacted
// from the URL they carry.
func (d *Doer) Do(req *http.Request) (*http.Response, error) {
	c := d.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, d.redact(err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		d.boundJSON(resp)
		if d.Validate != nil && (d.Exempt == nil || !d.Exempt(resp)) {
			if err := d.Validate.validate2xx(req, resp); err != nil {
				return nil, err
			}
		}
		return resp, nil
	}
	er := d.errorResponse(req, resp)
	if f, ok := req.Context().Value(errorObserverKey{}).(func(*ErrorResponse)); ok {
		f(er)
	}
	var mapped error
	if d.MapError != nil {
		mapped = d.MapError(er)
	} else {
		he := NewHTTPError(er)
		mapped = &he
	}
	if d.Validate != nil {
		return nil, d.Validate.validateError(req, er, mapped)
	}
	return nil, mapped
}

// errorObserverKey carries a WithErrorObserver function in a context.
type errorObserverKey struct{}

// WithErrorObserver returns ctx carrying f. A Doer sending a request made
// with this context calls f with every non-2xx answer it turns into an
// error, before returning that error: the status, the redacted URL, the
// headers and the body (at most BodyLimit bytes, with the request's own
// credentials replaced by Redacted). For tools that show the raw answer, as
// `oasuite call` does (like `gh api`, it prints the error body).
func WithErrorObserver(ctx context.Context, f func(*ErrorResponse)) context.Context {
	return context.WithValue(ctx, errorObserverKey{}, f)
}

func (d *Doer) errorResponse(req *http.Request, resp *http.Response) *ErrorResponse {
	limit := d.BodyLimit
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	body, truncated := readLimited(resp.Body, limit)
	resp.Body.Close()
	body = scrubCredentials(body, resp.Request)
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	ra, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), now())
	return &ErrorResponse{
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Method:     req.Method,
		URL:        RedactURL(req.URL, d.RedactParams...),
		Header:     resp.Header,
		Body:       body,
		Truncated:  truncated,
		RetryAfter: ra,
	}
}

func (d *Doer) redact(err error) error {
	// A failed login or refresh is about the token endpoint, not the API
	// URL the request was for: it is returned as is, naming that endpoint.
	var te *TokenError
	if errors.As(err, &te) {
		return te
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		c := *ue
		c.URL = redactString(ue.URL, d.RedactParams...)
		return &c
	}
	return err
}

// readLimited reads at most limit bytes of r and reports whether more was
// there. A read error keeps what was read.
func readLimited(r io.Reader, limit int64) ([]byte, bool) {
	b, _ := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true
	}
	return b, false
}

// PeekBody returns up to n bytes of resp's body and puts them back, so that
// a hook can look at a body without consuming it.
func PeekBody(resp *http.Response, n int64) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, n))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	return b, err
}

// ForeignHostError is returned by [Doer.DoAt] for a URL that leaves the
// API's scheme and host: the token is never sent anywhere else.
type ForeignHostError struct {
	URL string // redacted
}

func (e *ForeignHostError) Error() string {
	return "oasuite: " + e.URL + " is not on the API's host; not sent"
}

// Is makes a ForeignHostError match ErrForeignHost.
func (e *ForeignHostError) Is(target error) bool { return target == ErrForeignHost }

// ErrForeignHost matches every refusal to send a request, or follow a
// server-given link, to another origin than the API's (*ForeignHostError).
var ErrForeignHost = errors.New("oasuite: not on the API's host")

// DoAt sends a request the generated methods do not cover through the same
// pipeline: it is [Resolve] followed by Do.
func (d *Doer) DoAt(base *url.URL, req *http.Request) (*http.Response, error) {
	r, err := Resolve(base, req, d.RedactParams...)
	if err != nil {
		return nil, err
	}
	return d.Do(r)
}

// Resolve returns req aimed under base: a relative URL ("activity?page=0,10")
// is resolved against base (whose path is taken as a directory); an absolute
// one must keep base's scheme and host, or a *ForeignHostError is returned, so
// that a token is never sent to another host. req itself is not changed.
func Resolve(base *url.URL, req *http.Request, redact ...string) (*http.Request, error) {
	b := *base
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
		if b.RawPath != "" {
			b.RawPath += "/"
		}
	}
	u := b.ResolveReference(req.URL)
	if !SameOrigin(base, u) {
		return nil, &ForeignHostError{URL: RedactURL(u, redact...)}
	}
	r := req.Clone(req.Context())
	r.URL = u
	r.Host = ""
	return r, nil
}

// boundJSON caps a JSON answer's body at JSONLimit.
func (d *Doer) boundJSON(resp *http.Response) {
	limit := d.JSONLimit
	if limit == 0 {
		limit = DefaultJSONLimit
	}
	if limit < 0 || resp.Body == nil || resp.Body == http.NoBody || !strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "json") {
		return
	}
	if bb, ok := resp.Body.(*bufferedBody); ok && bb.complete && int64(bb.buf.Len()) <= limit {
		return // read whole already, within the bound (and decoded in place)
	}
	resp.Body = &boundedBody{rc: resp.Body, left: limit, limit: limit}
}

// boundedBody fails a read that goes past limit bytes.
type boundedBody struct {
	rc          io.ReadCloser
	left, limit int64
}

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly limit bytes from a longer one.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, &BodyTooLargeError{Limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error { return b.rc.Close() }

// scrubCredentials blanks, in an error body, the credentials the request
// carried (the bearer token, a query-carried token): a server that echoes
// them must not put them into an error string.
func scrubCredentials(body []byte, req *http.Request) []byte {
	if req == nil || len(body) == 0 {
		return body
	}
	var secrets []string
	if a := req.Header.Get("Authorization"); a != "" {
		if _, v, ok := strings.Cut(a, " "); ok {
			secrets = append(secrets, v)
		}
		secrets = append(secrets, a)
	}
	if req.URL != nil {
		for k, vs := range req.URL.Query() {
			if IsSecretParam(k) {
				secrets = append(secrets, vs...)
			}
		}
	}
	for _, s := range secrets {
		if len(s) >= 8 && bytes.Contains(body, []byte(s)) {
			body = bytes.ReplaceAll(body, []byte(s), []byte(Redacted))
		}
	}
	return body
}
