// Package openapi is the engine of response validation (kin-openapi). A
// program that uses WithResponseValidation(validate.Log or validate.Strict)
// on any oasuite client imports it once, for its side effect:
//
//	import _ "github.com/oasuite/sdk/validate/openapi"
//
// It is a package of its own so that programs which never validate link no
// OpenAPI, YAML or JSON Schema library: a vendor package embeds only its
// compact JSON spec (gen/<vendor>api/spec.gen.json), and this package parses
// it, once per process and spec, when the first validating client is made.
package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
)

func init() { pipeline.RegisterChecker(newChecker) }

// checker is one parsed spec.
type checker struct {
	index *specIndex
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*checker{} // by vendor + "\x00" + spec
)

// newChecker parses spec (JSON or YAML) once per process.
func newChecker(vendor string, spec []byte) (pipeline.Checker, error) {
	key := vendor + "\x00" + string(spec)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if c := cache[key]; c != nil {
		return c, nil
	}
	if len(bytes.TrimSpace(spec)) == 0 {
		return nil, fmt.Errorf("oasuite: no %s spec to validate against", vendor)
	}
	idx, err := buildIndex(vendor, spec)
	if err != nil {
		return nil, err
	}
	c := &checker{index: idx}
	cache[key] = c
	return c, nil
}

func (c *checker) Operation(method, p string) (operationID, template string) {
	r := c.index.match(method, p)
	if r == nil {
		return "", ""
	}
	return r.op.OperationID, r.path
}

func (c *checker) WantsBody(method, p string, status int, h http.Header) bool {
	r := c.index.match(method, p)
	return r != nil && wantsBody(r.op, status, h)
}

func (c *checker) Check(method string, u *url.URL, status int, header http.Header, body []byte) *validate.SpecMismatchError {
	r := c.index.match(method, u.EscapedPath())
	if r == nil {
		return nil
	}
	ms := checkAnswer(r.op, status, header, body)
	if len(ms) == 0 {
		return nil
	}
	return &validate.SpecMismatchError{Operation: r.op.OperationID, Method: r.method, Path: r.path, Status: status, Mismatches: ms}
}

// wantsBody reports whether the answer's declared media type is JSON, so the
// body must be read to be judged. Files and other media are streamed.
func wantsBody(op *openapi3.Operation, status int, h http.Header) bool {
	rr := op.Responses.Status(status)
	if rr == nil || rr.Value == nil {
		return false
	}
	mt := rr.Value.Content.Get(h.Get("Content-Type"))
	return mt != nil && mt.Schema != nil && isJSON(h.Get("Content-Type"))
}

// checkAnswer lists how an answer disagrees with op.
func checkAnswer(op *openapi3.Operation, status int, h http.Header, body []byte) []validate.Mismatch {
	rr := op.Responses.Status(status)
	if rr == nil {
		rr = op.Responses.Default()
	}
	if rr == nil || rr.Value == nil {
		return []validate.Mismatch{{Kind: validate.KindStatus, Reason: fmt.Sprintf("status %d is not declared (the spec declares %s)", status, strings.Join(declaredStatuses(op), ", ")), Count: 1}}
	}
	content := rr.Value.Content
	ct := h.Get("Content-Type")
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 && ct != "" {
			return []validate.Mismatch{{Kind: validate.KindContentType, Reason: fmt.Sprintf("a %s body where the spec declares none for %d", mediaType(ct), status), Count: 1}}
		}
		return nil
	}
	mt := content.Get(ct)
	if mt == nil {
		got := "no Content-Type"
		if ct != "" {
			got = "Content-Type " + mediaType(ct)
		}
		return []validate.Mismatch{{Kind: validate.KindContentType, Reason: fmt.Sprintf("%s where the spec declares %s", got, strings.Join(sortedKeys(content), ", ")), Count: 1}}
	}
	if mt.Schema == nil || !isJSON(ct) {
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return []validate.Mismatch{{Kind: validate.KindBody, Reason: "empty body where the spec declares " + schemaTitle(mt.Schema), Count: 1}}
	}
	var val any
	if err := json.Unmarshal(body, &val); err != nil {
		return []validate.Mismatch{{Kind: validate.KindBody, Reason: "the body is not valid JSON", Count: 1}}
	}
	err := mt.Schema.Value.VisitJSON(val, openapi3.MultiErrors(), openapi3.VisitAsResponse())
	if err == nil {
		return nil
	}
	return schemaMismatches(mt.Schema, err)
}

