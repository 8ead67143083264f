//go:build !unix

package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// staleLock is the age after which a lock file left by a crashed process is
// taken over.
const staleLock = 2 * time.Minute

// lockFile is the portable fallback: the lock is held by whoever creates the
// lock file exclusively; it is removed on unlock.
func lockFile(ctx context.Context, path string) (func() error, error) {
	wait := time.Millisecond
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			var once sync.Once
			var uerr error
			return func() error {
				once.Do(func() { uerr = os.Remove(path) })
				return uerr
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("auth: creating lock file: %w", err)
		}
		if fi, serr := os.Stat(path); serr == nil && time.Since(fi.ModTime()) > staleLock {
			_ = os.Remove(path)
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("auth: locking token file: %w", ctx.Err())
		case <-t.C:
		}
		if wait < 50*time.Millisecond {
			wait *= 2
		}
	}
}

// openNoFollow opens path for reading, refusing a symlink there (checked
// with Lstat first; the portable fallback has no O_NOFOLLOW).
func openNoFollow(path string) (*os.File, error) {
	if st, err := os.Lstat(path); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return nil, ErrUnsafeTokenFile
	}
	return os.Open(path)
}
