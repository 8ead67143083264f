package beproduct

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/endpoints"
)

// Scopes of the BeProduct identity server. DefaultScopes are the ones the
// official SDKs request.
const (
	ScopeOpenID        = "openid"
	ScopeProfile       = "profile"
	ScopeEmail         = "email"
	ScopeRoles         = "roles"
	ScopeOfflineAccess = "offline_access"
	ScopePublicAPI     = "BeProductPublicApi"
)

// GrantActAs is the grant type of the impersonation token request.
const GrantActAs = "actas"

// ResponseTypeIDTokenToken is the response_type of the browser
// ("id_token token") flow.
const ResponseTypeIDTokenToken = "id_token token"

// DefaultSkew is how early a BeProduct token is replaced before it expires;
// the official Python SDK treats tokens as expired 300 s early.
const DefaultSkew = 300 * time.Second

// DefaultScopes returns the scopes the official SDKs request:
// openid profile email roles offline_access BeProductPublicApi.
func DefaultScopes() []string {
	return []string{ScopeOpenID, ScopeProfile, ScopeEmail, ScopeRoles, ScopeOfflineAccess, ScopePublicAPI}
}

// OAuthConfig describes a client registered with the BeProduct identity
// server (https://id.winks.io/ids; client id and secret from the BeProduct
// Admin page). Methods that need no discovery live here; NewIdentity adds
// ID-token verification, userinfo and end session.
type OAuthConfig struct {
	// Issuer is the identity server; "" means https://id.winks.io/ids.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is the registered redirect URI of the login flows.
	RedirectURL string
	// Scopes default to DefaultScopes().
	Scopes []string
	// HTTPClient makes the token, discovery, JWKS and userinfo calls
	// (nil: http.DefaultClient). Replay tests pass the recorder here.
	HTTPClient *http.Client
	// Store, when set, receives every new token under StoreKey — which
	// matters because the identity server rotates refresh tokens: the old
	// one stops working after a refresh. A Store that is also an
	// auth.Locker (auth.FileStore) serialises refreshes across processes.
	Store    auth.Store
	StoreKey string
}

func (c OAuthConfig) issuer() string {
	if c.Issuer == "" {
		return endpoints.BeProductIssuer
	}
	return strings.TrimRight(c.Issuer, "/")
}

func (c OAuthConfig) scopes() []string {
	if len(c.Scopes) == 0 {
		return DefaultScopes()
	}
	return c.Scopes
}

// Endpoint returns the authorize and token URLs of the issuer
// (/connect/authorize, /connect/token); client credentials go in the form.
func (c OAuthConfig) Endpoint() oauth2.Endpoint {
	if c.Issuer == "" {
		return endpoints.BeProduct
	}
	is := c.issuer()
	return oauth2.Endpoint{AuthURL: is + "/connect/authorize", TokenURL: is + "/connect/token", AuthStyle: oauth2.AuthStyleInParams}
}

// CodeFlow returns the authorization-code flow for server apps, with PKCE
// S256, a state and an OpenID Connect nonce.
func (c OAuthConfig) CodeFlow() auth.CodeFlow {
	return auth.CodeFlow{
		Endpoint:     c.Endpoint(),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURL,
		Scopes:       c.scopes(),
		Nonce:        true,
		HTTPClient:   c.HTTPClient,
	}
}

// BrowserFlow returns the flow of the BeProduct API overview's authorize
// example: response_type "id_token token", with state and nonce; the tokens
// come back in the redirect fragment (see Identity.FinishBrowserLogin). The
// identity server issues no refresh token in this flow.
func (c OAuthConfig) BrowserFlow() auth.CodeFlow {
	f := c.CodeFlow()
	f.ResponseType = ResponseTypeIDTokenToken
	f.DisablePKCE = true
	var scopes []string
	for _, s := range f.Scopes {
		if s != ScopeOfflineAccess {
			scopes = append(scopes, s)
		}
	}
	f.Scopes = scopes
	return f
}

func (c OAuthConfig) sourceOptions(tok *oauth2.Token) []auth.SourceOption {
	opts := []auth.SourceOption{auth.WithSkew(DefaultSkew)}
	if tok != nil {
		opts = append(opts, auth.WithToken(tok))
	}
	if c.Store != nil {
		key := c.StoreKey
		if key == "" {
			key = "beproduct"
		}
		opts = append(opts, auth.WithStore(c.Store, key))
	}
	return opts
}

