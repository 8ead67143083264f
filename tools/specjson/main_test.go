package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Documentation keywords go; properties, status codes and media types that
// happen to be called "description" or "example" stay.
func TestCompact(t *testing.T) {
	in := []byte(`openapi: 3.0.3
info: {title: t, version: "1", description: about}
paths:
  /a:
    get:
      summary: s
      description: d
      operationId: getA
      responses:
        200:
          description: ok
          content:
            application/json:
              example: {x: 1}
              schema: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A:
      type: object
      description: an A
      required: [description]
      properties:
        description: {type: string, description: the text, example: hello}
        example: {type: string, format: date, default: 2024-01-02}
`)
	out, err := Compact(in)
	if err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "t", "version": "1"},
		"paths": map[string]any{"/a": map[string]any{"get": map[string]any{
			"operationId": "getA",
			"responses": map[string]any{"200": map[string]any{"content": map[string]any{
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/A"}}}}},
		}}},
		"components": map[string]any{"schemas": map[string]any{"A": map[string]any{
			"type": "object", "required": []any{"description"},
			"properties": map[string]any{
				"description": map[string]any{"type": "string"},
				"example":     map[string]any{"type": "string", "format": "date", "default": "2024-01-02"},
			},
		}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %s", out)
	}
	if _, err := Compact([]byte("a: [")); err == nil {
		t.Fatal("broken YAML accepted")
	}
}
