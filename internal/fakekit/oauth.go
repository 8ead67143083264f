package fakekit

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Grant types known to the OAuth server. Custom grants (BeProduct "actas", Bouquet "sso")
// are any other string registered in OAuthConfig.CustomGrants.
const (
	GrantAuthorizationCode = "authorization_code"
	GrantRefreshToken      = "refresh_token"
	GrantPassword          = "password"
	GrantClientCredentials = "client_credentials"
	// GrantImplicit is the pseudo grant type a Client lists to be allowed response_type=token
	// and id_token (RFC 6749 §4.2, OIDC implicit flow).
	GrantImplicit = "implicit"
)

// Client is an OAuth client registered with the fake server.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret is the client_secret; empty makes the client public (no client authentication).
	Secret string
	// RedirectURIs are the registered redirect URIs, compared with OAuthConfig.RedirectMatcher.
	RedirectURIs []string
	// PostLogoutRedirectURIs are the URIs end-session may redirect to (exact match).
	PostLogoutRedirectURIs []string
	// Grants lists the grant types the client may use (GrantAuthorizationCode, GrantImplicit, …,
	// or a custom grant name). Empty allows every grant.
	Grants []string
	// Scopes lists the scopes the client may request. Empty allows any scope.
	Scopes []string
	// DefaultScopes are granted when an authorize or token request names no scope.
	DefaultScopes []string
	// RequirePKCE makes the authorize endpoint reject a code request without code_challenge.
	RequirePKCE bool
}

func (c *Client) allows(grant string) bool {
	return len(c.Grants) == 0 || slices.Contains(c.Grants, grant)
}

func (c *Client) public() bool { return c.Secret == "" }

// User is a resource owner known to the fake server.
type User struct {
	// Login is the user name of the password grant and the key of OAuthConfig.DefaultUser.
	Login string
	// Password is checked by the password grant.
	Password string
	// ID is the subject ("sub"); empty means Login.
	ID string
	// Claims are returned by userinfo next to "sub" (e.g. email, name, BQE "company").
	Claims map[string]any
}

func (u *User) subject() string {
	if u.ID != "" {
		return u.ID
	}
	return u.Login
}

// RefreshPolicy decides whether a token response carries a refresh token.
type RefreshPolicy int

const (
	// RefreshWithScope issues a refresh token only when the grant holds OAuthConfig.RefreshScope
	// (default "offline_access"), as IdentityServer does (BQE, BeProduct). It is the zero value.
	RefreshWithScope RefreshPolicy = iota
	// RefreshAlways issues a refresh token for every grant but client_credentials and implicit.
	RefreshAlways
	// RefreshNever never issues a refresh token (BidCore's uauth, Procurios).
	RefreshNever
)

// RedirectMatcher reports whether the redirect URI given in a request is acceptable for a
// registered one. The default is ExactRedirect; BQE and Bouquet plug in their own rule.
type RedirectMatcher func(registered, given string) bool

// ExactRedirect is the default RedirectMatcher: the strings must be equal.
func ExactRedirect(registered, given string) bool { return registered == given }

