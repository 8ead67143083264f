package procurios_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/procurios"
)

func TestDoSendsUncoveredRequestsWithTheModulesMediaType(t *testing.T) {
	srv := newFake(t)
	c := newClient(t, srv, nil)
	req, _ := http.NewRequest(http.MethodGet, "relation_list_api/collection", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do(relation_list_api/collection): %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "vnd.procurios.relation+json") || len(b) == 0 {
		t.Fatalf("content type %q, %d bytes: the fake did not negotiate the relation media type", ct, len(b))
	}
	req, _ = http.NewRequest(http.MethodGet, "relation_list_api/collection/00000000-0000-0000-0000-000000000000", nil)
	_, err = c.Do(req)
	var pe *procurios.Error
	if !errors.As(err, &pe) || !errors.Is(err, procurios.ErrNotFound) {
		t.Fatalf("missing collection: %v, want *procurios.Error matching ErrNotFound", err)
	}
	req, _ = http.NewRequest(http.MethodGet, "https://elsewhere.example/l/relation_list_api/collection", nil)
	if _, err := c.Do(req); err == nil || !strings.Contains(err.Error(), "not on the API's host") {
		t.Fatalf("foreign host: %v, want a refusal", err)
	}
}
