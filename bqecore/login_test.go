package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

func TestWebAppCodeFlow(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := webApp(fake)
	att, err := cfg.Start(map[string]string{"returnTo": "/invoices"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(att.URL)
	q := u.Query()
	if u.Path != "/idp/connect/authorize" || q.Get("response_type") != "code" || q.Get("client_id") != bqecoretest.TestClientID ||
		q.Get("scope") != "readwrite:core offline_access openid profile email" || q.Get("redirect_uri") != bqecoretest.TestRedirectURL ||
		q.Get("state") == "" || q.Get("nonce") == "" {
		t.Fatalf("authorize URL = %s", att.URL)
	}
	if q.Get("code_challenge") != "" {
		t.Fatal("web app sent PKCE without asking")
	}
	cb, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	if bqecore.CompanyID(cb) != bqecoretest.TestCompanyID {
		t.Fatalf("callback = %v", cb)
	}
	var payload map[string]string
	if err := bqecore.ReadState(cb.Get("state"), &payload); err != nil || payload["returnTo"] != "/invoices" {
		t.Fatalf("state payload = %v, %v", payload, err)
	}
	tok, err := cfg.Exchange(ctx, att, cb)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || tok.Extra("id_token") == nil || tok.Extra("endpoint") == nil {
		t.Fatalf("token lacks refresh/id/endpoint: %v", auth.Extras(tok))
	}
	// ID token: signature through discovery + JWKS, audience, nonce.
	idt, err := cfg.VerifyIDToken(ctx, tok, att.Nonce)
	if err != nil || idt.Subject != bqecoretest.TestUserID {
		t.Fatalf("verify: %v", err)
	}
	if _, err := cfg.VerifyIDToken(ctx, tok, "another-nonce"); !errors.Is(err, auth.ErrNonceMismatch) {
		t.Fatalf("wrong nonce: %v", err)
	}
	other := cfg
	other.ClientID = bqecoretest.TestPublicClientID
	if _, err := other.VerifyIDToken(ctx, tok, ""); err == nil {
		t.Fatal("ID token accepted for another audience")
	}
	// userinfo
	ui, err := cfg.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil || ui.Subject != bqecoretest.TestUserID || ui.Email != bqecoretest.TestUser || ui.GivenName != "Pat" || ui.Company == "" {
		t.Fatalf("userinfo = %+v, %v", ui, err)
	}
}

func TestForgedStateIsRejected(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := webApp(fake)
	att, _ := cfg.Start(nil)
	cb, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	cb.Set("state", "forged")
	before := fake.Stats().CodeExchanges
	if _, err := cfg.Exchange(ctx, att, cb); !errors.Is(err, auth.ErrStateMismatch) {
		t.Fatalf("forged state: %v", err)
	}
	if fake.Stats().CodeExchanges != before {
		t.Fatal("a forged callback reached the token endpoint")
	}
}

func TestPublicAppUsesPKCE(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := bqecore.OAuthConfig{ClientID: bqecoretest.TestPublicClientID, RedirectURL: "http://127.0.0.1/callback",
		Scopes: []string{bqecore.ScopeRead, bqecore.ScopeOfflineAccess}, IdentityURL: fake.IdentityURL()}
	att, err := cfg.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(att.URL)
	if u.Query().Get("code_challenge_method") != "S256" || att.Verifier == "" || u.Query().Get("nonce") != "" {
		t.Fatalf("authorize URL = %s", att.URL)
	}
	cb, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Without the verifier the exchange fails.
	bad := *att
	bad.Verifier = strings.Repeat("x", 43)
	if _, err := cfg.Exchange(ctx, &bad, cb); err == nil {
		t.Fatal("exchange with a wrong verifier succeeded")
	}
	cb, _ = fake.Authorize(ctx, att.URL)
	tok, err := cfg.Exchange(ctx, att, cb)
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("public exchange: %v", err)
	}
	// The fake requires PKCE from the public app.
	noPKCE := cfg.CodeFlow()
	noPKCE.DisablePKCE = true
	a2, _ := noPKCE.Start(nil)
	if cb, err := fake.Authorize(ctx, a2.URL); err == nil && cb.Get("error") == "" {
		t.Fatalf("authorize without PKCE for a public app: %v", cb)
	}
}

func TestWebAppMayAddPKCE(t *testing.T) {
	fake := newFake(t)
	cfg := webApp(fake)
	cfg.PKCE = true
	tok, _ := login(t, fake, cfg)
	if tok.AccessToken == "" {
		t.Fatal("no token")
	}
}

func TestScopesAndConsent(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	// Without offline_access there is no refresh token.
	cfg := webApp(fake, bqecore.ScopeReadWrite)
	tok, _ := login(t, fake, cfg)
	if tok.RefreshToken != "" || tok.Extra("id_token") != nil {
		t.Fatalf("no offline_access/openid but got refresh %q id %v", tok.RefreshToken, tok.Extra("id_token"))
	}
	// The user unticks offline_access on the consent screen.
	fake.SetConsent(bqecoretest.Consent{Scopes: []string{bqecore.ScopeReadWrite, bqecore.ScopeOpenID}, CompanyID: "c-2"})
	cfg = webApp(fake)
	att, _ := cfg.Start(nil)
	cb, err := fake.Authorize(ctx, att.URL)
	if err != nil || bqecore.CompanyID(cb) != "c-2" {
		t.Fatalf("callback %v, %v", cb, err)
	}
	tok, err = cfg.Exchange(ctx, att, cb)
	if err != nil || tok.RefreshToken != "" || tok.Extra("scope") != "readwrite:core openid" {
		t.Fatalf("narrowed: refresh %q scope %v err %v", tok.RefreshToken, tok.Extra("scope"), err)
	}
	// userinfo needs openid and profile claims: 403 without openid.
	fake.SetConsent(bqecoretest.Consent{Scopes: []string{bqecore.ScopeReadWrite}})
	att, _ = cfg.Start(nil)
	cb, _ = fake.Authorize(ctx, att.URL)
	tok, err = cfg.Exchange(ctx, att, cb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("userinfo without openid: %v", err)
	}
	// The user denies.
	fake.SetConsent(bqecoretest.Consent{Deny: true})
	att, _ = cfg.Start(nil)
	cb, _ = fake.Authorize(ctx, att.URL)
	var ce *auth.CallbackError
	if _, err := cfg.Exchange(ctx, att, cb); !errors.As(err, &ce) || ce.Code != "access_denied" {
		t.Fatalf("denied: %v", err)
	}
	// A scope set without read:core or readwrite:core is invalid.
	fake.SetConsent(bqecoretest.Consent{})
	bad := webApp(fake, bqecore.ScopeOpenID)
	att, _ = bad.Start(nil)
	cb, _ = fake.Authorize(ctx, att.URL)
	if _, err := bad.Exchange(ctx, att, cb); !errors.As(err, &ce) || ce.Code != "invalid_scope" {
		t.Fatalf("no core scope: %v", err)
	}
}

func TestRefreshRotationAndRevocation(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := webApp(fake)
	tok, _ := login(t, fake, cfg)
	src := cfg.TokenSource(tok)
	t2, err := src.ForceRefresh(ctx, tok)
	if err != nil || t2.RefreshToken == tok.RefreshToken || t2.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %v", err)
	}
	// The old refresh token stopped working.
	var te *auth.TokenError
	if _, err := cfg.RefreshGrant().Fetch(ctx, tok); !errors.As(err, &te) || te.ErrorCode != "invalid_grant" {
		t.Fatalf("old refresh token: %v", err)
	}
	// Revoke the refresh token: refreshing fails, and the API refuses the access token.
	if err := cfg.Revoke(ctx, t2.RefreshToken, "refresh_token"); err != nil {
		t.Fatal(err)
	}
	if fake.Stats().Revocations != 1 {
		t.Fatal("no revocation counted")
	}
	if _, err := src.ForceRefresh(ctx, t2); err == nil {
		t.Fatal("refresh after revocation succeeded")
	}
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(oauth2.StaticTokenSource(t2)), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetHealthWithResponse(ctx); !errors.Is(err, bqecore.ErrNotAuthenticated) {
		t.Fatalf("API with revoked token: %v", err)
	}
	// JSON revocation requests get 415.
	req, _ := http.NewRequest(http.MethodPost, fake.IdentityURL()+"/connect/revocation", strings.NewReader(`{"token":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("JSON revocation: %d", resp.StatusCode)
	}
}

func TestOAuthConfigDefaults(t *testing.T) {
	cfg := bqecore.OAuthConfig{ClientID: "id", ClientSecret: "s"}
	ep := cfg.Endpoint()
	if ep.AuthURL != "https://api-identity.bqecore.com/idp/connect/authorize" || ep.TokenURL != "https://api-identity.bqecore.com/idp/connect/token" {
		t.Fatalf("endpoint = %+v", ep)
	}
	f := cfg.CodeFlow()
	if !f.DisablePKCE || !f.Nonce || strings.Join(f.Scopes, " ") != "readwrite:core offline_access openid profile email" {
		t.Fatalf("flow = %+v", f)
	}
	if _, err := cfg.VerifyIDToken(context.Background(), &oauth2.Token{AccessToken: "a"}, ""); err == nil {
		t.Fatal("verify without id_token succeeded")
	}
}
