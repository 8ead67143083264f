package bouquettest

import (
	"net/http"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

// apiError writes Bouquet's APIException JSON.
func apiError(w http.ResponseWriter, status int, typ, msg string) {
	fakekit.WriteJSON(w, status, map[string]any{"code": status, "type": typ, "error": msg, "suppressed": []any{}})
}

func notFound(w http.ResponseWriter, what string) {
	apiError(w, http.StatusNotFound, "ObjectNotFoundAPIException", what+" not found")
}

func badRequest(w http.ResponseWriter, msg string) {
	apiError(w, http.StatusBadRequest, "BadRequestAPIException", msg)
}

// validatorError answers spec violations the way Bouquet answers bad input.
func validatorError(w http.ResponseWriter, _ *http.Request, status int, problems []string) {
	typ := "APIException"
	switch status {
	case http.StatusBadRequest:
		typ = "BadRequestAPIException"
	case http.StatusNotFound:
		typ = "ObjectNotFoundAPIException"
	}
	apiError(w, status, typ, strings.Join(problems, "; "))
}

// unauthorized is InvalidTokenAPIException with its login URLs.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	origin := fakekit.Origin(r) + BasePath
	fakekit.WriteJSON(w, http.StatusUnauthorized, map[string]any{
		"code": 401, "type": "InvalidTokenAPIException", "error": "Auth failed : invalid access_token",
		"suppressed": []any{}, "loginURL": origin + "/oauth", "selfLoginURL": origin + "/oauth?response_type=token",
	})
}

// authed wraps a handler of a protected operation: the token may come as
// "Authorization: Bearer", the access_token query parameter or the
// squidapitoken cookie (ServiceUtils.getToken).
func (s *Server) authed(h func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		g, ok := s.oauth.Authenticate(r)
		if !ok {
			s.unauthorized(w, r)
			return
		}
		h(w, r, g)
	}
}

// accessToken is Bouquet's AccessToken JSON for a grant.
func (s *Server) accessToken(g *fakekit.Grant, typ string) map[string]any {
	at := map[string]any{
		"id":                   map[string]any{"tokenId": g.AccessToken},
		"type":                 typ,
		"expirationDateMillis": g.ExpiresAt.UnixMilli(),
		"customerId":           TestCustomerID,
		"userId":               g.UserID,
		"clientId":             g.ClientID,
		"access_token":         g.AccessToken,
		"objectType":           "AccessToken",
	}
	if g.RefreshToken != "" {
		at["refreshToken"] = g.RefreshToken
	}
	return at
}

func (s *Server) remember(g *fakekit.Grant) {
	s.mu.Lock()
	s.byUser[g.UserID] = append(s.byUser[g.UserID], g.AccessToken)
	s.mu.Unlock()
}

// tokenResponse shapes /rs/token answers as Bouquet's AccessToken.
func (s *Server) tokenResponse(_ *http.Request, g *fakekit.Grant, _ map[string]any) any {
	s.remember(g)
	return s.accessToken(g, "NORMAL")
}

// oauthError shapes /rs/token errors as APIException JSON.
func (s *Server) oauthError(w http.ResponseWriter, _ *http.Request, e *fakekit.OAuthError) {
	typ := "BadRequestAPIException"
	switch e.Code {
	case fakekit.ErrCodeInvalidClient, fakekit.ErrCodeInvalidGrant, fakekit.ErrCodeUnauthorizedClient:
		typ = "InvalidCredentialsAPIException"
	}
	msg := e.Code
	if e.Description != "" {
		msg += ": " + e.Description
	}
	apiError(w, e.Status, typ, msg)
}

