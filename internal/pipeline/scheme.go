package pipeline

import (
	"errors"
	"net/url"
)

// ErrInsecureURL matches every *InsecureURLError with errors.Is. Package auth
// re-exports it (auth.ErrInsecureURL), so callers of any vendor client, and of
// auth's token calls, can branch on it: credentials only travel over TLS, or
// over plain http to a loopback address (fakes, tests, RFC 8252 redirects).
var ErrInsecureURL = errors.New("oasuite: refusing plain http to a non-loopback host")

// Is makes an InsecureURLError match ErrInsecureURL.
func (e *InsecureURLError) Is(target error) bool { return target == ErrInsecureURL }

// CheckURL returns an *InsecureURLError (matching ErrInsecureURL) unless u is
// https, or plain http to a loopback host. The URL in the error is redacted
// (RedactURL with extra). It is the check the transport applies to every API
// request and auth applies to every token-endpoint request.
func CheckURL(u *url.URL, extra ...string) error {
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return &InsecureURLError{URL: RedactURL(u, extra...)}
}
