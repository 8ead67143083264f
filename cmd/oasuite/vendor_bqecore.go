package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// bqecoreVendor is BQE CORE: authorization code through its IdentityServer
// (PKCE, OpenID Connect); the API base URL comes with the token
// (docs/bqecore.md).
type bqecoreVendor struct{}

// The app the sandbox registers for command-line logins.
const (
	bqeSandboxClientID     = "oasuite-cli"
	bqeSandboxClientSecret = "bqe-sandbox-cli-secret"
)

func (bqecoreVendor) info() vendorInfo {
	return vendorInfo{
		name: "bqecore", title: "BQE CORE",
		grants: []string{grantCode},
		examples: map[string]string{
			"login": `  oasuite login bqecore --client-id ID --redirect-url http://127.0.0.1:8765/callback   # BQECORE_CLIENT_SECRET for a web app
  oasuite login bqecore --no-browser --scopes read:core,offline_access,openid
  oasuite login bqecore --sandbox`,
			"call": `  oasuite call bqecore GET /activity --query page=0,100
  oasuite call bqecore GET /project --query "where=status = 0" --query orderBy=name
  oasuite call bqecore PATCH /employee/ID --data @patch.json
  oasuite call bqecore GET /activity --sandbox --verbose`,
		},
		settings: []setting{
			{key: "client-id", usage: "the app's client id (CORE Developer Portal)"},
			{key: "client-secret", secret: true, usage: "the client secret of a web app (none for a public app, which uses PKCE)"},
			{key: "redirect-url", usage: redirectUsage + "; CORE matches host and port exactly"},
			{key: "scopes", usage: "scopes, space- or comma-separated", def: strings.Join(bqecore.DefaultScopes(), " ")},
			{key: "identity-url", usage: "the identity server", def: bqecore.IdentityURL},
			{key: "base-url", usage: "the API base URL (default: the \"endpoint\" of the token)"},
			{key: "utc-offset", usage: "your offset from UTC in minutes, sent as X-UTC-OFFSET (CORE assumes Pacific time without it)"},
		},
	}
}

func (bqecoreVendor) sandbox(context.Context) (*fake, error) {
	redirect, err := freeLoopbackRedirect()
	if err != nil {
		return nil, err
	}
	srv := bqecoretest.NewServer(bqecoretest.WithApp(bqecoretest.App{
		ClientID: bqeSandboxClientID, ClientSecret: bqeSandboxClientSecret, RedirectURIs: []string{redirect},
	}))
	return &fake{
		url: srv.BaseURL(),
		values: map[string]string{
			"identity-url":  srv.IdentityURL(),
			"client-id":     bqeSandboxClientID,
			"client-secret": bqeSandboxClientSecret,
			"redirect-url":  redirect,
		},
		grant:  grantCode,
		notes:  []string{"grants: code (the app's registered redirect is the printed BQECORE_REDIRECT_URL); the token's endpoint is the fake's API"},
		close:  srv.Close,
		tamper: srv.Tamper,
	}, nil
}

func (bqecoreVendor) config(s *session) (bqecore.OAuthConfig, error) {
	id, err := s.require("client-id")
	if err != nil {
		return bqecore.OAuthConfig{}, err
	}
	secret, err := s.secret("client-secret", false)
	if err != nil {
		return bqecore.OAuthConfig{}, err
	}
	// A command-line login always uses PKCE (RFC 8252 section 8.1).
	return bqecore.OAuthConfig{ClientID: id, ClientSecret: secret, Scopes: splitScopes(s.get("scopes")), IdentityURL: s.get("identity-url"), PKCE: true}, nil
}

func (b bqecoreVendor) login(ctx context.Context, s *session) (*oauth2.Token, error) {
	cfg, err := b.config(s)
	if err != nil {
		return nil, err
	}
	var nonce string
	tok, err := s.codeLogin(ctx, cfg.CodeFlow(), func(a *auth.Attempt) { nonce = a.Nonce })
	if err != nil {
		return nil, err
	}
	if _, ok := tok.Extra("id_token").(string); ok {
		if _, err := cfg.VerifyIDToken(ctx, tok, nonce); err != nil {
			return nil, fmt.Errorf("checking the ID token: %w", err)
		}
	}
	return tok, nil
}

func (b bqecoreVendor) renewer(s *session) (auth.Fetcher, error) {
	return lazyFetcher(func() (auth.Fetcher, error) {
		cfg, err := b.config(s)
		if err != nil {
			return nil, err
		}
		return cfg.RefreshGrant(), nil
	}), nil
}

func (bqecoreVendor) api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error) {
	opts := []bqecore.Option{bqecore.WithTokenSource(ts), bqecore.WithUserAgent(userAgent), bqecore.WithResponseValidation(s.validation), bqecore.WithLogger(s.logger)}
	if b := s.get("base-url"); b != "" {
		opts = append(opts, bqecore.WithBaseURL(b))
	}
	if id := s.get("identity-url"); id != "" {
		// A private (or sandbox) identity server the user chose names API
		// endpoints on its own host; those are trusted like bqecore.com.
		if u, err := url.Parse(id); err == nil && u.Host != "" {
			opts = append(opts, bqecore.WithEndpointHosts(u.Host))
		}
	}
	if off := s.get("utc-offset"); off != "" {
		m, err := strconv.Atoi(off)
		if err != nil {
			return nil, fmt.Errorf("--utc-offset %q: want minutes, e.g. 60 or -300", off)
		}
		opts = append(opts, bqecore.WithUTCOffset(m))
	}
	c, err := bqecore.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	base, err := c.BaseURL(ctx)
	if err != nil {
		return nil, err
	}
	return &rawAPI{base: base, do: c.Do}, nil
}

// revoke revokes the refresh token (the whole grant) and the access token
// at CORE's revocation endpoint.
func (b bqecoreVendor) revoke(ctx context.Context, s *session, tok *oauth2.Token) error {
	cfg, err := b.config(s)
	if err != nil {
		return err
	}
	if tok.RefreshToken != "" {
		if err := cfg.Revoke(ctx, tok.RefreshToken, "refresh_token"); err != nil {
			return err
		}
	}
	return cfg.Revoke(ctx, tok.AccessToken, "access_token")
}
