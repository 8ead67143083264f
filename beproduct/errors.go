package beproduct

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
)

// Status sentinels: errors.Is(err, beproduct.ErrNotFound) and the like match
// an *Error of that status.
var (
	ErrBadRequest      = pipeline.ErrBadRequest
	ErrUnauthorized    = pipeline.ErrUnauthorized
	ErrForbidden       = pipeline.ErrForbidden
	ErrNotFound        = pipeline.ErrNotFound
	ErrTooManyRequests = pipeline.ErrTooManyRequests
	ErrServer          = pipeline.ErrServer
	ErrGatewayTimeout  = pipeline.ErrGatewayTimeout
)

// ErrForeignHost matches a request or server-given link that was not sent
// because it left the API's origin (scheme, host, port): credentials never
// go anywhere else. ErrInsecureRedirect matches an https → http redirect,
// which is never followed.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// ErrNoCredentials is returned by [New] without [WithTokenSource]: every
// BeProduct call needs a token, so a client that would send none is refused
// unless [WithoutCredentials] says so.
var ErrNoCredentials = errors.New("beproduct: no credentials: use WithTokenSource (see OAuthConfig), or WithoutCredentials to send none")

// Error is a non-2xx answer of the BeProduct API. Use errors.As to get it and
// errors.Is with the sentinels (ErrNotFound, ErrTooManyRequests, …) to
// branch on the status.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and URL are the request's; credentials in the URL are redacted.
	Method, URL string
	// RetryAfter is the server's Retry-After (429), zero when absent.
	RetryAfter time.Duration
	// Message is the error body's message, if any.
	Message string
	// Fields holds validation messages per field (400), if any.
	Fields map[string][]string
	// Window and Limit name the exhausted rate-limit window on a 429
	// (per_minute, per_hour, per_day), when the body says.
	Window string
	Limit  int64
	// RateLimit is the X-RateLimit-* state of the answer, if it carried one.
	RateLimit RateLimit
}

// Error describes the failure; it holds no credential.
func (e *Error) Error() string {
	s := fmt.Sprintf("beproduct: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Window != "" {
		s += fmt.Sprintf(" (window %s, limit %d)", e.Window, e.Limit)
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Is matches the status sentinel of the answer's code (see ErrNotFound).
func (e *Error) Is(target error) bool {
	s := pipeline.StatusSentinel(e.StatusCode)
	return s != nil && s == target
}

// errorBody is the assumed error body (see the Error schema of the spec).
type errorBody struct {
	Message           string              `json:"message"`
	Errors            map[string][]string `json:"errors"`
	Window            string              `json:"window"`
	Limit             int64               `json:"limit"`
	RetryAfterSeconds int64               `json:"retryAfterSeconds"`
}

func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
	var b errorBody
	if len(r.Body) > 0 && json.Unmarshal(r.Body, &b) == nil {
		e.Message, e.Fields, e.Window, e.Limit = b.Message, b.Errors, b.Window, b.Limit
		if e.RetryAfter == 0 && b.RetryAfterSeconds > 0 {
			e.RetryAfter = time.Duration(b.RetryAfterSeconds) * time.Second
		}
	}
	if rl, ok := parseRateLimit(r.Header); ok {
		e.RateLimit = rl
	}
	return e
}
