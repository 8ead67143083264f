package reliability

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// The helper process: when helperEnv is set, the test binary (re-executed by
// TestTwoProcessesShareFileStore) refreshes a token held in a shared
// auth.FileStore helperRounds times and exits.
const (
	helperEnv      = "OASUITE_RELIABILITY_HELPER"
	helperDirEnv   = "OASUITE_RELIABILITY_DIR"
	helperIDPEnv   = "OASUITE_RELIABILITY_IDP"
	helperRoundEnv = "OASUITE_RELIABILITY_ROUNDS"
	helperKey      = "bqe-shared"
	processes      = 2
	helperRounds   = 15
)

// helperProcess is the helper's main: every round forces a refresh, under the
// store's file lock, after reloading
// what the other process may have saved. A lost rotated refresh token shows
// as invalid_grant from the fake.
func helperProcess() int {
	rounds, _ := strconv.Atoi(os.Getenv(helperRoundEnv))
	cfg := bqecore.OAuthConfig{ClientID: bqecoretest.TestClientID, ClientSecret: bqecoretest.TestClientSecret,
		IdentityURL: os.Getenv(helperIDPEnv), HTTPClient: &http.Client{Timeout: 10 * time.Second}}
	src := auth.NewSource(cfg.RefreshGrant(), auth.WithStore(auth.FileStore(os.Getenv(helperDirEnv)), helperKey))
	for i := range rounds {
		if _, err := src.ForceRefresh(context.Background(), nil); err != nil {
			fmt.Fprintf(os.Stderr, "round %d: %v\n", i, err)
			return 1
		}
	}
	fmt.Printf("ok %d\n", rounds)
	return 0
}

// TestTwoProcessesShareFileStore runs the test binary twice at once as
// helper processes sharing one auth.FileStore directory; the BQE fake rotates
// refresh tokens, so a refresh with a token the other process already used
// fails. Every refresh must succeed, and the stored refresh token must be the
// live one at the end.
func TestTwoProcessesShareFileStore(t *testing.T) {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cfg, tok := bqeLogin(t, fake, &http.Client{Transport: tr})
	dir := filepath.Join(t.TempDir(), "tokens")
	store := auth.FileStore(dir)
	ctx := context.Background()
	if err := store.Save(ctx, helperKey, tok); err != nil {
		t.Fatal(err)
	}
	before := fake.Stats().Refreshes

	ctx, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	outs := make([][]byte, processes)
	errs := make([]error, processes)
	for p := range processes {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"=1", helperDirEnv+"="+dir,
			helperIDPEnv+"="+fake.IdentityURL(), helperRoundEnv+"="+strconv.Itoa(helperRounds))
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[p], errs[p] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for p := range processes {
		if errs[p] != nil {
			t.Errorf("helper %d: %v\n%s", p, errs[p], outs[p])
		}
	}
	if got, want := fake.Stats().Refreshes-before, processes*helperRounds; got != want {
		t.Errorf("refreshes = %d, want %d (one per Token call of each process)", got, want)
	}
	saved, err := store.Load(context.Background(), helperKey)
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken == tok.RefreshToken {
		t.Fatal("the stored token was never replaced")
	}
	if _, err := cfg.RefreshGrant().Fetch(context.Background(), saved); err != nil {
		t.Errorf("the stored refresh token is not the live one: %v", err)
	}
}
