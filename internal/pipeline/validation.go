package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/oasuite/sdk/validate"
)

// Checker is the engine of response validation: it knows one vendor's spec.
// Package validate/openapi provides it (with kin-openapi) and registers it
// with RegisterChecker when a program imports it, so that programs without
// validation link neither the engine nor a spec parser.
type Checker interface {
	// Operation returns the operationId and path template the spec has for
	// method and the escaped URL path p ("", "" when none).
	Operation(method, p string) (operationID, template string)
	// WantsBody reports whether the answer of that operation with status
	// and header has a JSON body the spec declares a schema for (so it must
	// be read to be judged; files and other media are streamed).
	WantsBody(method, p string, status int, header http.Header) bool
	// Check compares one answer to the operation of method and u's path.
	// It returns nil when they agree or the spec has no such operation; its
	// Vendor field is left for the caller. Body values never reach it.
	Check(method string, u *url.URL, status int, header http.Header, body []byte) *validate.SpecMismatchError
}

var (
	checkerMu  sync.RWMutex
	newChecker func(vendor string, spec []byte) (Checker, error)
)

// RegisterChecker installs the engine that NewResponseValidator uses: f
// parses one vendor's spec (JSON or YAML). validate/openapi calls it from
// its init function.
func RegisterChecker(f func(vendor string, spec []byte) (Checker, error)) {
	checkerMu.Lock()
	newChecker = f
	checkerMu.Unlock()
}

// ResponseValidator checks answers against their operation in one vendor's
// spec: the declared statuses, media types and JSON schemas. A Doer with a
// ResponseValidator checks every answer it returns; a nil one (validate.Off)
// costs nothing.
//
// The operation is found from the request's method and path: the path's
// last segments are matched against the spec's path templates, so any base
// URL (a tenant, a data centre, a fake on loopback) routes the same. A
// request the spec has no operation for is not checked.
type ResponseValidator struct {
	vendor  string
	mode    validate.Mode
	logger  *slog.Logger
	checker Checker
}

// NewResponseValidator returns the validator of vendor's spec (the compact
// JSON of gen/<vendor>api.SpecJSON, or the YAML of specs/) in mode, logging
// to logger (nil: slog.Default()) in validate.Log mode. It returns nil, nil
// for validate.Off, and validate.ErrValidatorNotLinked when the program does
// not import validate/openapi.
func NewResponseValidator(vendor, spec string, mode validate.Mode, logger *slog.Logger) (*ResponseValidator, error) {
	if mode == validate.Off {
		return nil, nil
	}
	if mode != validate.Log && mode != validate.Strict {
		return nil, fmt.Errorf("oasuite: unknown validation mode %d", int(mode))
	}
	checkerMu.RLock()
	f := newChecker
	checkerMu.RUnlock()
	if f == nil {
		return nil, validate.ErrValidatorNotLinked
	}
	c, err := f(vendor, []byte(spec))
	if err != nil {
		return nil, err
	}
	return &ResponseValidator{vendor: vendor, mode: mode, logger: logger, checker: c}, nil
}

// Mode returns the validator's mode.
func (v *ResponseValidator) Mode() validate.Mode { return v.mode }

// Operation returns the operationId and path template the spec has for
// method and the URL path p ("", "" when none).
func (v *ResponseValidator) Operation(method, p string) (operationID, template string) {
	return v.checker.Operation(method, p)
}

// Check compares one answer (status, header and body) to the operation of
// method and the URL path p. It returns nil when they agree or the spec has
// no such operation. Body values never reach the result.
func (v *ResponseValidator) Check(method string, u *url.URL, status int, header http.Header, body []byte) *validate.SpecMismatchError {
	e := v.checker.Check(method, u, status, header, body)
	if e == nil {
		return nil
	}
	e.Vendor = v.vendor
	if len(e.Mismatches) > validate.MaxMismatches {
		e.Mismatches, e.Truncated = e.Mismatches[:validate.MaxMismatches], true
	}
	return e
}

// report logs e in Log mode (one record per mismatch) and returns it in
// Strict mode; nil otherwise.
func (v *ResponseValidator) report(ctx context.Context, e *validate.SpecMismatchError) error {
	if e == nil {
		return nil
	}
	if v.mode == validate.Strict {
		return e
	}
	l := v.logger
	if l == nil {
		l = slog.Default()
	}
	for _, m := range e.Mismatches {
		l.LogAttrs(ctx, slog.LevelWarn, "oasuite: answer disagrees with the spec",
			slog.String("vendor", e.Vendor), slog.String("operation", e.Operation),
			slog.String("method", e.Method), slog.String("path", e.Path), slog.Int("status", e.Status),
			slog.String("kind", m.Kind), slog.String("pointer", m.Pointer), slog.String("schema", m.Schema),
			slog.String("reason", m.Reason), slog.Int("count", m.Count))
	}
	return nil
}

// validate2xx reads a 2xx answer's body (putting it back) and checks it.
// In Strict mode a mismatch closes the body and is returned.
func (v *ResponseValidator) validate2xx(req *http.Request, resp *http.Response) error {
	p := req.URL.EscapedPath()
	if _, tmpl := v.checker.Operation(req.Method, p); tmpl == "" {
		return nil
	}
	var body []byte
	if resp.Body != nil && resp.Body != http.NoBody && v.checker.WantsBody(req.Method, p, resp.StatusCode, resp.Header) {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		body = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	err := v.report(req.Context(), v.Check(req.Method, req.URL, resp.StatusCode, resp.Header, body))
	if err != nil {
		resp.Body.Close()
	}
	return err
}

// validateError checks a non-2xx answer read into er; mapped is the
// vendor's error for it. It returns the error the call returns.
func (v *ResponseValidator) validateError(req *http.Request, er *ErrorResponse, mapped error) error {
	body := er.Body
	if er.Truncated {
		body = nil // cannot be judged: only the status and media type are
	}
	e := v.Check(req.Method, req.URL, er.StatusCode, er.Header, body)
	if e != nil && er.Truncated {
		e.Mismatches = slices.DeleteFunc(e.Mismatches, func(m validate.Mismatch) bool { return m.Kind == validate.KindBody })
		if len(e.Mismatches) == 0 {
			e = nil
		}
	}
	if e != nil {
		e.Err = mapped
	}
	if err := v.report(req.Context(), e); err != nil {
		return err
	}
	return mapped
}
