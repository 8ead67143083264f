package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Fetcher obtains tokens. Every grant in this package is a Fetcher; [Source]
// adds caching, early refresh, single-flight, forced refresh and persistence
// on top of any of them.
type Fetcher interface {
	// Fetch obtains a new token. current is the token being replaced (nil at
	// first); a refreshing fetcher uses current.RefreshToken.
	Fetch(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error)
}

// FetcherFunc adapts a function to [Fetcher].
type FetcherFunc func(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, current *oauth2.Token) (*oauth2.Token, error) {
	return f(ctx, current)
}

// ContextTokenSource is what the request pipeline looks for on any
// oauth2.TokenSource to pass the request's context down to a refresh.
type ContextTokenSource interface {
	TokenContext(ctx context.Context) (*oauth2.Token, error)
}

// Refresher is what the request pipeline looks for on any oauth2.TokenSource
// to get a new token after the server rejected one (a 401).
type Refresher interface {
	ForceRefresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error)
}

// DefaultSkew is how long before its expiry a [Source] replaces a token
// unless [WithSkew] says otherwise.
const DefaultSkew = 60 * time.Second

// SourceOption configures [NewSource].
type SourceOption func(*Source)

// WithToken starts the source from t, for example the token of a code
// exchange; a [Store] given by [WithStore] is then only written, not read
// for the first token.
func WithToken(t *oauth2.Token) SourceOption {
	return func(s *Source) {
		if t != nil {
			s.tok.Store(t)
			s.loaded = true
		}
	}
}

// WithSkew makes the source replace a token d before it expires (default
// [DefaultSkew]); d <= 0 means at expiry.
func WithSkew(d time.Duration) SourceOption {
	return func(s *Source) {
		if d < 0 {
			d = 0
		}
		s.skew = d
	}
}

// WithStore makes the source load its first token from st under key and save
// every new token there. When st also implements [Locker], refreshes happen
// under its lock (see [Locker]).
func WithStore(st Store, key string) SourceOption {
	return func(s *Source) { s.store, s.key = st, key }
}

// WithClock replaces time.Now, for tests. The source's clock then also dates
// new tokens: a fetched token that says how long it lives (expires_in) gets
// its Expiry from this clock, so staleness and expiry are read on one clock.
func WithClock(now func() time.Time) SourceOption {
	return func(s *Source) {
		if now != nil {
			s.now = now
			s.clocked = true
		}
	}
}

// Source is an oauth2.TokenSource (also [ContextTokenSource] and [Refresher])
// that caches the token of a [Fetcher] and replaces it shortly before expiry.
//
// Concurrent callers that find the token stale share one fetch
// (single-flight); the cached path takes no lock and allocates nothing.
// A token with a zero Expiry is used until [Source.ForceRefresh] replaces it.
// A fetch runs with the context of the caller that started it (if that
// context ends, the callers that joined the fetch get its error too); a
// joined caller stops waiting when its own context is done.
//
// A Source is safe for concurrent use. Create it with [NewSource].
type Source struct {
	f    Fetcher
	skew time.Duration
	now  func() time.Time
	// clocked is set by WithClock: tokens are then dated by now.
	clocked bool
	store   Store
	key     string

	tok atomic.Pointer[oauth2.Token]

	mu     sync.Mutex
	loaded bool   // the store was read (or WithToken given)
	flight *fetch // the fetch in progress, if any
}

// fetch is one single-flight fetch.
type fetch struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// NewSource returns a caching, early-refreshing source over f.
func NewSource(f Fetcher, opts ...SourceOption) *Source {
	s := &Source{f: f, skew: DefaultSkew, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Token returns a valid token, fetching one if needed. It implements
// oauth2.TokenSource.
func (s *Source) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext is [Source.Token] with a context for the fetch.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if t := s.tok.Load(); t != nil && s.fresh(t) {
		return t, nil
	}
	return s.get(ctx, false, nil)
}

// ForceRefresh replaces the token that a server rejected. If the cached
// token already differs from rejected (another caller refreshed meanwhile),
// it is returned without a fetch; concurrent calls share one fetch.
// rejected may be nil to force a fetch.
func (s *Source) ForceRefresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	if t := s.tok.Load(); t != nil && rejected != nil && t.AccessToken != rejected.AccessToken && s.fresh(t) {
		return t, nil
	}
	return s.get(ctx, true, rejected)
}

