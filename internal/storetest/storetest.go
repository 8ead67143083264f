// Package storetest holds the conformance checks every auth.Store is run
// through with an auth.Source on top: a fresh login is saved at once and
// never loses to an older stored token, a newer stored token is adopted, and
// a stored token of another user is refused.
package storetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
)

// Recorder is a refresh-token Fetcher that records the refresh token of each
// fetch and issues at-N / rt-N tokens valid for an hour.
type Recorder struct {
	mu   sync.Mutex
	Sent []string
}

// Fetch records cur's refresh token and returns the next token.
func (r *Recorder) Fetch(_ context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur == nil {
		return nil, errors.New("storetest: no current token")
	}
	r.Sent = append(r.Sent, cur.RefreshToken)
	n := len(r.Sent)
	return &oauth2.Token{AccessToken: fmt.Sprintf("at-%d", n), RefreshToken: fmt.Sprintf("rt-%d", n), Expiry: time.Now().Add(time.Hour), ExpiresIn: 3600}, nil
}

// Refreshes returns the refresh tokens sent so far.
func (r *Recorder) Refreshes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.Sent...)
}

// IDToken returns an unsigned compact JWT whose payload names sub (the
// Source reads the claim; verification happens at login, not here).
func IDToken(sub string) string {
	enc := base64.RawURLEncoding
	p, _ := json.Marshal(map[string]any{"sub": sub, "iss": "https://id.example"})
	return enc.EncodeToString([]byte(`{"alg":"RS256"}`)) + "." + enc.EncodeToString(p) + ".c2ln"
}

// Run checks st (an empty store; each subtest uses its own key).
func Run(t *testing.T, st auth.Store) {
	t.Helper()
	ctx := context.Background()

	t.Run("FreshLoginWinsOverOlderStored", func(t *testing.T) {
		const key = "fresh-login"
		if err := st.Save(ctx, key, &oauth2.Token{AccessToken: "old-at", RefreshToken: "old-rt", Expiry: time.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		rec := &Recorder{}
		src := auth.NewSource(rec,
			auth.WithToken(&oauth2.Token{AccessToken: "fresh-at", RefreshToken: "fresh-rt", Expiry: time.Now().Add(30 * time.Second)}),
			auth.WithStore(st, key))
		// Persisted when built, before any call.
		if got, err := st.Load(ctx, key); err != nil || got.AccessToken != "fresh-at" || got.RefreshToken != "fresh-rt" {
			t.Fatalf("store after NewSource = %v, %v; want the fresh login", got, err)
		}
		tok, err := src.Token() // 30 s left < 60 s skew: refreshes
		if err != nil {
			t.Fatal(err)
		}
		if got := rec.Refreshes(); len(got) != 1 || got[0] != "fresh-rt" {
			t.Errorf("refresh tokens sent = %v, want [fresh-rt]", got)
		}
		if tok.AccessToken != "at-1" {
			t.Errorf("token = %s, want at-1", tok.AccessToken)
		}
		if got, err := st.Load(ctx, key); err != nil || got.AccessToken != "at-1" || got.RefreshToken != "rt-1" {
			t.Errorf("store after refresh = %v, %v", got, err)
		}
	})

	t.Run("NewerStoredIsAdopted", func(t *testing.T) {
		const key = "newer"
		rec := &Recorder{}
		src := auth.NewSource(rec,
			auth.WithToken(&oauth2.Token{AccessToken: "mine", RefreshToken: "rt-mine", Expiry: time.Now().Add(-time.Minute)}),
			auth.WithStore(st, key))
		// Another process (its own Source on the same key) refreshes after ours started.
		peer := auth.NewSource(&Recorder{}, auth.WithStore(st, key))
		pt, err := peer.ForceRefresh(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := src.Token()
		if err != nil || tok.AccessToken != pt.AccessToken {
			t.Fatalf("token = %v, %v; want the peer's newer %s", tok, err, pt.AccessToken)
		}
		if got := rec.Refreshes(); len(got) != 0 {
			t.Errorf("refreshed with %v although a newer token was stored", got)
		}
	})

	t.Run("OtherSubjectIsRefused", func(t *testing.T) {
		const key = "two-users"
		ann := (&oauth2.Token{AccessToken: "ann-at", RefreshToken: "ann-rt", Expiry: time.Now().Add(-time.Minute)}).
			WithExtra(map[string]any{"id_token": IDToken("ann")})
		src := auth.NewSource(&Recorder{}, auth.WithToken(ann), auth.WithStore(st, key))
		// Bob logs in with the same key: his login is saved at once.
		bob := (&oauth2.Token{AccessToken: "bob-at", RefreshToken: "bob-rt", Expiry: time.Now().Add(time.Hour)}).
			WithExtra(map[string]any{"id_token": IDToken("bob")})
		bsrc := auth.NewSource(&Recorder{}, auth.WithToken(bob), auth.WithStore(st, key))
		if tok, err := bsrc.Token(); err != nil || tok.AccessToken != "bob-at" {
			t.Fatalf("bob's token = %v, %v", tok, err)
		}
		_, err := src.Token()
		var sm *auth.SubjectMismatchError
		if !errors.As(err, &sm) || sm.Want != "ann" || sm.Found != "bob" {
			t.Fatalf("ann's refresh: err = %v, want *auth.SubjectMismatchError ann/bob", err)
		}
		// A refreshed token carries no ID token; the subject is kept in the
		// stored record, so the check still holds after a refresh.
		tok, err := bsrc.ForceRefresh(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth.TokenSubject(tok) != "bob" {
			t.Errorf("refreshed token's subject = %q, want bob", auth.TokenSubject(tok))
		}
		if got, _ := st.Load(ctx, key); auth.TokenSubject(got) != "bob" {
			t.Errorf("stored subject after refresh = %q, want bob", auth.TokenSubject(got))
		}
		if _, err := src.ForceRefresh(ctx, nil); !errors.As(err, &sm) {
			t.Errorf("after bob's refresh: err = %v, want *auth.SubjectMismatchError", err)
		}
	})
}
