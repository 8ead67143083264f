package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// The login grants the command knows. A vendor lists the ones it supports,
// its default first.
const (
	grantCode     = "code"     // authorization code with PKCE through a loopback redirect
	grantPassword = "password" // resource-owner password
	grantClient   = "client"   // client credentials
)

// grantTitle is how a grant is named in messages.
func grantTitle(g string) string {
	switch g {
	case grantCode:
		return "authorization code"
	case grantPassword:
		return "password"
	case grantClient:
		return "client credentials"
	}
	return g
}

// vendor is one vendor's part of login, token, call and sandbox. Each lives
// in vendor_<name>.go and is listed in vendors.
type vendor interface {
	// info names the vendor and lists its grants and settings.
	info() vendorInfo
	// sandbox starts the vendor's fake on loopback.
	sandbox(ctx context.Context) (*fake, error)
	// login obtains a token with s.grant.
	login(ctx context.Context, s *session) (*oauth2.Token, error)
	// renewer returns what replaces a stored token obtained with s.grant
	// once it expires. It must not ask for secrets before it is used.
	renewer(s *session) (auth.Fetcher, error)
	// api builds the vendor's client on ts and returns the way to send a
	// raw request through its pipeline.
	api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error)
}

// revoker is a vendor whose server can revoke a token (`oasuite logout`
// calls it before removing the stored token).
type revoker interface {
	revoke(ctx context.Context, s *session, tok *oauth2.Token) error
}

// vendorInfo describes a vendor to the command.
type vendorInfo struct {
	name     string // command-line name, e.g. "procurios"
	title    string // display name, e.g. "Procurios"
	grants   []string
	settings []setting
	// examples are the vendor's own examples of a command ("login",
	// "call"), shown by `oasuite <command> <vendor> --help`.
	examples map[string]string
	// skew is how early a stored token is renewed (0: auth.DefaultSkew).
	skew time.Duration
}

// setting is one piece of a vendor's configuration: flag --<key>, or the
// environment variable <VENDOR>_<KEY> (upper case, '-' as '_').
type setting struct {
	key   string
	usage string
	def   string
	// secret settings (client secrets, passwords) are read from the
	// environment or the terminal only: no flag, never saved, never printed
	// except by `oasuite sandbox` for the fakes' own test credentials.
	secret bool
}

// redirectUsage describes the redirect-url setting of code logins.
const redirectUsage = "the registered redirect: a loopback one such as http://127.0.0.1:8765/callback, or an app's https callback whose address you paste back (default: a loopback one on a random port)"

// envName is the environment variable of a vendor setting.
func envName(vendorName, key string) string {
	return strings.ToUpper(vendorName + "_" + strings.ReplaceAll(key, "-", "_"))
}

// fake is a vendor fake started by `oasuite sandbox` or --sandbox.
type fake struct {
	// url is the API base URL shown to the user.
	url string
	// values are the settings that point at the fake, with its test
	// credentials.
	values map[string]string
	// grant is the grant --sandbox uses when none is asked for.
	grant string
	// notes are shown by `oasuite sandbox` under the vendor's URL.
	notes []string
	// browse plays the user in the browser for --sandbox logins; nil: the
	// generic player (GET the authorize URL, follow redirects).
	browse func(ctx context.Context, authURL string) error
	close  func()
	// tamper is the fake's Tamper: tests make it drift from the spec.
	tamper func(operationID, from, to string, status int)
}

// rawAPI sends a raw request through a vendor client's pipeline (retry,
// token, vendor headers, error mapping).
type rawAPI struct {
	// base is the API base URL; a call's path is appended to it.
	base string
	// do is the vendor client's Do: the whole pipeline, and a non-2xx
	// answer mapped to the vendor's typed error.
	do func(req *http.Request) (*http.Response, error)
}

// freeLoopbackRedirect picks a free loopback port for a fake's registered
// redirect URI (for fakes that, like the real servers, match the port).
func freeLoopbackRedirect() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", err
	}
	return "http://" + addr + "/callback", nil
}

// vendors lists every vendor the command supports, in the suite's order.
func vendors() []vendor {
	return []vendor{
		bidcoreVendor{},
		bqecoreVendor{},
		bouquetVendor{},
		beproductVendor{},
		procuriosVendor{},
	}
}

// vendorNames lists the names of vendors().
func vendorNames() []string {
	var names []string
	for _, v := range vendors() {
		names = append(names, v.info().name)
	}
	return names
}

// findVendor returns the vendor called name.
func findVendor(name string) (vendor, error) {
	for _, v := range vendors() {
		if v.info().name == strings.ToLower(name) {
			return v, nil
		}
	}
	have := vendorNames()
	sort.Strings(have)
	return nil, fmt.Errorf("unknown vendor %q (have %s)", name, strings.Join(have, ", "))
}

// hasGrant reports whether grants holds g.
func hasGrant(grants []string, g string) bool {
	for _, x := range grants {
		if x == g {
			return true
		}
	}
	return false
}

// splitScopes reads a space- or comma-separated scope list.
func splitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}
