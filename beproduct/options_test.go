package beproduct_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
)

type countingTransport struct {
	n  atomic.Int32
	ua atomic.Value
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	c.ua.Store(r.Header.Get("User-Agent"))
	return http.DefaultTransport.RoundTrip(r)
}

func TestOptionsTransportUserAgentLogger(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	tok, err := e.ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	ct := &countingTransport{}
	var logs bytes.Buffer
	c := newClient(t, e.fake, e.ts,
		beproduct.WithHTTPClient(&http.Client{Transport: ct}),
		beproduct.WithUserAgent("acme-sync/1.0"),
		beproduct.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if _, err := c.ListUserRolesWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if ct.n.Load() != 1 || ct.ua.Load() != "acme-sync/1.0" {
		t.Fatalf("transport saw %d requests, UA %v", ct.n.Load(), ct.ua.Load())
	}
	if !strings.Contains(logs.String(), "Users/Roles") {
		t.Fatalf("no log record: %q", logs.String())
	}
	if strings.Contains(logs.String(), tok.AccessToken) {
		t.Fatal("the access token was logged")
	}
}

func TestAccessTokenQueryParameter(t *testing.T) {
	e := setup(t, nil)
	tok, err := e.ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	// The API overview allows the token as the access_token parameter.
	resp, err := http.Get(e.fake.BaseURL() + "/" + beproducttest.TestCompany + "/Users/Roles?access_token=" + tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-RateLimit-Limit") == "" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	resp, err = http.Get(e.fake.BaseURL() + "/othercompany/Users/Roles?access_token=" + tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown company: status %d", resp.StatusCode)
	}
}

func TestErrorHoldsNoToken(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil, beproduct.WithRetry(1, time.Millisecond))
	tok, _ := e.ts.Token()
	e.fake.FailNext("listUsers", 500, 0, 0)
	_, err := e.client.ListUsersWithResponse(ctx)
	if err == nil || strings.Contains(err.Error(), tok.AccessToken) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v", err)
	}
}
