package bouquet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/internal/fuzzkit"
)

// Fuzz targets for what bouquet parses from the network: APIException error
// bodies (the token travels in the URL here, so redaction is checked too) and
// Bouquet's AccessToken answers, through the public client with a stub
// transport answering the fuzzed bytes.
// Run one with: go test -run '^$' -fuzz '^FuzzErrorBody$' ./bouquet/

const (
	fuzzToken    = "AT-fuzz-access-token-0001"
	fuzzPassword = "PW-fuzz-password-0001"
	fuzzBase     = "https://bouquet.example/release/v4.2"
)

// The helpers every vendor's fuzz targets share live in internal/fuzzkit.
var (
	stubClient    = fuzzkit.StubClient
	fuzzStatus    = fuzzkit.Status
	checkTokenErr = fuzzkit.CheckTokenErr
	tokenSeeds    = fuzzkit.TokenSeeds()
)

// FuzzErrorBody: a non-2xx answer becomes a *bouquet.Error with its status and
// sentinel, with the access_token query parameter redacted from its URL; a 200
// answer is data or ComputingInProgress. Never a panic.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(1), "application/json", []byte(`{"code":401,"type":"InvalidTokenAPIException","error":"expired","loginURL":"https://x/login","selfLoginURL":"y"}`))
	f.Add(uint16(4), "application/json", []byte(`{"code":404,"type":"ObjectNotFoundAPIException","error":"no such project","suppressed":[{"a":1},null]}`))
	f.Add(uint16(0), "application/json", []byte(`{"code":"x","type":7,"apiError":null}`))
	f.Add(uint16(5), "application/json", []byte(`{"type":"ComputingInProgressAPIException","apiError":"COMPUTING_IN_PROGRESS","queryId":"q1","statusLink":"s"}`))
	f.Add(uint16(102), "text/html", []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(uint16(100), "", []byte{0xff, 0xfe, '{'})
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := fuzzStatus(s)
		if s%5 == 0 {
			status = 200
		}
		c, err := bouquet.New(context.Background(), bouquet.WithBaseURL(fuzzBase), bouquet.WithTokenInQuery(),
			bouquet.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken})),
			bouquet.WithRetry(1, time.Millisecond), bouquet.WithPollInterval(time.Millisecond),
			bouquet.WithHTTPClient(stubClient(status, ctype, body)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListProjectsWithResponse(context.Background())
		var e *bouquet.Error
		switch {
		case status == 200:
		case !errors.As(err, &e):
			t.Fatalf("status %d: err = %v (%T), want *bouquet.Error", status, err, err)
		case e.StatusCode != status:
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, status)
		case status == 404 && !errors.Is(err, bouquet.ErrNotFound), status == 429 && !errors.Is(err, bouquet.ErrTooManyRequests),
			status >= 500 && status != 504 && !errors.Is(err, bouquet.ErrServer):
			t.Errorf("status %d: sentinel does not match: %v", status, err)
		}
		if err != nil && !bytes.Contains(body, []byte(fuzzToken)) && strings.Contains(fmt.Sprintf("%v %+v", err, e), fuzzToken) {
			t.Errorf("the token is in the error: %q", err)
		}
	})
}

// FuzzTokenResponse: ParseAccessToken, and a password login answered with the
// fuzzed bytes, yield a token with an access token or an error that quotes
// neither the password nor a token of the answer.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range tokenSeeds {
		f.Add(s.Status, s.CType, []byte(s.Body))
	}
	f.Add(uint16(0), "application/json", []byte(`{"id":{"tokenId":"tttttttt12345678"},"expirationDateMillis":1900000000000,"refreshToken":"rrrrrrrr12345678","customerId":"c","clientId":"app"}`))
	f.Add(uint16(0), "application/json", []byte(`{"id":{"tokenId":""},"access_token":"aaaaaaaa12345678","expirationDateMillis":-1}`))
	f.Add(uint16(0), "application/json", []byte(`{"id":null}`))
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		h := http.Header{"Content-Type": {ctype}}
		if tok, err := bouquet.ParseAccessToken(body, h); err != nil {
			checkTokenErr(t, err, body)
		} else if tok == nil || tok.AccessToken == "" {
			t.Fatalf("ParseAccessToken succeeded without an access token: %#v", tok)
		}
		status := 200
		if s%4 == 1 {
			status = fuzzStatus(s)
		}
		cfg := bouquet.OAuthConfig{BaseURL: fuzzBase, CustomerID: "c", ClientID: "app", HTTPClient: stubClient(status, ctype, body)}
		tok, err := cfg.PasswordLogin("ann", fuzzPassword).Token()
		if err != nil {
			checkTokenErr(t, err, body, fuzzPassword)
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("a login succeeded without an access token: %#v", tok)
		}
	})
}
