package fakekit

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// tokenError answers a token-endpoint error and counts it.
func (o *OAuth) tokenError(w http.ResponseWriter, r *http.Request, e *OAuthError) {
	o.mu.Lock()
	o.stats.Errors[e.Code]++
	o.mu.Unlock()
	if e.Code == ErrCodeInvalidClient && r.Header.Get("Authorization") != "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="token"`)
	}
	o.writeError(w, r, e)
}

// readForm returns the POST parameters of a token or revocation request (plus the URL query
// when OAuthConfig.AcceptQueryParams), or an error when the body is not form-encoded.
func (o *OAuth) readForm(r *http.Request) (url.Values, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, errUnsupportedMediaType
		}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	form := url.Values{}
	for k, v := range r.PostForm {
		form[k] = slices.Clone(v)
	}
	if o.cfg.AcceptQueryParams {
		for k, v := range r.URL.Query() {
			if _, ok := form[k]; !ok {
				form[k] = slices.Clone(v)
			}
		}
	}
	return form, nil
}

var errUnsupportedMediaType = errors.New("fakekit: request body is not application/x-www-form-urlencoded")

// authClient authenticates the client of a token or revocation request: HTTP Basic
// (RFC 6749 §2.3.1, form-decoded) or client_id/client_secret in the body; no credentials at
// all means OAuthConfig.AnonymousClient.
func (o *OAuth) authClient(r *http.Request, p params) (*Client, *OAuthError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return nil, NewOAuthError(ErrCodeInvalidClient, "malformed client credentials")
		}
	} else {
		id, secret = p.get("client_id"), p.get("client_secret")
	}
	anonymous := false
	if id == "" {
		if o.cfg.AnonymousClient == "" {
			return nil, NewOAuthError(ErrCodeInvalidClient, "client authentication required")
		}
		id, anonymous = o.cfg.AnonymousClient, true
	}
	o.mu.Lock()
	cp := o.clients[id]
	o.mu.Unlock()
	if cp == nil {
		return nil, NewOAuthError(ErrCodeInvalidClient, "unknown client")
	}
	c := *cp
	if anonymous {
		return &c, nil
	}
	if c.public() {
		if secret != "" {
			return nil, NewOAuthError(ErrCodeInvalidClient, "public client sent a secret")
		}
		return &c, nil
	}
	if !constantEqual(secret, c.Secret) {
		return nil, NewOAuthError(ErrCodeInvalidClient, "client authentication failed")
	}
	return &c, nil
}

// Token is the token endpoint (RFC 6749 §3.2): authorization_code (redirect_uri and PKCE
// checks, single use), refresh_token (optional rotation), password, client_credentials and
// OAuthConfig.CustomGrants; client authentication by HTTP Basic or form body; answers shaped by
// OAuthConfig.TokenResponse and OAuthConfig.ErrorResponse.
func (o *OAuth) Token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		o.tokenError(w, r, &OAuthError{Status: http.StatusMethodNotAllowed, Code: ErrCodeInvalidRequest, Description: "use POST"})
		return
	}
	form, err := o.readForm(r)
	if err != nil {
		o.tokenError(w, r, NewOAuthError(ErrCodeInvalidRequest, "parameters must be form-encoded"))
		return
	}
	p := params{v: form, aliases: o.cfg.ParamAliases}
	c, oerr := o.authClient(r, p)
	if oerr != nil {
		o.tokenError(w, r, oerr)
		return
	}
	grant := p.get("grant_type")
	if a, ok := o.cfg.GrantTypeAliases[grant]; ok {
		grant = a
	}
	if grant == "" {
		o.tokenError(w, r, NewOAuthError(ErrCodeInvalidRequest, "grant_type is required"))
		return
	}
	if !c.allows(grant) {
		o.tokenError(w, r, NewOAuthError(ErrCodeUnauthorizedClient, "client may not use this grant"))
		return
	}
	var g *Grant
	switch grant {
	case GrantAuthorizationCode:
		g, oerr = o.grantCode(r, c, p)
	case GrantRefreshToken:
		g, oerr = o.grantRefresh(r, c, p)
	case GrantPassword:
		g, oerr = o.grantPassword(r, c, p)
	case GrantClientCredentials:
		g, oerr = o.grantClient(r, c, p)
	default:
		h, ok := o.cfg.CustomGrants[grant]
		if !ok {
			oerr = NewOAuthError(ErrCodeUnsupportedGrantType, "unsupported grant_type")
			break
		}
		g, oerr = o.grantCustom(r, c, p, grant, h)
	}
	if oerr != nil {
		o.tokenError(w, r, oerr)
		return
	}
	o.writeToken(w, r, g)
}

