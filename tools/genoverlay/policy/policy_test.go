package policy

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/util"
)

// fixture has one schema of every kind the policy tells apart.
const fixture = `openapi: 3.0.3
info: {title: fixture, version: "1"}
paths:
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {$ref: '#/components/schemas/ThingId'}}
    get:
      operationId: getThing
      responses:
        '200':
          description: a thing
          headers:
            X-RateLimit-Remaining: {schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '429': {$ref: '#/components/responses/TooMany'}
    post:
      operationId: putThing
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ThingWrite'}
      responses:
        '200':
          description: the stored tag and an inline summary
          content:
            application/json:
              schema:
                type: object
                properties:
                  tag: {$ref: '#/components/schemas/Tag'}
                  count: {type: integer}
components:
  responses:
    TooMany:
      description: slow down
      headers:
        Retry-After: {schema: {type: integer}}
      content:
        application/json:
          schema:
            type: object
            properties:
              message: {type: string}
  schemas:
    ThingId: {type: string}
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        name: {type: string}
        active: {type: boolean}
        owner:
          type: object
          properties:
            email: {type: string}
        parts:
          type: array
          items:
            type: object
            properties:
              qty: {type: integer}
        tag: {$ref: '#/components/schemas/Tag'}
        extra: {$ref: '#/components/schemas/Open'}
    Open:
      type: object
      properties:
        note: {type: string}
      additionalProperties: true
    Tag:
      type: object
      properties:
        label: {type: string}
    ThingWrite:
      type: object
      properties:
        name: {type: string}
        active: {type: boolean}
        tag: {$ref: '#/components/schemas/Tag'}
`

func TestComputeClassifies(t *testing.T) {
	plan, err := Compute([]byte(fixture))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Open", "Thing"}; !slices.Equal(plan.ReadOnly, want) {
		t.Errorf("read-only = %v, want %v", plan.ReadOnly, want)
	}
	// Tag is read and sent: it keeps its pointers, like ThingWrite and the
	// parameter's schema.
	if want := []string{"Tag", "ThingId", "ThingWrite"}; !slices.Equal(plan.Sent, want) {
		t.Errorf("sent = %v, want %v", plan.Sent, want)
	}
	var got []string
	for _, a := range plan.Actions {
		if a.Remove {
			got = append(got, "remove "+a.Target)
		} else {
			got = append(got, a.Target)
		}
	}
	want := []string{
		// the 2xx answer's declared header; the 429's stays
		"remove $['paths']['/things/{id}']['get']['responses']['200']['headers']",
		// the inline response schema (tag refers to a sent schema: its field
		// becomes a value, Tag's own fields do not)
		"$['paths']['/things/{id}']['post']['responses']['200']['content']['application/json']['schema']['properties']['count']",
		"$['paths']['/things/{id}']['post']['responses']['200']['content']['application/json']['schema']['properties']['tag']",
		// Open takes additional properties: nothing (its MarshalJSON would
		// write every value field)
		// Thing: every optional property, through inline objects; id is required
		"$['components']['schemas']['Thing']['properties']['active']",
		"$['components']['schemas']['Thing']['properties']['extra']",
		"$['components']['schemas']['Thing']['properties']['name']",
		"$['components']['schemas']['Thing']['properties']['owner']",
		"$['components']['schemas']['Thing']['properties']['owner']['properties']['email']",
		"$['components']['schemas']['Thing']['properties']['parts']",
		"$['components']['schemas']['Thing']['properties']['parts']['items']['properties']['qty']",
		"$['components']['schemas']['Thing']['properties']['tag']",
		// a shared response's inline schema
		"$['components']['responses']['TooMany']['content']['application/json']['schema']['properties']['message']",
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":    "'plain'",
		"it's":     `'it\'s'`,
		`back\sl`:  `'back\\sl'`,
		"/a/{id}":  "'/a/{id}'",
		"$schema":  "'$schema'",
		"_links.x": "'_links.x'",
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestOverlayAppliesThroughOapiCodegen runs the rendered overlay through
// oapi-codegen's own loader in strict mode (every target must select a
// node) and its generator, and checks the Go types that come out.
func TestOverlayAppliesThroughOapiCodegen(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "fixture.yaml")
	overlay := filepath.Join(dir, "overlay.gen.yaml")
	if err := os.WriteFile(spec, []byte(fixture), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Overlay([]byte(fixture), spec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# Code generated by tools/genoverlay from specs/fixture.yaml; DO NOT EDIT.\n") {
		t.Errorf("overlay header:\n%s", b)
	}
	if err := os.WriteFile(overlay, b, 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := util.LoadSwaggerWithOverlay(spec, util.LoadSwaggerWithOverlayOpts{Path: overlay, Strict: true})
	if err != nil {
		t.Fatalf("strict overlay: %v", err)
	}
	code, err := codegen.Generate(doc, codegen.Configuration{PackageName: "fixture",
		Generate: codegen.GenerateOptions{Models: true, Client: true}})
	if err != nil {
		t.Fatal(err)
	}
	norm := regexp.MustCompile(`[ \t]+`)
	code = norm.ReplaceAllString(code, " ")
	for _, want := range []string{
		"Active bool `json:\"active,omitempty,omitzero\"`",
		"Name string `json:\"name,omitempty,omitzero\"`",
		"Id string `json:\"id\"`",
		"Email string `json:\"email,omitempty,omitzero\"`",
		"Qty int `json:\"qty,omitempty,omitzero\"`",
		"Tag Tag `json:\"tag,omitempty,omitzero\"`",
		// sent schemas keep pointers, so false and "" can be sent
		"Active *bool `json:\"active,omitempty\"`",
		"Label *string `json:\"label,omitempty\"`",
		// additionalProperties: pointers kept
		"Note *string `json:\"note,omitempty\"`",
		// the 429's header is still bound; the 200's is not
		"Headers429",
	} {
		if !strings.Contains(code, want) {
			t.Errorf("generated code lacks %q", want)
		}
	}
	if strings.Contains(code, "Headers200") {
		t.Error("the 200 answer's declared header is still bound into a struct")
	}
}
