package reliability

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/oasuite/sdk/version"
)

// TestDefaultUserAgent: without WithUserAgent every vendor's client names
// itself and the suite's version on every API request, so a vendor's logs
// can tell oasuite traffic (and which release) from anything else.
func TestDefaultUserAgent(t *testing.T) {
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			srv := newAPIServer(t)
			var mu sync.Mutex
			var got []string
			srv.handle(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				got = append(got, r.Header.Get("User-Agent"))
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(v.okGet))
			})
			c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.get(context.Background()); err != nil {
				t.Fatal(err)
			}
			want := version.UserAgent(v.name)
			mu.Lock()
			defer mu.Unlock()
			if len(got) == 0 {
				t.Fatal("no API request reached the server")
			}
			for _, ua := range got {
				if ua != want {
					t.Errorf("User-Agent = %q, want %q", ua, want)
				}
			}
		})
	}
}
