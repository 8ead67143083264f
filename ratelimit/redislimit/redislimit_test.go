package redislimit_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/internal/redistest"
	"github.com/oasuite/sdk/ratelimit"
	"github.com/oasuite/sdk/ratelimit/redislimit"
)

// never is a window that does not reset during a test run.
func never(name string, n int64) ratelimit.Window {
	return ratelimit.Window{Name: name, Limit: n, Period: 1000 * 24 * time.Hour}
}

func newLimiter(t *testing.T, rdb redis.Scripter, cfg redislimit.Config) *redislimit.Limiter {
	t.Helper()
	l, err := redislimit.New(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func exceeded(t *testing.T, err error) *ratelimit.ExceededError {
	t.Helper()
	var ee *ratelimit.ExceededError
	if !errors.As(err, &ee) || !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("got %v, want *ratelimit.ExceededError", err)
	}
	return ee
}

// waitWindowStart waits until window i has at least need left before it
// resets, so that a short burst does not straddle a boundary.
func waitWindowStart(t *testing.T, l *redislimit.Limiter, i int, need time.Duration) {
	t.Helper()
	for range 100 {
		u, err := l.Usage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		left := time.Until(u[i].ResetAt)
		if left >= need {
			return
		}
		time.Sleep(left + 5*time.Millisecond)
	}
	t.Fatal("window never had enough time left")
}

func TestWindowsEnforcedTogether(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	short := ratelimit.Window{Name: "short", Limit: 3, Period: 400 * time.Millisecond}
	l := newLimiter(t, rdb, redislimit.Config{Budget: "vendor:acme", Windows: []ratelimit.Window{short, never("long", 5)}})

	waitWindowStart(t, l, 0, 250*time.Millisecond)
	for i := range 3 {
		if err := l.Allow(ctx, nil); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	ee := exceeded(t, l.Allow(ctx, nil))
	if ee.Window.Name != "short" || ee.Used != 3 || ee.Budget != "vendor:acme" {
		t.Fatalf("refusal %+v, want the short window with 3 used", ee)
	}
	if ee.RetryAfter <= 0 || ee.RetryAfter > short.Period || ee.ResetAt.Before(time.Now()) {
		t.Fatalf("RetryAfter %v, ResetAt %v: want the end of the current 400ms window", ee.RetryAfter, ee.ResetAt)
	}
	for _, want := range []string{`"vendor:acme"`, "short", "resets in"} {
		if !strings.Contains(ee.Error(), want) {
			t.Errorf("error %q lacks %q", ee.Error(), want)
		}
	}
	u, err := l.Usage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u[0].Used != 3 || u[0].Remaining != 0 || u[1].Used != 3 || u[1].Remaining != 2 {
		t.Fatalf("refused request was counted: %+v", u)
	}

	// Once the short window resets, the long one still has 2 left.
	time.Sleep(time.Until(ee.ResetAt) + 10*time.Millisecond)
	waitWindowStart(t, l, 0, 250*time.Millisecond)
	for i := range 2 {
		if err := l.Allow(ctx, nil); err != nil {
			t.Fatalf("request %d after reset: %v", i+4, err)
		}
	}
	ee = exceeded(t, l.Allow(ctx, nil))
	if ee.Window.Name != "long" || ee.Used != 5 || ee.RetryAfter < time.Hour {
		t.Fatalf("refusal %+v, want the long window with 5 used", ee)
	}
}

// When several windows are spent the error names the one that resets last:
// waiting for the other would not help.
func TestRefusalNamesLatestReset(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	l := newLimiter(t, rdb, redislimit.Config{Budget: "b", Windows: []ratelimit.Window{never("long", 2), ratelimit.PerMinute(2)}})
	waitWindowStart(t, l, 1, 5*time.Second)
	for range 2 {
		if err := l.Allow(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	if ee := exceeded(t, l.Allow(ctx, nil)); ee.Window.Name != "long" {
		t.Fatalf("refusal names %q, want long", ee.Window.Name)
	}
}

func TestAllowNIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Start(t).Client(t)
	l := newLimiter(t, rdb, redislimit.Config{Budget: "b", Windows: []ratelimit.Window{never("day", 10)}})
	if err := l.AllowN(ctx, 8); err != nil {
		t.Fatal(err)
	}
	if ee := exceeded(t, l.AllowN(ctx, 3)); ee.Used != 8 {
		t.Fatalf("Used %d, want 8", ee.Used)
	}
	if err := l.AllowN(ctx, 2); err != nil {
		t.Fatalf("the refused batch was counted: %v", err)
	}
	if err := l.AllowN(ctx, 0); err != nil {
		t.Fatal(err)
	}
	exceeded(t, l.Allow(ctx, nil))
}

// Limiters on separate connections share a budget by name, and only by name.
func TestBudgetSharedByName(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	win := []ratelimit.Window{never("day", 100)}
	a := newLimiter(t, srv.Client(t), redislimit.Config{Budget: "beproduct:acme", Windows: win})
	b := newLimiter(t, srv.Client(t), redislimit.Config{Budget: "beproduct:acme", Windows: win})
	other := newLimiter(t, srv.Client(t), redislimit.Config{Budget: "beproduct:globex", Windows: win})
	var allowed, refused atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				switch err := l.Allow(ctx, nil); {
				case err == nil:
					allowed.Add(1)
				case errors.Is(err, ratelimit.ErrExceeded):
					refused.Add(1)
				default:
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 100 || refused.Load() != 100 {
		t.Fatalf("allowed %d, refused %d; want 100 and 100", allowed.Load(), refused.Load())
	}
	if err := other.Allow(ctx, nil); err != nil {
		t.Fatalf("another budget was spent too: %v", err)
	}
	if got := a.Budget(); got != "beproduct:acme" || len(a.Windows()) != 1 {
		t.Errorf("Budget %q, Windows %v", got, a.Windows())
	}
}

// The limiter plugs into the pipeline's Limit hook: a spent budget fails the
// call before anything is sent.
func TestPipelineFailsFast(t *testing.T) {
	ctx := context.Background()
	var seen atomic.Int64
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1) }))
	defer hs.Close()
	l := newLimiter(t, redistest.Start(t).Client(t), redislimit.Config{Budget: "b", Windows: []ratelimit.Window{never("day", 3)}})
	hc := pipeline.NewClient(pipeline.Config{Base: hs.Client().Transport, Limit: l.Allow})
	for i := range 5 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/x", nil)
		resp, err := hc.Do(req)
		if i < 3 {
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			continue
		}
		if ee := exceeded(t, err); ee.Window.Name != "day" {
			t.Fatalf("refusal %+v", ee)
		}
	}
	if seen.Load() != 3 {
		t.Fatalf("server saw %d requests, want 3", seen.Load())
	}
}

