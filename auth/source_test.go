package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// countingFetcher issues tok-1, tok-2, … valid for ttl, after an optional gate.
type countingFetcher struct {
	n     atomic.Int32
	ttl   time.Duration
	now   func() time.Time
	gate  chan struct{}
	err   error
	seen  chan *oauth2.Token
	extra map[string]any
}

func (f *countingFetcher) Fetch(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
	k := f.n.Add(1)
	if f.seen != nil {
		f.seen <- cur
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.err != nil {
		return nil, f.err
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t := &oauth2.Token{AccessToken: fmt.Sprintf("tok-%d", k), RefreshToken: "rt", Expiry: now().Add(f.ttl)}
	if f.extra != nil {
		t = t.WithExtra(f.extra)
	}
	return t, nil
}

func TestSourceCachesUntilSkew(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	f := &countingFetcher{ttl: time.Hour, now: clock}
	src := NewSource(f, WithClock(clock), WithSkew(5*time.Minute))

	for i := 0; i < 5; i++ {
		tok, err := src.Token()
		if err != nil || tok.AccessToken != "tok-1" {
			t.Fatalf("tok=%v err=%v", tok, err)
		}
	}
	advance(54 * time.Minute) // 6 min left > 5 min skew
	if tok, _ := src.Token(); tok.AccessToken != "tok-1" {
		t.Errorf("refreshed too early: %s", tok.AccessToken)
	}
	advance(2 * time.Minute) // 4 min left < skew
	if tok, _ := src.Token(); tok.AccessToken != "tok-2" {
		t.Errorf("not refreshed inside skew: %s", tok.AccessToken)
	}
	if got := f.n.Load(); got != 2 {
		t.Errorf("fetches = %d, want 2", got)
	}
}

func TestSourceDefaultSkewAndZeroExpiry(t *testing.T) {
	now := time.Now()
	src := NewSource(FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		return &oauth2.Token{AccessToken: "fresh"}, nil
	}), WithClock(func() time.Time { return now }), WithToken(&oauth2.Token{AccessToken: "old", Expiry: now.Add(59 * time.Second)}))
	tok, err := src.Token()
	if err != nil || tok.AccessToken != "fresh" {
		t.Fatalf("default skew 60s not applied: %v %v", tok, err)
	}
	// A token without expiry is kept forever.
	now = now.Add(1000 * time.Hour)
	if tok, _ := src.Token(); tok.AccessToken != "fresh" {
		t.Errorf("zero-expiry token replaced")
	}
	// WithSkew(<0) means at expiry.
	src = NewSource(FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		return nil, errors.New("should not fetch")
	}),
		WithSkew(-time.Second), WithClock(func() time.Time { return now }), WithToken(&oauth2.Token{AccessToken: "a", Expiry: now.Add(time.Second)}))
	if tok, err := src.Token(); err != nil || tok.AccessToken != "a" {
		t.Errorf("tok=%v err=%v", tok, err)
	}
}

func TestSourceSingleFlight100(t *testing.T) {
	f := &countingFetcher{ttl: time.Hour, gate: make(chan struct{})}
	src := NewSource(f, WithToken(&oauth2.Token{AccessToken: "expired", Expiry: time.Now().Add(-time.Hour)}))
	const n = 100
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(n)
	results := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ready.Done()
			tok, err := src.TokenContext(context.Background())
			errs[i] = err
			if tok != nil {
				results[i] = tok.AccessToken
			}
		}(i)
	}
	ready.Wait()
	// Let the goroutines pile up on the flight before it completes.
	deadline := time.Now().Add(2 * time.Second)
	for f.n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(f.gate)
	wg.Wait()
	if got := f.n.Load(); got != 1 {
		t.Fatalf("fetches = %d, want exactly 1", got)
	}
	for i := range results {
		if errs[i] != nil || results[i] != "tok-1" {
			t.Fatalf("goroutine %d: %q %v", i, results[i], errs[i])
		}
	}
}

