package reliability

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/procurios"
)

// errNoData is what an adapter returns when a generated method answered
// without error but decoded nothing (a 2xx whose Content-Type is not JSON).
var errNoData = errors.New("2xx answer decoded to nothing")

// clientEnv is what every vendor client of a matrix row is built with.
type clientEnv struct {
	// base is the server every URL of the client points at: API, token
	// endpoint and identity server alike.
	base string
	// expired starts refreshing sources from an expired token, so that the
	// first call asks the token endpoint.
	expired  bool
	hc       *http.Client // its Transport is closed by the row
	attempts int
	maxWait  time.Duration
	logger   *slog.Logger
}

// calls is one vendor client seen through two of its public calls: an
// idempotent read (GET) and a write (POST).
type calls struct {
	get  func(ctx context.Context) error
	post func(ctx context.Context) error
}

// vendorError is the shared part of every vendor's *Error, read with errors.As.
type vendorError struct {
	status     int
	retryAfter time.Duration
}

// vendor adapts one vendor package to the matrix.
type vendor struct {
	name string
	// okGet is a body a successful GET answers with (application/json).
	okGet string
	// sentinels
	errUnauthorized, errTooMany, errServer, errBadRequest, errNotFound error
	build                                                              func(ctx context.Context, e clientEnv) (calls, error)
	as                                                                 func(err error) (vendorError, bool)
}

// startToken is the token every refreshing source starts from: valid for an
// hour (or expired), with the refresh token the server currently accepts.
func (e clientEnv) startToken() *oauth2.Token {
	exp := time.Now().Add(time.Hour)
	if e.expired {
		exp = time.Now().Add(-time.Hour)
	}
	return &oauth2.Token{AccessToken: secretAccess0, RefreshToken: secretRefresh0, TokenType: "Bearer", Expiry: exp}
}

