package replay

import (
	"net/http"
	"testing"

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
