package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestPasswordGrantForm(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"token_type": "Bearer", "scope": "my.bidcore.iponweb.com", "access_token": "bid-1", "expires_in": 3600}))
	g := PasswordGrant{
		Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/oauth2/token/"},
		Username: "alice", Password: "pa ss&word",
		Scopes:     []string{"service_id=my.bidcore.iponweb.com"},
		HTTPClient: srv.Client(),
	}
	tok, err := g.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "bid-1" || tok.RefreshToken != "" {
		t.Errorf("tok = %+v", tok)
	}
	r := srv.last(t)
	if r.Path != "/oauth2/token/" {
		t.Errorf("path = %q", r.Path)
	}
	want := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"pa ss&word"}, "scope": {"service_id=my.bidcore.iponweb.com"}}
	if r.Form.Encode() != want.Encode() {
		t.Errorf("form = %v, want %v", r.Form, want)
	}
	if len(r.Query) != 0 {
		t.Errorf("credentials in query: %v", r.Query)
	}
}

// A Source over a PasswordGrant logs in again once the token is (nearly) expired.
func TestPasswordGrantSourceLogsInAgainAtExpiry(t *testing.T) {
	var n int
	var mu sync.Mutex
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"access_token": fmt.Sprintf("bid-%d", k), "expires_in": 3600})
	})
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	src := NewSource(PasswordGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL}, Username: "u", Password: "p", HTTPClient: srv.Client()}, WithClock(clock))
	for i := 0; i < 3; i++ {
		tok, err := src.Token()
		if err != nil || tok.AccessToken != "bid-1" {
			t.Fatalf("tok=%v err=%v", tok, err)
		}
	}
	mu.Lock()
	now = now.Add(3600*time.Second - 30*time.Second) // inside the 60 s skew
	mu.Unlock()
	tok, err := src.Token()
	if err != nil || tok.AccessToken != "bid-2" {
		t.Fatalf("after expiry tok=%v err=%v", tok, err)
	}
	if got := len(srv.requests()); got != 2 {
		t.Errorf("logins = %d, want 2", got)
	}
	for _, r := range srv.requests() {
		if r.Form.Get("grant_type") != "password" {
			t.Errorf("grant_type = %q", r.Form.Get("grant_type"))
		}
	}
}

func TestClientCredentialsForm(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "pc", "token_type": "bearer", "expires_in": 3600, "scope": "a b"}))
	g := ClientCredentials{
		Endpoint: oauth2.Endpoint{TokenURL: srv.URL}, ClientID: "cid", ClientSecret: "csecret",
		Scopes: []string{"relation_list_api/relation", "meeting2/read"}, Params: url.Values{"audience": {"x"}},
		HTTPClient: srv.Client(),
	}
	tok, err := g.Fetch(context.Background(), nil)
	if err != nil || tok.AccessToken != "pc" || tok.Type() != "Bearer" {
		t.Fatalf("tok=%v err=%v", tok, err)
	}
	f := srv.last(t).Form
	want := url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"csecret"},
		"scope": {"relation_list_api/relation meeting2/read"}, "audience": {"x"}}
	if f.Encode() != want.Encode() {
		t.Errorf("form = %v", f)
	}
	if srv.last(t).Header.Get("Accept") != "application/json" {
		t.Error("Accept missing")
	}
}

func TestRefreshGrantKeepsOrRotates(t *testing.T) {
	rotate := false
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, form url.Values) {
		body := map[string]any{"access_token": "new-at", "expires_in": 3600}
		if rotate {
			body["refresh_token"] = "rt-2"
		}
		writeJSON(w, 200, body)
	})
	g := RefreshGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL}, ClientID: "cid", ClientSecret: "cs", Scopes: []string{"read:core"}, HTTPClient: srv.Client()}
	old := &oauth2.Token{AccessToken: "old-at", RefreshToken: "rt-1"}

	tok, err := g.Fetch(context.Background(), old)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "new-at" || tok.RefreshToken != "rt-1" {
		t.Errorf("without rotation: %+v", tok)
	}
	f := srv.last(t).Form
	if f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "rt-1" || f.Get("scope") != "read:core" || f.Get("client_id") != "cid" {
		t.Errorf("form = %v", f)
	}

	rotate = true
	tok, err = g.Fetch(context.Background(), old)
	if err != nil || tok.RefreshToken != "rt-2" {
		t.Errorf("with rotation: %+v %v", tok, err)
	}

	for _, cur := range []*oauth2.Token{nil, {AccessToken: "x"}} {
		if _, err := g.Fetch(context.Background(), cur); !errors.Is(err, ErrNoRefreshToken) {
			t.Errorf("err = %v, want ErrNoRefreshToken", err)
		}
	}
	bad := newFakeServer(t, jsonAnswer(400, map[string]any{"error": "invalid_grant"}))
	g.Endpoint.TokenURL, g.HTTPClient = bad.URL, bad.Client()
	var te *TokenError
	if _, err := g.Fetch(context.Background(), old); !errors.As(err, &te) || te.ErrorCode != "invalid_grant" {
		t.Errorf("err = %v", err)
	}
}

// Through a Source, a rotated refresh token is used for the next refresh.
func TestSourceUsesRotatedRefreshToken(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, form url.Values) {
		mu.Lock()
		seen = append(seen, form.Get("refresh_token"))
		k := len(seen)
		mu.Unlock()
		writeJSON(w, 200, map[string]any{"access_token": fmt.Sprintf("at-%d", k), "refresh_token": fmt.Sprintf("rt-%d", k+1), "expires_in": 1})
	})
	start := &oauth2.Token{AccessToken: "at-0", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Minute)}
	src := NewSource(RefreshGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL}, HTTPClient: srv.Client()}, WithToken(start))
	for i := 0; i < 3; i++ {
		if _, err := src.ForceRefresh(context.Background(), nil); err != nil { // every call refreshes
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(seen) != "[rt-1 rt-2 rt-3]" {
		t.Errorf("refresh tokens sent = %v", seen)
	}
}
