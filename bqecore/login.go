package bqecore

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/endpoints"
	"github.com/oasuite/sdk/internal/pipeline"
)

// Scopes of the BQE CORE identity server
// (https://api-explorer.bqecore.com/docs/authentication-authorization). A
// token needs ScopeRead or ScopeReadWrite; only ScopeOfflineAccess brings a
// refresh token.
const (
	ScopeRead          = "read:core"
	ScopeReadWrite     = "readwrite:core"
	ScopeOfflineAccess = "offline_access"
	ScopeOpenID        = "openid"
	ScopeProfile       = "profile"
	ScopeEmail         = "email"
	ScopeAddress       = "address"
)

// DefaultScopes returns what OAuthConfig asks for when Scopes is empty: read
// and write access, a refresh token, and the OpenID Connect identity.
func DefaultScopes() []string {
	return []string{ScopeReadWrite, ScopeOfflineAccess, ScopeOpenID, ScopeProfile, ScopeEmail}
}

// IdentityURL is the BQE CORE identity server (IdentityServer), the OpenID
// Connect issuer. Its endpoints are IdentityURL + /connect/authorize,
// /connect/token, /connect/revocation, /connect/userinfo.
const IdentityURL = endpoints.BQECoreIssuer

// SandboxIdentityURL is BQE's sandbox identity server, the one the iOS
// sample app signs in with (CoreAPI-IOS-Sample, CoreAccountHelper.swift).
// Select it with OAuthConfig.Sandbox; the API base URL still comes from the
// token's "endpoint" field.
const SandboxIdentityURL = "https://sandbox-api-identity.bqecore.com/idp"

// OAuthConfig describes a BQE CORE app registered in the CORE Developer
// Portal (https://api-explorer.bqecore.com/docs/getting-started) and gives the
// pieces of its login: the authorization-code flow, the refreshing token
// source, revocation, userinfo and ID-token verification.
//
// A "web" app has a client secret; a public app (mobile, desktop) has none and
// logs in with PKCE instead.
type OAuthConfig struct {
	// ClientID and ClientSecret are the app's keys; leave ClientSecret empty
	// for a public app.
	ClientID     string
	ClientSecret string
	// RedirectURL is one of the app's registered redirect URIs (host and path
	// must match exactly; extra query parameters may be appended).
	RedirectURL string
	// Scopes are requested at login; empty means DefaultScopes().
	Scopes []string
	// PKCE sends a PKCE challenge from a web app too (public apps always do).
	PKCE bool
	// IdentityURL replaces the identity server's base URL (IdentityURL), e.g.
	// with a bqecoretest fake's IdentityURL(). It wins over Sandbox.
	IdentityURL string
	// Sandbox signs in at SandboxIdentityURL instead of IdentityURL.
	Sandbox bool
	// BasicAuth sends the client id and secret as HTTP Basic on the token
	// and revocation requests, as the ASP.NET sample does, instead of in
	// the form body as the other samples do (the default).
	BasicAuth bool
	// HTTPClient makes the identity server calls (token, revocation,
	// discovery, JWKS, userinfo); nil means http.DefaultClient.
	HTTPClient *http.Client
}

func (c OAuthConfig) issuer() string {
	switch {
	case c.IdentityURL != "":
		return strings.TrimRight(c.IdentityURL, "/")
	case c.Sandbox:
		return SandboxIdentityURL
	}
	return IdentityURL
}

