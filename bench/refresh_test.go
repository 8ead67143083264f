package bench

import (
	"github.com/oasuite/sdk/bench/benchkit"

	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
)

const goroutines = 1000

// slowFetcher counts its fetches and takes a while, so that every
// goroutine of a test arrives while the first fetch is still running.
type slowFetcher struct {
	fetches atomic.Int32
	delay   time.Duration
}

func (f *slowFetcher) Fetch(ctx context.Context, _ *oauth2.Token) (*oauth2.Token, error) {
	f.fetches.Add(1)
	select {
	case <-time.After(f.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &oauth2.Token{AccessToken: benchkit.AccessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}, nil
}

func expiredToken() *oauth2.Token {
	return &oauth2.Token{AccessToken: "expired-token", TokenType: "Bearer", Expiry: time.Now().Add(-time.Minute)}
}

// together runs fn in n goroutines released at the same instant.
func together(n int, fn func()) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn()
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// TestExpiredTokenOneRefresh: 1000 goroutines that find the token expired
// together cause exactly one refresh, and all of them get the new token.
func TestExpiredTokenOneRefresh(t *testing.T) {
	f := &slowFetcher{delay: 50 * time.Millisecond}
	src := auth.NewSource(f, auth.WithToken(expiredToken()))
	var wrong, failed atomic.Int32
	together(goroutines, func() {
		tok, err := src.TokenContext(context.Background())
		switch {
		case err != nil:
			failed.Add(1)
		case tok.AccessToken != benchkit.AccessToken:
			wrong.Add(1)
		}
	})
	if n := f.fetches.Load(); n != 1 {
		t.Errorf("%d goroutines caused %d refreshes, want 1", goroutines, n)
	}
	if failed.Load() != 0 || wrong.Load() != 0 {
		t.Errorf("%d calls failed and %d got a stale token", failed.Load(), wrong.Load())
	}
}

// TestExpiredTokenOneRefreshThroughClient is the same property end to end:
// 1000 concurrent calls of the BeProduct client whose token has expired
// send one refresh and then all succeed with the new token (the server
// refuses the old one, so a call that sent it would force a second
// refresh).
func TestExpiredTokenOneRefreshThroughClient(t *testing.T) {
	srv := benchkit.NewServer(t)
	f := &slowFetcher{delay: 50 * time.Millisecond}
	c, err := beproduct.New(context.Background(),
		beproduct.WithCompany(benchkit.Company),
		beproduct.WithBaseURL(srv.URL+"/api"),
		beproduct.WithTokenSource(auth.NewSource(f, auth.WithToken(expiredToken()))))
	if err != nil {
		t.Fatal(err)
	}
	var failed atomic.Int32
	var firstErr atomic.Value
	together(goroutines, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if h, err := benchkit.SuiteGet(ctx, c); err != nil || h == nil {
			if failed.Add(1) == 1 {
				firstErr.Store(err)
			}
		}
	})
	if n := f.fetches.Load(); n != 1 {
		t.Errorf("%d concurrent calls caused %d refreshes, want 1", goroutines, n)
	}
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d calls failed, first: %v", n, goroutines, firstErr.Load())
	}
}

// TestFreshnessOnTheRealClock pins what the cached path decides without
// WithClock, for expiries with a monotonic reading (dated by time.Now in
// this process) and without one (read from JSON or a store): a token is
// used until skew before its expiry, and replaced after.
func TestFreshnessOnTheRealClock(t *testing.T) {
	const skew = time.Minute
	for _, tc := range []struct {
		name  string
		in    time.Duration // expiry relative to now
		fresh bool
	}{
		{"well before", time.Hour, true},
		{"just outside the skew", skew + 5*time.Second, true},
		{"inside the skew", skew - 5*time.Second, false},
		{"expired", -time.Second, false},
	} {
		for _, wallOnly := range []bool{false, true} {
			exp := time.Now().Add(tc.in)
			if wallOnly {
				exp = exp.Round(0) // strips the monotonic reading
			}
			f := &slowFetcher{}
			src := auth.NewSource(f, auth.WithSkew(skew), auth.WithToken(&oauth2.Token{AccessToken: "cached", Expiry: exp}))
			tok, err := src.TokenContext(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.AccessToken == "cached"; got != tc.fresh || (f.fetches.Load() == 0) != tc.fresh {
				t.Errorf("%s (wall only %v): cached token used = %v, fetches %d; want used = %v",
					tc.name, wallOnly, got, f.fetches.Load(), tc.fresh)
			}
		}
	}
}
