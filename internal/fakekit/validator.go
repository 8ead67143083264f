package fakekit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Route is what the Validator matched for a request; handlers read it with RouteOf.
type Route struct {
	// OperationID is the spec operation's operationId ("METHOD /path" when it has none).
	OperationID string
	// Path is the spec's path template, without the base path ("/activity/{id}").
	Path string
	// Params are the path parameters, unescaped. They are also set as r.PathValue(name).
	Params map[string]string
}

type routeKey struct{}

// RouteOf returns the Route the Validator matched for the request's context.
func RouteOf(ctx context.Context) (*Route, bool) {
	rt, ok := ctx.Value(routeKey{}).(*Route)
	return rt, ok
}

// ErrorWriter writes the Validator's own answers: 404 (no such operation), 405, 400 (the
// request breaks the spec), 413 (body too large) and 501 (no handler). problems lists what
// is wrong, one line each.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, status int, problems []string)

// ValidatorOption configures NewValidator.
type ValidatorOption func(*Validator)

// WithBasePath mounts the spec's paths under prefix ("/api/v2", "/l", "/release/v4.2"); the
// spec's servers are ignored.
func WithBasePath(prefix string) ValidatorOption {
	return func(v *Validator) { v.basePath = strings.TrimSuffix(prefix, "/") }
}

// WithCoverage records every served operation in c (shareable by many fakes of one spec).
func WithCoverage(c *OpCoverage) ValidatorOption { return func(v *Validator) { v.coverage = c } }

// WithBodyLimit caps request bodies (default DefaultBodyLimit); larger bodies answer 413.
func WithBodyLimit(n int64) ValidatorOption { return func(v *Validator) { v.bodyLimit = n } }

// WithErrorWriter replaces the default JSON error answers
// ({"error":"…","problems":["…"]}) with the vendor's error shape.
func WithErrorWriter(fn ErrorWriter) ValidatorOption { return func(v *Validator) { v.onError = fn } }

// Validator is an http.Handler that routes requests by the OpenAPI spec, validates them with
// kin-openapi's openapi3filter (security checks disabled: authentication is the fake's own
// job) and dispatches them to the handlers registered per operationId. Unknown paths answer
// 404, known paths with another method 405, invalid requests 400.
type Validator struct {
	doc       *openapi3.T
	router    routers.Router
	basePath  string
	coverage  *OpCoverage
	bodyLimit int64
	onError   ErrorWriter
	ops       map[string]bool
	served    OpCoverage // this validator's own count, whatever coverage is shared

	mu       sync.RWMutex
	handlers map[string]http.Handler
}

