// Package fakekit is what the five vendor fakes (<vendor>/<vendor>test) are built from: an
// in-memory OAuth 2.0 / OpenID Connect server, request validation and dispatch by the vendor's
// OpenAPI spec, fault injection, an in-memory store and JSON helpers.
//
// Nothing here depends on package testing: a fake is a plain http.Handler, so the same fake
// serves our tests, our users' tests (httptest.NewServer / NewTLSServer) and the
// `oasuite sandbox` command.
//
// # Parts
//
//   - OAuth (NewOAuth(OAuthConfig)): clients, users, grants (authorization_code with PKCE,
//     refresh_token with optional rotation, password, client_credentials, implicit "token" and
//     "id_token token", custom grants), RS256 ID tokens, discovery, JWKS, userinfo, revocation,
//     end-session. Its endpoints are handler methods (Authorize, Token, Revocation, UserInfo,
//     Discovery, JWKS, EndSession) the vendor mounts at its own paths, by hand or with Mount.
//     Authenticate(r) checks API calls; Stats/Refreshes/Issued count; ExpireAccessTokens forces
//     expiry. Hooks express vendor quirks: RedirectMatcher (BQE), ParamAliases and
//     GrantTypeAliases (Procurios' legacy names), CustomGrants (BeProduct "actas", Bouquet
//     "sso"), TokenResponse (BQE "endpoint", Bouquet's AccessToken), TokenQueryParams and
//     TokenCookies (Bouquet), AnonymousClient (BidCore's client-less password grant), Consent.
//   - Validator (NewValidator(spec, WithBasePath(…))): routes by the spec under a base path,
//     ignoring its servers, validates each request with kin-openapi (404 unknown path, 405,
//     400 with a list of problems) and dispatches to handlers registered per operationId; path
//     parameters are r.PathValue(name). OpCoverage records served operations; Missing lists
//     the ones never served.
//   - Faults: queued misbehaviours (status + Retry-After, delay, dropped connection, hang)
//     matched by method, path prefix or operationId; Wrap/Middleware applies them.
//   - Collection[T]: an ordered, concurrency-safe store with sequential or UUID ids.
//   - WriteJSON, WriteJSONAs, ReadJSON.
//
// # Assembling a vendor fake
//
//	type Server struct {
//		OAuth    *fakekit.OAuth
//		Faults   *fakekit.Faults
//		Coverage *fakekit.OpCoverage
//		acts     *fakekit.Collection[bqecoreapi.Activity]
//		handler  http.Handler
//	}
//
//	func New(spec []byte, cov *fakekit.OpCoverage) (*Server, error) {
//		s := &Server{Faults: &fakekit.Faults{}, Coverage: cov,
//			acts: fakekit.NewCollection[bqecoreapi.Activity](fakekit.UUIDs, "")}
//		s.OAuth = fakekit.NewOAuth(fakekit.OAuthConfig{
//			IssuerPath: "/idp",
//			Paths: fakekit.OAuthPaths{
//				Authorize: "/idp/connect/authorize", Token: "/idp/connect/token",
//				Revocation: "/idp/connect/revocation", UserInfo: "/idp/connect/userinfo",
//				Discovery: "/idp/.well-known/openid-configuration",
//				JWKS: "/idp/.well-known/openid-configuration/jwks",
//			},
//			Clients: []fakekit.Client{{ID: "app", Secret: "s3cret",
//				RedirectURIs: []string{"http://127.0.0.1/callback"},
//				Scopes: []string{"openid", "offline_access", "readwrite:core"}}},
//			Users:               []fakekit.User{{Login: "ann", Password: "pw", ID: "u1"}},
//			RedirectMatcher:     bqeRedirectRule, // func(registered, given string) bool
//			RotateRefreshTokens: true,
//			TokenResponse: func(r *http.Request, g *fakekit.Grant, body map[string]any) any {
//				body["endpoint"] = fakekit.Origin(r) + "/api/"
//				return body
//			},
//		})
//		v, err := fakekit.NewValidator(spec, fakekit.WithBasePath("/api"), fakekit.WithCoverage(cov))
//		if err != nil {
//			return nil, err
//		}
//		v.HandleFunc("listActivities", s.listActivities)
//		v.HandleFunc("getActivity", s.getActivity) // id: r.PathValue("id")
//		// … one HandleFunc per operationId; v.Unhandled() lists the ones left.
//
//		mux := http.NewServeMux()
//		s.OAuth.Mount(mux)
//		mux.Handle("/api/", s.OAuth.Require(v, func(w http.ResponseWriter, r *http.Request) {
//			fakekit.WriteJSON(w, http.StatusOK, "Not authenticated") // BQE's quirk
//		})) // handlers read the caller with fakekit.GrantOf(r.Context())
//		s.handler = s.Faults.Wrap(mux, v.OperationOf)
//		return s, nil
//	}
//
//	func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
//
// A test then runs srv := httptest.NewServer(fake), queues
// fake.Faults.Add(fakekit.Fault{Path: "/api/activity", Status: 429, RetryAfter: time.Second}),
// and asserts on fake.OAuth.Refreshes(); TestMain checks cov.Missing(spec) is empty.
package fakekit