func TestRedisDown(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	opt := srv.Options()
	opt.MaxRetries = -1
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	srv.Stop()
	var seen atomic.Int64
	win := []ratelimit.Window{never("day", 1)}
	closed := newLimiter(t, rdb, redislimit.Config{Budget: "b", Windows: win, OnError: func(error) { seen.Add(1) }})
	if err := closed.Allow(ctx, nil); err == nil || errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatalf("fail-closed limiter with Redis down: %v", err)
	}
	open := newLimiter(t, rdb, redislimit.Config{Budget: "b", Windows: win, FailOpen: true, OnError: func(error) { seen.Add(1) }})
	if err := open.Allow(ctx, nil); err != nil {
		t.Fatalf("fail-open limiter with Redis down: %v", err)
	}
	if seen.Load() != 2 {
		t.Fatalf("OnError saw %d errors, want 2", seen.Load())
	}
	if _, err := open.Usage(ctx); err == nil {
		t.Fatal("Usage with Redis down succeeded")
	}
}

func TestConfigChecked(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for name, cfg := range map[string]redislimit.Config{
		"no budget":   {Windows: []ratelimit.Window{ratelimit.PerDay(1)}},
		"no window":   {Budget: "b"},
		"zero limit":  {Budget: "b", Windows: []ratelimit.Window{ratelimit.PerDay(0)}},
		"tiny period": {Budget: "b", Windows: []ratelimit.Window{{Limit: 1, Period: time.Microsecond}}},
		"odd period":  {Budget: "b", Windows: []ratelimit.Window{{Limit: 1, Period: 1500 * time.Microsecond}}},
		"same window": {Budget: "b", Windows: []ratelimit.Window{ratelimit.PerDay(1), ratelimit.PerDay(2)}},
	} {
		if _, err := redislimit.New(rdb, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := redislimit.New(nil, redislimit.Config{Budget: "b", Windows: []ratelimit.Window{ratelimit.PerDay(1)}}); err == nil {
		t.Error("nil client accepted")
	}
	if got := (ratelimit.Window{Limit: 1, Period: 90 * time.Second}).Label(); got != "1m30s" {
		t.Errorf("Label = %q", got)
	}
}
