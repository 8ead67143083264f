package bouquet_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
)

func TestParseAccessToken(t *testing.T) {
	t.Parallel()
	body := `{"id":{"tokenId":"tok-123"},"type":"NORMAL","expirationDateMillis":1893456000000,
	"customerId":"acme","userId":"u1","clientId":"app","refreshToken":"rt-9","access_token":"tok-123","objectType":"AccessToken"}`
	tok, err := bouquet.ParseAccessToken([]byte(body), nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-123" || tok.RefreshToken != "rt-9" || tok.TokenType != "Bearer" {
		t.Errorf("token = %q/%q/%q", tok.AccessToken, tok.RefreshToken, tok.TokenType)
	}
	if want := time.UnixMilli(1893456000000); !tok.Expiry.Equal(want) {
		t.Errorf("expiry = %v, want %v", tok.Expiry, want)
	}
	if tok.Extra("clientId") != "app" || tok.Extra("customerId") != "acme" || tok.Extra("type") != "NORMAL" {
		t.Errorf("extras: clientId=%v customerId=%v type=%v", tok.Extra("clientId"), tok.Extra("customerId"), tok.Extra("type"))
	}
	if tok.Extra("refreshToken") != nil {
		t.Error("refresh token copied into the extras")
	}
	// access_token alone is enough; a body without a token is an error that does not quote it.
	if tok, err := bouquet.ParseAccessToken([]byte(`{"id":{"tokenId":""},"access_token":"alt"}`), nil); err != nil || tok.AccessToken != "alt" {
		t.Errorf("access_token fallback: %v %v", tok, err)
	}
	if _, err := bouquet.ParseAccessToken([]byte(`{"id":{}}`), nil); err == nil {
		t.Error("no error for an AccessToken without id")
	}
	if _, err := bouquet.ParseAccessToken([]byte(`not json secret-value`), nil); err == nil || strings.Contains(err.Error(), "secret-value") {
		t.Errorf("bad body error = %v", err)
	}
}

func TestPasswordLoginLogsInAgainAtExpiry(t *testing.T) {
	t.Parallel()
	f := newFake(t, bouquettest.WithTokenTTL(2*time.Hour))
	ctx := context.Background()
	src := oauthCfg(f).PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(tok.Expiry); d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("expiry in %v, want about 2h (from expirationDateMillis)", d)
	}
	if tok.Extra("userId") != bouquettest.TestUserID {
		t.Errorf("userId extra = %v", tok.Extra("userId"))
	}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListProjectsWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens() // the server drops the token: 401, one forced re-login, one replay
	if _, err := c.ListProjectsWithResponse(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := f.TokensIssued("auth-token"); n != 2 {
		t.Errorf("auth-token logins = %d, want 2", n)
	}
	// A token past its expirationDateMillis is replaced before use.
	f2 := newFake(t, bouquettest.WithTokenTTL(30*time.Second))
	src2 := oauthCfg(f2).PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	t1, _ := src2.Token()
	t2, err := src2.Token()
	if err != nil || t1.AccessToken == t2.AccessToken {
		t.Errorf("token within the skew of its expiry was not replaced (err %v)", err)
	}
}

func TestPasswordLoginErrors(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	cfg := oauthCfg(f)
	_, err := cfg.PasswordLogin(bouquettest.TestLogin, "wrong-password-123").Token()
	var te *auth.TokenError
	if !errors.As(err, &te) || te.StatusCode != http.StatusNotFound {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password-123") {
		t.Error("password in the error")
	}
	cfg.RedirectURI = "https://evil.example.net/cb"
	if _, err := cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword).Token(); !errors.As(err, &te) || te.StatusCode != http.StatusForbidden {
		t.Errorf("redirect outside the client's domain: %v", err)
	}
}

func TestCodeLoginOfflineRefreshes(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	cfg := oauthCfg(f)
	src, err := cfg.CodeLogin(ctx, bouquettest.TestLogin, bouquettest.TestPassword, true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token()
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("offline code login gave no refresh token (err %v)", err)
	}
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(src))
	if err != nil {
		t.Fatal(err)
	}
	f.ExpireTokens()
	if _, err := c.GetCurrentUserWithResponse(ctx); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if f.Refreshes() != 1 {
		t.Errorf("refreshes = %d, want 1", f.Refreshes())
	}

	// Online access: no refresh token.
	code, err := cfg.AuthCode(ctx, bouquettest.TestLogin, bouquettest.TestPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err = cfg.Exchange(ctx, code)
	if err != nil || tok.RefreshToken != "" || tok.AccessToken == "" {
		t.Errorf("online exchange: token %v, err %v", tok != nil && tok.RefreshToken != "", err)
	}
	// A code is single-use; the error does not show it.
	if _, err := cfg.Exchange(ctx, code); err == nil || strings.Contains(err.Error(), code) {
		t.Errorf("second exchange: %v", err)
	}
}

