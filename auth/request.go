package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/internal/pipeline"
)

// ErrInsecureURL matches the error of a token or revocation request to a
// plain-http URL whose host is not a loopback address: RequestToken and
// Revoke refuse to send client secrets, passwords, codes and refresh tokens
// without TLS. Every oasuite vendor client refuses plain-http API URLs with
// an error matching it too.
var ErrInsecureURL = pipeline.ErrInsecureURL

// ErrForeignHost matches a token or revocation endpoint's redirect to
// another origin, and ErrInsecureRedirect one from https to http: neither is
// followed, since a 307/308 would re-send the form and its secrets.
var (
	ErrForeignHost      = pipeline.ErrForeignHost
	ErrInsecureRedirect = pipeline.ErrInsecureRedirect
)

// maxExpiresIn caps a token's lifetime at 100 years, so that a huge
// expires_in cannot overflow time.Duration into an expiry in the past.
const maxExpiresIn = 100 * 365 * 24 * 3600

// maxTokenBody bounds how much of a token endpoint's answer is read.
const maxTokenBody = 1 << 20

// TokenParser turns a successful (2xx) token-endpoint answer into a token.
// It is the hook for servers whose token body is not RFC 6749 JSON, such as
// Bouquet, whose /rs/token answers with its own AccessToken object
// (https://github.com/openbouquet model/AccessToken.java: access token in
// id.tokenId, expiry in expirationDateMillis). A parser that wants its
// extras persisted should attach them with [oauth2.Token.WithExtra] as a
// map[string]any; see [Extras].
type TokenParser func(body []byte, header http.Header) (*oauth2.Token, error)

// RequestOption adjusts one [RequestToken] or [Revoke] call.
type RequestOption func(*requestConfig)

type requestConfig struct {
	parser     TokenParser
	header     http.Header
	paramNames map[string]string
	now        func() time.Time
}

// WithTokenParser parses successful answers with p instead of the RFC 6749
// parser ([ParseTokenResponse]). Error answers (non-2xx) are still mapped to
// [*TokenError].
func WithTokenParser(p TokenParser) RequestOption {
	return func(c *requestConfig) { c.parser = p }
}

// WithRequestHeader adds a header to the token request (for example a
// vendor's own Accept or User-Agent).
func WithRequestHeader(key, value string) RequestOption {
	return func(c *requestConfig) {
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(key, value)
	}
}

// WithParamNames renames form parameters just before the request is sent:
// each key of names that is present in the form is sent under the mapped
// name instead. It is the general mechanism behind vendor spellings such as
// Procurios' legacy "redirect_url" for "redirect_uri".
func WithParamNames(names map[string]string) RequestOption {
	return func(c *requestConfig) { c.paramNames = names }
}

// TokenError is a failed answer of a token (or revocation) endpoint, as
// described in RFC 6749 section 5.2. Callers branch on it with errors.As.
//
// Its Error method shows only the HTTP status, the error code, the
// description and the URI, with any secret sent in the request (client
// secret, password, code, refresh token, PKCE verifier, assertion) blanked
// out; the raw body is never kept.
type TokenError struct {
	// StatusCode is the HTTP status of the answer (200 when a server
	// reports an error in a 200 body).
	StatusCode int
	// ErrorCode is the RFC 6749 "error" value, e.g. "invalid_grant"; empty
	// when the body was not an RFC 6749 error object.
	ErrorCode string
	// Description is the "error_description" value, if any.
	Description string
	// URI is the "error_uri" value, if any.
	URI string
	// Endpoint is the token (or revocation) endpoint that answered, without
	// query or credentials; empty when the error did not come from a request.
	Endpoint string
}

// Refused reports whether the OAuth server refused the request (a 4xx
// answer, or an RFC 6749 error in a 2xx body): the credentials, grant or
// client were rejected, as opposed to a server failure (5xx). A call whose
// login or refresh was refused matches each vendor package's ErrUnauthorized.
func (e *TokenError) Refused() bool {
	if e.StatusCode >= 400 && e.StatusCode <= 499 {
		return true
	}
	return (e.StatusCode == 0 || (e.StatusCode >= 200 && e.StatusCode <= 299)) && e.ErrorCode != ""
}

