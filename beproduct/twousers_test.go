package beproduct_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
)

// loginAs runs the code flow as the fake's user login (login_hint).
func loginAs(t *testing.T, id *beproduct.Identity, hc *http.Client, login string) *beproduct.Session {
	t.Helper()
	at, err := id.StartLogin(nil)
	if err != nil {
		t.Fatal(err)
	}
	loc := authorize(t, hc, at.URL+"&login_hint="+login)
	s, err := id.FinishLogin(context.Background(), at, loc.Query())
	if err != nil {
		t.Fatalf("FinishLogin: %v", err)
	}
	return s
}

// Two users log in with the README's setup (one Store and StoreKey, then
// TokenSource(session)): B's source speaks for B before and after refreshes,
// and A's source refuses B's stored token with a typed error.
func TestTwoUsersOneStoreKey(t *testing.T) {
	ctx := context.Background()
	fake := newFake(t)
	hc := &http.Client{}
	cfg := oauthConfig(fake, hc)
	cfg.Store, cfg.StoreKey = auth.FileStore(t.TempDir()), "beproduct"
	id, err := beproduct.NewIdentity(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srcA := id.TokenSource(loginAs(t, id, hc, beproducttest.TestUser))
	if _, err := srcA.ForceRefresh(ctx, nil); err != nil { // A's token is now in the store
		t.Fatal(err)
	}
	srcB := id.TokenSource(loginAs(t, id, hc, "jane.doe"))
	if saved, err := cfg.Store.Load(ctx, cfg.StoreKey); err != nil || auth.TokenSubject(saved) != beproducttest.TestOtherUserID {
		t.Fatalf("B's login not saved when its source was built: subject %q, %v", auth.TokenSubject(saved), err)
	}
	for round := range 2 {
		ui, err := id.UserInfo(ctx, srcB)
		if err != nil {
			t.Fatal(err)
		}
		if ui.Subject != beproducttest.TestOtherUserID {
			t.Fatalf("round %d: B's source speaks for %s", round, ui.Subject)
		}
		if _, err := srcB.ForceRefresh(ctx, nil); err != nil {
			t.Fatalf("round %d: B's refresh: %v", round, err)
		}
	}
	_, err = srcA.ForceRefresh(ctx, nil)
	var sm *auth.SubjectMismatchError
	if !errors.As(err, &sm) || sm.Want != beproducttest.TestUserID || sm.Found != beproducttest.TestOtherUserID {
		t.Fatalf("A's refresh with B's token stored: %v, want *auth.SubjectMismatchError", err)
	}
}

// A refresh refused during a call matches ErrUnauthorized and
// *auth.TokenError, and its text names the token endpoint.
func TestRefusedRefreshDuringCall(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	e.fake.ExpireTokens()
	e.fake.ExpireRefreshTokens()
	_, err := e.client.ListUsersWithResponse(ctx)
	var te *auth.TokenError
	if !errors.Is(err, beproduct.ErrUnauthorized) || !errors.As(err, &te) {
		t.Fatalf("err = %v, want ErrUnauthorized and *auth.TokenError", err)
	}
	if !strings.HasSuffix(te.Endpoint, "/ids/connect/token") || strings.Contains(err.Error(), "/api/") {
		t.Errorf("error should name the token endpoint, not the API URL: %v", err)
	}
}
