package bqecoretest

import (
	"net/url"
	"strings"
)

// RedirectMatches is BQE CORE's redirect-URI rule
// (https://api-explorer.bqecore.com/docs/getting-started, step 2): the scheme,
// host and path of the given URI must equal the registered one exactly
// (trailing slash and case included); the given URI may append query
// parameters, but a registered query must be present first and in the same
// order. Fragments are never accepted.
func RedirectMatches(registered, given string) bool {
	r, err1 := url.Parse(registered)
	g, err2 := url.Parse(given)
	if err1 != nil || err2 != nil || r.Scheme == "" || r.Host == "" || g.Fragment != "" || strings.Contains(given, "#") {
		return false
	}
	if r.Scheme != g.Scheme || r.Host != g.Host || r.EscapedPath() != g.EscapedPath() || g.User != nil {
		return false
	}
	rq, gq := r.RawQuery, g.RawQuery
	if rq == "" {
		return true
	}
	return gq == rq || strings.HasPrefix(gq, rq+"&")
}
