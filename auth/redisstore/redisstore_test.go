package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/internal/redistest"
)

func newStore(t *testing.T, opts ...redisstore.Option) (*redisstore.Store, *redis.Client) {
	t.Helper()
	rdb := redistest.Start(t).Client(t)
	return redisstore.New(rdb, opts...), rdb
}

func TestSaveLoadKeepsExtras(t *testing.T) {
	ctx := context.Background()
	st, rdb := newStore(t, redisstore.WithPrefix("app:"))
	if _, err := st.Load(ctx, "bqe:acme"); !errors.Is(err, auth.ErrNoToken) {
		t.Fatalf("Load of a missing key: %v, want ErrNoToken", err)
	}
	exp := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	tok := (&oauth2.Token{AccessToken: "at-1", TokenType: "Bearer", RefreshToken: "rt-1", Expiry: exp}).
		WithExtra(map[string]any{"endpoint": "https://api.bqecore.com/api/", "id_token": "eyJ.x.y", "scope": "openid readwrite:core"})
	if err := st.Save(ctx, "bqe:acme", tok); err != nil {
		t.Fatal(err)
	}
	if n, _ := rdb.Exists(ctx, "app:bqe:acme").Result(); n != 1 {
		t.Fatalf("token not stored under the prefixed key")
	}
	if ttl, _ := rdb.PTTL(ctx, "app:bqe:acme").Result(); ttl != -1 {
		t.Errorf("stored token has a TTL (%v): a refresh token must outlive it", ttl)
	}
	got, err := st.Load(ctx, "bqe:acme")
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != "at-1" || got.RefreshToken != "rt-1" || got.TokenType != "Bearer" || !got.Expiry.Equal(exp) {
		t.Errorf("loaded %+v", got)
	}
	for k, want := range map[string]string{"endpoint": "https://api.bqecore.com/api/", "id_token": "eyJ.x.y", "scope": "openid readwrite:core"} {
		if v, _ := got.Extra(k).(string); v != want {
			t.Errorf("Extra(%q) = %v, want %q", k, got.Extra(k), want)
		}
	}
	if err := st.Delete(ctx, "bqe:acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(ctx, "bqe:acme"); !errors.Is(err, auth.ErrNoToken) {
		t.Fatalf("Load after Delete: %v, want ErrNoToken", err)
	}
	if err := rdb.Set(ctx, "app:bad", "not json", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(ctx, "bad"); err == nil || errors.Is(err, auth.ErrNoToken) {
		t.Errorf("Load of a corrupt value: %v, want a decoding error", err)
	}
}

func TestRedisDownIsAnError(t *testing.T) {
	srv := redistest.Start(t)
	opt := srv.Options()
	opt.MaxRetries = -1
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	st := redisstore.New(rdb)
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := st.Load(ctx, "k"); err == nil || errors.Is(err, auth.ErrNoToken) {
		t.Errorf("Load with Redis down: %v", err)
	}
	if err := st.Save(ctx, "k", &oauth2.Token{AccessToken: "secret-at"}); err == nil || strings.Contains(err.Error(), "secret-at") {
		t.Errorf("Save with Redis down: %v", err)
	}
	if _, err := st.Lock(ctx, "k"); err == nil {
		t.Error("Lock with Redis down succeeded")
	}
}

func TestLockExcludes(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := st.Lock(ctx, "k")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
			if err := unlock(); err != nil {
				t.Error(err)
			}
			if err := unlock(); err != nil { // a second call does nothing
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := maxInside.Load(); m != 1 {
		t.Fatalf("%d holders at once", m)
	}
}

func TestLockWaitEndsWithContext(t *testing.T) {
	st, _ := newStore(t)
	unlock, err := st.Lock(context.Background(), "k")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := st.Lock(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on a held key: %v, want DeadlineExceeded", err)
	}
	// Another key is independent.
	u2, err := st.Lock(context.Background(), "other")
	if err != nil {
		t.Fatal(err)
	}
	u2()
}

// A live holder keeps its lock past the TTL; a dead one's lock lapses.
func TestLockExtendedWhileHeldAndLapsesWhenAbandoned(t *testing.T) {
	ttl := 300 * time.Millisecond
	st, rdb := newStore(t, redisstore.WithLockTTL(ttl), redisstore.WithLockPoll(10*time.Millisecond))
	ctx := context.Background()
	unlock, err := st.Lock(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * ttl)
	short, cancel := context.WithTimeout(ctx, ttl)
	_, err = st.Lock(short, "k")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lock of a live holder was taken after %v: %v", 4*ttl, err)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if n, _ := rdb.Exists(ctx, "oasuite:token:k:lock").Result(); n != 0 {
		t.Fatal("lock key left after unlock")
	}

	// A holder that vanished: its lock key stays, with its TTL, and nobody
	// extends it.
	if err := rdb.Set(ctx, "oasuite:token:k:lock", "dead-holder", ttl).Err(); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u2, err := st.Lock(wait, "k")
	if err != nil {
		t.Fatalf("abandoned lock did not lapse: %v", err)
	}
	if err := u2(); err != nil {
		t.Fatal(err)
	}
}

// Unlock deletes the lock only while it holds the caller's token.
func TestUnlockChecksToken(t *testing.T) {
	ttl := 200 * time.Millisecond
	st, rdb := newStore(t, redisstore.WithLockTTL(ttl))
	ctx := context.Background()
	unlock, err := st.Lock(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	// The lock is lost (say the holder was paused past the TTL) and another
	// process takes it.
	if err := rdb.Set(ctx, "oasuite:token:k:lock", "someone-else", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if err := unlock(); !errors.Is(err, redisstore.ErrLockLost) {
		t.Fatalf("unlock of a lost lock: %v, want ErrLockLost", err)
	}
	if v, _ := rdb.Get(ctx, "oasuite:token:k:lock").Result(); v != "someone-else" {
		t.Fatalf("unlock released another holder's lock (value now %q)", v)
	}
}
