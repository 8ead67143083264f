package beproduct_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/beproduct"
)

func TestDoSendsUncoveredRequestsThroughThePipeline(t *testing.T) {
	e := setup(t, nil)
	req, _ := http.NewRequest(http.MethodGet, "Style/Folders", nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("Do(Style/Folders): %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		t.Fatalf("status %d body %.80s; want the folder list", resp.StatusCode, b)
	}
	if rl, ok := e.client.RateLimit(); !ok || rl.Limit == 0 {
		t.Fatal("Do's answer did not go through the pipeline's rate-limit observer")
	}

	req, _ = http.NewRequest(http.MethodGet, "Style/Header/no-such-id", nil)
	_, err = e.client.Do(req)
	var be *beproduct.Error
	if !errors.As(err, &be) || !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("missing header: %v, want *beproduct.Error matching ErrNotFound", err)
	}

	req, _ = http.NewRequest(http.MethodGet, "https://elsewhere.example/api", nil)
	if _, err := e.client.Do(req); err == nil || !strings.Contains(err.Error(), "not on the API's host") {
		t.Fatalf("foreign host: %v, want a refusal", err)
	}
}
