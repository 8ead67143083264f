package replay

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

// Match is the cassette.Matcher the harness uses. A live request matches a recorded one when
// the method, the URL's scheme, host and path, the query and the body agree, where values of
// secret keys (scrubbed in the cassette) and of per-run random keys (state, nonce,
// code_challenge, code_verifier) only need to be present on both sides, and JWTs count as
// equal. Form bodies compare as parsed forms; JSON bodies compare semantically (key order and
// whitespace do not matter); other bodies compare as text. The live body is read through
// GetBody when set, so matching does not consume it.
func (s Scrubber) Match(r *http.Request, rec cassette.Request) bool {
	if !strings.EqualFold(r.Method, rec.Method) {
		return false
	}
	ru, err := url.Parse(rec.URL)
	if err != nil {
		return false
	}
	lu := r.URL
	if !strings.EqualFold(lu.Scheme, ru.Scheme) || !strings.EqualFold(lu.Host, ru.Host) ||
		s.Text(lu.EscapedPath()) != s.Text(ru.EscapedPath()) {
		return false
	}
	if !reflect.DeepEqual(s.NormalizeQuery(lu.RawQuery), s.NormalizeQuery(ru.RawQuery)) {
		return false
	}
	body, err := readBody(r)
	if err != nil {
		return false
	}
	return s.sameBody(r.Header.Get("Content-Type"), string(body), rec.Body)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// NormalizeQuery parses a query or form string for comparison: values of secret and random
// keys become "" (presence only) and the rest go through Text. Unparseable input yields nil
// and then compares as its Text.
func (s Scrubber) NormalizeQuery(raw string) url.Values {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return url.Values{"\x00raw": {s.Text(raw)}}
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		nv := make([]string, len(vs))
		for i, x := range vs {
			if s.IsSecretKey(k) || isRandomKey(k) {
				nv[i] = ""
			} else {
				nv[i] = s.Text(x)
			}
		}
		out[k] = nv
	}
	return out
}

// NormalizeJSON decodes a JSON document for comparison: string values under secret or random
// keys become "" and the rest go through Text. ok is false when body is not JSON.
func (s Scrubber) NormalizeJSON(body []byte) (v any, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return s.normJSON("", false, v), true
}

func (s Scrubber) normJSON(key string, inObj bool, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = s.normJSON(k, true, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.normJSON(key, inObj, e)
		}
		return out
	case string:
		if inObj && (s.IsSecretJSONKey(key) || isRandomKey(key)) {
			return ""
		}
		return s.Text(x)
	default:
		return v
	}
}

func (s Scrubber) sameBody(contentType, live, recorded string) bool {
	if live == recorded {
		return true
	}
	if strings.TrimSpace(live) == "" || strings.TrimSpace(recorded) == "" {
		return strings.TrimSpace(live) == strings.TrimSpace(recorded)
	}
	mt := mediaType(contentType)
	if mt == formType {
		return reflect.DeepEqual(s.NormalizeQuery(live), s.NormalizeQuery(recorded))
	}
	if lj, ok := s.NormalizeJSON([]byte(live)); ok {
		if rj, ok := s.NormalizeJSON([]byte(recorded)); ok {
			return reflect.DeepEqual(lj, rj)
		}
		return false
	}
	if looksLikeForm(strings.TrimSpace(live)) && looksLikeForm(strings.TrimSpace(recorded)) {
		return reflect.DeepEqual(s.NormalizeQuery(live), s.NormalizeQuery(recorded))
	}
	return s.Text(live) == s.Text(recorded)
}