// Error describes the failure without any secret.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("auth: OAuth server ")
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint)
		b.WriteString(" ")
	}
	b.WriteString("answered ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
	} else {
		b.WriteString("an error")
	}
	if e.ErrorCode != "" {
		b.WriteString(": ")
		b.WriteString(e.ErrorCode)
	}
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.URI != "" {
		b.WriteString(" (")
		b.WriteString(e.URI)
		b.WriteString(")")
	}
	return b.String()
}

// secretParams are the form parameters whose values must never appear in an
// error string.
var secretParams = [...]string{
	"client_secret", "password", "code", "refresh_token", "code_verifier",
	"assertion", "client_assertion", "access_token", "token", "id_token",
}

// RequestToken posts params to endpoint.TokenURL and returns the token of the
// answer. It is the one place in the suite that talks to a token endpoint.
// A TokenURL that is not https, or plain http to a loopback address, is
// refused before anything is sent ([ErrInsecureURL]).
//
// Client authentication follows endpoint.AuthStyle: [oauth2.AuthStyleInHeader]
// sends HTTP Basic (RFC 6749 section 2.3.1, both parts form-escaped); any
// other style, including [oauth2.AuthStyleAutoDetect], sends client_id (and
// client_secret when not empty) in the form body. Values in params win over
// the ones RequestToken adds, so callers can override anything for a
// non-standard server.
//
// client may be nil: then the [oauth2.HTTPClient] value of ctx is used, else
// [http.DefaultClient]. The request carries Accept: application/json.
//
// A 2xx answer is parsed by [ParseTokenResponse] (or the [WithTokenParser]
// hook); every field of the answer stays reachable through
// [oauth2.Token.Extra] and [Extras]. A non-2xx answer, or a 2xx body holding
// an RFC 6749 "error", is a [*TokenError].
func RequestToken(ctx context.Context, client *http.Client, endpoint oauth2.Endpoint, clientID, clientSecret string, params url.Values, opts ...RequestOption) (*oauth2.Token, error) {
	cfg := requestConfig{now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	form := url.Values{}
	var basic bool
	if endpoint.AuthStyle == oauth2.AuthStyleInHeader {
		basic = true
	} else {
		if clientID != "" {
			form.Set("client_id", clientID)
		}
		if clientSecret != "" {
			form.Set("client_secret", clientSecret)
		}
	}
	form = mergeParams(form, params)
	secrets := collectSecrets(form, clientSecret)
	if basic && clientSecret != "" {
		// A server may echo the Authorization header back.
		secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID)+":"+url.QueryEscape(clientSecret))))
	}
	form = renameParams(form, cfg.paramNames)

	body, status, header, err := postForm(ctx, client, endpoint.TokenURL, form, basic, clientID, clientSecret, cfg.header)
	if err != nil {
		return nil, err
	}
	if status < 200 || status > 299 {
		te := parseTokenError(status, body)
		te.Endpoint = endpointName(endpoint.TokenURL)
		return nil, scrubTokenError(te, secrets)
	}
	var tok *oauth2.Token
	if cfg.parser != nil {
		tok, err = cfg.parser(body, header)
		if err != nil {
			return nil, fmt.Errorf("auth: parsing token response: %w", err)
		}
		if tok == nil || tok.AccessToken == "" {
			return nil, errors.New("auth: token parser returned no access token")
		}
		return tok, nil
	}
	tok, err = parseTokenResponse(body, header.Get("Content-Type"), cfg.now())
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			te.StatusCode = status
			te.Endpoint = endpointName(endpoint.TokenURL)
			return nil, scrubTokenError(te, secrets)
		}
		return nil, err
	}
	return tok, nil
}

// ParseTokenResponse parses a successful RFC 6749 token answer: JSON
// (section 5.1) or, when contentType says so or the body is not JSON,
// application/x-www-form-urlencoded. expires_in may be a number or a string;
// a missing or zero expires_in leaves Expiry zero (the token never expires
// for [oauth2.Token.Valid]). The whole answer is attached as the token's
// extra map, so tok.Extra("endpoint"), tok.Extra("id_token"),
// tok.Extra("scope") and any other field stay reachable. A body carrying an
// RFC 6749 "error" is returned as a [*TokenError].
func ParseTokenResponse(body []byte, contentType string) (*oauth2.Token, error) {
	return parseTokenResponse(body, contentType, time.Now())
}

