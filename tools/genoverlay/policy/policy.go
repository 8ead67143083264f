// Package policy computes the suite's Go generation policy for a vendor spec
// as an OpenAPI Overlay (https://spec.openapis.org/overlay/v1.0.0) that
// oapi-codegen applies before generating. See tools/genoverlay.
package policy

import (
	"bytes"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Action is one overlay action on the node at Target: either its removal,
// or (the default) marking an optional property as a value field that is
// left out of JSON when zero (x-go-type-skip-optional-pointer and
// x-omitzero), so that encoding a decoded record gives back what was read.
type Action struct {
	Target string
	Remove bool
}

// Plan is the policy for one spec.
type Plan struct {
	// ReadOnly lists the component schemas reachable from responses only.
	ReadOnly []string
	// Sent lists the component schemas reachable from a request body or a
	// parameter (they keep their optional pointers).
	Sent []string
	// Actions is what the overlay does, in a stable order.
	Actions []Action
}

const (
	skipPointer = "x-go-type-skip-optional-pointer"
	omitZero    = "x-omitzero"
)

// Compute classifies the spec's schemas and builds the actions.
func Compute(spec []byte) (*Plan, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	sent, read := map[string]bool{}, map[string]bool{}
	var actions []Action

	for _, path := range sorted(doc.Paths.Map()) {
		item := doc.Paths.Value(path)
		for _, p := range item.Parameters {
			if p.Value != nil {
				reach(p.Value.Schema, sent)
			}
		}
		ops := item.Operations()
		for _, method := range sorted(ops) {
			op := ops[method]
			for _, p := range op.Parameters {
				if p.Value != nil {
					reach(p.Value.Schema, sent)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					reach(mt.Schema, sent)
				}
			}
			if op.Responses == nil {
				continue
			}
			resps := op.Responses.Map()
			for _, code := range sorted(resps) {
				r := resps[code]
				if r.Value == nil {
					continue
				}
				for _, mt := range r.Value.Content {
					reach(mt.Schema, read)
				}
				if r.Ref != "" {
					continue // a shared response: handled under components below
				}
				at := fmt.Sprintf("$['paths'][%s][%s]['responses'][%s]", quote(path), quote(strings.ToLower(method)), quote(code))
				if strings.HasPrefix(code, "2") && len(r.Value.Headers) > 0 {
					actions = append(actions, Action{Target: at + "['headers']", Remove: true})
				}
				for _, mediaType := range sorted(r.Value.Content) {
					s := r.Value.Content[mediaType].Schema
					if s != nil && s.Ref == "" {
						actions = append(actions, values(at+"['content']"+"["+quote(mediaType)+"]['schema']", s)...)
					}
				}
			}
		}
	}

	var plan Plan
	if doc.Components != nil {
		for _, name := range sorted(doc.Components.Schemas) {
			switch {
			case sent[name]:
				plan.Sent = append(plan.Sent, name)
			case read[name]:
				plan.ReadOnly = append(plan.ReadOnly, name)
				actions = append(actions, values("$['components']['schemas']["+quote(name)+"]", doc.Components.Schemas[name])...)
			}
		}
		for _, name := range sorted(doc.Components.Responses) {
			r := doc.Components.Responses[name]
			if r.Value == nil {
				continue
			}
			for _, mediaType := range sorted(r.Value.Content) {
				s := r.Value.Content[mediaType].Schema
				if s != nil && s.Ref == "" {
					actions = append(actions, values("$['components']['responses']["+quote(name)+"]['content']["+quote(mediaType)+"]['schema']", s)...)
				}
			}
		}
	}
	plan.Actions = actions
	return &plan, nil
}

// reach marks every component schema s refers to, transitively.
func reach(s *openapi3.SchemaRef, seen map[string]bool) {
	if s == nil {
		return
	}
	if name, ok := componentName(s.Ref); ok {
		if seen[name] {
			return
		}
		seen[name] = true
	}
	v := s.Value
	if v == nil {
		return
	}
	for _, p := range v.Properties {
		reach(p, seen)
	}
	reach(v.Items, seen)
	reach(v.AdditionalProperties.Schema, seen)
	reach(v.Not, seen)
	for _, group := range [][]*openapi3.SchemaRef{v.AllOf, v.OneOf, v.AnyOf} {
		for _, x := range group {
			reach(x, seen)
		}
	}
}

func componentName(ref string) (string, bool) {
	const prefix = "#/components/schemas/"
	if strings.HasPrefix(ref, prefix) {
		return ref[len(prefix):], true
	}
	return "", false
}

// values marks the properties of the object at path, and of every object
// nested inline in it, as value fields. It does not follow $refs: a
// referenced component gets its own actions when it too is read-only.
func values(path string, s *openapi3.SchemaRef) []Action {
	if s == nil || s.Value == nil {
		return nil
	}
	v := s.Value
	var out []Action
	required := map[string]bool{}
	for _, r := range v.Required {
		required[r] = true
	}
	// An object that also takes additional properties gets a generated
	// MarshalJSON that writes every value field, zero or not; its
	// properties keep their pointers so that encoding still leaves out
	// what was absent.
	open := v.AdditionalProperties.Schema != nil || (v.AdditionalProperties.Has != nil && *v.AdditionalProperties.Has)
	for _, name := range sorted(v.Properties) {
		at := path + "['properties'][" + quote(name) + "]"
		if !required[name] && !open {
			out = append(out, Action{Target: at})
		}
		if p := v.Properties[name]; p.Ref == "" {
			out = append(out, values(at, p)...)
		}
	}
	if v.Items != nil && v.Items.Ref == "" {
		out = append(out, values(path+"['items']", v.Items)...)
	}
	if ap := v.AdditionalProperties.Schema; ap != nil && ap.Ref == "" {
		out = append(out, values(path+"['additionalProperties']", ap)...)
	}
	for _, g := range []struct {
		key   string
		group []*openapi3.SchemaRef
	}{{"allOf", v.AllOf}, {"oneOf", v.OneOf}, {"anyOf", v.AnyOf}} {
		for i, x := range g.group {
			if x.Ref == "" {
				out = append(out, values(fmt.Sprintf("%s[%s][%d]", path, quote(g.key), i), x)...)
			}
		}
	}
	return out
}

// quote writes a JSONPath name selector (RFC 9535, single-quoted).
func quote(name string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(name) + "'"
}

// Overlay renders the plan for spec as an Overlay document. specPath is
// only used to name the spec in the header.
func Overlay(spec []byte, specPath string) ([]byte, error) {
	plan, err := Compute(spec)
	if err != nil {
		return nil, err
	}
	name := "specs/" + filepath.Base(specPath)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Code generated by tools/genoverlay from %s; DO NOT EDIT.\n", name)
	b.WriteString("# The suite's Go generation policy for this spec (see tools/genoverlay):\n")
	fmt.Fprintf(&b, "# %d read-only schemas get value fields; %d sent schemas keep their pointers.\n", len(plan.ReadOnly), len(plan.Sent))
	b.WriteString("overlay: 1.0.0\n")
	b.WriteString("info:\n")
	fmt.Fprintf(&b, "  title: Go generation policy for %s\n", name)
	b.WriteString("  version: 1.0.0\n")
	if len(plan.Actions) == 0 {
		b.WriteString("actions: []\n")
		return b.Bytes(), nil
	}
	b.WriteString("# Removed: headers declared on 2xx answers (wrappers read them from http.Response.Header).\n")
	b.WriteString("# Updated: optional properties of read-only schemas become value fields, omitted when zero.\n")
	b.WriteString("actions:\n")
	for _, a := range plan.Actions {
		if a.Remove {
			fmt.Fprintf(&b, "  - {target: %s, remove: true}\n", yamlString(a.Target))
		} else {
			fmt.Fprintf(&b, "  - {target: %s, update: {%s: true, %s: true}}\n", yamlString(a.Target), skipPointer, omitZero)
		}
	}
	return b.Bytes(), nil
}

// yamlString double-quotes s for YAML.
func yamlString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func sorted[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
