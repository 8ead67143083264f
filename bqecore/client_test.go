package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oasuite/sdk/fakes"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// headerRecorder is a transport that remembers the requests it sent.
type headerRecorder struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (h *headerRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.reqs = append(h.reqs, r.Clone(context.Background()))
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func (h *headerRecorder) last() *http.Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reqs[len(h.reqs)-1]
}

func TestBaseURLFromTokenEndpoint(t *testing.T) {
	fake := newFake(t)
	c, src := newClient(t, fake)
	ctx := context.Background()
	tok, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	if ep, _ := tok.Extra("endpoint").(string); ep != fake.BaseURL()+"/" {
		t.Fatalf("token endpoint = %q, want %q", ep, fake.BaseURL()+"/")
	}
	base, err := c.BaseURL(ctx)
	if err != nil || base != fake.BaseURL() {
		t.Fatalf("BaseURL = %q, %v; want %q (trailing slash trimmed)", base, err, fake.BaseURL())
	}
	r, err := c.GetActivityWithResponse(ctx, "00000000-0000-0000-0000-000000000000", nil)
	if !errors.Is(err, bqecore.ErrNotFound) {
		t.Fatalf("get unknown activity: %v, %v", r, err)
	}
	var e *bqecore.Error
	if !errors.As(err, &e) || !strings.HasPrefix(e.URL, fake.BaseURL()+"/activity/") || e.Message == "" {
		t.Fatalf("error = %#v; want the request to the token's endpoint with CORE's Message", e)
	}
}

func TestEndpointOf(t *testing.T) {
	for _, tc := range []struct{ extra, want string }{
		{"https://api.bqecore.com/api/", "https://api.bqecore.com/api"},
		{"https://api-eu.bqecore.com/api", "https://api-eu.bqecore.com/api"},
		{"https://x.bqecore.com/xxx//", "https://x.bqecore.com/xxx"},
		{"", bqecore.DefaultBaseURL},
	} {
		tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"endpoint": tc.extra})
		got, err := bqecore.EndpointOf(tok)
		if err != nil || got != tc.want {
			t.Errorf("EndpointOf(%q) = %q, %v; want %q", tc.extra, got, err, tc.want)
		}
	}
	if _, err := bqecore.EndpointOf((&oauth2.Token{}).WithExtra(map[string]any{"endpoint": "not a url"})); err == nil {
		t.Error("EndpointOf accepted a malformed endpoint")
	}
}

func TestEndpointPersistsWithStoreAndRefresh(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := webApp(fake)
	tok, _ := login(t, fake, cfg)
	var store auth.MemoryStore
	src := cfg.TokenSource(tok, auth.WithStore(&store, "pat"))
	if _, err := src.ForceRefresh(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// A new process: only the store.
	saved, err := store.Load(ctx, "pat")
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh token did not rotate")
	}
	if ep, _ := saved.Extra("endpoint").(string); ep != fake.BaseURL()+"/" {
		t.Fatalf("stored endpoint = %q", ep)
	}
	src2 := cfg.TokenSource(nil, auth.WithStore(&store, "pat"))
	c, err := bqecore.New(ctx, bqecore.WithTokenSource(src2), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.GetCompanyWithResponse(ctx, nil)
	if err != nil || r.JSON200 == nil || r.JSON200.Name == "" {
		t.Fatalf("get company via stored endpoint: %v", err)
	}
}

func TestWithBaseURLOverrides(t *testing.T) {
	fake := newFake(t)
	other := newFake(t)
	_, src := newClient(t, fake)
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(src), bqecore.WithBaseURL(other.BaseURL()+"/"))
	if err != nil {
		t.Fatal(err)
	}
	// other does not know fake's token: the call reaches other, not fake.
	_, err = c.GetHealthWithResponse(context.Background())
	if !errors.Is(err, bqecore.ErrNotAuthenticated) {
		t.Fatalf("call through WithBaseURL: %v; want Not authenticated from the other server", err)
	}
	if other.Stats().NotAuthenticated == 0 || fake.Stats().APICalls != 0 {
		t.Fatalf("WithBaseURL not honoured: other %+v, fake %+v", other.Stats(), fake.Stats())
	}
	if base, _ := c.BaseURL(context.Background()); base != other.BaseURL() {
		t.Fatalf("BaseURL = %q", base)
	}
	if _, err := bqecore.New(context.Background(), bqecore.WithBaseURL("ftp://x")); err == nil {
		t.Fatal("New accepted an ftp base URL")
	}
}

