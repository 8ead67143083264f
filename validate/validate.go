// Package validate holds the types of response validation: every oasuite
// vendor client can check each answer against its operation in the vendor's
// spec (specs/<vendor>.yaml, embedded as gen/<vendor>api/spec.gen.json) — the
// declared statuses, content types and schemas — and report where the server
// disagrees.
//
// Turn it on with the vendor's WithResponseValidation option, and link the
// validator (package validate/openapi, kin-openapi) with one blank import:
//
//	import _ "github.com/oasuite/sdk/validate/openapi"
//
//	c, err := bqecore.New(ctx, bqecore.WithTokenSource(ts),
//		bqecore.WithResponseValidation(validate.Strict))
//
// Without that import, New returns [ErrValidatorNotLinked] for Log or Strict:
// programs that never validate do not carry the OpenAPI, YAML and JSON Schema
// libraries (see docs/PERFORMANCE.md, "Binary size").
//
// With [Log] every disagreement is one slog record (at Warn, on the client's
// WithLogger logger, else slog.Default()); with [Strict] the call returns a
// [*SpecMismatchError]. Neither ever carries a value from the body: only JSON
// pointers, field names, JSON types and what the spec declares. `oasuite check
// <vendor>` runs a read-only tour of a vendor's API in Strict mode and prints
// what to change in the spec; see the README, "Reporting a drift from the spec".
package validate

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrValidatorNotLinked is returned by a vendor's New when
// WithResponseValidation asks for Log or Strict but the program does not
// link the validator. Response validation lives in its own package so that
// programs without it carry no OpenAPI, YAML or JSON Schema library; enable
// it with one import in the main package (or the test):
//
//	import _ "github.com/oasuite/sdk/validate/openapi"
var ErrValidatorNotLinked = errors.New(`validate: response validation is not linked into this program: add import _ "github.com/oasuite/sdk/validate/openapi"`)

// Mode says what a client does with an answer that disagrees with the spec.
type Mode int

const (
	// Off checks nothing (the default): no cost per call.
	Off Mode = iota
	// Log writes one slog record per mismatch and returns the answer as usual.
	Log
	// Strict returns a *SpecMismatchError instead of a mismatching answer.
	Strict
)

// String returns "off", "log" or "strict".
func (m Mode) String() string {
	switch m {
	case Off:
		return "off"
	case Log:
		return "log"
	case Strict:
		return "strict"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode reads "off", "log" or "strict".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "":
		return Off, nil
	case "log":
		return Log, nil
	case "strict":
		return Strict, nil
	}
	return Off, fmt.Errorf("validate: unknown mode %q (want off, log or strict)", s)
}

// The kinds of Mismatch.
const (
	// KindStatus: the operation declares no response for the status.
	KindStatus = "status"
	// KindContentType: the response for the status declares no such media type.
	KindContentType = "content-type"
	// KindBody: the body is missing, or is not the JSON the spec declares.
	KindBody = "body"
	// KindSchema: the JSON body breaks the declared schema.
	KindSchema = "schema"
)

// Mismatch is one place where an answer disagrees with the spec.
type Mismatch struct {
	// Kind is KindStatus, KindContentType, KindBody or KindSchema.
	Kind string `json:"kind"`
	// Pointer is the RFC 6901 JSON pointer of the disagreeing value in the
	// body ("" for the whole answer or body). When Count > 1 it is the first
	// of several array elements that disagree the same way.
	Pointer string `json:"pointer"`
	// Schema names the component schema (#/components/schemas/<Schema>) that
	// holds the disagreeing field, when known.
	Schema string `json:"schema,omitempty"`
	// Keyword is the schema keyword that failed for KindSchema ("required",
	// "additionalProperties", "type", "nullable", "enum", "format", …).
	Keyword string `json:"keyword,omitempty"`
	// Property is the field a "required" or "additionalProperties"
	// mismatch is about.
	Property string `json:"property,omitempty"`
	// Reason says what disagrees, with field names, JSON types and what the
	// spec declares only, never a value from the body.
	Reason string `json:"reason"`
	// Count is how many values disagree this way (array elements at the same
	// place): at least 1.
	Count int `json:"count"`
}

