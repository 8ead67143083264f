package reliability

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/bouquet"
	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/internal/pipeline"
)

// The red-team matrix: each row is an attack through the public API with
// the typed outcome it must meet. docs/RELIABILITY.md counts the rows.

// sink is a second host: it records whether any credential reached it.
type sink struct {
	*httptest.Server
	hits, creds atomic.Int32
}

func newSink(t *testing.T, body string) *sink {
	s := &sink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if r.Header.Get("Authorization") != "" || r.URL.Query().Get("access_token") != "" ||
			strings.Contains(r.URL.RawQuery, secretMark) || strings.Contains(fmt.Sprint(r.Header), secretMark) {
			s.creds.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

// otherName is u with its host written as "localhost": the same machine,
// another origin.
func otherName(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }

// Cross-host redirect of an API call: the call may follow it, but neither
// the bearer header nor a query-carried token (Bouquet's builder sends the
// token in the query) reaches the other host.
func TestRedTeamCrossHostRedirect(t *testing.T) {
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			other := newSink(t, v.okGet)
			srv := newAPIServer(t)
			var sawToken atomic.Int32
			srv.handle(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.Header.Get("Authorization")+r.URL.RawQuery, "AT-") {
					sawToken.Add(1)
				}
				http.Redirect(w, r, otherName(other.URL)+r.URL.Path, http.StatusFound)
			})
			c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			err = c.get(context.Background())
			if other.hits.Load() == 0 {
				t.Fatalf("the redirect was not followed at all (err %v); the row tests nothing", err)
			}
			if n := other.creds.Load(); n != 0 {
				t.Errorf("%d requests to the other host carried credentials", n)
			}
			if sawToken.Load() == 0 {
				t.Errorf("the API host itself got no token")
			}
			assertNoSecrets(t, err, "")
		})
	}
}

// newTLSAPIServer is newAPIServer over TLS.
func newTLSAPIServer(t *testing.T) *apiServer {
	s := &apiServer{refresh: secretRefresh0}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// An https API that redirects to plain http: refused, nothing is sent there.
func TestRedTeamDowngradeRedirect(t *testing.T) {
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			plain := newSink(t, v.okGet)
			srv := newTLSAPIServer(t)
			srv.handle(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, plain.URL+r.URL.Path, http.StatusFound)
			})
			c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 1, hc: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			err = c.get(context.Background())
			if !errors.Is(err, pipeline.ErrInsecureRedirect) {
				t.Errorf("err = %v, want ErrInsecureRedirect", err)
			}
			if n := plain.hits.Load(); n != 0 {
				t.Errorf("%d requests went over plain http", n)
			}
		})
	}
}

// A token endpoint that redirects with 307 (which re-sends the form, secrets
// included) to another origin, or from https to http: not followed.
func TestRedTeamTokenEndpointRedirect(t *testing.T) {
	other := newSink(t, `{"access_token":"x"}`)
	form := url.Values{"grant_type": {"password"}, "password": {secretPassword}}
	cases := []struct {
		name string
		srv  *httptest.Server
		want error
	}{
		{"cross-origin", httptest.NewServer(nil), auth.ErrForeignHost},
		{"https-to-http", httptest.NewTLSServer(nil), auth.ErrInsecureRedirect},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, otherName(other.URL)+"/token", http.StatusTemporaryRedirect)
			})
			defer c.srv.Close()
			before := other.hits.Load()
			_, err := auth.RequestToken(context.Background(), c.srv.Client(), oauth2.Endpoint{TokenURL: c.srv.URL + "/token"},
				testClientID, secretClient, form)
			if !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
			if other.hits.Load() != before {
				t.Errorf("the redirect was followed: the form and its secrets went to the other host")
			}
			assertNoSecrets(t, err, "")
		})
	}
}

var (
	bombOnce sync.Once
	bomb     []byte
)

// gzipBomb is a valid JSON array of 80 MB, gzip-compressed to about 80 KB.
func gzipBomb() []byte {
	bombOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write([]byte("["))
		chunk := bytes.Repeat([]byte("0,"), 1<<20)
		for range 40 {
			_, _ = zw.Write(chunk)
		}
		_, _ = zw.Write([]byte("0]"))
		_ = zw.Close()
		bomb = buf.Bytes()
	})
	return bomb
}

