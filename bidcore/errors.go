package bidcore

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oasuite/sdk/internal/pipeline"
)

// Status sentinels for the status codes BidCore documents
// (https://docs.bidcore.iponweb.com/api/workflow.html, "Response Codes"). Every [*Error] matches the
// sentinel of its status with errors.Is: errors.Is(err, bidcore.ErrNotFound).
var (
	// ErrBadRequest (400): unsupported query parameters, or the request failed validation;
	// [Error.Fields] holds the messages per field.
	ErrBadRequest = pipeline.ErrBadRequest
	// ErrUnauthorized (401): the user is unauthenticated or has no access (token missing, wrong or expired).
	ErrUnauthorized = pipeline.ErrUnauthorized
	// ErrForbidden (403): the user has no permission for this action.
	ErrForbidden = pipeline.ErrForbidden
	// ErrNotFound (404): the resource does not exist.
	ErrNotFound = pipeline.ErrNotFound
	// ErrMethodNotAllowed (405): the resource exists but does not support the method.
	ErrMethodNotAllowed = pipeline.ErrMethodNotAllowed
	// ErrNotAcceptable (406): an invalid action, such as deleting an entity others depend on
	// (an advertiser with campaigns, a campaign with line items, an SSP with deals …).
	ErrNotAcceptable = pipeline.ErrNotAcceptable
	// ErrConflict (409): a database error, such as a uniqueness violation.
	ErrConflict = pipeline.ErrConflict
	// ErrTooManyRequests (429): the throttling limit was exceeded; [Error.RetryAfter] says how long
	// to wait when the server said so. The client retries these by itself first (see [WithRetry]).
	ErrTooManyRequests = pipeline.ErrTooManyRequests
	// ErrServer (500 and any other 5xx but 504): a general server problem.
	ErrServer = pipeline.ErrServer
	// ErrGatewayTimeout (504): the request was too large or timed out.
	ErrGatewayTimeout = pipeline.ErrGatewayTimeout
)

// ErrForeignHost matches a request or server-given link that was not sent
// because it left the API's origin (scheme, host, port): credentials never
// go anywhere else. ErrInsecureRedirect matches an https → http redirect,
// which is never followed.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// Error is a non-2xx answer of the Workflow API. It is returned as err by every method of [Client];
// use errors.As to read it and errors.Is with the sentinels above to branch on its status.
//
// The error body is not publicly specified; BidCore's v1 API is built on Django REST framework, so
// the body is read as {"detail": "…"} and/or {"field": ["message", …]} (an assumption). A body in
// any other shape is kept, shortened, in Detail.
type Error struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Method and URL are the request's; the URL has credentials redacted.
	Method, URL string
	// RetryAfter is the server's Retry-After (429), zero when absent.
	RetryAfter time.Duration
	// Detail is the body's "detail" message, if any.
	Detail string
	// Fields holds validation messages keyed by field name ("non_field_errors" for the others).
	Fields map[string][]string
}

// Error returns the request line, the status and the server's messages.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bidcore: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, strings.Join(e.Fields[k], " "))
	}
	return b.String()
}

// Is reports whether target is the status sentinel of e's status code (see [ErrNotFound] and the
// others), so that errors.Is(err, bidcore.ErrNotFound) works.
func (e *Error) Is(target error) bool {
	s := pipeline.StatusSentinel(e.StatusCode)
	return s != nil && target == s
}

// maxDetail bounds the text kept from a body that is not the documented JSON shape.
const maxDetail = 200

// mapError turns the pipeline's view of a non-2xx answer into an *Error.
func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &raw); err == nil {
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				if k == "detail" {
					e.Detail = s
					continue
				}
				e.addField(k, s)
				continue
			}
			var list []string
			if json.Unmarshal(v, &list) == nil {
				e.addField(k, list...)
			}
		}
		return e
	}
	var list []string // DRF answers some validation errors with a bare list of messages
	if err := json.Unmarshal(r.Body, &list); err == nil {
		e.addField("non_field_errors", list...)
		return e
	}
	e.Detail = shorten(strings.TrimSpace(string(r.Body)))
	return e
}

func (e *Error) addField(k string, msgs ...string) {
	if e.Fields == nil {
		e.Fields = map[string][]string{}
	}
	e.Fields[k] = append(e.Fields[k], msgs...)
}

func shorten(s string) string {
	if len(s) <= maxDetail {
		return s
	}
	s = s[:maxDetail]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
