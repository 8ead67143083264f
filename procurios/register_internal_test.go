package procurios

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// yamlJSON converts a YAML test spec to the JSON form parseRoutes reads.
func yamlJSON(t *testing.T, doc string) []byte {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compileJSON(t *testing.T, doc string) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	sch, err := compileSchema("https://procurios.invalid/test", v)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, inst string) []FieldError {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(inst)))
	if err != nil {
		t.Fatal(err)
	}
	err = sch.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	return fieldErrors(ve)
}

// Procurios schemas use "type":"date"/"int" and an escaped $schema; they
// compile and validate after normalisation.
func TestNormaliseProcuriosSchema(t *testing.T) {
	sch := compileJSON(t, `{"$schema":"http:\\/\\/json-schema.org\\/draft-07\\/schema#","$id":"relations","type":"object",
		"properties":{"born":{"type":"date"},"n":{"type":"int"},"tags":{"type":"array","items":{"type":"int","enum":[1,2]}}}}`)
	if fe := validate(t, sch, `{"born":"2001-02-03","n":4,"tags":[1]}`); fe != nil {
		t.Fatalf("valid instance rejected: %v", fe)
	}
	fe := validate(t, sch, `{"born":"tomorrow","n":"x","tags":[3]}`)
	got := map[string]bool{}
	for _, f := range fe {
		got[f.Field] = true
	}
	for _, want := range []string{"born", "n", "tags/0"} {
		if !got[want] {
			t.Errorf("no error for %s in %v", want, fe)
		}
	}
}

// A failing secret-looking field is reported without its value.
func TestSecretFieldValueNotInMessage(t *testing.T) {
	sch := compileJSON(t, `{"type":"object","properties":{"password":{"type":"string","pattern":"^[A-Z]{20}$"},"code":{"type":"string","minLength":30}}}`)
	const pw = "hunter2-secret-value"
	fe := validate(t, sch, `{"password":"`+pw+`"}`)
	if len(fe) != 1 || fe[0].Field != "password" {
		t.Fatalf("errors = %v", fe)
	}
	ve := &ValidationError{RegistrationSetID: 1, Fields: fe}
	if strings.Contains(ve.Error(), pw) {
		t.Fatalf("the password shows in %q", ve.Error())
	}
}

func TestRoutesFromSpec(t *testing.T) {
	spec := yamlJSON(t, `openapi: 3.0.3
servers: [{url: "https://{host}/l"}]
paths:
  /a/{id}:
    get:
      operationId: getA
      responses:
        "200": {content: {"application/vnd.procurios.a+json; version=3": {}}}
  /a/schema:
    get:
      operationId: getASchema
      responses:
        "200": {content: {"application/vnd.procurios.a+json; version=4": {}}}
`)
	rt, err := parseRoutes(spec)
	if err != nil {
		t.Fatal(err)
	}
	if r, p := rt.match("GET", "/a/schema"); r == nil || r.operationID != "getASchema" || len(p) != 0 {
		t.Fatalf("literal route not preferred: %+v", r)
	}
	if r, p := rt.match("GET", "/a/7"); r == nil || r.mediaType != "application/vnd.procurios.a+json; version=3" || p[0] != "7" {
		t.Fatalf("param route: %+v %v", r, p)
	}
	if r, _ := rt.match("POST", "/a/7"); r != nil {
		t.Fatal("method ignored")
	}
	if _, err := parseRoutes(yamlJSON(t, "openapi: 3.0.3\nservers: [{url: x}]\npaths:\n  /b:\n    get:\n      operationId: b\n      responses:\n        \"200\": {content: {application/json: {}}}\n")); err == nil {
		t.Fatal("an operation without a vendor media type was accepted")
	}
}
