// Package fuzzkit holds what the vendor packages' fuzz targets share: a stub
// transport that answers fuzzed bytes, a way to find the token values in an
// answer, and the check that no credential reaches an error message.
package fuzzkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Credentials the fuzz targets send, recognisable in any output.
const (
	Token   = "AT-fuzz-access-token-0001"
	Refresh = "RT-fuzz-refresh-token-0001"
	Secret  = "CS-fuzz-client-secret-01"
)

// StubRT is a RoundTripper made of a function.
type StubRT func(*http.Request) (*http.Response, error)

// RoundTrip calls f.
func (f StubRT) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Answer builds a response to r with the status, content type and body.
func Answer(r *http.Request, status int, ctype string, body []byte) *http.Response {
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r, ContentLength: int64(len(body))}
}

// StubClient answers every request with the status, content type and body:
// the fuzzed bytes reach a public client exactly as a server would send them.
func StubClient(status int, ctype string, body []byte) *http.Client {
	return &http.Client{Transport: StubRT(func(r *http.Request) (*http.Response, error) {
		return Answer(r, status, ctype, body), nil
	})}
}

// Status maps a fuzzed number onto the error statuses 400–599.
func Status(s uint16) int { return 400 + int(s)%200 }

// TokenValues returns the token-like values (8 bytes or more) of a token
// answer, JSON (at any depth) or form.
func TokenValues(body []byte) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				lk := strings.ToLower(k)
				if s, ok := x.(string); ok && len(s) >= 8 && (strings.Contains(lk, "token") || lk == "tokenid") {
					out = append(out, s)
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var m any
	if json.Unmarshal(body, &m) == nil {
		walk(m)
	}
	if q, err := url.ParseQuery(string(body)); err == nil {
		for k, vs := range q {
			if strings.Contains(strings.ToLower(k), "token") {
				for _, s := range vs {
					if len(s) >= 8 {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// CheckTokenErr fails when a failed login's error holds a credential the
// request sent or a token value of the answer.
func CheckTokenErr(t testing.TB, err error, body []byte, sent ...string) {
	t.Helper()
	msg := err.Error()
	for _, s := range append(sent, TokenValues(body)...) {
		if strings.Contains(msg, s) {
			t.Errorf("a credential is in the error: %q", msg)
		}
	}
}

// TokenSeed is one seed of a token-response fuzz target.
type TokenSeed struct {
	Status uint16 // fed to Status; 0 means the success path
	CType  string
	Body   string
}

// TokenSeeds are seeds for every vendor's token-response target: RFC 6749
// JSON, string expires_in, form-encoded, error answers echoing secrets, HTML,
// empty and malformed bodies.
func TokenSeeds() []TokenSeed {
	return []TokenSeed{
		{0, "application/json", `{"access_token":"abcdefgh12345678","token_type":"Bearer","expires_in":3600,"refresh_token":"rrrrrrrr12345678"}`},
		{0, "application/json", `{"access_token":"abcdefgh12345678","expires_in":"3600","id_token":"x.y.z"}`},
		{0, "application/x-www-form-urlencoded", `access_token=abcdefgh12345678&expires_in=60`},
		{0, "application/json", `{"error":"invalid_grant","error_description":"refresh token rrrrrrrr12345678 was used"}`},
		{1, "application/json", `{"error":"invalid_client","error_description":"secret CS-fuzz-client-secret-01 is wrong"}`},
		{0, "text/html", `<html>login</html>`},
		{0, "application/json", `{"access_token":""}`},
		{0, "application/json", `{"access_token":123,"expires_in":-5}`},
		{0, "application/json", `null`},
		{2, "", ``},
	}
}
