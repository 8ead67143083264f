package bqecore

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
)

// Status sentinels, shared by every oasuite vendor package: test an error with
// errors.Is(err, bqecore.ErrNotFound).
var (
	ErrBadRequest      = pipeline.ErrBadRequest
	ErrUnauthorized    = pipeline.ErrUnauthorized
	ErrForbidden       = pipeline.ErrForbidden
	ErrNotFound        = pipeline.ErrNotFound
	ErrConflict        = pipeline.ErrConflict
	ErrUnsupportedType = pipeline.ErrUnsupportedMediaType
	ErrTooManyRequests = pipeline.ErrTooManyRequests
	ErrServer          = pipeline.ErrServer
)

// ErrForeignHost matches a request or server-given link that was not sent
// because it left the API's origin (scheme, host, port): credentials never
// go anywhere else. ErrInsecureRedirect matches an https → http redirect,
// which is never followed.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// ErrNoCredentials is returned by [New] without [WithTokenSource]: CORE
// answers every call without a token "Not authenticated", so a client that
// would send none is refused unless [WithoutCredentials] says so.
var ErrNoCredentials = errors.New("bqecore: no credentials: use WithTokenSource (see OAuthConfig), or WithoutCredentials to send none")

// ErrEndpointNotAllowed matches an [*EndpointError].
var ErrEndpointNotAllowed = errors.New("bqecore: token endpoint not allowed")

// EndpointError is returned, before anything is sent, when the token's
// "endpoint" field names an API base URL outside https://*.bqecore.com and
// the hosts of [WithEndpointHosts].
type EndpointError struct {
	URL string // the endpoint named by the token, redacted
}

func (e *EndpointError) Error() string {
	return "bqecore: the token names API endpoint " + e.URL + ", which is not on " + VendorDomain +
		" nor allowed by WithEndpointHosts; the token is not sent there"
}

// Is makes an EndpointError match ErrEndpointNotAllowed and ErrForeignHost.
func (e *EndpointError) Is(target error) bool {
	return target == ErrEndpointNotAllowed || target == ErrForeignHost
}

// ErrNotAuthenticated matches every authentication failure CORE reports: a 401,
// and the HTTP 200 answer whose body is the JSON string "Not authenticated"
// (https://api-explorer.bqecore.com/docs/getting-started#base-url). The client
// has already forced one token refresh and replayed the call when it returns
// such an error.
var ErrNotAuthenticated = errors.New("bqecore: not authenticated")

// ErrVersionConflict matches a PATCH refused because its version was not the
// record's latest (optimistic concurrency): reload the record and try again.
// Assumption: CORE answers a stale version with 409, so ErrConflict matches too.
var ErrVersionConflict = errors.New("bqecore: stale record version")

// Error is a failed BQE CORE call: a non-2xx answer, or a 200 "Not
// authenticated". Use errors.As to read it and errors.Is with the sentinels.
type Error struct {
	// StatusCode is the HTTP status (200 for the "Not authenticated" answer).
	StatusCode int
	// Method and URL name the request; the URL has credentials redacted.
	Method, URL string
	// RetryAfter is the server's Retry-After (429), zero when absent.
	RetryAfter time.Duration
	// Message is CORE's error message (the "Message" field of its JSON error).
	Message string
	// Fields holds every field of CORE's JSON error body (nil when it was not a
	// JSON object).
	Fields map[string]any
	// NotAuthenticated is set for the 200 "Not authenticated" answer.
	NotAuthenticated bool
	// RateLimit is the X-Rate-Limit-* state the failed answer reported (a
	// 429's tells when the window resets); nil when it carried none.
	RateLimit *RateLimit
}

// Error reads like `bqecore: PATCH https://…/employee/1: 409 Conflict: version mismatch`.
func (e *Error) Error() string {
	s := fmt.Sprintf("bqecore: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.NotAuthenticated {
		s += " (Not authenticated)"
	}
	if e.Message != "" && !e.NotAuthenticated {
		s += ": " + e.Message
	}
	return s
}

// Is matches the status sentinel of the answer (ErrNotFound, ErrConflict, …),
// ErrNotAuthenticated for a 401 or the 200 "Not authenticated" answer (which
// also matches ErrUnauthorized), and ErrVersionConflict for a 409.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotAuthenticated:
		return e.NotAuthenticated || e.StatusCode == 401
	case ErrUnauthorized:
		return e.NotAuthenticated || e.StatusCode == 401
	case ErrVersionConflict:
		return e.StatusCode == 409
	}
	if e.NotAuthenticated {
		return false
	}
	s := pipeline.StatusSentinel(e.StatusCode)
	return s != nil && s == target
}

// mapError is the pipeline Doer's MapError: it reads CORE's JSON error body.
func mapError(r *pipeline.ErrorResponse) error {
	e := &Error{StatusCode: r.StatusCode, Method: r.Method, URL: r.URL, RetryAfter: r.RetryAfter, RateLimit: rateLimitOf(r.Header)}
	var body map[string]any
	if json.Unmarshal(r.Body, &body) == nil {
		e.Fields = body
		for _, k := range []string{"Message", "message"} {
			if m, ok := body[k].(string); ok {
				e.Message = m
				break
			}
		}
	} else {
		var s string
		if json.Unmarshal(r.Body, &s) == nil {
			e.Message = s
		}
	}
	return e
}

// ErrBatchJob matches a [*BatchJobError].
var ErrBatchJob = errors.New("bqecore: batch answered a job instead of the saved records")

// BatchJobError is returned by a batch call (POST …/batch) whose answer is
// not the array of saved records: a 202 Accepted, or a JSON object.
//
// The spec models batches as synchronous, answering the saved records in
// order: that is the only shape client code could rely on. A third-party
// summary of the API Explorer (abobneil/BQECore, Notes.md) says batch
// endpoints "return a Job" to be treated as asynchronous, but no BQE sample
// calls a batch route and neither the job's fields nor a route to wait for
// it are known. If CORE answers a job, this error hands it over (Job) instead
// of a parse error or an empty result; whether the records were saved is then
// for the caller to check (list them, e.g. by lastUpdated).
type BatchJobError struct {
	// StatusCode is the answer's status (202, or 200/201 with an object).
	StatusCode int
	// Method and URL name the request; the URL has credentials redacted.
	Method, URL string
	// Job holds the answer's JSON object (nil when it was not one).
	Job map[string]any
}

// Error names the request and the job's field names, never their values.
func (e *BatchJobError) Error() string {
	keys := make([]string, 0, len(e.Job))
	for k := range e.Job {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return fmt.Sprintf("bqecore: %s %s: %d: the batch answered a job (fields %v) instead of the saved records; "+
		"the job's shape is not documented: read BatchJobError.Job", e.Method, e.URL, e.StatusCode, keys)
}

// Is makes a BatchJobError match ErrBatchJob.
func (e *BatchJobError) Is(target error) bool { return target == ErrBatchJob }
