package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// tokenServer stands in for a vendor's token endpoint in the examples.
func tokenServer(answer map[string]any) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer)
	}))
}

// BidCore: a password grant wrapped in a Source logs in again whenever the
// token is about to expire (uauth issues no refresh token).
func ExamplePasswordGrant() {
	srv := tokenServer(map[string]any{"token_type": "Bearer", "scope": "my.bidcore.iponweb.com", "access_token": "bid-token", "expires_in": 3600})
	defer srv.Close()

	src := auth.NewSource(auth.PasswordGrant{
		Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/oauth2/token/"}, // endpoints.BidCore in production
		Username: "me@example.com",
		Password: os.Getenv("BIDCORE_PASSWORD"),
		Scopes:   []string{"service_id=my.bidcore.iponweb.com"},
	})
	tok, err := src.Token()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.AccessToken, tok.Extra("scope"))
	// Output: bid-token my.bidcore.iponweb.com
}

// BQE CORE: the token answer names the data-center endpoint; a FileStore
// keeps it (and the rotated refresh token) across runs.
func ExampleFileStore() {
	srv := tokenServer(map[string]any{"access_token": "at", "refresh_token": "rt-2", "expires_in": 3600, "endpoint": "https://api.bqecore.com/api/"})
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "tokens")
	defer os.RemoveAll(dir)

	store := auth.FileStore(filepath.Join(dir, "oasuite"))
	src := auth.NewSource(
		auth.RefreshGrant{Endpoint: oauth2.Endpoint{TokenURL: srv.URL}, ClientID: "my-app"},
		auth.WithToken(&oauth2.Token{AccessToken: "old", RefreshToken: "rt-1"}), // e.g. from CodeFlow.Exchange
		auth.WithStore(store, "bqe:me@example.com"),
	)
	if _, err := src.ForceRefresh(context.Background(), nil); err != nil {
		log.Fatal(err)
	}
	saved, _ := store.Load(context.Background(), "bqe:me@example.com")
	fmt.Println(saved.RefreshToken, saved.Extra("endpoint"))
	// Output: rt-2 https://api.bqecore.com/api/
}

// Procurios' legacy parameter names, expressed with ParamNames and GrantType.
func ExampleCodeFlow_procuriosLegacy() {
	flow := auth.CodeFlow{
		Endpoint:    oauth2.Endpoint{AuthURL: "https://members.example.org/l/oauth2/authorize", TokenURL: "https://members.example.org/l/oauth2/token"},
		ClientID:    "my-app",
		RedirectURL: "https://app.example/cb",
		Scopes:      []string{"relation_list_api/relation"},
		ParamNames:  map[string]string{"response_type": "grant_type", "redirect_uri": "redirect_url"},
		GrantType:   "code",
		DisablePKCE: true,
	}
	attempt, err := flow.Start(map[string]string{"return": "/members"})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(attempt.URL)
	q := u.Query()
	fmt.Println(q.Get("grant_type"), q.Get("redirect_url"), q.Has("redirect_uri"))

	var payload map[string]string
	_ = auth.DecodeState(attempt.State, &payload)
	// Later, in the callback handler:
	//   tok, err := flow.Exchange(ctx, attempt, r.URL.Query())
	fmt.Println(payload["return"])
	// Output:
	// code https://app.example/cb false
	// /members
}
