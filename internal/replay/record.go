package replay

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
	"github.com/dnaeon/go-vcr/v2/recorder"
)

// recordingSuffix names the scratch cassette a recording is written to before it replaces the
// real one: go-vcr v2.1.0 appends to an existing cassette in record mode, and a failed
// recording must not destroy a good cassette.
const recordingSuffix = ".recording"

// newRecorder returns a recording transport that saves a scrubbed cassette at cleanup.
func newRecorder(t testing.TB, name string, c config, real http.RoundTripper) http.RoundTripper {
	t.Helper()
	file := name + ".yaml"
	scratch := name + recordingSuffix
	if err := os.Remove(scratch + ".yaml"); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("replay: remove stale %s.yaml: %v", scratch, err)
	}
	rec, err := recorder.NewAsMode(scratch, recorder.ModeRecording, real)
	if err != nil {
		t.Fatalf("replay: start recording %s: %v", file, err)
	}
	rec.SkipRequestLatency = true

	// Keep a pointer to every interaction so that the secrets of the whole cassette are known
	// before any of it is scrubbed (a token issued in interaction 3 may sit in a URL path in 5).
	var (
		mu   sync.Mutex
		seen []*cassette.Interaction
	)
	rec.AddFilter(func(i *cassette.Interaction) error {
		mu.Lock()
		seen = append(seen, i)
		mu.Unlock()
		return nil
	})

	t.Cleanup(func() {
		defer os.Remove(scratch + ".yaml")
		if t.Failed() {
			t.Logf("replay: the test failed; %s is left unchanged", file)
			return
		}
		mu.Lock()
		s := c.scrub
		s.Known = KnownSecrets(s, seen...)
		mu.Unlock()
		rec.AddSaveFilter(func(i *cassette.Interaction) error {
			*i = s.Interaction(*i)
			return nil
		})
		if err := rec.Stop(); err != nil {
			t.Errorf("replay: save %s: %v", file, err)
			return
		}
		if _, err := os.Stat(scratch + ".yaml"); errors.Is(err, os.ErrNotExist) {
			t.Logf("replay: no request was made; %s is left unchanged", file)
			return
		}
		if err := os.Rename(scratch+".yaml", file); err != nil {
			t.Errorf("replay: save %s: %v", file, err)
			return
		}
		findings, err := ScanCassette(file)
		if err != nil {
			t.Errorf("replay: scan %s: %v", file, err)
		}
		for _, f := range findings {
			t.Errorf("replay: saved cassette still holds a secret: %s", f)
		}
		if err == nil && len(findings) == 0 {
			t.Logf("replay: saved %s", file)
		}
	})
	return recordingTransport{rec: rec}
}

// recordingTransport hides the recorder's extra methods and wraps its errors.
type recordingTransport struct{ rec *recorder.Recorder }

// RoundTrip sends req through the recorder to the real transport.
func (r recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.rec.RoundTrip(req)
	if err != nil {
		return nil, fmt.Errorf("replay: record: %w", err)
	}
	return resp, nil
}
