package auth

import (
	"context"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// RevokeRequest describes a token revocation (RFC 7009).
type RevokeRequest struct {
	// URL is the revocation endpoint, e.g. BQE CORE's
	// https://api-identity.bqecore.com/idp/connect/revocation.
	URL string
	// AuthStyle chooses HTTP Basic (oauth2.AuthStyleInHeader) or form
	// body client authentication (any other value).
	AuthStyle    oauth2.AuthStyle
	ClientID     string
	ClientSecret string
	// Token is the access or refresh token to revoke.
	Token string
	// TokenTypeHint is "access_token", "refresh_token" or "" (no hint).
	TokenTypeHint string
	// Params adds or overrides form parameters.
	Params url.Values
}

// Revoke asks the server to revoke a token (RFC 7009). The form body holds
// token, token_type_hint and, unless AuthStyle is in-header, the client
// credentials; BQE CORE answers 415 to a JSON body, so it is always a form.
// client may be nil (see [RequestToken]). A plain-http URL to a host that
// is not loopback is refused ([ErrInsecureURL]). A non-2xx answer is a
// [*TokenError] without the token in its text.
func Revoke(ctx context.Context, client *http.Client, r RevokeRequest) error {
	form := url.Values{"token": {r.Token}}
	if r.TokenTypeHint != "" {
		form.Set("token_type_hint", r.TokenTypeHint)
	}
	basic := r.AuthStyle == oauth2.AuthStyleInHeader
	if !basic {
		if r.ClientID != "" {
			form.Set("client_id", r.ClientID)
		}
		if r.ClientSecret != "" {
			form.Set("client_secret", r.ClientSecret)
		}
	}
	form = mergeParams(form, r.Params)
	secrets := collectSecrets(form, r.ClientSecret)
	body, status, _, err := postForm(ctx, client, r.URL, form, basic, r.ClientID, r.ClientSecret, nil)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		te := parseTokenError(status, body)
		te.Endpoint = endpointName(r.URL)
		return scrubTokenError(te, secrets)
	}
	return nil
}
