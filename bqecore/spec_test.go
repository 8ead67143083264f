package bqecore_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oasuite/sdk/specs"
)

// TestEveryGuessIsMarkedOnItsOperation: an operation that relies on a
// component whose shape is an assumption (a schema, response or parameter
// whose description, or a description inside it, says "Assumption:") says
// "Assumption:" in its own description and names each such component.
func TestEveryGuessIsMarkedOnItsOperation(t *testing.T) {
	raw, err := specs.Load("bqecore")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	ops, marked := 0, 0
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			ops++
			w := walker{seen: map[string]bool{}}
			w.operation(op)
			var missing []string
			for name := range w.assumed {
				if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).MatchString(op.Description) {
					missing = append(missing, name)
				}
			}
			sort.Strings(missing)
			switch {
			case !strings.Contains(op.Description, "Assumption:") && len(w.assumed) > 0:
				t.Errorf("%s %s (%s) relies on assumed components %v but its description has no \"Assumption:\"", method, path, op.OperationID, keys(w.assumed))
			case len(missing) > 0:
				t.Errorf("%s %s (%s): description does not name the assumed components %v", method, path, op.OperationID, missing)
			}
			if strings.Contains(op.Description, "Assumption:") {
				marked++
			}
		}
	}
	t.Logf("%d operations, %d with \"Assumption:\" in their own description", ops, marked)
	if ops < 150 {
		t.Fatalf("only %d operations: the walk lost some", ops)
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// walker collects the components an operation reaches whose own subtree
// carries an assumption.
type walker struct {
	seen    map[string]bool
	assumed map[string]bool
}

func refName(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

func (w *walker) mark(name string) {
	if w.assumed == nil {
		w.assumed = map[string]bool{}
	}
	w.assumed[name] = true
}

func (w *walker) operation(op *openapi3.Operation) {
	for _, p := range op.Parameters {
		if p.Ref != "" && p.Value != nil && strings.Contains(p.Value.Description, "Assumption:") {
			w.mark(refName(p.Ref))
		}
		if p.Value != nil {
			w.schema(p.Value.Schema, "")
		}
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for _, mt := range op.RequestBody.Value.Content {
			w.schema(mt.Schema, "")
		}
	}
	for _, rr := range op.Responses.Map() {
		if rr.Value == nil {
			continue
		}
		owner := ""
		if rr.Ref != "" {
			owner = refName(rr.Ref)
			if desc := rr.Value.Description; desc != nil && strings.Contains(*desc, "Assumption:") {
				w.mark(owner)
			}
			for _, h := range rr.Value.Headers {
				if h.Value != nil && strings.Contains(h.Value.Description, "Assumption:") {
					w.mark(owner)
				}
			}
		}
		for _, mt := range rr.Value.Content {
			w.schema(mt.Schema, "")
		}
	}
}

// schema walks s; owner is the component the inline parts belong to.
func (w *walker) schema(s *openapi3.SchemaRef, owner string) {
	if s == nil || s.Value == nil {
		return
	}
	if s.Ref != "" {
		owner = refName(s.Ref)
		if w.seen[s.Ref] {
			if w.assumedIn(owner) {
				w.mark(owner)
			}
			return
		}
		w.seen[s.Ref] = true
	}
	v := s.Value
	if owner != "" && strings.Contains(v.Description, "Assumption:") {
		w.mark(owner)
	}
	for _, p := range v.Properties {
		w.schema(p, owner)
	}
	w.schema(v.Items, owner)
	if v.AdditionalProperties.Schema != nil {
		w.schema(v.AdditionalProperties.Schema, owner)
	}
	for _, group := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf} {
		for _, x := range group {
			w.schema(x, owner)
		}
	}
}

func (w *walker) assumedIn(name string) bool { return w.assumed[name] }