// RefreshGrant returns the refresh_token grant of this client.
func (c OAuthConfig) RefreshGrant() auth.RefreshGrant {
	return auth.RefreshGrant{Endpoint: c.Endpoint(), ClientID: c.ClientID, ClientSecret: c.ClientSecret, HTTPClient: c.HTTPClient}
}

// TokenSource returns a source that starts from tok (a login's token) and
// refreshes it 300 s before expiry, after a 401 (through the client's
// pipeline) and concurrently only once, keeping each rotated refresh token
// and saving every new token to Store. With tok nil the first token is
// loaded from Store.
func (c OAuthConfig) TokenSource(tok *oauth2.Token) *auth.Source {
	return auth.NewSource(c.RefreshGrant(), c.sourceOptions(tok)...)
}

// RefreshSource returns TokenSource for a refresh token alone, for example
// one obtained once by hand as the Python SDK's docs describe (the
// BEPRODUCT_REFRESH_TOKEN of the recording tests). The first call refreshes.
func (c OAuthConfig) RefreshSource(refreshToken string) *auth.Source {
	return c.TokenSource(&oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)})
}

// ActAs returns a source of tokens for impersonating the user userID: each
// fetch posts grant_type=actas with the caller's access token (from base),
// actas and scope (BeProduct.Python.SDK helpers/impersonation.py). The
// client needs the right to impersonate.
func (c OAuthConfig) ActAs(base oauth2.TokenSource, userID string) *auth.Source {
	f := auth.FetcherFunc(func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		if userID == "" {
			return nil, errors.New("beproduct: actas: no user id")
		}
		var bt *oauth2.Token
		var err error
		if cs, ok := base.(auth.ContextTokenSource); ok {
			bt, err = cs.TokenContext(ctx)
		} else {
			bt, err = base.Token()
		}
		if err != nil {
			return nil, fmt.Errorf("beproduct: actas: caller token: %w", err)
		}
		params := url.Values{
			"grant_type": {GrantActAs},
			"token":      {bt.AccessToken},
			"actas":      {userID},
			"scope":      {strings.Join(c.actAsScopes(), " ")},
		}
		tok, err := auth.RequestToken(ctx, c.HTTPClient, c.Endpoint(), c.ClientID, c.ClientSecret, params)
		if err != nil {
			return nil, fmt.Errorf("beproduct: actas %s: %w", userID, err)
		}
		return tok, nil
	})
	return auth.NewSource(f, auth.WithSkew(DefaultSkew))
}

func (c OAuthConfig) actAsScopes() []string {
	var out []string
	for _, s := range c.scopes() {
		if s != ScopeOfflineAccess {
			out = append(out, s)
		}
	}
	return out
}

// Identity is the BeProduct identity server found by OpenID Connect
// discovery: it runs the login flows and verifies their ID tokens (signature
// through JWKS, issuer, audience, expiry, nonce), reads userinfo and builds
// the logout URL.
type Identity struct {
	cfg  OAuthConfig
	oidc *auth.OIDC
}

// NewIdentity fetches the discovery document of cfg's issuer
// (/.well-known/openid-configuration).
func NewIdentity(ctx context.Context, cfg OAuthConfig) (*Identity, error) {
	var opts []auth.OIDCOption
	if cfg.HTTPClient != nil {
		opts = append(opts, auth.WithOIDCHTTPClient(cfg.HTTPClient))
	}
	o, err := auth.NewOIDC(ctx, cfg.issuer(), cfg.ClientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("beproduct: identity server: %w", err)
	}
	return &Identity{cfg: cfg, oidc: o}, nil
}

// Config returns the configuration the Identity was made with.
func (id *Identity) Config() OAuthConfig { return id.cfg }

// Session is a completed login: the token and its verified ID token.
type Session struct {
	// Token is the access token (with refresh token in the code flow).
	Token *oauth2.Token
	// IDToken is the verified ID token; RawIDToken its compact form (the
	// id_token_hint of EndSessionURL).
	IDToken    *oidc.IDToken
	RawIDToken string
}

// StartLogin begins a code-flow login: send the user to the returned
// attempt's URL and keep the attempt (it is JSON-serialisable) until the
// callback. payload, if not nil, travels in the state (auth.DecodeState).
func (id *Identity) StartLogin(payload any) (*auth.Attempt, error) {
	return id.cfg.CodeFlow().Start(payload)
}