func parseTokenResponse(body []byte, contentType string, now time.Time) (*oauth2.Token, error) {
	raw, err := decodeTokenBody(body, contentType)
	if err != nil {
		return nil, err
	}
	if code, _ := raw["error"].(string); code != "" {
		te := &TokenError{ErrorCode: code}
		te.Description, _ = raw["error_description"].(string)
		te.URI, _ = raw["error_uri"].(string)
		return nil, te
	}
	return tokenFromMap(raw, now)
}

// decodeTokenBody reads a token answer into a JSON-like map.
func decodeTokenBody(body []byte, contentType string) (map[string]any, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	form := mt == "application/x-www-form-urlencoded" || mt == "text/plain"
	if !form {
		var raw map[string]any
		if err := json.Unmarshal(body, &raw); err == nil && raw != nil {
			return raw, nil
		} else if mt == "application/json" || !looksLikeForm(body) {
			// Do not quote the body: it may hold a token.
			return nil, fmt.Errorf("auth: token response is not a JSON object (content type %q, %d bytes)", mt, len(body))
		}
	}
	vals, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		return nil, fmt.Errorf("auth: token response is not form-encoded (content type %q, %d bytes)", mt, len(body))
	}
	return valuesToMap(vals), nil
}

func looksLikeForm(body []byte) bool {
	s := string(body)
	return strings.Contains(s, "access_token=") || strings.Contains(s, "error=")
}

// valuesToMap flattens url.Values to a map of single strings (the first
// value of each key), the shape persisted by [MarshalToken].
func valuesToMap(vals url.Values) map[string]any {
	m := make(map[string]any, len(vals))
	for k := range vals {
		m[k] = vals.Get(k)
	}
	return m
}

// tokenFromMap builds a token from an RFC 6749 field map and attaches the
// map as the token's extras.
func tokenFromMap(raw map[string]any, now time.Time) (*oauth2.Token, error) {
	access, _ := raw["access_token"].(string)
	if access == "" {
		return nil, errors.New("auth: token response has no access_token")
	}
	tok := &oauth2.Token{AccessToken: access}
	tok.TokenType, _ = raw["token_type"].(string)
	tok.RefreshToken, _ = raw["refresh_token"].(string)
	if !utf8.ValidString(access) || !utf8.ValidString(tok.RefreshToken) || !utf8.ValidString(tok.TokenType) {
		// Such a token could not be persisted faithfully (MarshalToken is JSON).
		return nil, errors.New("auth: token response holds a token that is not valid UTF-8")
	}
	secs, err := expiresIn(raw["expires_in"])
	if err != nil {
		return nil, err
	}
	if secs > maxExpiresIn {
		secs = maxExpiresIn // beyond this, the expiry would overflow time.Duration
	}
	if secs > 0 {
		tok.ExpiresIn = secs
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
	}
	return tok.WithExtra(raw), nil
}

// expiresIn reads expires_in given as a JSON number or a string.
func expiresIn(v any) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case float64:
		return int64(x), nil
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("auth: bad expires_in %q: %w", x.String(), err)
		}
		return int64(f), nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("auth: bad expires_in %q", s)
		}
		return int64(f), nil
	default:
		return 0, fmt.Errorf("auth: bad expires_in of type %T", v)
	}
}

// parseTokenError maps an error answer's body to a TokenError; a body that is
// not an RFC 6749 error object leaves only the status.
func parseTokenError(status int, body []byte) *TokenError {
	te := &TokenError{StatusCode: status}
	var e struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
		URI         string `json:"error_uri"`
	}
	if json.Unmarshal(body, &e) == nil {
		if s, ok := e.Error.(string); ok {
			te.ErrorCode = s
		}
		te.Description, te.URI = e.Description, e.URI
		return te
	}
	if vals, err := url.ParseQuery(string(body)); err == nil && vals.Get("error") != "" {
		te.ErrorCode = vals.Get("error")
		te.Description = vals.Get("error_description")
		te.URI = vals.Get("error_uri")
	}
	return te
}