func TestUTCOffsetUserAgentAccept(t *testing.T) {
	fake := newFake(t)
	rec := &headerRecorder{}
	_, src := newClient(t, fake)
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(src), bqecore.WithEndpointHosts(fake.EndpointHost()),
		bqecore.WithHTTPClient(&http.Client{Transport: rec}), bqecore.WithUTCOffset(-300), bqecore.WithUserAgent("acme-sync/1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetVersionWithResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := rec.last().Header
	if h.Get("X-UTC-OFFSET") != "-300" || h.Get("User-Agent") != "acme-sync/1.0" || h.Get("Accept") != "application/json" ||
		!strings.HasPrefix(h.Get("Authorization"), "Bearer ") {
		t.Fatalf("headers = %v", h)
	}
}

func TestNotAuthenticatedForcesOneRefreshAndReplay(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	fake.ExpireTokens()
	before := fake.Stats()
	r, err := c.GetHealthWithResponse(ctx)
	if err != nil || r.JSON200 == nil || r.JSON200.Status != "Healthy" {
		t.Fatalf("call after expiry: %v", err)
	}
	after := fake.Stats()
	if after.Refreshes != before.Refreshes+1 || after.NotAuthenticated != before.NotAuthenticated+1 {
		t.Fatalf("want one Not authenticated answer and one refresh: before %+v after %+v", before, after)
	}
}

func TestNotAuthenticatedTwiceIsTypedError(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	// Every answer is "Not authenticated", even after the refresh.
	fake.AddFault(fakes.Fault{Path: "/api/", Times: -1, Status: http.StatusOK, Body: []byte(bqecoretest.NotAuthenticatedBody)})
	before := fake.Stats()
	_, err := c.ListActivitiesWithResponse(context.Background(), nil)
	if !errors.Is(err, bqecore.ErrNotAuthenticated) || !errors.Is(err, bqecore.ErrUnauthorized) {
		t.Fatalf("err = %v; want ErrNotAuthenticated", err)
	}
	var e *bqecore.Error
	if !errors.As(err, &e) || e.StatusCode != 200 || !e.NotAuthenticated {
		t.Fatalf("err = %#v", err)
	}
	if got := fake.Stats().Refreshes - before.Refreshes; got != 1 {
		t.Fatalf("refreshes = %d, want exactly 1", got)
	}
	if fake.FaultsFired() != 2 {
		t.Fatalf("requests = %d, want the call and one replay", fake.FaultsFired())
	}
	if strings.Contains(err.Error(), "Bearer") {
		t.Fatal("error mentions the credential")
	}
}

func Test401AlsoRefreshes(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	fake.AddFault(fakes.Fault{Path: "/api/health", Status: http.StatusUnauthorized})
	before := fake.Stats()
	if _, err := c.GetHealthWithResponse(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fake.Stats().Refreshes != before.Refreshes+1 {
		t.Fatal("401 did not force a refresh")
	}
}

func TestOrdinary200IsNotAnAuthFailure(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	before := fake.Stats()
	// A long body and a JSON string that differs must pass through.
	fake.AddFault(fakes.Fault{Path: "/api/version", Status: http.StatusOK, JSON: map[string]any{"version": "Not authenticated"}})
	r, err := c.GetVersionWithResponse(context.Background())
	if err != nil || r.JSON200.Version != "Not authenticated" {
		t.Fatalf("%v", err)
	}
	if fake.Stats().Refreshes != before.Refreshes {
		t.Fatal("refreshed on an ordinary 200")
	}
}

func TestErrorsAreTyped(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	cases := []struct {
		status int
		want   error
	}{
		{400, bqecore.ErrBadRequest}, {403, bqecore.ErrForbidden}, {404, bqecore.ErrNotFound},
		{409, bqecore.ErrConflict}, {429, bqecore.ErrTooManyRequests}, {500, bqecore.ErrServer},
	}
	for _, tc := range cases {
		fake.AddFault(fakes.Fault{Path: "/api/activity", Status: tc.status, JSON: map[string]any{"Message": "boom", "Code": 7}})
		_, err := c.ListActivitiesWithResponse(ctx, nil)
		var e *bqecore.Error
		if !errors.Is(err, tc.want) || !errors.As(err, &e) || e.StatusCode != tc.status || e.Message != "boom" || e.Fields["Code"] != 7.0 {
			t.Errorf("status %d: err = %v", tc.status, err)
		}
		if errors.Is(err, bqecore.ErrNotAuthenticated) {
			t.Errorf("status %d matches ErrNotAuthenticated", tc.status)
		}
	}
}

func TestRetryHonoursRetryAfter(t *testing.T) {
	fake := newFake(t)
	_, src := newClient(t, fake)
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(src), bqecore.WithRetry(3, 2*time.Second), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	fake.AddFault(fakes.Fault{OperationID: "listActivities", Status: 429, RetryAfter: time.Second})
	start := time.Now()
	r, err := c.ListActivitiesWithResponse(context.Background(), nil)
	if err != nil || r.JSON200 == nil {
		t.Fatalf("after one 429: %v", err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Fatal("did not wait for Retry-After")
	}
	// Retry-After beyond the cap: the 429 comes back as a typed error.
	fake.AddFault(fakes.Fault{OperationID: "listActivities", Status: 429, RetryAfter: time.Hour})
	_, err = c.ListActivitiesWithResponse(context.Background(), nil)
	var e *bqecore.Error
	if !errors.As(err, &e) || e.RetryAfter != time.Hour || !errors.Is(err, bqecore.ErrTooManyRequests) {
		t.Fatalf("err = %v", err)
	}
}

func TestScopeReadOnlyCannotWrite(t *testing.T) {
	fake := newFake(t)
	cfg := webApp(fake, bqecore.ScopeRead, bqecore.ScopeOfflineAccess)
	tok, _ := login(t, fake, cfg)
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(cfg.TokenSource(tok)), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ListActivitiesWithResponse(ctx, nil); err != nil {
		t.Fatalf("read with read:core: %v", err)
	}
	_, err = c.CreateActivityWithResponse(ctx, bqecoreapi.Activity{Code: ptr("X")})
	if !errors.Is(err, bqecore.ErrForbidden) {
		t.Fatalf("write with read:core: %v", err)
	}
}

func TestSpecValidationRejectsTooLong(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	_, err := c.CreateActivityWithResponse(context.Background(), bqecoreapi.Activity{Code: ptr(strings.Repeat("x", 101))})
	var e *bqecore.Error
	if !errors.Is(err, bqecore.ErrBadRequest) || !errors.As(err, &e) || !strings.Contains(e.Message, "code") {
		t.Fatalf("err = %v", err)
	}
}

func TestNoTokenInErrors(t *testing.T) {
	fake := newFake(t)
	c, src := newClient(t, fake)
	tok, _ := src.Token()
	fake.AddFault(fakes.Fault{Path: "/api/activity", Status: 500})
	_, err := c.ListActivitiesWithResponse(context.Background(), &bqecoreapi.ListActivitiesParams{Where: ptr("name = 'x'")})
	if err == nil || strings.Contains(err.Error(), tok.AccessToken) {
		t.Fatalf("err = %v", err)
	}
	if u, _ := url.Parse(err.(*bqecore.Error).URL); u.Query().Get("where") != "name = 'x'" {
		t.Fatalf("URL = %q", err.(*bqecore.Error).URL)
	}
}
