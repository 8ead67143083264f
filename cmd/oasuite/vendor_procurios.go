package main

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// procuriosVendor is Procurios: authorization code (PKCE) or client
// credentials on the customer's host (docs/procurios.md).
type procuriosVendor struct{}

func (procuriosVendor) info() vendorInfo {
	return vendorInfo{
		name: "procurios", title: "Procurios",
		grants: []string{grantCode, grantClient},
		examples: map[string]string{
			"login": `  oasuite login procurios --host leden.example.nl --client-id ID   # PROCURIOS_CLIENT_SECRET set
  oasuite login procurios --grant client --account batch --scopes relation_list_api/relation,meeting2/read
  oasuite login procurios --sandbox --grant client`,
			"call": `  oasuite call procurios GET /meeting2_api/meetings
  oasuite call procurios POST /meeting2_api/meetings --data '{"title":"AGM","start":"...","end":"..."}'
  oasuite call procurios GET /relation_list_api/collection/ID --query page=2
  oasuite call procurios GET /meeting2_api/meetings --sandbox --verbose`,
		},
		settings: []setting{
			{key: "host", usage: "the customer's Procurios host, e.g. leden.example.nl (the API is https://<host>/l)"},
			{key: "base-url", usage: "the API base URL instead of https://<host>/l"},
			{key: "client-id", usage: "the OAuth client id"},
			{key: "client-secret", secret: true, usage: "the OAuth client secret"},
			{key: "scopes", usage: "scopes, space- or comma-separated",
				def: "relation_list_api/relation profile/registration meeting2/read meeting2/write"},
			{key: "redirect-url", usage: redirectUsage},
		},
	}
}

func (procuriosVendor) sandbox(context.Context) (*fake, error) {
	srv := procuriostest.NewServer()
	return &fake{
		url: srv.BaseURL(),
		values: map[string]string{
			"base-url":      srv.BaseURL(),
			"client-id":     procuriostest.TestClientID,
			"client-secret": procuriostest.TestClientSecret,
			"scopes":        strings.Join(procuriostest.AllScopes(), " "),
			// The fake registers only an https redirect URL (no loopback
			// one): a code login prints the URL and reads the address the
			// browser was sent to.
			"redirect-url": procuriostest.TestRedirectURL,
		},
		grant:  grantCode,
		notes:  []string{"grants: code (paste the address the browser lands on: the fake registers no loopback redirect), client"},
		close:  srv.Close,
		tamper: srv.Tamper,
	}, nil
}

// config is the OAuth client of the session's settings.
func (procuriosVendor) config(s *session, needSecret bool) (procurios.OAuthConfig, error) {
	cfg := procurios.OAuthConfig{Host: s.get("host"), BaseURL: s.get("base-url"), Scopes: splitScopes(s.get("scopes"))}
	if cfg.Host == "" && cfg.BaseURL == "" {
		return cfg, fmt.Errorf("the Procurios host is required: use --host or set %s", envName("procurios", "host"))
	}
	var err error
	if cfg.ClientID, err = s.require("client-id"); err != nil {
		return cfg, err
	}
	cfg.ClientSecret, err = s.secret("client-secret", needSecret)
	return cfg, err
}

func (p procuriosVendor) login(ctx context.Context, s *session) (*oauth2.Token, error) {
	switch s.grant {
	case grantClient:
		cfg, err := p.config(s, true)
		if err != nil {
			return nil, err
		}
		src, err := cfg.ClientCredentials()
		if err != nil {
			return nil, err
		}
		return src.TokenContext(ctx)
	case grantCode:
		cfg, err := p.config(s, true)
		if err != nil {
			return nil, err
		}
		flow, err := cfg.CodeFlow()
		if err != nil {
			return nil, err
		}
		return s.codeLogin(ctx, flow, nil)
	}
	return nil, fmt.Errorf("procurios: no %s login", grantTitle(s.grant))
}

func (p procuriosVendor) renewer(s *session) (auth.Fetcher, error) {
	return lazyFetcher(func() (auth.Fetcher, error) {
		cfg, err := p.config(s, true)
		if err != nil {
			return nil, err
		}
		ep, err := cfg.Endpoint()
		if err != nil {
			return nil, err
		}
		if s.grant == grantClient {
			return auth.ClientCredentials{Endpoint: ep, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Scopes: cfg.Scopes}, nil
		}
		flow, err := cfg.CodeFlow()
		if err != nil {
			return nil, err
		}
		return flow.RefreshGrant(), nil
	}), nil
}

func (procuriosVendor) api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error) {
	opts := []procurios.Option{procurios.WithTokenSource(ts), procurios.WithUserAgent(userAgent), procurios.WithResponseValidation(s.validation), procurios.WithLogger(s.logger)}
	if b := s.get("base-url"); b != "" {
		opts = append(opts, procurios.WithBaseURL(b))
	} else {
		opts = append(opts, procurios.WithHost(s.get("host")))
	}
	c, err := procurios.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &rawAPI{base: c.BaseURL(), do: c.Do}, nil
}