// authStyle is how the client authenticates at the token and revocation
// endpoints.
func (c OAuthConfig) authStyle() oauth2.AuthStyle {
	if c.BasicAuth {
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

func (c OAuthConfig) scopes() []string {
	if len(c.Scopes) == 0 {
		return DefaultScopes()
	}
	return slices.Clone(c.Scopes)
}

// Endpoint returns the identity server's authorize and token URLs. Client
// credentials go in the form body, as most BQE samples send them, or as HTTP
// Basic with BasicAuth.
func (c OAuthConfig) Endpoint() oauth2.Endpoint {
	if c.IdentityURL == "" && !c.Sandbox && !c.BasicAuth {
		return endpoints.BQECore
	}
	is := c.issuer()
	return oauth2.Endpoint{AuthURL: is + "/connect/authorize", TokenURL: is + "/connect/token", AuthStyle: c.authStyle()}
}

// tokenParser reads a token answer, turning CORE's HTTP 200 "Not
// authenticated" into an *Error matching ErrNotAuthenticated instead of a
// parse error.
func (c OAuthConfig) tokenParser() auth.TokenParser {
	tokenURL := c.Endpoint().TokenURL
	return func(body []byte, header http.Header) (*oauth2.Token, error) {
		if s := strings.TrimSpace(string(body)); len(s) <= 64 && (s == `"`+notAuthenticated+`"` || s == notAuthenticated) {
			e := &Error{StatusCode: http.StatusOK, Method: http.MethodPost, URL: tokenURL, Message: notAuthenticated, NotAuthenticated: true}
			if u, err := url.Parse(tokenURL); err == nil {
				e.URL = pipeline.RedactURL(u)
			}
			return nil, e
		}
		return auth.ParseTokenResponse(body, header.Get("Content-Type"))
	}
}

// CodeFlow returns the authorization-code flow for the app: PKCE S256 for a
// public app (or when PKCE is set), an OpenID Connect nonce when the scopes
// include openid.
func (c OAuthConfig) CodeFlow() auth.CodeFlow {
	sc := c.scopes()
	return auth.CodeFlow{
		Endpoint:     c.Endpoint(),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURL,
		Scopes:       sc,
		DisablePKCE:  c.ClientSecret != "" && !c.PKCE,
		Nonce:        slices.Contains(sc, ScopeOpenID),
		HTTPClient:   c.HTTPClient,
		Parser:       c.tokenParser(),
	}
}

// Start begins a login: send the user to the returned Attempt's URL and keep
// the Attempt (it is JSON-serialisable) until the callback. payload (nil for
// none) travels in the state as base64url JSON, as BQE documents, next to a
// random CSRF part; read it back with ReadState.
func (c OAuthConfig) Start(payload any) (*auth.Attempt, error) {
	a, err := c.CodeFlow().Start(payload)
	if err != nil {
		return nil, fmt.Errorf("bqecore: start login: %w", err)
	}
	return a, nil
}

// ReadState decodes the app payload carried by a callback's state into v.
// It does not check the state: Exchange does.
func ReadState(state string, v any) error { return auth.DecodeState(state, v) }

// Exchange checks the callback's query against attempt (state, error
// redirects such as access_denied) and trades the code for a token. The
// token's "endpoint" extra is the API base URL of the user's data center;
// "id_token" is present with the openid scope.
func (c OAuthConfig) Exchange(ctx context.Context, attempt *auth.Attempt, callbackQuery url.Values) (*oauth2.Token, error) {
	tok, err := c.CodeFlow().Exchange(ctx, attempt, callbackQuery)
	if err != nil {
		return nil, fmt.Errorf("bqecore: code exchange: %w", err)
	}
	return tok, nil
}

// CompanyID returns the companyId a BQE callback may carry: the company the
// user picked on the consent screen ("" when absent).
func CompanyID(callbackQuery url.Values) string { return callbackQuery.Get("companyId") }

// RefreshGrant returns the refresh-token grant for the app. BQE rotates
// refresh tokens (the old one stops working); the grant keeps the new one, and
// keeps the "endpoint" of the previous token when a refresh answer has none,
// so the API base URL persists with the token.
func (c OAuthConfig) RefreshGrant() auth.Fetcher {
	g := auth.RefreshGrant{
		Endpoint:     c.Endpoint(),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		HTTPClient:   c.HTTPClient,
		Parser:       c.tokenParser(),
	}
	return auth.FetcherFunc(func(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error) {
		tok, err := g.Fetch(ctx, current)
		if err != nil {
			return nil, fmt.Errorf("bqecore: refresh: %w", err)
		}
		return keepEndpoint(tok, current), nil
	})
}

// keepEndpoint copies current's "endpoint" extra onto tok when tok has none.
func keepEndpoint(tok, current *oauth2.Token) *oauth2.Token {
	if current == nil {
		return tok
	}
	if s, _ := tok.Extra("endpoint").(string); s != "" {
		return tok
	}
	ep, _ := current.Extra("endpoint").(string)
	if ep == "" {
		return tok
	}
	extra := auth.Extras(tok)
	if extra == nil {
		extra = map[string]any{}
	}
	extra["endpoint"] = ep
	return tok.WithExtra(extra)
}

// TokenSource returns a source that starts from tok (a code exchange's token;
// nil to start from the store given with auth.WithStore) and refreshes it
// before expiry and whenever CORE refuses it. Pass auth.WithStore to persist
// every new token, "endpoint" included.
func (c OAuthConfig) TokenSource(tok *oauth2.Token, opts ...auth.SourceOption) *auth.Source {
	if tok != nil {
		opts = append([]auth.SourceOption{auth.WithToken(tok)}, opts...)
	}
	return auth.NewSource(c.RefreshGrant(), opts...)
}

// Revoke revokes an access or refresh token at the identity server
// (/connect/revocation, form body; hint "access_token", "refresh_token" or "").
func (c OAuthConfig) Revoke(ctx context.Context, token, hint string) error {
	err := auth.Revoke(ctx, c.HTTPClient, auth.RevokeRequest{
		URL:           c.issuer() + "/connect/revocation",
		AuthStyle:     c.authStyle(),
		ClientID:      c.ClientID,
		ClientSecret:  c.ClientSecret,
		Token:         token,
		TokenTypeHint: hint,
	})
	if err != nil {
		return fmt.Errorf("bqecore: revoke: %w", err)
	}
	return nil
}

// OIDC returns the identity server's OpenID Connect provider, found by
// discovery, for ID-token verification and userinfo.
func (c OAuthConfig) OIDC(ctx context.Context) (*auth.OIDC, error) {
	var opts []auth.OIDCOption
	if c.HTTPClient != nil {
		opts = append(opts, auth.WithOIDCHTTPClient(c.HTTPClient))
	}
	o, err := auth.NewOIDC(ctx, c.issuer(), c.ClientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("bqecore: discovery: %w", err)
	}
	return o, nil
}

// VerifyIDToken checks the "id_token" of tok (signature through the identity
// server's JWKS, issuer, audience, expiry and, when not empty, the login
// attempt's nonce) and returns its claims.
func (c OAuthConfig) VerifyIDToken(ctx context.Context, tok *oauth2.Token, nonce string) (*oidc.IDToken, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fmt.Errorf("bqecore: token has no id_token (ask for the openid scope)")
	}
	o, err := c.OIDC(ctx)
	if err != nil {
		return nil, err
	}
	idt, err := o.Verify(ctx, raw, nonce)
	if err != nil {
		return nil, fmt.Errorf("bqecore: id token: %w", err)
	}
	return idt, nil
}

// UserInfo is the identity server's userinfo answer (fields as the BQE samples
// read them). It needs the openid and profile scopes.
type UserInfo struct {
	Subject     string `json:"sub"`
	Email       string `json:"email,omitempty"`
	GivenName   string `json:"givenName,omitempty"`
	Name        string `json:"name,omitempty"`
	FamilyName  string `json:"family_name,omitempty"`
	PhoneNumber string `json:"phone_number,omitempty"`
	Locale      string `json:"locale,omitempty"`
	Country     string `json:"country,omitempty"`
	Company     string `json:"company,omitempty"`
}

// UserInfo reads the signed-in user's claims with a token from ts.
func (c OAuthConfig) UserInfo(ctx context.Context, ts oauth2.TokenSource) (*UserInfo, error) {
	o, err := c.OIDC(ctx)
	if err != nil {
		return nil, err
	}
	var ui UserInfo
	if err := o.UserInfo(ctx, ts, &ui); err != nil {
		return nil, fmt.Errorf("bqecore: userinfo: %w", err)
	}
	return &ui, nil
}
