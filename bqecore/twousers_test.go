package bqecore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// loginAs runs the code flow as the fake's user login (login_hint).
func loginAs(t *testing.T, fake *bqecoretest.Server, cfg bqecore.OAuthConfig, login string) *oauth2.Token {
	t.Helper()
	ctx := context.Background()
	att, err := cfg.Start(nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := fake.Authorize(ctx, att.URL+"&login_hint="+login)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(ctx, att, q)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Two users log in one after the other with the README's one-key store
// setup: user B's source never serves user A's token, before or after a
// refresh, and user A's source refuses B's stored token with a typed error
// instead of acting as B.
func TestTwoUsersOneStoreKey(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	cfg := webApp(fake)
	store := auth.FileStore(t.TempDir())

	srcA := cfg.TokenSource(loginAs(t, fake, cfg, bqecoretest.TestUser), auth.WithStore(store, "bqe"))
	if _, err := srcA.ForceRefresh(ctx, nil); err != nil { // A's token is now in the store
		t.Fatal(err)
	}
	srcB := cfg.TokenSource(loginAs(t, fake, cfg, bqecoretest.TestOtherUser), auth.WithStore(store, "bqe"))
	if saved, err := store.Load(ctx, "bqe"); err != nil || auth.TokenSubject(saved) != bqecoretest.TestOtherUserID {
		t.Fatalf("B's login not saved when its source was built: subject %q, %v", auth.TokenSubject(saved), err)
	}
	for round := range 2 {
		ui, err := cfg.UserInfo(ctx, srcB)
		if err != nil {
			t.Fatal(err)
		}
		if ui.Subject != bqecoretest.TestOtherUserID {
			t.Fatalf("round %d: B's source speaks for %s", round, ui.Subject)
		}
		if _, err := srcB.ForceRefresh(ctx, nil); err != nil {
			t.Fatalf("round %d: B's refresh: %v", round, err)
		}
	}
	_, err := srcA.ForceRefresh(ctx, nil)
	var sm *auth.SubjectMismatchError
	if !errors.As(err, &sm) || sm.Want != bqecoretest.TestUserID || sm.Found != bqecoretest.TestOtherUserID {
		t.Fatalf("A's refresh with B's token stored: %v, want *auth.SubjectMismatchError", err)
	}
}

// A login or refresh refused during a call matches ErrUnauthorized and
// *auth.TokenError, and its text names the token endpoint, not the API.
func TestRefusedRefreshDuringCall(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	c, _ := newClient(t, fake)
	if _, err := c.ListActivitiesWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	fake.ExpireRefreshTokens()
	_, err := c.ListActivitiesWithResponse(ctx, nil)
	var te *auth.TokenError
	if !errors.Is(err, bqecore.ErrUnauthorized) || !errors.As(err, &te) {
		t.Fatalf("err = %v, want ErrUnauthorized and *auth.TokenError", err)
	}
	if te.Endpoint != fake.IdentityURL()+"/connect/token" {
		t.Errorf("TokenError.Endpoint = %q", te.Endpoint)
	}
	if msg := err.Error(); !strings.Contains(msg, "/connect/token") || strings.Contains(msg, "/api/") {
		t.Errorf("error text should name the token endpoint, not the API URL: %s", msg)
	}
}

// New refuses a client without credentials unless told to send none.
func TestNewRequiresCredentials(t *testing.T) {
	if _, err := bqecore.New(context.Background()); !errors.Is(err, bqecore.ErrNoCredentials) {
		t.Errorf("New without a token source: %v, want ErrNoCredentials", err)
	}
	if _, err := bqecore.New(context.Background(), bqecore.WithoutCredentials()); err != nil {
		t.Errorf("WithoutCredentials: %v", err)
	}
}
