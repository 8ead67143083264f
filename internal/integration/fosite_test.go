package integration

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/ory/fosite"
	"github.com/ory/fosite/compose"
	"github.com/ory/fosite/handler/openid"
	"github.com/ory/fosite/storage"
	fjwt "github.com/ory/fosite/token/jwt"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

const (
	clientID     = "oasuite-client"
	clientSecret = "oasuite-client-secret-value"
	webRedirect  = "https://app.example/cb"
	userName     = "peter"
	userPassword = "peter-password-value"
	keyID        = "fosite-key-1"
)

// idp is a fosite OAuth 2.0 / OIDC server on an httptest listener, with
// discovery and JWKS served beside it so that auth.NewOIDC can verify the
// ID tokens fosite signs.
type idp struct {
	srv      *httptest.Server
	provider fosite.OAuth2Provider
	key      *rsa.PrivateKey
	store    *storage.MemoryStore

	mu        sync.Mutex
	tokenHits int
}

func newIdP(t *testing.T, accessTTL time.Duration) *idp {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{key: key}
	mux := http.NewServeMux()
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)

	cfg := &fosite.Config{
		GlobalSecret:               []byte("a-global-secret-of-at-least-32-bytes!!"),
		AccessTokenLifespan:        accessTTL,
		IDTokenIssuer:              p.srv.URL,
		IDTokenLifespan:            time.Hour,
		ScopeStrategy:              fosite.HierarchicScopeStrategy,
		AudienceMatchingStrategy:   fosite.DefaultAudienceMatchingStrategy,
		SendDebugMessagesToClients: false,
		HashCost:                   4, // bcrypt's minimum: cost 12 takes seconds under -race
	}
	hash, err := (&fosite.BCrypt{Config: cfg}).Hash(context.Background(), []byte(clientSecret))
	if err != nil {
		t.Fatal(err)
	}
	p.store = storage.NewMemoryStore()
	p.store.Clients[clientID] = &fosite.DefaultClient{
		ID:            clientID,
		Secret:        hash,
		RedirectURIs:  []string{webRedirect, "http://127.0.0.1/callback"},
		ResponseTypes: []string{"code", "token", "id_token token"},
		GrantTypes:    []string{"authorization_code", "refresh_token", "password", "client_credentials", "implicit"},
		Scopes:        []string{"openid", "offline", "offline_access", "read:core", "profile"},
	}
	p.store.Users[userName] = storage.MemoryUserRelation{Username: userName, Password: userPassword}

	keyGetter := func(context.Context) (interface{}, error) { return key, nil }
	p.provider = compose.Compose(cfg, p.store, &compose.CommonStrategy{
		CoreStrategy:               compose.NewOAuth2HMACStrategy(cfg),
		OpenIDConnectTokenStrategy: compose.NewOpenIDConnectStrategy(keyGetter, cfg),
		Signer:                     &fjwt.DefaultSigner{GetPrivateKey: keyGetter},
	},
		compose.OAuth2AuthorizeExplicitFactory,
		compose.OAuth2AuthorizeImplicitFactory,
		compose.OAuth2ClientCredentialsGrantFactory,
		compose.OAuth2RefreshTokenGrantFactory,
		compose.OAuth2ResourceOwnerPasswordCredentialsFactory,
		compose.OAuth2TokenRevocationFactory,
		compose.OAuth2TokenIntrospectionFactory,
		compose.OAuth2PKCEFactory,
		compose.OpenIDConnectExplicitFactory,
		compose.OpenIDConnectImplicitFactory,
		compose.OpenIDConnectRefreshFactory,
	)

	mux.HandleFunc("/.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("/jwks", p.jwks)
	mux.HandleFunc("/authorize", p.authorize)
	mux.HandleFunc("/token", p.token)
	mux.HandleFunc("/revoke", p.revoke)
	mux.HandleFunc("/userinfo", p.userinfo)
	return p
}

func (p *idp) endpoint(style oauth2.AuthStyle) oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: p.srv.URL + "/authorize", TokenURL: p.srv.URL + "/token", AuthStyle: style}
}

func (p *idp) tokenCalls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.tokenHits
}

func newSession() *openid.DefaultSession {
	return &openid.DefaultSession{
		Claims:  &fjwt.IDTokenClaims{Subject: userName},
		Headers: &fjwt.Headers{Extra: map[string]interface{}{"kid": keyID}},
		Subject: userName,
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (p *idp) discovery(w http.ResponseWriter, _ *http.Request) {
	base := p.srv.URL
	writeJSON(w, map[string]any{
		"issuer":                                base,
		"authorization_endpoint":                base + "/authorize",
		"token_endpoint":                        base + "/token",
		"revocation_endpoint":                   base + "/revoke",
		"userinfo_endpoint":                     base + "/userinfo",
		"end_session_endpoint":                  base + "/logout",
		"jwks_uri":                              base + "/jwks",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token token"},
		"subject_types_supported":               []string{"public"},
	})
}

func (p *idp) jwks(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: keyID, Algorithm: "RS256", Use: "sig"}}})
}

