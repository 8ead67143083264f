package bidcore_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
)

func TestUserAgentLoggerAndDo(t *testing.T) {
	srv := newFake(t)
	var ua atomic.Value
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		srv.ServeHTTP(w, r)
	}))
	defer front.Close()
	var logs bytes.Buffer
	c, err := bidcore.New(context.Background(), bidcore.WithBaseURL(front.URL+bidcoretest.APIPath),
		bidcore.WithPermanentToken(bidcoretest.TestPermanentToken), bidcore.WithUserAgent("acme-sync/1.2"),
		bidcore.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "ssps/?page_size=5", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || ua.Load() != "acme-sync/1.2" {
		t.Fatalf("status %d, user agent %v", resp.StatusCode, ua.Load())
	}
	if !strings.Contains(logs.String(), "/api/v2/ssps/") || strings.Contains(logs.String(), bidcoretest.TestPermanentToken) {
		t.Fatalf("log: %s", logs.String())
	}
	req, _ = http.NewRequestWithContext(context.Background(), "GET", "https://elsewhere.example/api/v2/ssps/", nil)
	if _, err := c.Do(req); err == nil || !strings.Contains(err.Error(), "not on the API's host") {
		t.Fatalf("Do to another host: %v", err)
	}
}
