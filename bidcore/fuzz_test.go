package bidcore_test

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

	"github.com/oasuite/sdk/bidcore"
)

// Fuzz targets for what bidcore parses from the network: error bodies,
// token answers and the "next" links of list pages. Each goes through the
// public client with a stub transport answering the fuzzed bytes, so the
// whole path (pipeline, doer, error mapping, iterators) is exercised without
// a socket. Run one with: go test -run '^$' -fuzz '^FuzzErrorBody$' ./bidcore/

const (
	fuzzToken    = "AT-fuzz-access-token-0001"
	fuzzPassword = "PW-fuzz-password-0001"
	fuzzBase     = "https://my.bidcore.example/api/v2"
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

func fuzzStatus(s uint16) int { return 400 + int(s)%200 }

// FuzzErrorBody: any non-2xx answer becomes a *bidcore.Error with its status,
// matching the status sentinel, without a panic and without the token.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(0), "application/json", []byte(`{"detail":"Invalid input."}`))
	f.Add(uint16(6), "application/json", []byte(`{"name":["This field is required."],"non_field_errors":["x"]}`))
	f.Add(uint16(4), "application/json", []byte(`["a bare list"]`))
	f.Add(uint16(102), "text/html", []byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add(uint16(29), "application/json", []byte(`{"detail":{"nested":true},"n":[1,2]}`))
	f.Add(uint16(100), "", []byte{0xff, 0xfe, '{'})
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := fuzzStatus(s)
		c, err := bidcore.New(context.Background(), bidcore.WithBaseURL(fuzzBase), bidcore.WithPermanentToken(fuzzToken),
			bidcore.WithRetry(1, time.Millisecond), bidcore.WithHTTPClient(&http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
				return answer(r, status, ctype, body), nil
			})}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ListAdvertisersWithResponse(context.Background(), nil)
		var e *bidcore.Error
		if !errors.As(err, &e) {
			t.Fatalf("status %d: err = %v (%T), want *bidcore.Error", status, err, err)
		}
		if e.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", e.StatusCode, status)
		}
		if status == 404 && !errors.Is(err, bidcore.ErrNotFound) || status == 429 && !errors.Is(err, bidcore.ErrTooManyRequests) ||
			status >= 500 && status != 504 && !errors.Is(err, bidcore.ErrServer) {
			t.Errorf("status %d: sentinel does not match: %v", status, err)
		}
		if !bytes.Contains(body, []byte(fuzzToken)) && strings.Contains(err.Error(), fuzzToken) {
			t.Errorf("the token is in the error: %q", err)
		}
	})
}

// FuzzTokenResponse: whatever uauth answers, a login yields a token with an
// access token, or an error that holds neither the password nor a token value
// of the answer.
func FuzzTokenResponse(f *testing.F) {
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","token_type":"Bearer","expires_in":3600,"scope":"service_id=my.bidcore.iponweb.com"}`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":"abcdefgh12345678","expires_in":"3600"}`))
	f.Add(uint16(0), "application/x-www-form-urlencoded", []byte(`access_token=abcdefgh12345678&expires_in=60`))
	f.Add(uint16(0), "application/json", []byte(`{"error":"invalid_grant","error_description":"bad password PW-fuzz-password-0001"}`))
	f.Add(uint16(1), "application/json", []byte(`{"error":"invalid_client"}`))
	f.Add(uint16(0), "text/html", []byte(`<html>login</html>`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":""}`))
	f.Add(uint16(0), "application/json", []byte(`{"access_token":123,"expires_in":-5}`))
	f.Fuzz(func(t *testing.T, s uint16, ctype string, body []byte) {
		status := 200
		if s%4 == 1 {
			status = fuzzStatus(s)
		}
		hc := &http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
			return answer(r, status, ctype, body), nil
		})}
		src := bidcore.PasswordLogin(bidcore.Login{Username: "ann", Password: fuzzPassword,
			TokenURL: "https://uauth.example/oauth2/token/", HTTPClient: hc})
		tok, err := src.Token()
		if err == nil {
			if tok == nil || tok.AccessToken == "" {
				t.Fatalf("a login succeeded without an access token: %#v", tok)
			}
			return
		}
		msg := err.Error()
		if strings.Contains(msg, fuzzPassword) {
			t.Errorf("the password is in the error: %q", msg)
		}
		for _, v := range tokenValues(body) {
			if strings.Contains(msg, v) {
				t.Errorf("a token of the answer is in the error: %q", msg)
			}
		}
	})
}

// tokenValues returns the token-like values (8 bytes or more) of a token
// answer, JSON or form.
func tokenValues(body []byte) []string {
	var out []string
	keys := []string{"access_token", "refresh_token", "id_token"}
	var m map[string]any
	if json.Unmarshal(body, &m) == nil {
		for _, k := range keys {
			if s, ok := m[k].(string); ok && len(s) >= 8 {
				out = append(out, s)
			}
		}
	}
	if q, err := url.ParseQuery(string(body)); err == nil {
		for _, k := range keys {
			if s := q.Get(k); len(s) >= 8 {
				out = append(out, s)
			}
		}
	}
	return out
}

// FuzzNextLink: the list iterators follow "next" links only on the API's own
// scheme and host (the token never goes anywhere else), and they stop — even
// when the server's links run in a cycle.
func FuzzNextLink(f *testing.F) {
	f.Add("https://my.bidcore.example/api/v2/advertisers/?page=2", "https://my.bidcore.example/api/v2/advertisers/?page=3")
	f.Add("?page=2", "?page=1")
	f.Add("https://evil.example/api/v2/advertisers/?page=2", "")
	f.Add("http://my.bidcore.example/api/v2/advertisers/?page=2", "")
	f.Add("//evil.example/x", "/api/v2/advertisers/")
	f.Add("%zz", "\x00")
	f.Add("https://my.bidcore.example:443/api/v2/advertisers/?page=2", "https://MY.bidcore.example/api/v2/advertisers/")
	f.Fuzz(func(t *testing.T, a, b string) {
		requests := 0
		fetched := map[string]bool{}
		hc := &http.Client{Transport: stubRT(func(r *http.Request) (*http.Response, error) {
			requests++
			if u := r.URL.String(); fetched[u] {
				t.Errorf("page %s fetched twice: a cycle of next links is followed (its items repeat)", u)
			} else {
				fetched[u] = true
			}
			if host := strings.TrimSuffix(strings.ToLower(r.URL.Hostname()), "."); r.URL.Scheme != "https" || host != "my.bidcore.example" ||
				(r.URL.Port() != "" && r.URL.Port() != "443") || r.URL.User != nil {
				t.Errorf("request left the API: %s://%s", r.URL.Scheme, r.URL.Host)
			}
			if r.Header.Get("Authorization") != "Bearer "+fuzzToken {
				t.Errorf("request without the token")
			}
			// The first page links to a, the page at a links to b, every
			// other page back to a.
			next := a
			if requests > 1 && r.URL.String() == mustResolve(r.URL, a) {
				next = b
			}
			body, _ := json.Marshal(map[string]any{"count": 3, "next": next, "results": []map[string]any{{"id": requests, "name": "x"}}})
			return answer(r, 200, "application/json", body), nil
		})}
		c, err := bidcore.New(context.Background(), bidcore.WithBaseURL(fuzzBase), bidcore.WithPermanentToken(fuzzToken),
			bidcore.WithRetry(1, time.Millisecond), bidcore.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range c.AllAdvertisers(context.Background(), nil) {
			n++
			if err != nil || n > 50 {
				break
			}
		}
	})
}

func mustResolve(base *url.URL, ref string) string {
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	return base.ResolveReference(u).String()
}
