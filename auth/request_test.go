package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestRequestTokenParsesJSONAndKeepsExtras(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{
		"access_token": "at-1", "token_type": "Bearer", "expires_in": 3600,
		"refresh_token": "rt-1", "scope": "read:core offline_access",
		"id_token": "eyJ.id.tok", "endpoint": "https://api.bqecore.com/api/",
		"nested": map[string]any{"a": []any{1.0, "x"}},
	}))
	ep := oauth2.Endpoint{TokenURL: srv.URL + "/connect/token"}
	before := time.Now()
	tok, err := RequestToken(context.Background(), srv.Client(), ep, "cid", "csecret", url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at-1" || tok.RefreshToken != "rt-1" || tok.Type() != "Bearer" {
		t.Fatalf("token = %+v", tok)
	}
	if tok.ExpiresIn != 3600 || tok.Expiry.Before(before.Add(3599*time.Second)) || tok.Expiry.After(time.Now().Add(3601*time.Second)) {
		t.Fatalf("expiry = %v (expires_in %d)", tok.Expiry, tok.ExpiresIn)
	}
	for k, want := range map[string]string{"endpoint": "https://api.bqecore.com/api/", "id_token": "eyJ.id.tok", "scope": "read:core offline_access"} {
		if got, _ := tok.Extra(k).(string); got != want {
			t.Errorf("Extra(%q) = %v, want %q", k, tok.Extra(k), want)
		}
	}
	ex := Extras(tok)
	if n, ok := ex["nested"].(map[string]any); !ok || len(n["a"].([]any)) != 2 {
		t.Errorf("Extras nested = %#v", ex["nested"])
	}
	r := srv.last(t)
	if r.Method != http.MethodPost || r.Path != "/connect/token" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", got)
	}
	if r.Form.Get("client_id") != "cid" || r.Form.Get("client_secret") != "csecret" || r.Form.Get("grant_type") != "client_credentials" {
		t.Errorf("form = %v", r.Form)
	}
	if r.Header.Get("Authorization") != "" {
		t.Error("body auth must not send Authorization")
	}
}

func TestRequestTokenExpiresInShapes(t *testing.T) {
	cases := []struct {
		name string
		body string
		ct   string
		want int64
	}{
		{"number", `{"access_token":"a","expires_in":120}`, "application/json", 120},
		{"string", `{"access_token":"a","expires_in":"120"}`, "application/json", 120},
		{"float", `{"access_token":"a","expires_in":120.0}`, "application/json; charset=utf-8", 120},
		{"missing", `{"access_token":"a"}`, "application/json", 0},
		{"empty string", `{"access_token":"a","expires_in":""}`, "application/json", 0},
		{"form", `access_token=a&token_type=bearer&expires_in=120&scope=x+y`, "application/x-www-form-urlencoded", 120},
		{"form as text/plain", `access_token=a&expires_in=120`, "text/plain", 120},
		{"form without content type", `access_token=a&expires_in=120`, "", 120},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
				if c.ct != "" {
					w.Header().Set("Content-Type", c.ct)
				} else {
					w.Header()["Content-Type"] = nil
				}
				_, _ = w.Write([]byte(c.body))
			})
			tok, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "c", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			if tok.ExpiresIn != c.want {
				t.Errorf("ExpiresIn = %d, want %d", tok.ExpiresIn, c.want)
			}
			if c.want == 0 && !tok.Expiry.IsZero() {
				t.Errorf("Expiry = %v, want zero", tok.Expiry)
			}
			if c.want > 0 && time.Until(tok.Expiry) < 100*time.Second {
				t.Errorf("Expiry = %v", tok.Expiry)
			}
			if strings.HasPrefix(c.name, "form") && c.name == "form" && tok.Extra("scope") != "x y" {
				t.Errorf("form scope extra = %v", tok.Extra("scope"))
			}
		})
	}
}

func TestRequestTokenBadExpiresIn(t *testing.T) {
	for _, body := range []string{`{"access_token":"a","expires_in":"soon"}`, `{"access_token":"a","expires_in":true}`} {
		srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
		if _, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "c", "", nil); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
}

