package endpoints

import (
	"testing"

	"golang.org/x/oauth2"
)

func TestEndpoints(t *testing.T) {
	cases := []struct {
		name        string
		got         oauth2.Endpoint
		auth, token string
	}{
		{"bqe", BQECore, "https://api-identity.bqecore.com/idp/connect/authorize", "https://api-identity.bqecore.com/idp/connect/token"},
		{"beproduct", BeProduct, "https://id.winks.io/ids/connect/authorize", "https://id.winks.io/ids/connect/token"},
		{"bidcore", BidCore, "", "https://uauth.iponweb.com/oauth2/token/"},
		{"procurios host", Procurios("members.example.org"), "https://members.example.org/l/oauth2/authorize", "https://members.example.org/l/oauth2/token"},
		{"procurios url", Procurios("https://members.example.org/"), "https://members.example.org/l/oauth2/authorize", "https://members.example.org/l/oauth2/token"},
		{"procurios http", Procurios("http://127.0.0.1:8080"), "http://127.0.0.1:8080/l/oauth2/authorize", "http://127.0.0.1:8080/l/oauth2/token"},
		{"bouquet", Bouquet("https://demo.openbouquet.io/release/v4.2/"), "https://demo.openbouquet.io/release/v4.2/oauth", "https://demo.openbouquet.io/release/v4.2/rs/token"},
	}
	for _, c := range cases {
		if c.got.AuthURL != c.auth || c.got.TokenURL != c.token {
			t.Errorf("%s: %+v", c.name, c.got)
		}
		if c.got.AuthStyle != oauth2.AuthStyleInParams {
			t.Errorf("%s: auth style %v, want in params (the vendors document form-body client credentials)", c.name, c.got.AuthStyle)
		}
	}
	for got, want := range map[string]string{
		BQECoreIssuer:          "https://api-identity.bqecore.com/idp",
		BQECoreRevocationURL:   "https://api-identity.bqecore.com/idp/connect/revocation",
		BQECoreUserInfoURL:     "https://api-identity.bqecore.com/idp/connect/userinfo",
		BeProductIssuer:        "https://id.winks.io/ids",
		BeProductUserInfoURL:   "https://id.winks.io/ids/connect/userinfo",
		BeProductEndSessionURL: "https://id.winks.io/ids/connect/endsession",
	} {
		if got != want {
			t.Errorf("%s != %s", got, want)
		}
	}
}
