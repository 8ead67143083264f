package auth

import "golang.org/x/oauth2"

// StaticToken returns a source of one never-expiring bearer token, such as a
// BidCore permanent token issued by hand in the IPONWEB SSO portal
// (https://docs.bidcore.iponweb.com/api/workflow.html).
func StaticToken(access string) oauth2.TokenSource {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: access, TokenType: "Bearer"})
}
