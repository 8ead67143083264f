package main

import (
	"context"
	"fmt"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bouquet/bouquettest"
)

// bouquetVendor is Bouquet (OpenBouquet): the OAuth dialog's code flow or
// login and password at /rs/auth-token, for a client registered with a
// customer; tokens travel as the access_token query parameter
// (docs/bouquet.md).
type bouquetVendor struct{}

func (bouquetVendor) info() vendorInfo {
	return vendorInfo{
		name: "bouquet", title: "Bouquet",
		grants: []string{grantCode, grantPassword},
		examples: map[string]string{
			"login": `  oasuite login bouquet --grant password --customer-id acme --client-id ID --redirect-url https://app.example.com/callback --login ann
  oasuite login bouquet --url https://bouquet.example.com/release/v4.2 --customer-id acme --client-id ID --redirect-url https://app.example.com/callback   # the OAuth dialog; BOUQUET_CLIENT_SECRET set
  oasuite login bouquet --sandbox --grant password`,
			"call": `  oasuite call bouquet GET /rs/projects
  oasuite call bouquet POST /rs/projects --data '{"name":"Sales"}'
  oasuite call bouquet GET /rs/projects --sandbox --verbose`,
		},
		settings: []setting{
			{key: "url", usage: "the server URL: scheme, host, api and version", def: bouquet.DefaultBaseURL},
			{key: "customer-id", usage: "the customer (tenant) the users belong to"},
			{key: "client-id", usage: "the application key"},
			{key: "client-secret", secret: true, usage: "the client secret (code logins and refreshes)"},
			{key: "redirect-url", usage: "a redirect URI within the client's registered site URL (required; a loopback one with its port, or an https one whose address you paste back)"},
			{key: "login", usage: "the user's login (password grant)"},
			{key: "password", secret: true, usage: "the user's password (password grant; asked on the terminal when not set)"},
		},
	}
}

func (bouquetVendor) sandbox(context.Context) (*fake, error) {
	srv := bouquettest.NewServer()
	return &fake{
		url: srv.BaseURL(),
		values: map[string]string{
			"url":           srv.BaseURL(),
			"customer-id":   bouquettest.TestCustomerID,
			"client-id":     bouquettest.TestClientID,
			"client-secret": bouquettest.TestClientSecret,
			// The client's site is https://app.example.com: no loopback redirect.
			"redirect-url": bouquettest.TestRedirectURI,
			"login":        bouquettest.TestLogin,
			"password":     bouquettest.TestPassword,
		},
		grant:  grantPassword,
		notes:  []string{"grants: password, code (paste the address the browser lands on: the client's site is not a loopback one)"},
		close:  srv.Close,
		tamper: srv.Tamper,
	}, nil
}

// config is the client of the session's settings; the secret is read when
// a code exchange or a refresh needs it.
func (bouquetVendor) config(s *session, needSecret bool) (bouquet.OAuthConfig, error) {
	cfg := bouquet.OAuthConfig{BaseURL: s.get("url")}
	var err error
	if cfg.CustomerID, err = s.require("customer-id"); err != nil {
		return cfg, err
	}
	if cfg.ClientID, err = s.require("client-id"); err != nil {
		return cfg, err
	}
	if cfg.RedirectURI, err = s.require("redirect-url"); err != nil {
		return cfg, err
	}
	cfg.ClientSecret, err = s.secret("client-secret", needSecret)
	return cfg, err
}

// passwordFetcher logs in with the login and password of the session.
func (b bouquetVendor) passwordFetcher(s *session) (auth.Fetcher, error) {
	cfg, err := b.config(s, false)
	if err != nil {
		return nil, err
	}
	login, err := s.require("login")
	if err != nil {
		return nil, err
	}
	pw, err := s.secret("password", true)
	if err != nil {
		return nil, err
	}
	return auth.FetcherFunc(func(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
		return cfg.PasswordLogin(login, pw).TokenContext(ctx)
	}), nil
}

func (b bouquetVendor) login(ctx context.Context, s *session) (*oauth2.Token, error) {
	switch s.grant {
	case grantPassword:
		f, err := b.passwordFetcher(s)
		if err != nil {
			return nil, err
		}
		return f.Fetch(ctx, nil)
	case grantCode:
		cfg, err := b.config(s, true)
		if err != nil {
			return nil, err
		}
		return s.codeLogin(ctx, cfg.CodeFlow(), nil)
	}
	return nil, fmt.Errorf("bouquet: no %s login", grantTitle(s.grant))
}

func (b bouquetVendor) renewer(s *session) (auth.Fetcher, error) {
	return lazyFetcher(func() (auth.Fetcher, error) {
		if s.grant == grantPassword {
			return b.passwordFetcher(s)
		}
		cfg, err := b.config(s, true)
		if err != nil {
			return nil, err
		}
		return cfg.RefreshGrant(), nil
	}), nil
}

func (bouquetVendor) api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error) {
	c, err := bouquet.New(ctx, bouquet.WithBaseURL(s.get("url")), bouquet.WithTokenSource(ts), bouquet.WithUserAgent(userAgent), bouquet.WithResponseValidation(s.validation), bouquet.WithLogger(s.logger))
	if err != nil {
		return nil, err
	}
	return &rawAPI{base: c.BaseURL(), do: c.Do}, nil
}

// revoke deletes the token at Bouquet (DELETE /rs/token/{tokenId}).
func (b bouquetVendor) revoke(ctx context.Context, s *session, tok *oauth2.Token) error {
	cfg, err := b.config(s, false)
	if err != nil {
		return err
	}
	return cfg.Revoke(ctx, tok.AccessToken)
}
