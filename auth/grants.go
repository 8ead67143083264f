package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// ErrNoRefreshToken is returned by [RefreshGrant] when the current token has
// no refresh token to use.
var ErrNoRefreshToken = errors.New("auth: no refresh token")

// mergeParams copies extra onto form: a key with values replaces the form's
// values, a key with an empty (non-nil or nil) slice removes it.
func mergeParams(form, extra url.Values) url.Values {
	for k, vs := range extra {
		if len(vs) == 0 {
			form.Del(k)
			continue
		}
		form[k] = append([]string(nil), vs...)
	}
	return form
}

func requestOptions(p TokenParser, names map[string]string) []RequestOption {
	var opts []RequestOption
	if p != nil {
		opts = append(opts, WithTokenParser(p))
	}
	if len(names) > 0 {
		opts = append(opts, WithParamNames(names))
	}
	return opts
}

// PasswordGrant is the resource-owner password grant (RFC 6749 section 4.3).
// Each Fetch logs in anew; wrapped by [NewSource] it logs in again when the
// token expires, which is what BidCore needs: its uauth server issues no
// refresh token (https://docs.bidcore.iponweb.com/api/workflow.html). For
// BidCore the scope is the single string "service_id=<service host>".
type PasswordGrant struct {
	// Endpoint holds the token URL and the client authentication style.
	Endpoint     oauth2.Endpoint
	ClientID     string
	ClientSecret string
	Username     string
	Password     string
	// Scopes are sent space-separated in "scope"; none sends no scope.
	Scopes []string
	// Params adds or overrides form parameters (an empty value list removes one).
	Params url.Values
	// HTTPClient, if nil, is taken from the context's oauth2.HTTPClient value
	// or is http.DefaultClient.
	HTTPClient *http.Client
	// Parser, if set, parses a non-RFC 6749 success answer.
	Parser TokenParser
}

// Fetch logs in with the username and password; current is ignored.
func (g PasswordGrant) Fetch(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	form := url.Values{"grant_type": {"password"}, "username": {g.Username}, "password": {g.Password}}
	if len(g.Scopes) > 0 {
		form.Set("scope", strings.Join(g.Scopes, " "))
	}
	return RequestToken(ctx, g.HTTPClient, g.Endpoint, g.ClientID, g.ClientSecret, mergeParams(form, g.Params), requestOptions(g.Parser, nil)...)
}

// ClientCredentials is the client-credentials grant (RFC 6749 section 4.4),
// as Procurios documents it: form body with client_id, client_secret and
// space-separated scopes, Accept: application/json.
type ClientCredentials struct {
	// Endpoint holds the token URL and the client authentication style.
	Endpoint     oauth2.Endpoint
	ClientID     string
	ClientSecret string
	// Scopes are sent space-separated in "scope"; none sends no scope.
	Scopes []string
	// Params adds or overrides form parameters (an empty value list removes one).
	Params url.Values
	// HTTPClient, if nil, is taken from the context's oauth2.HTTPClient value
	// or is http.DefaultClient.
	HTTPClient *http.Client
	// Parser, if set, parses a non-RFC 6749 success answer.
	Parser TokenParser
}

// Fetch requests a new token; current is ignored.
func (g ClientCredentials) Fetch(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(g.Scopes) > 0 {
		form.Set("scope", strings.Join(g.Scopes, " "))
	}
	return RequestToken(ctx, g.HTTPClient, g.Endpoint, g.ClientID, g.ClientSecret, mergeParams(form, g.Params), requestOptions(g.Parser, nil)...)
}

// RefreshGrant is the refresh-token grant (RFC 6749 section 6). When the
// answer carries no refresh token the old one is kept; when it carries a new
// one (rotation, as BQE CORE and BeProduct do) the new one replaces it.
// Start a [Source] over it with [WithToken] (the code exchange's token) or
// [WithStore].
type RefreshGrant struct {
	// Endpoint holds the token URL and the client authentication style.
	Endpoint     oauth2.Endpoint
	ClientID     string
	ClientSecret string
	// Scopes, if set, narrow the refreshed token (sent space-separated).
	Scopes []string
	// Params adds or overrides form parameters (an empty value list removes one).
	Params url.Values
	// HTTPClient, if nil, is taken from the context's oauth2.HTTPClient value
	// or is http.DefaultClient.
	HTTPClient *http.Client
	// Parser, if set, parses a non-RFC 6749 success answer.
	Parser TokenParser
}

// Fetch exchanges current.RefreshToken for a new token. It returns
// ErrNoRefreshToken when current has none.
func (g RefreshGrant) Fetch(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error) {
	if current == nil || current.RefreshToken == "" {
		return nil, ErrNoRefreshToken
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {current.RefreshToken}}
	if len(g.Scopes) > 0 {
		form.Set("scope", strings.Join(g.Scopes, " "))
	}
	tok, err := RequestToken(ctx, g.HTTPClient, g.Endpoint, g.ClientID, g.ClientSecret, mergeParams(form, g.Params), requestOptions(g.Parser, nil)...)
	if err != nil {
		return nil, err
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = current.RefreshToken
	}
	return tok, nil
}