// FinishLogin checks the callback query (state, error redirects), exchanges
// the code with the PKCE verifier and verifies the ID token, nonce included.
func (id *Identity) FinishLogin(ctx context.Context, attempt *auth.Attempt, callbackQuery url.Values) (*Session, error) {
	tok, err := id.cfg.CodeFlow().Exchange(ctx, attempt, callbackQuery)
	if err != nil {
		return nil, fmt.Errorf("beproduct: login: %w", err)
	}
	return id.session(ctx, tok, attempt.Nonce)
}

// StartBrowserLogin begins an "id_token token" login (see BrowserFlow).
func (id *Identity) StartBrowserLogin(payload any) (*auth.Attempt, error) {
	return id.cfg.BrowserFlow().Start(payload)
}

// FinishBrowserLogin reads the redirect fragment of an "id_token token"
// login (the fragment, "#…", or the whole redirect URL), checks the state,
// verifies the ID token with the attempt's nonce and checks that the access
// token matches the ID token's at_hash.
func (id *Identity) FinishBrowserLogin(ctx context.Context, attempt *auth.Attempt, fragment string) (*Session, error) {
	tok, err := auth.ParseFragment(fragment, attempt.State)
	if err != nil {
		return nil, fmt.Errorf("beproduct: browser login: %w", err)
	}
	s, err := id.session(ctx, tok, attempt.Nonce)
	if err != nil {
		return nil, err
	}
	if s.IDToken.AccessTokenHash != "" {
		if err := s.IDToken.VerifyAccessToken(tok.AccessToken); err != nil {
			return nil, fmt.Errorf("beproduct: browser login: access token does not match the id token: %w", err)
		}
	}
	return s, nil
}

func (id *Identity) session(ctx context.Context, tok *oauth2.Token, nonce string) (*Session, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("beproduct: login: the answer has no id_token (is the openid scope requested?)")
	}
	if nonce == "" {
		return nil, errors.New("beproduct: login: the attempt has no nonce")
	}
	it, err := id.oidc.Verify(ctx, raw, nonce)
	if err != nil {
		return nil, fmt.Errorf("beproduct: login: %w", err)
	}
	return &Session{Token: tok, IDToken: it, RawIDToken: raw}, nil
}

// TokenSource returns the refreshing source of a code-flow session (see
// OAuthConfig.TokenSource).
func (id *Identity) TokenSource(s *Session) *auth.Source { return id.cfg.TokenSource(s.Token) }

// UserInfo is the answer of the userinfo endpoint
// (https://id.winks.io/ids/connect/userinfo).
type UserInfo struct {
	Subject           string   `json:"sub"`
	PreferredUsername string   `json:"preferred_username"`
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	// Profile is the "userinfo" object: id, firstname, lastname and more.
	Profile UserProfile `json:"userinfo"`
}

// UserProfile is BeProduct's own "userinfo" claim.
type UserProfile struct {
	ID        string `json:"id"`
	FirstName string `json:"firstname"`
	LastName  string `json:"lastname"`
	// Extra holds every field of the claim, the three above included.
	Extra map[string]any `json:"-"`
}

// UnmarshalJSON keeps every field in Extra.
func (p *UserProfile) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	type plain UserProfile
	var q plain
	if err := json.Unmarshal(b, &q); err != nil {
		return err
	}
	*p = UserProfile(q)
	p.Extra = m
	return nil
}

// flexBool reads true, "true", false or "false" (the API overview shows
// email_verified as a string).
type flexBool bool

func (f *flexBool) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	*f = flexBool(s == "true" || s == "True")
	return nil
}

// Verified reports whether the e-mail address is verified.
func (u *UserInfo) Verified() bool { return bool(u.EmailVerified) }

// UserInfo reads the userinfo endpoint with a token from ts.
func (id *Identity) UserInfo(ctx context.Context, ts oauth2.TokenSource) (*UserInfo, error) {
	var ui UserInfo
	if err := id.oidc.UserInfo(ctx, ts, &ui); err != nil {
		return nil, fmt.Errorf("beproduct: %w", err)
	}
	return &ui, nil
}

// EndSessionURL returns the logout URL (/connect/endsession) with
// id_token_hint (a session's RawIDToken) and post_logout_redirect_uri, which
// must be registered for the client; state is optional.
func (id *Identity) EndSessionURL(idTokenHint, postLogoutRedirectURI, state string) (string, error) {
	u, err := id.oidc.EndSessionURL(idTokenHint, postLogoutRedirectURI, state)
	if err != nil {
		return "", fmt.Errorf("beproduct: %w", err)
	}
	return u, nil
}
