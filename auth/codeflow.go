package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
)

// ErrStateMismatch means a callback's state is missing or is not the one the
// login attempt sent: the callback may be forged (CSRF), and no request is
// made for it.
var ErrStateMismatch = errors.New("auth: callback state does not match the login attempt")

// CallbackError is an error redirect from the authorization server
// (RFC 6749 section 4.1.2.1), e.g. the user denied access.
type CallbackError struct {
	// Code is the "error" value, e.g. "access_denied".
	Code string
	// Description is "error_description", if any.
	Description string
	// URI is "error_uri", if any.
	URI string
}

// Error describes the refusal.
func (e *CallbackError) Error() string {
	s := "auth: authorization failed: " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	if e.URI != "" {
		s += " (" + e.URI + ")"
	}
	return s
}

// CodeFlow is the authorization-code grant (RFC 6749 section 4.1) with
// state, PKCE S256 (RFC 7636), an optional OpenID Connect nonce and the
// parameter quirks of non-standard servers.
//
// Procurios' legacy documentation (authorize with grant_type=code and
// redirect_url, token call with grant_type=code) is written as:
//
//	auth.CodeFlow{
//		ParamNames:   map[string]string{"response_type": "grant_type", "redirect_uri": "redirect_url"},
//		GrantType:    "code",
//		...
//	}
//
// A CodeFlow is a value; copy it freely. [LoopbackLogin] runs it for
// command-line tools.
type CodeFlow struct {
	// Endpoint holds the authorize and token URLs and the client
	// authentication style of the token call.
	Endpoint     oauth2.Endpoint
	ClientID     string
	ClientSecret string
	// RedirectURL is sent as redirect_uri on both calls (omitted if empty).
	RedirectURL string
	// Scopes are sent space-separated.
	Scopes []string
	// DisablePKCE turns off PKCE S256 (on by default) for servers that
	// reject code_challenge.
	DisablePKCE bool
	// Nonce adds an OpenID Connect nonce to the authorize URL; check it with
	// [OIDC.Verify].
	Nonce bool
	// ResponseType replaces "code" as the authorize URL's response_type.
	ResponseType string
	// GrantType replaces "authorization_code" in the token call.
	GrantType string
	// ParamNames renames parameters on the authorize URL and in the token
	// call (standard name → name sent), e.g. "redirect_uri" → "redirect_url".
	ParamNames map[string]string
	// AuthParams adds or overrides authorize URL parameters (standard names;
	// an empty value list removes one), e.g. prompt, acr_values.
	AuthParams url.Values
	// TokenParams adds or overrides token call parameters likewise.
	TokenParams url.Values
	// HTTPClient, if nil, is taken from the context's oauth2.HTTPClient value
	// or is http.DefaultClient.
	HTTPClient *http.Client
	// Parser, if set, parses a non-RFC 6749 token answer.
	Parser TokenParser
}

// Attempt is one login attempt: the URL to send the user to and what the
// callback must be checked against. It is JSON-serialisable, so a web app
// can keep it in a session between the redirect and the callback.
type Attempt struct {
	// URL is the authorize URL to open.
	URL string `json:"url"`
	// State is the state sent (see [EncodeState]).
	State string `json:"state"`
	// Verifier is the PKCE code verifier ("" when PKCE is disabled).
	Verifier string `json:"verifier,omitempty"`
	// Nonce is the OpenID Connect nonce ("" unless CodeFlow.Nonce).
	Nonce string `json:"nonce,omitempty"`
	// RedirectURL is the redirect URI the attempt used.
	RedirectURL string `json:"redirect_url,omitempty"`
}

