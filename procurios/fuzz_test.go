package procurios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/internal/fuzzkit"
	"github.com/oasuite/sdk/procurios"
)

// Fuzz targets for what procurios parses from the network: error bodies,
// token answers and the HAL _links.next of relation pages, through the public
// client with a stub transport answering the fuzzed bytes.
// Run one with: go test -run '^$' -fuzz '^FuzzErrorBody$' ./procurios/

const (
	fuzzToken  = "AT-fuzz-access-token-0001"
	fuzzSecret = "CS-fuzz-client-secret-01"
	fuzzBase   = "https://leden.procurios.example/l"
)

// The helpers every vendor's fuzz targets share live in internal/fuzzkit.
type stubRT = fuzzkit.StubRT

var (
	answer        = fuzzkit.Answer
	stubClient    = fuzzkit.StubClient
	fuzzStatus    = fuzzkit.Status
	checkTokenErr = fuzzkit.CheckTokenErr
	tokenSeeds    = fuzzkit.TokenSeeds()
)

func newFuzzClient(t testing.TB, hc *http.Client) *procurios.Client {
	c, err := procurios.New(context.Background(), procurios.WithBaseURL(fuzzBase),
		procurios.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: fuzzToken})),
		procurios.WithRetry(1, time.Millisecond), procurios.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzErrorBody: a non-2xx answer becomes a *procurios.Error with its status
// and sentinel; never a panic, never the token in the error.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(0), "application/json", []byte(`{"error":"invalid_registration","message":"bad","fields":[{"field":"email","message":"required"}]}`))
	f.Add(uint16(0), "application/json", []byte(`{"fields":[{"field":7},null,"x"]}`))
	f.Add(uint16(3), "application/problem+json", []byte(`{"title":"Forbidden"}`))
	f.Add(uint16(4), "text/plain", []byte(`Not Found`))
	f.Add(uint16(102), "text/html", []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(uint16(100), "", []byte{0xff, 0xfe, '{'})
	// One client for all inputs (New parses the embedded spec); inputs run
	// one at a time in a fuzz worker, so the stub reads the current one.
	var cur struct {
		status int
		ctype  string
		body   []byte
	}
	c := newFuzzClient(f, &http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
		return answer(r, cur.status, cur.ctype, cur.body), nil
	})})
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := fuzzStatus(s)
		cur.status, cur.ctype, cur.body = status, ctype, body
		_, err := c.Collections(context.Background())
		var e *procurios.Error
		if !errors.As(err, &e) {
			t.Fatalf("status %d: err = %v (%T), want *procurios.Error", status, err, err)
		}
		if e.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, status)
		}
		if status == 404 && !errors.Is(err, procurios.ErrNotFound) || status == 429 && !errors.Is(err, procurios.ErrTooManyRequests) ||
			status >= 500 && status != 504 && !errors.Is(err, procurios.ErrServer) {
			t.Errorf("status %d: sentinel does not match: %v", status, err)
		}
		if !bytes.Contains(body, []byte(fuzzToken)) && strings.Contains(err.Error(), fuzzToken) {
			t.Errorf("the token is in the error: %q", err)
		}
	})
}

// FuzzTokenResponse: whatever the token endpoint answers the client-credentials
// grant, the source yields a token with an access token, or an error without
// the client secret or a token value.
func FuzzTokenResponse(f *testing.F) {
	for _, s := range tokenSeeds {
		f.Add(s.Status, s.CType, []byte(s.Body))
	}
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := 200
		if s%4 == 1 {
			status = fuzzStatus(s)
		}
		cfg := procurios.OAuthConfig{BaseURL: fuzzBase, ClientID: "app", ClientSecret: fuzzSecret,
			HTTPClient: stubClient(status, ctype, body)}
		src, err := cfg.ClientCredentials()
		if err != nil {
			t.Fatal(err)
		}
		tok, err := src.Token()
		if err != nil {
			checkTokenErr(t, err, body, fuzzSecret)
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("a login succeeded without an access token: %#v", tok)
		}
	})
}

// FuzzNextLink: Relations follows _links.next only on the API's own scheme and
// host, and stops, even when the links run in a cycle.
func FuzzNextLink(f *testing.F) {
	f.Add(fuzzBase+"/relation_list_api/relation/collection/00000000-0000-4000-8000-000000000001?page=2", "?page=3")
	f.Add("?page=2", "?page=1")
	f.Add("https://evil.example/l/relation_list_api/x", "")
	f.Add("http://leden.procurios.example/l/x", "")
	f.Add("//evil.example/x", "/l/x")
	f.Add("%zz", "\x00")
	f.Add("/l/relation_list_api/relation/collection/x?page=2", fuzzBase+"/relation_list_api/relation/collection/x?page=2")
	base, _ := url.Parse(fuzzBase)
	var (
		t        *testing.T
		a, b     string
		requests int
		fetched  map[string]bool
	)
	c := newFuzzClient(f, &http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
		requests++
		if u := r.URL.String(); fetched[u] {
			t.Errorf("page %s fetched twice: a cycle of next links is followed (its items repeat)", u)
		} else {
			fetched[u] = true
		}
		if r.URL.Scheme != "https" || r.URL.Host != "leden.procurios.example" {
			t.Errorf("request left the API: %s://%s", r.URL.Scheme, r.URL.Host)
		}
		if r.Header.Get("Authorization") != "Bearer "+fuzzToken {
			t.Errorf("request without the token")
		}
		// The first page links to a, the page at a links to b, every
		// other page back to a.
		next := a
		if ra, err := url.Parse(a); err == nil && requests > 1 && r.URL.String() == base.ResolveReference(ra).String() {
			next = b
		}
		body, _ := json.Marshal(map[string]any{
			"_links":    map[string]any{"next": map[string]any{"href": next}},
			"_embedded": map[string]any{"relations": []map[string]any{{"id": requests}}},
		})
		return answer(r, 200, "application/vnd.procurios.relation+json; version=1", body), nil
	})})
	f.Fuzz(func(ft *testing.T, fa, fb string) {
		t, a, b, requests, fetched = ft, fa, fb, 0, map[string]bool{}
		n := 0
		for _, err := range c.Relations(context.Background(), openapi_types.UUID{1}.String()) {
			n++
			if err != nil || n > 50 {
				break
			}
		}
	})
}
