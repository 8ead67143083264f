package bqecore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/oasuite/sdk/fakes"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// seen records the requests a transport passes on (method, path, query,
// Authorization, form body).
type seen struct {
	mu   sync.Mutex
	base http.RoundTripper
	reqs []seenReq
}

type seenReq struct {
	method, host, path, authz string
	query, form               url.Values
}

func (s *seen) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := seenReq{method: r.Method, host: r.URL.Host, path: r.URL.Path, authz: r.Header.Get("Authorization"), query: r.URL.Query()}
	if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		sr.form, _ = url.ParseQuery(string(b))
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, sr)
	s.mu.Unlock()
	return s.base.RoundTrip(r)
}

func (s *seen) to(suffix string) []seenReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []seenReq
	for _, r := range s.reqs {
		if strings.HasSuffix(r.path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

// TestBasicClientAuthentication sends the client as HTTP Basic on the code
// exchange, the refresh and the revocation (as the ASP.NET sample does), and
// in the form body by default.
func TestBasicClientAuthentication(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	for _, basic := range []bool{false, true} {
		rec := &seen{base: http.DefaultTransport}
		cfg := webApp(fake)
		cfg.BasicAuth = basic
		cfg.HTTPClient = &http.Client{Transport: rec}
		tok, _ := login(t, fake, cfg)
		if _, err := cfg.RefreshGrant().Fetch(ctx, tok); err != nil {
			t.Fatalf("basic=%v refresh: %v", basic, err)
		}
		if err := cfg.Revoke(ctx, tok.AccessToken, "access_token"); err != nil {
			t.Fatalf("basic=%v revoke: %v", basic, err)
		}
		reqs := append(rec.to("/connect/token"), rec.to("/connect/revocation")...)
		if len(reqs) != 3 {
			t.Fatalf("basic=%v: %d identity requests", basic, len(reqs))
		}
		for _, r := range reqs {
			inHeader := strings.HasPrefix(r.authz, "Basic ")
			inForm := r.form.Get("client_secret") == bqecoretest.TestClientSecret
			if inHeader != basic || inForm == basic {
				t.Fatalf("basic=%v %s: Authorization %q, client_secret in form %v", basic, r.path, r.authz, inForm)
			}
		}
	}
	// A wrong secret sent as Basic is refused like one in the form.
	cfg := webApp(fake)
	cfg.BasicAuth, cfg.ClientSecret = true, "wrong"
	att, _ := cfg.Start(nil)
	q, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Exchange(ctx, att, q); err == nil || !errors.Is(err, bqecore.ErrUnauthorized) && !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("wrong secret as Basic: %v", err)
	}
}

// answer is a transport that answers every request 200 with an empty body
// and keeps the requests: for checking URLs without any network.
type answer struct{ seen }

func (a *answer) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.reqs = append(a.reqs, seenReq{method: r.Method, host: r.URL.Host, path: r.URL.Path})
	a.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
}

// TestSandboxIdentityServer points the authorize, token and revocation URLs
// at the sandbox identity server; IdentityURL wins over Sandbox.
func TestSandboxIdentityServer(t *testing.T) {
	if bqecore.SandboxIdentityURL != "https://sandbox-api-identity.bqecore.com/idp" {
		t.Fatal(bqecore.SandboxIdentityURL)
	}
	tr := &answer{}
	cfg := bqecore.OAuthConfig{ClientID: "cid", ClientSecret: "s", RedirectURL: "https://app.example.com/cb", Sandbox: true,
		HTTPClient: &http.Client{Transport: tr}}
	ep := cfg.Endpoint()
	if ep.AuthURL != bqecore.SandboxIdentityURL+"/connect/authorize" || ep.TokenURL != bqecore.SandboxIdentityURL+"/connect/token" {
		t.Fatalf("sandbox endpoint %+v", ep)
	}
	att, err := cfg.Start(nil)
	if err != nil || !strings.HasPrefix(att.URL, bqecore.SandboxIdentityURL+"/connect/authorize?") {
		t.Fatalf("authorize URL %v %v", att, err)
	}
	if err := cfg.Revoke(context.Background(), "tok", ""); err != nil {
		t.Fatal(err)
	}
	if len(tr.reqs) != 1 || tr.reqs[0].host != "sandbox-api-identity.bqecore.com" || tr.reqs[0].path != "/idp/connect/revocation" {
		t.Fatalf("revocation went to %+v", tr.reqs)
	}
	if prod := (bqecore.OAuthConfig{}).Endpoint(); !strings.HasPrefix(prod.TokenURL, bqecore.IdentityURL) {
		t.Fatalf("production endpoint %+v", prod)
	}
	cfg.IdentityURL = "https://idp.example.com/idp/"
	if ep := cfg.Endpoint(); ep.TokenURL != "https://idp.example.com/idp/connect/token" {
		t.Fatalf("IdentityURL with Sandbox: %+v", ep)
	}
}

