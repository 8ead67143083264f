package fakekit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const (
	webRedirect = "http://app.test/callback"
	spaRedirect = "http://app.test/spa"
)

type oauthEnv struct {
	o    *OAuth
	srv  *httptest.Server
	ctx  context.Context
	web  *oauth2.Config // confidential client, code flow
	hc   *http.Client   // does not follow redirects
	base string
}

func testOAuthConfig() OAuthConfig {
	return OAuthConfig{
		IssuerPath: "/idp",
		Paths: OAuthPaths{
			Authorize: "/idp/connect/authorize", Token: "/idp/connect/token",
			Revocation: "/idp/connect/revocation", UserInfo: "/idp/connect/userinfo",
			Discovery: "/idp/.well-known/openid-configuration", JWKS: "/idp/.well-known/openid-configuration/jwks",
			EndSession: "/idp/connect/endsession",
		},
		Clients: []Client{
			{ID: "web", Secret: "web-secret", RedirectURIs: []string{webRedirect},
				PostLogoutRedirectURIs: []string{"http://app.test/bye"},
				Grants:                 []string{GrantAuthorizationCode, GrantRefreshToken, GrantPassword, "actas"},
				Scopes:                 []string{"openid", "profile", "offline_access", "api"}},
			{ID: "spa", RedirectURIs: []string{spaRedirect}, Grants: []string{GrantImplicit, GrantAuthorizationCode, GrantRefreshToken},
				Scopes: []string{"openid", "api", "offline_access"}, RequirePKCE: true},
			{ID: "svc", Secret: "svc-secret", Grants: []string{GrantClientCredentials}, Scopes: []string{"api"}, DefaultScopes: []string{"api"}},
		},
		Users: []User{
			{Login: "ann", Password: "ann-pw", ID: "u-ann", Claims: map[string]any{"email": "ann@example.test", "name": "Ann"}},
			{Login: "bob", Password: "bob-pw", ID: "u-bob"},
		},
		DefaultUser: "ann",
	}
}

func newOAuthEnv(t testing.TB, mutate func(*OAuthConfig)) *oauthEnv {
	t.Helper()
	cfg := testOAuthConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	o := NewOAuth(cfg)
	mux := http.NewServeMux()
	o.Mount(mux)
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		g, ok := o.Authenticate(r)
		if !ok {
			WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthenticated"})
			return
		}
		WriteJSON(w, http.StatusOK, map[string]any{"client": g.ClientID, "user": g.UserID, "scopes": g.Scopes, "grant": g.GrantType})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &oauthEnv{o: o, srv: srv, base: srv.URL}
	e.ctx = context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	e.web = &oauth2.Config{
		ClientID: "web", ClientSecret: "web-secret", RedirectURL: webRedirect,
		Scopes: []string{"openid", "offline_access", "api"},
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/idp/connect/authorize", TokenURL: srv.URL + "/idp/connect/token",
			AuthStyle: oauth2.AuthStyleInHeader},
	}
	e.hc = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// authorize GETs an authorize URL and returns the redirect target (status must be 302).
func (e *oauthEnv) authorize(t testing.TB, authURL string) *url.URL {
	t.Helper()
	resp, err := e.hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("authorize: status %d: %s", resp.StatusCode, b)
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// code runs the authorize step for the web client with PKCE and returns code and verifier.
func (e *oauthEnv) code(t testing.TB, opts ...oauth2.AuthCodeOption) (string, string) {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	u := e.authorize(t, e.web.AuthCodeURL("st-1", append(opts, oauth2.S256ChallengeOption(verifier))...))
	code := u.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", u.Redacted())
	}
	return code, verifier
}

func (e *oauthEnv) api(t testing.TB, tok string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.base+"/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func errorCode(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func TestCodeFlowWithPKCE(t *testing.T) {
	e := newOAuthEnv(t, nil)
	verifier := oauth2.GenerateVerifier()
	u := e.authorize(t, e.web.AuthCodeURL("opaque-state", oauth2.S256ChallengeOption(verifier)))
	if got := u.Scheme + "://" + u.Host + u.Path; got != webRedirect {
		t.Fatalf("redirected to %s", got)
	}
	if got := u.Query().Get("state"); got != "opaque-state" {
		t.Fatalf("state echoed as %q", got)
	}
	tok, err := e.web.Exchange(e.ctx, u.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() || tok.Extra("id_token") == nil {
		t.Fatalf("incomplete token: refresh=%t expiry=%v id_token=%v", tok.RefreshToken != "", tok.Expiry, tok.Extra("id_token") != nil)
	}
	if got := tok.Extra("scope"); got != "openid offline_access api" {
		t.Errorf("scope = %v", got)
	}
	status, me := e.api(t, tok.AccessToken)
	if status != 200 || me["user"] != "u-ann" || me["client"] != "web" || me["grant"] != GrantAuthorizationCode {
		t.Fatalf("api: %d %v", status, me)
	}
	// The code is single use, and replaying it revokes what it issued.
	if _, err := e.web.Exchange(e.ctx, u.Query().Get("code"), oauth2.VerifierOption(verifier)); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("replayed code: %v", err)
	}
	if status, _ := e.api(t, tok.AccessToken); status != 401 {
		t.Fatalf("token of a replayed code still works: %d", status)
	}
	if got := e.o.Issued(GrantAuthorizationCode); got != 1 {
		t.Errorf("Issued(authorization_code) = %d", got)
	}
}