// OAuthConfig configures an OAuth server. Only Clients (and Users for user grants) are needed;
// every other field has a working default.
type OAuthConfig struct {
	// Issuer is the OIDC issuer URL put in ID tokens and discovery. Empty derives it from each
	// request: scheme://host + IssuerPath (so it follows the httptest URL).
	Issuer string
	// IssuerPath is appended to the request origin when Issuer is empty (BQE "/idp", BeProduct "/ids").
	IssuerPath string
	// Paths are where the vendor mounted the endpoints; discovery advertises them and Mount uses them.
	Paths OAuthPaths

	Clients []Client
	Users   []User
	// DefaultUser is the login the authorize endpoint consents as when the request carries no
	// login_hint naming a known user. Empty: the first user.
	DefaultUser string
	// Consent, when set, is called by the authorize endpoint after all checks; it can narrow
	// scopes, pick the user, add callback parameters, or deny (error=access_denied).
	Consent ConsentFunc
	// RedirectMatcher compares a registered redirect URI with the given one (default ExactRedirect).
	RedirectMatcher RedirectMatcher
	// ValidateScopes, when set, is called with the requested scopes after the client's allow-list
	// check; an error becomes error=invalid_scope (e.g. BQE needs read:core or readwrite:core).
	ValidateScopes func(c *Client, scopes []string) error
	// AllowPlainPKCE accepts code_challenge_method=plain (default: S256 only).
	AllowPlainPKCE bool
	// LaxTokenRedirectURI accepts a code exchange without redirect_uri even when the authorize
	// request had one (Procurios' legacy token call sends none). A redirect_uri that is sent must
	// still match.
	LaxTokenRedirectURI bool

	// Refresh decides when refresh tokens are issued; RefreshScope is the scope RefreshWithScope
	// looks for (default "offline_access"). RefreshFor, when set, overrides both.
	Refresh      RefreshPolicy
	RefreshScope string
	RefreshFor   func(g *Grant) bool
	// RotateRefreshTokens issues a new refresh token on every refresh and invalidates the old one.
	RotateRefreshTokens bool

	// AccessTokenTTL (default 1h), RefreshTokenTTL (default 30 days), CodeTTL (default 5m) and
	// IDTokenTTL (default 1h) are the lifetimes of what the server issues.
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	CodeTTL         time.Duration
	IDTokenTTL      time.Duration
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
	// TokenType is the token_type of token responses (default "Bearer"; Procurios shows "bearer").
	TokenType string

	// ParamAliases maps a legacy parameter name to its standard one at the authorize and token
	// endpoints; the alias is read only when the standard name is absent. Procurios' legacy
	// spelling: {"redirect_url": "redirect_uri", "grant_type": "response_type"} (its documented
	// authorize URL says grant_type=code).
	ParamAliases map[string]string
	// GrantTypeAliases maps a legacy grant_type value to a standard one (Procurios: {"code":
	// "authorization_code"}).
	GrantTypeAliases map[string]string
	// AcceptQueryParams makes the token endpoint also read parameters from the URL query of the
	// POST (BidCore's Python example, Bouquet's getting-started page).
	AcceptQueryParams bool
	// AnonymousClient is the client_id assumed by token requests that carry no client
	// authentication at all (BidCore's uauth password grant sends no client). Empty: such
	// requests fail with invalid_client.
	AnonymousClient string
	// CustomGrants handles grant types beyond the four standard ones, keyed by grant_type
	// (BeProduct "actas", Bouquet "sso").
	CustomGrants map[string]GrantHandler
	// TokenResponse shapes the JSON of a successful token response. body holds the RFC 6749
	// fields; the returned value is marshalled (BQE adds "endpoint"; Bouquet returns its
	// AccessToken object). Nil: body as is.
	TokenResponse func(r *http.Request, g *Grant, body map[string]any) any
	// ErrorResponse writes a token, revocation or userinfo error. Nil: RFC 6749 JSON
	// {"error":…,"error_description":…} with e.Status.
	ErrorResponse func(w http.ResponseWriter, r *http.Request, e *OAuthError)
	// UserInfo shapes the userinfo JSON. Nil: {"sub":…} plus the user's Claims.
	UserInfo func(r *http.Request, g *Grant, u *User) any
	// TokenQueryParams and TokenCookies are the extra places Authenticate looks for an access
	// token after "Authorization: Bearer" (Bouquet: query "access_token", cookie "squidapitoken").
	TokenQueryParams []string
	TokenCookies     []string
	// SigningKey signs ID tokens; nil generates an RSA 2048 key on first use.
	SigningKey *rsa.PrivateKey
}

// OAuthPaths are the absolute URL paths at which a vendor fake mounts the OAuth endpoints. An empty
// path is not mounted by Mount and not advertised by discovery.
type OAuthPaths struct {
	Authorize  string
	Token      string
	Revocation string
	UserInfo   string
	Discovery  string // e.g. "/idp/.well-known/openid-configuration"
	JWKS       string
	EndSession string
}

// ConsentRequest is what the Consent hook sees: the checked authorize request.
type ConsentRequest struct {
	Request *http.Request
	Client  *Client
	// User is the user the server would consent as (nil when no user is configured).
	User *User
	// Scopes are the requested (already checked) scopes.
	Scopes []string
	Params map[string][]string
}

// Consent is the answer of a ConsentFunc. A nil *Consent with a nil error consents as requested.
type Consent struct {
	// Deny answers the client with error=access_denied.
	Deny bool
	// Login picks another user than the default.
	Login string
	// Scopes, when non-nil, replaces the granted scopes (narrowing on the consent screen).
	Scopes []string
	// Extra is stored with the grant (Grant.Extra), e.g. the company the user picked.
	Extra map[string]any
	// CallbackParams are added to the redirect (BQE's companyId).
	CallbackParams map[string]string
}

