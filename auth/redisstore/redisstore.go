// Package redisstore keeps OAuth tokens in Redis and serialises their refresh
// across every process and machine that shares the Redis server: an
// [auth.Store] and [auth.Locker] on github.com/redis/go-redis/v9.
//
// It is what "fleet mode" needs with vendors that rotate refresh tokens (BQE
// CORE, BeProduct): each refresh invalidates the refresh token it used, so when
// several workers share one grant and refresh on their own, all but the first
// are logged out (invalid_grant). With a Store from this package under
// [auth.WithStore], an [auth.Source] refreshes under the store's lock: it
// locks the key, reloads the stored token, refreshes only if that token is
// still stale, saves the new one and unlocks. Whatever the number of processes,
// one refresh happens per expiry and every other process reads its result.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store := redisstore.New(rdb)
//	src := auth.NewSource(flow.RefreshGrant(), auth.WithStore(store, "beproduct:acme"))
//
// The lock is a Redis key set with SET NX PX holding a random token; it is
// released by a Lua script that deletes it only while it still holds that
// token, so a holder never frees a lock that expired and was taken by another
// process. While the lock is held it is extended in the background; if its
// holder dies (crash, SIGKILL, lost network) the extension stops and the lock
// lapses after its TTL ([WithLockTTL]), so the fleet never stays blocked.
//
// Tokens are stored with [auth.MarshalToken], so their extra fields (BQE's
// "endpoint", "id_token", "scope") survive. They are stored in clear: protect
// the Redis server as you would the tokens themselves (ACLs, TLS, a private
// network).
//
// This package is separate from auth so that programs that do not use Redis
// do not import a Redis client.
package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// Defaults of a Store.
const (
	// DefaultPrefix is put before every key the Store writes.
	DefaultPrefix = "oasuite:token:"
	// DefaultLockTTL is how long a lock outlives its holder's last sign of
	// life: the longest the fleet waits after a holder crashed.
	DefaultLockTTL = 15 * time.Second
	// DefaultLockPoll caps the wait between two attempts to take a busy lock.
	DefaultLockPoll = 100 * time.Millisecond
)

// ErrLockLost is returned by the unlock function of [Store.Lock] when the
// lock had already expired (the holder was paused or cut off from Redis for
// longer than the lock's TTL) and another process may have taken it.
var ErrLockLost = errors.New("redisstore: lock expired before it was released")

// releaseScript deletes the lock only while it holds the caller's token.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// extendScript resets the lock's TTL only while it holds the caller's token.
var extendScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

// Store is an [auth.Store] and [auth.Locker] backed by Redis. It is safe for
// concurrent use by many goroutines and, through Redis, by many processes.
// Create it with [New].
type Store struct {
	rdb     redis.UniversalClient
	prefix  string
	lockTTL time.Duration
	poll    time.Duration
}

// Option configures [New].
type Option func(*Store)