func (o *OAuth) writeToken(w http.ResponseWriter, r *http.Request, g *Grant) {
	body := map[string]any{
		"access_token": g.AccessToken,
		"token_type":   o.cfg.TokenType,
		"expires_in":   int64(g.ExpiresAt.Sub(g.IssuedAt) / time.Second),
	}
	if g.RefreshToken != "" {
		body["refresh_token"] = g.RefreshToken
	}
	if len(g.Scopes) > 0 {
		body["scope"] = strings.Join(g.Scopes, " ")
	}
	if g.IDToken != "" {
		body["id_token"] = g.IDToken
	}
	var out any = body
	if o.cfg.TokenResponse != nil {
		out = o.cfg.TokenResponse(r, g.clone(), body)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	WriteJSON(w, http.StatusOK, out)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (o *OAuth) grantCode(r *http.Request, c *Client, p params) (*Grant, *OAuthError) {
	code := p.get("code")
	if code == "" {
		return nil, NewOAuthError(ErrCodeInvalidRequest, "code is required")
	}
	o.mu.Lock()
	rec := o.codes[code]
	if rec == nil || rec.a.ClientID != c.ID {
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "unknown authorization code")
	}
	if rec.used {
		// RFC 6749 §4.1.2: a replayed code revokes what it issued.
		for _, at := range rec.issued {
			o.revokeLocked(at, "")
			if a := o.access[at]; a != nil && a.rt != nil {
				o.revokeLocked(a.rt.token, "")
			}
		}
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "authorization code already used")
	}
	if !o.now().Before(rec.expires) {
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "authorization code expired")
	}
	a := rec.a
	given := p.get("redirect_uri")
	switch {
	case a.RedirectURI != "" && given == "" && !o.cfg.LaxTokenRedirectURI:
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "redirect_uri is required")
	case given != "" && a.RedirectURI != "" && given != a.RedirectURI:
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "redirect_uri does not match the authorization request")
	}
	verifier := p.get("code_verifier")
	switch {
	case a.CodeChallenge == "" && verifier != "":
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "code_verifier sent but no code_challenge was")
	case a.CodeChallenge != "" && verifier == "":
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "code_verifier is required")
	case a.CodeChallenge != "":
		want := verifier
		if a.CodeChallengeMethod == "S256" {
			want = s256(verifier)
		}
		if len(verifier) < 43 || len(verifier) > 128 || !constantEqual(want, a.CodeChallenge) {
			o.mu.Unlock()
			return nil, NewOAuthError(ErrCodeInvalidGrant, "code_verifier does not match the code_challenge")
		}
	}
	rec.used = true
	o.mu.Unlock()

	login := ""
	if u, ok := o.UserByID(a.UserID); ok {
		login = u.Login
	}
	g, err := o.issue(r, &Grant{ClientID: c.ID, UserID: a.UserID, Login: login, Scopes: slices.Clone(a.Scopes),
		GrantType: GrantAuthorizationCode, Nonce: a.Nonce, Extra: a.Extra}, true, nil)
	if err != nil {
		return nil, NewOAuthError(ErrCodeServerError, "cannot issue token")
	}
	o.mu.Lock()
	rec.issued = append(rec.issued, g.AccessToken)
	o.mu.Unlock()
	return g, nil
}

func (o *OAuth) grantRefresh(r *http.Request, c *Client, p params) (*Grant, *OAuthError) {
	token := p.get("refresh_token")
	if token == "" {
		return nil, NewOAuthError(ErrCodeInvalidRequest, "refresh_token is required")
	}
	o.mu.Lock()
	rt := o.refresh[token]
	if rt == nil || rt.revoked || rt.expired || !o.now().Before(rt.expires) || rt.g.ClientID != c.ID {
		o.mu.Unlock()
		return nil, NewOAuthError(ErrCodeInvalidGrant, "refresh token is invalid, expired or revoked")
	}
	g := rt.g.clone()
	if req := splitScopes(p.get("scope")); len(req) > 0 {
		for _, s := range req {
			if !slices.Contains(rt.g.Scopes, s) {
				o.mu.Unlock()
				return nil, NewOAuthError(ErrCodeInvalidScope, "scope exceeds the original grant")
			}
		}
		g.Scopes = req
	}
	rotate := o.cfg.RotateRefreshTokens
	if rotate {
		rt.revoked = true // under the same lock as the check: one winner per refresh token
	}
	o.stats.Refreshes++
	o.mu.Unlock()

	g.GrantType = GrantRefreshToken
	g.Nonce = ""
	g.RefreshToken = ""
	var keep *refreshRec
	if !rotate {
		keep = rt
	}
	out, err := o.issue(r, g, rotate, keep)
	if err != nil {
		return nil, NewOAuthError(ErrCodeServerError, "cannot issue token")
	}
	return out, nil
}

