package bqecore_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/fakes"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

func TestDoSendsUncoveredRequestsToTheTokensEndpoint(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	ctx := context.Background()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "health", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do(health): %v", err)
	}
	var h struct{ Status string }
	err = json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if err != nil || h.Status != "Healthy" {
		t.Fatalf("health = %+v, %v", h, err)
	}
	// The base URL came from the token's endpoint (the fake's own address).
	base, _ := c.BaseURL(ctx)
	if !strings.HasPrefix(resp.Request.URL.String(), base+"/health") {
		t.Fatalf("request went to %s, want under %s", resp.Request.URL, base)
	}

	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "activity/00000000-0000-0000-0000-000000000000", nil)
	if _, err := c.Do(req); !errors.Is(err, bqecore.ErrNotFound) {
		t.Fatalf("missing activity: %v, want ErrNotFound", err)
	}

	fake.AddFault(fakes.Fault{Path: "/api/", Times: -1, Status: http.StatusOK, Body: []byte(bqecoretest.NotAuthenticatedBody)})
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "health", nil)
	if _, err := c.Do(req); !errors.Is(err, bqecore.ErrNotAuthenticated) {
		t.Fatalf("Not authenticated twice through Do: %v, want ErrNotAuthenticated", err)
	}
	fake.ClearFaults()

	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "https://elsewhere.example/api/health", nil)
	if _, err := c.Do(req); err == nil || !strings.Contains(err.Error(), "not on the API's host") {
		t.Fatalf("foreign host: %v, want a refusal", err)
	}
}
