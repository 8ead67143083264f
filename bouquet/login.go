package bouquet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// OAuthConfig describes a Bouquet API client (application) registered with
// a customer: what every login needs. See "Authentication & Authorization"
// on https://demo.openbouquet.io's API introduction and CustomerServiceRest
// in bouquet-server.
type OAuthConfig struct {
	// BaseURL is the server URL; "" means DefaultBaseURL.
	BaseURL string
	// CustomerID is the customer (tenant) the users belong to.
	CustomerID string
	// ClientID is the application key.
	ClientID string
	// ClientSecret is needed to exchange codes and refresh tokens.
	ClientSecret string
	// RedirectURI must lie within the client's registered site URLs.
	RedirectURI string
	// HTTPClient carries the login calls (nil: http.DefaultClient). Replay
	// tests pass the recorder's client here.
	HTTPClient *http.Client
	// AuthURL replaces the OAuth dialog's URL ({base}/oauth), e.g. with
	// [DefaultAuthorizeURL], the authorize URL bouquet-server advertises when
	// its kraken.oauth.endpoint is not configured.
	AuthURL string
}

// DefaultAuthorizeURL is the authorize URL bouquet-server's Swagger
// definition names by default (CXFServletService: kraken.oauth.endpoint,
// default https://api.squidsolutions.com/release/auth/oauth). Set it as
// [OAuthConfig.AuthURL] for a server that delegates the dialog there.
const DefaultAuthorizeURL = "https://api.squidsolutions.com/release/auth/oauth"

func (c OAuthConfig) base() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

