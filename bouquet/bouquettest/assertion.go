package bouquettest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oasuite/sdk/internal/fakekit"
)

// assertionClaims are the claims Bouquet reads from a login assertion.
type assertionClaims struct {
	jwt.Claims
	CustomerID string `json:"customerId,omitempty"`
	APIKey     string `json:"apiKey,omitempty"`
}

// assertionLeeway is the clock skew bouquet-server allows (30 s).
const assertionLeeway = 30 * time.Second

// assertionGrant checks a /rs/token assertion as bouquet-server does: the
// issuer names the client (and must be the client_id when one is sent), an
// RS256 signature by the client's jwtkeyPublic (or, for an API key, by the
// fake's own key, the key still existing), an expiry within 30 s of now, a
// subject that is a known user.
func (s *Server) assertionGrant(raw, clientID string) (*fakekit.Grant, error) {
	tok, err := jwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, errors.New("invalid JWT")
	}
	var first assertionClaims
	if err := tok.UnsafeClaimsWithoutVerification(&first); err != nil || first.Issuer == "" {
		return nil, errors.New("invalid JWT claim")
	}
	if clientID != "" && clientID != first.Issuer {
		return nil, errors.New("the requesting client does not match the assertion")
	}
	key, err := s.assertionKey(first)
	if err != nil {
		return nil, err
	}
	var c assertionClaims
	if err := tok.Claims(key, &c); err != nil {
		return nil, errors.New("invalid JWT")
	}
	if c.Expiry == nil || c.Subject == "" {
		return nil, errors.New("invalid JWT claim")
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Time: s.now()}, assertionLeeway); err != nil {
		return nil, errors.New("invalid JWT")
	}
	u, ok := s.oauth.UserByID(c.Subject)
	if !ok {
		return nil, errors.New("invalid JWT claim")
	}
	return &fakekit.Grant{ClientID: c.Issuer, UserID: u.ID, Login: u.Login, GrantType: "sso"}, nil
}

// assertionKey is the key that must have signed an assertion: the fake's own
// for a live API key, else the issuing client's registered public key.
func (s *Server) assertionKey(c assertionClaims) (any, error) {
	if c.APIKey != "" {
		if _, ok := s.store.get(key(kAPIKey.name, nil), c.APIKey); !ok {
			return nil, errors.New("invalid JWT")
		}
		k, err := s.signingKey()
		if err != nil {
			return nil, err
		}
		return &k.PublicKey, nil
	}
	client, ok := s.store.get(key(kClient.name, nil), c.Issuer)
	if !ok {
		return nil, errors.New("invalid JWT claim")
	}
	block, _ := pem.Decode([]byte(str(client["jwtkeyPublic"])))
	if block == nil {
		return nil, errors.New("the client has no jwtkeyPublic")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("the client's jwtkeyPublic is not a public key")
	}
	return pub, nil
}

// signingKey is the fake's API-key signing key, made on first use.
func (s *Server) signingKey() (*rsa.PrivateKey, error) {
	s.keyOnce.Do(func() { s.apiKey, s.keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return s.apiKey, s.keyErr
}

// signAPIKey makes an API key: a JWT (iss client, sub user, apiKey id) the
// fake signs, valid a year.
func (s *Server) signAPIKey(client, user, id string, now time.Time) (string, error) {
	k, err := s.signingKey()
	if err != nil {
		return "", err
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, nil)
	if err != nil {
		return "", err
	}
	c := assertionClaims{Claims: jwt.Claims{Issuer: client, Subject: user, IssuedAt: jwt.NewNumericDate(now),
		Expiry: jwt.NewNumericDate(now.AddDate(1, 0, 0))}, APIKey: id}
	return jwt.Signed(sig).Claims(c).Serialize()
}
