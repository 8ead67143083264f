package beproduct_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/internal/fuzzkit"
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

// The helpers every vendor's fuzz targets share live in internal/fuzzkit.
var (
	stubClient    = fuzzkit.StubClient
	fuzzStatus    = fuzzkit.Status
	checkTokenErr = fuzzkit.CheckTokenErr
	tokenSeeds    = fuzzkit.TokenSeeds()
)

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
		f.Add(s.Status, s.CType, []byte(s.Body))
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
