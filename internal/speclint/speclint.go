// Package speclint checks oasuite's hand-kept OpenAPI specs (specs/*.yaml) against the rules of
// DESIGN.md ("The specs"), on top of kin-openapi's own validation. TestSpecs runs it over every
// spec; vendor helpers run `go test ./internal/speclint/` while writing theirs.
//
// Rules (Problem.Rule):
//
//	load               the document parses and loads with kin-openapi (openapi3.Loader)
//	validate           kin-openapi's doc.Validate accepts it
//	openapi-version    `openapi: 3.0.3`
//	servers            at least one server, each with an absolute URL (scheme://…, variables allowed)
//	security-schemes   components.securitySchemes is not empty
//	operation-id       every operation has an operationId, unique in the document
//	operation-id-style operationIds are lowerCamelCase and start with an allowed verb (Verbs)
//	response-schema    every response body schema is a $ref to #/components/schemas/… or an
//	                   array whose items are such a $ref (non-JSON media types may also use a
//	                   plain `type: string`, e.g. binary downloads)
//	error-response     every operation declares a 4xx (or 4XX) or default response whose JSON
//	                   schema is a $ref (the vendor's error schema)
//	number-format      every `type: number` anywhere has `format: double` or `format: float`
//	free-form-object   every `type: object` schema without properties (and without
//	                   allOf/anyOf/oneOf/$ref) declares additionalProperties explicitly
//	assumption-marked  every operation whose shape rests on an assumption says "Assumption:"
//	                   in its own description (see AssumptionMarker)
package speclint

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// Rule names, as reported in Problem.Rule.
const (
	RuleLoad             = "load"
	RuleValidate         = "validate"
	RuleOpenAPIVersion   = "openapi-version"
	RuleServers          = "servers"
	RuleSecuritySchemes  = "security-schemes"
	RuleOperationID      = "operation-id"
	RuleOperationIDStyle = "operation-id-style"
	RuleResponseSchema   = "response-schema"
	RuleErrorResponse    = "error-response"
	RuleNumberFormat     = "number-format"
	RuleFreeFormObject   = "free-form-object"
	RuleAssumptionMarked = "assumption-marked"
)

// AssumptionMarker is the mark of a guess (DESIGN.md: where a fact is a gap, the operation's
// description says it is an assumption). The assumption-marked rule's criterion: an operation
// rests on an assumption when anything it uses carries the mark, namely a `description` that
// contains AssumptionMarker, or an `x-assumption` extension, found
//
//   - inline in the operation (its parameters, request body, responses, headers, schemas) or in
//     its path's shared parameters, or
//   - in a component it reaches through `$ref`, transitively (#/components/schemas/…,
//     parameters, responses, requestBodies, headers…; e.g. an error schema whose body is
//     undocumented, reached through a shared 4xx response).
//
// Such an operation must carry AssumptionMarker in its own `description`: a reader of one
// operation (or of its generated comment) sees that it is a guess without chasing references.
// Examples, defaults, enums and other x- extensions are data and are not searched; neither are
// security schemes (an operation names them, it does not $ref them).
const AssumptionMarker = "Assumption:"

// Rules returns every rule name, in the order Lint applies them.
func Rules() []string {
	return []string{RuleLoad, RuleValidate, RuleOpenAPIVersion, RuleServers, RuleSecuritySchemes,
		RuleOperationID, RuleOperationIDStyle, RuleResponseSchema, RuleErrorResponse,
		RuleNumberFormat, RuleFreeFormObject, RuleAssumptionMarked}
}

// Verbs returns the verbs an operationId may start with. The first lower-case run of the
// operationId ("list" in listActivities) must be one of them.
func Verbs() []string {
	return []string{
		// CRUD
		"list", "get", "create", "update", "patch", "delete", "add", "remove", "edit", "set",
		"replace", "upsert",
		// reading in other shapes
		"search", "query", "count", "check", "lookup", "export", "render", "preview", "download",
		// writing in other shapes
		"import", "upload", "batch", "copy", "move", "reset", "compute",
		// actions and workflow
		"validate", "run", "cancel", "start", "stop", "submit", "approve", "reject", "publish",
		"archive", "restore", "assign", "unassign", "link", "unlink", "send",
		// auth
		"login", "logout", "authorize", "exchange", "refresh", "revoke", "introspect",
		"impersonate", "request",
	}
}

