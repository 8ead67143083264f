package reliability

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

const (
	goroutines = 200
	expiries   = 5
)

// bqeLogin logs in at the BQE fake through the public code flow (offline
// access: a rotating refresh token) and returns the config and the token.
func bqeLogin(t *testing.T, fake *bqecoretest.Server, hc *http.Client) (bqecore.OAuthConfig, *oauth2.Token) {
	t.Helper()
	ctx := context.Background()
	cfg := bqecore.OAuthConfig{ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
		RedirectURL: bqecoretest.TestRedirectURL, IdentityURL: fake.IdentityURL(), HTTPClient: hc,
		Scopes: []string{bqecore.ScopeReadWrite, bqecore.ScopeOfflineAccess}}
	attempt, err := cfg.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := fake.Authorize(ctx, attempt.URL)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, attempt, q)
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("exchange: %v (refresh token: %v)", err, tok != nil && tok.RefreshToken != "")
	}
	return cfg, tok
}

// expiringAPI is a light stand-in for the CORE API (the fake's spec
// validation is too slow for thousands of calls under -race): it answers
// like CORE, and after expire() refuses every access token it has seen so far
// with CORE's HTTP 200 "Not authenticated"; tokens first seen later are valid.
type expiringAPI struct {
	mu      sync.Mutex
	seen    map[string]bool // token → expired
	refused int
}

func (a *expiringAPI) expire() {
	a.mu.Lock()
	for k := range a.seen {
		a.seen[k] = true
	}
	a.mu.Unlock()
}

func (a *expiringAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("Authorization")
	a.mu.Lock()
	expired, known := a.seen[tok]
	if !known {
		a.seen[tok] = false
	}
	if expired {
		a.refused++
	}
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case expired:
		_, _ = io.WriteString(w, bqecoretest.NotAuthenticatedBody)
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/activity"):
		_, _ = io.WriteString(w, `[{"id":"a1","code":"DES","description":"Design"}]`)
	default:
		_, _ = io.WriteString(w, `{"id":"a1","code":"DES","description":"Design"}`)
	}
}

// TestConcurrentCallsWhileTokensExpire: 200 goroutines make mixed calls (list,
// get, create) through one bqecore.Client while every access token expires,
// five times (CORE then answers 200 "Not authenticated"). Tokens come from the
// BQE fake's identity server, which rotates refresh tokens: a refresh with a
// used refresh token fails. Each expiry must cost exactly one refresh —
// single-flight across all goroutines — and no rotated refresh token may be
// lost: the store ends with the source's token, whose refresh token still
// works.
func TestConcurrentCallsWhileTokensExpire(t *testing.T) {
	defer goleakVerify(t)
	fake := bqecoretest.NewServer()
	defer fake.Close()
	api := &expiringAPI{seen: map[string]bool{}}
	apiSrv := httptest.NewServer(api)
	defer apiSrv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: goroutines}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	cfg, tok := bqeLogin(t, fake, hc)
	store := &auth.MemoryStore{}
	src := cfg.TokenSource(tok, auth.WithStore(store, "bqe"))
	c, err := bqecore.New(context.Background(), bqecore.WithBaseURL(apiSrv.URL+"/api"), bqecore.WithTokenSource(src),
		bqecore.WithHTTPClient(hc), bqecore.WithRetry(1, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, err := c.ListActivitiesWithResponse(ctx, nil)
	if err != nil || list.JSON200 == nil || len(*list.JSON200) == 0 {
		t.Fatalf("list: %v", err)
	}
	id := *(*list.JSON200)[0].Id
	before := fake.Stats().Refreshes

	// epoch counts the refreshes seen by the controller; done[g] is the epoch
	// at which goroutine g started its latest finished call. The controller
	// expires the tokens again only once every goroutine has finished a call
	// started after the previous refresh, so no call meets two expiries (one
	// forced refresh per call is the pipeline's contract).
	var epoch atomic.Int64
	done := make([]atomic.Int64, goroutines)
	var (
		stop     atomic.Bool
		calls    atomic.Int64
		failures atomic.Int64
		firstErr sync.Once
		wg       sync.WaitGroup
	)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				e := epoch.Load()
				var err error
				switch (g + i) % 3 {
				case 0:
					var r *bqecoreapi.ListActivitiesResponse
					if r, err = c.ListActivitiesWithResponse(ctx, nil); err == nil && r.JSON200 == nil {
						err = errNoData
					}
				case 1:
					var r *bqecoreapi.GetActivityResponse
					if r, err = c.GetActivityWithResponse(ctx, id, nil); err == nil && r.JSON200 == nil {
						err = errNoData
					}
				case 2:
					code, desc := fmt.Sprintf("G%d-%d", g, i), "concurrency"
					_, err = c.CreateActivityWithResponse(ctx, bqecoreapi.Activity{Code: &code, Description: &desc})
				}
				calls.Add(1)
				done[g].Store(e)
				if err != nil {
					failures.Add(1)
					firstErr.Do(func() { t.Errorf("goroutine %d call %d: %v", g, i, err) })
				}
			}
		}()
	}
	// Expire every token, wait until the goroutines have refreshed, repeat.
	waitAll := func(k int64) {
		deadline := time.Now().Add(20 * time.Second)
		for g := 0; g < goroutines && time.Now().Before(deadline); {
			if done[g].Load() >= k {
				g++
				continue
			}
			time.Sleep(time.Millisecond)
		}
	}
	for k := int64(1); k <= expiries; k++ {
		api.expire() // while calls are in flight
		deadline := time.Now().Add(20 * time.Second)
		for int64(fake.Stats().Refreshes-before) < k && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		epoch.Store(k)
		waitAll(k)
	}
	stop.Store(true)
	wg.Wait()

	if got := fake.Stats().Refreshes - before; got != expiries {
		t.Errorf("refreshes = %d for %d expiries, want exactly one each", got, expiries)
	}
	api.mu.Lock()
	refused := api.refused
	api.mu.Unlock()
	t.Logf("%d goroutines, %d calls, %d failures, %d refused tokens, %d refreshes",
		goroutines, calls.Load(), failures.Load(), refused, fake.Stats().Refreshes-before)
	if failures.Load() > 0 {
		t.Errorf("%d of %d calls failed", failures.Load(), calls.Load())
	}
	if calls.Load() < goroutines*expiries {
		t.Errorf("only %d calls were made", calls.Load())
	}
	// No rotated refresh token was lost: the store holds the source's token,
	// and its refresh token is the live one.
	cur, err := src.TokenContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := store.Load(ctx, "bqe")
	if err != nil || saved.RefreshToken != cur.RefreshToken || saved.AccessToken != cur.AccessToken {
		t.Fatalf("store and source disagree (err %v)", err)
	}
	if _, err := cfg.RefreshGrant().Fetch(ctx, saved); err != nil {
		t.Errorf("the stored refresh token no longer works: %v", err)
	}
}
