package procurios

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
	specvalidate "github.com/oasuite/sdk/validate"
)

// ErrInvalidID is matched by the error of a helper given an id that cannot
// be one (Relations: a collection id that is not a UUID); nothing is sent.
var ErrInvalidID = errors.New("procurios: not a valid id")

// Error is a non-2xx answer of the Procurios API. Use errors.As to read it and
// errors.Is with the sentinels (ErrNotFound, ErrForbidden, ...) to branch.
//
// The error body is not documented by Procurios; Code, Message and Fields are
// read from a JSON body {"error": ..., "message": ..., "fields": [...]} when
// there is one (an assumption: see the spec's description of the Error schema and docs/procurios.md).
type Error struct {
	StatusCode int
	Method     string
	// URL is the request URL with credentials redacted.
	URL string
	// RetryAfter is the server's Retry-After (429), zero when absent.
	RetryAfter time.Duration
	// Code is the body's short error code, e.g. "invalid_registration".
	Code string
	// Message is the body's human-readable message.
	Message string
	// Fields lists the failing fields of a rejected body (400).
	Fields []FieldError
}

// FieldError is one failing field of a registration or other body.
type FieldError struct {
	// Field is the path of the field, "/"-separated (e.g. "address/postcode");
	// empty for the body as a whole.
	Field string
	// Message says what is wrong. It never repeats the value of a field whose
	// name suggests a secret (password, token, ...).
	Message string
}

// Error reads like "procurios: GET https://host/l/...: 404 not_found: no such collection".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "procurios: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
		if i == len(e.Fields)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// Is matches the shared status sentinel of the answer's code.
func (e *Error) Is(target error) bool {
	s := pipeline.StatusSentinel(e.StatusCode)
	return s != nil && s == target
}

// String reads like "address/postcode: does not match pattern".
func (f FieldError) String() string {
	if f.Field == "" {
		return f.Message
	}
	return f.Field + ": " + f.Message
}

type errorBody struct {
	Error   string `json:"error"`
	Message string `json:"message"`
	Fields  []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"fields"`
}

// mapError turns the pipeline's view of a non-2xx answer into an *Error.
func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
	var body errorBody
	if len(r.Body) > 0 && json.Unmarshal(r.Body, &body) == nil {
		e.Code = body.Error
		e.Message = body.Message
		for _, f := range body.Fields {
			e.Fields = append(e.Fields, FieldError{Field: f.Field, Message: f.Message})
		}
	}
	if e.Message == "" && e.Code == "" {
		e.Message = strings.TrimSpace(strings.TrimPrefix(r.Status, fmt.Sprint(r.StatusCode)))
	}
	return e
}

// ErrNoItems matches a 2xx page whose items cannot be found (see
// [PageItemsError]): the iterators end with this error, never silently
// empty.
var ErrNoItems = errors.New("procurios: the page's items cannot be found")

// PageItemsError is yielded by an iterator for a 2xx page whose items it
// cannot find: a collection page without `_embedded`, with no or several
// embedded relations, or with one that is not an array; a registrations
// page without a `registrations` array. A page whose one array is empty is a
// genuine empty page, not an error. It matches [ErrNoItems] with errors.Is,
// and errors.As also fills a *specvalidate.MissingFieldError with it (as the
// other vendors' iterators report such pages). The error names the page and
// the keys found, never a value.
type PageItemsError struct {
	Method string
	// URL is the page's URL with credentials redacted.
	URL string
	// Status is the answer's status code.
	Status int
	// Field is where the items were looked for: "_embedded" (the single
	// embedded relation of a collection page) or "registrations".
	Field string
	// Keys are the keys found where the items were looked for, sorted: the
	// page's top-level keys when Field is missing, else Field's own keys.
	Keys []string
	// Reason says what was wrong, e.g. "_embedded holds 2 relations".
	Reason string
	// Err is the decoding error of the items, when there was one.
	Err error
}

// Error reads like `procurios: GET https://host/l/...?page=2: 200 page has
// no readable items: no "_embedded" (keys found: _links, page)`.
func (e *PageItemsError) Error() string {
	keys := "none"
	if len(e.Keys) > 0 {
		keys = strings.Join(e.Keys, ", ")
	}
	s := fmt.Sprintf("procurios: %s %s: %d page has no readable items: %s (keys found: %s)", e.Method, e.URL, e.Status, e.Reason, keys)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches ErrNoItems.
func (e *PageItemsError) Is(target error) bool { return target == ErrNoItems }

// Unwrap returns the decoding error, when there was one.
func (e *PageItemsError) Unwrap() error { return e.Err }

// As fills a *specvalidate.MissingFieldError, the form the other vendor
// packages report an unreadable page in.
func (e *PageItemsError) As(target any) bool {
	t, ok := target.(**specvalidate.MissingFieldError)
	if !ok {
		return false
	}
	path := e.URL
	if u, err := url.Parse(e.URL); err == nil {
		path = u.Path
	}
	*t = &specvalidate.MissingFieldError{Vendor: "procurios", Method: e.Method, Path: path, Status: e.Status,
		Field: e.Field, Want: "one array of the page's items: " + e.Reason, Err: e.Err}
	return true
}