func TestCodeFlowRejectsWrongVerifier(t *testing.T) {
	e := newOAuthEnv(t, nil)
	code, verifier := e.code(t)
	if _, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier())); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("wrong verifier: %v", err)
	}
	if _, err := e.web.Exchange(e.ctx, code); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("missing verifier: %v", err)
	}
	if _, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(verifier)); err != nil {
		t.Fatalf("right verifier after failed attempts: %v", err)
	}
	if got := e.o.Stats().Errors[ErrCodeInvalidGrant]; got != 2 {
		t.Errorf("Errors[invalid_grant] = %d", got)
	}
}

func TestCodeFlowWithoutPKCEAndVerifierSentAnyway(t *testing.T) {
	e := newOAuthEnv(t, nil)
	u := e.authorize(t, e.web.AuthCodeURL("s"))
	if _, err := e.web.Exchange(e.ctx, u.Query().Get("code"), oauth2.VerifierOption(oauth2.GenerateVerifier())); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("verifier without challenge: %v", err)
	}
	if _, err := e.web.Exchange(e.ctx, u.Query().Get("code")); err != nil {
		t.Fatalf("plain code exchange: %v", err)
	}
}

func TestAuthorizeRejectsWrongRedirectURI(t *testing.T) {
	e := newOAuthEnv(t, nil)
	conf := *e.web
	conf.RedirectURL = "http://evil.test/callback"
	resp, err := e.hc.Get(conf.AuthCodeURL("s"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
		t.Fatalf("unregistered redirect: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Unknown client: no redirect either.
	resp, err = e.hc.Get(e.base + "/idp/connect/authorize?response_type=code&client_id=nobody&redirect_uri=" + url.QueryEscape(webRedirect))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}
}

func TestTokenRejectsRedirectURIMismatch(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.Clients[0].RedirectURIs = append(c.Clients[0].RedirectURIs, "http://app.test/other")
	})
	code, verifier := e.code(t)
	conf := *e.web
	conf.RedirectURL = "http://app.test/other"
	if _, err := conf.Exchange(e.ctx, code, oauth2.VerifierOption(verifier)); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("redirect_uri mismatch: %v", err)
	}
	conf.RedirectURL = ""
	if _, err := conf.Exchange(e.ctx, code, oauth2.VerifierOption(verifier)); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("redirect_uri missing: %v", err)
	}
}

func TestAuthorizeErrorRedirects(t *testing.T) {
	e := newOAuthEnv(t, nil)
	cases := []struct {
		name, query, want string
	}{
		{"scope not allowed", "client_id=web&response_type=code&scope=admin", ErrCodeInvalidScope},
		{"response type", "client_id=web&response_type=device", ErrCodeUnsupportedResponseType},
		{"implicit not allowed", "client_id=web&response_type=token", ErrCodeUnauthorizedClient},
		{"plain pkce", "client_id=web&response_type=code&code_challenge_method=plain&code_challenge=" + strings.Repeat("a", 43), ErrCodeInvalidRequest},
		{"id_token needs nonce", "client_id=spa&response_type=id_token+token&scope=openid&redirect_uri=" + url.QueryEscape(spaRedirect), ErrCodeInvalidRequest},
		{"pkce required", "client_id=spa&response_type=code&redirect_uri=" + url.QueryEscape(spaRedirect), ErrCodeInvalidRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := e.authorize(t, e.base+"/idp/connect/authorize?state=xyz&"+c.query)
			vals := u.Query()
			if u.Fragment != "" {
				vals, _ = url.ParseQuery(u.Fragment)
			}
			if vals.Get("error") != c.want || vals.Get("state") != "xyz" {
				t.Fatalf("got %v, want error=%s with state", vals, c.want)
			}
		})
	}
}

