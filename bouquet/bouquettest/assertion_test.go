package bouquettest_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oasuite/sdk/bouquet/bouquettest"
)

// registerKey stores the public half of a new key on TestClientID, through
// the API as an administrator would.
func registerKey(t *testing.T, f *bouquettest.Server) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	body, _ := json.Marshal(map[string]any{"name": "Bouquet app", "urls": []string{bouquettest.TestSiteURL},
		"jwtkeyPublic": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))})
	req, _ := http.NewRequest(http.MethodPut, f.BaseURL()+"/rs/clients/"+bouquettest.TestClientID, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+login(t, f)["access_token"].(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	decode(t, resp, http.StatusOK)
	return k
}

func sign(t *testing.T, k *rsa.PrivateKey, c jwt.Claims) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jwt.Signed(s).Claims(c).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestAssertionChecks(t *testing.T) {
	now := time.Now()
	f := bouquettest.NewServer(bouquettest.WithClock(func() time.Time { return now }))
	defer f.Close()
	k := registerKey(t, f)
	exp := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(now.Add(d)) }
	good := jwt.Claims{Issuer: bouquettest.TestClientID, Subject: bouquettest.OtherUserID, Expiry: exp(time.Minute)}
	post := func(form url.Values) *http.Response {
		resp, err := http.PostForm(f.BaseURL()+"/rs/token", form)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	at := decode(t, post(url.Values{"grant_type": {"sso"}, "client_id": {bouquettest.TestClientID}, "assertion": {sign(t, k, good)}}), http.StatusOK)
	if at["userId"] != bouquettest.OtherUserID || at["clientId"] != bouquettest.TestClientID {
		t.Fatalf("token: %v", at)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	expired := good
	expired.Expiry = exp(-31 * time.Second)
	skewed := good
	skewed.Expiry = exp(-20 * time.Second)
	noSub := good
	noSub.Subject = ""
	noExp := good
	noExp.Expiry = nil
	unknown := good
	unknown.Subject = "u-nobody"
	for name, tc := range map[string]struct {
		raw, client string
		want        int
	}{
		"other key":       {sign(t, other, good), bouquettest.TestClientID, http.StatusForbidden},
		"expired":         {sign(t, k, expired), "", http.StatusForbidden},
		"within skew":     {sign(t, k, skewed), "", http.StatusOK},
		"no subject":      {sign(t, k, noSub), "", http.StatusForbidden},
		"no expiry":       {sign(t, k, noExp), "", http.StatusForbidden},
		"unknown subject": {sign(t, k, unknown), "", http.StatusForbidden},
		"client mismatch": {sign(t, k, good), bouquettest.OtherClientID, http.StatusForbidden},
		"not a JWT":       {"abc", "", http.StatusForbidden},
	} {
		if tc.client == "" {
			tc.client = bouquettest.TestClientID
		}
		form := url.Values{"grant_type": {"sso"}, "assertion": {tc.raw}, "client_id": {tc.client}}
		resp := post(form)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.want)
		}
	}
}
