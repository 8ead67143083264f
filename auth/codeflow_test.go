package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

type appState struct {
	Return  string `json:"return"`
	Company int    `json:"company"`
}

func TestStateRoundTrip(t *testing.T) {
	s1, err := EncodeState(appState{Return: "/projects", Company: 7})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := EncodeState(appState{Return: "/projects", Company: 7})
	if s1 == s2 {
		t.Error("two states for the same payload are equal: no random part")
	}
	if strings.ContainsAny(s1, "+/=") {
		t.Errorf("state %q is not unpadded base64url", s1)
	}
	var got appState
	if err := DecodeState(s1, &got); err != nil || got.Return != "/projects" || got.Company != 7 {
		t.Errorf("decoded %+v err %v", got, err)
	}
	// Padded/standard re-encodings still decode.
	raw, _ := json.Marshal(map[string]any{"n": "x", "p": map[string]any{"return": "/r"}})
	for _, enc := range []string{encStd(raw), encURLPadded(raw)} {
		var g appState
		if err := DecodeState(enc, &g); err != nil || g.Return != "/r" {
			t.Errorf("%q: %+v %v", enc, g, err)
		}
	}
	empty, _ := EncodeState(nil)
	if err := DecodeState(empty, &got); err != nil {
		t.Errorf("nil payload: %v", err)
	}
	for _, bad := range []string{"!!!", encURLPadded([]byte(`{"p":1}`)), encURLPadded([]byte("[]"))} {
		if err := DecodeState(bad, &got); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	s3, _ := EncodeState("text")
	if err := DecodeState(s3, &got); err == nil {
		t.Error("payload type mismatch accepted")
	}
	if _, err := EncodeState(make(chan int)); err == nil {
		t.Error("unencodable payload accepted")
	}
}

func encStd(b []byte) string       { return b64std.EncodeToString(b) }
func encURLPadded(b []byte) string { return b64url.EncodeToString(b) }

func TestCodeFlowStartURL(t *testing.T) {
	f := CodeFlow{
		Endpoint: oauth2.Endpoint{AuthURL: "https://id.example/connect/authorize?tenant=t1"},
		ClientID: "cid", RedirectURL: "https://app/cb", Scopes: []string{"openid", "read:core"}, Nonce: true,
		AuthParams: url.Values{"prompt": {"consent"}},
	}
	a, err := f.Start(appState{Return: "/x"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(a.URL)
	q := u.Query()
	checks := map[string]string{
		"response_type": "code", "client_id": "cid", "redirect_uri": "https://app/cb", "scope": "openid read:core",
		"state": a.State, "nonce": a.Nonce, "code_challenge_method": "S256", "prompt": "consent", "tenant": "t1",
		"code_challenge": oauth2.S256ChallengeFromVerifier(a.Verifier),
	}
	for k, v := range checks {
		if q.Get(k) != v || v == "" {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if u.Host != "id.example" || u.Path != "/connect/authorize" {
		t.Errorf("url = %s", a.URL)
	}
	var st appState
	if err := DecodeState(a.State, &st); err != nil || st.Return != "/x" {
		t.Errorf("state payload %+v %v", st, err)
	}
	// The attempt survives JSON (kept in a web session).
	b, _ := json.Marshal(a)
	var back Attempt
	if err := json.Unmarshal(b, &back); err != nil || back != *a {
		t.Errorf("attempt JSON round trip: %+v", back)
	}
	// PKCE off, no nonce.
	f.DisablePKCE, f.Nonce = true, false
	a, _ = f.Start(nil)
	q = mustQuery(t, a.URL)
	if q.Has("code_challenge") || q.Has("nonce") || a.Verifier != "" || a.Nonce != "" {
		t.Errorf("disabled PKCE/nonce still sent: %s", a.URL)
	}
	if _, err := (CodeFlow{}).Start(nil); err == nil {
		t.Error("no authorize URL accepted")
	}
	if _, err := (CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: "://bad"}}).Start(nil); err == nil {
		t.Error("bad authorize URL accepted")
	}
	if _, err := f.Start(make(chan int)); err == nil {
		t.Error("bad payload accepted")
	}
}

func mustQuery(t *testing.T, s string) url.Values {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestCodeFlowExchange(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "at", "refresh_token": "rt", "expires_in": 3600, "id_token": "idt"}))
	f := CodeFlow{
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"},
		ClientID: "cid", ClientSecret: "csecret", RedirectURL: "https://app/cb", HTTPClient: srv.Client(),
		TokenParams: url.Values{"resource": {"api"}},
	}
	a, _ := f.Start(nil)
	tok, err := f.Exchange(context.Background(), a, url.Values{"code": {"the-code"}, "state": {a.State}, "companyId": {"9"}})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.Extra("id_token") != "idt" {
		t.Errorf("tok = %+v", tok)
	}
	want := url.Values{"grant_type": {"authorization_code"}, "code": {"the-code"}, "redirect_uri": {"https://app/cb"},
		"code_verifier": {a.Verifier}, "client_id": {"cid"}, "client_secret": {"csecret"}, "resource": {"api"}}
	if got := srv.last(t).Form; got.Encode() != want.Encode() {
		t.Errorf("form = %v\nwant %v", got, want)
	}
	// The refresh grant shares the client.
	rg := f.RefreshGrant()
	if rg.ClientID != "cid" || rg.Endpoint.TokenURL != f.Endpoint.TokenURL {
		t.Errorf("refresh grant = %+v", rg)
	}
}

func TestCodeFlowExchangeRefusals(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "at"}))
	f := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: srv.URL, TokenURL: srv.URL}, ClientID: "cid", HTTPClient: srv.Client()}
	a, _ := f.Start(nil)
	ctx := context.Background()
	for name, q := range map[string]url.Values{
		"wrong state":         {"code": {"c"}, "state": {"forged"}},
		"missing state":       {"code": {"c"}},
		"error without state": {"error": {"access_denied"}},
	} {
		if _, err := f.Exchange(ctx, a, q); !errors.Is(err, ErrStateMismatch) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests made for refused callbacks", n)
	}
	_, err := f.Exchange(ctx, a, url.Values{"state": {a.State}, "error": {"access_denied"}, "error_description": {"user said no"}, "error_uri": {"https://e"}})
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" || ce.Description != "user said no" || ce.URI != "https://e" {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("Error() = %q", err)
	}
	if _, err := f.Exchange(ctx, a, url.Values{"state": {a.State}}); err == nil {
		t.Error("callback without code accepted")
	}
	if _, err := f.Exchange(ctx, nil, url.Values{}); err == nil {
		t.Error("nil attempt accepted")
	}
	if _, err := ParseCallback(url.Values{"state": {""}, "code": {"c"}}, ""); !errors.Is(err, ErrStateMismatch) {
		t.Error("empty expected state accepted")
	}
}

