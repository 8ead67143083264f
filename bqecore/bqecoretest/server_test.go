package bqecoretest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/fakes"

	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// redirectTable is the table of BQE's getting-started page, step 2, row by row
// (https://api-explorer.bqecore.com/docs/getting-started).
var redirectTable = []struct {
	registered, given string
	valid             bool
}{
	{"http://yourcallback.com/", "http://yourcallback.com/", true},
	{"http://yourcallback.com/", "http://yourcallback.com/?this=that", true},
	{"http://yourcallback.com/?this=that", "http://yourcallback.com/", false},
	{"http://yourcallback.com/?this=that", "http://yourcallback.com/?this=that&another=true", true},
	{"http://yourcallback.com/?this=that", "http://yourcallback.com/?another=true&this=that", false},
	{"http://yourcallback.com/callback", "http://yourcallback.com/", false},
	{"http://yourcallback.com/callback", "http://yourcallback.com/callback?type=mobile", true},
}

// TestRedirectTableAgainstTheFake registers each row's URI with the fake's
// identity server and sends the row's redirect_uri to /connect/authorize.
func TestRedirectTableAgainstTheFake(t *testing.T) {
	for i, row := range redirectTable {
		t.Run(fmt.Sprint(i+1), func(t *testing.T) {
			app := bqecoretest.App{ClientID: fmt.Sprintf("row-%d", i+1), ClientSecret: "row-secret", RedirectURIs: []string{row.registered}}
			fake := bqecoretest.NewServer(bqecoretest.WithApp(app))
			defer fake.Close()
			q := url.Values{"client_id": {app.ClientID}, "response_type": {"code"}, "scope": {"read:core"},
				"redirect_uri": {row.given}, "state": {"s-1"}}
			cb, err := fake.Authorize(context.Background(), fake.IdentityURL()+"/connect/authorize?"+q.Encode())
			if row.valid {
				if err != nil || cb.Get("code") == "" || cb.Get("state") != "s-1" {
					t.Fatalf("registered %s, given %s: want a code, got %v %v", row.registered, row.given, cb, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("registered %s, given %s: redirected to an unregistered URI: %v", row.registered, row.given, cb)
			}
		})
	}
}

func TestRedirectMatchesExtraRules(t *testing.T) {
	for _, tc := range []struct {
		r, g string
		ok   bool
	}{
		{"https://app.example.com/cb", "https://app.example.com/cb", true},
		{"https://app.example.com/cb", "http://app.example.com/cb", false},
		{"https://app.example.com/cb", "https://App.example.com/cb", false},
		{"https://app.example.com/cb", "https://app.example.com/CB", false},
		{"https://app.example.com/cb", "https://app.example.com/cb/", false},
		{"https://app.example.com/cb", "https://app.example.com/cb#frag", false},
		{"https://app.example.com/cb?a=1", "https://app.example.com/cb?a=12", false},
		{"https://app.example.com/cb", "https://app.example.com:8443/cb", false},
	} {
		if got := bqecoretest.RedirectMatches(tc.r, tc.g); got != tc.ok {
			t.Errorf("RedirectMatches(%q, %q) = %v", tc.r, tc.g, got)
		}
	}
}

func TestNotAuthenticatedBody(t *testing.T) {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	resp, err := http.Get(fake.BaseURL() + "/activity")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var s string
	if resp.StatusCode != 200 || resp.ContentLength != 20 || json.Unmarshal(b, &s) != nil || s != "Not authenticated" {
		t.Fatalf("status %d length %d body %q", resp.StatusCode, resp.ContentLength, b)
	}
	if fake.Stats().NotAuthenticated != 1 {
		t.Fatal("not counted")
	}
}

func TestDiscoveryAndTokenEndpoint(t *testing.T) {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	resp, err := http.Get(fake.IdentityURL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc["issuer"] != fake.IdentityURL() || doc["jwks_uri"] != fake.IdentityURL()+"/.well-known/openid-configuration/jwks" ||
		doc["token_endpoint"] != fake.IdentityURL()+"/connect/token" {
		t.Fatalf("discovery = %v", doc)
	}
}

// TestProductionNamesThroughARouter checks what a recorder sees when it
// reaches the fake under the production host names: https issuer and the
// production API endpoint in token answers.
func TestProductionNamesThroughARouter(t *testing.T) {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	req, _ := http.NewRequest(http.MethodGet, fake.IdentityURL()+"/.well-known/openid-configuration", nil)
	req.Host = "api-identity.bqecore.com"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	if doc["issuer"] != "https://api-identity.bqecore.com/idp" {
		t.Fatalf("issuer = %v", doc["issuer"])
	}
	// A code flow under that name yields the production endpoint.
	q := url.Values{"client_id": {bqecoretest.TestClientID}, "response_type": {"code"}, "scope": {"readwrite:core"},
		"redirect_uri": {bqecoretest.TestRedirectURL}, "state": {"s"}}
	cb, err := fake.Authorize(context.Background(), fake.IdentityURL()+"/connect/authorize?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Get("code")}, "redirect_uri": {bqecoretest.TestRedirectURL},
		"client_id": {bqecoretest.TestClientID}, "client_secret": {bqecoretest.TestClientSecret}}
	treq, _ := http.NewRequest(http.MethodPost, fake.IdentityURL()+"/connect/token", strings.NewReader(form.Encode()))
	treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	treq.Host = "api-identity.bqecore.com"
	tresp, err := http.DefaultClient.Do(treq)
	if err != nil {
		t.Fatal(err)
	}
	defer tresp.Body.Close()
	var tok map[string]any
	_ = json.NewDecoder(tresp.Body).Decode(&tok)
	if tok["endpoint"] != "https://api.bqecore.com/api/" {
		t.Fatalf("token answer = %v", tok)
	}
}

func TestFaultsAndSpecValidation(t *testing.T) {
	fake := bqecoretest.NewServer(bqecoretest.WithoutSeed())
	defer fake.Close()
	fake.AddFault(fakes.Fault{Path: "/idp/.well-known", Status: 503, RetryAfter: 2 * time.Second})
	resp, err := http.Get(fake.IdentityURL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(b), `"Message"`) {
		t.Fatalf("fault: %d %v %s", resp.StatusCode, resp.Header, b)
	}
	if fake.FaultsFired() != 1 {
		t.Fatal("fault not counted")
	}
	fake.AddFault(fakes.Fault{Path: "/idp/.well-known", Drop: true, Times: -1})
	if resp, err := http.Get(fake.IdentityURL() + "/.well-known/openid-configuration"); err == nil {
		resp.Body.Close()
		t.Fatal("dropped connection answered")
	}
	fake.ClearFaults()
}
