package fakekit

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// params reads request parameters with OAuthConfig.ParamAliases applied.
type params struct {
	v       url.Values
	aliases map[string]string
}

func (p params) get(name string) string {
	if s := p.v.Get(name); s != "" {
		return s
	}
	for alias, canonical := range p.aliases {
		if canonical == name {
			if s := p.v.Get(alias); s != "" {
				return s
			}
		}
	}
	return ""
}

// all returns the parameters with aliases copied to their standard names.
func (p params) all() url.Values {
	out := url.Values{}
	for k, v := range p.v {
		out[k] = slices.Clone(v)
	}
	for alias, canonical := range p.aliases {
		if out.Get(canonical) == "" && out.Get(alias) != "" {
			out[canonical] = slices.Clone(out[alias])
		}
	}
	return out
}

func splitScopes(s string) []string { return strings.Fields(s) }

// checkScopes validates requested scopes for c and applies its defaults.
func (o *OAuth) checkScopes(c *Client, requested []string) ([]string, *OAuthError) {
	if len(requested) == 0 {
		requested = slices.Clone(c.DefaultScopes)
	}
	if len(c.Scopes) > 0 {
		for _, s := range requested {
			if !slices.Contains(c.Scopes, s) {
				return nil, NewOAuthError(ErrCodeInvalidScope, "scope "+strconv.Quote(s)+" is not allowed for this client")
			}
		}
	}
	if o.cfg.ValidateScopes != nil {
		if err := o.cfg.ValidateScopes(c, requested); err != nil {
			return nil, NewOAuthError(ErrCodeInvalidScope, err.Error())
		}
	}
	return requested, nil
}

func (o *OAuth) matchRedirect(c *Client, given string) bool {
	for _, reg := range c.RedirectURIs {
		if o.cfg.RedirectMatcher(reg, given) {
			return true
		}
	}
	return false
}

