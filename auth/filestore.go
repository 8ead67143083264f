package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/oauth2"
)

// FileStore is a [Store] and [Locker] that keeps one JSON file per key in the
// directory it names: auth.FileStore("/home/me/.config/oasuite/tokens").
//
// The directory is created with mode 0700 and files with mode 0600. Save
// writes a temporary file in the same directory and renames it over the old
// one, so a reader never sees a half-written token. Lock takes an advisory
// lock on a "<key>.lock" file beside the token (flock on unix, an
// exclusive-create lock file elsewhere), so that processes sharing the
// directory refresh one after another instead of racing, which matters when
// the server rotates refresh tokens (BQE CORE, BeProduct).
//
// Keys are sanitised into file names: letters, digits, '.', '-' and '_' are
// kept; a key with any other character (or starting with '.') is mapped to
// its sanitised form plus a hash of the original, so distinct keys never
// share a file.
type FileStore string

// path returns the token file's path for key, without extension.
func (d FileStore) path(key string) string {
	return filepath.Join(string(d), fileKey(key))
}

func fileKey(key string) string {
	safe := key != "" && !strings.HasPrefix(key, ".")
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
			safe = false
		}
	}
	if safe && b.Len() <= 128 {
		return b.String()
	}
	name := strings.TrimLeft(b.String(), ".")
	if len(name) > 64 {
		name = name[:64]
	}
	sum := sha256.Sum256([]byte(key))
	return name + "-" + hex.EncodeToString(sum[:8])
}

func (d FileStore) mkdir() error {
	if d == "" {
		return errors.New("auth: FileStore has no directory")
	}
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return fmt.Errorf("auth: creating token directory: %w", err)
	}
	return nil
}

// regularOrMissing refuses a path that exists and is not a regular file; a
// symlink is never followed.
func regularOrMissing(path string) error {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return ErrUnsafeTokenFile
	}
	return nil
}

// ErrCorruptToken matches a stored token that cannot be read back (a
// truncated or foreign file): log in again, and the next save replaces it.
var ErrCorruptToken = errors.New("auth: stored token is corrupt")

// ErrUnsafeTokenFile matches a token or lock path that is not a regular file
// (a symlink, which is never followed, a directory, a device).
var ErrUnsafeTokenFile = errors.New("auth: token file is not a regular file")

// maxTokenFile bounds what Load reads: a token record is a few KiB.
const maxTokenFile = 1 << 20

// Load reads the token stored under key, or returns an error wrapping
// ErrNoToken when there is none. A symlink at the token path is not
// followed ([ErrUnsafeTokenFile]); a file that group or others may read is
// made 0600 before it is read; an unreadable record is [ErrCorruptToken].
func (d FileStore) Load(_ context.Context, key string) (*oauth2.Token, error) {
	f, err := openNoFollow(d.path(key) + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("auth: file store key %q: %w", key, ErrNoToken)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: reading stored token: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("auth: reading stored token: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("auth: file store key %q: %w", key, ErrUnsafeTokenFile)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return nil, fmt.Errorf("auth: tightening the token file's mode: %w", err)
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return nil, fmt.Errorf("auth: reading stored token: %w", err)
	}
	if len(b) > maxTokenFile {
		return nil, fmt.Errorf("auth: file store key %q: %w (larger than %d bytes)", key, ErrCorruptToken, maxTokenFile)
	}
	tok, err := UnmarshalToken(b)
	if err != nil {
		return nil, fmt.Errorf("auth: file store key %q: %w: %w", key, ErrCorruptToken, err)
	}
	return tok, nil
}

// Save writes tok under key atomically (temporary file, then rename), with
// file mode 0600.
func (d FileStore) Save(_ context.Context, key string, tok *oauth2.Token) error {
	b, err := MarshalToken(tok)
	if err != nil {
		return err
	}
	if err := d.mkdir(); err != nil {
		return err
	}
	final := d.path(key) + ".json"
	if err := regularOrMissing(final); err != nil {
		return fmt.Errorf("auth: file store key %q: %w", key, err)
	}
	f, err := os.CreateTemp(string(d), ".tmp-"+filepath.Base(final)+"-*")
	if err != nil {
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("auth: writing stored token: %w", err)
	}
	ok = true
	return nil
}

// Lock takes the key's lock file, waiting until it is free or ctx is done.
func (d FileStore) Lock(ctx context.Context, key string) (func() error, error) {
	if err := d.mkdir(); err != nil {
		return nil, err
	}
	return lockFile(ctx, d.path(key)+".lock")
}
