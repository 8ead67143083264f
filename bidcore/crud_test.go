package bidcore_test

import (
	"context"
	"testing"
)

// TestCRUD runs every collection's create, list with paging, get, update and delete against the fake:
// together they exercise every operation of the spec.
func TestCRUD(t *testing.T) {
	for _, e := range entityCases {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t)
			c := newClient(t, srv)
			runCRUD(t, context.Background(), c, e)
			if got := srv.Logins(); got != 1 {
				t.Errorf("logins = %d, want 1 (the token is cached)", got)
			}
		})
	}
}