func mediaType(ct string) string {
	if t, _, err := mime.ParseMediaType(ct); err == nil {
		return t
	}
	return "unparsable"
}

func schemaTitle(s *openapi3.SchemaRef) string {
	if n := refName(s.Ref); n != "" {
		return n
	}
	return "a JSON body"
}

func declaredStatuses(op *openapi3.Operation) []string {
	keys := sortedKeys(op.Responses.Map())
	if len(keys) == 0 {
		return []string{"none"}
	}
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// schemaMismatches flattens a VisitJSON error into mismatches, merging
// those that differ only by array index.
func schemaMismatches(root *openapi3.SchemaRef, err error) []validate.Mismatch {
	var out []validate.Mismatch
	seen := map[string]int{}
	var walk func(error)
	walk = func(err error) {
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		se, ok := err.(*openapi3.SchemaError)
		if !ok {
			m := validate.Mismatch{Kind: validate.KindSchema, Reason: "the body breaks the schema", Count: 1}
			if k := m.Reason; seen[k] == 0 {
				seen[k] = len(out) + 1
				out = append(out, m)
			}
			return
		}
		path := se.JSONPointer()
		reason := safeReason(se)
		m := validate.Mismatch{Kind: validate.KindSchema, Keyword: se.SchemaField, Reason: reason, Count: 1}
		switch se.SchemaField {
		case "properties", "additionalProperties":
			// "property %q is unsupported": point at the field itself.
			if name, ok := quoted(se.Reason); ok && strings.HasPrefix(se.Reason, "property ") {
				path = append(slices.Clone(path), name)
				m.Property = name
			}
			m.Keyword = "additionalProperties"
		case "required":
			m.Property, _ = quoted(se.Reason)
		}
		m.Pointer, m.Schema = pointer(path), schemaAt(root, path)
		key := generalise(path) + "\x00" + reason
		if i := seen[key]; i > 0 {
			out[i-1].Count++
			return
		}
		seen[key] = len(out) + 1
		out = append(out, m)
	}
	walk(err)
	return out
}

// quoted returns the first Go-quoted string in s.
func quoted(s string) (string, bool) {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return "", false
	}
	q, err := strconv.QuotedPrefix(s[i:])
	if err != nil {
		return "", false
	}
	u, err := strconv.Unquote(q)
	return u, err == nil
}

// safeReason describes a schema error with field names, JSON types and the
// spec's own constraints: never the value.
func safeReason(se *openapi3.SchemaError) string {
	got := jsonType(se.Value)
	s := se.Schema
	switch se.SchemaField {
	case "required":
		if name, ok := quoted(se.Reason); ok {
			return fmt.Sprintf("required property %q is missing", name)
		}
		return "a required property is missing"
	case "properties", "additionalProperties":
		if name, ok := quoted(se.Reason); ok {
			return fmt.Sprintf("property %q is not in the schema", name)
		}
		return "a property is not in the schema"
	case "type":
		want := "another type"
		if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
			want = strings.Join(s.Type.Slice(), " or ")
		}
		return fmt.Sprintf("want %s, got %s", want, got)
	case "nullable":
		return "got null; the spec does not mark it nullable"
	case "enum":
		n := 0
		if s != nil {
			n = len(s.Enum)
		}
		return fmt.Sprintf("a %s outside the spec's enum (%d values)", got, n)
	case "format":
		f := ""
		if s != nil {
			f = s.Format
		}
		return fmt.Sprintf("a %s not in format %q", got, f)
	case "pattern":
		return "a string not matching the spec's pattern"
	case "oneOf", "anyOf":
		return fmt.Sprintf("a %s matching no alternative of %s (or more than one, for oneOf)", got, se.SchemaField)
	case "":
		return fmt.Sprintf("a %s the schema refuses", got)
	}
	return fmt.Sprintf("a %s breaking the spec's %s", got, se.SchemaField)
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "value"
}