// Procurios' legacy spelling: grant_type=code on the authorize URL,
// redirect_url for redirect_uri, grant_type=code on the token call.
func TestCodeFlowProcuriosLegacyNames(t *testing.T) {
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "at", "token_type": "bearer", "expires_in": 3600}))
	f := CodeFlow{
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/l/oauth2/authorize", TokenURL: srv.URL + "/l/oauth2/token"},
		ClientID: "cid", ClientSecret: "csecret", RedirectURL: "https://app/cb", Scopes: []string{"relation_list_api/relation", "meeting2/read"},
		ParamNames: map[string]string{"response_type": "grant_type", "redirect_uri": "redirect_url"},
		GrantType:  "code", DisablePKCE: true, HTTPClient: srv.Client(),
	}
	a, err := f.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, a.URL)
	if q.Get("grant_type") != "code" || q.Has("response_type") || q.Get("redirect_url") != "https://app/cb" || q.Has("redirect_uri") ||
		q.Get("scope") != "relation_list_api/relation meeting2/read" {
		t.Errorf("authorize query = %v", q)
	}
	if _, err := f.Exchange(context.Background(), a, url.Values{"code": {"c0de"}, "state": {a.State}}); err != nil {
		t.Fatal(err)
	}
	form := srv.last(t).Form
	if form.Get("grant_type") != "code" || form.Get("code") != "c0de" || form.Get("redirect_url") != "https://app/cb" || form.Has("redirect_uri") ||
		form.Get("client_id") != "cid" || form.Get("client_secret") != "csecret" {
		t.Errorf("token form = %v", form)
	}
	// A custom response type (BeProduct "id_token token").
	f2 := CodeFlow{Endpoint: oauth2.Endpoint{AuthURL: "https://id/a"}, ResponseType: "id_token token", Nonce: true}
	a, _ = f2.Start(nil)
	if got := mustQuery(t, a.URL).Get("response_type"); got != "id_token token" {
		t.Errorf("response_type = %q", got)
	}
}