func TestRequestTokenBasicAuthAndParams(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a"}))
	ep := oauth2.Endpoint{TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInHeader}
	params := url.Values{"grant_type": {"password"}, "scope": {"service_id=my.bidcore.iponweb.com"}, "drop": nil}
	_, err := RequestToken(context.Background(), srv.Client(), ep, "id:with/odd", "sec ret&", params,
		WithRequestHeader("X-Vendor", "v1"))
	if err != nil {
		t.Fatal(err)
	}
	r := srv.last(t)
	req := http.Request{Header: r.Header}
	u, p, ok := req.BasicAuth()
	if !ok || u != url.QueryEscape("id:with/odd") || p != url.QueryEscape("sec ret&") {
		t.Errorf("basic auth = %q %q %v", u, p, ok)
	}
	if r.Form.Has("client_id") || r.Form.Has("client_secret") {
		t.Errorf("header auth leaked client into form: %v", r.Form)
	}
	if r.Form.Get("scope") != "service_id=my.bidcore.iponweb.com" {
		t.Errorf("scope = %q", r.Form.Get("scope"))
	}
	if r.Header.Get("X-Vendor") != "v1" {
		t.Error("extra header missing")
	}
}

func TestRequestTokenOverrideAndRenameParams(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a"}))
	params := url.Values{"client_secret": nil, "client_id": {"override"}, "redirect_uri": {"https://app/cb"}}
	_, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "cid", "sec", params,
		WithParamNames(map[string]string{"redirect_uri": "redirect_url"}))
	if err != nil {
		t.Fatal(err)
	}
	f := srv.last(t).Form
	if f.Has("client_secret") || f.Get("client_id") != "override" || f.Get("redirect_url") != "https://app/cb" || f.Has("redirect_uri") {
		t.Errorf("form = %v", f)
	}
}

func TestRequestTokenHTTPClientFromContext(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a"}))
	var used bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, hc)
	if _, err := RequestToken(ctx, nil, oauth2.Endpoint{TokenURL: srv.URL}, "c", "", nil); err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Error("context HTTP client not used")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRequestTokenErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		ct      string
		body    string
		want    *TokenError
		notOKIf func(error) bool
	}{
		{"rfc6749", 400, "application/json", `{"error":"invalid_grant","error_description":"expired","error_uri":"https://e/x"}`,
			&TokenError{StatusCode: 400, ErrorCode: "invalid_grant", Description: "expired", URI: "https://e/x"}, nil},
		{"html", 502, "text/html", `<html>bad gateway access_token=leak</html>`, &TokenError{StatusCode: 502}, nil},
		{"form error", 401, "application/x-www-form-urlencoded", `error=invalid_client&error_description=nope`,
			&TokenError{StatusCode: 401, ErrorCode: "invalid_client", Description: "nope"}, nil},
		{"error in 200", 200, "application/json", `{"error":"invalid_scope"}`, &TokenError{StatusCode: 200, ErrorCode: "invalid_scope"}, nil},
		{"non-string error", 400, "application/json", `{"error":{"x":1}}`, &TokenError{StatusCode: 400}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
				w.Header().Set("Content-Type", c.ct)
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			})
			_, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "c", "s", nil)
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want *TokenError", err)
			}
			want := *c.want
			want.Endpoint = srv.URL
			if *te != want {
				t.Errorf("got %+v, want %+v", *te, want)
			}
			if !strings.Contains(err.Error(), "OAuth server "+srv.URL+" answered") {
				t.Errorf("error does not name the token endpoint: %v", err)
			}
			if strings.Contains(err.Error(), "leak") || strings.Contains(err.Error(), "<html>") {
				t.Errorf("raw body in error: %v", err)
			}
			if !strings.Contains(err.Error(), c.want.ErrorCode) {
				t.Errorf("error %q lacks code", err)
			}
		})
	}
}

func TestRequestTokenMalformedSuccess(t *testing.T) {
	for name, body := range map[string]string{
		"no access token": `{"token_type":"Bearer"}`,
		"not json":        `<html>secret-ish</html>`,
		"json array":      `["a"]`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			_, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "c", "", nil)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "secret-ish") {
				t.Errorf("body in error: %v", err)
			}
		})
	}
}

