// Package replay is the go-vcr harness every replay test in oasuite uses.
//
// A test asks for an *http.Client bound to a cassette:
//
//	client := replay.New(t, "testdata/cassettes/list_activities",
//		replay.WithFake(fake.URL, "api.bqecore.com", "api-identity.bqecore.com"),
//		replay.WithCredentialsEnv("BQECORE_CLIENT_ID", "BQECORE_CLIENT_SECRET"))
//
// The mode is chosen from the environment:
//
//   - replay (the default, and always when CI is non-empty): the cassette must exist, every
//     request must match an unused recorded interaction, and the network is never used;
//   - record (OASUITE_RECORD=1 and CI unset): against the real vendor when every variable named
//     by WithCredentialsEnv is set, otherwise against the fake given by WithFake, reached under the
//     production host names so that cassettes hold production URLs. When neither is possible the
//     test is skipped.
//
// Before a cassette is saved every interaction is scrubbed (see Scrubber), and the saved file is
// scanned for anything secret-looking (see ScanCassette). Requests are matched with
// Scrubber.Match, which normalises them the same way.
//
// Built on github.com/dnaeon/go-vcr/v2 v2.1.0 (https://github.com/dnaeon/go-vcr/tree/v2.1.0).
package replay

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
	"github.com/dnaeon/go-vcr/v2/recorder"
)

// EnvRecord is the environment variable that asks for recording when set to "1".
const EnvRecord = "OASUITE_RECORD"

// EnvCI is the environment variable that, when non-empty, forces replay mode.
const EnvCI = "CI"

// ErrNetworkDisabled is returned by the transport behind a replaying recorder: replay mode never
// reaches the network.
var ErrNetworkDisabled = errors.New("replay: network access is disabled in replay mode")

// ErrNotRoutedToFake is returned when recording against a fake and a request goes to a host
// that WithFake did not name: recording against the fake never reaches the network either.
var ErrNotRoutedToFake = errors.New("replay: host is not routed to the fake")

// Option configures New and NewTransport.
type Option func(*config)

type config struct {
	fakeURL    string
	prodHosts  []string
	credsEnv   []string
	scrub      Scrubber
	spec       string // WithSpec's vendor
	specExempt func(*http.Response, []byte) bool
}

// WithFake names the vendor fake used when recording without credentials: requests whose host
// is one of prodHosts are sent to fakeURL instead (scheme, host and any path prefix of fakeURL
// replace those of the request; the Host header keeps the production name). The URL recorded
// in the cassette stays the production one. A prodHost may start with "*." to match any
// subdomain (tenant hosts such as "*.bidcore.example"); a port in a prodHost must match exactly,
// a prodHost without a port matches any port. Requests to other hosts fail with
// ErrNotRoutedToFake. An https fake on a loopback address is trusted without verifying its
// certificate (httptest.NewTLSServer).
func WithFake(fakeURL string, prodHosts ...string) Option {
	return func(c *config) {
		c.fakeURL = fakeURL
		c.prodHosts = append(c.prodHosts, prodHosts...)
	}
}

// WithCredentialsEnv names the environment variables that hold the vendor's real credentials
// (for example "BQECORE_CLIENT_ID", "BQECORE_CLIENT_SECRET"). When recording and all of them are
// set, the recorder talks to the real vendor through http.DefaultTransport.
func WithCredentialsEnv(names ...string) Option {
	return func(c *config) { c.credsEnv = append(c.credsEnv, names...) }
}

// WithScrubKeys adds keys (query parameters, form fields, JSON keys at any depth) whose values
// are scrubbed before saving and compared by presence only when matching.
func WithScrubKeys(keys ...string) Option {
	return func(c *config) { c.scrub.Keys = append(c.scrub.Keys, keys...) }
}

// WithKeepJSONKeys exempts keys from scrubbing inside JSON bodies only, for vendors whose
// resources use a secret-sounding name for business data (BQE CORE's Activity has a "code"
// field). The keys are still scrubbed in URLs, forms and Location headers.
func WithKeepJSONKeys(keys ...string) Option {
	return func(c *config) { c.scrub.KeepJSON = append(c.scrub.KeepJSON, keys...) }
}

// New returns an *http.Client whose transport is NewTransport(t, cassette, opts...).
// cassette is a path without the ".yaml" extension (an extension given is dropped),
// conventionally "testdata/cassettes/<name>".
func New(t testing.TB, cassette string, opts ...Option) *http.Client {
	t.Helper()
	return &http.Client{Transport: NewTransport(t, cassette, opts...)}
}

// NewTransport returns the recording or replaying http.RoundTripper behind New, for tests that
// build their own client or pipeline around it. See the package documentation for the mode.
// It fails the test at once when replaying and the cassette is missing or unreadable, and
// skips it when recording is asked but neither credentials nor a fake are available.
// t.Cleanup stops the recorder; in record mode that scrubs and saves the cassette, unless the
// test failed (then the previous cassette is kept).
func NewTransport(t testing.TB, cassetteName string, opts ...Option) http.RoundTripper {
	t.Helper()
	var c config
	for _, o := range opts {
		o(&c)
	}
	name := strings.TrimSuffix(cassetteName, ".yaml")

	record := os.Getenv(EnvRecord) == "1" && os.Getenv(EnvCI) == ""
	if !record {
		if c.spec != "" {
			return withSpecCheck(t, name, c, newReplayer(t, name, c))
		}
		return newReplayer(t, name, c)
	}
	var real http.RoundTripper
	switch {
	case len(c.credsEnv) > 0 && allSet(c.credsEnv):
		real = http.DefaultTransport
		t.Logf("replay: recording %s.yaml against the real vendor", name)
	case c.fakeURL != "":
		ft, err := newFakeTransport(c.fakeURL, c.prodHosts)
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		real = ft
		t.Logf("replay: recording %s.yaml against the fake at %s", name, c.fakeURL)
	default:
		t.Skipf("replay: %s=1 asks for recording %s.yaml, but neither the credentials %v are all set nor a fake is given (WithFake)",
			EnvRecord, name, c.credsEnv)
	}
	if c.spec != "" {
		return withSpecCheck(t, name, c, newRecorder(t, name, c, real))
	}
	return newRecorder(t, name, c, real)
}