// TestOrderbySpelling sends orderby as the samples do (activity?page=0,1000&orderby=name).
func TestOrderbySpelling(t *testing.T) {
	fake := newFake(t)
	rec := &seen{base: http.DefaultTransport}
	c, _ := newClient(t, fake, bqecore.WithHTTPClient(&http.Client{Transport: rec}))
	r, err := c.ListActivitiesWithResponse(context.Background(), &bqecoreapi.ListActivitiesParams{Page: ptr("0,1000"), OrderBy: ptr("name")})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range *r.JSON200 {
		names = append(names, *a.Name)
	}
	if strings.Join(names, ",") != "Administration,Design,Drafting,Project Management,Site Visit" {
		t.Fatalf("not sorted by name: %v", names)
	}
	got := rec.to("/activity")
	if len(got) != 1 || got[0].query.Get("orderby") != "name" || got[0].query.Has("orderBy") {
		t.Fatalf("query sent: %+v", got)
	}
}

// TestTokenEndpointNotAuthenticated: a token endpoint that answers HTTP 200
// "Not authenticated" gives an *Error matching ErrNotAuthenticated, on the
// code exchange and on a refresh (then through an API call), not a parse error.
func TestTokenEndpointNotAuthenticated(t *testing.T) {
	fake := newFake(t)
	ctx := context.Background()
	cfg := webApp(fake)
	notAuth := fakes.Fault{Method: http.MethodPost, Path: bqecoretest.IdentityPath + "/connect/token", Status: http.StatusOK,
		Body: []byte(bqecoretest.NotAuthenticatedBody), Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}}
	att, _ := cfg.Start(nil)
	q, err := fake.Authorize(ctx, att.URL)
	if err != nil {
		t.Fatal(err)
	}
	fake.AddFault(notAuth)
	_, err = cfg.Exchange(ctx, att, q)
	var e *bqecore.Error
	if !errors.Is(err, bqecore.ErrNotAuthenticated) || !errors.As(err, &e) || !e.NotAuthenticated || e.StatusCode != 200 ||
		!strings.HasSuffix(e.URL, "/connect/token") || strings.Contains(err.Error(), bqecoretest.TestClientSecret) {
		t.Fatalf("exchange: %v", err)
	}
	// Refresh: the access token expires, the refresh answers "Not authenticated".
	c, _ := newClient(t, fake)
	fake.ExpireTokens()
	fake.AddFault(notAuth)
	_, err = c.GetCompanyWithResponse(ctx, nil)
	if !errors.Is(err, bqecore.ErrNotAuthenticated) || !errors.As(err, &e) || !e.NotAuthenticated || fake.FaultsFired() != 2 {
		t.Fatalf("refresh: %v (faults fired %d)", err, fake.FaultsFired())
	}
	if !strings.HasSuffix(e.URL, "/connect/token") {
		t.Fatalf("the error is not the refresh's: %v", e)
	}
	// A real token answer still parses.
	if tok, _ := login(t, fake, cfg); tok.AccessToken == "" {
		t.Fatal("no token")
	}
}