// Endpoint returns the OAuth endpoints: the OAuth dialog ({base}/oauth, or
// AuthURL when set) and
// the token endpoint ({base}/rs/token), client credentials in the form body.
func (c OAuthConfig) Endpoint() oauth2.Endpoint {
	authURL := c.base() + "/oauth"
	if c.AuthURL != "" {
		authURL = c.AuthURL
	}
	return oauth2.Endpoint{
		AuthURL:   authURL,
		TokenURL:  c.base() + "/rs/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// ParseAccessToken is the [auth.TokenParser] for Bouquet's AccessToken JSON
// (model/AccessToken.java): {"id":{"tokenId":…},"expirationDateMillis":…,
// "refreshToken":…,…}. The access token is id.tokenId (else access_token),
// the expiry expirationDateMillis. The non-secret fields customerId, userId,
// clientId and type are kept as the token's extras.
func ParseAccessToken(body []byte, _ http.Header) (*oauth2.Token, error) {
	var at bouquetapi.AccessToken
	if err := json.Unmarshal(body, &at); err != nil {
		// Never quote the body: it holds a token.
		return nil, fmt.Errorf("bouquet: token answer is not an AccessToken (%d bytes)", len(body))
	}
	tok := TokenFromAccessToken(&at)
	if tok.AccessToken == "" {
		return nil, errors.New("bouquet: AccessToken without id.tokenId")
	}
	return tok, nil
}

// TokenFromAccessToken converts Bouquet's AccessToken to a standard token.
func TokenFromAccessToken(at *bouquetapi.AccessToken) *oauth2.Token {
	tok := &oauth2.Token{AccessToken: at.Id.TokenId, TokenType: "Bearer"}
	if tok.AccessToken == "" {
		tok.AccessToken = at.AccessToken
	}
	tok.RefreshToken = at.RefreshToken
	if at.ExpirationDateMillis > 0 {
		tok.Expiry = time.UnixMilli(at.ExpirationDateMillis)
	}
	extra := map[string]any{}
	for k, v := range map[string]string{"customerId": at.CustomerId, "userId": at.UserId, "clientId": at.ClientId} {
		if v != "" {
			extra[k] = v
		}
	}
	if at.Type != "" {
		extra["type"] = string(at.Type)
	}
	return tok.WithExtra(extra)
}

// PasswordLogin is Bouquet's basic authentication: POST /rs/auth-token with
// customerId, client_id, redirect_uri, login and password. The returned
// source logs in again when the token expires (Bouquet's auth-token gives no
// refresh token) and after a 401.
func (c OAuthConfig) PasswordLogin(login, password string, opts ...auth.SourceOption) *auth.Source {
	ep := oauth2.Endpoint{TokenURL: c.base() + "/rs/auth-token", AuthStyle: oauth2.AuthStyleInParams}
	f := auth.FetcherFunc(func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		form := url.Values{
			"customerId":   {c.CustomerID},
			"redirect_uri": {c.RedirectURI},
			"login":        {login},
			"password":     {password},
		}
		tok, err := auth.RequestToken(ctx, c.HTTPClient, ep, c.ClientID, "", form, auth.WithTokenParser(ParseAccessToken))
		if err != nil {
			return nil, fmt.Errorf("bouquet: login: %w", err)
		}
		return tok, nil
	})
	return auth.NewSource(f, opts...)
}

// AuthCode logs the user in with login and password and returns an
// authorization code (POST /rs/auth-code, the server-side flow without the
// browser dialog). offline asks for a refresh token at the exchange.
func (c OAuthConfig) AuthCode(ctx context.Context, login, password string, offline bool) (string, error) {
	api, err := c.api()
	if err != nil {
		return "", err
	}
	body := bouquetapi.CreateAuthCodeFormdataRequestBody{
		CustomerId: c.CustomerID, ClientId: c.ClientID, RedirectUri: c.RedirectURI,
		Login: login, Password: password,
	}
	if offline {
		at := bouquetapi.AuthCodeRequestAccessTypeOffline
		body.AccessType = &at
	}
	resp, err := api.CreateAuthCodeWithFormdataBodyWithResponse(ctx, body)
	if err != nil {
		return "", fmt.Errorf("bouquet: auth code: %w", err)
	}
	if resp.JSON200 == nil || resp.JSON200.Code == "" {
		return "", errors.New("bouquet: auth code: answer has no code")
	}
	return resp.JSON200.Code, nil
}

// CodeFlow is the OAuth dialog's server-side flow (response_type=code):
// Start gives the URL to send the user to, Exchange trades the callback's
// code at /rs/token. PKCE is off: Bouquet does not implement it.
func (c OAuthConfig) CodeFlow() auth.CodeFlow {
	return auth.CodeFlow{
		Endpoint:     c.Endpoint(),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		RedirectURL:  c.RedirectURI,
		DisablePKCE:  true,
		HTTPClient:   c.HTTPClient,
		Parser:       ParseAccessToken,
	}
}

// ImplicitFlow is the OAuth dialog's client-side flow (response_type=token):
// Start gives the URL; the token comes back in the redirect's fragment and
// must go through [OAuthConfig.ParseImplicit].
func (c OAuthConfig) ImplicitFlow() auth.CodeFlow {
	f := c.CodeFlow()
	f.ResponseType = "token"
	return f
}

// RefreshGrant refreshes tokens at /rs/token (grant_type=refresh_token,
// with the redirect_uri Bouquet requires).
func (c OAuthConfig) RefreshGrant() auth.RefreshGrant {
	g := c.CodeFlow().RefreshGrant()
	g.Params = url.Values{"redirect_uri": {c.RedirectURI}}
	return g
}

// Exchange trades an authorization code (from [OAuthConfig.AuthCode] or the
// dialog's callback) for a token at /rs/token.
func (c OAuthConfig) Exchange(ctx context.Context, code string) (*oauth2.Token, error) {
	tok, err := c.CodeFlow().ExchangeCode(ctx, code, "", "")
	if err != nil {
		return nil, fmt.Errorf("bouquet: code exchange: %w", err)
	}
	return tok, nil
}

// CodeLogin logs in through /rs/auth-code and /rs/token and returns a
// source starting from that token. With offline, Bouquet issues a refresh
// token and the source refreshes with it; without, the source fails once
// the token expires (log in again).
func (c OAuthConfig) CodeLogin(ctx context.Context, login, password string, offline bool, opts ...auth.SourceOption) (*auth.Source, error) {
	code, err := c.AuthCode(ctx, login, password, offline)
	if err != nil {
		return nil, err
	}
	tok, err := c.Exchange(ctx, code)
	if err != nil {
		return nil, err
	}
	return c.TokenSource(tok, opts...), nil
}

// TokenSource wraps a token (from a code exchange, say) in a source that
// refreshes it through [OAuthConfig.RefreshGrant].
func (c OAuthConfig) TokenSource(tok *oauth2.Token, opts ...auth.SourceOption) *auth.Source {
	return auth.NewSource(c.RefreshGrant(), append([]auth.SourceOption{auth.WithToken(tok)}, opts...)...)
}

// ClientMismatchError says that /rs/tokeninfo attributes a token to another
// client than ours: the token was issued to a different application (the
// "confused deputy" the getting-started page warns of) and must not be used.
type ClientMismatchError struct {
	Want string // our client id
	Got  string // the token's client id
}

// ErrClientMismatch matches a [*ClientMismatchError] with errors.Is.
var ErrClientMismatch = errors.New("bouquet: token issued to another client")

// Error names both client ids (they are not secret).
func (e *ClientMismatchError) Error() string {
	return fmt.Sprintf("bouquet: token issued to client %q, not %q", e.Got, e.Want)
}

// Is matches [ErrClientMismatch].
func (e *ClientMismatchError) Is(target error) bool { return target == ErrClientMismatch }

// TokenInfo describes a token (GET /rs/tokeninfo?access_token=…). The token
// travels in the query as Bouquet documents; it is redacted from errors.
func (c OAuthConfig) TokenInfo(ctx context.Context, accessToken string) (*bouquetapi.AccessToken, error) {
	api, err := c.api()
	if err != nil {
		return nil, err
	}
	resp, err := api.GetTokenInfoWithResponse(ctx, &bouquetapi.GetTokenInfoParams{AccessToken: &accessToken})
	if err != nil {
		return nil, fmt.Errorf("bouquet: tokeninfo: %w", err)
	}
	if resp.JSON200 == nil {
		return nil, errors.New("bouquet: tokeninfo: empty answer")
	}
	return resp.JSON200, nil
}

// Validate checks a token with /rs/tokeninfo and returns it as a standard
// token (expiry included) only when its client id is ours; otherwise a
// [*ClientMismatchError].
func (c OAuthConfig) Validate(ctx context.Context, accessToken string) (*oauth2.Token, error) {
	info, err := c.TokenInfo(ctx, accessToken)
	if err != nil {
		return nil, err
	}
	if info.ClientId != c.ClientID {
		return nil, &ClientMismatchError{Want: c.ClientID, Got: info.ClientId}
	}
	tok := TokenFromAccessToken(info)
	tok.AccessToken = accessToken
	return tok, nil
}

// ParseImplicit reads the redirect of the client-side flow (the whole URL or
// its fragment, "#access_token=…&state=…"), checks the state against
// wantState, and validates the token with /rs/tokeninfo ([OAuthConfig.Validate]).
// No token is returned before tokeninfo confirms our client id.
func (c OAuthConfig) ParseImplicit(ctx context.Context, redirect, wantState string) (*oauth2.Token, error) {
	tok, err := auth.ParseFragment(redirect, wantState)
	if err != nil {
		return nil, fmt.Errorf("bouquet: implicit redirect: %w", err)
	}
	return c.Validate(ctx, tok.AccessToken)
}

// Revoke deletes a token (DELETE /rs/token/{tokenId}). The token is part of
// the path; errors carry the URL with it redacted.
func (c OAuthConfig) Revoke(ctx context.Context, accessToken string) error {
	api, err := c.api()
	if err != nil {
		return err
	}
	if _, err := api.DeleteTokenWithResponse(ctx, accessToken); err != nil {
		var be *Error
		if errors.As(err, &be) {
			be.URL = strings.ReplaceAll(be.URL, url.PathEscape(accessToken), pipeline.Redacted)
			return fmt.Errorf("bouquet: revoke: %w", be)
		}
		return errors.New("bouquet: revoke: request failed")
	}
	return nil
}

// api is a token-less generated client for the login calls.
func (c OAuthConfig) api() (*bouquetapi.ClientWithResponses, error) {
	cfg := pipeline.Config{}
	if c.HTTPClient != nil {
		cfg.Base = c.HTTPClient.Transport
	}
	api, err := bouquetapi.NewClientWithResponses(c.base(), bouquetapi.WithHTTPClient(newDoer(pipeline.NewClient(cfg), nil)))
	if err != nil {
		return nil, fmt.Errorf("bouquet: %w", err)
	}
	return api, nil
}