// authorize plays a logged-in user who consents to everything asked.
func (p *idp) authorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ar, err := p.provider.NewAuthorizeRequest(ctx, r)
	if err != nil {
		p.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	for _, s := range ar.GetRequestedScopes() {
		ar.GrantScope(s)
	}
	resp, err := p.provider.NewAuthorizeResponse(ctx, ar, newSession())
	if err != nil {
		p.provider.WriteAuthorizeError(ctx, w, ar, err)
		return
	}
	p.provider.WriteAuthorizeResponse(ctx, w, ar, resp)
}

func (p *idp) token(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.tokenHits++
	p.mu.Unlock()
	ctx := r.Context()
	req, err := p.provider.NewAccessRequest(ctx, r, newSession())
	if err != nil {
		p.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	if req.GetGrantTypes().ExactOne("client_credentials") || req.GetGrantTypes().ExactOne("password") {
		for _, s := range req.GetRequestedScopes() {
			req.GrantScope(s)
		}
	}
	resp, err := p.provider.NewAccessResponse(ctx, req)
	if err != nil {
		p.provider.WriteAccessError(ctx, w, req, err)
		return
	}
	p.provider.WriteAccessResponse(ctx, w, req, resp)
}

func (p *idp) revoke(w http.ResponseWriter, r *http.Request) {
	err := p.provider.NewRevocationRequest(r.Context(), r)
	p.provider.WriteRevocationResponse(r.Context(), w, err)
}

func (p *idp) userinfo(w http.ResponseWriter, r *http.Request) {
	_, ar, err := p.provider.IntrospectToken(r.Context(), fosite.AccessTokenFromRequest(r), fosite.AccessToken, newSession())
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	writeJSON(w, map[string]any{"sub": ar.GetSession().GetSubject(), "scope": strings.Join(ar.GetGrantedScopes(), " ")})
}

// playBrowser opens the authorize URL without following the redirect and
// returns the query the app's callback would receive.
func playBrowser(t *testing.T, authURL string) url.Values {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query()
}

func codeFlow(p *idp, style oauth2.AuthStyle) auth.CodeFlow {
	return auth.CodeFlow{
		Endpoint: p.endpoint(style), ClientID: clientID, ClientSecret: clientSecret, RedirectURL: webRedirect,
		Scopes: []string{"openid", "offline", "read:core"}, Nonce: true, HTTPClient: p.srv.Client(),
	}
}

func TestCodeFlowPKCEAndIDToken(t *testing.T) {
	ctx := context.Background()
	p := newIdP(t, time.Hour)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader} {
		flow := codeFlow(p, style)
		attempt, err := flow.Start(map[string]string{"return": "/home"})
		if err != nil {
			t.Fatal(err)
		}
		cb := playBrowser(t, attempt.URL)
		if cb.Get("state") != attempt.State {
			t.Fatalf("fosite did not echo the state")
		}
		tok, err := flow.Exchange(ctx, attempt, cb)
		if err != nil {
			t.Fatalf("exchange (style %v): %v", style, err)
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Expiry.IsZero() || tok.Type() != "Bearer" {
			t.Errorf("token = %+v", tok)
		}
		if sc, _ := tok.Extra("scope").(string); !strings.Contains(sc, "read:core") {
			t.Errorf("scope extra = %v", tok.Extra("scope"))
		}

		o, err := auth.NewOIDC(ctx, p.srv.URL, clientID, auth.WithOIDCHTTPClient(p.srv.Client()))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := o.Verify(ctx, raw, attempt.Nonce)
		if err != nil {
			t.Fatalf("verify fosite id token: %v", err)
		}
		if idt.Subject != userName || idt.Issuer != p.srv.URL {
			t.Errorf("id token sub=%q iss=%q", idt.Subject, idt.Issuer)
		}
		if _, err := o.Verify(ctx, raw, "some-other-nonce"); !errors.Is(err, auth.ErrNonceMismatch) {
			t.Errorf("wrong nonce: %v", err)
		}
		var ui struct{ Sub string }
		if err := o.UserInfo(ctx, oauth2.StaticTokenSource(tok), &ui); err != nil || ui.Sub != userName {
			t.Errorf("userinfo %+v %v", ui, err)
		}
		if es, err := o.EndSessionURL(raw, "https://app.example/bye", ""); err != nil || !strings.HasPrefix(es, p.srv.URL+"/logout?") {
			t.Errorf("end session %q %v", es, err)
		}
	}
}

// fosite enforces PKCE once a challenge was sent: a wrong verifier is refused,
// and a replayed code too.
func TestCodeFlowPKCEIsChecked(t *testing.T) {
	ctx := context.Background()
	p := newIdP(t, time.Hour)
	flow := codeFlow(p, oauth2.AuthStyleInParams)
	attempt, _ := flow.Start(nil)
	cb := playBrowser(t, attempt.URL)
	tampered := *attempt
	tampered.Verifier = oauth2.GenerateVerifier()
	_, err := flow.Exchange(ctx, &tampered, cb)
	var te *auth.TokenError
	if !errors.As(err, &te) || te.ErrorCode == "" {
		t.Fatalf("wrong verifier: %v", err)
	}
	if strings.Contains(err.Error(), clientSecret) || strings.Contains(err.Error(), cb.Get("code")) {
		t.Errorf("secret in error: %v", err)
	}
	// A forged state never reaches fosite.
	before := p.tokenCalls()
	forged := url.Values{"code": {cb.Get("code")}, "state": {"forged-state-value"}}
	if _, err := flow.Exchange(ctx, attempt, forged); !errors.Is(err, auth.ErrStateMismatch) {
		t.Errorf("forged: %v", err)
	}
	if p.tokenCalls() != before {
		t.Error("forged callback reached the token endpoint")
	}
}

func TestRefreshRotationThroughSource(t *testing.T) {
	ctx := context.Background()
	p := newIdP(t, 2*time.Second)
	flow := codeFlow(p, oauth2.AuthStyleInParams)
	attempt, _ := flow.Start(nil)
	first, err := flow.Exchange(ctx, attempt, playBrowser(t, attempt.URL))
	if err != nil {
		t.Fatal(err)
	}
	store := auth.FileStore(t.TempDir())
	src := auth.NewSource(flow.RefreshGrant(), auth.WithToken(first), auth.WithStore(store, "fosite"))
	if saved, err := store.Load(ctx, "fosite"); err != nil || saved.AccessToken != first.AccessToken {
		t.Fatalf("the code exchange's token is not in the store when the source is built: %v", err)
	}
	second, err := src.ForceRefresh(ctx, nil)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if second.AccessToken == first.AccessToken {
		t.Fatal("no new access token")
	}
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("fosite rotates refresh tokens; the source kept %q", second.RefreshToken)
	}
	// A second Source over the same store (another process) starts from the
	// persisted, rotated token and refreshes again.
	src2 := auth.NewSource(flow.RefreshGrant(), auth.WithStore(store, "fosite"))
	third, err := src2.ForceRefresh(ctx, second)
	if err != nil {
		t.Fatalf("refresh from store: %v", err)
	}
	if third.RefreshToken == second.RefreshToken || third.AccessToken == second.AccessToken {
		t.Error("no rotation on the stored token")
	}
	saved, err := store.Load(ctx, "fosite")
	if err != nil || saved.RefreshToken != third.RefreshToken {
		t.Errorf("store holds %v %v", saved, err)
	}
	if raw, _ := saved.Extra("id_token").(string); raw == "" {
		t.Error("id_token extra lost in the store")
	}
	// The first refresh token died with the rotation: fosite refuses it
	// (and, detecting reuse, revokes the whole token family).
	var te *auth.TokenError
	if _, err := flow.RefreshGrant().Fetch(ctx, first); !errors.As(err, &te) || te.ErrorCode != "invalid_grant" {
		t.Fatalf("old refresh token: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	ctx := context.Background()
	p := newIdP(t, time.Hour)
	flow := codeFlow(p, oauth2.AuthStyleInParams)
	attempt, _ := flow.Start(nil)
	tok, err := flow.Exchange(ctx, attempt, playBrowser(t, attempt.URL))
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Revoke(ctx, p.srv.Client(), auth.RevokeRequest{URL: p.srv.URL + "/revoke", ClientID: clientID, ClientSecret: clientSecret, Token: tok.RefreshToken, TokenTypeHint: "refresh_token"}); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	var te *auth.TokenError
	if _, err := flow.RefreshGrant().Fetch(ctx, tok); !errors.As(err, &te) {
		t.Errorf("revoked refresh token still works: %v", err)
	}
	err = auth.Revoke(ctx, p.srv.Client(), auth.RevokeRequest{URL: p.srv.URL + "/revoke", ClientID: clientID, ClientSecret: "wrong-secret-value", Token: tok.AccessToken})
	if !errors.As(err, &te) || te.ErrorCode != "invalid_client" || strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(err.Error(), tok.AccessToken) {
		t.Errorf("revoke with a wrong secret: %v", err)
	}
}

func TestClientCredentials(t *testing.T) {
	p := newIdP(t, time.Hour)
	for _, style := range []oauth2.AuthStyle{oauth2.AuthStyleInParams, oauth2.AuthStyleInHeader} {
		g := auth.ClientCredentials{Endpoint: p.endpoint(style), ClientID: clientID, ClientSecret: clientSecret,
			Scopes: []string{"read:core", "profile"}, HTTPClient: p.srv.Client()}
		src := auth.NewSource(g)
		tok, err := src.Token()
		if err != nil {
			t.Fatal(err)
		}
		if sc, _ := tok.Extra("scope").(string); sc != "read:core profile" {
			t.Errorf("scope = %q", sc)
		}
		if tok.RefreshToken != "" {
			t.Error("client credentials got a refresh token")
		}
		g.ClientSecret = "wrong-secret-value"
		_, err = g.Fetch(context.Background(), nil)
		var te *auth.TokenError
		if !errors.As(err, &te) || te.ErrorCode != "invalid_client" || strings.Contains(err.Error(), "wrong-secret-value") {
			t.Errorf("bad secret: %v", err)
		}
	}
}

func TestPasswordGrant(t *testing.T) {
	p := newIdP(t, 2*time.Second)
	g := auth.PasswordGrant{Endpoint: p.endpoint(oauth2.AuthStyleInParams), ClientID: clientID, ClientSecret: clientSecret,
		Username: userName, Password: userPassword, Scopes: []string{"read:core"}, HTTPClient: p.srv.Client()}
	src := auth.NewSource(g, auth.WithSkew(time.Second))
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	var ui struct{ Sub string }
	o, err := auth.NewOIDC(context.Background(), p.srv.URL, clientID, auth.WithOIDCHTTPClient(p.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	// fosite's memory store gives password logins a random subject.
	if err := o.UserInfo(context.Background(), src, &ui); err != nil || ui.Sub == "" {
		t.Errorf("userinfo with password token: %+v %v", ui, err)
	}
	// Logs in again once the token is inside the skew.
	time.Sleep(1100 * time.Millisecond)
	tok2, err := src.Token()
	if err != nil || tok2.AccessToken == tok.AccessToken {
		t.Errorf("no new login: %v", err)
	}
	g.Password = "wrong-password-value"
	_, err = g.Fetch(context.Background(), nil)
	var te *auth.TokenError
	if !errors.As(err, &te) || strings.Contains(err.Error(), "wrong-password-value") || strings.Contains(err.Error(), clientSecret) {
		t.Errorf("bad password: %v", err)
	}
}

func TestLoopbackLoginAgainstFosite(t *testing.T) {
	p := newIdP(t, time.Hour)
	flow := codeFlow(p, oauth2.AuthStyleInHeader)
	flow.RedirectURL = ""
	var attempt *auth.Attempt
	browser := func(ctx context.Context, authURL string) error {
		go func() {
			// Follow fosite's redirect back to the loopback listener.
			resp, err := http.Get(authURL)
			if err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := auth.LoopbackLogin(ctx, flow, auth.WithBrowser(browser), auth.WithAttempt(func(a *auth.Attempt) { attempt = a }))
	if err != nil {
		t.Fatal(err)
	}
	o, err := auth.NewOIDC(ctx, p.srv.URL, clientID, auth.WithOIDCHTTPClient(p.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if _, err := o.Verify(ctx, raw, attempt.Nonce); err != nil {
		t.Errorf("verify: %v", err)
	}
}

// The implicit "id_token token" answer parsed with auth.ParseFragment and
// verified with auth.NewOIDC.
func TestImplicitFragment(t *testing.T) {
	p := newIdP(t, time.Hour)
	flow := auth.CodeFlow{Endpoint: p.endpoint(oauth2.AuthStyleInParams), ClientID: clientID, RedirectURL: webRedirect,
		Scopes: []string{"openid", "read:core"}, ResponseType: "id_token token", Nonce: true, DisablePKCE: true}
	attempt, _ := flow.Start(nil)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(attempt.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	tok, err := auth.ParseFragment(loc, attempt.State)
	if err != nil {
		t.Fatalf("fragment %v", err)
	}
	o, err := auth.NewOIDC(context.Background(), p.srv.URL, clientID, auth.WithOIDCHTTPClient(p.srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if _, err := o.Verify(context.Background(), raw, attempt.Nonce); err != nil {
		t.Errorf("verify implicit id token: %v", err)
	}
	if tok.Expiry.IsZero() {
		t.Error("implicit token without expiry")
	}
}