// Problem is one rule broken at one place of a spec.
type Problem struct {
	Rule    string // one of Rules()
	Where   string // "GET /activity", "components.schemas.Activity.properties.rate", …
	Line    int    // 1-based line in the YAML when known, else 0
	Message string
}

// String formats the problem as "line N: [rule] where: message".
func (p Problem) String() string {
	loc := ""
	if p.Line > 0 {
		loc = fmt.Sprintf("line %d: ", p.Line)
	}
	if p.Where != "" {
		return fmt.Sprintf("%s[%s] %s: %s", loc, p.Rule, p.Where, p.Message)
	}
	return fmt.Sprintf("%s[%s] %s", loc, p.Rule, p.Message)
}

// Lint loads doc (an OpenAPI 3.0 document in YAML or JSON) with kin-openapi, validates it and
// applies every rule. It returns nil for a clean spec. When the document does not load, the
// structural rules still run on the raw YAML (number-format, free-form-object) so that a
// half-written spec gets as much feedback as possible.
func Lint(doc []byte) []Problem {
	var probs []Problem
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return []Problem{{Rule: RuleLoad, Message: fmt.Sprintf("YAML: %v", err)}}
	}
	lines := indexLines(&root)

	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	t, err := loader.LoadFromData(doc)
	if err != nil {
		probs = append(probs, Problem{Rule: RuleLoad, Message: err.Error()})
	} else {
		if err := t.Validate(context.Background()); err != nil {
			probs = append(probs, Problem{Rule: RuleValidate, Message: err.Error()})
		}
		probs = append(probs, lintDoc(t, lines)...)
	}
	probs = append(probs, lintRaw(&root)...)
	probs = append(probs, lintAssumptions(&root)...)
	sort.SliceStable(probs, func(i, j int) bool {
		if probs[i].Line != probs[j].Line {
			return probs[i].Line < probs[j].Line
		}
		return probs[i].Rule < probs[j].Rule
	})
	return probs
}

// lineIndex gives the line of "paths./x.get" style locations in the raw YAML.
type lineIndex map[string]int

func indexLines(root *yaml.Node) lineIndex {
	idx := lineIndex{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "\x00" + p
				}
				idx[p] = n.Content[i].Line
				walk(n.Content[i+1], p)
			}
		}
	}
	walk(root, "")
	return idx
}

func (l lineIndex) at(keys ...string) int { return l[strings.Join(keys, "\x00")] }

var (
	lowerCamel = regexp.MustCompile(`^[a-z][a-z0-9]*(?:[A-Z][a-zA-Z0-9]*)*$`)
	leadVerb   = regexp.MustCompile(`^[a-z]+`)
	schemaRef  = regexp.MustCompile(`^#/components/schemas/[^/]+$`)
)