func TestConsentHookNarrowsAndDenies(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.Consent = func(req *ConsentRequest) (*Consent, error) {
			if req.Params["login_hint"] != nil && req.Params["login_hint"][0] == "mallory" {
				return &Consent{Deny: true}, nil
			}
			return &Consent{Login: "bob", Scopes: []string{"api"}, CallbackParams: map[string]string{"companyId": "c-7"},
				Extra: map[string]any{"company": "c-7"}}, nil
		}
	})
	u := e.authorize(t, e.web.AuthCodeURL("s", oauth2.SetAuthURLParam("login_hint", "mallory")))
	if u.Query().Get("error") != ErrCodeAccessDenied || u.Query().Get("state") != "s" {
		t.Fatalf("deny: %v", u.Query())
	}
	u = e.authorize(t, e.web.AuthCodeURL("s"))
	if u.Query().Get("companyId") != "c-7" {
		t.Fatalf("callback params: %v", u.Query())
	}
	tok, err := e.web.Exchange(e.ctx, u.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := e.o.Lookup(tok.AccessToken)
	if !ok || g.UserID != "u-bob" || !slices.Equal(g.Scopes, []string{"api"}) || g.Extra["company"] != "c-7" {
		t.Fatalf("grant %+v", g)
	}
	if tok.RefreshToken != "" {
		t.Error("refresh token issued although consent removed offline_access")
	}
}

func TestLoginHintPicksUser(t *testing.T) {
	e := newOAuthEnv(t, nil)
	code, v := e.code(t, oauth2.SetAuthURLParam("login_hint", "bob"))
	tok, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if _, me := e.api(t, tok.AccessToken); me["user"] != "u-bob" {
		t.Fatalf("user %v", me["user"])
	}
	e.o.SetDefaultUser("bob")
	code, v = e.code(t)
	tok, _ = e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	if _, me := e.api(t, tok.AccessToken); me["user"] != "u-bob" {
		t.Fatalf("default user %v", me["user"])
	}
}

func TestRefreshRotation(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) { c.RotateRefreshTokens = true })
	code, v := e.code(t)
	tok, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	old := tok.RefreshToken
	tok.Expiry = time.Now().Add(-time.Minute)
	next, err := e.web.TokenSource(e.ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == "" || next.RefreshToken == old || next.AccessToken == tok.AccessToken {
		t.Fatal("refresh did not rotate the refresh token")
	}
	if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: old}).Token(); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("old refresh token after rotation: %v", err)
	}
	if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: next.RefreshToken}).Token(); err != nil {
		t.Fatalf("new refresh token: %v", err)
	}
	if got := e.o.Refreshes(); got != 2 {
		t.Errorf("Refreshes = %d", got)
	}
	// The old access token keeps working until it expires.
	if status, me := e.api(t, next.AccessToken); status != 200 || me["grant"] != GrantRefreshToken {
		t.Fatalf("refreshed token: %d %v", status, me)
	}
}

func TestRefreshWithoutRotationAndNarrowing(t *testing.T) {
	e := newOAuthEnv(t, nil)
	code, v := e.code(t)
	tok, _ := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	for i := range 2 {
		next, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		if next.RefreshToken != tok.RefreshToken {
			t.Fatalf("refresh token changed without rotation")
		}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "scope": {"api admin"}}
	a := postForm(t, e.base+"/idp/connect/token", form, "web", "web-secret")
	if a.status != 400 || !strings.Contains(string(a.body), ErrCodeInvalidScope) {
		t.Fatalf("widening scope on refresh: %d %s", a.status, a.body)
	}
	form.Set("scope", "api")
	a = postForm(t, e.base+"/idp/connect/token", form, "web", "web-secret")
	if a.status != 200 || !strings.Contains(string(a.body), `"scope":"api"`) {
		t.Fatalf("narrowing scope on refresh: %d %s", a.status, a.body)
	}
	// Another client cannot use the refresh token.
	e.o.AddClient(Client{ID: "other", Secret: "o"})
	a = postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}, "other", "o")
	if a.status != 400 {
		t.Fatalf("foreign client refresh: %d", a.status)
	}
}

