// Package fastjson is the JSON the generated clients and the pipeline decode
// with (issue 20): encoding/json's results without encoding/json's
// reflection per value. gen/<vendor>api import it under the name json
// (internal/gentemplates/imports.tmpl), so every generated
// Parse*Response, every generated UnmarshalJSON and pipeline.DecodeJSON
// decode through Unmarshal; encoding is encoding/json's, byte for byte.
package fastjson

import (
	"encoding/json"
	"reflect"

	gojson "github.com/goccy/go-json"
)

// RawMessage is encoding/json's.
type RawMessage = json.RawMessage

// Marshal is encoding/json.Marshal: request bodies are the bytes they
// always were.
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes JSON into v as encoding/json.Unmarshal does — the same
// value, field for field, unknown fields ignored, names matched case
// insensitively, invalid UTF-8 replaced — with github.com/goccy/go-json,
// which decodes without reflection per value (docs/PERFORMANCE.md compares
// the decoders). On any error v is zeroed and decoded again by
// encoding/json, so that the error is exactly encoding/json's
// (*json.SyntaxError, *json.UnmarshalTypeError, … with its message) and v
// holds what encoding/json leaves; an input the fast decoder refuses but
// encoding/json accepts decodes as encoding/json decodes it. Strings and
// RawMessages are copies: data can be reused once Unmarshal returns.
func Unmarshal(data []byte, v any) error {
	if err := gojson.Unmarshal(data, v); err != nil {
		if p := reflect.ValueOf(v); p.Kind() == reflect.Pointer && !p.IsNil() {
			p.Elem().SetZero()
		}
		return json.Unmarshal(data, v)
	}
	return nil
}