// 2xx bodies: a gzip bomb and a body that never ends stop at the JSON bound;
// a trickling body stops at the caller's deadline; JSON nested 100k deep is
// an error, not a crash.
func TestRedTeamHostileBodies(t *testing.T) {
	rows := []struct {
		name     string
		handler  http.HandlerFunc
		deadline time.Duration
		want     func(error) bool
	}{
		{"gzip-bomb", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gzipBomb())
		}, 0, func(err error) bool { var tl *pipeline.BodyTooLargeError; return errors.As(err, &tl) }},
		{"endless", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "[")
			chunk := []byte(strings.Repeat("0,", 32<<10))
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, 0, func(err error) bool { var tl *pipeline.BodyTooLargeError; return errors.As(err, &tl) }},
		{"trickle", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "[")
			for r.Context().Err() == nil {
				_, _ = io.WriteString(w, "0,")
				w.(http.Flusher).Flush()
				time.Sleep(20 * time.Millisecond)
			}
		}, 300 * time.Millisecond, anyError}, // ended by the deadline (checked below), as ctx or a closed connection
		{"nested-100k", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000))
		}, 0, anyError},
	}
	for _, row := range rows {
		for _, v := range vendors() {
			t.Run(row.name+"/"+v.name, func(t *testing.T) {
				srv := newAPIServer(t)
				srv.handle(row.handler)
				c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 1})
				if err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				if row.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, row.deadline)
					defer cancel()
				}
				start := time.Now()
				err = c.get(ctx)
				if err == nil || !row.want(err) {
					t.Errorf("err = %v (%T)", err, err)
				}
				// Not a performance target: only "the deadline ended it" for the
				// rows that set one, with slack for -race on a loaded 2-core
				// machine (the gzip bomb alone inflates 64 MiB). A row without a
				// deadline that hangs is caught by go test's own -timeout.
				if d := time.Since(start); row.deadline > 0 && d > row.deadline+10*time.Second {
					t.Errorf("took %v, deadline %v", d, row.deadline)
				}
			})
		}
	}
}

// anyError accepts every error: the row asks for a failed call, not a crash
// or a hang (encoding/json stops at 10,000 levels).
func anyError(err error) bool { return err != nil }

// Retry-After of 10^12 seconds, negative or garbage: never a long sleep; a
// huge one returns the 429 at once, the others fall back to backoff.
func TestRedTeamRetryAfter(t *testing.T) {
	for _, ra := range []string{"1000000000000", "-5", "soon", "Thu, 01 Jan 2300 00:00:00 GMT"} {
		for _, v := range vendors() {
			t.Run(ra+"/"+v.name, func(t *testing.T) {
				srv := newAPIServer(t)
				srv.handle(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", ra)
					w.WriteHeader(http.StatusTooManyRequests)
				})
				c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 3, maxWait: 50 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				err = c.get(context.Background())
				if !errors.Is(err, v.errTooMany) {
					t.Errorf("err = %v, want %v", err, v.errTooMany)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("a hostile Retry-After made the call wait %v", d)
				}
			})
		}
	}
}

// Every call has a total wait budget: Retry-After 25 s under a 30 s cap is
// honoured twice (50 s), not a third time (75 s > the 60 s budget).
func TestRedTeamRetryBudget(t *testing.T) {
	var slept []time.Duration
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "25")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	hc := pipeline.NewClient(pipeline.Config{Retry: pipeline.Retry{MaxAttempts: 10,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}})
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(slept) != 2 || calls.Load() != 3 {
		t.Errorf("slept %v over %d calls, want 2 waits of 25s and 3 calls", slept, calls.Load())
	}
}

