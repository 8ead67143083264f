package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
// exchange or a login. With a [Store] given by [WithStore], t is saved there
// when the source is built (see [NewSourceContext]), before any call can use
// it, and the store is not read for the first token: a fresh login always
// wins over what the store held. (A token with a refresh token but no access
// token is not saved; the first refresh saves its successor.)
func WithToken(t *oauth2.Token) SourceOption {
	return func(s *Source) {
		if t != nil {
			s.handed = t
		}
	}
}

// WithSkew makes the source replace a token d before it expires (default
// [DefaultSkew]); d <= 0 means at expiry. For a token whose lifetime is
// known (expires_in) the window is capped at half that lifetime, so a token
// that lives no longer than the skew is still cached for half its life.
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

// WithSubject names the identity (the OpenID Connect "sub") the source's
// tokens belong to, for tokens that carry no ID token. A stored token of
// another subject is then never adopted ([SubjectMismatchError]). Without
// it the subject is read from the first token's ID token, if any.
func WithSubject(sub string) SourceOption {
	return func(s *Source) { s.subject = sub }
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

// GenerationKey and SubjectKey are the extra fields a [Source] adds to every
// token it saves to a [Store] (see [Extras]): a counter that grows by one on
// each save of a key, and the subject the token belongs to when the token
// carries no ID token. They are how a Source decides whether a stored token
// is newer than its own and whether it belongs to the same user.
const (
	GenerationKey = "oasuite_generation"
	SubjectKey    = "oasuite_subject"
)

// SubjectMismatchError is returned when the store holds, under the source's
// key, a token of another subject than the one the source serves: the
// source refuses to adopt it (one user must never act as another). Subjects
// are user ids, not secrets.
type SubjectMismatchError struct {
	Key     string // the store key
	Want    string // the subject of the source's own token
	Found   string // the subject of the stored token
	Fetched bool   // set when a fetched token, not a stored one, named Found
}

func (e *SubjectMismatchError) Error() string {
	where := "the token stored under " + e.Key
	if e.Fetched {
		where = "the refreshed token"
	}
	return "auth: " + where + " belongs to subject " + e.Found + ", not " + e.Want + "; refusing to use it (log in again)"
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
// With a [Store] that is also a [Locker], a refresh takes the store's lock
// and reloads the stored token first. The stored token replaces the cached
// one only when it is newer: a higher [GenerationKey] when both carry one,
// else a strictly later expiry (a token without an expiry is never taken
// as newer). A stored token of another subject is refused with a
// [*SubjectMismatchError].
//
// A Source is safe for concurrent use. Create it with [NewSource] or
// [NewSourceContext].
type Source struct {
	f    Fetcher
	skew time.Duration
	now  func() time.Time
	// clocked is set by WithClock: tokens are then dated by now.
	clocked bool
	store   Store
	key     string
	handed  *oauth2.Token // WithToken's token, before NewSource stamps it
	subject string        // the identity the source serves; "" while unknown

	tok atomic.Pointer[entry]
	// unsaved is set while the handed-in token could not be saved; the next
	// call saves it before anything else.
	unsaved atomic.Bool

	mu     sync.Mutex
	loaded bool   // the store was read (or WithToken given)
	flight *fetch // the fetch in progress, if any
}

// entry is a cached token with its early-refresh window.
type entry struct {
	tok  *oauth2.Token
	skew time.Duration
}

// fetch is one single-flight fetch.
type fetch struct {
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// NewSource returns a caching, early-refreshing source over f. A token given
// with [WithToken] is saved to the [WithStore] store at once (with
// context.Background, bounded by [PersistTimeout]); if that fails, the first
// call saves it again and returns the error if it still fails, so a login is
// persisted before the first call that uses it returns. [NewSourceContext]
// reports the failure at once instead.
func NewSource(f Fetcher, opts ...SourceOption) *Source {
	ctx, cancel := context.WithTimeout(context.Background(), PersistTimeout)
	defer cancel()
	s, _ := NewSourceContext(ctx, f, opts...)
	return s
}

// PersistTimeout bounds the save of a handed-in token by [NewSource].
const PersistTimeout = 30 * time.Second

// NewSourceContext is [NewSource] that saves a [WithToken] token to the
// store with ctx and returns the error when that fails. The source is
// returned either way; after an error its first call tries the save again.
func NewSourceContext(ctx context.Context, f Fetcher, opts ...SourceOption) (*Source, error) {
	s := &Source{f: f, skew: DefaultSkew, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	t := s.handed
	if t == nil {
		return s, nil
	}
	if s.subject == "" {
		s.subject = TokenSubject(t)
	}
	s.loaded = true
	s.set(t)
	if s.store == nil || t.AccessToken == "" {
		// A refresh token alone (no access token yet) is not a record a
		// Store keeps; the first refresh saves the token it yields.
		return s, nil
	}
	if err := s.persistHanded(ctx); err != nil {
		s.unsaved.Store(true)
		return s, err
	}
	return s, nil
}

// persistHanded saves the handed-in token under the store's lock, one
// generation above what the store holds.
func (s *Source) persistHanded(ctx context.Context) error {
	if l, ok := s.store.(Locker); ok {
		unlock, err := l.Lock(ctx, s.key)
		if err != nil {
			return fmt.Errorf("auth: saving the login: %w", err)
		}
		defer unlock()
	}
	var gen int64
	if st, err := s.store.Load(ctx, s.key); err == nil {
		gen = generation(st)
	} else if !errors.Is(err, ErrNoToken) {
		// An unreadable record (truncated, foreign) is replaced by the login.
		gen = 0
	}
	nt := s.stamp(s.handed, gen+1)
	if err := s.store.Save(ctx, s.key, nt); err != nil {
		return fmt.Errorf("auth: saving the login: %w", err)
	}
	s.set(nt)
	return nil
}

// set caches t with its early-refresh window.
func (s *Source) set(t *oauth2.Token) {
	skew := s.skew
	if t.ExpiresIn > 0 {
		if half := time.Duration(t.ExpiresIn) * time.Second / 2; half < skew {
			skew = half
		}
	}
	s.tok.Store(&entry{tok: t, skew: skew})
}

// cached returns the cached token, or nil.
func (s *Source) cached() *oauth2.Token {
	if e := s.tok.Load(); e != nil {
		return e.tok
	}
	return nil
}

// Token returns a valid token, fetching one if needed. It implements
// oauth2.TokenSource.
func (s *Source) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext is [Source.Token] with a context for the fetch.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if e := s.tok.Load(); e != nil && !s.unsaved.Load() && s.fresh(e) {
		return e.tok, nil
	}
	return s.get(ctx, false, nil)
}

// ForceRefresh replaces the token that a server rejected. If the cached
// token already differs from rejected (another caller refreshed meanwhile),
// it is returned without a fetch; concurrent calls share one fetch.
// rejected may be nil to force a fetch.
func (s *Source) ForceRefresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	if e := s.tok.Load(); e != nil && !s.unsaved.Load() && rejected != nil && e.tok.AccessToken != rejected.AccessToken && s.fresh(e) {
		return e.tok, nil
	}
	return s.get(ctx, true, rejected)
}

// fresh reports whether e's token can be used now.
func (s *Source) fresh(e *entry) bool {
	t := e.tok
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
		return time.Until(t.Expiry) > e.skew
	}
	return s.now().Add(e.skew).Before(t.Expiry)
}

// usable reports whether the cached entry satisfies a request: fresh, and
// for a forced refresh different from the rejected token.
func (s *Source) usable(e *entry, force bool, rejected *oauth2.Token) bool {
	if e == nil || !s.fresh(e) {
		return false
	}
	if force {
		return rejected != nil && e.tok.AccessToken != rejected.AccessToken
	}
	return true
}

func (s *Source) get(ctx context.Context, force bool, rejected *oauth2.Token) (*oauth2.Token, error) {
	s.mu.Lock()
	if e := s.tok.Load(); !s.unsaved.Load() && s.usable(e, force, rejected) {
		s.mu.Unlock()
		return e.tok, nil
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
	if s.unsaved.Load() {
		if err := s.persistHanded(ctx); err != nil {
			return nil, err
		}
		s.unsaved.Store(false)
		if e := s.tok.Load(); s.usable(e, force, rejected) {
			return e.tok, nil
		}
	}
	if s.store != nil && !s.loaded {
		st, err := s.store.Load(ctx, s.key)
		switch {
		case err == nil:
			if err := s.checkSubject(st, false); err != nil {
				return nil, err
			}
			if s.subject == "" {
				s.subject = TokenSubject(st)
			}
			s.set(st)
		case !errors.Is(err, ErrNoToken):
			return nil, fmt.Errorf("auth: loading token: %w", err)
		}
		s.mu.Lock()
		s.loaded = true
		s.mu.Unlock()
		if e := s.tok.Load(); s.usable(e, force, rejected) {
			return e.tok, nil
		}
	}
	var storedGen int64
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
			storedGen = generation(st)
			if cur := s.cached(); cur == nil || (st.AccessToken != cur.AccessToken || st.RefreshToken != cur.RefreshToken) && newer(st, cur) {
				if err := s.checkSubject(st, false); err != nil {
					return nil, err
				}
				if s.subject == "" {
					s.subject = TokenSubject(st)
				}
				s.set(st)
			}
			if e := s.tok.Load(); s.usable(e, force, rejected) {
				return e.tok, nil
			}
		case !errors.Is(err, ErrNoToken):
			return nil, fmt.Errorf("auth: reloading token: %w", err)
		}
	}
	if s.f == nil {
		return nil, errors.New("auth: source has no fetcher")
	}
	cur := s.cached()
	nt, err := s.f.Fetch(ctx, cur)
	if err != nil {
		return nil, err
	}
	if nt == nil || nt.AccessToken == "" {
		return nil, errors.New("auth: fetcher returned no access token")
	}
	if err := s.checkSubject(nt, true); err != nil {
		return nil, err
	}
	if s.clocked && nt.ExpiresIn > 0 {
		dated := *nt
		dated.Expiry = s.now().Add(time.Duration(nt.ExpiresIn) * time.Second)
		nt = &dated
	}
	if s.store == nil {
		s.set(nt)
		return nt, nil
	}
	if s.subject == "" {
		s.subject = TokenSubject(nt)
	}
	nt = s.stamp(nt, max(storedGen, generation(cur))+1)
	s.set(nt)
	if err := s.store.Save(ctx, s.key, nt); err != nil {
		// The new token stays cached in memory (a rotated refresh token
		// must not be lost); the caller learns that persisting failed.
		return nil, fmt.Errorf("auth: saving token: %w", err)
	}
	return nt, nil
}

