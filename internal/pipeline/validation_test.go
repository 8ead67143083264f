package pipeline

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/oasuite/sdk/validate"
)

// Without validate/openapi in the program, asking for validation is an
// error naming the import; Off still costs nothing.
func TestResponseValidatorNeedsTheEngine(t *testing.T) {
	if v, err := NewResponseValidator("bqecore", "{}", validate.Off, nil); v != nil || err != nil {
		t.Fatalf("Off: %v, %v", v, err)
	}
	for _, m := range []validate.Mode{validate.Log, validate.Strict} {
		_, err := NewResponseValidator("bqecore", "{}", m, nil)
		if !errors.Is(err, validate.ErrValidatorNotLinked) {
			t.Fatalf("%v without the engine: %v", m, err)
		}
	}
	if _, err := NewResponseValidator("bqecore", "{}", validate.Mode(9), nil); err == nil || errors.Is(err, validate.ErrValidatorNotLinked) {
		t.Fatalf("unknown mode: %v", err)
	}
}

// fakeChecker reports one mismatch per answer, more than MaxMismatches.
type fakeChecker struct{}

func (fakeChecker) Operation(method, p string) (string, string) { return "op", "/x" }
func (fakeChecker) WantsBody(string, string, int, http.Header) bool {
	return false
}
func (fakeChecker) Check(method string, u *url.URL, status int, h http.Header, body []byte) *validate.SpecMismatchError {
	ms := make([]validate.Mismatch, validate.MaxMismatches+3)
	return &validate.SpecMismatchError{Operation: "op", Method: method, Path: "/x", Status: status, Mismatches: ms}
}

// A registered engine is used; the validator names the vendor and bounds
// the mismatches.
func TestResponseValidatorUsesTheRegisteredEngine(t *testing.T) {
	checkerMu.RLock()
	prev := newChecker
	checkerMu.RUnlock()
	t.Cleanup(func() { RegisterChecker(prev) })
	var gotVendor, gotSpec string
	RegisterChecker(func(vendor string, spec []byte) (Checker, error) {
		gotVendor, gotSpec = vendor, string(spec)
		return fakeChecker{}, nil
	})
	v, err := NewResponseValidator("bidcore", `{"openapi":"3.0.3"}`, validate.Strict, nil)
	if err != nil || gotVendor != "bidcore" || gotSpec != `{"openapi":"3.0.3"}` {
		t.Fatalf("engine got %q %q: %v", gotVendor, gotSpec, err)
	}
	e := v.Check("GET", &url.URL{Path: "/x"}, 200, nil, nil)
	if e.Vendor != "bidcore" || len(e.Mismatches) != validate.MaxMismatches || !e.Truncated {
		t.Fatalf("check: %+v", e)
	}
}
