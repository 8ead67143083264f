package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/bqecore"
)

// countingTransport fails every request and counts them.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("no network in this test")
}

// The token's "endpoint" decides where calls go, so it is checked: https on
// bqecore.com (or a WithEndpointHosts host) only; a token answer or a
// tampered store naming anything else gets a typed error and no request.
func TestTokenEndpointAllowList(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		endpoint string
		hosts    []string
		ok       bool
	}{
		{"https://api.bqecore.com/api/", nil, true},
		{"https://eu-api.bqecore.com/api", nil, true},
		{"https://API.BQECORE.COM./api/", nil, true},
		{"https://api.bqecore.com:443/api/", nil, true},
		{"https://evil.example/api/", nil, false},
		{"https://api.bqecore.com.evil.example/api/", nil, false},
		{"https://evilbqecore.com/api/", nil, false},
		{"https://api.bqecore.com@evil.example/api/", nil, false},
		{"https://user@api.bqecore.com/api/", nil, true}, // user info is dropped, the host is bqecore.com
		{"http://api.bqecore.com/api/", nil, false},
		{"https://api.bqecore.com:8443/api/", nil, false},
		{"https://аpi.bqecore.com.example/api/", nil, false}, // Cyrillic а
		{"https://core.internal.example/api/", []string{"core.internal.example"}, true},
		{"https://core.internal.example:8443/api/", []string{"core.internal.example"}, false},
		{"https://core.internal.example:8443/api/", []string{"core.internal.example:8443"}, true},
	}
	for _, c := range cases {
		tr := &countingTransport{}
		tok := (&oauth2.Token{AccessToken: "at"}).WithExtra(map[string]any{"endpoint": c.endpoint})
		opts := []bqecore.Option{bqecore.WithTokenSource(oauth2.StaticTokenSource(tok)),
			bqecore.WithHTTPClient(&http.Client{Transport: tr}), bqecore.WithRetry(1, 0)}
		if c.hosts != nil {
			opts = append(opts, bqecore.WithEndpointHosts(c.hosts...))
		}
		cl, err := bqecore.New(ctx, opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = cl.BaseURL(ctx)
		if c.ok != (err == nil) {
			t.Errorf("%s (hosts %v): BaseURL err = %v, want ok=%v", c.endpoint, c.hosts, err, c.ok)
			continue
		}
		if c.ok {
			continue
		}
		var ee *bqecore.EndpointError
		if !errors.As(err, &ee) || !errors.Is(err, bqecore.ErrEndpointNotAllowed) || !errors.Is(err, bqecore.ErrForeignHost) {
			t.Errorf("%s: err = %v, want *bqecore.EndpointError", c.endpoint, err)
		}
		if _, err := cl.ListActivitiesWithResponse(ctx, nil); !errors.Is(err, bqecore.ErrEndpointNotAllowed) {
			t.Errorf("%s: call err = %v, want ErrEndpointNotAllowed", c.endpoint, err)
		}
		if n := tr.n.Load(); n != 0 {
			t.Errorf("%s: %d requests sent to a refused endpoint", c.endpoint, n)
		}
	}
}