// checkSubject refuses t when it names another subject than the source's.
func (s *Source) checkSubject(t *oauth2.Token, fetched bool) error {
	if s.subject == "" {
		return nil
	}
	if sub := TokenSubject(t); sub != "" && sub != s.subject {
		return &SubjectMismatchError{Key: s.key, Want: s.subject, Found: sub, Fetched: fetched}
	}
	return nil
}

// stamp returns t with the generation and, when t has no ID token, the
// source's subject among its extras.
func (s *Source) stamp(t *oauth2.Token, gen int64) *oauth2.Token {
	ex := Extras(t)
	if ex == nil {
		ex = map[string]any{}
	}
	ex[GenerationKey] = gen
	if s.subject != "" && TokenSubject(t) == "" {
		ex[SubjectKey] = s.subject
	}
	c := *t
	return c.WithExtra(ex)
}

// newer reports whether the stored token st is newer than the cached cur: a
// higher generation when both carry one, else a strictly later expiry.
func newer(st, cur *oauth2.Token) bool {
	if gs, gc := generation(st), generation(cur); gs > 0 && gc > 0 {
		return gs > gc
	}
	if st.Expiry.IsZero() || cur.Expiry.IsZero() {
		return false
	}
	return st.Expiry.After(cur.Expiry)
}

// generation reads the [GenerationKey] extra of t (0 when absent).
func generation(t *oauth2.Token) int64 {
	if t == nil {
		return 0
	}
	switch v := t.Extra(GenerationKey).(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

// TokenSubject returns the identity a token belongs to: the "sub" claim of
// its ID token (the token's "id_token" extra; the claim is read, not
// verified — verification happened at login), else its [SubjectKey] extra,
// else "".
func TokenSubject(t *oauth2.Token) string {
	if t == nil {
		return ""
	}
	if raw, _ := t.Extra("id_token").(string); raw != "" {
		if sub := jwtSubject(raw); sub != "" {
			return sub
		}
	}
	sub, _ := t.Extra(SubjectKey).(string)
	return sub
}

// jwtSubject reads the "sub" claim of a compact JWS without verifying it.
func jwtSubject(raw string) string {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Sub
}
