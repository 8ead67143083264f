package fakekit

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// signingKey returns the RS256 key (generated on first use unless OAuthConfig.SigningKey) and its kid.
func (o *OAuth) signingKey() (*rsa.PrivateKey, string, error) {
	o.keyOnce.Do(func() {
		key := o.cfg.SigningKey
		if key == nil {
			key, o.keyErr = rsa.GenerateKey(rand.Reader, 2048)
			if o.keyErr != nil {
				o.keyErr = fmt.Errorf("fakekit: generate signing key: %w", o.keyErr)
				return
			}
		}
		jwk := jose.JSONWebKey{Key: &key.PublicKey}
		tp, err := jwk.Thumbprint(crypto.SHA256)
		if err != nil {
			o.keyErr = fmt.Errorf("fakekit: key thumbprint: %w", err)
			return
		}
		o.key, o.kid = key, base64.RawURLEncoding.EncodeToString(tp)
	})
	return o.key, o.kid, o.keyErr
}

// idClaims are the claims of the ID tokens the server signs.
type idClaims struct {
	Issuer   string           `json:"iss"`
	Subject  string           `json:"sub"`
	Audience jwt.Audience     `json:"aud"`
	Expiry   *jwt.NumericDate `json:"exp"`
	IssuedAt *jwt.NumericDate `json:"iat"`
	AuthTime *jwt.NumericDate `json:"auth_time,omitempty"`
	Nonce    string           `json:"nonce,omitempty"`
	AtHash   string           `json:"at_hash,omitempty"`
}

// idToken signs an RS256 ID token for g (iss, aud, sub, exp, iat, nonce, at_hash when
// accessToken is not empty).
func (o *OAuth) idToken(r *http.Request, g *Grant, accessToken string) (string, error) {
	key, kid, err := o.signingKey()
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: string(jose.RS256)}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("fakekit: signer: %w", err)
	}
	now := o.now()
	c := idClaims{
		Issuer: o.Issuer(r), Subject: g.UserID, Audience: jwt.Audience{g.ClientID},
		Expiry: jwt.NewNumericDate(now.Add(o.cfg.IDTokenTTL)), IssuedAt: jwt.NewNumericDate(now),
		AuthTime: jwt.NewNumericDate(now), Nonce: g.Nonce,
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		c.AtHash = base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	}
	raw, err := jwt.Signed(signer).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("fakekit: sign id_token: %w", err)
	}
	return raw, nil
}

// endpointURL makes an absolute URL of an endpoint path, on the issuer's origin when
// OAuthConfig.Issuer is set, else on the request's.
func (o *OAuth) endpointURL(r *http.Request, path string) string {
	if path == "" {
		return ""
	}
	if o.cfg.Issuer != "" {
		if u, err := url.Parse(o.cfg.Issuer); err == nil {
			return u.Scheme + "://" + u.Host + path
		}
	}
	return Origin(r) + path
}

// Discovery serves the OpenID Connect discovery document (OIDC Discovery §3) advertising
// OAuthConfig.Paths, RS256, S256 PKCE and the grants and scopes of the registered clients.
func (o *OAuth) Discovery(w http.ResponseWriter, r *http.Request) {
	p := o.cfg.Paths
	doc := map[string]any{
		"issuer":                                o.Issuer(r),
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "token", "id_token", "id_token token"},
		"response_modes_supported":              []string{"query", "fragment"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "nonce"},
	}
	for name, path := range map[string]string{
		"authorization_endpoint": p.Authorize, "token_endpoint": p.Token, "revocation_endpoint": p.Revocation,
		"userinfo_endpoint": p.UserInfo, "jwks_uri": p.JWKS, "end_session_endpoint": p.EndSession,
	} {
		if path != "" {
			doc[name] = o.endpointURL(r, path)
		}
	}
	grants := []string{GrantAuthorizationCode, GrantRefreshToken, GrantPassword, GrantClientCredentials, GrantImplicit}
	for g := range o.cfg.CustomGrants {
		grants = append(grants, g)
	}
	slices.Sort(grants)
	doc["grant_types_supported"] = grants
	var scopes []string
	o.mu.Lock()
	for _, c := range o.clients {
		scopes = append(scopes, c.Scopes...)
	}
	o.mu.Unlock()
	slices.Sort(scopes)
	doc["scopes_supported"] = slices.Compact(scopes)
	WriteJSON(w, http.StatusOK, doc)
}

// JWKS serves the public signing key as a JSON Web Key Set.
func (o *OAuth) JWKS(w http.ResponseWriter, r *http.Request) {
	key, kid, err := o.signingKey()
	if err != nil {
		o.writeError(w, r, NewOAuthError(ErrCodeServerError, "no signing key"))
		return
	}
	WriteJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &key.PublicKey, KeyID: kid, Algorithm: string(jose.RS256), Use: "sig",
	}}})
}

// UserInfo is the OIDC userinfo endpoint: the claims of the bearer token's user. An invalid
// token gets 401 with WWW-Authenticate error="invalid_token"; a token without the openid
// scope (or without a user) gets 403 with `WWW-Authenticate: Bearer,error="insufficient_scope"`
// as BQE's identity server answers.
func (o *OAuth) UserInfo(w http.ResponseWriter, r *http.Request) {
	g, ok := o.Lookup(BearerToken(r))
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	u, found := o.UserByID(g.UserID)
	if !g.HasScope("openid") || g.UserID == "" || !found {
		w.Header().Set("WWW-Authenticate", `Bearer,error="insufficient_scope"`)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if o.cfg.UserInfo != nil {
		WriteJSON(w, http.StatusOK, o.cfg.UserInfo(r, g, &u))
		return
	}
	out := make(map[string]any, len(u.Claims)+1)
	for k, v := range u.Claims {
		out[k] = v
	}
	out["sub"] = u.subject()
	WriteJSON(w, http.StatusOK, out)
}

// EndSession is the OIDC RP-initiated logout endpoint: id_token_hint (an ID token this server
// signed, expired or not) plus a post_logout_redirect_uri registered for its client answers
// 302 to that URI (with state); without a redirect URI it answers 200. An unknown hint or an
// unregistered URI answers 400.
func (o *OAuth) EndSession(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "malformed parameters"))
		return
	}
	hint, post := r.Form.Get("id_token_hint"), r.Form.Get("post_logout_redirect_uri")
	if post == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("signed out\n"))
		return
	}
	if hint == "" {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "post_logout_redirect_uri needs id_token_hint"))
		return
	}
	aud, err := o.hintAudience(hint)
	if err != nil {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "id_token_hint is not valid"))
		return
	}
	c, ok := o.Client(aud)
	if !ok || !slices.Contains(c.PostLogoutRedirectURIs, post) {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "post_logout_redirect_uri is not registered"))
		return
	}
	target := post
	if st := r.Form.Get("state"); st != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + url.Values{"state": {st}}.Encode()
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

// hintAudience verifies an ID token's signature and returns its (single) audience.
func (o *OAuth) hintAudience(raw string) (string, error) {
	key, _, err := o.signingKey()
	if err != nil {
		return "", err
	}
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return "", fmt.Errorf("fakekit: parse id_token_hint: %w", err)
	}
	var c idClaims
	if err := tok.Claims(&key.PublicKey, &c); err != nil {
		return "", fmt.Errorf("fakekit: verify id_token_hint: %w", err)
	}
	if len(c.Audience) != 1 {
		return "", fmt.Errorf("fakekit: id_token_hint has %d audiences", len(c.Audience))
	}
	return c.Audience[0], nil
}
