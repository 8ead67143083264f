package bouquet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
)

// Status sentinels, shared by every oasuite package: errors.Is(err,
// bouquet.ErrNotFound) is true for any Bouquet 404.
var (
	ErrBadRequest       = pipeline.ErrBadRequest
	ErrUnauthorized     = pipeline.ErrUnauthorized
	ErrRequestFailed    = pipeline.ErrPaymentRequired // 402 "Request Failed" on the getting-started page
	ErrForbidden        = pipeline.ErrForbidden
	ErrNotFound         = pipeline.ErrNotFound
	ErrConflict         = pipeline.ErrConflict
	ErrTooManyRequests  = pipeline.ErrTooManyRequests
	ErrServer           = pipeline.ErrServer
	ErrGatewayTimeout   = pipeline.ErrGatewayTimeout
	ErrMethodNotAllowed = pipeline.ErrMethodNotAllowed
)

// ErrComputingInProgress matches an [*Error] for Bouquet's
// ComputingInProgressAPIException: HTTP 200 with a Retry-After header, the
// result is not ready yet. Its RetryAfter says when to ask again.
var ErrComputingInProgress = errors.New("bouquet: computing in progress")

// Exception class names Bouquet puts in an error's Type.
const (
	TypeInvalidToken        = "InvalidTokenAPIException"
	TypeInvalidCredentials  = "InvalidCredentialsAPIException"
	TypeObjectNotFound      = "ObjectNotFoundAPIException"
	TypeBadRequest          = "BadRequestAPIException"
	TypeComputingInProgress = "ComputingInProgressAPIException"
)

// Error is a Bouquet error answer: the HTTP exchange (status, method, URL
// with the token redacted, Retry-After) and Bouquet's APIException body
// (https://demo.openbouquet.io "API introduction", Errors). Use errors.As to
// get it and errors.Is with the status sentinels or [ErrComputingInProgress].
type Error struct {
	StatusCode int
	Method     string
	URL        string // redacted: no token in it
	RetryAfter time.Duration

	// Code is the body's "code" (the HTTP status Bouquet meant).
	Code int
	// Type is the exception class, e.g. "InvalidTokenAPIException".
	Type string
	// Message is the body's "error" text.
	Message string
	// APIError is the machine-readable reason, e.g. "COMPUTING_IN_PROGRESS".
	APIError string
	// LoginURL and SelfLoginURL come with InvalidTokenAPIException (401).
	LoginURL     string
	SelfLoginURL string
	// QueryID and StatusLink come with ComputingInProgressAPIException.
	QueryID    string
	StatusLink string
	// Suppressed is the body's "suppressed" list, as sent.
	Suppressed []map[string]any
}

// Error reads like "GET https://host/path: 404 ObjectNotFoundAPIException: no project p1".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("bouquet: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(" ")
	}
	b.WriteString(e.URL)
	fmt.Fprintf(&b, ": %d", e.StatusCode)
	if t := e.Type; t != "" {
		b.WriteString(" ")
		b.WriteString(t)
	} else if s := http.StatusText(e.StatusCode); s != "" {
		b.WriteString(" ")
		b.WriteString(s)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Is matches the status sentinel of the answer's code, and
// [ErrComputingInProgress] for a ComputingInProgressAPIException.
func (e *Error) Is(target error) bool {
	if target == ErrComputingInProgress {
		return e.ComputingInProgress()
	}
	s := pipeline.StatusSentinel(e.StatusCode)
	return s != nil && s == target
}

// ComputingInProgress reports whether the result is still being computed.
func (e *Error) ComputingInProgress() bool {
	return e.Type == TypeComputingInProgress || e.APIError == "COMPUTING_IN_PROGRESS"
}

// errorBody is Bouquet's APIException JSON.
type errorBody struct {
	Code         *int             `json:"code"`
	Type         string           `json:"type"`
	Error        string           `json:"error"`
	APIError     string           `json:"apiError"`
	LoginURL     string           `json:"loginURL"`
	SelfLoginURL string           `json:"selfLoginURL"`
	QueryID      string           `json:"queryID"`
	StatusLink   string           `json:"statusLink"`
	Suppressed   []map[string]any `json:"suppressed"`
}

// mapError is the pipeline Doer's MapError: non-2xx answers become *Error.
func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
	fillError(e, r.Body)
	return e
}

func fillError(e *Error, body []byte) {
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return
	}
	if b.Code != nil {
		e.Code = *b.Code
	}
	e.Type, e.Message, e.APIError = b.Type, b.Error, b.APIError
	e.LoginURL, e.SelfLoginURL = b.LoginURL, b.SelfLoginURL
	e.QueryID, e.StatusLink, e.Suppressed = b.QueryID, b.StatusLink, b.Suppressed
}

// doer adds Bouquet's one 2xx quirk to the pipeline's Doer: a
// ComputingInProgressAPIException sent with HTTP 200 (ExceptionsMapper sets
// the status from the exception, 200 for this one, plus Retry-After).
type doer struct{ inner *pipeline.Doer }

// computingPeek is how much of a 200 body is looked at for the marker.
const computingPeek = 1 << 10

// Do sends req through the pipeline and reports a ComputingInProgress 200 as an *Error.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	head, perr := pipeline.PeekBody(resp, computingPeek)
	if perr != nil || !bytes.Contains(head, []byte(TypeComputingInProgress)) {
		return resp, nil
	}
	orig := resp.Body
	body, rerr := io.ReadAll(io.LimitReader(orig, pipeline.DefaultBodyLimit))
	if rerr != nil {
		orig.Close()
		return nil, fmt.Errorf("bouquet: reading answer: %w", rerr)
	}
	e := &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: pipeline.RedactURL(req.URL)}
	fillError(e, body)
	if !e.ComputingInProgress() {
		// A result that merely mentions the class name: hand it back whole.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), orig), orig}
		return resp, nil
	}
	orig.Close()
	if ra, ok := pipeline.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	return nil, e
}

type readCloser struct {
	io.Reader
	io.Closer
}
