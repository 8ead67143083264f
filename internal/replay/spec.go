package replay

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/specs"
	"github.com/oasuite/sdk/validate"
	_ "github.com/oasuite/sdk/validate/openapi" // the engine of WithSpec
)

// WithSpec checks every answer the test receives — recorded from the real
// vendor or the fake, or replayed from the cassette — against the vendor's
// embedded spec (specs/<vendor>.yaml) with strict response validation. A
// disagreement fails the test, so a recording that disagrees with the spec is
// not saved, and a spec change that a cassette contradicts fails in replay.
// Requests the spec has no operation for (token endpoints) are not checked,
// nor answers for which exempt says true: the vendor quirks its client turns
// into errors itself (BQE's 200 "Not authenticated", Bouquet's exceptions
// sent as 200). exempt may read the body; it is put back after.
func WithSpec(vendor string, exempt func(resp *http.Response, body []byte) bool) Option {
	return func(c *config) { c.spec, c.specExempt = vendor, exempt }
}

// specCheck is the RoundTripper of WithSpec.
type specCheck struct {
	t      testing.TB
	name   string
	v      *pipeline.ResponseValidator
	exempt func(*http.Response, []byte) bool
	next   http.RoundTripper
}

func withSpecCheck(t testing.TB, name string, c config, next http.RoundTripper) http.RoundTripper {
	t.Helper()
	raw, err := specs.Load(c.spec)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	v, err := pipeline.NewResponseValidator(c.spec, string(raw), validate.Strict, nil)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return &specCheck{t: t, name: name, v: v, exempt: c.specExempt, next: next}
}

func (s *specCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(req)
	if err != nil || resp == nil {
		return resp, err
	}
	var body []byte
	if resp.Body != nil && resp.Body != http.NoBody {
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr != nil {
			return nil, rerr
		}
		body = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	if s.exempt != nil && s.exempt(resp, body) {
		return resp, nil
	}
	if e := s.v.Check(req.Method, req.URL, resp.StatusCode, resp.Header, body); e != nil {
		s.t.Errorf("replay: %s.yaml: %v", s.name, e)
	}
	return resp, nil
}
