package auth

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// GrantJWTBearer is the grant type of RFC 7523 section 2.1: a JWT as the
// authorization grant.
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// DefaultAssertionLifetime is how long an [AssertionGrant] assertion is
// valid when Lifetime is zero.
const DefaultAssertionLifetime = 5 * time.Minute

// ErrNoSigningKey is returned by [AssertionGrant] without a Key.
var ErrNoSigningKey = errors.New("auth: assertion grant without a signing key")

// AssertionGrant logs in with a JWT the client signs with its own RSA key
// (RS256): RFC 7523's JWT bearer grant and the vendor variants of it, such as
// Bouquet's "sso" grant (bouquet-java-sdk JWTAuth: iss = client id, sub =
// user id, 30 minutes). Each Fetch signs a fresh assertion and posts
// grant_type, assertion and the client id to the token endpoint; wrapped by
// [NewSource] it logs in again when the token expires.
type AssertionGrant struct {
	// Endpoint holds the token URL and the client authentication style.
	Endpoint oauth2.Endpoint
	ClientID string
	// ClientSecret is sent as the endpoint's style says when not empty;
	// assertion grants usually need none.
	ClientSecret string
	// GrantType is the grant_type sent; "" means GrantJWTBearer.
	GrantType string
	// Key signs the assertion (RS256). KeyID, if set, goes in the "kid" header.
	Key   *rsa.PrivateKey
	KeyID string
	// Issuer ("iss"), Subject ("sub") and Audience ("aud") of the assertion.
	// An empty Issuer means ClientID.
	Issuer   string
	Subject  string
	Audience []string
	// Lifetime sets "exp" after "iat"; zero means DefaultAssertionLifetime.
	Lifetime time.Duration
	// Claims are further claims (e.g. Bouquet's "customerId").
	Claims map[string]any
	// Params adds or overrides form parameters (an empty value list removes one).
	Params url.Values
	// HTTPClient, if nil, is taken from the context's oauth2.HTTPClient value
	// or is http.DefaultClient.
	HTTPClient *http.Client
	// Parser, if set, parses a non-RFC 6749 success answer.
	Parser TokenParser
	// Now, if set, replaces time.Now for "iat" and "exp".
	Now func() time.Time
}

// Assertion returns a signed assertion as Fetch would send it.
func (g AssertionGrant) Assertion() (string, error) {
	if g.Key == nil {
		return "", ErrNoSigningKey
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	life := g.Lifetime
	if life <= 0 {
		life = DefaultAssertionLifetime
	}
	iss := g.Issuer
	if iss == "" {
		iss = g.ClientID
	}
	t := now()
	std := jwt.Claims{Issuer: iss, Subject: g.Subject, IssuedAt: jwt.NewNumericDate(t), Expiry: jwt.NewNumericDate(t.Add(life))}
	if len(g.Audience) > 0 {
		std.Audience = jwt.Audience(g.Audience)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if g.KeyID != "" {
		opts = opts.WithHeader("kid", g.KeyID)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: g.Key}, opts)
	if err != nil {
		return "", fmt.Errorf("auth: assertion signer: %w", err)
	}
	b := jwt.Signed(signer).Claims(std)
	if len(g.Claims) > 0 {
		b = b.Claims(g.Claims)
	}
	raw, err := b.Serialize()
	if err != nil {
		return "", fmt.Errorf("auth: signing assertion: %w", err)
	}
	return raw, nil
}

// Fetch signs a new assertion and trades it for a token; current is ignored.
func (g AssertionGrant) Fetch(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	raw, err := g.Assertion()
	if err != nil {
		return nil, err
	}
	gt := g.GrantType
	if gt == "" {
		gt = GrantJWTBearer
	}
	form := url.Values{"grant_type": {gt}, "assertion": {raw}}
	return RequestToken(ctx, g.HTTPClient, g.Endpoint, g.ClientID, g.ClientSecret, mergeParams(form, g.Params), requestOptions(g.Parser, nil)...)
}
