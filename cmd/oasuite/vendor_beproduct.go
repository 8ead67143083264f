package main

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/endpoints"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
)

// beproductVendor is BeProduct: authorization code with PKCE and OpenID
// Connect at its IdentityServer, rotated refresh tokens, a company slug in
// every API path (docs/beproduct.md).
type beproductVendor struct{}

func (beproductVendor) info() vendorInfo {
	return vendorInfo{
		name: "beproduct", title: "BeProduct",
		grants: []string{grantCode},
		skew:   beproduct.DefaultSkew,
		examples: map[string]string{
			"login": `  oasuite login beproduct --company acme --client-id ID --redirect-url https://app.example.com/callback   # BEPRODUCT_CLIENT_SECRET set
  oasuite login beproduct --no-browser
  oasuite login beproduct --sandbox`,
			"call": `  oasuite call beproduct GET /Style/Folders
  oasuite call beproduct GET /Material/Header/ID
  oasuite call beproduct GET /Style/Folders --sandbox --verbose`,
		},
		settings: []setting{
			{key: "company", usage: "the company slug: the part of your BeProduct web app URL that names your company"},
			{key: "client-id", usage: "the client id (BeProduct Admin page)"},
			{key: "client-secret", secret: true, usage: "the client secret"},
			{key: "redirect-url", usage: redirectUsage},
			{key: "scopes", usage: "scopes, space- or comma-separated", def: strings.Join(beproduct.DefaultScopes(), " ")},
			{key: "issuer", usage: "the identity server", def: endpoints.BeProductIssuer},
			{key: "base-url", usage: "the API root; the company slug is appended", def: beproduct.DefaultAPIRoot},
		},
	}
}

func (beproductVendor) sandbox(context.Context) (*fake, error) {
	srv := beproducttest.NewServer()
	return &fake{
		url: srv.BaseURL() + "/" + beproducttest.TestCompany,
		values: map[string]string{
			"company":       beproducttest.TestCompany,
			"client-id":     beproducttest.TestClientID,
			"client-secret": beproducttest.TestClientSecret,
			"issuer":        srv.Issuer(),
			"base-url":      srv.BaseURL(),
			// The fake registers only an https redirect (no loopback one).
			"redirect-url": beproducttest.TestRedirectURL,
		},
		grant:  grantCode,
		notes:  []string{"grants: code (paste the address the browser lands on: the fake registers no loopback redirect)"},
		close:  srv.Close,
		tamper: srv.Tamper,
	}, nil
}

func (beproductVendor) config(s *session) (beproduct.OAuthConfig, error) {
	id, err := s.require("client-id")
	if err != nil {
		return beproduct.OAuthConfig{}, err
	}
	secret, err := s.secret("client-secret", true)
	if err != nil {
		return beproduct.OAuthConfig{}, err
	}
	return beproduct.OAuthConfig{Issuer: s.get("issuer"), ClientID: id, ClientSecret: secret, Scopes: splitScopes(s.get("scopes"))}, nil
}

func (b beproductVendor) login(ctx context.Context, s *session) (*oauth2.Token, error) {
	if _, err := s.require("company"); err != nil {
		return nil, err
	}
	cfg, err := b.config(s)
	if err != nil {
		return nil, err
	}
	var nonce string
	tok, err := s.codeLogin(ctx, cfg.CodeFlow(), func(a *auth.Attempt) { nonce = a.Nonce })
	if err != nil {
		return nil, err
	}
	if raw, ok := tok.Extra("id_token").(string); ok && raw != "" {
		issuer := cfg.Issuer
		if issuer == "" {
			issuer = endpoints.BeProductIssuer
		}
		o, err := auth.NewOIDC(ctx, issuer, cfg.ClientID)
		if err != nil {
			return nil, err
		}
		if _, err := o.Verify(ctx, raw, nonce); err != nil {
			return nil, fmt.Errorf("checking the ID token: %w", err)
		}
	}
	return tok, nil
}

func (b beproductVendor) renewer(s *session) (auth.Fetcher, error) {
	return lazyFetcher(func() (auth.Fetcher, error) {
		cfg, err := b.config(s)
		if err != nil {
			return nil, err
		}
		return cfg.RefreshGrant(), nil
	}), nil
}

func (beproductVendor) api(ctx context.Context, s *session, ts oauth2.TokenSource) (*rawAPI, error) {
	company, err := s.require("company")
	if err != nil {
		return nil, err
	}
	opts := []beproduct.Option{beproduct.WithTokenSource(ts), beproduct.WithUserAgent(userAgent), beproduct.WithCompany(company), beproduct.WithResponseValidation(s.validation), beproduct.WithLogger(s.logger)}
	if b := s.get("base-url"); b != "" {
		opts = append(opts, beproduct.WithBaseURL(b))
	}
	c, err := beproduct.New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return &rawAPI{base: c.ServerURL(), do: c.Do}, nil
}
