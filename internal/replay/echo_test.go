package replay

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

// A secret echoed by a server in a body that is not valid JSON, escaped the
// way Go's encoder writes it by default (\u0026 for '&'), and a session cookie
// echoed in a body, are both scrubbed.
func TestEchoedSecretsInOtherSpellingsAreScrubbed(t *testing.T) {
	const secret = "p&ss<word>-0123456789"
	const cookie = "sess-9f8e7d6c5b4a3210"
	i := cassette.Interaction{
		Request: cassette.Request{
			URL: "https://h.test/token", Method: "POST",
			Headers: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {"sid=" + cookie + "; theme=dark"}},
			Body:    "grant_type=password&username=ann&password=p%26ss%3Cword%3E-0123456789",
			Form:    map[string][]string{"grant_type": {"password"}, "username": {"ann"}, "password": {secret}},
		},
		Response: cassette.Response{
			Status: "400 Bad Request", Code: 400,
			Headers: http.Header{"Content-Type": {"application/json"}},
			// Truncated JSON: the scrubber cannot walk it, only replace text.
			Body: `{"error":"invalid_grant","detail":"bad password p\u0026ss\u003cword\u003e-0123456789 for session ` + cookie + `","cut":`,
		},
	}
	var s Scrubber
	s.Known = KnownSecrets(s, &i)
	out := s.Interaction(i)
	dump := out.Request.Body + out.Request.URL + out.Response.Body + strings.Join(out.Request.Headers.Values("Cookie"), ";")
	for _, leak := range []string{secret, `p\u0026ss\u003cword\u003e-0123456789`, "p%26ss%3Cword%3E-0123456789", cookie} {
		if strings.Contains(dump, leak) {
			t.Errorf("%q survived scrubbing:\n%s", leak, dump)
		}
	}
}
