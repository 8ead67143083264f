package replay

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"

func TestScrubQuery(t *testing.T) {
	var s Scrubber
	tests := []struct{ in, want string }{
		{"", ""},
		{"a=1&b=2", "a=1&b=2"},
		{"access_token=abc&page=0%2C100", "access_token=REDACTED-access_token&page=0%2C100"},
		{"grant_type=password&username=bob&password=p%40ss", "grant_type=password&username=bob&password=REDACTED-password"},
		{"code=xyz&state=s1&code_verifier=v", "code=REDACTED-code&state=s1&code_verifier=REDACTED-code_verifier"},
		{"grant_type=actas&token=t0k&actas=user-7", "grant_type=actas&token=REDACTED-token&actas=user-7"},
		{"Client_Secret=x", "Client_Secret=REDACTED-Client_Secret"},
		{"clientSecret=x&dbPassword=y&accessToken=z", "clientSecret=REDACTED-clientSecret&dbPassword=REDACTED-dbPassword&accessToken=REDACTED-accessToken"},
		{"squidapitoken=x&assertion=y&id_token_hint=z", "squidapitoken=REDACTED-squidapitoken&assertion=REDACTED-assertion&id_token_hint=REDACTED-id_token_hint"},
		{"access_token=&flag", "access_token=&flag"},
		{"hint=" + jwt, "hint=REDACTED-jwt"},
		{"token_type=bearer&expires_in=3600", "token_type=bearer&expires_in=3600"},
	}
	for _, tc := range tests {
		if got := s.Query(tc.in); got != tc.want {
			t.Errorf("Query(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	extra := Scrubber{Keys: []string{"customer_key"}}
	if got := extra.Query("customer_key=k&x=1"); got != "customer_key=REDACTED-customer_key&x=1" {
		t.Errorf("extra key: %q", got)
	}
}

func TestScrubURLAndLocation(t *testing.T) {
	var s Scrubber
	tests := []struct {
		in, url, location string
	}{
		{"https://h.test/p?x=1", "https://h.test/p?x=1", "https://h.test/p?x=1"},
		{"https://h.test/cb?code=abc&state=st", "https://h.test/cb?code=REDACTED-code&state=st", "https://h.test/cb?code=REDACTED-code&state=REDACTED-state"},
		{"https://h.test/cb#access_token=abc&token_type=bearer&state=st&id_token=" + jwt,
			"https://h.test/cb#access_token=REDACTED-access_token&token_type=bearer&state=st&id_token=REDACTED-id_token",
			"https://h.test/cb#access_token=REDACTED-access_token&token_type=bearer&state=REDACTED-state&id_token=REDACTED-id_token"},
		{"https://bob:pw@h.test/x", "https://bob:REDACTED-password@h.test/x", "https://bob:REDACTED-password@h.test/x"},
		{"https://h.test/t/" + jwt, "https://h.test/t/REDACTED-jwt", "https://h.test/t/REDACTED-jwt"},
		{"https://h.test/cb?error=access_denied&state=st", "https://h.test/cb?error=access_denied&state=st", "https://h.test/cb?error=access_denied&state=REDACTED-state"},
	}
	for _, tc := range tests {
		if got := s.URL(tc.in); got != tc.url {
			t.Errorf("URL(%q)\n got %q\nwant %q", tc.in, got, tc.url)
		}
		if got := s.Location(tc.in); got != tc.location {
			t.Errorf("Location(%q)\n got %q\nwant %q", tc.in, got, tc.location)
		}
	}
	known := Scrubber{Known: map[string]string{"tok-1234567890": "REDACTED-tokenId"}}
	if got := known.URL("https://h.test/rs/token/tok-1234567890"); got != "https://h.test/rs/token/REDACTED-tokenId" {
		t.Errorf("known secret in path: %q", got)
	}
}

func TestScrubJSON(t *testing.T) {
	var s Scrubber
	tests := []struct{ in, want string }{
		{`{"access_token":"a","token_type":"Bearer","expires_in":3600,"scope":"read"}`,
			`{"access_token":"REDACTED-access_token","token_type":"Bearer","expires_in":3600,"scope":"read"}`},
		// Bouquet's AccessToken: non-standard names, nested id.
		{`{"id":{"tokenId":"t1"},"type":"NORMAL","refreshToken":"r1","authorizationCode":"c1","expirationDateMillis":1700000000000}`,
			`{"id":{"tokenId":"REDACTED-tokenId"},"type":"NORMAL","refreshToken":"REDACTED-refreshToken","authorizationCode":"REDACTED-authorizationCode","expirationDateMillis":1700000000000}`},
		// depth, arrays, key order kept, numbers kept exactly, HTML not escaped.
		{`[{"z":1.50,"user":{"password":"p","name":"<b>"}},{"creds":[{"client_secret":"s"}]}]`,
			`[{"z":1.50,"user":{"password":"REDACTED-password","name":"<b>"}},{"creds":[{"client_secret":"REDACTED-client_secret"}]}]`},
		// a JWT under an ordinary key, empty and non-string secrets.
		{`{"note":"id ` + jwt + ` end","code":401,"password":"","token":null}`,
			`{"note":"id REDACTED-jwt end","code":401,"password":"","token":null}`},
		{`"just a string"`, `"just a string"`},
	}
	for _, tc := range tests {
		got, ok := s.JSON([]byte(tc.in))
		if !ok || string(got) != tc.want {
			t.Errorf("JSON(%s)\n got %s (ok %v)\nwant %s", tc.in, got, ok, tc.want)
		}
	}
	pretty := "{\n  \"name\": \"x\"\n}\n"
	if got, ok := s.JSON([]byte(pretty)); !ok || string(got) != pretty {
		t.Errorf("unchanged JSON rewritten: %q", got)
	}
	for _, bad := range []string{"", "{", `{"a":}`, "nope"} {
		if got, ok := s.JSON([]byte(bad)); ok || string(got) != bad {
			t.Errorf("JSON(%q) = %q, %v; want input back and false", bad, got, ok)
		}
	}
	keep := Scrubber{KeepJSON: []string{"code"}}
	got, _ := keep.JSON([]byte(`{"code":"ACT-1","password":"p"}`))
	if string(got) != `{"code":"ACT-1","password":"REDACTED-password"}` {
		t.Errorf("KeepJSON: %s", got)
	}
	if q := keep.Query("code=abc"); q != "code=REDACTED-code" {
		t.Errorf("KeepJSON must not affect forms: %s", q)
	}
}

func TestScrubBody(t *testing.T) {
	var s Scrubber
	tests := []struct{ ct, in, want string }{
		{"application/x-www-form-urlencoded", "code=c&grant_type=authorization_code", "code=REDACTED-code&grant_type=authorization_code"},
		{"application/json; charset=utf-8", `{"refresh_token":"r"}`, `{"refresh_token":"REDACTED-refresh_token"}`},
		{"application/vnd.procurios+json", `{"access_token":"r"}`, `{"access_token":"REDACTED-access_token"}`},
		{"", `{"access_token":"r"}`, `{"access_token":"REDACTED-access_token"}`},
		{"text/plain", "access_token=abc&expires=10", "access_token=REDACTED-access_token&expires=10"},
		{"text/plain", "Missing Bearer authentication", "Missing Bearer authentication"},
		{"text/plain", "sent Bearer abcdef123456 to", "sent Bearer REDACTED-authorization to"},
		{"text/html", "<p>" + jwt + "</p>", "<p>REDACTED-jwt</p>"},
		{"application/json", "", ""},
	}
	for _, tc := range tests {
		if got := s.Body(tc.ct, tc.in); got != tc.want {
			t.Errorf("Body(%q, %q)\n got %q\nwant %q", tc.ct, tc.in, got, tc.want)
		}
	}
}

func TestScrubHeader(t *testing.T) {
	var s Scrubber
	in := http.Header{
		"Authorization":       {"Bearer abc.def"},
		"Proxy-Authorization": {"Basic dXNlcjpwYXNz"},
		"Cookie":              {"squidapitoken=abc"},
		"Set-Cookie":          {"session=s; Path=/; HttpOnly"},
		"Location":            {"https://app.test/cb?code=c&state=s"},
		"X-Auth-Token":        {"t"},
		"Www-Authenticate":    {`Bearer realm="api", error="invalid_token"`},
		"X-Debug":             {jwt},
		"Content-Type":        {"application/json"},
	}
	orig := in.Clone()
	got := s.Header(in)
	want := map[string]string{
		"Authorization":       "Bearer REDACTED-authorization",
		"Proxy-Authorization": "Basic REDACTED-authorization",
		"Cookie":              "REDACTED-cookie",
		"Set-Cookie":          "REDACTED-set-cookie",
		"Location":            "https://app.test/cb?code=REDACTED-code&state=REDACTED-state",
		"X-Auth-Token":        "REDACTED-x-auth-token",
		"Www-Authenticate":    `Bearer realm="api", error="invalid_token"`,
		"X-Debug":             "REDACTED-jwt",
		"Content-Type":        "application/json",
	}
	for k, v := range want {
		if got.Get(k) != v {
			t.Errorf("%s: got %q, want %q", k, got.Get(k), v)
		}
	}
	for k := range orig {
		if in.Get(k) != orig.Get(k) {
			t.Errorf("Header modified its argument at %s", k)
		}
	}
	if s.Header(nil) != nil {
		t.Error("Header(nil) != nil")
	}
}

func TestScrubInteractionAndKnownSecrets(t *testing.T) {
	tokenResp := &cassette.Interaction{
		Request: cassette.Request{
			Method:  "POST",
			URL:     "https://api.test/rs/token",
			Headers: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			Body:    "grant_type=password&password=hunter2hunter2",
			Form:    url.Values{"grant_type": {"password"}, "password": {"hunter2hunter2"}},
		},
		Response: cassette.Response{
			Headers:  http.Header{"Content-Type": {"application/json"}, "Content-Length": {"40"}},
			Body:     `{"id":{"tokenId":"tok-abcdef123456"}}`,
			Code:     200,
			Duration: 1234,
		},
	}
	use := &cassette.Interaction{
		Request: cassette.Request{
			Method:  "DELETE",
			URL:     "https://api.test/rs/token/tok-abcdef123456",
			Headers: http.Header{"Authorization": {"Bearer static-token-9876543210"}},
		},
		Response: cassette.Response{Headers: http.Header{}, Body: "deleted tok-abcdef123456 for static-token-9876543210", Code: 200},
	}
	s := Scrubber{}
	s.Known = KnownSecrets(s, tokenResp, use, nil)
	if s.Known["tok-abcdef123456"] != "REDACTED-tokenId" || s.Known["hunter2hunter2"] != "REDACTED-password" ||
		s.Known["static-token-9876543210"] != "REDACTED-authorization" {
		t.Fatalf("KnownSecrets = %v", s.Known)
	}
	got1 := s.Interaction(*tokenResp)
	if got1.Request.Form.Get("password") != "REDACTED-password" || tokenResp.Request.Form.Get("password") != "hunter2hunter2" {
		t.Error("form not scrubbed, or the original changed")
	}
	if got1.Response.Duration != 0 {
		t.Error("duration kept")
	}
	if got1.Response.Headers.Get("Content-Length") != strconv.Itoa(len(got1.Response.Body)) || got1.Response.Body == tokenResp.Response.Body {
		t.Errorf("Content-Length %q, body %q", got1.Response.Headers.Get("Content-Length"), got1.Response.Body)
	}
	got2 := s.Interaction(*use)
	if got2.Request.URL != "https://api.test/rs/token/REDACTED-tokenId" {
		t.Errorf("URL %q", got2.Request.URL)
	}
	if got2.Response.Body != "deleted REDACTED-tokenId for REDACTED-authorization" {
		t.Errorf("body %q", got2.Response.Body)
	}
	for _, f := range ScanInteraction(got1) {
		t.Errorf("scrubbed interaction flagged: %s", f)
	}
	for _, f := range ScanInteraction(got2) {
		t.Errorf("scrubbed interaction flagged: %s", f)
	}
	short := KnownSecrets(Scrubber{}, &cassette.Interaction{Request: cassette.Request{URL: "https://x.test/?code=ab"}})
	if len(short) != 0 {
		t.Errorf("short values remembered: %v", short)
	}
}

func TestIsSecretKey(t *testing.T) {
	var s Scrubber
	for _, k := range []string{"access_token", "ACCESS_TOKEN", "refresh_token", "id_token", "code", "client_secret",
		"password", "assertion", "code_verifier", "token", "squidapitoken", "tokenId", "refreshToken",
		"authorizationCode", "dbPassword", "clientSecret", "X-Auth-Token"} {
		if !s.IsSecretKey(k) {
			t.Errorf("%q not secret", k)
		}
	}
	for _, k := range []string{"actas", "state", "nonce", "token_type", "expires_in", "scope", "name", "", "tokenType", "zipCode"} {
		if s.IsSecretKey(k) {
			t.Errorf("%q secret", k)
		}
	}
}

func TestPlaceholderNeverLooksSecret(t *testing.T) {
	for _, k := range DefaultSecretKeys() {
		p := Placeholder(k)
		if !IsPlaceholder(p) || jwtRe.MatchString(p) || looksLikeCredential(p) {
			t.Errorf("placeholder %q would be flagged", p)
		}
		if strings.Contains(p, " ") {
			t.Errorf("placeholder %q has a space", p)
		}
	}
}
