package auth

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// ParseFragment reads the URL fragment of an implicit-grant redirect
// (RFC 6749 section 4.2.2) or of an OpenID Connect "id_token token"
// answer: access_token, token_type, expires_in, id_token, scope, state.
// fragment may be the bare fragment, start with '#', or be the whole
// redirect URL. Bouquet's client-side flow and BeProduct's
// response_type=id_token token answer this way.
//
// The state must equal wantState ([ErrStateMismatch] otherwise, checked
// first); an error answer gives a [*CallbackError]. Every field stays
// reachable through tok.Extra (e.g. "id_token", "scope") and [Extras].
// A fragment with an id_token but no access_token is an error: use
// [OIDC.Verify] on the id_token directly for response_type=id_token.
func ParseFragment(fragment, wantState string) (*oauth2.Token, error) {
	if i := strings.IndexByte(fragment, '#'); i >= 0 {
		fragment = fragment[i+1:]
	}
	vals, err := url.ParseQuery(fragment)
	if err != nil {
		return nil, errors.New("auth: malformed redirect fragment")
	}
	if err := checkState(vals.Get("state"), wantState); err != nil {
		return nil, err
	}
	if code := vals.Get("error"); code != "" {
		return nil, &CallbackError{Code: code, Description: vals.Get("error_description"), URI: vals.Get("error_uri")}
	}
	raw := valuesToMap(vals)
	tok, err := tokenFromMap(raw, time.Now())
	if err != nil {
		return nil, fmt.Errorf("auth: redirect fragment: %w", err)
	}
	return tok, nil
}