// Authorize is the authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2). There is no UI:
// it consents as the user named by login_hint, else OAuthConfig.DefaultUser, unless the Consent
// hook decides otherwise. It checks client_id, redirect_uri (OAuthConfig.RedirectMatcher),
// response_type (code, token, id_token, "id_token token"), the client's grants and scopes,
// PKCE (S256) and, for ID tokens, nonce; it echoes state. Codes answer in the query, implicit
// grants in the fragment. An unknown client or a bad redirect URI is answered directly (400),
// never redirected.
func (o *OAuth) Authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "malformed parameters"))
		return
	}
	p := params{v: r.Form, aliases: o.cfg.ParamAliases}
	clientID := p.get("client_id")
	o.mu.Lock()
	cp := o.clients[clientID]
	o.mu.Unlock()
	if cp == nil {
		o.writeError(w, r, &OAuthError{Status: http.StatusBadRequest, Code: ErrCodeInvalidClient, Description: "unknown client_id"})
		return
	}
	c := *cp
	redirect := p.get("redirect_uri")
	target := redirect
	switch {
	case redirect == "" && len(c.RedirectURIs) == 1:
		target = c.RedirectURIs[0]
	case redirect == "":
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "redirect_uri is required"))
		return
	case !o.matchRedirect(&c, redirect):
		o.writeError(w, r, NewOAuthError(ErrCodeInvalidRequest, "redirect_uri does not match a registered redirect URI"))
		return
	}
	state := p.get("state")

	rts := strings.Fields(p.get("response_type"))
	slices.Sort(rts)
	rt := strings.Join(rts, " ")
	implicit := rt == "token" || rt == "id_token" || rt == "id_token token"
	fail := func(code, desc string) {
		redirectWith(w, r, target, implicit, url.Values{"error": {code}, "error_description": {desc}}, state)
	}
	switch {
	case rt == "code":
		if !c.allows(GrantAuthorizationCode) {
			fail(ErrCodeUnauthorizedClient, "client may not use the authorization code grant")
			return
		}
	case implicit:
		if !c.allows(GrantImplicit) {
			fail(ErrCodeUnauthorizedClient, "client may not use the implicit grant")
			return
		}
	default:
		fail(ErrCodeUnsupportedResponseType, "unsupported response_type")
		return
	}

	scopes, oerr := o.checkScopes(&c, splitScopes(p.get("scope")))
	if oerr != nil {
		fail(oerr.Code, oerr.Description)
		return
	}
	nonce := p.get("nonce")
	wantIDToken := strings.Contains(rt, "id_token")
	if wantIDToken && (!slices.Contains(scopes, "openid") || nonce == "") {
		fail(ErrCodeInvalidRequest, "id_token requires the openid scope and a nonce")
		return
	}

	challenge, method := p.get("code_challenge"), p.get("code_challenge_method")
	if rt == "code" {
		if challenge == "" && c.RequirePKCE {
			fail(ErrCodeInvalidRequest, "code_challenge is required")
			return
		}
		if challenge != "" {
			if method == "" {
				method = "plain"
			}
			if method != "S256" && (method != "plain" || !o.cfg.AllowPlainPKCE) {
				fail(ErrCodeInvalidRequest, "unsupported code_challenge_method")
				return
			}
			if len(challenge) < 43 || len(challenge) > 128 {
				fail(ErrCodeInvalidRequest, "malformed code_challenge")
				return
			}
		}
	}

	o.mu.Lock()
	user := o.userByLogin(p.get("login_hint"))
	if user == nil {
		user = o.userByLogin(o.defaultUser)
	}
	if user == nil && o.defaultUser == "" && len(o.users) > 0 {
		user = o.users[0]
	}
	o.mu.Unlock()

	var extra map[string]any
	var cbParams map[string]string
	if o.cfg.Consent != nil {
		consent, err := o.cfg.Consent(&ConsentRequest{Request: r, Client: &c, User: user, Scopes: slices.Clone(scopes), Params: p.all()})
		if err != nil {
			fail(ErrCodeServerError, "consent failed")
			return
		}
		if consent != nil {
			if consent.Deny {
				fail(ErrCodeAccessDenied, "the user denied the request")
				return
			}
			if consent.Login != "" {
				o.mu.Lock()
				user = o.userByLogin(consent.Login)
				o.mu.Unlock()
			}
			if consent.Scopes != nil {
				scopes = slices.Clone(consent.Scopes)
			}
			extra, cbParams = consent.Extra, consent.CallbackParams
		}
	}
	if user == nil {
		fail(ErrCodeLoginRequired, "no user to consent as")
		return
	}

	out := url.Values{}
	for k, v := range cbParams {
		out.Set(k, v)
	}
	if rt == "code" {
		code := o.IssueCode(Authorization{
			ClientID: c.ID, UserID: user.subject(), Scopes: scopes, RedirectURI: redirect,
			Nonce: nonce, CodeChallenge: challenge, CodeChallengeMethod: method, Extra: extra,
		})
		out.Set("code", code)
		redirectWith(w, r, target, false, out, state)
		return
	}

	g := &Grant{ClientID: c.ID, UserID: user.subject(), Login: user.Login, Scopes: scopes,
		GrantType: GrantImplicit, Nonce: nonce, Extra: extra}
	if strings.Contains(rt, "token") && rt != "id_token" {
		issued, err := o.issue(r, g, false, nil)
		if err != nil {
			fail(ErrCodeServerError, "cannot issue token")
			return
		}
		g = issued
		out.Set("access_token", g.AccessToken)
		out.Set("token_type", o.cfg.TokenType)
		out.Set("expires_in", strconv.Itoa(int(o.cfg.AccessTokenTTL.Seconds())))
		out.Set("scope", strings.Join(g.Scopes, " "))
	}
	if wantIDToken {
		idt, err := o.idToken(r, g, g.AccessToken)
		if err != nil {
			fail(ErrCodeServerError, "cannot sign id_token")
			return
		}
		out.Set("id_token", idt)
	}
	redirectWith(w, r, target, true, out, state)
}

// redirectWith answers 302 to target with vals (and state) in the query or the fragment.
// Parameters already in target's query are kept in their order.
func redirectWith(w http.ResponseWriter, r *http.Request, target string, fragment bool, vals url.Values, state string) {
	if state != "" {
		vals.Set("state", state)
	}
	u, err := url.Parse(target)
	if err != nil {
		WriteJSON(w, http.StatusBadRequest, map[string]string{"error": ErrCodeInvalidRequest})
		return
	}
	if fragment {
		u.Fragment = ""
		u.RawFragment = ""
		w.Header().Set("Location", u.String()+"#"+vals.Encode())
	} else {
		if u.RawQuery != "" {
			u.RawQuery += "&" + vals.Encode()
		} else {
			u.RawQuery = vals.Encode()
		}
		w.Header().Set("Location", u.String())
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
}