func allSet(names []string) bool {
	for _, n := range names {
		if os.Getenv(n) == "" {
			return false
		}
	}
	return true
}

// replayer wraps a replaying go-vcr recorder: it buffers request bodies so the matcher can read
// them once per recorded interaction, and fails the test on an unmatched request.
type replayer struct {
	t    testing.TB
	name string
	rec  *recorder.Recorder
	s    Scrubber
}

func newReplayer(t testing.TB, name string, c config) http.RoundTripper {
	t.Helper()
	file := name + ".yaml"
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			t.Fatalf("replay: cassette %s not found. Record it with %s=1 (and %s unset): %s=1 go test -run '^%s$' .",
				file, EnvRecord, EnvCI, EnvRecord, topName(t))
		}
		t.Fatalf("replay: cassette %s: %v", file, err)
	}
	rec, err := recorder.NewAsMode(name, recorder.ModeReplaying, errTransport{})
	if err != nil {
		t.Fatalf("replay: load cassette %s: %v", file, err)
	}
	rec.SkipRequestLatency = true
	rec.SetMatcher(c.scrub.Match)
	t.Cleanup(func() {
		if err := rec.Stop(); err != nil {
			t.Errorf("replay: stop %s: %v", file, err)
		}
	})
	return &replayer{t: t, name: name, rec: rec, s: c.scrub}
}

func topName(t testing.TB) string {
	n := t.Name()
	if i := strings.IndexByte(n, '/'); i >= 0 {
		n = n[:i]
	}
	return n
}

// RoundTrip answers req from the cassette.
func (p *replayer) RoundTrip(req *http.Request) (*http.Response, error) {
	req, err := withReplayableBody(req)
	if err != nil {
		return nil, err
	}
	resp, err := p.rec.RoundTrip(req)
	if errors.Is(err, cassette.ErrInteractionNotFound) {
		msg := fmt.Sprintf("replay: no unused interaction in %s.yaml matches %s %s (re-record with %s=1 if the requests changed)",
			p.name, req.Method, p.s.URL(req.URL.String()), EnvRecord)
		p.t.Errorf("%s", msg)
		return nil, fmt.Errorf("%s: %w", msg, err)
	}
	return resp, err
}

// withReplayableBody returns req with a body that can be read many times through GetBody.
func withReplayableBody(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("replay: read request body: %w", err)
	}
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(b))
	r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	r2.ContentLength = int64(len(b))
	return r2, nil
}

// errTransport is the "real" transport of a replaying recorder: it never reaches the network.
type errTransport struct{}

func (errTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, ErrNetworkDisabled
}

// fakeTransport sends requests for production hosts to the fake server.
type fakeTransport struct {
	fake  *url.URL
	hosts []string
	base  http.RoundTripper
}

func newFakeTransport(fakeURL string, hosts []string) (*fakeTransport, error) {
	u, err := url.Parse(fakeURL)
	if err != nil {
		return nil, fmt.Errorf("fake URL %q: %w", fakeURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("fake URL %q: want an absolute http(s) URL", fakeURL)
	}
	if len(hosts) == 0 {
		return nil, errors.New("WithFake: no production hosts given")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if u.Scheme == "https" && isLoopback(u.Hostname()) {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12} //nolint:gosec // loopback test fake only
	}
	return &fakeTransport{fake: u, hosts: hosts, base: tr}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RoundTrip routes req to the fake when its host is a production host.
func (f *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !HostMatches(req.URL.Host, f.hosts) {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, fmt.Errorf("%w: %s (routed: %v)", ErrNotRoutedToFake, req.URL.Host, f.hosts)
	}
	r2 := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = f.fake.Scheme
	u.Host = f.fake.Host
	if p := strings.TrimSuffix(f.fake.Path, "/"); p != "" {
		u.Path = p + req.URL.Path
		if req.URL.RawPath != "" {
			u.RawPath = p + req.URL.RawPath
		}
	}
	r2.URL = &u
	r2.Host = req.URL.Host
	return f.base.RoundTrip(r2)
}

// HostMatches reports whether host (host[:port] of a request URL) is one of patterns. A
// pattern "*.example.com" matches any subdomain of example.com; a pattern without a port
// matches any port.
func HostMatches(host string, patterns []string) bool {
	h := strings.ToLower(host)
	hostOnly := h
	if hh, _, err := net.SplitHostPort(h); err == nil {
		hostOnly = hh
	}
	for _, p := range patterns {
		p = strings.ToLower(p)
		cand := h
		if !strings.Contains(strings.TrimPrefix(p, "*."), ":") {
			cand = hostOnly
		}
		if suffix, ok := strings.CutPrefix(p, "*."); ok {
			if strings.HasSuffix(cand, "."+suffix) {
				return true
			}
			continue
		}
		if cand == p {
			return true
		}
	}
	return false
}