// follow requests u without following the redirect and returns Location.
func follow(t *testing.T, u string) *url.URL {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dialog answered %d, want a redirect", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestOAuthDialogCodeFlow(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	cfg := oauthCfg(f)
	flow := cfg.CodeFlow()
	att, err := flow.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(att.URL)
	q := u.Query()
	if u.Path != "/release/v4.2/oauth" || q.Get("response_type") != "code" || q.Get("client_id") != bouquettest.TestClientID ||
		q.Get("redirect_uri") != bouquettest.TestRedirectURI || q.Get("code_challenge") != "" {
		t.Fatalf("dialog URL = %s", att.URL)
	}
	loc := follow(t, att.URL)
	tok, err := flow.Exchange(ctx, att, loc.Query())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(oauth2.StaticTokenSource(tok)))
	if _, err := c.GetCustomerInfoWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	// A forged callback (other state) never reaches the token endpoint.
	before := f.Requests("createToken")
	bad := loc.Query()
	bad.Set("state", "forged")
	if _, err := flow.Exchange(ctx, att, bad); !errors.Is(err, auth.ErrStateMismatch) {
		t.Errorf("forged state: %v", err)
	}
	if f.Requests("createToken") != before {
		t.Error("token endpoint called despite the state mismatch")
	}
}

func TestImplicitFlowValidatesWithTokenInfo(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	cfg := oauthCfg(f)
	att, err := cfg.ImplicitFlow().Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := url.Parse(att.URL); q.Query().Get("response_type") != "token" {
		t.Fatalf("implicit dialog URL = %s", att.URL)
	}
	loc := follow(t, att.URL)
	if loc.Fragment == "" {
		t.Fatalf("no fragment in %s", loc.Redacted())
	}
	before := f.Requests("getTokenInfo")
	tok, err := cfg.ParseImplicit(ctx, loc.String(), att.State)
	if err != nil {
		t.Fatal(err)
	}
	if f.Requests("getTokenInfo") != before+1 {
		t.Error("token accepted without a tokeninfo call")
	}
	if tok.Expiry.IsZero() || tok.Extra("clientId") != bouquettest.TestClientID {
		t.Errorf("validated token: expiry %v clientId %v", tok.Expiry, tok.Extra("clientId"))
	}

	// Confused deputy: a token issued to another client, slipped into our redirect.
	other := bouquet.OAuthConfig{BaseURL: f.BaseURL(), CustomerID: bouquettest.TestCustomerID,
		ClientID: bouquettest.OtherClientID, RedirectURI: "https://other.example.org/cb"}
	otherTok, err := other.PasswordLogin(bouquettest.OtherLogin, bouquettest.OtherPassword).Token()
	if err != nil {
		t.Fatal(err)
	}
	forged := bouquettest.TestRedirectURI + "#access_token=" + url.QueryEscape(otherTok.AccessToken) + "&state=" + url.QueryEscape(att.State)
	got, err := cfg.ParseImplicit(ctx, forged, att.State)
	var mm *bouquet.ClientMismatchError
	if got != nil || !errors.As(err, &mm) || !errors.Is(err, bouquet.ErrClientMismatch) {
		t.Fatalf("mismatch: token %v, err %v", got != nil, err)
	}
	if mm.Want != bouquettest.TestClientID || mm.Got != bouquettest.OtherClientID {
		t.Errorf("mismatch = %+v", mm)
	}
	if strings.Contains(err.Error(), otherTok.AccessToken) {
		t.Error("token in the mismatch error")
	}
	// A wrong state is refused before any tokeninfo call.
	n := f.Requests("getTokenInfo")
	if _, err := cfg.ParseImplicit(ctx, loc.String(), "other-state"); !errors.Is(err, auth.ErrStateMismatch) {
		t.Errorf("state mismatch: %v", err)
	}
	if f.Requests("getTokenInfo") != n {
		t.Error("tokeninfo called despite the state mismatch")
	}
	// An unknown token: tokeninfo answers 401, the error does not show the token.
	_, err = cfg.Validate(ctx, "unknown-token-value-42")
	if !errors.Is(err, bouquet.ErrUnauthorized) || strings.Contains(err.Error(), "unknown-token-value-42") {
		t.Errorf("unknown token: %v", err)
	}
}

func TestRevokeAndLogout(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	ctx := context.Background()
	cfg := oauthCfg(f)
	tok, err := cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword).Token()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(oauth2.StaticTokenSource(tok)))
	if _, err := c.GetCurrentUserWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cfg.Revoke(ctx, tok.AccessToken); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCurrentUserWithResponse(ctx)
	var be *bouquet.Error
	if !errors.As(err, &be) || be.StatusCode != 401 || be.Type != bouquet.TypeInvalidToken || be.LoginURL == "" {
		t.Fatalf("after revoke: %v", err)
	}
	// Revoking again: 404, and the token is not in the error.
	err = cfg.Revoke(ctx, tok.AccessToken)
	if !errors.Is(err, bouquet.ErrNotFound) || strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("second revoke: %v", err)
	}

	// Logout invalidates every token of the user.
	src1 := cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword)
	t1, _ := src1.Token()
	t2, _ := cfg.PasswordLogin(bouquettest.TestLogin, bouquettest.TestPassword).Token()
	c1, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(oauth2.StaticTokenSource(t1)))
	if err := c1.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	c2, _ := bouquet.New(ctx, bouquet.WithBaseURL(f.BaseURL()), bouquet.WithTokenSource(oauth2.StaticTokenSource(t2)))
	if _, err := c2.GetCurrentUserWithResponse(ctx); !errors.Is(err, bouquet.ErrUnauthorized) {
		t.Errorf("other token of the user after logout: %v", err)
	}
}
