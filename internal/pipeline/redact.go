package pipeline

import (
	"net/url"
	"strings"
)

// Redacted replaces every secret value the pipeline removes from URLs.
const Redacted = "REDACTED"

// secretParams are query parameters that carry credentials in one vendor or
// another (Bouquet takes access_token in the query; OAuth callbacks carry code).
var secretParams = [...]string{
	"access_token", "refresh_token", "id_token", "token", "code", "code_verifier",
	"client_secret", "password", "assertion", "squidapitoken", "api_key", "apikey",
	"key", "id_token_hint",
}

// IsSecretParam reports whether a query or form parameter name carries a
// credential and must never be printed.
func IsSecretParam(name string, extra ...string) bool {
	for _, s := range secretParams {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	for _, s := range extra {
		if strings.EqualFold(name, s) {
			return true
		}
	}
	return false
}

// RedactURL returns u as a string with the values of credential-carrying query
// parameters (and extra ones) replaced by [Redacted], any user:password part
// removed, and a fragment holding a token redacted whole. It never modifies u.
func RedactURL(u *url.URL, extra ...string) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = Redacted
		} else {
			changed := false
			for k, vs := range q {
				if IsSecretParam(k, extra...) {
					for i := range vs {
						vs[i] = Redacted
					}
					changed = true
				}
			}
			if changed {
				c.RawQuery = q.Encode()
			}
		}
	}
	if c.Fragment != "" || c.RawFragment != "" {
		c.Fragment, c.RawFragment = Redacted, ""
	}
	return c.String()
}

// redactString redacts a URL given as a string; anything unparsable is
// replaced whole, since it may hold a secret.
func redactString(s string, extra ...string) string {
	u, err := url.Parse(s)
	if err != nil {
		return Redacted
	}
	return RedactURL(u, extra...)
}
