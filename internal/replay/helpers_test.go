package replay

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// fakeTB stands in for *testing.T where a test must observe New failing or skipping.
// Fatal and Skip end the calling goroutine with runtime.Goexit, as the testing package does.
type fakeTB struct {
	testing.TB // the real test, for Name and TempDir
	mu         sync.Mutex
	errs       []string
	fatals     []string
	skips      []string
	logs       []string
	cleanups   []func()
}

func (f *fakeTB) rec(list *[]string, s string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*list = append(*list, s)
}
func (f *fakeTB) Helper()                           {}
func (f *fakeTB) Errorf(format string, args ...any) { f.rec(&f.errs, fmt.Sprintf(format, args...)) }
func (f *fakeTB) Error(args ...any)                 { f.rec(&f.errs, fmt.Sprint(args...)) }
func (f *fakeTB) Logf(format string, args ...any)   { f.rec(&f.logs, fmt.Sprintf(format, args...)) }
func (f *fakeTB) Log(args ...any)                   { f.rec(&f.logs, fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.rec(&f.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) { f.rec(&f.fatals, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) FailNow()          { f.rec(&f.fatals, "FailNow"); runtime.Goexit() }
func (f *fakeTB) Skipf(format string, args ...any) {
	f.rec(&f.skips, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (f *fakeTB) Skip(args ...any) { f.rec(&f.skips, fmt.Sprint(args...)); runtime.Goexit() }
func (f *fakeTB) SkipNow()         { f.rec(&f.skips, "SkipNow"); runtime.Goexit() }
func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}
func (f *fakeTB) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errs)+len(f.fatals) > 0
}

// finish runs the registered cleanups, last first.
func (f *fakeTB) finish() {
	f.mu.Lock()
	cs := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i]()
	}
}

// run calls fn on its own goroutine and reports whether it returned normally (false when it
// called Fatal or Skip).
func (f *fakeTB) run(fn func()) bool {
	done := make(chan struct{})
	ok := false
	go func() {
		defer close(done)
		fn()
		ok = true
	}()
	<-done
	return ok
}

func (f *fakeTB) joined(list *[]string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(*list, "\n")
}

func randHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// fakeJWT builds a JWT-shaped string (unsigned content; only the shape matters here).
func fakeJWT(t testing.TB) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"`+randHex(t, 8)+`","aud":"client"}`)) + "." +
		enc.EncodeToString([]byte(randHex(t, 32)))
}

// vendorFake is a tiny OAuth-protected API standing in for a vendor fake. It remembers every
// secret it hands out or receives so that the test can look for them in the cassette.
type vendorFake struct {
	t       testing.TB
	mu      sync.Mutex
	secrets []string
	hits    int
	counter int
	hosts   []string
}

func (v *vendorFake) secret(s string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.secrets = append(v.secrets, s)
	return s
}

func (v *vendorFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	v.hits++
	v.hosts = append(v.hosts, r.Host)
	v.mu.Unlock()
	writeJSON := func(code int, body any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/authorize":
		code := v.secret("code-" + randHex(v.t, 12))
		http.Redirect(w, r, "https://app.example.test/cb?code="+code+"&state="+r.URL.Query().Get("state"), http.StatusFound)
	case r.Method == http.MethodPost && r.URL.Path == "/oauth/token":
		if err := r.ParseForm(); err != nil || r.PostForm.Get("code") == "" || r.PostForm.Get("client_secret") == "" {
			writeJSON(http.StatusBadRequest, map[string]string{"error": "invalid_request"})
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: v.secret("sess-" + randHex(v.t, 12))})
		writeJSON(http.StatusOK, map[string]any{
			"access_token":  v.secret("at-" + randHex(v.t, 16)),
			"refresh_token": v.secret("rt-" + randHex(v.t, 16)),
			"id_token":      v.secret(fakeJWT(v.t)),
			"token_type":    "Bearer",
			"expires_in":    3600,
		})
	case r.Method == http.MethodPost && r.URL.Path == "/rs/token":
		writeJSON(http.StatusOK, map[string]any{
			"id":                map[string]string{"tokenId": v.secret("tok-" + randHex(v.t, 16))},
			"refreshToken":      v.secret("rft-" + randHex(v.t, 16)),
			"authorizationCode": v.secret("ac-" + randHex(v.t, 16)),
			"type":              "NORMAL",
			"objectType":        "AccessToken",
		})
	case r.Method == http.MethodDelete && strings.HasPrefix(r.URL.Path, "/rs/token/"):
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/v1/counter":
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			writeJSON(http.StatusUnauthorized, map[string]string{"Message": "Not authenticated"})
			return
		}
		v.mu.Lock()
		v.counter++
		n := v.counter
		v.mu.Unlock()
		writeJSON(http.StatusOK, map[string]any{"n": n, "self": "https://" + r.Host + "/v1/counter"})
	case r.Method == http.MethodPost && r.URL.Path == "/v1/items":
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(http.StatusBadRequest, map[string]string{"Message": "bad json"})
			return
		}
		in["id"] = "item-1"
		writeJSON(http.StatusCreated, in)
	default:
		writeJSON(http.StatusNotFound, map[string]string{"Message": "no route " + r.URL.Path})
	}
}

func (v *vendorFake) allSecrets() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.secrets...)
}

func (v *vendorFake) hitCount() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.hits
}