// login checks the form of /rs/auth-token and /rs/auth-code as
// CustomerServiceRest does: customer, client, redirect URI within the
// client's site, login and password.
func (s *Server) login(w http.ResponseWriter, r *http.Request) (clientID, userID, redirect string, ok bool) {
	if err := r.ParseForm(); err != nil {
		badRequest(w, "malformed form")
		return "", "", "", false
	}
	if r.PostForm.Get("customerId") != TestCustomerID {
		notFound(w, "Customer")
		return "", "", "", false
	}
	clientID, redirect = r.PostForm.Get("client_id"), r.PostForm.Get("redirect_uri")
	c, found := s.oauth.Client(clientID)
	if !found {
		notFound(w, "Client")
		return "", "", "", false
	}
	inDomain := false
	for _, site := range c.RedirectURIs {
		inDomain = inDomain || sameDomain(site, redirect)
	}
	if !inDomain {
		apiError(w, http.StatusForbidden, "InvalidCredentialsAPIException", "redirect_uri is not within the client's domain")
		return "", "", "", false
	}
	u, found := s.oauth.CheckPassword(r.PostForm.Get("login"), r.PostForm.Get("password"))
	if !found {
		// As the getting-started page shows: 404 for a wrong login or password.
		notFound(w, "User for given login / password")
		return "", "", "", false
	}
	id := u.ID
	if id == "" {
		id = u.Login
	}
	return clientID, id, redirect, true
}

func (s *Server) createAuthToken(w http.ResponseWriter, r *http.Request) {
	clientID, userID, _, ok := s.login(w, r)
	if !ok {
		return
	}
	g, err := s.oauth.IssueToken(r, fakekit.Grant{ClientID: clientID, UserID: userID, GrantType: "auth-token"})
	if err != nil {
		apiError(w, http.StatusInternalServerError, "APIException", "cannot issue token")
		return
	}
	s.remember(g)
	fakekit.WriteJSON(w, http.StatusOK, s.accessToken(g, "NORMAL"))
}

func (s *Server) createAuthCode(w http.ResponseWriter, r *http.Request) {
	clientID, userID, redirect, ok := s.login(w, r)
	if !ok {
		return
	}
	code := s.oauth.IssueCode(fakekit.Authorization{ClientID: clientID, UserID: userID, RedirectURI: redirect,
		Extra: map[string]any{"offline": r.PostForm.Get("access_type") == "offline"}})
	fakekit.WriteJSON(w, http.StatusOK, map[string]any{"code": code})
}

// createToken is /rs/token: an assertion (JWT login, API key) is checked
// here as AuthServiceImpl.getTokenFromJWT does; codes and refresh tokens go
// to the OAuth server.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		badRequest(w, "malformed form")
		return
	}
	f := r.Form
	if f.Get("code") != "" || f.Get("refresh_token") != "" || f.Get("assertion") == "" {
		s.oauth.Token(w, r)
		return
	}
	g, err := s.assertionGrant(f.Get("assertion"), f.Get("client_id"))
	if err != nil {
		apiError(w, http.StatusForbidden, "InvalidCredentialsAPIException", err.Error())
		return
	}
	issued, err := s.oauth.IssueToken(r, *g)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "APIException", "cannot issue token")
		return
	}
	s.remember(issued)
	fakekit.WriteJSON(w, http.StatusOK, s.accessToken(issued, "NORMAL"))
}

func (s *Server) getTokenInfo(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
	// Bouquet describes the token the request carries; tokeninfo is called
	// with ?access_token=…, which Authenticate reads after the header.
	if q := r.URL.Query().Get("access_token"); q != "" && q != g.AccessToken {
		if qg, ok := s.oauth.Lookup(q); ok {
			g = qg
		} else {
			s.unauthorized(w, r)
			return
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, s.accessToken(g, "NORMAL"))
}

func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("tokenId")
	if _, live := s.oauth.Lookup(id); !live || !s.oauth.RevokeToken(id) {
		notFound(w, "AccessToken")
		return
	}
	s.deleted(w)
}

func (s *Server) logout(w http.ResponseWriter, _ *http.Request, g *fakekit.Grant) {
	s.mu.Lock()
	toks := s.byUser[g.UserID]
	delete(s.byUser, g.UserID)
	s.mu.Unlock()
	s.oauth.RevokeToken(g.AccessToken)
	for _, t := range toks {
		s.oauth.RevokeToken(t)
	}
	fakekit.WriteJSON(w, http.StatusOK, map[string]any{"logout": "true"})
}