func postForm(t testing.TB, target string, form url.Values, id, secret string) answer {
	t.Helper()
	req, _ := http.NewRequest("POST", target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func TestRefreshPolicies(t *testing.T) {
	for _, c := range []struct {
		name   string
		policy RefreshPolicy
		scopes []string
		want   bool
	}{
		{"with scope, scope present", RefreshWithScope, []string{"api", "offline_access"}, true},
		{"with scope, scope absent", RefreshWithScope, []string{"api"}, false},
		{"always", RefreshAlways, []string{"api"}, true},
		{"never", RefreshNever, []string{"api", "offline_access"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newOAuthEnv(t, func(cfg *OAuthConfig) { cfg.Refresh = c.policy })
			conf := *e.web
			conf.Scopes = c.scopes
			tok, err := conf.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.RefreshToken != ""; got != c.want {
				t.Fatalf("refresh token issued = %t, want %t", got, c.want)
			}
		})
	}
}

func TestPasswordGrant(t *testing.T) {
	e := newOAuthEnv(t, nil)
	tok, err := e.web.PasswordCredentialsToken(e.ctx, "bob", "bob-pw")
	if err != nil {
		t.Fatal(err)
	}
	if status, me := e.api(t, tok.AccessToken); status != 200 || me["user"] != "u-bob" || me["grant"] != GrantPassword {
		t.Fatalf("api: %d %v", status, me)
	}
	if _, err := e.web.PasswordCredentialsToken(e.ctx, "bob", "wrong"); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("wrong password: %v", err)
	}
	conf := *e.web
	conf.ClientSecret = "wrong"
	if _, err := conf.PasswordCredentialsToken(e.ctx, "bob", "bob-pw"); errorCode(err) != ErrCodeInvalidClient {
		t.Fatalf("wrong client secret: %v", err)
	}
}

func TestAnonymousPasswordGrantWithQueryParams(t *testing.T) {
	// BidCore's uauth: no client authentication, parameters possibly in the URL query.
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.AnonymousClient = "uauth"
		c.AcceptQueryParams = true
		c.Refresh = RefreshNever
		c.Clients = append(c.Clients, Client{ID: "uauth", Secret: "unused", Grants: []string{GrantPassword}})
		c.TokenResponse = func(r *http.Request, g *Grant, body map[string]any) any {
			body["scope"] = strings.TrimPrefix(body["scope"].(string), "service_id=")
			return body
		}
	})
	q := url.Values{"grant_type": {"password"}, "username": {"ann"}, "password": {"ann-pw"}, "scope": {"service_id=my.bidcore.test"}}
	resp, err := http.Post(e.base+"/idp/connect/token?"+q.Encode(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 || body["scope"] != "my.bidcore.test" || body["refresh_token"] != nil {
		t.Fatalf("%d %v", resp.StatusCode, body)
	}
}

func TestClientCredentials(t *testing.T) {
	e := newOAuthEnv(t, nil)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInHeader, oauth2.AuthStyleInParams} {
		cc := clientcredentials.Config{ClientID: "svc", ClientSecret: "svc-secret", TokenURL: e.base + "/idp/connect/token", AuthStyle: style}
		tok, err := cc.Token(e.ctx)
		if err != nil {
			t.Fatalf("style %d: %v", style, err)
		}
		if tok.RefreshToken != "" {
			t.Error("client_credentials issued a refresh token")
		}
		if status, me := e.api(t, tok.AccessToken); status != 200 || me["client"] != "svc" || me["user"] != "" || fmt.Sprint(me["scopes"]) != "[api]" {
			t.Fatalf("api: %d %v", status, me)
		}
	}
	cc := clientcredentials.Config{ClientID: "svc", ClientSecret: "svc-secret", TokenURL: e.base + "/idp/connect/token", Scopes: []string{"openid"}}
	if _, err := cc.Token(e.ctx); errorCode(err) != ErrCodeInvalidScope {
		t.Fatalf("disallowed scope: %v", err)
	}
	a := postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"client_credentials"}}, "web", "web-secret")
	if a.status != 400 || !strings.Contains(string(a.body), ErrCodeUnauthorizedClient) {
		t.Fatalf("grant not allowed for client: %d %s", a.status, a.body)
	}
	a = postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"client_credentials"}}, "svc", "nope")
	if a.status != 401 || a.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("bad basic credentials: %d %v", a.status, a.header)
	}
}

func TestTokenEndpointRejectsJSONAndGET(t *testing.T) {
	e := newOAuthEnv(t, nil)
	a := do(t, "POST", e.base+"/idp/connect/token", "application/json", `{"grant_type":"client_credentials"}`)
	if a.status != 400 || !strings.Contains(string(a.body), ErrCodeInvalidRequest) {
		t.Fatalf("JSON body: %d %s", a.status, a.body)
	}
	a = postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"device_code"}}, "web", "web-secret")
	if a.status != 400 || !strings.Contains(string(a.body), ErrCodeUnauthorizedClient) {
		t.Fatalf("unknown grant: %d %s", a.status, a.body)
	}
}

