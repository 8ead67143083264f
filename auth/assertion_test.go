package auth_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

func TestAssertionGrantSignsAndPosts(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") != auth.GrantJWTBearer || r.PostForm.Get("client_id") != "app" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		tok, err := jwt.ParseSigned(r.PostForm.Get("assertion"), []jose.SignatureAlgorithm{jose.RS256})
		var c struct {
			jwt.Claims
			Tenant string `json:"tenant"`
		}
		if err != nil || tok.Claims(&key.PublicKey, &c) != nil || c.Issuer != "app" || c.Subject != "u1" ||
			c.Tenant != "acme" || c.Expiry.Time().Sub(c.IssuedAt.Time()) != 10*time.Minute || tok.Headers[0].KeyID != "k1" {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "at-1", "token_type": "Bearer", "expires_in": 60})
	}))
	defer srv.Close()
	g := auth.AssertionGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInParams},
		ClientID: "app", Key: key, KeyID: "k1", Subject: "u1", Lifetime: 10 * time.Minute,
		Claims: map[string]any{"tenant": "acme"}, Now: func() time.Time { return now }}
	tok, err := g.Fetch(context.Background(), nil)
	if err != nil || tok.AccessToken != "at-1" {
		t.Fatalf("fetch: %v %v", tok, err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	g.Key = other
	var te *auth.TokenError
	if _, err := g.Fetch(context.Background(), nil); !errors.As(err, &te) {
		t.Fatalf("wrong key: %v", err)
	}
	g.Key = nil
	if _, err := g.Fetch(context.Background(), nil); !errors.Is(err, auth.ErrNoSigningKey) {
		t.Fatalf("no key: %v", err)
	}
}