// pointer builds an RFC 6901 JSON pointer.
func pointer(path []string) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(p))
	}
	return b.String()
}

// generalise is the pointer with array indices as "*".
func generalise(path []string) string {
	g := make([]string, len(path))
	for i, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			p = "*"
		}
		g[i] = p
	}
	return strings.Join(g, "/")
}

func refName(ref string) string {
	if i := strings.LastIndex(ref, "/schemas/"); i >= 0 {
		return ref[i+len("/schemas/"):]
	}
	return ""
}

// schemaAt names the component schema that holds the last segment of path
// (best effort: "" when the walk loses its way).
func schemaAt(root *openapi3.SchemaRef, path []string) string {
	cur, name := root, refName(root.Ref)
	for i, seg := range path {
		if cur == nil || cur.Value == nil {
			return name
		}
		if i == len(path)-1 && hasProperty(cur.Value, seg) {
			return name // the holder of the field
		}
		next := step(cur.Value, seg)
		if next == nil {
			return name
		}
		cur = next
		if n := refName(cur.Ref); n != "" {
			name = n
		}
	}
	return name
}

func hasProperty(s *openapi3.Schema, name string) bool {
	if s.Properties[name] != nil {
		return true
	}
	for _, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
		if sub.Value != nil && sub.Value.Properties[name] != nil {
			return true
		}
	}
	return false
}

func step(s *openapi3.Schema, seg string) *openapi3.SchemaRef {
	if p := s.Properties[seg]; p != nil {
		return p
	}
	if _, err := strconv.Atoi(seg); err == nil && s.Items != nil {
		return s.Items
	}
	for _, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
		if sub.Value == nil {
			continue
		}
		if p := sub.Value.Properties[seg]; p != nil {
			return p
		}
	}
	if ap := s.AdditionalProperties.Schema; ap != nil {
		return ap
	}
	return nil
}

// specIndex routes a method and URL path to a spec operation.
type specIndex struct {
	routes []*specRoute
}

type specRoute struct {
	method string
	path   string // the template
	segs   []segMatcher
	score  int
	op     *openapi3.Operation
}

// segMatcher matches one path segment: a literal, "{param}", or a mix
// ("{jobId}.{ext}").
type segMatcher struct {
	lit   string
	param bool
	re    *regexp.Regexp
}

func (m segMatcher) matches(s string) bool {
	switch {
	case m.re != nil:
		return m.re.MatchString(s)
	case m.param:
		return s != ""
	}
	return m.lit == s
}

// buildIndex parses a spec and indexes its operations.
func buildIndex(vendor string, raw []byte) (*specIndex, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("oasuite: loading the %s spec: %w", vendor, err)
	}
	idx := &specIndex{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			r := &specRoute{method: method, path: path, op: op}
			for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
				m := segMatcher{lit: seg}
				switch {
				case !strings.Contains(seg, "{"):
					r.score += 2
				case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && strings.Count(seg, "{") == 1:
					m.param = true
				default:
					m.re = regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]*\\\}`).ReplaceAllString(regexp.QuoteMeta(seg), `[^/]+`) + "$")
					r.score++
				}
				r.segs = append(r.segs, m)
			}
			idx.routes = append(idx.routes, r)
		}
	}
	// Most literal first, then longest, then by template: match takes the first.
	sort.Slice(idx.routes, func(i, j int) bool {
		a, b := idx.routes[i], idx.routes[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.segs) != len(b.segs) {
			return len(a.segs) > len(b.segs)
		}
		return a.path+a.method < b.path+b.method
	})
	return idx, nil
}

// match returns the route of method and the escaped URL path p.
func (x *specIndex) match(method, p string) *specRoute {
	raw := strings.Split(strings.Trim(p, "/"), "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[i] = s
	}
	for _, r := range x.routes {
		if r.method != method || len(r.segs) > len(segs) {
			continue
		}
		tail := segs[len(segs)-len(r.segs):]
		ok := true
		for i, m := range r.segs {
			if !m.matches(tail[i]) {
				ok = false
				break
			}
		}
		if ok {
			return r
		}
	}
	return nil
}

// isJSON is the pipeline's rule for a JSON media type.
func isJSON(ct string) bool { return strings.Contains(ct, "json") }