func TestImplicitFragment(t *testing.T) {
	e := newOAuthEnv(t, nil)
	q := url.Values{"client_id": {"spa"}, "response_type": {"token"}, "redirect_uri": {spaRedirect}, "scope": {"api"}, "state": {"st"}}
	u := e.authorize(t, e.base+"/idp/connect/authorize?"+q.Encode())
	if u.RawQuery != "" {
		t.Fatalf("implicit answer in the query: %s", u.RawQuery)
	}
	frag, err := url.ParseQuery(u.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("state") != "st" || frag.Get("token_type") != "Bearer" || frag.Get("expires_in") != "3600" || frag.Get("refresh_token") != "" {
		t.Fatalf("fragment %v", frag)
	}
	if status, me := e.api(t, frag.Get("access_token")); status != 200 || me["grant"] != GrantImplicit {
		t.Fatalf("api: %d %v", status, me)
	}
	if got := e.o.Issued(GrantImplicit); got != 1 {
		t.Errorf("Issued(implicit) = %d", got)
	}
}

func TestIDTokenVerifiesWithGoOIDC(t *testing.T) {
	e := newOAuthEnv(t, nil)
	ctx := oidc.ClientContext(context.Background(), e.srv.Client())
	provider, err := oidc.NewProvider(ctx, e.base+"/idp")
	if err != nil {
		t.Fatal(err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: "web"})

	code, v := e.code(t, oauth2.SetAuthURLParam("nonce", "n-123"))
	tok, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	idt, err := verifier.Verify(ctx, tok.Extra("id_token").(string))
	if err != nil {
		t.Fatal(err)
	}
	if idt.Subject != "u-ann" || idt.Nonce != "n-123" || idt.Issuer != e.base+"/idp" {
		t.Fatalf("claims: sub=%s nonce=%s iss=%s", idt.Subject, idt.Nonce, idt.Issuer)
	}
	if _, err := provider.Verifier(&oidc.Config{ClientID: "spa"}).Verify(ctx, tok.Extra("id_token").(string)); err == nil {
		t.Fatal("ID token accepted for another audience")
	}

	// Implicit "id_token token" carries an at_hash that matches the access token.
	q := url.Values{"client_id": {"spa"}, "response_type": {"id_token token"}, "redirect_uri": {spaRedirect},
		"scope": {"openid api"}, "state": {"s"}, "nonce": {"n-456"}}
	u := e.authorize(t, e.base+"/idp/connect/authorize?"+q.Encode())
	frag, _ := url.ParseQuery(u.Fragment)
	spaIDT, err := provider.Verifier(&oidc.Config{ClientID: "spa"}).Verify(ctx, frag.Get("id_token"))
	if err != nil {
		t.Fatal(err)
	}
	if spaIDT.Nonce != "n-456" {
		t.Fatalf("nonce %q", spaIDT.Nonce)
	}
	if err := spaIDT.VerifyAccessToken(frag.Get("access_token")); err != nil {
		t.Fatalf("at_hash: %v", err)
	}

	// userinfo through go-oidc.
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := ui.Claims(&claims); err != nil || ui.Subject != "u-ann" || claims["email"] != "ann@example.test" {
		t.Fatalf("userinfo %v %v", claims, err)
	}
}

func TestUserInfoNeedsOpenID(t *testing.T) {
	e := newOAuthEnv(t, nil)
	conf := *e.web
	conf.Scopes = []string{"api"}
	tok, err := conf.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.base+"/idp/connect/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("WWW-Authenticate") != `Bearer,error="insufficient_scope"` {
		t.Fatalf("without openid: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	req.Header.Set("Authorization", "Bearer not-a-token")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("bad token: %d", resp.StatusCode)
	}
}

func TestRevocation(t *testing.T) {
	e := newOAuthEnv(t, nil)
	code, v := e.code(t)
	tok, _ := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	revoke := e.base + "/idp/connect/revocation"

	a := do(t, "POST", revoke, "application/json", `{"token":"x"}`)
	if a.status != http.StatusUnsupportedMediaType {
		t.Fatalf("JSON revocation: %d", a.status)
	}
	if a := postForm(t, revoke, url.Values{"token": {tok.AccessToken}}, "web", "bad"); a.status != 401 {
		t.Fatalf("unauthenticated revocation: %d", a.status)
	}
	if a := postForm(t, revoke, url.Values{"token": {tok.AccessToken}}, "svc", "svc-secret"); a.status != 400 {
		t.Fatalf("revocation by another client: %d", a.status)
	}
	if status, _ := e.api(t, tok.AccessToken); status != 200 {
		t.Fatal("token revoked by a foreign client")
	}
	if a := postForm(t, revoke, url.Values{"token": {tok.AccessToken}, "token_type_hint": {"access_token"}}, "web", "web-secret"); a.status != 200 {
		t.Fatalf("revoke: %d %s", a.status, a.body)
	}
	if status, _ := e.api(t, tok.AccessToken); status != 401 {
		t.Fatal("revoked access token still accepted")
	}
	// The refresh token survives an access-token revocation; revoking it ends the chain.
	next, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if a := postForm(t, revoke, url.Values{"token": {tok.RefreshToken}}, "web", "web-secret"); a.status != 200 {
		t.Fatalf("revoke refresh: %d", a.status)
	}
	if status, _ := e.api(t, next.AccessToken); status != 401 {
		t.Fatal("access token of a revoked refresh token still accepted")
	}
	if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("revoked refresh token: %v", err)
	}
	if a := postForm(t, revoke, url.Values{"token": {"unknown"}}, "web", "web-secret"); a.status != 200 {
		t.Fatalf("unknown token: %d", a.status)
	}
	if got := e.o.Stats().Revocations; got != 2 {
		t.Errorf("Revocations = %d", got)
	}
}

