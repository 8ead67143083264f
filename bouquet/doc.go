// Package bouquet is the Go client for the Bouquet API (OpenBouquet, Squid
// Solutions): projects, domains, dimensions, metrics, relations, bookmarks,
// analysis and facet jobs, users and clients, and the analytics API.
//
// A [Client] embeds the generated [bouquetapi.ClientWithResponses], so every
// operation of specs/bouquet.yaml is a typed method (ListProjectsWithResponse,
// CreateDomainWithResponse, …). Around it this package adds what Bouquet
// needs beyond the spec (https://demo.openbouquet.io, "API introduction"):
//
//   - Logins, as token sources built on package auth: [OAuthConfig.PasswordLogin]
//     (POST /rs/auth-token, logs in again at expiry), [OAuthConfig.CodeLogin]
//     (POST /rs/auth-code then /rs/token, refresh tokens with offline access),
//     the OAuth dialog for response_type=code ([OAuthConfig.CodeFlow]) and
//     response_type=token ([OAuthConfig.ImplicitFlow]), whose fragment becomes
//     a token only after /rs/tokeninfo confirms the client id
//     ([OAuthConfig.ParseImplicit], [ClientMismatchError]); [OAuthConfig.Revoke]
//     and [Client.Logout]; the JWT assertion login [OAuthConfig.JWTLogin]
//     (grant_type=sso, RS256, iss = client, sub = user) and
//     [OAuthConfig.APIKeyLogin].
//   - Optimistic locking: every stored object carries _vctrl; [Update] sends
//     back the version it read and turns a 409 into a [*ConflictError].
//   - Every documented 2xx read into JSON200 (201 after a create, 204 after a
//     delete), errors sent as HTTP 200 under no_error ([WithNoError]) read as
//     [*Error], any other 2xx an error matching [ErrUnexpectedStatus].
//   - Bouquet's AccessToken JSON (access token in id.tokenId, expiry in
//     expirationDateMillis) turned into an *oauth2.Token: [ParseAccessToken].
//   - The token in the Authorization header, or with [WithTokenInQuery] in the
//     access_token query parameter as the getting-started page shows; the
//     token is then redacted from every error and log line.
//   - [Error], Bouquet's error body (code, type, error, loginURL, …) as an
//     errors.As-friendly type matching the suite's status sentinels.
//   - ComputingInProgress: Bouquet answers HTTP 200 with Retry-After while a
//     result is being computed; the Client reports it as an [*Error] matching
//     [ErrComputingInProgress], and [Client.RunAnalysisJob],
//     [Client.WaitAnalysisJob] and [Client.AnalysisJobResults] poll until the
//     result is ready, within the context's deadline.
//   - [Client.AnalysisJobRows], an iterator over results pages
//     (startIndex, maxResults).
//
// Resources live under /rs/ on the server URL
// https://{host}/{version}, by default https://demo.openbouquet.io/release/v4.2
// ([DefaultBaseURL], [WithServer]); the analytics API lives at the base.
package bouquet
