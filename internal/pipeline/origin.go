package pipeline

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// The one rule for where credentials may go, used by the transport (every
// redirect hop), by Resolve (Client.Do with an absolute URL) and by every
// iterator that follows a server-given link ("next", _links.next).
//
// An origin is scheme + host + port. Two URLs have the same origin when their
// schemes are equal ignoring case, their host names are equal ignoring case
// and one trailing dot (the same DNS name), and their ports are equal once a
// missing port is read as the scheme's default (443, 80). Any user info in
// the URL ("https://api.host@other/") makes it foreign, whatever its host; a
// host that is not plain ASCII is compared byte for byte after lower-casing
// ASCII letters, so a look-alike IDN never matches an ASCII host.

// ErrInsecureRedirect is returned when a server redirects an https request
// to plain http: the redirect is not followed.
var ErrInsecureRedirect = errors.New("oasuite: refusing a redirect from https to plain http")

// Origin returns u's origin as "scheme://host:port", normalised as above, or
// "" when u has no host.
func Origin(u *url.URL) string {
	if u == nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// SameOrigin reports whether link may receive the credentials meant for
// base: same origin and no user info in link.
func SameOrigin(base, link *url.URL) bool {
	if link == nil || base == nil || link.User != nil {
		return false
	}
	o := Origin(link)
	return o != "" && o == Origin(base)
}

// CheckLink resolves a server-given link (absolute, or relative to from)
// and returns it when it stays on base's origin; otherwise a
// *ForeignHostError, so that the next request, which carries the token,
// is never sent.
func CheckLink(base, from *url.URL, link string, redact ...string) (*url.URL, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return nil, &ForeignHostError{URL: "(unparsable link)"}
	}
	if from == nil {
		from = base
	}
	u := from.ResolveReference(ref)
	if !SameOrigin(base, u) {
		return nil, &ForeignHostError{URL: RedactURL(u, redact...)}
	}
	return u, nil
}

// firstRequest returns the request a redirect chain started from (req
// itself when req is not a redirect hop).
func firstRequest(req *http.Request) *http.Request {
	for i := 0; req.Response != nil && req.Response.Request != nil && i < 32; i++ {
		req = req.Response.Request
	}
	return req
}

// hopPolicy says what a request may carry: credentials only when it is the
// request the client built or a redirect hop on that request's origin; a
// hop from https to http is refused.
func hopPolicy(req *http.Request) (credentials bool, err error) {
	if req.Response == nil {
		return true, nil
	}
	first := firstRequest(req)
	if strings.EqualFold(first.URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
		return false, ErrInsecureRedirect
	}
	return SameOrigin(first.URL, req.URL), nil
}