func TestEndSession(t *testing.T) {
	e := newOAuthEnv(t, nil)
	code, v := e.code(t)
	tok, _ := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v))
	idt := tok.Extra("id_token").(string)
	q := url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://app.test/bye"}, "state": {"bye-state"}}
	u := e.authorize(t, e.base+"/idp/connect/endsession?"+q.Encode())
	if u.Path != "/bye" || u.Query().Get("state") != "bye-state" {
		t.Fatalf("end-session redirect %s", u)
	}
	q.Set("post_logout_redirect_uri", "http://evil.test/")
	resp, err := e.hc.Get(e.base + "/idp/connect/endsession?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("unregistered post-logout URI: %d", resp.StatusCode)
	}
	q.Set("post_logout_redirect_uri", "http://app.test/bye")
	q.Set("id_token_hint", idt[:len(idt)-4]+"AAAA")
	resp, err = e.hc.Get(e.base + "/idp/connect/endsession?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("forged hint: %d", resp.StatusCode)
	}
}

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newOAuthEnv(t, nil)
	a := do(t, "GET", e.base+"/idp/.well-known/openid-configuration", "", "")
	var doc map[string]any
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["token_endpoint"] != e.base+"/idp/connect/token" || doc["revocation_endpoint"] != e.base+"/idp/connect/revocation" ||
		doc["end_session_endpoint"] != e.base+"/idp/connect/endsession" {
		t.Fatalf("discovery %v", doc)
	}
	a = do(t, "GET", e.base+"/idp/.well-known/openid-configuration/jwks", "", "")
	if !strings.Contains(string(a.body), `"kty":"RSA"`) || strings.Contains(string(a.body), `"d":`) {
		t.Fatalf("jwks %s", a.body)
	}
}

func TestExpireAccessTokensAndClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.AccessTokenTTL = time.Minute
		c.Clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	conf := *e.web
	tok, err := conf.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Extra("expires_in"); fmt.Sprint(got) != "60" {
		t.Errorf("expires_in = %v", got)
	}
	advance(61 * time.Second)
	if status, _ := e.api(t, tok.AccessToken); status != 401 {
		t.Fatal("token accepted after its lifetime")
	}
	tok2, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := e.api(t, tok2.AccessToken); status != 200 {
		t.Fatal("fresh token rejected")
	}
	tok3, _ := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if !e.o.ExpireAccessToken(tok3.AccessToken) || e.o.ExpireAccessToken("unknown") {
		t.Fatal("ExpireAccessToken")
	}
	if status, _ := e.api(t, tok3.AccessToken); status != 401 {
		t.Fatal("ExpireAccessToken did not expire")
	}
	if status, _ := e.api(t, tok2.AccessToken); status != 200 {
		t.Fatal("ExpireAccessToken expired another token")
	}
	e.o.ExpireAccessTokens()
	if status, _ := e.api(t, tok2.AccessToken); status != 401 {
		t.Fatal("ExpireAccessTokens did not expire")
	}
	e.o.ExpireRefreshTokens()
	if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("expired refresh token: %v", err)
	}
}

func TestAuthenticateQueryAndCookie(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.TokenQueryParams = []string{"access_token"}
		c.TokenCookies = []string{"squidapitoken"}
	})
	tok, _ := e.web.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	r := httptest.NewRequest("GET", "/x?access_token="+tok.AccessToken, nil)
	if _, ok := e.o.Authenticate(r); !ok {
		t.Fatal("query token rejected")
	}
	r = httptest.NewRequest("GET", "/x", nil)
	r.AddCookie(&http.Cookie{Name: "squidapitoken", Value: tok.AccessToken})
	if _, ok := e.o.Authenticate(r); !ok {
		t.Fatal("cookie token rejected")
	}
	r = httptest.NewRequest("GET", "/x?token="+tok.AccessToken, nil)
	if _, ok := e.o.Authenticate(r); ok {
		t.Fatal("token accepted from an unconfigured parameter")
	}
	if _, ok := e.o.Authenticate(httptest.NewRequest("GET", "/x", nil)); ok {
		t.Fatal("no token accepted")
	}
}