func lintDoc(t *openapi3.T, lines lineIndex) []Problem {
	var probs []Problem
	add := func(rule, where string, line int, format string, args ...any) {
		probs = append(probs, Problem{Rule: rule, Where: where, Line: line, Message: fmt.Sprintf(format, args...)})
	}

	if t.OpenAPI != "3.0.3" {
		add(RuleOpenAPIVersion, "openapi", lines.at("openapi"), "want 3.0.3, got %q", t.OpenAPI)
	}

	if len(t.Servers) == 0 {
		add(RuleServers, "servers", lines.at("servers"), "no servers: give the vendor's production URL")
	}
	for i, s := range t.Servers {
		if s == nil || !strings.Contains(s.URL, "://") {
			u := ""
			if s != nil {
				u = s.URL
			}
			add(RuleServers, fmt.Sprintf("servers[%d]", i), lines.at("servers"), "want an absolute URL, got %q", u)
		}
	}

	if t.Components == nil || len(t.Components.SecuritySchemes) == 0 {
		add(RuleSecuritySchemes, "components.securitySchemes", lines.at("components"), "no security schemes: describe the vendor's OAuth flows")
	}

	verbs := map[string]bool{}
	for _, v := range Verbs() {
		verbs[v] = true
	}
	seen := map[string]string{}
	if t.Paths == nil {
		return probs
	}
	paths := t.Paths.Keys()
	sort.Strings(paths)
	for _, p := range paths {
		item := t.Paths.Value(p)
		if item == nil {
			continue
		}
		ops := item.Operations()
		methods := make([]string, 0, len(ops))
		for m := range ops {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := ops[m]
			where := m + " " + p
			line := lines.at("paths", p, strings.ToLower(m))

			// operation-id, operation-id-style
			switch id := op.OperationID; {
			case id == "":
				add(RuleOperationID, where, line, "no operationId")
			default:
				if other, dup := seen[id]; dup {
					add(RuleOperationID, where, line, "operationId %q is also used by %s", id, other)
				}
				seen[id] = where
				if !lowerCamel.MatchString(id) {
					add(RuleOperationIDStyle, where, line, "operationId %q is not lowerCamelCase", id)
				} else if v := leadVerb.FindString(id); !verbs[v] {
					add(RuleOperationIDStyle, where, line, "operationId %q does not start with an allowed verb (got %q; see speclint.Verbs)", id, v)
				}
			}

			// response-schema, error-response
			hasError := false
			if op.Responses != nil {
				codes := op.Responses.Keys()
				sort.Strings(codes)
				for _, code := range codes {
					rr := op.Responses.Value(code)
					if rr == nil || rr.Value == nil {
						continue
					}
					rline := lines.at("paths", p, strings.ToLower(m), "responses", code)
					if rline == 0 {
						rline = line
					}
					isErr := code == "default" || strings.HasPrefix(code, "4")
					for _, mt := range sortedKeys(rr.Value.Content) {
						media := rr.Value.Content[mt]
						if media == nil || media.Schema == nil {
							add(RuleResponseSchema, where+" → "+code, rline, "%s has no schema", mt)
							continue
						}
						if msg := checkResponseSchema(mt, media.Schema); msg != "" {
							add(RuleResponseSchema, where+" → "+code, rline, "%s: %s", mt, msg)
						}
						if isErr && isJSONMedia(mt) && media.Schema.Ref != "" {
							hasError = true
						}
					}
				}
			}
			if !hasError {
				add(RuleErrorResponse, where, line, "declare a 4xx or default response whose JSON schema is a $ref to the vendor's error schema")
			}
		}
	}
	return probs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isJSONMedia(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(strings.Split(mt, ";")[0]))
	return mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "*/*"
}

// checkResponseSchema returns why a response schema breaks the response-schema rule, or "".
func checkResponseSchema(mediaType string, s *openapi3.SchemaRef) string {
	if s.Ref != "" {
		if !schemaRef.MatchString(s.Ref) {
			return fmt.Sprintf("$ref %q does not point into #/components/schemas", s.Ref)
		}
		return ""
	}
	v := s.Value
	if v == nil {
		return "empty schema"
	}
	if v.Type != nil && v.Type.Is("array") {
		if v.Items == nil || v.Items.Ref == "" {
			return "array items must be a $ref to #/components/schemas (no inline objects in responses)"
		}
		if !schemaRef.MatchString(v.Items.Ref) {
			return fmt.Sprintf("array items $ref %q does not point into #/components/schemas", v.Items.Ref)
		}
		return ""
	}
	if !isJSONMedia(mediaType) && v.Type != nil && v.Type.Is("string") {
		return ""
	}
	return "inline schema: name it under #/components/schemas and $ref it (or an array of such refs)"
}

// lintRaw applies the rules that look at every schema wherever it is, on the YAML tree.
func lintRaw(root *yaml.Node) []Problem {
	var probs []Problem
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for i, c := range n.Content {
				p := path
				if n.Kind == yaml.SequenceNode {
					p = append(append([]string(nil), path...), fmt.Sprintf("[%d]", i))
				}
				walk(c, p)
			}
			return
		case yaml.MappingNode:
		default:
			return
		}
		fields := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			fields[n.Content[i].Value] = n.Content[i+1]
		}
		where := strings.Join(path, ".")
		if typ := fields["type"]; typ != nil && typ.Kind == yaml.ScalarNode && !underData(path) {
			switch typ.Value {
			case "number":
				f := fields["format"]
				if f == nil || (f.Value != "double" && f.Value != "float") {
					got := "none"
					if f != nil {
						got = f.Value
					}
					probs = append(probs, Problem{Rule: RuleNumberFormat, Where: where, Line: typ.Line,
						Message: fmt.Sprintf("type number needs format double (or float), got %s", got)})
				}
			case "object":
				props := fields["properties"]
				hasProps := props != nil && props.Kind == yaml.MappingNode && len(props.Content) > 0
				composed := fields["allOf"] != nil || fields["anyOf"] != nil || fields["oneOf"] != nil || fields["$ref"] != nil
				if !hasProps && !composed && fields["additionalProperties"] == nil {
					probs = append(probs, Problem{Rule: RuleFreeFormObject, Where: where, Line: typ.Line,
						Message: "object without properties: declare additionalProperties explicitly (true, false or a schema)"})
				}
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if isDataKey(k) {
				continue
			}
			walk(n.Content[i+1], append(append([]string(nil), path...), k))
		}
	}
	walk(root, nil)
	return probs
}