func TestSourceForceRefresh(t *testing.T) {
	f := &countingFetcher{ttl: time.Hour}
	src := NewSource(f)
	t1, err := src.Token()
	if err != nil {
		t.Fatal(err)
	}
	// The server rejected t1: exactly one fetch.
	t2, err := src.ForceRefresh(context.Background(), t1)
	if err != nil || t2.AccessToken != "tok-2" {
		t.Fatalf("t2=%v err=%v", t2, err)
	}
	// A late 401 for t1: the current token already differs, no fetch.
	t3, err := src.ForceRefresh(context.Background(), t1)
	if err != nil || t3.AccessToken != "tok-2" || f.n.Load() != 2 {
		t.Fatalf("t3=%v err=%v fetches=%d", t3, err, f.n.Load())
	}
	// nil rejected forces a fetch.
	if t4, _ := src.ForceRefresh(context.Background(), nil); t4.AccessToken != "tok-3" {
		t.Errorf("t4=%v", t4)
	}
}

func TestSourceForceRefreshSingleFlight(t *testing.T) {
	f := &countingFetcher{ttl: time.Hour, gate: make(chan struct{})}
	rejected := &oauth2.Token{AccessToken: "rejected", Expiry: time.Now().Add(time.Hour)}
	src := NewSource(f, WithToken(rejected))
	var wg sync.WaitGroup
	toks := make(chan string, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := src.ForceRefresh(context.Background(), rejected)
			if err != nil {
				t.Error(err)
				return
			}
			toks <- tok.AccessToken
		}()
	}
	for f.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(f.gate)
	wg.Wait()
	close(toks)
	for tk := range toks {
		if tk != "tok-1" {
			t.Errorf("got %q", tk)
		}
	}
	if got := f.n.Load(); got != 1 {
		t.Errorf("fetches = %d, want 1", got)
	}
}

func TestSourceErrorsAndContext(t *testing.T) {
	boom := errors.New("boom")
	src := NewSource(&countingFetcher{err: boom})
	if _, err := src.Token(); !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	src = NewSource(FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) { return &oauth2.Token{}, nil }))
	if _, err := src.Token(); err == nil {
		t.Error("empty token accepted")
	}
	if _, err := NewSource(nil).Token(); err == nil {
		t.Error("nil fetcher accepted")
	}

	// A waiter whose context ends stops waiting; the leader goes on.
	f := &countingFetcher{ttl: time.Hour, gate: make(chan struct{})}
	src = NewSource(f)
	leader := make(chan error, 1)
	go func() { _, err := src.Token(); leader <- err }()
	for f.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := src.TokenContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiter err = %v", err)
	}
	close(f.gate)
	if err := <-leader; err != nil {
		t.Errorf("leader err = %v", err)
	}
}

func TestSourceStoreLoadsFirstAndSavesEvery(t *testing.T) {
	ctx := context.Background()
	st := &MemoryStore{}
	stored := (&oauth2.Token{AccessToken: "stored", RefreshToken: "rt", Expiry: time.Now().Add(time.Hour)}).WithExtra(map[string]any{"endpoint": "https://api.bqecore.com/api/"})
	if err := st.Save(ctx, "k", stored); err != nil {
		t.Fatal(err)
	}
	f := &countingFetcher{ttl: time.Hour}
	src := NewSource(f, WithStore(plainStore{st}, "k"))
	tok, err := src.Token()
	if err != nil || tok.AccessToken != "stored" || tok.Extra("endpoint") != "https://api.bqecore.com/api/" || f.n.Load() != 0 {
		t.Fatalf("tok=%v err=%v fetches=%d", tok, err, f.n.Load())
	}
	tok2, err := src.ForceRefresh(ctx, tok)
	if err != nil || tok2.AccessToken != "tok-1" {
		t.Fatalf("tok2=%v err=%v", tok2, err)
	}
	if got, _ := st.Load(ctx, "k"); got.AccessToken != "tok-1" {
		t.Errorf("store holds %q after refresh", got.AccessToken)
	}

	// A stale stored token is handed to the fetcher (so its refresh token is used).
	st2 := &MemoryStore{}
	_ = st2.Save(ctx, "k", &oauth2.Token{AccessToken: "stale", RefreshToken: "rt-stored", Expiry: time.Now().Add(-time.Hour)})
	f2 := &countingFetcher{ttl: time.Hour, seen: make(chan *oauth2.Token, 1)}
	if _, err := NewSource(f2, WithStore(plainStore{st2}, "k")).Token(); err != nil {
		t.Fatal(err)
	}
	if cur := <-f2.seen; cur == nil || cur.RefreshToken != "rt-stored" {
		t.Errorf("fetcher got %v", cur)
	}

	// Empty store: fetch and save.
	st3 := &MemoryStore{}
	if _, err := NewSource(&countingFetcher{ttl: time.Hour}, WithStore(st3, "k")).Token(); err != nil {
		t.Fatal(err)
	}
	if got, err := st3.Load(ctx, "k"); err != nil || got.AccessToken != "tok-1" {
		t.Errorf("saved %v %v", got, err)
	}
}

