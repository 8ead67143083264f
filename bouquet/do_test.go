package bouquet_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/bouquet"
)

func TestDoSendsUncoveredRequestsThroughThePipeline(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f)
	req, _ := http.NewRequest(http.MethodGet, "rs/projects", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do(rs/projects): %v", err)
	}
	var projects []json.RawMessage
	err = json.NewDecoder(resp.Body).Decode(&projects)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("rs/projects is not a JSON array: %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, "rs/projects/no-such-project", nil)
	_, err = c.Do(req)
	var be *bouquet.Error
	if !errors.As(err, &be) || !errors.Is(err, bouquet.ErrNotFound) {
		t.Fatalf("missing project: %v, want *bouquet.Error matching ErrNotFound", err)
	}
	req, _ = http.NewRequest(http.MethodGet, "https://elsewhere.example/rs/projects", nil)
	if _, err := c.Do(req); err == nil || !strings.Contains(err.Error(), "not on the API's host") {
		t.Fatalf("foreign host: %v, want a refusal", err)
	}
}