func TestProcuriosLegacySpelling(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.ParamAliases = map[string]string{"redirect_url": "redirect_uri", "grant_type": "response_type"}
		c.GrantTypeAliases = map[string]string{"code": GrantAuthorizationCode}
		c.LaxTokenRedirectURI = true
		c.TokenType = "bearer"
	})
	// The getting-started page's authorize URL: grant_type=code and redirect_url.
	q := url.Values{"grant_type": {"code"}, "client_id": {"web"}, "redirect_url": {webRedirect}, "scope": {"api"}, "state": {"s"}}
	u := e.authorize(t, e.base+"/idp/connect/authorize?"+q.Encode())
	if u.Query().Get("state") != "s" || u.Path != "/callback" {
		t.Fatalf("legacy authorize: %s", u)
	}
	form := url.Values{"grant_type": {"code"}, "client_id": {"web"}, "client_secret": {"web-secret"}, "code": {u.Query().Get("code")}}
	a := postForm(t, e.base+"/idp/connect/token", form, "", "")
	if a.status != 200 || !strings.Contains(string(a.body), `"token_type":"bearer"`) {
		t.Fatalf("legacy token: %d %s", a.status, a.body)
	}
}

func TestCustomGrantAndTokenResponseHook(t *testing.T) {
	var e *oauthEnv
	e = newOAuthEnv(t, func(c *OAuthConfig) {
		c.CustomGrants = map[string]GrantHandler{"actas": func(req *TokenRequest) (*Grant, error) {
			admin, ok := e.o.Lookup(req.Get("token"))
			if !ok || admin.UserID != "u-ann" {
				return nil, NewOAuthError(ErrCodeInvalidGrant, "token may not impersonate")
			}
			u, ok := e.o.UserByID(req.Get("actas"))
			if !ok {
				return nil, errors.New("no such user")
			}
			return &Grant{UserID: u.ID, Scopes: splitScopes(req.Get("scope")), Extra: map[string]any{"actor": admin.UserID}}, nil
		}}
		c.TokenResponse = func(r *http.Request, g *Grant, body map[string]any) any {
			body["endpoint"] = Origin(r) + "/api/"
			return body
		}
	})
	admin, err := e.web.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	if err != nil {
		t.Fatal(err)
	}
	if got := admin.Extra("endpoint"); got != e.base+"/api/" {
		t.Fatalf("endpoint = %v", got)
	}
	form := url.Values{"grant_type": {"actas"}, "token": {admin.AccessToken}, "actas": {"u-bob"}, "scope": {"api"}}
	a := postForm(t, e.base+"/idp/connect/token", form, "web", "web-secret")
	if a.status != 200 {
		t.Fatalf("actas: %d %s", a.status, a.body)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(a.body, &body)
	g, ok := e.o.Lookup(body.AccessToken)
	if !ok || g.UserID != "u-bob" || g.Login != "bob" || g.GrantType != "actas" || g.Extra["actor"] != "u-ann" {
		t.Fatalf("actas grant %+v", g)
	}
	form.Set("actas", "nobody")
	if a := postForm(t, e.base+"/idp/connect/token", form, "web", "web-secret"); a.status != 400 || !strings.Contains(string(a.body), ErrCodeInvalidGrant) {
		t.Fatalf("actas unknown user: %d %s", a.status, a.body)
	}
}

func TestErrorResponseHookAndIssueHelpers(t *testing.T) {
	// Bouquet-like: own error shape, own AccessToken shape, codes issued by a vendor endpoint.
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.ErrorResponse = func(w http.ResponseWriter, r *http.Request, oe *OAuthError) {
			WriteJSON(w, oe.Status, map[string]any{"code": oe.Status, "type": "InvalidTokenAPIException", "error": oe.Description})
		}
		c.TokenResponse = func(r *http.Request, g *Grant, body map[string]any) any {
			return map[string]any{"id": map[string]string{"tokenId": g.AccessToken}, "expirationDateMillis": g.ExpiresAt.UnixMilli(), "clientId": g.ClientID}
		}
		c.Refresh = RefreshAlways
	})
	code := e.o.IssueCode(Authorization{ClientID: "web", UserID: "u-ann", Scopes: []string{"api"}, RedirectURI: webRedirect})
	a := postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {webRedirect}}, "web", "web-secret")
	if a.status != 200 || !strings.Contains(string(a.body), `"tokenId"`) {
		t.Fatalf("shaped token: %d %s", a.status, a.body)
	}
	a = postForm(t, e.base+"/idp/connect/token", url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}}, "web", "web-secret")
	if a.status != 400 || !strings.Contains(string(a.body), `"type":"InvalidTokenAPIException"`) {
		t.Fatalf("shaped error: %d %s", a.status, a.body)
	}
	g, err := e.o.IssueToken(nil, Grant{ClientID: "web", UserID: "u-bob", Scopes: []string{"api"}, GrantType: "auth-token"})
	if err != nil || g.RefreshToken == "" || g.Login != "bob" {
		t.Fatalf("IssueToken: %+v %v", g, err)
	}
	if !e.o.RevokeToken(g.AccessToken) || e.o.RevokeToken("unknown") {
		t.Fatal("RevokeToken")
	}
	if _, ok := e.o.Lookup(g.AccessToken); ok {
		t.Fatal("revoked token still found")
	}
}

