package auth

import (
	"net/url"
	"reflect"

	"golang.org/x/oauth2"
)

// Extras returns a copy of every extra field of tok (the fields of the
// token endpoint's answer, e.g. BQE CORE's "endpoint", "id_token", "scope"),
// or nil when tok has none.
//
// x/oauth2 keeps these fields in the unexported Token.raw and offers only
// lookups by key ([oauth2.Token.Extra]); it has no way to list them
// (golang/oauth2#84 asks for persistence hooks). Tokens made by this package
// ([RequestToken], [ParseFragment], [UnmarshalToken]) carry a
// map[string]any there, and so do tokens made by x/oauth2 itself for JSON
// answers (url.Values for form answers). Extras reads that field read-only
// through package reflect — no unsafe, no writes — and copies the two shapes
// [oauth2.Token.Extra] understands: map[string]any (nested JSON objects,
// arrays, strings, numbers, booleans and null) and url.Values (first value
// of each key). Anything else yields nil, so a future change of x/oauth2's
// internals degrades to "no extras" instead of a crash; a test pins the
// current behaviour.
func Extras(tok *oauth2.Token) map[string]any {
	if tok == nil {
		return nil
	}
	f := reflect.ValueOf(tok).Elem().FieldByName("raw")
	if !f.IsValid() || f.Kind() != reflect.Interface || f.IsNil() {
		return nil
	}
	v := f.Elem()
	switch {
	case v.Type() == reflect.TypeOf(map[string]any(nil)):
		m, _ := copyJSON(v).(map[string]any)
		return m
	case v.Type() == reflect.TypeOf(url.Values(nil)):
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			if vs := it.Value(); vs.Len() > 0 {
				out[it.Key().String()] = vs.Index(0).String()
			}
		}
		return out
	}
	return nil
}

// copyJSON rebuilds a JSON-like value from a read-only reflect.Value. Kinds
// that cannot occur in decoded JSON are dropped (nil).
func copyJSON(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return copyJSON(v.Elem())
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			m[it.Key().String()] = copyJSON(it.Value())
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		s := make([]any, v.Len())
		for i := range s {
			s[i] = copyJSON(v.Index(i))
		}
		return s
	case reflect.String:
		return v.String() // a json.Number keeps its text

	case reflect.Bool:
		return v.Bool()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	}
	return nil
}
