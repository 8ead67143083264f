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

// ErrForeignHost matches a request or server-given link that was not sent
// because it left the API's origin (scheme, host, port): credentials never
// go anywhere else. ErrInsecureRedirect matches an https → http redirect,
// which is never followed.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// ErrNoCredentials is returned by [New] without [WithTokenSource]: a
// client that would send no token is refused unless [WithoutCredentials]
// says so (the login calls of [OAuthConfig] need no client).
var ErrNoCredentials = errors.New("bouquet: no credentials: use WithTokenSource (see OAuthConfig), or WithoutCredentials to send none")

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
	// TypeConcurrentModification answers an update whose _vctrl is stale (409).
	TypeConcurrentModification = "ConcurrentModificationAPIException"
)

// ErrUnexpectedStatus matches an [*Error] for a 2xx answer Bouquet does not
// document for the request's method (e.g. 202, or 204 to a GET): the client
// cannot read it as the typed result.
var ErrUnexpectedStatus = errors.New("bouquet: unexpected answer status")

// redactParams are the query parameters redacted from URLs beyond the token:
// validateConnection sends the database password in the query.
var redactParams = []string{"password", "assertion"}

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
	// NoError reports an error Bouquet sent as HTTP 200 because the request
	// carried no_error; StatusCode is then the status its Type stands for.
	NoError bool

	retryAfterSecs int
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
	switch target {
	case ErrComputingInProgress:
		return e.ComputingInProgress()
	case ErrUnexpectedStatus:
		return e.StatusCode >= 200 && e.StatusCode < 300 && !e.ComputingInProgress()
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
	RetryAfter   int              `json:"retryAfter"`
}

// mapError is the pipeline Doer's MapError: non-2xx answers become *Error.
func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter}
	fillError(e, r.Body)
	return e
}

// fillError copies an APIException body into e; it reports whether body
// was one (a JSON object with a type).
func fillError(e *Error, body []byte) bool {
	var b errorBody
	if json.Unmarshal(body, &b) != nil || b.Type == "" {
		return false
	}
	if b.Code != nil {
		e.Code = *b.Code
	}
	e.Type, e.Message, e.APIError = b.Type, b.Error, b.APIError
	e.LoginURL, e.SelfLoginURL = b.LoginURL, b.SelfLoginURL
	e.QueryID, e.StatusLink, e.Suppressed = b.QueryID, b.StatusLink, b.Suppressed
	e.retryAfterSecs = b.RetryAfter
	return true
}

// doer adds Bouquet's 2xx quirks to the pipeline's Doer, so that no 2xx
// answer reaches the generated parser in a shape that would leave JSON200 nil
// without an error:
//   - an APIException body sent with HTTP 200 is an *Error: the
//     ComputingInProgressAPIException bouquet-server always sends with 200
//     and Retry-After, and any exception when the request carried no_error
//     (APIException.getCode answers 200 then; StatusCode is the status the
//     exception class stands for, NoError is set);
//   - 201 Created (getting-started page) to a POST or PUT is handed on as
//     the 200 the spec's typed field reads;
//   - 204 No Content (getting-started page) to a DELETE is handed on as the
//     200 true bouquet-server sends;
//   - any other 2xx is an *Error matching [ErrUnexpectedStatus].
type doer struct{ inner *pipeline.Doer }

// computingPeek is how much of a 200 body is looked at for an exception.
const computingPeek = 1 << 10

// Do sends req through the pipeline and applies Bouquet's 2xx rules.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if err != nil {
		return resp, err
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		return d.exceptionIn200(req, resp)
	case resp.StatusCode == http.StatusCreated && (req.Method == http.MethodPost || req.Method == http.MethodPut):
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
		return d.exceptionIn200(req, resp)
	case resp.StatusCode == http.StatusNoContent && req.Method == http.MethodDelete:
		resp.Body.Close()
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
		resp.Header.Set("Content-Type", "application/json")
		resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader("true")), 4
		return resp, nil
	default:
		resp.Body.Close()
		return nil, &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: pipeline.RedactURL(req.URL, redactParams...),
			Message: fmt.Sprintf("answer status %d is not one Bouquet documents for %s", resp.StatusCode, req.Method)}
	}
}

// exceptionIn200 reads a JSON 200 whose start names an exception class and
// returns it as an *Error when it is an APIException body.
func (d *doer) exceptionIn200(req *http.Request, resp *http.Response) (*http.Response, error) {
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return resp, nil // files (exports, renders) are streamed untouched
	}
	head, perr := pipeline.PeekBody(resp, computingPeek)
	if perr != nil || !bytes.Contains(head, []byte(`Exception"`)) {
		return resp, nil
	}
	orig := resp.Body
	body, rerr := io.ReadAll(io.LimitReader(orig, pipeline.DefaultBodyLimit))
	if rerr != nil {
		orig.Close()
		return nil, fmt.Errorf("bouquet: reading answer: %w", rerr)
	}
	e := &Error{StatusCode: resp.StatusCode, Method: req.Method, URL: pipeline.RedactURL(req.URL, redactParams...)}
	if !fillError(e, body) || !strings.HasSuffix(e.Type, "Exception") {
		// A result that merely mentions an exception class: hand it back whole.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), orig), orig}
		return resp, nil
	}
	orig.Close()
	if ra, ok := pipeline.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	} else if e.retryAfterSecs > 0 {
		e.RetryAfter = time.Duration(e.retryAfterSecs) * time.Second
	}
	if !e.ComputingInProgress() {
		e.NoError = true
		e.StatusCode = statusOfType(e.Type)
	}
	return nil, e
}

// exceptionAnswer reports a 2xx JSON answer whose start names an exception
// class (ComputingInProgress, errors under no_error): the doer reads it as an
// *Error, so it is not checked against the operation's schema.
func exceptionAnswer(resp *http.Response) bool {
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return false
	}
	head, err := pipeline.PeekBody(resp, computingPeek)
	return err == nil && bytes.Contains(head, []byte(`Exception"`))
}

// authFailed is the pipeline's AuthFailed hook: a 401, or an
// InvalidTokenAPIException sent as HTTP 200 under no_error, makes the token
// source log in again once.
func authFailed(resp *http.Response) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		return true
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return false
	}
	head, err := pipeline.PeekBody(resp, computingPeek)
	return err == nil && bytes.Contains(head, []byte(`"`+TypeInvalidToken+`"`))
}

// statusOfType is the HTTP status an exception class answers without
// no_error (the getErrorCode of bouquet-server's APIException subclasses).
func statusOfType(typ string) int {
	switch typ {
	case TypeBadRequest, "InvalidIdAPIException":
		return http.StatusBadRequest
	case TypeInvalidToken:
		return http.StatusUnauthorized
	case TypeInvalidCredentials:
		return http.StatusForbidden
	case TypeObjectNotFound:
		return http.StatusNotFound
	case TypeConcurrentModification, "DuplicateUserException":
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

type readCloser struct {
	io.Reader
	io.Closer
}
