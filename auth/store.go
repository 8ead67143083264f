package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrNoToken is returned (possibly wrapped) by [Store.Load] when the store
// holds no token for the key.
var ErrNoToken = errors.New("auth: no stored token")

// Store persists tokens under a key (one key per user, tenant or app). It is
// the persistence hook x/oauth2 lacks (golang/oauth2#84); [WithStore] makes a
// [Source] load its first token from a Store and save every new one.
type Store interface {
	// Load returns the stored token, or an error wrapping ErrNoToken.
	Load(ctx context.Context, key string) (*oauth2.Token, error)
	// Save stores tok under key, replacing any previous token.
	Save(ctx context.Context, key string, tok *oauth2.Token) error
}

// Locker is implemented by a [Store] that can serialise refreshes of one key,
// possibly across processes. [Source] refreshes under the lock: lock, reload
// the stored token (another holder may have refreshed it already, and a
// rotated refresh token may have made ours useless), refresh only if it is
// still stale, save, unlock.
type Locker interface {
	// Lock blocks until the key is locked or ctx is done. unlock releases it.
	Lock(ctx context.Context, key string) (unlock func() error, err error)
}

// storedToken is the persisted form of a token.
type storedToken struct {
	AccessToken  string         `json:"access_token"`
	TokenType    string         `json:"token_type,omitempty"`
	RefreshToken string         `json:"refresh_token,omitempty"`
	Expiry       *time.Time     `json:"expiry,omitempty"`
	Extra        map[string]any `json:"extra,omitempty"`
}

// standardFields are the answer fields kept in their own places; they are
// not repeated in the persisted extras (expires_in would be stale anyway).
var standardFields = [...]string{"access_token", "token_type", "refresh_token", "expires_in", "expiry"}

// MarshalToken encodes tok as JSON for persistence: access token, type,
// refresh token, absolute expiry (RFC 3339 with nanoseconds) and every extra
// field listed by [Extras] (e.g. "endpoint", "id_token", "scope").
func MarshalToken(tok *oauth2.Token) ([]byte, error) {
	if tok == nil {
		return nil, errors.New("auth: nil token")
	}
	st := storedToken{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken}
	if !tok.Expiry.IsZero() {
		e := tok.Expiry
		st.Expiry = &e
	}
	if ex := Extras(tok); len(ex) > 0 {
		for _, k := range standardFields {
			delete(ex, k)
		}
		if len(ex) > 0 {
			st.Extra = ex
		}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("auth: encoding token: %w", err)
	}
	return b, nil
}

// UnmarshalToken decodes what [MarshalToken] wrote. The extras come back as
// the token's extra map, so tok.Extra("endpoint") works as on the original.
func UnmarshalToken(data []byte) (*oauth2.Token, error) {
	var st storedToken
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("auth: decoding stored token: %w", err)
	}
	if st.AccessToken == "" {
		return nil, errors.New("auth: stored token has no access token")
	}
	tok := &oauth2.Token{AccessToken: st.AccessToken, TokenType: st.TokenType, RefreshToken: st.RefreshToken}
	if st.Expiry != nil {
		tok.Expiry = *st.Expiry
	}
	if st.Extra != nil {
		tok = tok.WithExtra(st.Extra)
	}
	return tok, nil
}

// MemoryStore is a [Store] and [Locker] kept in memory, for tests and
// single-process apps. Its zero value is ready to use; it must not be copied
// after first use. Tokens are stored as encoded copies, so later changes to
// a saved token do not leak into the store.
type MemoryStore struct {
	mu    sync.Mutex
	data  map[string][]byte
	locks map[string]chan struct{}
}

// Load returns the token saved under key, or an error wrapping ErrNoToken.
func (m *MemoryStore) Load(_ context.Context, key string) (*oauth2.Token, error) {
	m.mu.Lock()
	b, ok := m.data[key]
	m.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("auth: memory store key %q: %w", key, ErrNoToken)
	}
	return UnmarshalToken(b)
}

// Save stores a copy of tok under key.
func (m *MemoryStore) Save(_ context.Context, key string, tok *oauth2.Token) error {
	b, err := MarshalToken(tok)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.data == nil {
		m.data = map[string][]byte{}
	}
	m.data[key] = b
	return nil
}

// Lock locks key within this process until unlock is called or ctx is done.
func (m *MemoryStore) Lock(ctx context.Context, key string) (func() error, error) {
	for {
		m.mu.Lock()
		if m.locks == nil {
			m.locks = map[string]chan struct{}{}
		}
		held, busy := m.locks[key]
		if !busy {
			ch := make(chan struct{})
			m.locks[key] = ch
			m.mu.Unlock()
			var once sync.Once
			return func() error {
				once.Do(func() {
					m.mu.Lock()
					delete(m.locks, key)
					m.mu.Unlock()
					close(ch)
				})
				return nil
			}, nil
		}
		m.mu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return nil, fmt.Errorf("auth: locking %q: %w", key, ctx.Err())
		}
	}
}