// Path parameters stay in their segment whatever they hold.
func TestRedTeamPathParameters(t *testing.T) {
	// "." and ".." alone are sent as %2E and %2E%2E (issue 20's request
	// builders): never resolved as dot segments, by us or a server.
	ids := []string{".", "..", "../../admin", "a%2Fb", "a/b", "x?y=1", "x#frag", "a b", "ünïcode", "%00", "..%2F", "./x"}
	var mu sync.Mutex
	var seen []string
	srv := newAPIServer(t)
	srv.handle(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.URL.EscapedPath())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{}`)
	})
	ctx := context.Background()
	bq, err := bqecore.New(ctx, bqecore.WithBaseURL(srv.URL+"/api"), bqecore.WithRetry(1, 0),
		bqecore.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})))
	if err != nil {
		t.Fatal(err)
	}
	bo, err := bouquet.New(ctx, bouquet.WithBaseURL(srv.URL), bouquet.WithRetry(1, 0),
		bouquet.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		mu.Lock()
		seen = nil
		mu.Unlock()
		_, _ = bq.GetActivityWithResponse(ctx, id, nil)
		_, _ = bo.GetProjectWithResponse(ctx, id, nil)
		mu.Lock()
		got := append([]string(nil), seen...)
		mu.Unlock()
		want := []string{"/api/activity/", "/rs/projects/"}
		if len(got) != 2 {
			t.Errorf("id %q: %d requests, want 2", id, len(got))
			continue
		}
		for i, p := range got {
			rest, ok := strings.CutPrefix(p, want[i])
			if !ok || strings.Contains(rest, "/") {
				t.Errorf("id %q left its segment: %s", id, p)
				continue
			}
			if dec, err := url.PathUnescape(rest); err != nil || dec != id {
				t.Errorf("id %q arrived as %q", id, dec)
			}
		}
	}
}

// FileStore against a hostile directory: a symlink at the token or lock
// path is never followed, a group/world-readable file is repaired to 0600,
// a truncated file is a typed error.
func TestRedTeamFileStore(t *testing.T) {
	ctx := context.Background()
	tok := &oauth2.Token{AccessToken: secretAccess0, RefreshToken: secretRefresh0, Expiry: time.Now().Add(time.Hour)}
	t.Run("symlink-at-token", func(t *testing.T) {
		dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "victim")
		if err := os.WriteFile(outside, []byte(`{"access_token":"planted"}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(dir, "k.json")); err != nil {
			t.Fatal(err)
		}
		st := auth.FileStore(dir)
		if _, err := st.Load(ctx, "k"); !errors.Is(err, auth.ErrUnsafeTokenFile) {
			t.Errorf("Load through a symlink: %v, want ErrUnsafeTokenFile", err)
		}
		if err := st.Save(ctx, "k", tok); !errors.Is(err, auth.ErrUnsafeTokenFile) {
			t.Errorf("Save over a symlink: %v, want ErrUnsafeTokenFile", err)
		}
		if b, _ := os.ReadFile(outside); strings.Contains(string(b), secretMark) {
			t.Error("the token was written through the symlink")
		}
	})
	t.Run("symlink-at-lock", func(t *testing.T) {
		dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "created-elsewhere")
		if err := os.Symlink(outside, filepath.Join(dir, "k.lock")); err != nil {
			t.Fatal(err)
		}
		if _, err := auth.FileStore(dir).Lock(ctx, "k"); !errors.Is(err, auth.ErrUnsafeTokenFile) {
			t.Errorf("Lock through a symlink: %v, want ErrUnsafeTokenFile", err)
		}
		if _, err := os.Lstat(outside); err == nil {
			t.Error("the lock followed the symlink and created a file outside the store")
		}
	})
	t.Run("world-readable", func(t *testing.T) {
		dir := t.TempDir()
		st := auth.FileStore(dir)
		if err := st.Save(ctx, "k", tok); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "k.json")
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Load(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode after Load = %v, want 0600", fi.Mode().Perm())
		}
	})
	t.Run("truncated", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "k.json"), []byte(`{"access_token":"AT-s3cr`), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := auth.FileStore(dir).Load(ctx, "k")
		if !errors.Is(err, auth.ErrCorruptToken) {
			t.Errorf("Load of a truncated file: %v, want ErrCorruptToken", err)
		}
		// A fresh login replaces the corrupt record.
		src, err := auth.NewSourceContext(ctx, nil, auth.WithToken(tok), auth.WithStore(auth.FileStore(dir), "k"))
		if err != nil || src == nil {
			t.Fatalf("login over a corrupt record: %v", err)
		}
		if got, err := auth.FileStore(dir).Load(ctx, "k"); err != nil || got.AccessToken != secretAccess0 {
			t.Errorf("after the login: %v", err)
		}
	})
}

// Printing errors, tokens sources and clients with %v, %+v and %#v shows no
// secret.
func TestRedTeamPrinting(t *testing.T) {
	srv := newAPIServer(t)
	srv.handle(func(w http.ResponseWriter, r *http.Request) {
		// A server that echoes the credentials it got into its error answer.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"error":"bad","detail":%q,"Message":%q}`, r.Header.Get("Authorization")+r.URL.RawQuery, r.URL.RawQuery)
	})
	for _, v := range vendors() {
		t.Run(v.name, func(t *testing.T) {
			c, err := v.build(context.Background(), clientEnv{base: srv.URL, attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			err = c.get(context.Background())
			if err == nil {
				t.Fatal("want an error")
			}
			for _, f := range []string{"%v", "%+v", "%#v", "%s"} {
				if s := fmt.Sprintf(f, err); strings.Contains(s, secretMark) {
					t.Errorf("secret in the error (%s): %.300s", f, s)
				}
			}
		})
	}
	src := auth.NewSource(nil, auth.WithToken(&oauth2.Token{AccessToken: secretAccess0, RefreshToken: secretRefresh0}))
	for _, f := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(f, src); strings.Contains(s, secretMark) {
			t.Errorf("secret in an auth.Source (%s): %.300s", f, s)
		}
	}
}
