package benchkit

import (
	"encoding/json"
	"testing"
)

// Canonical turns any JSON-encodable value into the generic JSON tree it
// encodes to, so that two decodings can be compared field by field.
func Canonical(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func CanonicalBytes(t *testing.T, b []byte) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// WithoutZeros drops every zero value (false, 0, "", null, [] and {}) from
// a JSON tree, recursively. The generated read-only types hold values, not
// pointers, so they cannot tell an absent field from a zero one and leave
// zero fields out when encoding: compared through WithoutZeros, every
// non-zero value must still come back exactly.
func WithoutZeros(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = WithoutZeros(e); !isZero(e) {
				out[k] = e
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = WithoutZeros(e)
		}
		return out
	}
	return v
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