// fresh reports whether t can be used now.
func (s *Source) fresh(t *oauth2.Token) bool {
	if t.AccessToken == "" {
		return false
	}
	if t.Expiry.IsZero() {
		return true
	}
	if !s.clocked {
		// The same test as below on the real clock, at half the cost:
		// time.Until reads only the monotonic clock when Expiry carries a
		// monotonic reading (a token dated by time.Now in this process),
		// and compares wall clocks otherwise, as Before does.
		return time.Until(t.Expiry) > s.skew
	}
	return s.now().Add(s.skew).Before(t.Expiry)
}

// usable reports whether t satisfies a request: fresh, and for a forced
// refresh different from the rejected token.
func (s *Source) usable(t *oauth2.Token, force bool, rejected *oauth2.Token) bool {
	if t == nil || !s.fresh(t) {
		return false
	}
	if force {
		return rejected != nil && t.AccessToken != rejected.AccessToken
	}
	return true
}

func (s *Source) get(ctx context.Context, force bool, rejected *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	if t := s.tok.Load(); s.usable(t, force, rejected) {
		s.mu.Unlock()
		return t, nil
	}
	if f := s.flight; f != nil {
		s.mu.Unlock()
		select {
		case <-f.done:
			return f.tok, f.err
		case <-ctx.Done():
			return nil, fmt.Errorf("auth: waiting for token: %w", ctx.Err())
		}
	}
	f := &fetch{done: make(chan struct{}), err: errFetchPanicked}
	s.flight = f
	s.mu.Unlock()
	defer func() {
		// Runs on panic too, so that joined callers never wait forever.
		s.mu.Lock()
		s.flight = nil
		s.mu.Unlock()
		close(f.done)
	}()
	f.tok, f.err = s.refresh(ctx, force, rejected)
	return f.tok, f.err
}

// errFetchPanicked is what callers that joined a fetch get if the fetcher
// panicked (the panic itself goes up the leader's stack).
var errFetchPanicked = errors.New("auth: token fetch panicked")

// refresh runs in exactly one goroutine at a time (the flight leader).
func (s *Source) refresh(ctx context.Context, force bool, rejected *oauth2.Token) (*oauth2.Token, error) {
	cur := s.tok.Load()
	if s.store != nil && !s.loaded {
		st, err := s.store.Load(ctx, s.key)
		switch {
		case err == nil:
			cur = st
			s.tok.Store(st)
		case !errors.Is(err, ErrNoToken):
			return nil, fmt.Errorf("auth: loading token: %w", err)
		}
		s.mu.Lock()
		s.loaded = true
		s.mu.Unlock()
		if s.usable(cur, force, rejected) {
			return cur, nil
		}
	}
	if l, ok := s.store.(Locker); ok {
		unlock, err := l.Lock(ctx, s.key)
		if err != nil {
			return nil, err
		}
		defer unlock()
		// Another process may have refreshed while we waited.
		st, err := s.store.Load(ctx, s.key)
		switch {
		case err == nil:
			if cur == nil || st.AccessToken != cur.AccessToken || st.RefreshToken != cur.RefreshToken {
				cur = st
				s.tok.Store(st)
			}
			if s.usable(cur, force, rejected) {
				return cur, nil
			}
		case !errors.Is(err, ErrNoToken):
			return nil, fmt.Errorf("auth: reloading token: %w", err)
		}
	}
	if s.f == nil {
		return nil, errors.New("auth: source has no fetcher")
	}
	nt, err := s.f.Fetch(ctx, cur)
	if err != nil {
		return nil, err
	}
	if nt == nil || nt.AccessToken == "" {
		return nil, errors.New("auth: fetcher returned no access token")
	}
	if s.clocked && nt.ExpiresIn > 0 {
		dated := *nt
		dated.Expiry = s.now().Add(time.Duration(nt.ExpiresIn) * time.Second)
		nt = &dated
	}
	s.tok.Store(nt)
	if s.store != nil {
		if err := s.store.Save(ctx, s.key, nt); err != nil {
			// The new token stays cached in memory (a rotated refresh token
			// must not be lost); the caller learns that persisting failed.
			return nil, fmt.Errorf("auth: saving token: %w", err)
		}
	}
	return nt, nil
}
