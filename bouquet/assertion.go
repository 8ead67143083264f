package bouquet

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// GrantSSO is the grant_type of Bouquet's JWT login, as bouquet-java-sdk's
// JWTAuth sends it (the server reads only the assertion).
const GrantSSO = "sso"

// JWTLifetime is the validity of a JWT-login assertion (JWTAuth: 30 minutes).
const JWTLifetime = 30 * time.Minute

// JWTLogin logs userID in with an assertion the client signs with key
// (RS256): POST /rs/token with grant_type=sso, client_id and the assertion;
// iss = ClientID, sub = userID, exp 30 minutes after iat, and customerId when
// CustomerID is set (bouquet-java-sdk JWTAuth, bouquet-server
// AuthServiceImpl.getTokenFromJWT). The server checks the signature with the
// client's registered jwtkeyPublic. The source signs a new assertion and
// logs in again when the token expires and after a 401.
func (c OAuthConfig) JWTLogin(userID string, key *rsa.PrivateKey, opts ...auth.SourceOption) *auth.Source {
	return auth.NewSource(auth.FetcherFunc(func(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
		tok, err := c.AssertionGrant(userID, key).Fetch(ctx, cur)
		if err != nil {
			return nil, fmt.Errorf("bouquet: JWT login: %w", err)
		}
		return tok, nil
	}), opts...)
}

// AssertionGrant is the [auth.AssertionGrant] behind [OAuthConfig.JWTLogin].
func (c OAuthConfig) AssertionGrant(userID string, key *rsa.PrivateKey) auth.AssertionGrant {
	g := auth.AssertionGrant{
		Endpoint:   oauth2.Endpoint{TokenURL: c.base() + "/rs/token", AuthStyle: oauth2.AuthStyleInParams},
		ClientID:   c.ClientID,
		GrantType:  GrantSSO,
		Key:        key,
		Subject:    userID,
		Lifetime:   JWTLifetime,
		HTTPClient: c.HTTPClient,
		Parser:     ParseAccessToken,
	}
	if c.CustomerID != "" {
		g.Claims = map[string]any{"customerId": c.CustomerID}
	}
	return g
}

// ErrNoAPIKey is returned by [OAuthConfig.APIKeyLogin] with an empty key.
var ErrNoAPIKey = errors.New("bouquet: empty API key")

// APIKeyLogin logs in with an API key (newer servers' /rs/apikeys: the key is
// the ApiKey's assertion, a JWT the server signed): POST /rs/token with the
// key as assertion and client_id, no grant_type, as bouquet-java-sdk's
// ApiKeyAuth sends it. The source logs in again when the token expires and
// after a 401.
func (c OAuthConfig) APIKeyLogin(apiKey string, opts ...auth.SourceOption) *auth.Source {
	ep := oauth2.Endpoint{TokenURL: c.base() + "/rs/token", AuthStyle: oauth2.AuthStyleInParams}
	return auth.NewSource(auth.FetcherFunc(func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		if apiKey == "" {
			return nil, ErrNoAPIKey
		}
		tok, err := auth.RequestToken(ctx, c.HTTPClient, ep, c.ClientID, "", url.Values{"assertion": {apiKey}},
			auth.WithTokenParser(ParseAccessToken))
		if err != nil {
			return nil, fmt.Errorf("bouquet: API key login: %w", err)
		}
		return tok, nil
	}), opts...)
}
