package procuriostest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/fakes"
)

func TestAcceptable(t *testing.T) {
	want := "application/vnd.procurios.meeting2+json; version=2"
	for accept, ok := range map[string]bool{
		"application/vnd.procurios.meeting2+json; version=2":           true,
		"text/html, application/vnd.procurios.meeting2+json;version=2": true,
		"application/vnd.procurios.meeting2+json; version=1":           false,
		"application/vnd.procurios.meeting2+json":                      false,
		"application/json": false,
		"":                 false,
	} {
		if got := acceptable(accept, want); got != ok {
			t.Errorf("acceptable(%q) = %v", accept, got)
		}
	}
}

func postToken(t *testing.T, s *Server, form url.Values) int {
	t.Helper()
	rsp, err := http.PostForm(s.BaseURL()+"/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	rsp.Body.Close()
	return rsp.StatusCode
}

func TestTokenEndpointSpellingAndScopes(t *testing.T) {
	std := NewServer()
	defer std.Close()
	base := url.Values{"client_id": {TestClientID}, "client_secret": {TestClientSecret}}
	form := func(kv ...string) url.Values {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	if c := postToken(t, std, form("grant_type", "client_credentials", "scope", "meeting2/read profile/registration/7")); c != 200 {
		t.Fatalf("client credentials: %d", c)
	}
	if c := postToken(t, std, form("grant_type", "client_credentials", "scope", "nonsense")); c != 400 {
		t.Fatalf("unknown scope: %d", c)
	}
	if c := postToken(t, std, form("grant_type", "code", "code", "x")); c != 400 {
		t.Fatalf("legacy grant on a standard host: %d", c)
	}
	legacy := NewServer(WithLegacyOAuth())
	defer legacy.Close()
	if c := postToken(t, legacy, form("grant_type", "authorization_code", "code", "x")); c != 400 {
		t.Fatalf("standard grant on a legacy host: %d", c)
	}
	if legacy.TokensIssued("client_credentials") != 0 || std.TokensIssued("client_credentials") != 1 {
		t.Fatal("token counters")
	}
}

func TestFaultsAndAuth(t *testing.T) {
	s := NewServer()
	defer s.Close()
	get := func(tok string) *http.Response {
		req, _ := http.NewRequest("GET", s.BaseURL()+"/meeting2_api/meetings", nil)
		req.Header.Set("Accept", "application/vnd.procurios.meeting2+json; version=2")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rsp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		rsp.Body.Close()
		return rsp
	}
	if rsp := get(""); rsp.StatusCode != 401 || !strings.Contains(rsp.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Fatalf("no token: %d", rsp.StatusCode)
	}
	s.FailNext("listMeetings", http.StatusTooManyRequests, 3*time.Second, 0)
	if rsp := get("x"); rsp.StatusCode != 429 || rsp.Header.Get("Retry-After") != "3" {
		t.Fatalf("fault: %d %q", rsp.StatusCode, rsp.Header.Get("Retry-After"))
	}
	s.AddFault(fakes.Fault{OperationID: "listMeetings", Delay: 50 * time.Millisecond})
	start := time.Now()
	if rsp := get("x"); rsp.StatusCode != 401 || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("slow: %d after %v", rsp.StatusCode, time.Since(start))
	}
	if _, err := s.Authorize(context.Background(), s.BaseURL()+"/oauth2/authorize?client_id=nobody"); err == nil {
		t.Fatal("authorize for an unknown client succeeded")
	}
}