func TestCountersUnderConcurrency(t *testing.T) {
	e := newOAuthEnv(t, nil)
	tok, err := e.web.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	if err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			cc := clientcredentials.Config{ClientID: "svc", ClientSecret: "svc-secret", TokenURL: e.base + "/idp/connect/token"}
			if _, err := cc.Token(e.ctx); err != nil {
				errs <- err
			}
			_ = e.o.Stats() // readers race with writers
		}()
		go func() {
			defer wg.Done()
			if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err != nil {
				errs <- err
			}
			_ = e.o.Refreshes()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := e.o.Stats()
	if s.Issued[GrantClientCredentials] != n || s.Issued[GrantRefreshToken] != n || s.Refreshes != n || s.Issued[GrantPassword] != 1 {
		t.Fatalf("stats %+v", s)
	}
}

func TestRotationAllowsOneWinner(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) { c.RotateRefreshTokens = true })
	tok, err := e.web.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.web.TokenSource(e.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ok != 1 || e.o.Refreshes() != 1 {
		t.Fatalf("%d concurrent refreshes of one rotating token succeeded (Refreshes=%d), want 1", ok, e.o.Refreshes())
	}
}

func TestRedirectMatcherHook(t *testing.T) {
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.RedirectMatcher = func(registered, given string) bool {
			return strings.HasPrefix(given, registered+"?") || given == registered
		}
	})
	conf := *e.web
	conf.RedirectURL = webRedirect + "?type=mobile"
	verifier := oauth2.GenerateVerifier()
	u := e.authorize(t, conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)))
	if u.Query().Get("type") != "mobile" || u.Query().Get("code") == "" {
		t.Fatalf("redirect %s", u.Redacted())
	}
	if !strings.HasPrefix(u.RawQuery, "type=mobile&") {
		t.Errorf("registered query not kept first: %s", u.RawQuery)
	}
	if _, err := conf.Exchange(e.ctx, u.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil {
		t.Fatal(err)
	}
}

func TestRequireAndGrantOf(t *testing.T) {
	e := newOAuthEnv(t, nil)
	api := func(w http.ResponseWriter, r *http.Request) {
		g, ok := GrantOf(r.Context())
		if !ok {
			t.Error("no grant in context")
		}
		WriteJSON(w, 200, map[string]string{"user": g.UserID})
	}
	plain := httptest.NewServer(e.o.Require(http.HandlerFunc(api), nil))
	defer plain.Close()
	bqe := httptest.NewServer(e.o.Require(http.HandlerFunc(api), func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, "Not authenticated")
	}))
	defer bqe.Close()
	tok, _ := e.web.PasswordCredentialsToken(e.ctx, "ann", "ann-pw")
	req, _ := http.NewRequest("GET", plain.URL, nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "u-ann") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if a := do(t, "GET", plain.URL, "", ""); a.status != 401 || a.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d %v", a.status, a.header)
	}
	if a := do(t, "GET", bqe.URL, "", ""); a.status != 200 || string(a.body) != "\"Not authenticated\"\n" {
		t.Fatalf("vendor answer: %d %q", a.status, a.body)
	}
}

func TestCodeExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newOAuthEnv(t, func(c *OAuthConfig) {
		c.CodeTTL = time.Minute
		c.Clock = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	code, v := e.code(t)
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if _, err := e.web.Exchange(e.ctx, code, oauth2.VerifierOption(v)); errorCode(err) != ErrCodeInvalidGrant {
		t.Fatalf("expired code: %v", err)
	}
}
