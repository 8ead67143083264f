package beproduct_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/beproduct"
)

// Fuzz targets for what beproduct parses from the network: error bodies (with
// the rate-limit window of a 429) and the identity server's token answers,
// through the public client with a stub transport answering the fuzzed bytes.
// Run one with: go test -run '^$' -fuzz '^FuzzErrorBody$' ./beproduct/

const (
	fuzzToken   = "AT-fuzz-access-token-0001"
	fuzzRefresh = "RT-fuzz-refresh-token-0001"
	fuzzSecret  = "CS-fuzz-client-secret-01"
)

type stubRT func(*http.Request) (*http.Response, error)

func (f stubRT) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func answer(r *http.Request, status int, ctype string, body []byte) *http.Response {
	h := http.Header{}
	if ctype != "" {
		h.Set("Content-Type", ctype)
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r, ContentLength: int64(len(body))}
}

func stubClient(status int, ctype string, body []byte) *http.Client {
	return &http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
		return answer(r, status, ctype, body), nil
	})}
}

func fuzzStatus(s uint16) int { return 400 + int(s)%200 }

// tokenValues returns the token-like values (8 bytes or more) of a token
// answer, JSON (at any depth) or form.
func tokenValues(body []byte) []string {
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

// checkTokenErr fails when a failed login's error holds a credential the
// request sent or a token value of the answer.
func checkTokenErr(t *testing.T, err error, body []byte, sent ...string) {
	t.Helper()
	msg := err.Error()
	for _, s := range append(sent, tokenValues(body)...) {
		if strings.Contains(msg, s) {
			t.Errorf("a credential is in the error: %q", msg)
		}
	}
}

var tokenSeeds = []struct {
	s     uint16
	ctype string
	body  string
}{
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

// FuzzErrorBody: a non-2xx answer becomes a *beproduct.Error with its status
// and sentinel; never a panic, never the token in the error.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(0), "application/json", []byte(`{"message":"Validation failed","errors":{"name":["required"]}}`))
	f.Add(uint16(29), "application/json", []byte(`{"message":"Rate limit exceeded","window":"per_minute","limit":60}`))
	f.Add(uint16(29), "application/json", []byte(`{"window":7,"limit":"x"}`))
	f.Add(uint16(4), "text/plain", []byte(`Not Found`))
	f.Add(uint16(102), "text/html", []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(uint16(100), "", []byte{0xff, 0xfe, '{'})
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := fuzzStatus(s)
		c, err := beproduct.New(context.Background(), beproduct.WithCompany("acme"),
			beproduct.WithBaseURL("https://developers.beproduct.example/api"),
			beproduct.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken})),
			beproduct.WithRetry(1, time.Millisecond), beproduct.WithHTTPClient(stubClient(status, ctype, body)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListStyleFoldersWithResponse(context.Background())
		var e *beproduct.Error
		if !errors.As(err, &e) {
			t.Fatalf("status %d: err = %v (%T), want *beproduct.Error", status, err, err)
		}
		if e.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, status)
		}
		if status == 404 && !errors.Is(err, beproduct.ErrNotFound) || status == 429 && !errors.Is(err, beproduct.ErrTooManyRequests) ||
			status >= 500 && status != 504 && !errors.Is(err, beproduct.ErrServer) {
			t.Errorf("status %d: sentinel does not match: %v", status, err)
		}
		if !bytes.Contains(body, []byte(fuzzToken)) && strings.Contains(err.Error(), fuzzToken) {
			t.Errorf("the token is in the error: %q", err)
		}
	})
}

// FuzzTokenResponse: whatever the identity server answers a refresh with, the
// source yields a token with an access token, or an error without a
// credential.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range tokenSeeds {
		f.Add(s.s, s.ctype, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := 200
		if s%4 == 1 {
			status = fuzzStatus(s)
		}
		cfg := beproduct.OAuthConfig{Issuer: "https://id.beproduct.example/ids", ClientID: "app", ClientSecret: fuzzSecret,
			HTTPClient: stubClient(status, ctype, body)}
		tok, err := cfg.RefreshSource(fuzzRefresh).Token()
		if err != nil {
			checkTokenErr(t, err, body, fuzzSecret, fuzzRefresh)
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("a refresh succeeded without an access token: %#v", tok)
		}
	})
}
