package main

import (
	"context"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
)

// bidcoreVendor is BidCore (IPONWEB): the password grant at uauth, no refresh
// token, so a token is renewed by logging in again (docs/bidcore.md).
type bidcoreVendor struct{}

func (bidcoreVendor) info() vendorInfo {
	return vendorInfo{
		name: "bidcore", title: "BidCore",
		grants: []string{grantPassword},
		examples: map[string]string{
			"login": `  oasuite login bidcore --service demo.bidcore.iponweb.com --username analyst@example.com   # BIDCORE_PASSWORD, or asked
  oasuite login bidcore --account readonly --username viewer@example.com
  oasuite login bidcore --sandbox`,
			"call": `  oasuite call bidcore GET /advertisers/
  oasuite call bidcore POST /advertisers/ --data '{"name":"Acme","domain":"acme.example"}'
  oasuite call bidcore GET /campaigns/ --query advertiser=1 --query status=active
  oasuite call bidcore GET /advertisers/ --sandbox --verbose`,
		},
		settings: []setting{
			{key: "service", usage: "the service host: the API is https://<service>/api/v2, tokens are for scope service_id=<service>", def: bidcore.DefaultService},
			{key: "base-url", usage: "the API base URL instead of https://<service>/api/v2"},
			{key: "token-url", usage: "the uauth token endpoint", def: bidcore.TokenURL},
			{key: "username", usage: "the BidCore user"},
			{key: "password", secret: true, usage: "the user's password (asked on the terminal when not set)"},
		},
	}
}

func (bidcoreVendor) sandbox(context.Context) (*fake, error) {
	srv := bidcoretest.NewServer()
	return &fake{
		url: srv.BaseURL(),
		values: map[string]string{
			"base-url":  srv.BaseURL(),
			"token-url": srv.TokenURL(),
			"service":   srv.Service(),
			"username":  bidcoretest.TestUser,
			"password":  bidcoretest.TestPassword,
		},
		grant:  grantPassword,
		notes:  []string{"grants: password (read-only user: " + bidcoretest.TestReadOnlyUser + ")"},
		close:  srv.Close,
		tamper: srv.Tamper,
	}, nil
}

// grant is the password grant of the session's settings.
func (bidcoreVendor) grant(s *session) (auth.PasswordGrant, error) {
	user, err := s.require("username")
	if err != nil {
		return auth.PasswordGrant{}, err
	}
	pw, err := s.secret("password", true)
	if err != nil {
		return auth.PasswordGrant{}, err
	}
	return bidcore.Login{Username: user, Password: pw, Service: s.get("service"), TokenURL: s.get("token-url")}.Grant(), nil
}

func (b bidcoreVendor) login(ctx context.Context, s *session) (*oauth2.Token, error) {
	g, err := b.grant(s)
	if err != nil {
		return nil, err
	}
	return g.Fetch(ctx, nil)
}

func (b bidcoreVendor) renewer(s *session) (auth.Fetcher, error) {
	return lazyFetcher(func() (auth.Fetcher, error) { return b.grant(s) }), nil
}

func (bidcoreVendor) api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error) {
	opts := []bidcore.Option{bidcore.WithTokenSource(ts), bidcore.WithUserAgent(userAgent), bidcore.WithService(s.get("service")), bidcore.WithResponseValidation(s.validation), bidcore.WithLogger(s.logger)}
	if b := s.get("base-url"); b != "" {
		opts = append(opts, bidcore.WithBaseURL(b))
	}
	c, err := bidcore.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &rawAPI{base: c.BaseURL(), do: c.Do}, nil
}
