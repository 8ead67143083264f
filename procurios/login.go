package procurios

import (
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// Endpoint returns the OAuth 2.0 endpoints of a customer host:
// https://<host>/l/oauth2/authorize and https://<host>/l/oauth2/token, with
// the client id and secret sent in the form body as the getting-started page
// shows.
func Endpoint(host string) oauth2.Endpoint {
	return endpointAt("https://" + host + "/l")
}

func endpointAt(base string) oauth2.Endpoint {
	base = strings.TrimSuffix(base, "/")
	return oauth2.Endpoint{
		AuthURL:   base + "/oauth2/authorize",
		TokenURL:  base + "/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// OAuthConfig is a Procurios OAuth client on one customer host. Build token
// sources for New from it: CodeFlow (authorization code, a user's view) or
// ClientCredentials (server to server).
// See the Procurios "Getting started" page and docs/procurios.md.
type OAuthConfig struct {
	// Host is the customer's Procurios host. Required unless BaseURL is set.
	Host string
	// BaseURL replaces https://<Host>/l (e.g. a fake's URL()+"/l"); the OAuth
	// endpoints are BaseURL+"/oauth2/authorize" and BaseURL+"/oauth2/token".
	BaseURL      string
	ClientID     string
	ClientSecret string
	// RedirectURL is the registered redirect URL (authorization code only).
	RedirectURL string
	// Scopes are sent space-separated, e.g. "relation_list_api/relation",
	// "profile/registration", "meeting2/read".
	Scopes []string
	// HTTPClient carries the token calls (nil: http.DefaultClient). Replay
	// tests pass the recorder's client here.
	HTTPClient *http.Client
}

// OAuthOption adjusts the authorization-code flow CodeFlow builds.
type OAuthOption func(*auth.CodeFlow)

// WithLegacyOAuthParams spells the authorization-code flow the way the
// getting-started page does: the authorize URL carries grant_type=code (for
// response_type=code) and redirect_url (for redirect_uri), and the token call
// sends grant_type=code instead of authorization_code. PKCE is not sent. The
// default is the standard spelling of later copies of the documentation.
func WithLegacyOAuthParams() OAuthOption {
	return func(f *auth.CodeFlow) {
		f.ParamNames = map[string]string{"response_type": "grant_type", "redirect_uri": "redirect_url"}
		f.GrantType = "code"
		f.DisablePKCE = true
	}
}

// Endpoint returns the config's OAuth endpoints, or ErrHostRequired.
func (c OAuthConfig) Endpoint() (oauth2.Endpoint, error) {
	switch {
	case c.BaseURL != "":
		return endpointAt(c.BaseURL), nil
	case c.Host != "":
		return Endpoint(c.Host), nil
	default:
		return oauth2.Endpoint{}, ErrHostRequired
	}
}

// CodeFlow returns the authorization-code flow: Start gives the URL to send
// the user to, Exchange trades the callback for a token. Standard parameter
// names (response_type, redirect_uri, grant_type=authorization_code) with
// PKCE S256, unless WithLegacyOAuthParams. Wrap the exchanged token with
// CodeTokenSource.
func (c OAuthConfig) CodeFlow(opts ...OAuthOption) (auth.CodeFlow, error) {
	ep, err := c.Endpoint()
	if err != nil {
		return auth.CodeFlow{}, err
	}
	f := auth.CodeFlow{
		Endpoint:     ep,
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURL,
		Scopes:       c.Scopes,
		HTTPClient:   c.HTTPClient,
	}
	for _, o := range opts {
		o(&f)
	}
	return f, nil
}

// CodeTokenSource wraps a token obtained with flow (CodeFlow().Exchange) in
// a source for WithTokenSource. It uses the refresh token when the server
// issued one; a token without one (Procurios' getting-started page shows only
// access_token) cannot be renewed without the user, so a call answered 401
// then fails with an error matching both ErrUnauthorized and
// auth.ErrNoRefreshToken: log the user in again.
func CodeTokenSource(flow auth.CodeFlow, tok *oauth2.Token) *auth.Source {
	return auth.NewSource(flow.RefreshGrant(), auth.WithToken(tok))
}

// ClientCredentials returns a token source for the client-credentials grant:
// POST <base>/l/oauth2/token with grant_type=client_credentials, client_id,
// client_secret and the space-separated scopes in a form body. The source
// caches the token, renews it before expires_in runs out, and, when the
// server gave no expires_in, renews it after a call answers 401.
func (c OAuthConfig) ClientCredentials() (*auth.Source, error) {
	ep, err := c.Endpoint()
	if err != nil {
		return nil, err
	}
	return auth.NewSource(auth.ClientCredentials{
		Endpoint:     ep,
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Scopes:       c.Scopes,
		HTTPClient:   c.HTTPClient,
	}), nil
}