// plainStore hides the Locker of a store.
type plainStore struct{ s Store }

func (p plainStore) Load(ctx context.Context, k string) (*oauth2.Token, error) {
	return p.s.Load(ctx, k)
}
func (p plainStore) Save(ctx context.Context, k string, t *oauth2.Token) error {
	return p.s.Save(ctx, k, t)
}

type failingStore struct {
	loadErr, saveErr error
}

func (f failingStore) Load(context.Context, string) (*oauth2.Token, error) {
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	return nil, ErrNoToken
}
func (f failingStore) Save(context.Context, string, *oauth2.Token) error { return f.saveErr }

func TestSourceStoreErrors(t *testing.T) {
	disk := errors.New("disk on fire")
	if _, err := NewSource(&countingFetcher{ttl: time.Hour}, WithStore(failingStore{loadErr: disk}, "k")).Token(); !errors.Is(err, disk) {
		t.Errorf("load err = %v", err)
	}
	f := &countingFetcher{ttl: time.Hour}
	src := NewSource(f, WithStore(failingStore{saveErr: disk}, "k"))
	if _, err := src.Token(); !errors.Is(err, disk) {
		t.Errorf("save err = %v", err)
	}
	// The fetched token stays cached: no second fetch.
	if tok, err := src.Token(); err != nil || tok.AccessToken != "tok-1" || f.n.Load() != 1 {
		t.Errorf("after save error: %v %v fetches=%d", tok, err, f.n.Load())
	}
}

// With a Locker store, a token refreshed by another process while we waited
// for the lock is used instead of refreshing again.
func TestSourceLockerReloadsAfterLock(t *testing.T) {
	ctx := context.Background()
	st := &MemoryStore{}
	_ = st.Save(ctx, "k", &oauth2.Token{AccessToken: "stale", RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Minute)})
	f := &countingFetcher{ttl: time.Hour}
	src := NewSource(f, WithStore(st, "k"))

	// "Another process" holds the lock and refreshes meanwhile.
	unlock, err := st.Lock(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *oauth2.Token, 1)
	go func() {
		tok, err := src.Token()
		if err != nil {
			t.Error(err)
		}
		got <- tok
	}()
	time.Sleep(30 * time.Millisecond)
	_ = st.Save(ctx, "k", &oauth2.Token{AccessToken: "other-process", RefreshToken: "rt-2", Expiry: time.Now().Add(time.Hour)})
	_ = unlock()
	if tok := <-got; tok.AccessToken != "other-process" {
		t.Errorf("tok = %v", tok.AccessToken)
	}
	if f.n.Load() != 0 {
		t.Errorf("fetched %d times, want 0", f.n.Load())
	}

	// Still stale after the lock: refresh with the reloaded token and save.
	f2 := &countingFetcher{ttl: time.Hour, seen: make(chan *oauth2.Token, 1)}
	src2 := NewSource(f2, WithStore(st, "k"), WithToken(&oauth2.Token{AccessToken: "mine", RefreshToken: "rt-old", Expiry: time.Now().Add(-time.Minute)}))
	_ = st.Save(ctx, "k", &oauth2.Token{AccessToken: "stale2", RefreshToken: "rt-newer", Expiry: time.Now().Add(-time.Minute)})
	tok, err := src2.Token()
	if err != nil || tok.AccessToken != "tok-1" {
		t.Fatalf("tok=%v err=%v", tok, err)
	}
	if cur := <-f2.seen; cur.RefreshToken != "rt-newer" {
		t.Errorf("refreshed with %q, want the stored rt-newer", cur.RefreshToken)
	}
	if s, _ := st.Load(ctx, "k"); s.AccessToken != "tok-1" {
		t.Errorf("not saved: %v", s.AccessToken)
	}

	// ForceRefresh under the lock uses a stored token that differs from the rejected one.
	_ = st.Save(ctx, "k", &oauth2.Token{AccessToken: "peer", Expiry: time.Now().Add(time.Hour)})
	tok, err = src2.ForceRefresh(ctx, tok)
	if err != nil || tok.AccessToken != "peer" || f2.n.Load() != 1 {
		t.Errorf("force: %v %v fetches=%d", tok, err, f2.n.Load())
	}

	// Lock that cannot be taken in time.
	unlock, _ = st.Lock(ctx, "k")
	defer unlock()
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := NewSource(f2, WithStore(st, "k")).ForceRefresh(cctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

// The cached path allocates nothing.
func TestSourceCachedPathDoesNotAllocate(t *testing.T) {
	src := NewSource(&countingFetcher{ttl: time.Hour})
	if _, err := src.Token(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() { _, _ = src.TokenContext(ctx) })
	if allocs != 0 {
		t.Errorf("allocs per cached call = %v, want 0", allocs)
	}
}

func BenchmarkSourceCached(b *testing.B) {
	src := NewSource(&countingFetcher{ttl: time.Hour})
	ctx := context.Background()
	if _, err := src.TokenContext(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = src.TokenContext(ctx)
		}
	})
}

