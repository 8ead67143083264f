package bqecore

import (
	"testing"

	"golang.org/x/oauth2"
)

func TestKeepEndpoint(t *testing.T) {
	old := (&oauth2.Token{AccessToken: "a1"}).WithExtra(map[string]any{"endpoint": "https://api-eu.bqecore.com/api/"})
	// A refresh answer without "endpoint" keeps the old one, and its own extras.
	bare := (&oauth2.Token{AccessToken: "a2"}).WithExtra(map[string]any{"scope": "read:core"})
	got := keepEndpoint(bare, old)
	if got.Extra("endpoint") != "https://api-eu.bqecore.com/api/" || got.Extra("scope") != "read:core" || got.AccessToken != "a2" {
		t.Fatalf("kept token = %+v endpoint %v scope %v", got, got.Extra("endpoint"), got.Extra("scope"))
	}
	// An answer with an endpoint (a move to another data center) wins.
	moved := (&oauth2.Token{AccessToken: "a3"}).WithExtra(map[string]any{"endpoint": "https://api.bqecore.com/api/"})
	if keepEndpoint(moved, old).Extra("endpoint") != "https://api.bqecore.com/api/" {
		t.Fatal("old endpoint overrode the new one")
	}
	if keepEndpoint(bare, nil) != bare {
		t.Fatal("no current token: answer must pass unchanged")
	}
}
