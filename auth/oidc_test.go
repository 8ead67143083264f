package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

type fakeIdP struct {
	*fakeServer
	key    *rsa.PrivateKey
	signer jose.Signer
	// slash makes the server name its issuer with a trailing slash.
	slash bool
}

func (idp *fakeIdP) issuer() string {
	if idp.slash {
		return idp.URL + "/idp/"
	}
	return idp.URL + "/idp"
}

func newFakeIdP(t *testing.T, endSession bool) *fakeIdP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	idp := &fakeIdP{key: key}
	idp.signer, err = jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	idp.fakeServer = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ url.Values) {
		base := idp.URL + "/idp"
		switch r.URL.Path {
		case "/idp/.well-known/openid-configuration":
			d := map[string]any{
				"issuer": idp.issuer(), "authorization_endpoint": base + "/connect/authorize", "token_endpoint": base + "/connect/token",
				"jwks_uri": base + "/.well-known/openid-configuration/jwks", "userinfo_endpoint": base + "/connect/userinfo",
				"id_token_signing_alg_values_supported": []string{"RS256"},
			}
			if endSession {
				d["end_session_endpoint"] = base + "/connect/endsession"
			}
			writeJSON(w, 200, d)
		case "/idp/.well-known/openid-configuration/jwks":
			writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
		case "/idp/connect/userinfo":
			if r.Header.Get("Authorization") != "Bearer ui-token" {
				w.Header().Set("WWW-Authenticate", `Bearer,error="insufficient_scope"`)
				w.WriteHeader(403)
				return
			}
			writeJSON(w, 200, map[string]any{"sub": "u1", "email": "a@b.c", "company": "ACME"})
		default:
			http.NotFound(w, r)
		}
	})
	return idp
}

func (idp *fakeIdP) idToken(t *testing.T, aud, nonce string, exp time.Time) string {
	t.Helper()
	claims := map[string]any{"iss": idp.issuer(), "sub": "u1", "aud": aud, "exp": exp.Unix(), "iat": time.Now().Unix()}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	raw, err := jwt.Signed(idp.signer).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestOIDC(t *testing.T) {
	idp := newFakeIdP(t, true)
	ctx := context.Background()
	o, err := NewOIDC(ctx, idp.URL+"/idp", "client-1", WithOIDCHTTPClient(idp.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if ep := o.Endpoint(); ep.AuthURL != idp.URL+"/idp/connect/authorize" || ep.TokenURL != idp.URL+"/idp/connect/token" {
		t.Errorf("endpoint = %+v", ep)
	}
	if o.Provider() == nil {
		t.Error("no provider")
	}
	good := idp.idToken(t, "client-1", "n-1", time.Now().Add(time.Hour))
	it, err := o.Verify(ctx, good, "n-1")
	if err != nil || it.Subject != "u1" {
		t.Fatalf("verify: %v %v", it, err)
	}
	if _, err := o.Verify(ctx, good, ""); err != nil {
		t.Errorf("nonce not requested: %v", err)
	}
	if _, err := o.Verify(ctx, good, "other"); !errors.Is(err, ErrNonceMismatch) {
		t.Errorf("wrong nonce: %v", err)
	}
	if _, err := o.Verify(ctx, idp.idToken(t, "client-1", "", time.Now().Add(time.Hour)), "n-1"); !errors.Is(err, ErrNonceMismatch) {
		t.Errorf("missing nonce: %v", err)
	}
	if _, err := o.Verify(ctx, idp.idToken(t, "someone-else", "", time.Now().Add(time.Hour)), ""); err == nil {
		t.Error("wrong audience accepted")
	}
	if _, err := o.Verify(ctx, idp.idToken(t, "client-1", "", time.Now().Add(-time.Hour)), ""); err == nil {
		t.Error("expired token accepted")
	}
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	if _, err := o.Verify(ctx, tampered, ""); err == nil {
		t.Error("bad signature accepted")
	}
	// Clock option.
	o2, err := NewOIDC(ctx, idp.URL+"/idp", "client-1", WithOIDCHTTPClient(idp.Client()), WithOIDCClock(func() time.Time { return time.Now().Add(2 * time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o2.Verify(ctx, good, ""); err == nil {
		t.Error("clock ignored")
	}

	var ui struct {
		Sub, Email, Company string
	}
	if err := o.UserInfo(ctx, StaticToken("ui-token"), &ui); err != nil || ui.Sub != "u1" || ui.Company != "ACME" {
		t.Errorf("userinfo %+v %v", ui, err)
	}
	if err := o.UserInfo(ctx, StaticToken("no-scope"), &ui); err == nil || strings.Contains(err.Error(), "no-scope") {
		t.Errorf("userinfo 403: %v", err)
	}
	if err := o.UserInfo(ctx, StaticToken("ui-token"), make(chan int)); err == nil {
		t.Error("bad target accepted")
	}

	es, err := o.EndSessionURL("h.p.s", "https://app/bye", "st")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(es)
	if u.Path != "/idp/connect/endsession" || u.Query().Get("id_token_hint") != "h.p.s" || u.Query().Get("post_logout_redirect_uri") != "https://app/bye" || u.Query().Get("state") != "st" {
		t.Errorf("end session = %s", es)
	}
	es, _ = o.EndSessionURL("", "", "")
	if q := mustQuery(t, es); q.Get("client_id") != "client-1" || q.Has("id_token_hint") {
		t.Errorf("end session without hint = %s", es)
	}
}

func TestOIDCDiscoveryAndContextClient(t *testing.T) {
	idp := newFakeIdP(t, false)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, idp.Client())
	o, err := NewOIDC(ctx, idp.URL+"/idp", "c")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.EndSessionURL("x", "", ""); !errors.Is(err, ErrNoEndSession) {
		t.Errorf("err = %v", err)
	}
	if _, err := NewOIDC(ctx, idp.URL+"/wrong", "c"); err == nil {
		t.Error("missing discovery accepted")
	}
}

// An issuer given with or without a trailing slash works against a server
// that names it either way; ID tokens carrying the server's spelling verify.
func TestOIDCIssuerTrailingSlash(t *testing.T) {
	for _, serverSlash := range []bool{false, true} {
		idp := newFakeIdP(t, false)
		idp.slash = serverSlash
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, idp.Client())
		for _, given := range []string{idp.URL + "/idp", idp.URL + "/idp/"} {
			o, err := NewOIDC(ctx, given, "c")
			if err != nil {
				t.Fatalf("server slash %v, given %q: %v", serverSlash, given, err)
			}
			if _, err := o.Verify(ctx, idp.idToken(t, "c", "", time.Now().Add(time.Hour)), ""); err != nil {
				t.Errorf("server slash %v, given %q: verify: %v", serverSlash, given, err)
			}
		}
	}
}
