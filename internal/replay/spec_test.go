package replay

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// errorsOf captures Errorf of a testing.TB.
type errorsOf struct {
	testing.TB
	msgs []string
}

func (e *errorsOf) Errorf(format string, args ...any) {
	e.msgs = append(e.msgs, fmt.Sprintf(format, args...))
}

func TestWithSpecFailsOnADisagreement(t *testing.T) {
	answer := func(status int, body string) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})
	}
	cases := []struct {
		status  int
		body    string
		exempt  bool
		path    string
		failing bool
	}{
		{200, `{"version":"1"}`, false, "/api/version", false},
		{200, `"a string"`, false, "/api/version", true},
		{201, `{"version":"1"}`, false, "/api/version", true},
		{200, `"a string"`, true, "/api/version", false},
		{200, `"a string"`, false, "/connect/token-not-in-spec", false},
	}
	for _, c := range cases {
		var ex func(*http.Response, []byte) bool
		if c.exempt {
			ex = func(*http.Response, []byte) bool { return true }
		}
		rec := &errorsOf{TB: t}
		rt := withSpecCheck(t, "testdata/x", config{spec: "bqecore", specExempt: ex}, answer(c.status, c.body)).(*specCheck)
		rt.t = rec
		req, _ := http.NewRequest(http.MethodGet, "https://api.bqecore.com"+c.path, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		if string(got) != c.body {
			t.Errorf("%d %s: the body was not handed on whole: %q", c.status, c.body, got)
		}
		if (len(rec.msgs) > 0) != c.failing {
			t.Errorf("%d %s %s (exempt %v): errors %q", c.status, c.path, c.body, c.exempt, rec.msgs)
		}
	}
}