// Start begins a login: it makes a fresh state carrying payload (nil for
// none), a PKCE verifier and a nonce as configured, and the authorize URL.
func (f CodeFlow) Start(payload any) (*Attempt, error) {
	state, err := EncodeState(payload)
	if err != nil {
		return nil, err
	}
	a := &Attempt{State: state, RedirectURL: f.RedirectURL}
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {f.ClientID},
		"state":         {state},
	}
	if f.ResponseType != "" {
		q.Set("response_type", f.ResponseType)
	}
	if f.RedirectURL != "" {
		q.Set("redirect_uri", f.RedirectURL)
	}
	if len(f.Scopes) > 0 {
		q.Set("scope", strings.Join(f.Scopes, " "))
	}
	if !f.DisablePKCE {
		a.Verifier = oauth2.GenerateVerifier()
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(a.Verifier))
		q.Set("code_challenge_method", "S256")
	}
	if f.Nonce {
		a.Nonce = randomString(16)
		q.Set("nonce", a.Nonce)
	}
	q = renameParams(mergeParams(q, f.AuthParams), f.ParamNames)
	if f.Endpoint.AuthURL == "" {
		return nil, errors.New("auth: code flow has no authorize URL")
	}
	u, err := url.Parse(f.Endpoint.AuthURL)
	if err != nil {
		return nil, fmt.Errorf("auth: bad authorize URL: %w", err)
	}
	// Keep any query the authorize URL already has.
	if u.RawQuery != "" {
		base := u.Query()
		for k, v := range q {
			base[k] = v
		}
		q = base
	}
	u.RawQuery = q.Encode()
	a.URL = u.String()
	return a, nil
}

// ParseCallback checks a redirect's query against the expected state and
// returns the authorization code. A missing or different state gives
// [ErrStateMismatch] (checked first, in constant time); an error redirect
// gives a [*CallbackError].
func ParseCallback(query url.Values, wantState string) (string, error) {
	if err := checkState(query.Get("state"), wantState); err != nil {
		return "", err
	}
	if code := query.Get("error"); code != "" {
		return "", &CallbackError{Code: code, Description: query.Get("error_description"), URI: query.Get("error_uri")}
	}
	code := query.Get("code")
	if code == "" {
		return "", errors.New("auth: callback has neither code nor error")
	}
	return code, nil
}

func checkState(got, want string) error {
	if want == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrStateMismatch
	}
	return nil
}

// Exchange checks the callback query against the attempt (see
// [ParseCallback]) and trades the code for a token, sending the PKCE
// verifier. No request is made when the state does not match.
func (f CodeFlow) Exchange(ctx context.Context, attempt *Attempt, callbackQuery url.Values) (*oauth2.Token, error) {
	if attempt == nil {
		return nil, errors.New("auth: no login attempt")
	}
	code, err := ParseCallback(callbackQuery, attempt.State)
	if err != nil {
		return nil, err
	}
	return f.ExchangeCode(ctx, code, attempt.Verifier, attempt.RedirectURL)
}

// ExchangeCode trades an already-checked authorization code for a token.
// verifier is the PKCE verifier ("" for none); redirectURL, if empty,
// defaults to f.RedirectURL.
func (f CodeFlow) ExchangeCode(ctx context.Context, code, verifier, redirectURL string) (*oauth2.Token, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}}
	if f.GrantType != "" {
		form.Set("grant_type", f.GrantType)
	}
	if redirectURL == "" {
		redirectURL = f.RedirectURL
	}
	if redirectURL != "" {
		form.Set("redirect_uri", redirectURL)
	}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return RequestToken(ctx, f.HTTPClient, f.Endpoint, f.ClientID, f.ClientSecret, mergeParams(form, f.TokenParams), requestOptions(f.Parser, f.ParamNames)...)
}

// RefreshGrant returns the refresh grant for the same client, to wrap the
// exchanged token in a [Source]:
//
//	src := auth.NewSource(flow.RefreshGrant(), auth.WithToken(tok))
func (f CodeFlow) RefreshGrant() RefreshGrant {
	return RefreshGrant{Endpoint: f.Endpoint, ClientID: f.ClientID, ClientSecret: f.ClientSecret, HTTPClient: f.HTTPClient, Parser: f.Parser}
}
