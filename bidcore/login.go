package bidcore

import (
	"net/http"
	"time"

	"github.com/oasuite/sdk/auth"
	"golang.org/x/oauth2"
)

const (
	// DefaultService is the service host used when none is set: the API is reached at
	// https://my.bidcore.iponweb.com/api/v2 and tokens are asked for scope
	// "service_id=my.bidcore.iponweb.com".
	DefaultService = "my.bidcore.iponweb.com"
	// TokenURL is IPONWEB's uauth token endpoint, where the password grant is posted
	// (https://docs.bidcore.iponweb.com/api/workflow.html, "Temporary Auth Tokens").
	TokenURL = "https://uauth.iponweb.com/oauth2/token/"
	// APIPath is the path of the Workflow API v2 on the service host. Assumption: the v2 prefix
	// is not public; use [WithBaseURL] if your service answers elsewhere.
	APIPath = "/api/v2"
)

// Scope returns the scope a token for the service host must be asked for: the single string
// "service_id=<host>", e.g. "service_id=my.bidcore.iponweb.com".
func Scope(service string) string {
	if service == "" {
		service = DefaultService
	}
	return "service_id=" + service
}

// Login describes a temporary-token login with the password grant at uauth
// (https://docs.bidcore.iponweb.com/api/workflow.html, "Temporary Auth Tokens"): a form POST of
// grant_type=password, username, password and scope=service_id=<service host>. The answer carries
// no refresh token, so the token source logs in again when the token is about to expire.
type Login struct {
	// Username and Password are the BidCore user's credentials.
	Username, Password string
	// Service is the service host the token is for; empty means [DefaultService].
	Service string
	// TokenURL is the token endpoint; empty means [TokenURL].
	TokenURL string
	// HTTPClient sends the login requests; nil means a default client (TLS 1.2 or later).
	HTTPClient *http.Client
	// Clock, when set, tells the time for token expiry (it is auth.WithClock: the source dates each
	// token's expires_in and decides staleness on it); nil means time.Now. Tests set it to drive
	// re-login at expiry without waiting.
	Clock func() time.Time
}

// Grant returns the password grant the login posts. Most callers want [Login.Source].
func (l Login) Grant() auth.PasswordGrant {
	tokenURL := l.TokenURL
	if tokenURL == "" {
		tokenURL = TokenURL
	}
	hc := l.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	return auth.PasswordGrant{
		// uauth takes no client authentication; the form carries only the documented fields.
		Endpoint:   oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams},
		Username:   l.Username,
		Password:   l.Password,
		Scopes:     []string{Scope(l.Service)},
		HTTPClient: hc,
	}
}

// Source returns a token source that logs in on first use and again shortly before each token
// expires (auth's default skew of 60s; change it with auth.WithSkew), and once more when the API
// rejects a token (the client forces a refresh after a 401). opts are passed to [auth.NewSource]:
// auth.WithClock, auth.WithSkew, auth.WithStore.
func (l Login) Source(opts ...auth.SourceOption) *auth.Source {
	if l.Clock != nil {
		opts = append([]auth.SourceOption{auth.WithClock(l.Clock)}, opts...)
	}
	return auth.NewSource(l.Grant(), opts...)
}

// PasswordLogin returns the token source of l: see [Login.Source]. It is the stand-alone form of
// [WithLogin], for callers that build their own client or share one source between clients.
func PasswordLogin(l Login, opts ...auth.SourceOption) *auth.Source {
	return l.Source(opts...)
}

// PermanentToken returns a static token source for a permanent token issued by hand in the IPONWEB
// SSO portal (OAuth2 Access Token → New Permanent Token, scope "Workflow API v2"). It never expires
// and is never refreshed.
func PermanentToken(token string) oauth2.TokenSource {
	return auth.StaticToken(token)
}

func defaultHTTPClient() *http.Client {
	return &http.Client{Transport: pipelineDefaultBase()}
}