// String is "pointer: reason", with the count when above one.
func (m Mismatch) String() string {
	p := m.Pointer
	if p == "" {
		p = "(answer)"
	}
	s := p + ": " + m.Reason
	if m.Count > 1 {
		s += fmt.Sprintf(" (%d times)", m.Count)
	}
	return s
}

// SpecMismatchError is returned in Strict mode for an answer that disagrees
// with its operation in the spec. For a non-2xx answer Err is the vendor's
// own error (errors.As reaches it through Unwrap).
type SpecMismatchError struct {
	// Vendor is the spec's vendor: "bidcore", "bqecore", "bouquet",
	// "beproduct" or "procurios".
	Vendor string `json:"vendor"`
	// Operation is the spec's operationId ("listActivities").
	Operation string `json:"operation"`
	// Method and Path are the operation's method and path template
	// ("GET", "/activity/{id}"): no ids, no query.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Status is the answer's HTTP status code.
	Status int `json:"status"`
	// Mismatches lists every disagreement, in body order; at most
	// MaxMismatches, Truncated telling when more were found.
	Mismatches []Mismatch `json:"mismatches"`
	Truncated  bool       `json:"truncated,omitempty"`
	// Err is the vendor error of a non-2xx answer, nil for a 2xx one.
	Err error `json:"-"`
}

// MaxMismatches bounds the Mismatches of one answer.
const MaxMismatches = 50

// Error names the operation, the status and the mismatches.
func (e *SpecMismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oasuite: %s answer to %s (%s %s) disagrees with the spec: status %d", e.Vendor, e.Operation, e.Method, e.Path, e.Status)
	for i, m := range e.Mismatches {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Mismatches)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(m.String())
	}
	if e.Err != nil {
		b.WriteString(" (answer: ")
		b.WriteString(e.Err.Error())
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the vendor error of a non-2xx answer.
func (e *SpecMismatchError) Unwrap() error { return e.Err }

// MissingFieldError is returned by an iterator or helper when a 2xx answer
// lacks what it needs to go on: the records of a list page, its "next"
// link, a field it reads. Iterators never end silently on such a page,
// whatever the validation mode: a renamed field is an error, not an empty
// list.
type MissingFieldError struct {
	// Vendor is "bidcore", "bqecore", "bouquet", "beproduct" or "procurios".
	Vendor string
	// Method and Path are the request's (the URL path only: no host, no
	// query).
	Method, Path string
	// Status is the answer's status code.
	Status int
	// Field is the JSON field that is missing or unreadable ("" for the
	// whole body).
	Field string
	// Want says what the helper expected there ("the page's records").
	Want string
	// Err is the decoding error, when there was one.
	Err error
}

// Error names the request, the field and what was expected; never a value.
func (e *MissingFieldError) Error() string {
	what := "the body"
	if e.Field != "" {
		what = fmt.Sprintf("%q", e.Field)
	}
	s := fmt.Sprintf("%s: the %d answer to %s %s has no readable %s (%s): the server disagrees with the spec (run `oasuite check %s`)",
		e.Vendor, e.Status, e.Method, e.Path, what, e.Want, e.Vendor)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the decoding error.
func (e *MissingFieldError) Unwrap() error { return e.Err }

// MissingField is the *MissingFieldError of vendor's 2xx answer resp (its
// status, and its request's method and URL path, when resp has them): the
// one constructor every vendor package's page readers use.
func MissingField(vendor string, resp *http.Response, field, want string, err error) *MissingFieldError {
	e := &MissingFieldError{Vendor: vendor, Field: field, Want: want, Err: err}
	if resp != nil {
		e.Status = resp.StatusCode
		if resp.Request != nil && resp.Request.URL != nil {
			e.Method, e.Path = resp.Request.Method, resp.Request.URL.Path
		}
	}
	return e
}
