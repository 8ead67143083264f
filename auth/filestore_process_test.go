//go:build unix

package auth

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The lock helper process: it tries to take the lock of the key in the
// directory named by the environment and exits 0 if it got it in time, 3 if
// not.
func TestFileStoreLockHelperProcess(t *testing.T) {
	dir := os.Getenv("OASUITE_AUTH_LOCK_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	unlock, err := FileStore(dir).Lock(ctx, "shared")
	if errors.Is(err, context.DeadlineExceeded) {
		os.Exit(3)
	}
	if err != nil {
		os.Exit(4)
	}
	_ = unlock()
	os.Exit(0)
}

// A lock held by this process keeps another process out until released.
func TestFileStoreLockAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	run := func() int {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreLockHelperProcess$")
		cmd.Env = append(os.Environ(), "OASUITE_AUTH_LOCK_DIR="+dir)
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	unlock, err := FileStore(dir).Lock(context.Background(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	if code := run(); code != 3 {
		t.Errorf("other process while locked: exit %d, want 3 (timed out)", code)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if code := run(); code != 0 {
		t.Errorf("other process after unlock: exit %d, want 0", code)
	}
}