func TestParseFragment(t *testing.T) {
	state, _ := EncodeState(nil)
	frag := url.Values{"access_token": {"at"}, "token_type": {"Bearer"}, "expires_in": {"28800"}, "id_token": {"h.p.s"},
		"scope": {"openid email"}, "state": {state}}.Encode()
	for _, in := range []string{frag, "#" + frag, "https://app/cb#" + frag} {
		tok, err := ParseFragment(in, state)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if tok.AccessToken != "at" || tok.Type() != "Bearer" || tok.ExpiresIn != 28800 || tok.Extra("id_token") != "h.p.s" || tok.Extra("scope") != "openid email" {
			t.Errorf("tok = %+v", tok)
		}
	}
	if _, err := ParseFragment(frag, "other"); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("err = %v", err)
	}
	_, err := ParseFragment(url.Values{"error": {"access_denied"}, "state": {state}}.Encode(), state)
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseFragment(url.Values{"id_token": {"x"}, "state": {state}}.Encode(), state); err == nil {
		t.Error("fragment without access_token accepted")
	}
	if _, err := ParseFragment("a=%zz&state="+state, state); err == nil {
		t.Error("malformed fragment accepted")
	}
	// No expires_in: zero expiry.
	tok, err := ParseFragment(url.Values{"access_token": {"at"}, "state": {state}}.Encode(), state)
	if err != nil || !tok.Expiry.IsZero() {
		t.Errorf("tok=%+v err=%v", tok, err)
	}
}

func TestRevoke(t *testing.T) {
	srv := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ url.Values) { w.WriteHeader(200) })
	err := Revoke(context.Background(), srv.Client(), RevokeRequest{URL: srv.URL + "/connect/revocation", ClientID: "cid", ClientSecret: "cs",
		Token: "rt-value", TokenTypeHint: "refresh_token"})
	if err != nil {
		t.Fatal(err)
	}
	r := srv.last(t)
	want := url.Values{"token": {"rt-value"}, "token_type_hint": {"refresh_token"}, "client_id": {"cid"}, "client_secret": {"cs"}}
	if r.Form.Encode() != want.Encode() || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Path != "/connect/revocation" {
		t.Errorf("form = %v ct = %q", r.Form, r.Header.Get("Content-Type"))
	}
	// Basic auth.
	err = Revoke(context.Background(), srv.Client(), RevokeRequest{URL: srv.URL, AuthStyle: oauth2.AuthStyleInHeader, ClientID: "cid", ClientSecret: "cs", Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	r = srv.last(t)
	if u, p, ok := (&http.Request{Header: r.Header}).BasicAuth(); !ok || u != "cid" || p != "cs" || r.Form.Has("client_id") || r.Form.Has("token_type_hint") {
		t.Errorf("basic revoke: %v %v", r.Form, r.Header)
	}
	bad := newFakeServer(t, jsonAnswer(400, map[string]any{"error": "unsupported_token_type", "error_description": "bad rt-secret-value"}))
	err = Revoke(context.Background(), bad.Client(), RevokeRequest{URL: bad.URL, Token: "rt-secret-value"})
	var te *TokenError
	if !errors.As(err, &te) || te.ErrorCode != "unsupported_token_type" || strings.Contains(err.Error(), "rt-secret-value") {
		t.Errorf("err = %v", err)
	}
	if err := Revoke(context.Background(), nil, RevokeRequest{}); err == nil {
		t.Error("empty URL accepted")
	}
}
