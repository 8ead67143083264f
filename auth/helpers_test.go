package auth

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// recorded is one request seen by a fake server.
type recorded struct {
	Method string
	Path   string
	Header http.Header
	Form   url.Values
	Query  url.Values
}

// fakeServer is an httptest server that records requests and answers with a
// handler chosen by the test.
type fakeServer struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	handle func(w http.ResponseWriter, r *http.Request, form url.Values)
}

func newFakeServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, form url.Values)) *fakeServer {
	t.Helper()
	fs := &fakeServer{handle: handle}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		fs.mu.Lock()
		fs.reqs = append(fs.reqs, recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: form, Query: r.URL.Query()})
		fs.mu.Unlock()
		fs.handle(w, r, form)
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) requests() []recorded {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]recorded(nil), fs.reqs...)
}

func (fs *fakeServer) last(t *testing.T) recorded {
	t.Helper()
	r := fs.requests()
	if len(r) == 0 {
		t.Fatal("no request reached the server")
	}
	return r[len(r)-1]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// jsonAnswer answers every request with v.
func jsonAnswer(status int, v any) func(http.ResponseWriter, *http.Request, url.Values) {
	return func(w http.ResponseWriter, _ *http.Request, _ url.Values) { writeJSON(w, status, v) }
}

var (
	b64std = base64.StdEncoding
	b64url = base64.URLEncoding
)
