package bidcore_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

// The production defaults: base URL https://my.bidcore.iponweb.com/api/v2, login at uauth with a form
// body and scope service_id=my.bidcore.iponweb.com.
func TestLoginDefaultsAndFormBody(t *testing.T) {
	srv := newFake(t)
	capt := &capture{next: reroute{fakeURL: srv.Origin(), next: http.DefaultTransport}}
	c, err := bidcore.New(context.Background(), bidcore.WithHTTPClient(&http.Client{Transport: capt}),
		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://my.bidcore.iponweb.com/api/v2" || c.Service() != "my.bidcore.iponweb.com" {
		t.Fatalf("defaults: base %q, service %q", c.BaseURL(), c.Service())
	}
	for range 2 {
		if _, err := c.ListAdvertisersWithResponse(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	reqs := capt.all()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want a login and two calls: %+v", len(reqs), reqs)
	}
	login := reqs[0]
	if login.method != "POST" || login.url != bidcore.TokenURL {
		t.Fatalf("login went to %s %s (query must be empty: the form is the body)", login.method, login.url)
	}
	if login.contentType != "application/x-www-form-urlencoded" {
		t.Fatalf("login content type %q", login.contentType)
	}
	form, err := url.ParseQuery(login.body)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"grant_type": {"password"}, "username": {bidcoretest.TestUser},
		"password": {bidcoretest.TestPassword}, "scope": {"service_id=my.bidcore.iponweb.com"}}
	for k, v := range want {
		if form.Get(k) != v[0] {
			t.Errorf("login form %s = %q, want %q", k, form.Get(k), v[0])
		}
	}
	if form.Has("client_id") || form.Has("client_secret") {
		t.Errorf("login form carries client credentials: %v", form)
	}
	for _, r := range reqs[1:] {
		if r.url != "https://my.bidcore.iponweb.com/api/v2/advertisers/" || !strings.HasPrefix(r.auth, "Bearer ") || len(r.auth) < 20 {
			t.Errorf("API call %s with auth %q", r.url, r.auth[:min(len(r.auth), 7)])
		}
	}
	if srv.Logins() != 1 {
		t.Errorf("logins = %d, want 1", srv.Logins())
	}
}