// isDataKey names the keys whose values are data, not schemas, and so are not searched.
func isDataKey(k string) bool {
	switch k {
	case "example", "examples", "default", "enum", "const":
		return true
	}
	return strings.HasPrefix(k, "x-")
}

// underData reports whether path ends inside a properties map key named "type" etc.; a
// property called "type" holds a schema (a mapping), never a scalar, so only the immediate
// parent matters: a scalar `type:` right under "properties" is a property name, not a keyword.
func underData(path []string) bool {
	return len(path) > 0 && path[len(path)-1] == "properties"
}

// httpMethods are the operation keys of a path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// mapping returns the value of key in a YAML mapping node, or nil.
func mapping(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// assumptionFinder finds AssumptionMarker marks in operations and the components they reach.
type assumptionFinder struct {
	components *yaml.Node
	memo       map[string][]string // component $ref → where its marks are
	busy       map[string]bool     // components being searched (a $ref cycle ends there)
}

// component resolves a local $ref such as "#/components/schemas/Error".
func (f *assumptionFinder) component(ref string) (*yaml.Node, string) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return nil, ""
	}
	section, name, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") {
		return nil, ""
	}
	name = strings.ReplaceAll(strings.ReplaceAll(name, "~1", "/"), "~0", "~")
	return mapping(mapping(f.components, section), name), "components." + section + "." + name
}

// viaRef returns where the component ref, and those it reaches, are marked.
func (f *assumptionFinder) viaRef(ref string) []string {
	if w, ok := f.memo[ref]; ok {
		return w
	}
	if f.busy[ref] {
		return nil
	}
	n, where := f.component(ref)
	if n == nil {
		return nil
	}
	f.busy[ref] = true
	w := f.find(n, where)
	delete(f.busy, ref)
	f.memo[ref] = w
	return w
}

// find returns where under n (at where) the marks are, sorted and without repeats. skip lists
// top-level keys of n that are not searched (an operation's own description and summary).
func (f *assumptionFinder) find(n *yaml.Node, where string, skip ...string) []string {
	var out []string
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			out = append(out, f.find(c, fmt.Sprintf("%s[%d]", where, i))...)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			switch {
			case slices.Contains(skip, k):
			case k == "x-assumption":
				out = append(out, where+"."+k)
			case k == "description" && v.Kind == yaml.ScalarNode:
				if strings.Contains(v.Value, AssumptionMarker) {
					out = append(out, where+"."+k)
				}
			case k == "$ref" && v.Kind == yaml.ScalarNode:
				out = append(out, f.viaRef(v.Value)...)
			case isDataKey(k):
			default:
				out = append(out, f.find(v, where+"."+k)...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// lintAssumptions applies assumption-marked to every operation of the raw YAML tree.
func lintAssumptions(root *yaml.Node) []Problem {
	doc := root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	paths := mapping(doc, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil
	}
	f := &assumptionFinder{components: mapping(doc, "components"), memo: map[string][]string{}, busy: map[string]bool{}}
	var probs []Problem
	for i := 0; i+1 < len(paths.Content); i += 2 {
		p, item := paths.Content[i].Value, paths.Content[i+1]
		for _, m := range httpMethods {
			op := mapping(item, m)
			if op == nil || op.Kind != yaml.MappingNode {
				continue
			}
			if d := mapping(op, "description"); d != nil && strings.Contains(d.Value, AssumptionMarker) {
				continue
			}
			marks := f.find(op, "paths."+p+"."+m, "description", "summary")
			if shared := mapping(item, "parameters"); shared != nil {
				marks = append(marks, f.find(shared, "paths."+p+".parameters")...)
			}
			if len(marks) == 0 {
				continue
			}
			slices.Sort(marks)
			probs = append(probs, Problem{Rule: RuleAssumptionMarked, Where: strings.ToUpper(m) + " " + p,
				Line: opLine(item, m), Message: fmt.Sprintf(
					"rests on the assumption marked at %s: say %q in the operation's own description",
					strings.Join(slices.Compact(marks), ", "), AssumptionMarker)})
		}
	}
	return probs
}

// opLine is the line of a path item's method key.
func opLine(item *yaml.Node, method string) int {
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value == method {
			return item.Content[i].Line
		}
	}
	return 0
}