// ConsentFunc decides an authorize request in place of a user on a consent screen.
type ConsentFunc func(req *ConsentRequest) (*Consent, error)

// TokenRequest is what a custom grant handler sees: the parsed token request and the
// authenticated client.
type TokenRequest struct {
	Request *http.Request
	Client  *Client
	// Form holds the token request parameters (aliases applied).
	Form map[string][]string
}

// Get returns the first value of a token request parameter.
func (t *TokenRequest) Get(name string) string {
	if v := t.Form[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// GrantHandler implements a custom grant type. It returns the grant to issue tokens for
// (UserID, Scopes, Extra; ClientID defaults to the authenticated client) or an error; an
// *OAuthError is sent as is, any other error as invalid_grant.
type GrantHandler func(req *TokenRequest) (*Grant, error)

// Grant is what an access token stands for. Authenticate and Lookup return copies.
type Grant struct {
	ClientID string
	// UserID is the user's subject; empty for client_credentials.
	UserID string
	// Login is the user's login; empty for client_credentials.
	Login  string
	Scopes []string
	// GrantType is the grant that issued this access token (refresh_token after a refresh).
	GrantType    string
	AccessToken  string
	RefreshToken string
	// IDToken is set on the grant returned by IssueToken when one was issued.
	IDToken   string
	IssuedAt  time.Time
	ExpiresAt time.Time
	// Nonce is the authorize request's nonce, put in ID tokens.
	Nonce string
	// Extra carries vendor data from consent or custom grants through codes and refreshes.
	Extra map[string]any
}

// HasScope reports whether the grant holds scope s.
func (g *Grant) HasScope(s string) bool { return slices.Contains(g.Scopes, s) }

func (g *Grant) clone() *Grant {
	c := *g
	c.Scopes = slices.Clone(g.Scopes)
	if g.Extra != nil {
		c.Extra = make(map[string]any, len(g.Extra))
		for k, v := range g.Extra {
			c.Extra[k] = v
		}
	}
	return &c
}

// Authorization is what the authorize step decided; IssueCode turns it into a code.
type Authorization struct {
	ClientID string
	UserID   string
	Scopes   []string
	// RedirectURI is the redirect_uri as given in the authorize request ("" when omitted).
	RedirectURI         string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	Extra               map[string]any
}

// Stats are the server's counters, for tests that count exchanges.
type Stats struct {
	// Issued counts access tokens issued per grant type (GrantImplicit for implicit answers).
	Issued map[string]int
	// Refreshes counts successful refresh_token grants.
	Refreshes int
	// Codes counts authorization codes issued.
	Codes int
	// Revocations counts tokens revoked through the revocation endpoint or RevokeToken.
	Revocations int
	// Errors counts error answers of the token endpoint per error code.
	Errors map[string]int
}

type accessRec struct {
	g       *Grant
	revoked bool
	expired bool
	rt      *refreshRec // the refresh token of the same chain, if any
}

type refreshRec struct {
	g       *Grant // template: scopes, user, client, extra, nonce
	token   string
	expires time.Time
	revoked bool
	expired bool
}

type codeRec struct {
	a       Authorization
	expires time.Time
	used    bool
	issued  []string // access tokens issued from the code (revoked on replay)
}

// OAuth is an in-memory OAuth 2.0 / OpenID Connect authorization server. Its endpoints are
// handler methods (Authorize, Token, Revocation, UserInfo, Discovery, JWKS, EndSession) that a
// vendor fake mounts at its own paths; Authenticate checks access tokens on API routes.
// All methods are safe for concurrent use.
type OAuth struct {
	cfg OAuthConfig

	keyOnce sync.Once
	key     *rsa.PrivateKey
	kid     string
	keyErr  error

	mu          sync.Mutex
	clients     map[string]*Client
	users       []*User
	defaultUser string
	access      map[string]*accessRec
	refresh     map[string]*refreshRec
	codes       map[string]*codeRec
	stats       Stats
}

// NewOAuth returns an OAuth server configured by cfg.
func NewOAuth(cfg OAuthConfig) *OAuth {
	if cfg.RedirectMatcher == nil {
		cfg.RedirectMatcher = ExactRedirect
	}
	if cfg.RefreshScope == "" {
		cfg.RefreshScope = "offline_access"
	}
	if cfg.AccessTokenTTL <= 0 {
		cfg.AccessTokenTTL = time.Hour
	}
	if cfg.RefreshTokenTTL <= 0 {
		cfg.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if cfg.CodeTTL <= 0 {
		cfg.CodeTTL = 5 * time.Minute
	}
	if cfg.IDTokenTTL <= 0 {
		cfg.IDTokenTTL = time.Hour
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.TokenType == "" {
		cfg.TokenType = "Bearer"
	}
	o := &OAuth{
		cfg:         cfg,
		clients:     map[string]*Client{},
		access:      map[string]*accessRec{},
		refresh:     map[string]*refreshRec{},
		codes:       map[string]*codeRec{},
		defaultUser: cfg.DefaultUser,
		stats:       Stats{Issued: map[string]int{}, Errors: map[string]int{}},
	}
	for _, c := range cfg.Clients {
		o.AddClient(c)
	}
	for _, u := range cfg.Users {
		o.AddUser(u)
	}
	return o
}

// AddClient registers (or replaces) a client.
func (o *OAuth) AddClient(c Client) {
	c.RedirectURIs = slices.Clone(c.RedirectURIs)
	c.PostLogoutRedirectURIs = slices.Clone(c.PostLogoutRedirectURIs)
	c.Grants = slices.Clone(c.Grants)
	c.Scopes = slices.Clone(c.Scopes)
	c.DefaultScopes = slices.Clone(c.DefaultScopes)
	o.mu.Lock()
	o.clients[c.ID] = &c
	o.mu.Unlock()
}

// AddUser registers (or replaces, by Login) a user.
func (o *OAuth) AddUser(u User) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, x := range o.users {
		if x.Login == u.Login {
			o.users[i] = &u
			return
		}
	}
	o.users = append(o.users, &u)
}

// SetDefaultUser changes the login the authorize endpoint consents as.
func (o *OAuth) SetDefaultUser(login string) {
	o.mu.Lock()
	o.defaultUser = login
	o.mu.Unlock()
}

// Client returns a copy of the registered client with that id.
func (o *OAuth) Client(id string) (Client, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c, ok := o.clients[id]
	if !ok {
		return Client{}, false
	}
	return *c, true
}

// User returns the user with that login.
func (o *OAuth) User(login string) (User, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if u := o.userByLogin(login); u != nil {
		return *u, true
	}
	return User{}, false
}

// UserByID returns the user whose subject is id.
func (o *OAuth) UserByID(id string) (User, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if u := o.userBySubject(id); u != nil {
		return *u, true
	}
	return User{}, false
}

// CheckPassword returns the user when login and password match a registered user.
func (o *OAuth) CheckPassword(login, password string) (User, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	u := o.userByLogin(login)
	if u == nil || !constantEqual(u.Password, password) {
		return User{}, false
	}
	return *u, true
}

func (o *OAuth) userByLogin(login string) *User {
	for _, u := range o.users {
		if u.Login == login {
			return u
		}
	}
	return nil
}

func (o *OAuth) userBySubject(id string) *User {
	for _, u := range o.users {
		if u.subject() == id {
			return u
		}
	}
	return nil
}

func (o *OAuth) now() time.Time { return o.cfg.Clock() }

func newToken() string { return rand.Text() + rand.Text() }

// IssueCode stores an authorization code for a and returns it. Vendor endpoints outside the
// standard authorize flow (Bouquet's POST /rs/auth-code) use it; the code is redeemed at Token.
func (o *OAuth) IssueCode(a Authorization) string {
	code := newToken()
	a.Scopes = slices.Clone(a.Scopes)
	now := o.now()
	o.mu.Lock()
	for k, rec := range o.codes { // keep a long-running sandbox small
		if now.Sub(rec.expires) > o.cfg.CodeTTL {
			delete(o.codes, k)
		}
	}
	o.codes[code] = &codeRec{a: a, expires: now.Add(o.cfg.CodeTTL)}
	o.stats.Codes++
	o.mu.Unlock()
	return code
}

// IssueToken issues an access token (and a refresh token as OAuthConfig.Refresh decides, and an
// ID token when the grant holds "openid" and a user) for the template g (ClientID, UserID,
// Scopes, GrantType, Nonce, Extra) and returns the full grant. Vendor endpoints outside the
// token endpoint (Bouquet's POST /rs/auth-token) use it. r, when not nil, supplies the issuer
// when OAuthConfig.Issuer is empty.
func (o *OAuth) IssueToken(r *http.Request, g Grant) (*Grant, error) {
	return o.issue(r, g.clone(), true, nil)
}

// issue stores a new access token for g; withRefresh allows a fresh refresh token; keep is
// the refresh token of the chain when it is not rotated.
func (o *OAuth) issue(r *http.Request, g *Grant, withRefresh bool, keep *refreshRec) (*Grant, error) {
	now := o.now()
	g.AccessToken = newToken()
	g.IssuedAt = now
	g.ExpiresAt = now.Add(o.cfg.AccessTokenTTL)
	g.RefreshToken = ""
	g.IDToken = ""
	if g.GrantType == "" {
		g.GrantType = "custom"
	}
	if g.UserID != "" && g.Login == "" {
		if u, ok := o.UserByID(g.UserID); ok {
			g.Login = u.Login
		}
	}
	if g.UserID != "" && g.HasScope("openid") && g.GrantType != GrantImplicit {
		idt, err := o.idToken(r, g, "")
		if err != nil {
			return nil, err
		}
		g.IDToken = idt
	}
	wantRT := keep == nil && withRefresh && o.wantsRefresh(g)
	o.mu.Lock()
	defer o.mu.Unlock()
	rec := &accessRec{g: g}
	if keep != nil {
		rec.rt = keep
		g.RefreshToken = keep.token
	} else if wantRT {
		rt := &refreshRec{g: g.clone(), token: newToken(), expires: now.Add(o.cfg.RefreshTokenTTL)}
		rt.g.AccessToken = ""
		rt.g.IDToken = ""
		g.RefreshToken = rt.token
		o.refresh[rt.token] = rt
		rec.rt = rt
	}
	o.access[g.AccessToken] = rec
	o.stats.Issued[g.GrantType]++
	return g.clone(), nil
}

func (o *OAuth) wantsRefresh(g *Grant) bool {
	if g.GrantType == GrantClientCredentials || g.GrantType == GrantImplicit {
		return false
	}
	if o.cfg.RefreshFor != nil {
		return o.cfg.RefreshFor(g)
	}
	switch o.cfg.Refresh {
	case RefreshAlways:
		return true
	case RefreshNever:
		return false
	default:
		return g.HasScope(o.cfg.RefreshScope)
	}
}

// Lookup returns the grant of a valid (known, unexpired, unrevoked) access token.
// Bouquet's tokeninfo endpoint is built on it.
func (o *OAuth) Lookup(accessToken string) (*Grant, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, ok := o.access[accessToken]
	if !ok || rec.revoked || rec.expired || !o.now().Before(rec.g.ExpiresAt) {
		return nil, false
	}
	return rec.g.clone(), true
}

// Authenticate checks the access token of an API request: "Authorization: Bearer", then the
// OAuthConfig.TokenQueryParams, then the OAuthConfig.TokenCookies. Unknown, expired and revoked tokens
// fail.
func (o *OAuth) Authenticate(r *http.Request) (*Grant, bool) {
	tok := BearerToken(r)
	if tok == "" {
		q := r.URL.Query()
		for _, name := range o.cfg.TokenQueryParams {
			if tok = q.Get(name); tok != "" {
				break
			}
		}
	}
	if tok == "" {
		for _, name := range o.cfg.TokenCookies {
			if c, err := r.Cookie(name); err == nil && c.Value != "" {
				tok = c.Value
				break
			}
		}
	}
	if tok == "" {
		return nil, false
	}
	return o.Lookup(tok)
}

// BearerToken returns the token of an "Authorization: Bearer" header, or "".
func BearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// RevokeToken revokes an access or refresh token (a refresh token takes the access tokens of
// its chain with it) and reports whether the token was known. Bouquet's DELETE /rs/token/{id}
// is built on it.
func (o *OAuth) RevokeToken(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.revokeLocked(token, "")
}

// revokeLocked revokes token; a non-empty clientID must own it.
func (o *OAuth) revokeLocked(token, clientID string) bool {
	if rec, ok := o.access[token]; ok {
		if clientID != "" && rec.g.ClientID != clientID {
			return false
		}
		rec.revoked = true
		o.stats.Revocations++
		return true
	}
	if rt, ok := o.refresh[token]; ok {
		if clientID != "" && rt.g.ClientID != clientID {
			return false
		}
		rt.revoked = true
		for _, rec := range o.access {
			if rec.rt == rt {
				rec.revoked = true
			}
		}
		o.stats.Revocations++
		return true
	}
	return false
}

// ExpireAccessTokens makes every access token issued so far fail Authenticate, as if its
// lifetime had passed; refresh tokens keep working.
func (o *OAuth) ExpireAccessTokens() {
	o.mu.Lock()
	for _, rec := range o.access {
		rec.expired = true
	}
	o.mu.Unlock()
}

// ExpireAccessToken makes one access token fail Authenticate and reports whether it was known.
func (o *OAuth) ExpireAccessToken(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	rec, ok := o.access[token]
	if ok {
		rec.expired = true
	}
	return ok
}

// ExpireRefreshTokens makes every refresh token issued so far fail with invalid_grant.
func (o *OAuth) ExpireRefreshTokens() {
	o.mu.Lock()
	for _, rt := range o.refresh {
		rt.expired = true
	}
	o.mu.Unlock()
}

// Stats returns a snapshot of the counters.
func (o *OAuth) Stats() Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.stats
	s.Issued = make(map[string]int, len(o.stats.Issued))
	for k, v := range o.stats.Issued {
		s.Issued[k] = v
	}
	s.Errors = make(map[string]int, len(o.stats.Errors))
	for k, v := range o.stats.Errors {
		s.Errors[k] = v
	}
	return s
}

// Refreshes returns how many refresh_token grants succeeded.
func (o *OAuth) Refreshes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stats.Refreshes
}

// Issued returns how many access tokens the given grant type issued.
func (o *OAuth) Issued(grantType string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stats.Issued[grantType]
}

// Mount registers the endpoints named in OAuthConfig.Paths on mux (authorize and end-session for
// GET and POST, token and revocation for POST, the rest for GET).
func (o *OAuth) Mount(mux *http.ServeMux) {
	p := o.cfg.Paths
	add := func(methods []string, path string, h http.HandlerFunc) {
		if path == "" {
			return
		}
		for _, m := range methods {
			mux.HandleFunc(m+" "+path, h)
		}
	}
	get, post, both := []string{"GET"}, []string{"POST"}, []string{"GET", "POST"}
	add(both, p.Authorize, o.Authorize)
	add(post, p.Token, o.Token)
	add(post, p.Revocation, o.Revocation)
	add(both, p.UserInfo, o.UserInfo)
	add(get, p.Discovery, o.Discovery)
	add(get, p.JWKS, o.JWKS)
	add(both, p.EndSession, o.EndSession)
}

// Origin returns scheme://host of the request as the client addressed it (https when the
// connection is TLS, X-Forwarded-Proto says so, or the host is not a loopback name). Vendor fakes use it to build absolute URLs
// such as BQE's token "endpoint".
func Origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") || !loopbackHost(r.Host) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// loopbackHost reports whether a Host header names this machine. A fake
// reached under any other name (a production host routed to it by the replay
// harness) answers with https URLs, as the real service would.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "" || strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Issuer returns the issuer URL for a request: OAuthConfig.Issuer, or Origin(r)+OAuthConfig.IssuerPath.
func (o *OAuth) Issuer(r *http.Request) string {
	if o.cfg.Issuer != "" {
		return o.cfg.Issuer
	}
	if r == nil {
		return o.cfg.IssuerPath
	}
	return Origin(r) + o.cfg.IssuerPath
}

type grantKey struct{}

// Require wraps an API handler: requests that Authenticate accepts reach next with the grant
// in their context (GrantOf); the others go to unauthorized (nil: 401 with
// `WWW-Authenticate: Bearer error="invalid_token"` and an RFC 6750 JSON body), where a vendor
// fake writes its own 401 (or BQE's 200 "Not authenticated").
func (o *OAuth) Require(next http.Handler, unauthorized http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, ok := o.Authenticate(r)
		if !ok {
			if unauthorized != nil {
				unauthorized(w, r)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": ErrCodeInvalidToken})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), grantKey{}, g)))
	})
}

// GrantOf returns the grant Require put in a request's context.
func GrantOf(ctx context.Context) (*Grant, bool) {
	g, ok := ctx.Value(grantKey{}).(*Grant)
	return g, ok
}
