package speclint

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestSpecs lints every spec in specs/ and reports each problem under the spec's own subtest.
func TestSpecs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "specs", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Log("no specs/*.yaml yet: nothing to lint")
		return
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			probs := Lint(doc)
			for _, p := range probs {
				t.Errorf("%s: %s", filepath.Base(f), p)
			}
			if len(probs) == 0 {
				t.Logf("%s: clean", filepath.Base(f))
			}
		})
	}
}

// TestRules proves every rule fires on its broken fixture (and only that rule), and that the
// good fixture passes clean.
func TestRules(t *testing.T) {
	tests := []struct {
		file string
		rule string // "" means: no problem at all
	}{
		{"good.yaml", ""},
		{"bad-load.yaml", RuleLoad},
		{"bad-validate.yaml", RuleValidate},
		{"bad-openapi-version.yaml", RuleOpenAPIVersion},
		{"bad-servers.yaml", RuleServers},
		{"bad-security-schemes.yaml", RuleSecuritySchemes},
		{"bad-operation-id.yaml", RuleOperationID},
		{"bad-operation-id-style.yaml", RuleOperationIDStyle},
		{"bad-response-schema.yaml", RuleResponseSchema},
		{"bad-error-response.yaml", RuleErrorResponse},
		{"bad-number-format.yaml", RuleNumberFormat},
		{"bad-free-form-object.yaml", RuleFreeFormObject},
		{"good-assumption-marked.yaml", ""},
		{"bad-assumption-marked.yaml", RuleAssumptionMarked},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		covered[tc.rule] = true
		t.Run(tc.file, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			probs := Lint(doc)
			if tc.rule == "" {
				for _, p := range probs {
					t.Errorf("good fixture: unexpected problem %s", p)
				}
				return
			}
			if len(probs) == 0 {
				t.Fatalf("rule %s did not fire", tc.rule)
			}
			for _, p := range probs {
				if p.Rule != tc.rule {
					t.Errorf("fixture for %s also broke %s: %s", tc.rule, p.Rule, p)
				}
				if p.Message == "" {
					t.Errorf("problem without a message: %#v", p)
				}
			}
			t.Logf("%s", probs[0])
		})
	}
	for _, r := range Rules() {
		if !covered[r] {
			t.Errorf("rule %s has no fixture", r)
		}
	}
}

func TestOperationIDStyle(t *testing.T) {
	good := "openapi: 3.0.3\ninfo: {title: x, version: '1'}\nservers: [{url: 'https://x.test'}]\n" +
		"components:\n  securitySchemes: {k: {type: http, scheme: bearer}}\n  schemas:\n    E: {type: object, properties: {m: {type: string}}}\n" +
		"paths:\n  /a:\n    get:\n      operationId: %s\n      responses:\n        default:\n          description: e\n" +
		"          content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}\n"
	tests := []struct {
		id string
		ok bool
	}{
		{"listActivities", true},
		{"getActivity", true},
		{"patchProject", true},
		{"login", true},
		{"runAnalysisJob", true},
		{"getSQL", true},
		{"ListActivities", false},
		{"list_activities", false},
		{"activitiesList", false},
		{"fetchActivity", false},
		{"get-activity", false},
	}
	for _, tc := range tests {
		probs := Lint([]byte(strings.Replace(good, "%s", tc.id, 1)))
		var rules []string
		for _, p := range probs {
			rules = append(rules, p.Rule)
		}
		sort.Strings(rules)
		switch {
		case tc.ok && len(probs) != 0:
			t.Errorf("%s: unexpected problems %v", tc.id, probs)
		case !tc.ok && (len(rules) != 1 || rules[0] != RuleOperationIDStyle):
			t.Errorf("%s: want one %s problem, got %v", tc.id, RuleOperationIDStyle, probs)
		}
	}
}

func TestDuplicateOperationID(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("testdata", "good.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dup := strings.Replace(string(doc), "operationId: exportActivity", "operationId: listActivities", 1)
	found := false
	for _, p := range Lint([]byte(dup)) {
		if p.Rule == RuleOperationID && strings.Contains(p.Message, "also used") {
			found = true
		}
	}
	if !found {
		t.Error("duplicate operationId not reported")
	}
}

func TestUnparseableYAML(t *testing.T) {
	probs := Lint([]byte("openapi: 3.0.3\npaths: [\n"))
	if len(probs) != 1 || probs[0].Rule != RuleLoad {
		t.Fatalf("want one load problem, got %v", probs)
	}
}

func TestProblemString(t *testing.T) {
	p := Problem{Rule: RuleNumberFormat, Where: "components.schemas.A", Line: 7, Message: "m"}
	if got, want := p.String(), "line 7: [number-format] components.schemas.A: m"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// Responses shared under components/responses, composed objects and numbers in examples are
// all fine.
func TestSharedResponsesAndComposition(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: x, version: "1"}
servers: [{url: "https://api.x.test/v1"}]
components:
  securitySchemes: {k: {type: http, scheme: bearer}}
  responses:
    Error:
      description: the vendor's error
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Error"}
    Things:
      description: things
      content:
        application/json:
          schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}
  schemas:
    Error: {type: object, properties: {message: {type: string}}}
    Base: {type: object, properties: {id: {type: string}}}
    Thing:
      type: object
      allOf:
        - $ref: "#/components/schemas/Base"
      x-meta: {type: number}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200": {$ref: "#/components/responses/Things"}
        "404": {$ref: "#/components/responses/Error"}
`
	if probs := Lint([]byte(doc)); len(probs) != 0 {
		t.Errorf("unexpected problems: %v", probs)
	}
	inline := strings.Replace(doc, `schema: {$ref: "#/components/schemas/Error"}`, `schema: {type: object, properties: {m: {type: string}}}`, 1)
	var rules []string
	for _, p := range Lint([]byte(inline)) {
		rules = append(rules, p.Rule)
	}
	sort.Strings(rules)
	if strings.Join(rules, ",") != RuleErrorResponse+","+RuleResponseSchema {
		t.Errorf("inline error schema in a shared response: got %v", rules)
	}
}

// The assumption-marked rule names each unmarked operation and every mark it reaches: inline,
// through a path's shared parameters, and through $refs transitively.
func TestAssumptionMarked(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("testdata", "bad-assumption-marked.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range Lint(doc) {
		if p.Rule != RuleAssumptionMarked || p.Line == 0 {
			t.Errorf("unexpected problem %s", p)
		}
		got[p.Where] = p.Message
	}
	want := map[string][]string{
		"GET /activity":    {"paths./activity.parameters[0].x-assumption", "components.parameters.Tenant.x-assumption"},
		"DELETE /activity": {"components.parameters.Tenant.x-assumption", "components.schemas.Error.description"},
		"POST /inline":     {"paths./inline.post.responses.200.description", "components.schemas.Error.description"},
	}
	if len(got) != len(want) {
		t.Errorf("flagged %v, want %d operations", got, len(want))
	}
	for op, marks := range want {
		msg, ok := got[op]
		if !ok {
			t.Errorf("%s not flagged", op)
			continue
		}
		found := 0
		for _, m := range marks {
			if strings.Contains(msg, m) {
				found++
			}
		}
		if found == 0 {
			t.Errorf("%s: message %q names none of %v", op, msg, marks)
		}
	}
	// Marking the operation's own description clears it.
	fixed := strings.Replace(string(doc), "description: The activities.", "description: \"Assumption: the tenant parameter.\"", 1)
	for _, p := range Lint([]byte(fixed)) {
		if p.Where == "GET /activity" {
			t.Errorf("still flagged after marking: %s", p)
		}
	}
}