// bouquetParser turns Bouquet's AccessToken JSON into a standard token.
func bouquetParser(body []byte, _ http.Header) (*oauth2.Token, error) {
	var at struct {
		ID struct {
			TokenID string `json:"tokenId"`
		} `json:"id"`
		Expiration   int64  `json:"expirationDateMillis"`
		RefreshToken string `json:"refreshToken"`
		ClientID     string `json:"clientId"`
	}
	if err := json.Unmarshal(body, &at); err != nil {
		return nil, err
	}
	tok := &oauth2.Token{AccessToken: at.ID.TokenID, TokenType: "Bearer", RefreshToken: at.RefreshToken, Expiry: time.UnixMilli(at.Expiration)}
	return tok.WithExtra(map[string]any{"clientId": at.ClientID}), nil
}

func TestRequestTokenCustomParser(t *testing.T) {
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{
		"id": map[string]any{"tokenId": "bq-token"}, "type": "NORMAL", "expirationDateMillis": exp.UnixMilli(),
		"clientId": "dashboard", "refreshToken": "bq-refresh", "objectType": "AccessToken",
	}))
	tok, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "dashboard", "s",
		url.Values{"grant_type": {"authorization_code"}}, WithTokenParser(bouquetParser))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "bq-token" || tok.RefreshToken != "bq-refresh" || !tok.Expiry.Equal(exp) || tok.Extra("clientId") != "dashboard" {
		t.Errorf("tok = %+v", tok)
	}
	// A parser failure or an empty token is an error; error answers still map to TokenError.
	failing := func([]byte, http.Header) (*oauth2.Token, error) { return nil, errors.New("boom") }
	if _, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "", "", nil, WithTokenParser(failing)); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("err = %v", err)
	}
	empty := func([]byte, http.Header) (*oauth2.Token, error) { return &oauth2.Token{}, nil }
	if _, err := RequestToken(context.Background(), srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "", "", nil, WithTokenParser(empty)); err == nil {
		t.Error("empty token accepted")
	}
	bad := newFakeServer(t, jsonAnswer(401, map[string]any{"error": "invalid_client"}))
	_, err = RequestToken(context.Background(), bad.Client(), oauth2.Endpoint{TokenURL: bad.URL}, "", "", nil, WithTokenParser(bouquetParser))
	var te *TokenError
	if !errors.As(err, &te) || te.ErrorCode != "invalid_client" {
		t.Errorf("err = %v", err)
	}
}

func TestRequestTokenTransportErrors(t *testing.T) {
	if _, err := RequestToken(context.Background(), nil, oauth2.Endpoint{}, "", "", nil); err == nil {
		t.Error("empty URL accepted")
	}
	if _, err := RequestToken(context.Background(), nil, oauth2.Endpoint{TokenURL: "://bad"}, "", "", nil); err == nil {
		t.Error("bad URL accepted")
	}
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a"}))
	srv.Close()
	_, err := RequestToken(context.Background(), nil, oauth2.Endpoint{TokenURL: srv.URL + "/t?api_key=qsecret"}, "", "", url.Values{"password": {"pw-secret"}})
	if err == nil {
		t.Fatal("closed server: no error")
	}
	if strings.Contains(err.Error(), "qsecret") || strings.Contains(err.Error(), "pw-secret") {
		t.Errorf("secret in transport error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	srv2 := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a"}))
	if _, err := RequestToken(ctx, nil, oauth2.Endpoint{TokenURL: srv2.URL}, "", "", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestParseTokenResponse(t *testing.T) {
	tok, err := ParseTokenResponse([]byte(`{"access_token":"x","expires_in":"60","id_token":"i"}`), "application/json")
	if err != nil || tok.AccessToken != "x" || tok.ExpiresIn != 60 || tok.Extra("id_token") != "i" {
		t.Fatalf("tok=%+v err=%v", tok, err)
	}
	_, err = ParseTokenResponse([]byte(`{"error":"invalid_request"}`), "application/json")
	var te *TokenError
	if !errors.As(err, &te) || te.ErrorCode != "invalid_request" {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseTokenResponse([]byte("%zz"), "application/x-www-form-urlencoded"); err == nil {
		t.Error("bad form accepted")
	}
}

func TestTokenErrorString(t *testing.T) {
	e := &TokenError{ErrorCode: "invalid_grant"}
	if got := e.Error(); got != "auth: OAuth server answered an error: invalid_grant" {
		t.Errorf("Error() = %q", got)
	}
	e = &TokenError{StatusCode: 400, ErrorCode: "x", Description: "d", URI: "u"}
	if got := e.Error(); got != "auth: OAuth server answered 400: x: d (u)" {
		t.Errorf("Error() = %q", got)
	}
}