var (
	_ oauth2.TokenSource = (*Source)(nil)
	_ ContextTokenSource = (*Source)(nil)
	_ Refresher          = (*Source)(nil)
	_ Fetcher            = PasswordGrant{}
	_ Fetcher            = ClientCredentials{}
	_ Fetcher            = RefreshGrant{}
	_ Store              = (*MemoryStore)(nil)
	_ Locker             = (*MemoryStore)(nil)
	_ Store              = FileStore("")
	_ Locker             = FileStore("")
)

// A panicking fetcher does not leave joined callers waiting forever.
func TestSourceFetcherPanicReleasesWaiters(t *testing.T) {
	gate := make(chan struct{})
	var calls atomic.Int32
	src := NewSource(FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		if calls.Add(1) == 1 {
			<-gate
			panic("fetcher bug")
		}
		return &oauth2.Token{AccessToken: "ok"}, nil
	}))
	leader := make(chan any, 1)
	go func() {
		defer func() { leader <- recover() }()
		_, _ = src.Token()
	}()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	waiter := make(chan error, 1)
	go func() { _, err := src.Token(); waiter <- err }()
	time.Sleep(20 * time.Millisecond)
	close(gate)
	if r := <-leader; r == nil {
		t.Error("panic swallowed")
	}
	select {
	case err := <-waiter:
		if err == nil {
			// The waiter may have arrived after the flight and fetched itself.
			if calls.Load() != 2 {
				t.Error("waiter got no error and no token")
			}
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter stuck after fetcher panic")
	}
}

// A token that says how long it lives is dated by the source's clock, so a
// test clock moved past expiry makes the source fetch again before any
// server refuses the token.
func TestSourceClockDatesExpiresIn(t *testing.T) {
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	now := base
	fetches := 0
	f := FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		fetches++
		// Expiry computed on the real clock, as RequestToken does.
		return &oauth2.Token{AccessToken: fmt.Sprint("t", fetches), ExpiresIn: 3600, Expiry: time.Now().Add(time.Hour)}, nil
	})
	s := NewSource(f, WithClock(func() time.Time { return now }), WithSkew(time.Minute))
	tok, err := s.Token()
	if err != nil || !tok.Expiry.Equal(base.Add(time.Hour)) {
		t.Fatalf("token %v expiry %v, want %v", err, tok.Expiry, base.Add(time.Hour))
	}
	now = base.Add(59*time.Minute + time.Second) // inside the skew
	if tok, _ = s.Token(); tok.AccessToken != "t2" || fetches != 2 {
		t.Fatalf("after the test clock passed expiry-skew: %q after %d fetches, want t2 after 2", tok.AccessToken, fetches)
	}
}
