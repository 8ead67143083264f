package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// A token that lives no longer than the skew is still cached: the early
// refresh window is capped at half its lifetime.
func TestSourceSkewCappedAtHalfLifetime(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var fetches int
	f := FetcherFunc(func(context.Context, *oauth2.Token) (*oauth2.Token, error) {
		fetches++
		return &oauth2.Token{AccessToken: "t", ExpiresIn: 300}, nil
	})
	src := NewSource(f, WithClock(clock), WithSkew(300*time.Second))
	for range 10 {
		if _, err := src.Token(); err != nil {
			t.Fatal(err)
		}
	}
	if fetches != 1 {
		t.Fatalf("a 300 s token with a 300 s skew was fetched %d times for 10 calls, want 1", fetches)
	}
	now = now.Add(149 * time.Second)
	_, _ = src.Token()
	if fetches != 1 {
		t.Errorf("refreshed before half its lifetime")
	}
	now = now.Add(2 * time.Second)
	_, _ = src.Token()
	if fetches != 2 {
		t.Errorf("not refreshed after half its lifetime: fetches = %d", fetches)
	}
}

// flakyStore fails its saves while broken is set.
type flakyStore struct {
	MemoryStore
	broken bool
}

func (f *flakyStore) Save(ctx context.Context, k string, t *oauth2.Token) error {
	if f.broken {
		return errors.New("disk full")
	}
	return f.MemoryStore.Save(ctx, k, t)
}

// A login that cannot be saved when the source is built is reported, and
// the first call saves it before answering (or fails).
func TestSourceHandedTokenPersistedBeforeFirstCall(t *testing.T) {
	ctx := context.Background()
	st := &flakyStore{broken: true}
	login := &oauth2.Token{AccessToken: "login-at", RefreshToken: "login-rt", Expiry: time.Now().Add(time.Hour)}
	src, err := NewSourceContext(ctx, &countingFetcher{ttl: time.Hour}, WithToken(login), WithStore(st, "k"))
	if err == nil || src == nil {
		t.Fatalf("NewSourceContext with a failing store: src=%v err=%v, want an error", src, err)
	}
	if _, err := src.Token(); err == nil {
		t.Fatal("first call answered although the login is not persisted")
	}
	st.broken = false
	tok, err := src.Token()
	if err != nil || tok.AccessToken != "login-at" {
		t.Fatalf("tok=%v err=%v", tok, err)
	}
	if got, err := st.Load(ctx, "k"); err != nil || got.AccessToken != "login-at" || generation(got) != 1 {
		t.Errorf("stored %v (generation %d), %v", got, generation(got), err)
	}
}

// "Newer" is the generation when both tokens carry one, else a strictly
// later expiry; a token without expiry is never newer.
func TestSourceNewer(t *testing.T) {
	at := time.Now()
	g := func(n int64, exp time.Time) *oauth2.Token {
		tok := &oauth2.Token{AccessToken: "a", Expiry: exp}
		if n > 0 {
			tok = tok.WithExtra(map[string]any{GenerationKey: float64(n)})
		}
		return tok
	}
	cases := []struct {
		name    string
		st, cur *oauth2.Token
		want    bool
	}{
		{"higher generation, earlier expiry", g(3, at), g(2, at.Add(time.Hour)), true},
		{"lower generation, later expiry", g(1, at.Add(time.Hour)), g(2, at), false},
		{"no generation, later expiry", g(0, at.Add(time.Second)), g(2, at), true},
		{"no generation, earlier expiry", g(0, at.Add(-time.Hour)), g(0, at), false},
		{"no expiry", g(0, time.Time{}), g(0, at), false},
	}
	for _, c := range cases {
		if got := newer(c.st, c.cur); got != c.want {
			t.Errorf("%s: newer = %v, want %v", c.name, got, c.want)
		}
	}
}
