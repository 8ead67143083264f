package readme

import (
	"io"
	"os"
	"sync"
	"testing"
)

var stdoutMu sync.Mutex

// captureStdout runs f with os.Stdout sent to a pipe and returns what f
// printed (the snippets print, as a reader's program would).
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() {
		os.Stdout = old
	}()
	func() {
		defer w.Close()
		f()
	}()
	return <-done
}

// compiledOnly are the snippets no test can run: they need a user at a
// browser or name a real service. Listing them here keeps them compiled,
// vetted and counted as used.
var _ = []any{procuriosCodeLogin, beproductOtherLogins, bouquetDialog, bouquetDialogCallback, fleetWorker, validatingClient}