func collectSecrets(form url.Values, clientSecret string) []string {
	var out []string
	if clientSecret != "" {
		out = append(out, clientSecret)
	}
	for _, k := range secretParams {
		for _, v := range form[k] {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// scrubTokenError blanks any secret of the request that a server echoed into
// the error's text fields.
func scrubTokenError(te *TokenError, secrets []string) *TokenError {
	te.Endpoint = redact(te.Endpoint, secrets)
	te.ErrorCode = redact(te.ErrorCode, secrets)
	te.Description = redact(te.Description, secrets)
	te.URI = redact(te.URI, secrets)
	return te
}

// minSecretLen is the shortest secret value that is blanked out of error
// text; shorter values would garble ordinary words without hiding anything.
const minSecretLen = 4

func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= minSecretLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return s
}

func renameParams(form url.Values, names map[string]string) url.Values {
	if len(names) == 0 {
		return form
	}
	out := make(url.Values, len(form))
	for k, v := range form {
		if n, ok := names[k]; ok && n != "" {
			k = n
		}
		out[k] = append(out[k], v...)
	}
	return out
}

// httpClient picks the HTTP client: the explicit one, else the
// oauth2.HTTPClient context value, else http.DefaultClient.
func httpClient(ctx context.Context, c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	if ctx != nil {
		if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc != nil {
			return hc
		}
	}
	return http.DefaultClient
}

// postForm posts form to rawURL and returns the (bounded) body. Transport
// errors are returned without the form, which is never part of the URL.
func postForm(ctx context.Context, client *http.Client, rawURL string, form url.Values, basic bool, clientID, clientSecret string, extra http.Header) ([]byte, int, http.Header, error) {
	if rawURL == "" {
		return nil, 0, nil, errors.New("auth: no endpoint URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("auth: building request: %w", err)
	}
	if err := pipeline.CheckURL(req.URL); err != nil {
		return nil, 0, nil, fmt.Errorf("auth: %w", err) // the client secret never leaves over plain http
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	for k, vs := range extra {
		req.Header[k] = append([]string(nil), vs...)
	}
	if basic {
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(clientSecret))
	}
	resp, err := secureRedirects(httpClient(ctx, client)).Do(req)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("auth: posting to %s: %w", redactedURL(req.URL), stripURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return nil, 0, nil, fmt.Errorf("auth: reading answer of %s: %w", redactedURL(req.URL), err)
	}
	return body, resp.StatusCode, resp.Header, nil
}

// secureRedirects returns a shallow copy of c that also refuses to follow a
// redirect to a plain-http, non-loopback URL, from https to http, or to
// another origin ([ErrForeignHost]): a 307 or 308 re-sends the form, secrets
// included. c's own CheckRedirect (or the default limit of 10) still applies.
func secureRedirects(c *http.Client) *http.Client {
	cc := *c
	cc.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if err := pipeline.CheckURL(r.URL); err != nil {
			return err
		}
		if len(via) > 0 {
			first := via[0].URL
			if strings.EqualFold(first.Scheme, "https") && !strings.EqualFold(r.URL.Scheme, "https") {
				return ErrInsecureRedirect
			}
			if !pipeline.SameOrigin(first, r.URL) {
				return &pipeline.ForeignHostError{URL: pipeline.RedactURL(r.URL)}
			}
		}
		if c.CheckRedirect != nil {
			return c.CheckRedirect(r, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cc
}

// stripURLError unwraps *url.Error, whose message repeats the full URL
// (with any query a caller put in it); postForm names the redacted URL itself.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactedURL prints scheme, host and path only.
func redactedURL(u *url.URL) string {
	c := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	return c.String()
}

// endpointName is an endpoint URL as error text names it: scheme, host and
// path, without query, fragment or user info.
func endpointName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.RawQuery, u.Fragment, u.User, u.RawFragment, u.ForceQuery = "", "", nil, "", false
	return u.String()
}
