// Package auth obtains, caches, refreshes and persists OAuth 2.0 tokens for
// every oasuite vendor client.
//
// Every token is an [*oauth2.Token] from golang.org/x/oauth2 and every grant
// is a [Fetcher]. [Source] wraps any Fetcher with what x/oauth2 lacks:
// early refresh (a configurable skew), single-flight refresh under
// concurrency, a forced refresh after a 401 ([Source.ForceRefresh]) and
// persistence through a [Store] that may also lock across processes
// ([Locker]).
//
// The grants the vendors use are here as plain structs:
//
//   - [StaticToken]: a hand-issued permanent token (BidCore).
//   - [PasswordGrant]: logs in anew on each fetch; wrapped by [Source] it logs
//     in again at expiry (BidCore issues no refresh token).
//   - [ClientCredentials]: machine-to-machine tokens (Procurios).
//   - [RefreshGrant]: refresh_token grant that keeps rotated refresh tokens
//     (BQE CORE, BeProduct).
//   - [CodeFlow]: the authorization-code flow with state, PKCE S256, an
//     optional nonce and vendor parameter quirks; [LoopbackLogin] runs it for
//     command-line tools (RFC 8252).
//   - [ParseFragment]: the implicit / "id_token token" redirect fragment.
//
// [RequestToken] is the single place that posts to a token endpoint; every
// grant goes through it, so client authentication, response parsing
// (RFC 6749 JSON or form-encoded, numeric or string expires_in, extra fields
// such as BQE's "endpoint") and error mapping ([TokenError]) behave alike
// everywhere. No error produced by this package contains a token, a
// password, a client secret or an authorization code.
//
// [OIDC] verifies ID tokens and reads userinfo for the IdentityServer-based
// vendors (BQE CORE, BeProduct) on github.com/coreos/go-oidc/v3. Vendor
// endpoint values live in the sub-package auth/endpoints.
package auth