func loadSpec(specYAML []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(specYAML)
	if err != nil {
		return nil, fmt.Errorf("fakekit: load spec: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("fakekit: invalid spec: %w", err)
	}
	return doc, nil
}

// opName is the coverage/dispatch name of an operation.
func opName(method, path string, op *openapi3.Operation) string {
	if op.OperationID != "" {
		return op.OperationID
	}
	return method + " " + path
}

// NewValidator parses and validates an OpenAPI 3 spec (YAML or JSON) and returns a Validator
// for it.
func NewValidator(specYAML []byte, opts ...ValidatorOption) (*Validator, error) {
	doc, err := loadSpec(specYAML)
	if err != nil {
		return nil, err
	}
	v := &Validator{doc: doc, bodyLimit: DefaultBodyLimit, onError: defaultErrorWriter,
		ops: map[string]bool{}, handlers: map[string]http.Handler{}}
	for _, o := range opts {
		o(v)
	}
	// Match by path under the base path, whatever host the fake runs on.
	base := v.basePath
	if base == "" {
		base = "/"
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	for path, item := range doc.Paths.Map() {
		item.Servers = nil
		for method, op := range item.Operations() {
			v.ops[opName(method, path, op)] = true
		}
	}
	if v.router, err = gorillamux.NewRouter(doc); err != nil {
		return nil, fmt.Errorf("fakekit: build router: %w", err)
	}
	return v, nil
}

// Handle registers h for the operation named operationID. It panics when the spec has no such
// operation, like http.ServeMux on a bad pattern: that is a bug in the fake.
func (v *Validator) Handle(operationID string, h http.Handler) {
	if !v.ops[operationID] {
		panic(fmt.Sprintf("fakekit: spec has no operation %q", operationID))
	}
	v.mu.Lock()
	v.handlers[operationID] = h
	v.mu.Unlock()
}

// HandleFunc registers fn for the operation named operationID (see Handle).
func (v *Validator) HandleFunc(operationID string, fn func(http.ResponseWriter, *http.Request)) {
	v.Handle(operationID, http.HandlerFunc(fn))
}

// Operations returns every operation of the spec, sorted.
func (v *Validator) Operations() []string {
	out := make([]string, 0, len(v.ops))
	for op := range v.ops {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}

// Unhandled returns the spec operations that have no handler, sorted.
func (v *Validator) Unhandled() []string {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out []string
	for _, op := range v.Operations() {
		if v.handlers[op] == nil {
			out = append(out, op)
		}
	}
	return out
}

// Served returns how many requests of operationID passed validation and
// reached their handler (the fakes' Requests).
func (v *Validator) Served(operationID string) int { return v.served.Count(operationID) }

// OperationOf returns the operation a request would be routed to, or "" (for Faults.Wrap).
func (v *Validator) OperationOf(r *http.Request) string {
	route, _, err := v.router.FindRoute(r)
	if err != nil {
		return ""
	}
	return opName(route.Method, route.Path, route.Operation)
}

// ServeHTTP routes, validates and dispatches r.
func (v *Validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			if allow := v.allowed(r); allow != "" {
				w.Header().Set("Allow", allow)
			}
			v.onError(w, r, http.StatusMethodNotAllowed, []string{r.Method + " is not allowed on " + r.URL.Path})
			return
		}
		v.onError(w, r, http.StatusNotFound, []string{"no operation in the spec for " + r.Method + " " + r.URL.Path})
		return
	}
	name := opName(route.Method, route.Path, route.Operation)
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(w, r.Body, v.bodyLimit)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			SkipSettingDefaults: true,
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		},
	}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			v.onError(w, r, http.StatusRequestEntityTooLarge, []string{fmt.Sprintf("request body exceeds %d bytes", v.bodyLimit)})
			return
		}
		v.onError(w, r, http.StatusBadRequest, problems(err))
		return
	}
	v.mu.RLock()
	h := v.handlers[name]
	v.mu.RUnlock()
	if h == nil {
		v.onError(w, r, http.StatusNotImplemented, []string{"the fake does not implement " + name})
		return
	}
	if v.coverage != nil {
		v.coverage.Record(name)
	}
	v.served.Record(name)
	rt := &Route{OperationID: name, Path: route.Path, Params: map[string]string{}}
	for k, val := range params {
		if u, err := url.PathUnescape(val); err == nil {
			val = u
		}
		rt.Params[k] = val
		r.SetPathValue(k, val)
	}
	h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), routeKey{}, rt)))
}

// allowed lists the methods the spec defines for the request's path.
func (v *Validator) allowed(r *http.Request) string {
	var out []string
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := v.router.FindRoute(probe); err == nil {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

func defaultErrorWriter(w http.ResponseWriter, _ *http.Request, status int, problems []string) {
	WriteJSON(w, status, map[string]any{"error": http.StatusText(status), "problems": problems})
}

// problems flattens a validation error into one line per problem.
func problems(err error) []string {
	var out []string
	var walk func(prefix string, err error)
	walk = func(prefix string, err error) {
		if me, ok := err.(openapi3.MultiError); ok && len(me) > 0 {
			for _, e := range me {
				walk(prefix, e)
			}
			return
		}
		if re, ok := err.(*openapi3filter.RequestError); ok {
			where := "request"
			switch {
			case re.Parameter != nil:
				where = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
			case re.RequestBody != nil:
				where = "request body"
			}
			if re.Err == nil {
				out = append(out, where+": "+re.Reason)
				return
			}
			walk(where, re.Err)
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			p := prefix
			if ptr := se.JSONPointer(); len(ptr) > 0 {
				p += " at /" + strings.Join(ptr, "/")
			}
			out = append(out, p+": "+se.Reason)
			return
		}
		if prefix != "" {
			out = append(out, prefix+": "+err.Error())
			return
		}
		out = append(out, err.Error())
	}
	walk("", err)
	return out
}
