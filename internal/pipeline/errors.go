package pipeline

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Status sentinels. Vendor packages re-export them and their Error types match
// them with errors.Is, so callers branch the same way in all five packages.
var (
	ErrBadRequest           = errors.New("oasuite: bad request (400)")
	ErrUnauthorized         = errors.New("oasuite: unauthenticated (401)")
	ErrPaymentRequired      = errors.New("oasuite: request failed (402)")
	ErrForbidden            = errors.New("oasuite: forbidden (403)")
	ErrNotFound             = errors.New("oasuite: not found (404)")
	ErrMethodNotAllowed     = errors.New("oasuite: method not allowed (405)")
	ErrNotAcceptable        = errors.New("oasuite: not acceptable (406)")
	ErrConflict             = errors.New("oasuite: conflict (409)")
	ErrUnsupportedMediaType = errors.New("oasuite: unsupported media type (415)")
	ErrTooManyRequests      = errors.New("oasuite: rate limited (429)")
	ErrServer               = errors.New("oasuite: server error (5xx)")
	ErrGatewayTimeout       = errors.New("oasuite: gateway timeout or request too large (504)")
)

// StatusSentinel returns the sentinel error for an HTTP status code, or nil
// for a code without one. 504 matches ErrGatewayTimeout; every other 5xx
// matches ErrServer.
func StatusSentinel(code int) error {
	switch code {
	case http.StatusBadRequest:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusPaymentRequired:
		return ErrPaymentRequired
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusMethodNotAllowed:
		return ErrMethodNotAllowed
	case http.StatusNotAcceptable:
		return ErrNotAcceptable
	case http.StatusConflict:
		return ErrConflict
	case http.StatusUnsupportedMediaType:
		return ErrUnsupportedMediaType
	case http.StatusTooManyRequests:
		return ErrTooManyRequests
	case http.StatusGatewayTimeout:
		return ErrGatewayTimeout
	}
	if code >= 500 && code <= 599 {
		return ErrServer
	}
	return nil
}

// ErrorResponse is what the [Doer] hands a vendor's error mapper for a
// non-2xx answer: the status, the redacted request line and at most
// BodyLimit bytes of the body.
type ErrorResponse struct {
	StatusCode int
	Status     string
	Method     string
	// URL is the request URL with credentials redacted (see RedactURL).
	URL    string
	Header http.Header
	// Body holds at most the Doer's BodyLimit bytes; Truncated says more was sent.
	Body      []byte
	Truncated bool
	// RetryAfter is the server's Retry-After, zero when absent.
	RetryAfter time.Duration
}

// HTTPError is the error a [Doer] returns when no vendor mapper is set, and
// the part every vendor Error shares.
type HTTPError struct {
	StatusCode int
	Method     string
	URL        string
	RetryAfter time.Duration
}

// NewHTTPError copies the shared part of r.
func NewHTTPError(r *ErrorResponse) HTTPError {
	return HTTPError{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
}

// Error reads like "GET https://host/path: 404 Not Found".
func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// Is matches the status sentinel of the answer's code.
func (e *HTTPError) Is(target error) bool {
	s := StatusSentinel(e.StatusCode)
	return s != nil && s == target
}

// InsecureURLError is returned for a request to a plain-http URL that is not
// on a loopback address: tokens are only ever sent over TLS.
type InsecureURLError struct {
	URL string // redacted
}

func (e *InsecureURLError) Error() string {
	return "oasuite: refusing plain http to a non-loopback host: " + e.URL
}

// TokenError wraps a failure to obtain a token for a request.
type TokenError struct {
	Err error
	// Unauthorized is set when the failure was the forced refresh after the
	// server refused the token: the error then also matches ErrUnauthorized.
	Unauthorized bool
}

func (e *TokenError) Error() string {
	if e.Unauthorized {
		return "oasuite: token refused and refreshing it failed: " + e.Err.Error()
	}
	return "oasuite: obtaining a token: " + e.Err.Error()
}

// Is makes a refresh failure after a refused token, and a login or refresh
// the OAuth server refused (an *auth.TokenError whose Refused is true),
// match ErrUnauthorized. A token endpoint that cannot be reached does not.
func (e *TokenError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	if e.Unauthorized {
		return true
	}
	var r interface{ Refused() bool }
	return errors.As(e.Err, &r) && r.Refused()
}

// Unwrap returns the token source's error.
func (e *TokenError) Unwrap() error { return e.Err }