func vendors() []vendor {
	return []vendor{
		{
			name: "bidcore", okGet: `{"count":0,"next":null,"previous":null,"results":[]}`,
			errUnauthorized: bidcore.ErrUnauthorized, errTooMany: bidcore.ErrTooManyRequests,
			errServer: bidcore.ErrServer, errBadRequest: bidcore.ErrBadRequest, errNotFound: bidcore.ErrNotFound,
			build: func(ctx context.Context, e clientEnv) (calls, error) {
				// The password grant: the password and the token travel.
				opts := []bidcore.Option{bidcore.WithBaseURL(e.base + "/api/v2"),
					bidcore.WithLogin(testUser, secretPassword), bidcore.WithTokenURL(e.base + "/oauth2/token/"),
					bidcore.WithRetry(e.attempts, e.maxWait), bidcore.WithLogger(e.logger)}
				if e.hc != nil {
					opts = append(opts, bidcore.WithHTTPClient(e.hc))
				}
				c, err := bidcore.New(ctx, opts...)
				if err != nil {
					return calls{}, err
				}
				return calls{
					get: func(ctx context.Context) error {
						r, err := c.ListAdvertisersWithResponse(ctx, nil)
						if err == nil && r.JSON200 == nil {
							err = errNoData
						}
						return err
					},
					post: func(ctx context.Context) error {
						_, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
						return err
					},
				}, nil
			},
			as: func(err error) (vendorError, bool) {
				var e *bidcore.Error
				if !errors.As(err, &e) {
					return vendorError{}, false
				}
				return vendorError{e.StatusCode, e.RetryAfter}, true
			},
		},
		{
			name: "bqecore", okGet: `[]`,
			errUnauthorized: bqecore.ErrUnauthorized, errTooMany: bqecore.ErrTooManyRequests,
			errServer: bqecore.ErrServer, errBadRequest: bqecore.ErrBadRequest, errNotFound: bqecore.ErrNotFound,
			build: func(ctx context.Context, e clientEnv) (calls, error) {
				// The refresh grant with a client secret and rotating refresh tokens.
				cfg := bqecore.OAuthConfig{ClientID: testClientID, ClientSecret: secretClient,
					IdentityURL: e.base + "/idp", HTTPClient: e.hc}
				opts := []bqecore.Option{bqecore.WithBaseURL(e.base + "/api"),
					bqecore.WithTokenSource(cfg.TokenSource(e.startToken())),
					bqecore.WithRetry(e.attempts, e.maxWait), bqecore.WithLogger(e.logger)}
				if e.hc != nil {
					opts = append(opts, bqecore.WithHTTPClient(e.hc))
				}
				c, err := bqecore.New(ctx, opts...)
				if err != nil {
					return calls{}, err
				}
				return calls{
					get: func(ctx context.Context) error {
						r, err := c.ListActivitiesWithResponse(ctx, nil)
						if err == nil && r.JSON200 == nil {
							err = errNoData
						}
						return err
					},
					post: func(ctx context.Context) error {
						_, err := c.CreateActivityWithResponse(ctx, bqecoreapi.Activity{})
						return err
					},
				}, nil
			},
			as: func(err error) (vendorError, bool) {
				var e *bqecore.Error
				if !errors.As(err, &e) {
					return vendorError{}, false
				}
				return vendorError{e.StatusCode, e.RetryAfter}, true
			},
		},
		{
			name: "beproduct", okGet: `[]`,
			errUnauthorized: beproduct.ErrUnauthorized, errTooMany: beproduct.ErrTooManyRequests,
			errServer: beproduct.ErrServer, errBadRequest: beproduct.ErrBadRequest, errNotFound: beproduct.ErrNotFound,
			build: func(ctx context.Context, e clientEnv) (calls, error) {
				cfg := beproduct.OAuthConfig{Issuer: e.base + "/ids", ClientID: testClientID,
					ClientSecret: secretClient, HTTPClient: e.hc}
				opts := []beproduct.Option{beproduct.WithCompany("acme"), beproduct.WithBaseURL(e.base + "/api"),
					beproduct.WithTokenSource(cfg.TokenSource(e.startToken())),
					beproduct.WithRetry(e.attempts, e.maxWait), beproduct.WithLogger(e.logger)}
				if e.hc != nil {
					opts = append(opts, beproduct.WithHTTPClient(e.hc))
				}
				c, err := beproduct.New(ctx, opts...)
				if err != nil {
					return calls{}, err
				}
				return calls{
					get: func(ctx context.Context) error {
						r, err := c.ListStyleFoldersWithResponse(ctx)
						if err == nil && r.JSON200 == nil {
							err = errNoData
						}
						return err
					},
					post: func(ctx context.Context) error {
						// A write (header lists are POSTs too, but reads the
						// spec marks x-oasuite-idempotent: retried like GETs).
						_, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: "f1"}, beproductapi.HeaderWrite{})
						return err
					},
				}, nil
			},
			as: func(err error) (vendorError, bool) {
				var e *beproduct.Error
				if !errors.As(err, &e) {
					return vendorError{}, false
				}
				return vendorError{e.StatusCode, e.RetryAfter}, true
			},
		},
		{
			name: "procurios", okGet: `[]`,
			errUnauthorized: procurios.ErrUnauthorized, errTooMany: procurios.ErrTooManyRequests,
			errServer: procurios.ErrServer, errBadRequest: procurios.ErrBadRequest, errNotFound: procurios.ErrNotFound,
			build: func(ctx context.Context, e clientEnv) (calls, error) {
				// Client credentials: the client secret travels.
				cfg := procurios.OAuthConfig{BaseURL: e.base + "/l", ClientID: testClientID,
					ClientSecret: secretClient, HTTPClient: e.hc}
				ts, err := cfg.ClientCredentials()
				if err != nil {
					return calls{}, err
				}
				opts := []procurios.Option{procurios.WithBaseURL(e.base + "/l"), procurios.WithTokenSource(ts),
					procurios.WithRetry(e.attempts, e.maxWait), procurios.WithLogger(e.logger)}
				if e.hc != nil {
					opts = append(opts, procurios.WithHTTPClient(e.hc))
				}
				c, err := procurios.New(ctx, opts...)
				if err != nil {
					return calls{}, err
				}
				return calls{
					get: func(ctx context.Context) error {
						_, err := c.Collections(ctx)
						return err
					},
					post: func(ctx context.Context) error {
						_, err := c.CreateMeeting(ctx, procuriosapi.MeetingInput{})
						return err
					},
				}, nil
			},
			as: func(err error) (vendorError, bool) {
				var e *procurios.Error
				if !errors.As(err, &e) {
					return vendorError{}, false
				}
				return vendorError{e.StatusCode, e.RetryAfter}, true
			},
		},
		{
			name: "bouquet", okGet: `[]`,
			errUnauthorized: bouquet.ErrUnauthorized, errTooMany: bouquet.ErrTooManyRequests,
			errServer: bouquet.ErrServer, errBadRequest: bouquet.ErrBadRequest, errNotFound: bouquet.ErrNotFound,
			build: func(ctx context.Context, e clientEnv) (calls, error) {
				// Refresh at /rs/token with a client secret; the token travels in
				// the access_token query parameter, so every URL in errors and
				// logs must be redacted.
				cfg := bouquet.OAuthConfig{BaseURL: e.base, ClientID: testClientID, ClientSecret: secretClient,
					RedirectURI: "https://app.example.com/cb", HTTPClient: e.hc}
				opts := []bouquet.Option{bouquet.WithBaseURL(e.base),
					bouquet.WithTokenSource(auth.NewSource(cfg.RefreshGrant(), auth.WithToken(e.startToken()))),
					bouquet.WithTokenInQuery(),
					bouquet.WithRetry(e.attempts, e.maxWait), bouquet.WithLogger(e.logger)}
				if e.hc != nil {
					opts = append(opts, bouquet.WithHTTPClient(e.hc))
				}
				c, err := bouquet.New(ctx, opts...)
				if err != nil {
					return calls{}, err
				}
				return calls{
					get: func(ctx context.Context) error {
						r, err := c.ListProjectsWithResponse(ctx)
						if err == nil && r.JSON200 == nil {
							err = errNoData
						}
						return err
					},
					post: func(ctx context.Context) error {
						_, err := c.CreateProjectWithResponse(ctx, bouquetapi.Project{})
						return err
					},
				}, nil
			},
			as: func(err error) (vendorError, bool) {
				var e *bouquet.Error
				if !errors.As(err, &e) {
					return vendorError{}, false
				}
				return vendorError{e.StatusCode, e.RetryAfter}, true
			},
		},
	}
}
