package auth

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func TestMarshalTokenRoundTrip(t *testing.T) {
	exp := time.Date(2026, 11, 23, 15, 4, 5, 123456789, time.UTC)
	in := (&oauth2.Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt", Expiry: exp}).WithExtra(map[string]any{
		"access_token": "at", "expires_in": 3600.0, "endpoint": "https://api.bqecore.com/api/", "id_token": "i.d.t",
		"scope": "a b", "n": 1.5, "flag": true, "obj": map[string]any{"k": []any{"v"}}, "null": nil,
	})
	b, err := MarshalToken(in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "expires_in") {
		t.Errorf("stale expires_in persisted: %s", b)
	}
	out, err := UnmarshalToken(b)
	if err != nil {
		t.Fatal(err)
	}
	if out.AccessToken != "at" || out.TokenType != "Bearer" || out.RefreshToken != "rt" || !out.Expiry.Equal(exp) {
		t.Errorf("out = %+v", out)
	}
	for _, k := range []string{"endpoint", "id_token", "scope", "n", "flag"} {
		if out.Extra(k) != in.Extra(k) {
			t.Errorf("Extra(%q) = %v, want %v", k, out.Extra(k), in.Extra(k))
		}
	}
	if o, ok := out.Extra("obj").(map[string]any); !ok || o["k"].([]any)[0] != "v" {
		t.Errorf("obj = %#v", out.Extra("obj"))
	}
	// No expiry, no extras.
	b, _ = MarshalToken(&oauth2.Token{AccessToken: "x"})
	out, err = UnmarshalToken(b)
	if err != nil || !out.Expiry.IsZero() || Extras(out) != nil {
		t.Errorf("plain round trip: %+v %v", out, err)
	}
	if _, err := MarshalToken(nil); err == nil {
		t.Error("nil token marshalled")
	}
	for _, bad := range []string{"{", `{"token_type":"x"}`} {
		if _, err := UnmarshalToken([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestExtrasOfOtherTokens(t *testing.T) {
	if Extras(nil) != nil || Extras(&oauth2.Token{AccessToken: "a"}) != nil {
		t.Error("extras from nothing")
	}
	// url.Values, as x/oauth2 stores form answers.
	tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(url.Values{"scope": {"x y"}, "empty": {}})
	if ex := Extras(tok); ex["scope"] != "x y" || len(ex) != 1 {
		t.Errorf("url.Values extras = %v", ex)
	}
	// An unknown shape yields nil rather than a panic.
	if ex := Extras((&oauth2.Token{}).WithExtra(struct{ A int }{1})); ex != nil {
		t.Errorf("unknown shape = %v", ex)
	}
	// A token made by x/oauth2 itself from a JSON answer (map[string]any).
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{"access_token": "a", "endpoint": "https://e/", "n": 2}))
	cfg := oauth2.Config{ClientID: "c", Endpoint: oauth2.Endpoint{TokenURL: srv.URL, AuthStyle: oauth2.AuthStyleInParams}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	xtok, err := cfg.Exchange(ctx, "code")
	if err != nil {
		t.Fatal(err)
	}
	if ex := Extras(xtok); ex["endpoint"] != "https://e/" || ex["n"] != 2.0 {
		t.Errorf("x/oauth2 token extras = %v", ex)
	}
}

func TestFileStoreRoundTripKeepsExtras(t *testing.T) {
	ctx := context.Background()
	srv := newFakeServer(t, jsonAnswer(200, map[string]any{
		"access_token": "at", "token_type": "Bearer", "refresh_token": "rt", "expires_in": 3600,
		"scope": "read:core offline_access openid", "id_token": "h.p.s", "endpoint": "https://api.bqecore.com/api/",
	}))
	tok, err := RequestToken(ctx, srv.Client(), oauth2.Endpoint{TokenURL: srv.URL}, "c", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tokens")
	st := FileStore(dir)
	if _, err := st.Load(ctx, "bqe"); !errors.Is(err, ErrNoToken) {
		t.Errorf("empty load err = %v", err)
	}
	if err := st.Save(ctx, "bqe", tok); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load(ctx, "bqe")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"endpoint", "id_token", "scope"} {
		if got.Extra(k) != tok.Extra(k) {
			t.Errorf("Extra(%q) = %v, want %v", k, got.Extra(k), tok.Extra(k))
		}
	}
	if got.AccessToken != "at" || got.RefreshToken != "rt" || got.TokenType != "Bearer" || !got.Expiry.Equal(tok.Expiry) {
		t.Errorf("got %+v want %+v", got, tok)
	}
	if runtime.GOOS != "windows" {
		di, _ := os.Stat(dir)
		fi, _ := os.Stat(filepath.Join(dir, "bqe.json"))
		if di.Mode().Perm() != 0o700 || fi.Mode().Perm() != 0o600 {
			t.Errorf("modes dir %v file %v", di.Mode().Perm(), fi.Mode().Perm())
		}
	}
	// Overwrite; no temporary files left behind.
	if err := st.Save(ctx, "bqe", &oauth2.Token{AccessToken: "at2"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Load(ctx, "bqe"); got.AccessToken != "at2" {
		t.Errorf("overwrite: %v", got.AccessToken)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	// Corrupt file.
	_ = os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o600)
	if _, err := st.Load(ctx, "bad"); err == nil || errors.Is(err, ErrNoToken) {
		t.Errorf("corrupt load err = %v", err)
	}
}

func TestFileStoreKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st := FileStore(dir)
	keys := []string{"../escape", "a/b", "a_b", "user@example.com", "", ".hidden", strings.Repeat("x", 300)}
	for i, k := range keys {
		if err := st.Save(ctx, k, &oauth2.Token{AccessToken: "t" + string(rune('0'+i))}); err != nil {
			t.Fatalf("save %q: %v", k, err)
		}
	}
	for i, k := range keys {
		got, err := st.Load(ctx, k)
		if err != nil || got.AccessToken != "t"+string(rune('0'+i)) {
			t.Errorf("key %q: %v %v", k, got, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || strings.ContainsAny(e.Name(), "/@") {
			t.Errorf("unsafe file name %q", e.Name())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "escape.json")); err == nil {
		t.Error("key escaped the directory")
	}
	if err := FileStore("").Save(ctx, "k", &oauth2.Token{AccessToken: "a"}); err == nil {
		t.Error("empty dir accepted")
	}
	if _, err := FileStore("").Lock(ctx, "k"); err == nil {
		t.Error("empty dir lock accepted")
	}
	if err := st.Save(ctx, "k", nil); err == nil {
		t.Error("nil token saved")
	}
}

func TestFileStoreLockExcludes(t *testing.T) {
	ctx := context.Background()
	st := FileStore(t.TempDir())
	unlock, err := st.Lock(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	// A second holder (another open file, as another process would have) waits.
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := st.Lock(cctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second lock err = %v", err)
	}
	// Other keys are independent.
	u2, err := st.Lock(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	_ = u2()
	acquired := make(chan struct{})
	go func() {
		u, err := st.Lock(ctx, "k")
		if err != nil {
			t.Error(err)
			close(acquired)
			return
		}
		close(acquired)
		_ = u()
	}()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-acquired:
		t.Fatal("lock taken while held")
	default:
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	_ = unlock() // idempotent
	select {
	case <-acquired:
	case <-time.After(5 * time.Second):
		t.Fatal("lock not handed over")
	}
}

// Two Sources sharing a FileStore (as two processes would) refresh once.
func TestFileStoreSharedBySources(t *testing.T) {
	ctx := context.Background()
	st := FileStore(t.TempDir())
	_ = st.Save(ctx, "k", &oauth2.Token{AccessToken: "old", RefreshToken: "rt", Expiry: time.Now().Add(-time.Minute)})
	f := &countingFetcher{ttl: time.Hour}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := NewSource(f, WithStore(st, "k")).Token(); err != nil || tok.AccessToken != "tok-1" {
				t.Errorf("tok=%v err=%v", tok, err)
			}
		}()
	}
	wg.Wait()
	if got := f.n.Load(); got != 1 {
		t.Errorf("fetches = %d, want 1", got)
	}
}

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	var st MemoryStore
	if _, err := st.Load(ctx, "k"); !errors.Is(err, ErrNoToken) {
		t.Errorf("err = %v", err)
	}
	tok := &oauth2.Token{AccessToken: "a"}
	_ = st.Save(ctx, "k", tok)
	tok.AccessToken = "mutated"
	if got, _ := st.Load(ctx, "k"); got.AccessToken != "a" {
		t.Errorf("store aliases the saved token: %v", got.AccessToken)
	}
	if err := st.Save(ctx, "k", nil); err == nil {
		t.Error("nil saved")
	}
	unlock, _ := st.Lock(ctx, "k")
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := st.Lock(cctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	done := make(chan struct{})
	go func() {
		u, err := st.Lock(ctx, "k")
		if err == nil {
			_ = u()
		}
		close(done)
	}()
	_ = unlock()
	<-done
}