// WithPrefix replaces [DefaultPrefix], e.g. to keep two applications apart
// on one Redis database. The token of key k is stored at prefix+k and its
// lock at prefix+k+":lock".
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithLockTTL sets how long a lock survives its holder (default
// [DefaultLockTTL]; at least 100ms). A live holder extends the lock every
// third of this time, so a refresh may take longer than the TTL; a dead
// holder's lock lapses after at most the TTL.
func WithLockTTL(d time.Duration) Option {
	return func(s *Store) { s.lockTTL = max(d, 100*time.Millisecond) }
}

// WithLockPoll caps the wait between two attempts to take a busy lock
// (default [DefaultLockPoll]). Waits start at a few milliseconds and grow,
// with jitter, up to this bound.
func WithLockPoll(d time.Duration) Option {
	return func(s *Store) { s.poll = max(d, time.Millisecond) }
}

// New returns a Store on rdb (a *redis.Client, *redis.ClusterClient or any
// other redis.UniversalClient). The Store does not close rdb.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, lockTTL: DefaultLockTTL, poll: DefaultLockPoll}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Store) tokenKey(key string) string { return s.prefix + key }
func (s *Store) lockKey(key string) string  { return s.prefix + key + ":lock" }

// Load returns the token stored under key, or an error wrapping
// [auth.ErrNoToken] when there is none.
func (s *Store) Load(ctx context.Context, key string) (*oauth2.Token, error) {
	b, err := s.rdb.Get(ctx, s.tokenKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("redisstore: key %q: %w", key, auth.ErrNoToken)
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: loading %q: %w", key, err)
	}
	tok, err := auth.UnmarshalToken(b)
	if err != nil {
		return nil, fmt.Errorf("redisstore: key %q: %w", key, err)
	}
	return tok, nil
}

// Save stores tok under key, with its extra fields, replacing any previous
// token. The stored token does not expire: a refresh token outlives the
// access token it came with.
func (s *Store) Save(ctx context.Context, key string, tok *oauth2.Token) error {
	b, err := auth.MarshalToken(tok)
	if err != nil {
		return fmt.Errorf("redisstore: saving %q: %w", key, err)
	}
	if err := s.rdb.Set(ctx, s.tokenKey(key), b, 0).Err(); err != nil {
		return fmt.Errorf("redisstore: saving %q: %w", key, err)
	}
	return nil
}

// Delete removes the token stored under key (a logout); a missing token is
// not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := s.rdb.Del(ctx, s.tokenKey(key)).Err(); err != nil {
		return fmt.Errorf("redisstore: deleting %q: %w", key, err)
	}
	return nil
}

// Lock takes the fleet-wide lock of key, waiting until it is free or ctx is
// done. It implements [auth.Locker]. While held, the lock is extended in the
// background; unlock stops that and releases the lock if it still holds this
// caller's random token, returning [ErrLockLost] if it had expired
// meanwhile. unlock may be called more than once; later calls do nothing.
func (s *Store) Lock(ctx context.Context, key string) (unlock func() error, err error) {
	lk := s.lockKey(key)
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("redisstore: lock token: %w", err)
	}
	token := hex.EncodeToString(raw[:])
	wait := 2 * time.Millisecond
	for {
		ok, err := s.rdb.SetNX(ctx, lk, token, s.lockTTL).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: locking %q: %w", key, err)
		}
		if ok {
			return s.hold(ctx, key, lk, token), nil
		}
		// Full jitter keeps a fleet of waiters from retrying in step.
		d := time.Duration(mrand.Int64N(int64(wait))) + time.Millisecond
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("redisstore: waiting for lock %q: %w", key, ctx.Err())
		}
		wait = min(wait*2, s.poll)
	}
}

// hold keeps the lock alive until the returned unlock runs.
func (s *Store) hold(ctx context.Context, key, lk, token string) func() error {
	bg := context.WithoutCancel(ctx)
	stop := make(chan struct{})
	done := make(chan struct{})
	var lost bool // written by the extender, read after <-done
	go func() {
		defer close(done)
		tick := time.NewTicker(s.lockTTL / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				c, cancel := context.WithTimeout(bg, s.lockTTL/3)
				n, err := extendScript.Run(c, s.rdb, []string{lk}, token, s.lockTTL.Milliseconds()).Int64()
				cancel()
				if err == nil && n == 0 {
					lost = true
					return
				}
				// A transient error is retried at the next tick; if Redis
				// stays unreachable the lock lapses on its own.
			}
		}
	}()
	var once sync.Once
	var uerr error
	return func() error {
		once.Do(func() {
			close(stop)
			<-done
			c, cancel := context.WithTimeout(bg, 5*time.Second)
			defer cancel()
			n, err := releaseScript.Run(c, s.rdb, []string{lk}, token).Int64()
			switch {
			case err != nil:
				uerr = fmt.Errorf("redisstore: unlocking %q: %w", key, err)
			case n == 0 || lost:
				uerr = fmt.Errorf("redisstore: unlocking %q: %w", key, ErrLockLost)
			}
		})
		return uerr
	}
}

var (
	_ auth.Store  = (*Store)(nil)
	_ auth.Locker = (*Store)(nil)
)
