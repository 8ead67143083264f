// Package endpoints holds the OAuth 2.0 endpoints of the vendors oasuite
// covers, as plain values in the manner of golang.org/x/oauth2/endpoints.
// Every value follows the vendors' public documentation, cited beside each
// value and in docs/<vendor>.md.
package endpoints

import (
	"strings"

	"golang.org/x/oauth2"
)

// BQE CORE identity server (IdentityServer), from the BQEDeveloper sample
// apps and https://api-explorer.bqecore.com/docs/authentication-authorization.
// Client credentials go in the form body.
var BQECore = oauth2.Endpoint{
	AuthURL:   "https://api-identity.bqecore.com/idp/connect/authorize",
	TokenURL:  "https://api-identity.bqecore.com/idp/connect/token",
	AuthStyle: oauth2.AuthStyleInParams,
}

const (
	// BQECoreIssuer is the OpenID Connect issuer of BQE CORE (discovery at
	// BQECoreIssuer + "/.well-known/openid-configuration").
	BQECoreIssuer = "https://api-identity.bqecore.com/idp"
	// BQECoreRevocationURL is BQE CORE's RFC 7009 revocation endpoint (form body only).
	BQECoreRevocationURL = "https://api-identity.bqecore.com/idp/connect/revocation"
	// BQECoreUserInfoURL is BQE CORE's OpenID Connect userinfo endpoint.
	BQECoreUserInfoURL = "https://api-identity.bqecore.com/idp/connect/userinfo"
)

// BeProduct identity server (IdentityServer at id.winks.io), from the
// BeProduct API overview and its Python and TypeScript SDKs.
var BeProduct = oauth2.Endpoint{
	AuthURL:   "https://id.winks.io/ids/connect/authorize",
	TokenURL:  "https://id.winks.io/ids/connect/token",
	AuthStyle: oauth2.AuthStyleInParams,
}

const (
	// BeProductIssuer is the OpenID Connect issuer of BeProduct.
	BeProductIssuer = "https://id.winks.io/ids"
	// BeProductUserInfoURL is BeProduct's OpenID Connect userinfo endpoint.
	BeProductUserInfoURL = "https://id.winks.io/ids/connect/userinfo"
	// BeProductEndSessionURL is BeProduct's logout (end session) endpoint.
	BeProductEndSessionURL = "https://id.winks.io/ids/connect/endsession"
)

// BidCore is IPONWEB's uauth token endpoint (password grant, no refresh
// token; scope "service_id=<service host>"), from
// https://docs.bidcore.iponweb.com/api/workflow.html. The trailing slash is
// part of the URL.
var BidCore = oauth2.Endpoint{
	TokenURL:  "https://uauth.iponweb.com/oauth2/token/",
	AuthStyle: oauth2.AuthStyleInParams,
}

// Procurios returns the OAuth endpoints of a Procurios customer host:
// https://<host>/l/oauth2/authorize and /l/oauth2/token. host may be a bare
// host name ("members.example.org") or a base URL with scheme
// ("https://members.example.org"); a trailing slash is ignored.
func Procurios(host string) oauth2.Endpoint {
	base := strings.TrimRight(host, "/")
	if !strings.Contains(base, "://") {
		base = "https://" + base
	}
	return oauth2.Endpoint{
		AuthURL:   base + "/l/oauth2/authorize",
		TokenURL:  base + "/l/oauth2/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// Bouquet returns the OAuth endpoints of a Bouquet server given its API base
// (scheme, host, api and version, e.g. "https://demo.openbouquet.io/release/v4.2"):
// the token endpoint base + "/rs/token" (bouquet-server CustomerServiceRest)
// and the OAuth dialog base + "/oauth" (the API introduction's
// /{version}/oauth). Bouquet's token answer is not RFC 6749 JSON: pass a
// parser for it (auth.WithTokenParser or the grants' Parser field).
func Bouquet(base string) oauth2.Endpoint {
	base = strings.TrimRight(base, "/")
	return oauth2.Endpoint{
		AuthURL:   base + "/oauth",
		TokenURL:  base + "/rs/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}
