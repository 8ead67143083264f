package replay

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

func TestMatch(t *testing.T) {
	var s Scrubber
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name      string
		method, u string
		ct, body  string
		rec       cassette.Request
		want      bool
	}{
		{"same", "GET", "https://h.test/a?x=1", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?x=1"}, true},
		{"method", "POST", "https://h.test/a", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a"}, false},
		{"host", "GET", "https://other.test/a", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a"}, false},
		{"scheme", "GET", "http://h.test/a", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a"}, false},
		{"path", "GET", "https://h.test/b", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a"}, false},
		{"query order", "GET", "https://h.test/a?b=2&a=1", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?a=1&b=2"}, true},
		{"query value", "GET", "https://h.test/a?a=2", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?a=1"}, false},
		{"query missing", "GET", "https://h.test/a", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?a=1"}, false},
		{"secret by presence", "GET", "https://h.test/a?access_token=real", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?access_token=REDACTED-access_token"}, true},
		{"secret absent", "GET", "https://h.test/a", "", "", cassette.Request{Method: "GET", URL: "https://h.test/a?access_token=REDACTED-access_token"}, false},
		{"random keys", "GET", "https://h.test/auth?state=s2&nonce=n2&code_challenge=c2", "", "", cassette.Request{Method: "GET", URL: "https://h.test/auth?state=s1&nonce=n1&code_challenge=c1"}, true},
		{"random key absent", "GET", "https://h.test/auth?nonce=n2", "", "", cassette.Request{Method: "GET", URL: "https://h.test/auth?state=s1&nonce=n1"}, false},
		{"form", "POST", "https://h.test/token", form, "grant_type=authorization_code&code=live&code_verifier=v2&client_secret=s",
			cassette.Request{Method: "POST", URL: "https://h.test/token", Body: "client_secret=REDACTED-client_secret&code=REDACTED-code&code_verifier=REDACTED-code_verifier&grant_type=authorization_code"}, true},
		{"form differs", "POST", "https://h.test/token", form, "grant_type=refresh_token&refresh_token=r",
			cassette.Request{Method: "POST", URL: "https://h.test/token", Body: "grant_type=authorization_code&refresh_token=REDACTED-refresh_token"}, false},
		{"json order", "POST", "https://h.test/x", "application/json", `{"b": [1, {"c": "d"}], "a": "x"}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `{"a":"x","b":[1,{"c":"d"}]}`}, true},
		{"json value", "POST", "https://h.test/x", "application/json", `{"a":"y"}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `{"a":"x"}`}, false},
		{"json secret and random", "POST", "https://h.test/x", "application/json", `{"password":"p","nonce":"n2","id":{"tokenId":"t"}}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `{"id":{"tokenId":"REDACTED-tokenId"},"nonce":"n1","password":"REDACTED-password"}`}, true},
		{"json jwt", "POST", "https://h.test/x", "application/json", `{"assertion_hint":"` + jwt + `"}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `{"assertion_hint":"REDACTED-jwt"}`}, true},
		{"json vs text", "POST", "https://h.test/x", "application/json", `{"a":1}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `a=1 b`}, false},
		{"body missing", "POST", "https://h.test/x", "application/json", `{"a":1}`,
			cassette.Request{Method: "POST", URL: "https://h.test/x", Body: ""}, false},
		{"text", "PUT", "https://h.test/x", "text/plain", "hello", cassette.Request{Method: "PUT", URL: "https://h.test/x", Body: "hello"}, true},
		{"text differs", "PUT", "https://h.test/x", "text/plain", "hello", cassette.Request{Method: "PUT", URL: "https://h.test/x", Body: "bye"}, false},
		{"bad recorded url", "GET", "https://h.test/x", "", "", cassette.Request{Method: "GET", URL: "://bad"}, false},
	}
	for _, tc := range tests {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, err := http.NewRequest(tc.method, tc.u, body)
		if err != nil {
			t.Fatal(err)
		}
		if tc.ct != "" {
			req.Header.Set("Content-Type", tc.ct)
		}
		if got := s.Match(req, tc.rec); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
		// Matching must not consume the body.
		if tc.body != "" {
			b, _ := io.ReadAll(req.Body)
			if string(b) != tc.body {
				t.Errorf("%s: body consumed: %q", tc.name, b)
			}
		}
	}
}

// Without GetBody the matcher reads the body once and puts it back.
func TestMatchWithoutGetBody(t *testing.T) {
	var s Scrubber
	req, _ := http.NewRequest("POST", "https://h.test/x", io.NopCloser(strings.NewReader(`{"a":1}`)))
	req.GetBody = nil
	rec := cassette.Request{Method: "POST", URL: "https://h.test/x", Body: `{"a":1}`}
	for i := 0; i < 2; i++ {
		if !s.Match(req, rec) {
			t.Fatalf("call %d: no match", i)
		}
	}
}
