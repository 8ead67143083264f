package redisstore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/auth/redisstore"
	"github.com/oasuite/sdk/internal/fakekit"
	"github.com/oasuite/sdk/internal/redistest"
	"github.com/oasuite/sdk/internal/storetest"
)

// Several Sources, each with its own Store value as separate processes
// would have, share one rotating refresh token through Redis: every expiry
// costs exactly one refresh and no refresh token is lost.
func TestSourcesShareRotatingToken(t *testing.T) {
	const sources, goroutines, rounds = 4, 25, 3
	srv := redistest.Start(t)
	// Virtual time shared by every source: round r moves it 2r hours ahead.
	// Tokens live an hour (the fake's default) from the moment a source with
	// that clock receives them, so each round makes the previous token stale
	// and its successor fresh.
	var round atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(round.Load()) * 2 * time.Hour) }
	oa := fakekit.NewOAuth(fakekit.OAuthConfig{
		Clients:             []fakekit.Client{{ID: "app", Secret: "s3cret"}},
		Users:               []fakekit.User{{Login: "ann", Password: "pw"}},
		Refresh:             fakekit.RefreshAlways,
		RotateRefreshTokens: true,
		TokenResponse: func(_ *http.Request, _ *fakekit.Grant, body map[string]any) any {
			body["endpoint"] = "https://tenant.example/api/"
			return body
		},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", oa.Token)
	hs := httptest.NewServer(mux)
	defer hs.Close()
	ep := oauth2.Endpoint{TokenURL: hs.URL + "/token", AuthStyle: oauth2.AuthStyleInHeader}

	ctx := context.Background()
	first, err := auth.PasswordGrant{Endpoint: ep, ClientID: "app", ClientSecret: "s3cret", Username: "ann", Password: "pw"}.Fetch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := redisstore.New(srv.Client(t)).Save(ctx, "acme", first); err != nil {
		t.Fatal(err)
	}

	grant := auth.RefreshGrant{Endpoint: ep, ClientID: "app", ClientSecret: "s3cret", HTTPClient: hs.Client()}
	var srcs []*auth.Source
	for range sources {
		st := redisstore.New(srv.Client(t), redisstore.WithLockTTL(2*time.Second))
		srcs = append(srcs, auth.NewSource(grant, auth.WithStore(st, "acme"), auth.WithClock(clock)))
	}
	for r := 1; r <= rounds; r++ {
		round.Store(int64(r)) // every cached token is now stale
		var wg sync.WaitGroup
		for _, src := range srcs {
			for range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok, err := src.TokenContext(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if tok.Extra("endpoint") != "https://tenant.example/api/" {
						t.Errorf("token lost its extras: %v", tok.Extra("endpoint"))
					}
				}()
			}
		}
		wg.Wait()
		if got := oa.Refreshes(); got != r {
			t.Fatalf("after expiry %d: %d refreshes, want %d", r, got, r)
		}
	}
	if n := oa.Stats().Errors[fakekit.ErrCodeInvalidGrant]; n != 0 {
		t.Fatalf("%d invalid_grant answers: refresh tokens were lost", n)
	}
	stored, err := redisstore.New(srv.Client(t)).Load(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := grant.Fetch(ctx, stored); err != nil {
		t.Fatalf("the stored refresh token is not the live one: %v", err)
	}
}

// The Source/store conformance checks: a fresh login is saved at once and
// never loses to an older stored token; another user's token is refused.
func TestSourceStoreConformance(t *testing.T) {
	st, _ := newStore(t)
	storetest.Run(t, st)
}
