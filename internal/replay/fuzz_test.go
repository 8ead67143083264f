package replay

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

// FuzzScrubThenScan checks the contract between the scrubber and the scanner: whatever a
// recording holds, its scrubbed form has no finding.
func FuzzScrubThenScan(f *testing.F) {
	f.Add("application/json", `{"access_token":"abc","n":[{"refreshToken":"r"}]}`, "https://h.test/x?code=c#id_token=i")
	f.Add("application/x-www-form-urlencoded", "password=p&client_secret=s", "https://u:p@h.test/")
	f.Add("text/plain", "Bearer abcdefgh12345 and "+jwt, "https://h.test/"+jwt)
	f.Add("", "access_token=x&y=1", "https://h.test/cb#access_token=a&state=s")
	f.Fuzz(func(t *testing.T, ct, body, u string) {
		i := cassette.Interaction{
			Request: cassette.Request{URL: u, Method: "POST", Body: body,
				Headers: http.Header{"Content-Type": {ct}, "Authorization": {body}}},
			Response: cassette.Response{Body: body,
				Headers: http.Header{"Content-Type": {ct}, "Location": {u}, "X-Echo": {body}}},
		}
		var s Scrubber
		s.Known = KnownSecrets(s, &i)
		for _, fd := range ScanInteraction(s.Interaction(i)) {
			t.Errorf("after scrubbing: %s", fd)
		}
	})
}

// secretPlaces are where FuzzScrubRemovesSecrets puts its secret; %s is the
// secret, %k a secret key.
var secretPlaces = []struct{ where, tmpl string }{
	{"url.query", "https://h.test/api/x?page=1&%k=%s"},
	{"url.fragment", "https://h.test/cb#%k=%s&state=st"},
	{"request.form", "grant_type=refresh_token&%k=%s&client_id=app"},
	{"request.json", `{"user":{"%k":"%s"},"n":1}`},
	{"response.json", `{"%k":"%s","token_type":"bearer","expires_in":3600}`},
	{"response.json_nested", `{"data":[{"a":1},{"%k":"%s"}]}`},
	{"header.authorization", "Bearer %s"},
	{"header.location", "https://app.test/cb?state=st&%k=%s"},
	{"header.cookie", "session=%s; theme=dark"},
	{"broken.json", `{"%k":"%s","cut":`},
}

// FuzzScrubRemovesSecrets: a secret value placed under any secret key, in any
// part of an interaction — and echoed elsewhere in it, as servers echo tokens
// in error messages — appears nowhere in the scrubbed interaction.
func FuzzScrubRemovesSecrets(f *testing.F) {
	f.Add(uint8(0), uint8(0), "tok-1234567890abcdef", true)
	f.Add(uint8(3), uint8(5), "pw with spaces & symbols=!", false)
	f.Add(uint8(6), uint8(1), "ya29.a0AfH6SMBx", true)
	f.Add(uint8(9), uint8(7), "\"quoted\"\\slash", false)
	f.Add(uint8(8), uint8(2), "c2VjcmV0LXZhbHVl", true)
	f.Add(uint8(4), uint8(9), "ünïcødé-sécret", true)
	keys := append(DefaultSecretKeys(), "apiToken", "dbPassword", "clientSecret")
	f.Fuzz(func(t *testing.T, place, key uint8, secret string, echo bool) {
		// A secret is a credential-like value: long enough, one line, and not
		// something the interaction's own skeleton already contains.
		if len(secret) < 8 || len(secret) > 200 || strings.ContainsAny(secret, "\r\n\x00") || IsPlaceholder(secret) ||
			strings.TrimSpace(secret) != secret {
			return
		}
		p := secretPlaces[int(place)%len(secretPlaces)]
		k := keys[int(key)%len(keys)]
		enc := secret
		switch p.where {
		case "url.query", "url.fragment", "request.form", "header.location":
			enc = url.QueryEscape(secret)
		case "request.json", "response.json", "response.json_nested", "broken.json":
			// Escaped the way a server that does not HTML-escape writes it. A
			// value whose escaping differs from the scrubber's own (\u0026 for
			// '&', \u2028, invalid UTF-8) survives in a body that is not valid
			// JSON: a known gap, reported in docs/RELIABILITY.md.
			if !utf8.ValidString(secret) || strings.ContainsAny(secret, "\u2028\u2029") {
				return
			}
			var b strings.Builder
			e := json.NewEncoder(&b)
			e.SetEscapeHTML(false)
			_ = e.Encode(secret)
			enc = strings.TrimSuffix(b.String(), "\n")
			enc = enc[1 : len(enc)-1]
		case "header.cookie":
			if strings.ContainsAny(secret, ";, \t=\"") {
				return
			}
		case "header.authorization":
			if strings.ContainsAny(secret, " \t") { // a bearer credential is one word
				return
			}
		}
		filled := strings.NewReplacer("%k", k, "%s", enc).Replace(p.tmpl)
		i := cassette.Interaction{
			Request: cassette.Request{URL: "https://h.test/api/x", Method: "POST",
				Headers: http.Header{"Content-Type": {"application/json"}}},
			Response: cassette.Response{Status: "200 OK", Code: 200,
				Headers: http.Header{"Content-Type": {"application/json"}}},
		}
		switch p.where {
		case "url.query", "url.fragment":
			i.Request.URL = filled
		case "request.form":
			i.Request.Headers.Set("Content-Type", "application/x-www-form-urlencoded")
			i.Request.Body = filled
			i.Request.Form, _ = url.ParseQuery(filled)
		case "request.json":
			i.Request.Body = filled
		case "response.json", "response.json_nested", "broken.json":
			i.Response.Body = filled
		case "header.authorization":
			i.Request.Headers.Set("Authorization", filled)
		case "header.location":
			i.Response.Headers.Set("Location", filled)
		case "header.cookie":
			i.Request.Headers.Set("Cookie", filled)
		}
		skeleton := fmt.Sprintf("%v", i)
		if strings.Count(skeleton, secret) != strings.Count(filled, secret) {
			return // the secret is part of the skeleton itself (e.g. "application/json")
		}
		// The server repeats it in a plain-text message.
		if echo {
			i.Response.Body += " / invalid credential " + secret
		}
		var s Scrubber
		s.Known = KnownSecrets(s, &i)
		out := s.Interaction(i)
		if dump := fmt.Sprintf("%v", out); strings.Contains(dump, secret) || (enc != secret && strings.Contains(dump, enc)) {
			t.Errorf("%s under %q: the secret survived scrubbing:\n%s", p.where, k, dump)
		}
	})
}
