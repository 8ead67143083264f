package pipeline

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBodyLimit is how much of an error body a Doer reads by default.
const DefaultBodyLimit = 64 << 10

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
		if d.Validate != nil && (d.Exempt == nil || !d.Exempt(resp)) {
			if err := d.Validate.validate2xx(req, resp); err != nil {
				return nil, err
			}
		}
		return resp, nil
	}
	er := d.errorResponse(req, resp)
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

func (d *Doer) errorResponse(req *http.Request, resp *http.Response) *ErrorResponse {
	limit := d.BodyLimit
	if limit <= 0 {
		limit = DefaultBodyLimit
	}
	body, truncated := readLimited(resp.Body, limit)
	resp.Body.Close()
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
	if u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) {
		return nil, &ForeignHostError{URL: RedactURL(u, redact...)}
	}
	r := req.Clone(req.Context())
	r.URL = u
	r.Host = ""
	return r, nil
}
