package beproducttest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oasuite/sdk/internal/fakekit"
)

// oauthConfig is the identity server as IdentityServer at id.winks.io runs
// it: issuer .../ids, refresh tokens with offline_access, rotated on every
// refresh, 8-hour access tokens (expires_in 28800 in the SDK docs), and the
// actas impersonation grant.
func (s *Server) oauthConfig() fakekit.OAuthConfig {
	return fakekit.OAuthConfig{
		IssuerPath: "/ids",
		Paths: fakekit.OAuthPaths{
			Authorize:  "/ids/connect/authorize",
			Token:      "/ids/connect/token",
			Revocation: "/ids/connect/revocation",
			UserInfo:   "/ids/connect/userinfo",
			Discovery:  "/ids/.well-known/openid-configuration",
			JWKS:       "/ids/.well-known/openid-configuration/jwks",
			EndSession: "/ids/connect/endsession",
		},
		Clients: []fakekit.Client{{
			ID:                     TestClientID,
			Secret:                 TestClientSecret,
			RedirectURIs:           append([]string{TestRedirectURL}, s.cfg.redirects...),
			PostLogoutRedirectURIs: []string{TestPostLogoutURL},
			Grants: []string{fakekit.GrantAuthorizationCode, fakekit.GrantRefreshToken,
				fakekit.GrantImplicit, "actas"},
			Scopes: []string{"openid", "profile", "email", "roles", "offline_access", "BeProductPublicApi"},
		}},
		Users: []fakekit.User{
			{Login: TestUser, Password: TestPassword, ID: TestUserID, Claims: userClaims(TestUser, TestUserEmail, TestUserID, "John", "Smith")},
			{Login: "jane.doe", Password: TestPassword, ID: TestOtherUserID, Claims: userClaims("jane.doe", TestOtherUserEmail, TestOtherUserID, "Jane", "Doe")},
		},
		DefaultUser:         TestUser,
		RotateRefreshTokens: true,
		AccessTokenTTL:      8 * time.Hour,
		Clock:               s.Now,
		CustomGrants:        map[string]fakekit.GrantHandler{"actas": s.actAs},
		TokenQueryParams:    []string{"access_token"},
		UserInfo: func(_ *http.Request, _ *fakekit.Grant, u *fakekit.User) any {
			out := map[string]any{"sub": u.ID}
			for k, v := range u.Claims {
				out[k] = v
			}
			return out
		},
	}
}

func userClaims(login, email, id, first, last string) map[string]any {
	return map[string]any{
		"preferred_username": login,
		"email":              email,
		"email_verified":     "true",
		"userinfo": map[string]any{
			"id": id, "firstname": first, "lastname": last, "email": email, "company": TestCompany,
		},
	}
}

// actAs is the impersonation grant: token (the caller's access token),
// actas (the user id to act as) and scope.
func (s *Server) actAs(req *fakekit.TokenRequest) (*fakekit.Grant, error) {
	caller, ok := s.oauth.Lookup(req.Get("token"))
	if !ok {
		return nil, fakekit.NewOAuthError(fakekit.ErrCodeInvalidGrant, "token is missing or not a valid access token")
	}
	target := req.Get("actas")
	if _, ok := s.oauth.UserByID(target); !ok || target == "" {
		return nil, fakekit.NewOAuthError(fakekit.ErrCodeInvalidGrant, "actas names no known user")
	}
	var scopes []string
	for _, sc := range strings.Fields(req.Get("scope")) {
		if sc == "offline_access" {
			continue
		}
		if !slices.Contains(caller.Scopes, sc) {
			return nil, fakekit.NewOAuthError(fakekit.ErrCodeInvalidScope, "scope "+sc+" is not held by the caller")
		}
		scopes = append(scopes, sc)
	}
	if len(scopes) == 0 {
		scopes = slices.DeleteFunc(slices.Clone(caller.Scopes), func(s string) bool { return s == "offline_access" })
	}
	return &fakekit.Grant{UserID: target, Scopes: scopes, Extra: map[string]any{"act": caller.UserID}}, nil
}
