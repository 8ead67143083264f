package bqecore_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/internal/fuzzkit"
)

// Fuzz targets for what bqecore parses from the network: error bodies (and
// the 200 "Not authenticated" check that peeks at every 200 body), token
// answers with their "endpoint" field, and the page parameter. They go through
// the public client with a stub transport answering the fuzzed bytes.
// Run one with: go test -run '^$' -fuzz '^FuzzErrorBody$' ./bqecore/

const (
	fuzzToken   = "AT-fuzz-access-token-0001"
	fuzzRefresh = "RT-fuzz-refresh-token-0001"
	fuzzSecret  = "CS-fuzz-client-secret-01"
)

// The helpers every vendor's fuzz targets share live in internal/fuzzkit.
var (
	stubClient    = fuzzkit.StubClient
	fuzzStatus    = fuzzkit.Status
	checkTokenErr = fuzzkit.CheckTokenErr
	tokenSeeds    = fuzzkit.TokenSeeds()
)

// FuzzErrorBody: a non-2xx answer becomes a *bqecore.Error with its status;
// a 200 answer is data, a JSON error or the "Not authenticated" quirk. Never
// a panic, never the token in the error.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(0), "application/json", []byte(`{"Message":"The request is invalid.","ModelState":{"a":["b"]}}`))
	f.Add(uint16(9), "application/json", []byte(`{"Message":"version mismatch"}`))
	f.Add(uint16(1), "application/json", []byte(`"Not authenticated"`))
	f.Add(uint16(5), "application/json", []byte("\"Not authenticated\"\n"))
	f.Add(uint16(102), "text/html", []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(uint16(29), "application/json", []byte(`[{"Message":1}]`))
	f.Add(uint16(100), "", []byte{0xff, 0xfe, '{'})
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := fuzzStatus(s)
		if s%5 == 0 {
			status = 200
		}
		c, err := bqecore.New(context.Background(), bqecore.WithBaseURL("https://api.bqecore.example/api"),
			bqecore.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken})),
			bqecore.WithRetry(1, time.Millisecond), bqecore.WithHTTPClient(stubClient(status, ctype, body)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListActivitiesWithResponse(context.Background(), nil)
		var e *bqecore.Error
		switch {
		case status == 200 && strings.TrimSpace(string(body)) == `"Not authenticated"`:
			if !errors.Is(err, bqecore.ErrNotAuthenticated) || !errors.Is(err, bqecore.ErrUnauthorized) {
				t.Errorf("200 Not authenticated: err = %v", err)
			}
		case status == 200:
			// data or a decoding error; only the absence of a panic matters
		case !errors.As(err, &e):
			t.Fatalf("status %d: err = %v (%T), want *bqecore.Error", status, err, err)
		case e.StatusCode != status:
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, status)
		case status == 404 && !errors.Is(err, bqecore.ErrNotFound), status == 409 && !errors.Is(err, bqecore.ErrConflict),
			status >= 500 && status != 504 && !errors.Is(err, bqecore.ErrServer):
			t.Errorf("status %d: sentinel does not match: %v", status, err)
		}
		if err != nil && !bytes.Contains(body, []byte(fuzzToken)) && strings.Contains(err.Error(), fuzzToken) {
			t.Errorf("the token is in the error: %q", err)
		}
	})
}

// FuzzTokenResponse: whatever the identity server answers a refresh with, the
// grant yields a token with an access token, or an error without a credential;
// the API base URL read from the token's "endpoint" is absolute http(s) with
// no user info, query or fragment.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range tokenSeeds {
		f.Add(s.Status, s.CType, []byte(s.Body))
	}
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","endpoint":"https://api.bqecore.com/api/"}`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","endpoint":"https://u:p@api.bqecore.com/api/?x=1#f"}`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","endpoint":"javascript:alert(1)"}`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","endpoint":42}`))
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := 200
		if s%4 == 1 {
			status = fuzzStatus(s)
		}
		cfg := bqecore.OAuthConfig{ClientID: "app", ClientSecret: fuzzSecret, IdentityURL: "https://id.bqecore.example/idp",
			HTTPClient: stubClient(status, ctype, body)}
		tok, err := cfg.RefreshGrant().Fetch(context.Background(), &oauth2.Token{RefreshToken: fuzzRefresh})
		if err != nil {
			checkTokenErr(t, err, body, fuzzSecret, fuzzRefresh)
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("a refresh succeeded without an access token: %#v", tok)
		}
		ep, err := bqecore.EndpointOf(tok)
		if err != nil {
			return
		}
		u, perr := url.Parse(ep)
		if perr != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(ep, "/") {
			t.Errorf("EndpointOf = %q: not a clean absolute base URL", ep)
		}
	})
}

// FuzzParsePage: ParsePage accepts exactly what FormatPage writes back the
// same way, with n >= 0 and size >= 1.
func FuzzParsePage(f *testing.F) {
	for _, s := range []string{"0,25", "3,1000", " 1 , 2 ", "-1,5", "1,0", "1", "", "1,2,3", "99999999999999999999,1", "+1,+2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		n, size, err := bqecore.ParsePage(p)
		if err != nil {
			return
		}
		if n < 0 || size < 1 {
			t.Fatalf("ParsePage(%q) = %d, %d", p, n, size)
		}
		n2, size2, err := bqecore.ParsePage(bqecore.FormatPage(n, size))
		if err != nil || n2 != n || size2 != size {
			t.Errorf("FormatPage(%d, %d) does not parse back: %d, %d, %v", n, size, n2, size2, err)
		}
	})
}
