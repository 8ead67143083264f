package reliability

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Recognisable secrets. Every one contains secretMark, so one substring
// search proves that none of them leaked into an error or a log line.
const (
	secretMark     = "s3cr3t"
	secretPassword = "PW-s3cr3t-password-7f3a"
	secretClient   = "CS-s3cr3t-client-secret-91bd"
	secretAccess0  = "AT-s3cr3t-access-0000"
	secretRefresh0 = "RT-s3cr3t-refresh-0000"
	testUser       = "ann@example.com"
	testClientID   = "reliability-client"
)

// apiServer is an httptest server that plays both a vendor's token endpoint
// (any POST to a path ending in "/token") and its API (every other path,
// answered by the current handler). It checks credentials the way a real
// server would: the password, the client secret, and the one refresh token
// that is currently valid (refresh tokens rotate).
type apiServer struct {
	*httptest.Server

	mu         sync.Mutex
	api        http.HandlerFunc
	apiCalls   int
	tokenCalls int
	seq        int
	refresh    string // the refresh token that currently works
	tokenFail  func(w http.ResponseWriter) bool
}

func newAPIServer(t *testing.T) *apiServer {
	s := &apiServer{refresh: secretRefresh0}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// handle sets the API handler.
func (s *apiServer) handle(h http.HandlerFunc) {
	s.mu.Lock()
	s.api = h
	s.mu.Unlock()
}

func (s *apiServer) counts() (api, token int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiCalls, s.tokenCalls
}

func (s *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(strings.TrimSuffix(r.URL.Path, "/"), "/token") {
		s.token(w, r)
		return
	}
	s.mu.Lock()
	s.apiCalls++
	h := s.api
	s.mu.Unlock()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (s *apiServer) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenCalls++
	if s.tokenFail != nil && s.tokenFail(w) {
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	switch r.PostForm.Get("grant_type") {
	case "password":
		if r.PostForm.Get("password") != secretPassword {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	case "client_credentials":
		if id != testClientID || secret != secretClient {
			oauthError(w, http.StatusUnauthorized, "invalid_client")
			return
		}
	case "refresh_token":
		if id != testClientID || secret != secretClient {
			oauthError(w, http.StatusUnauthorized, "invalid_client")
			return
		}
		if r.PostForm.Get("refresh_token") != s.refresh {
			oauthError(w, http.StatusBadRequest, "invalid_grant")
			return
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	s.seq++
	s.refresh = fmt.Sprintf("RT-s3cr3t-refresh-%04d", s.seq)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token":  fmt.Sprintf("AT-s3cr3t-access-%04d", s.seq),
		"refresh_token": s.refresh,
		"token_type":    "Bearer",
		"expires_in":    3600,
	})
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":%q,"error_description":"refused"}`, code)
}

// safeBuffer is an io.Writer for a slog handler shared by goroutines.
type safeBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