func (o *OAuth) grantPassword(r *http.Request, c *Client, p params) (*Grant, *OAuthError) {
	u, ok := o.CheckPassword(p.get("username"), p.get("password"))
	if !ok {
		return nil, NewOAuthError(ErrCodeInvalidGrant, "invalid username or password")
	}
	scopes, oerr := o.checkScopes(c, splitScopes(p.get("scope")))
	if oerr != nil {
		return nil, oerr
	}
	g, err := o.issue(r, &Grant{ClientID: c.ID, UserID: u.subject(), Login: u.Login, Scopes: scopes, GrantType: GrantPassword}, true, nil)
	if err != nil {
		return nil, NewOAuthError(ErrCodeServerError, "cannot issue token")
	}
	return g, nil
}

func (o *OAuth) grantClient(r *http.Request, c *Client, p params) (*Grant, *OAuthError) {
	if c.public() {
		return nil, NewOAuthError(ErrCodeUnauthorizedClient, "client_credentials needs a confidential client")
	}
	scopes, oerr := o.checkScopes(c, splitScopes(p.get("scope")))
	if oerr != nil {
		return nil, oerr
	}
	g, err := o.issue(r, &Grant{ClientID: c.ID, Scopes: scopes, GrantType: GrantClientCredentials}, false, nil)
	if err != nil {
		return nil, NewOAuthError(ErrCodeServerError, "cannot issue token")
	}
	return g, nil
}

func (o *OAuth) grantCustom(r *http.Request, c *Client, p params, grant string, h GrantHandler) (*Grant, *OAuthError) {
	tmpl, err := h(&TokenRequest{Request: r, Client: c, Form: p.all()})
	if err != nil {
		var oe *OAuthError
		if errors.As(err, &oe) {
			return nil, oe
		}
		return nil, NewOAuthError(ErrCodeInvalidGrant, err.Error())
	}
	if tmpl == nil {
		return nil, NewOAuthError(ErrCodeInvalidGrant, "grant refused")
	}
	g := tmpl.clone()
	if g.ClientID == "" {
		g.ClientID = c.ID
	}
	g.GrantType = grant
	out, ierr := o.issue(r, g, true, nil)
	if ierr != nil {
		return nil, NewOAuthError(ErrCodeServerError, "cannot issue token")
	}
	return out, nil
}

// Revocation is the RFC 7009 revocation endpoint: form body token (+ token_type_hint) with
// client authentication; 200 for revoked and unknown tokens alike; 415 for a body that is not
// form-encoded (BQE answers JSON with 415). Revoking a refresh token revokes its access tokens.
func (o *OAuth) Revocation(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		o.writeError(w, r, &OAuthError{Status: http.StatusMethodNotAllowed, Code: ErrCodeInvalidRequest, Description: "use POST"})
		return
	}
	form, err := o.readForm(r)
	if errors.Is(err, errUnsupportedMediaType) {
		o.writeError(w, r, &OAuthError{Status: http.StatusUnsupportedMediaType, Code: ErrCodeInvalidRequest, Description: "parameters must be form-encoded"})
		return
	}
	if err != nil {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "malformed parameters"))
		return
	}
	p := params{v: form, aliases: o.cfg.ParamAliases}
	c, oerr := o.authClient(r, p)
	if oerr != nil {
		o.writeError(w, r, oerr)
		return
	}
	token := p.get("token")
	if token == "" {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "token is required"))
		return
	}
	o.mu.Lock()
	owner, known := o.ownerLocked(token)
	if known && owner != c.ID {
		o.mu.Unlock()
		o.writeError(w, r, NewOAuthError(ErrCodeUnauthorizedClient, "token was issued to another client"))
		return
	}
	o.revokeLocked(token, c.ID)
	o.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func (o *OAuth) ownerLocked(token string) (string, bool) {
	if rec, ok := o.access[token]; ok {
		return rec.g.ClientID, true
	}
	if rt, ok := o.refresh[token]; ok {
		return rt.g.ClientID, true
	}
	return "", false
}