// WithService changes both the host the API is called on and the login scope.
func TestWithServiceSetsHostAndScope(t *testing.T) {
	srv := newFake(t, bidcoretest.WithService("demo.bidcore.iponweb.com"))
	capt := &capture{next: reroute{fakeURL: srv.Origin(), next: http.DefaultTransport}}
	c, err := bidcore.New(context.Background(), bidcore.WithService("demo.bidcore.iponweb.com"),
		bidcore.WithHTTPClient(&http.Client{Transport: capt}), bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.CreateSspWithResponse(context.Background(), bidcoreapi.SspInput{Name: "Demo SSP", Code: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusCode() != 201 || r.JSON201.Name != "Demo SSP" {
		t.Fatalf("create: %d %+v", r.StatusCode(), r.JSON201)
	}
	reqs := capt.all()
	form, _ := url.ParseQuery(reqs[0].body)
	if form.Get("scope") != "service_id=demo.bidcore.iponweb.com" {
		t.Errorf("scope %q", form.Get("scope"))
	}
	if reqs[1].url != "https://demo.bidcore.iponweb.com/api/v2/ssps/" {
		t.Errorf("API URL %q", reqs[1].url)
	}
	tok, err := c.TokenSource().Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.Extra("scope") != "demo.bidcore.iponweb.com" || tok.RefreshToken != "" {
		t.Errorf("token scope %v, refresh token %q: want uauth's answer", tok.Extra("scope"), tok.RefreshToken)
	}

	// A token for another service is refused by the login.
	other, err := bidcore.New(context.Background(), bidcore.WithService("other.bidcore.iponweb.com"),
		bidcore.WithHTTPClient(&http.Client{Transport: reroute{fakeURL: srv.Origin(), next: http.DefaultTransport}}),
		bidcore.WithLogin(bidcoretest.TestUser, bidcoretest.TestPassword), bidcore.WithRetry(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ListSspsWithResponse(context.Background(), nil)
	var te *auth.TokenError
	if !errors.As(err, &te) || te.ErrorCode != "invalid_scope" {
		t.Fatalf("login for another service: %v, want invalid_scope", err)
	}
}

// The temporary token is replaced by a fresh login shortly before it expires (no refresh token exists).
func TestReloginAtExpiry(t *testing.T) {
	clock := newClock()
	srv := newFake(t, bidcoretest.WithClock(clock.Now))
	c := newClient(t, srv, bidcore.WithClock(clock.Now))
	ctx := context.Background()
	if _, err := c.ListPixelsWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Minute)
	if _, err := c.ListPixelsWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if srv.Logins() != 1 {
		t.Fatalf("logins after 30m = %d, want 1", srv.Logins())
	}
	clock.Advance(30 * time.Minute) // the token's hour is up (and within the skew before that)
	if _, err := c.ListPixelsWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if srv.Logins() != 2 {
		t.Fatalf("logins after 60m = %d, want 2", srv.Logins())
	}
	if srv.Requests("listPixels") != 3 || srv.Unauthorized() != 0 {
		t.Fatalf("listPixels served %d times, %d answers 401; want 3 and none: the login must come before the token expires",
			srv.Requests("listPixels"), srv.Unauthorized())
	}
}

// A token the API rejects (401) is replaced by one fresh login and the call replayed once.
func TestReloginAfter401(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.ListDealsWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srv.ExpireTokens()
	r, err := c.ListDealsWithResponse(ctx, nil)
	if err != nil || r.StatusCode() != 200 {
		t.Fatalf("after expiry: %v", err)
	}
	if srv.Logins() != 2 || srv.Unauthorized() != 1 {
		t.Fatalf("logins = %d, 401 answers = %d; want 2 and 1", srv.Logins(), srv.Unauthorized())
	}
}

func TestPermanentToken(t *testing.T) {
	srv := newFake(t)
	ctx := context.Background()
	c, err := bidcore.New(ctx, bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithPermanentToken(bidcoretest.TestPermanentToken))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.CreatePostcodeListWithResponse(ctx, bidcoreapi.PostcodeListInput{Name: "London", Country: "GB"})
	if err != nil {
		t.Fatal(err)
	}
	if r.JSON201.Postcodes == nil || len(r.JSON201.Postcodes) != 0 {
		t.Fatalf("postcodes default: %#v, want an empty list", r.JSON201.Postcodes)
	}
	srv.ExpireTokens() // temporary tokens only
	if _, err := c.GetPostcodeListWithResponse(ctx, r.JSON201.Id); err != nil {
		t.Fatal(err)
	}
	if srv.Logins() != 0 {
		t.Fatalf("a permanent token logged in %d times", srv.Logins())
	}

	bad, _ := bidcore.New(ctx, bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithPermanentToken("revoked-permanent-token"))
	_, err = bad.GetPostcodeListWithResponse(ctx, r.JSON201.Id)
	if !errors.Is(err, bidcore.ErrUnauthorized) {
		t.Fatalf("wrong permanent token: %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), "revoked-permanent-token") {
		t.Fatalf("error shows the token: %v", err)
	}
}

func TestLoginFailureHidesPassword(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, bidcore.WithLogin(bidcoretest.TestUser, "wrong-password-1234"))
	_, err := c.ListAdvertisersWithResponse(context.Background(), nil)
	var te *auth.TokenError
	if !errors.As(err, &te) || te.ErrorCode != "invalid_grant" {
		t.Fatalf("bad password: %v, want an invalid_grant *auth.TokenError", err)
	}
	if strings.Contains(err.Error(), "wrong-password-1234") {
		t.Fatalf("error shows the password: %v", err)
	}
	if srv.Requests("listAdvertisers") != 0 {
		t.Fatalf("the API was called without a token")
	}
}

func TestNewNeedsCredentials(t *testing.T) {
	if _, err := bidcore.New(context.Background()); !errors.Is(err, bidcore.ErrNoCredentials) {
		t.Fatalf("New without credentials: %v", err)
	}
	if _, err := bidcore.New(context.Background(), bidcore.WithService("https://x/"), bidcore.WithPermanentToken("t")); err == nil {
		t.Fatal("New accepted a URL as a service host")
	}
	if _, err := bidcore.New(context.Background(), bidcore.WithBaseURL("/relative"), bidcore.WithPermanentToken("t")); err == nil {
		t.Fatal("New accepted a relative base URL")
	}
}

// PasswordLogin is the stand-alone source: scope from Service, HTTP client from the Login.
func TestPasswordLoginSource(t *testing.T) {
	clock := newClock()
	srv := newFake(t, bidcoretest.WithClock(clock.Now), bidcoretest.WithTokenTTL(10*time.Minute))
	ts := bidcore.PasswordLogin(bidcore.Login{Username: bidcoretest.TestReadOnlyUser, Password: bidcoretest.TestReadOnlyPassword,
		TokenURL: srv.TokenURL(), HTTPClient: &http.Client{}, Clock: clock.Now})
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Expiry.Sub(clock.Now()); got != 10*time.Minute {
		t.Fatalf("expiry in %v, want 10m", got)
	}
	clock.Advance(9 * time.Minute) // within the 60s skew of expiry
	tok2, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok2.AccessToken == tok.AccessToken || srv.Logins() != 2 {
		t.Fatalf("no fresh login near expiry (logins %d)", srv.Logins())
	}
	if bidcore.Scope("") != "service_id=my.bidcore.iponweb.com" || bidcore.Scope("demo.bidcore.iponweb.com") != "service_id=demo.bidcore.iponweb.com" {
		t.Fatal("Scope")
	}
}

// Concurrent first calls share one login.
func TestConcurrentCallsShareOneLogin(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv)
	ctx := context.Background()
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := c.ListCreativesWithResponse(ctx, nil)
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if srv.Logins() != 1 || srv.Requests("listCreatives") != 16 {
		t.Fatalf("logins %d, calls %d; want 1 and 16", srv.Logins(), srv.Requests("listCreatives"))
	}
}
