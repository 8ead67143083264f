package replay

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

const (
	apiHost      = "api.example-vendor.test"
	idHost       = "id.example-vendor.test"
	clientSecret = "client-secret-0123456789"
	userPassword = "hunter2-password-42"
)

// flowResult is what a client observes from runFlow.
type flowResult struct {
	Code     string
	Access   string
	TokenID  string
	Counters []float64
	Self     string
	ItemID   string
	Statuses []int
}

// runFlow drives an authorization-code flow, repeated identical requests, a Bouquet-style
// token and a JSON post through client. state, verifier and nonce change on every run.
func runFlow(t *testing.T, client *http.Client, state, verifier, nonce string, reorder bool) flowResult {
	t.Helper()
	var res flowResult
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	do := func(c *http.Client, req *http.Request) (*http.Response, []byte) {
		t.Helper()
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		res.Statuses = append(res.Statuses, resp.StatusCode)
		return resp, b
	}
	newReq := func(method, u string, body io.Reader) *http.Request {
		t.Helper()
		req, err := http.NewRequest(method, u, body)
		if err != nil {
			t.Fatal(err)
		}
		return req
	}

	// 1. authorize: a redirect whose Location carries the code and state.
	q := url.Values{"client_id": {"c1"}, "state": {state}, "code_challenge": {verifier + "-challenge"},
		"redirect_uri": {"https://app.example.test/cb"}, "response_type": {"code"}}
	resp, _ := do(&noRedirect, newReq("GET", "https://"+idHost+"/authorize?"+q.Encode(), nil))
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	res.Code = loc.Query().Get("code")

	// 2. code exchange (form body with secrets).
	form := url.Values{"grant_type": {"authorization_code"}, "code": {res.Code}, "client_secret": {clientSecret},
		"code_verifier": {verifier}, "redirect_uri": {"https://app.example.test/cb"}}
	req := newReq("POST", "https://"+idHost+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, body := do(client, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatalf("token answer: %v", err)
	}
	res.Access = tok.AccessToken

	// 3. the same request twice, different answers; then the token in the query.
	counter := func(u string) {
		req := newReq("GET", u, nil)
		req.Header.Set("Authorization", "Bearer "+res.Access)
		_, b := do(client, req)
		var c struct {
			N    float64 `json:"n"`
			Self string  `json:"self"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("counter answer: %v", err)
		}
		res.Counters = append(res.Counters, c.N)
		res.Self = c.Self
	}
	counter("https://" + apiHost + "/v1/counter")
	counter("https://" + apiHost + "/v1/counter")
	counter("https://" + apiHost + "/v1/counter?access_token=" + url.QueryEscape(res.Access))

	// 4. Bouquet-shaped token, then its id in a URL path.
	bq := url.Values{"customerId": {"cust"}, "client_id": {"c1"}, "login": {"bob"}, "password": {userPassword}}
	req = newReq("POST", "https://"+apiHost+"/rs/token", strings.NewReader(bq.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, body = do(client, req)
	var at struct {
		ID struct {
			TokenID string `json:"tokenId"`
		} `json:"id"`
	}
	if err := json.Unmarshal(body, &at); err != nil {
		t.Fatalf("bouquet token: %v", err)
	}
	res.TokenID = at.ID.TokenID
	do(client, newReq("DELETE", "https://"+apiHost+"/rs/token/"+res.TokenID, nil))

	// 5. a JSON body; key order differs between runs.
	js := `{"name":"widget","nonce":"` + nonce + `","password":"` + userPassword + `","size":2}`
	if reorder {
		js = `{"size":2, "password":"` + userPassword + `", "nonce":"` + nonce + `", "name":"widget"}`
	}
	req = newReq("POST", "https://"+apiHost+"/v1/items", strings.NewReader(js))
	req.Header.Set("Content-Type", "application/json")
	_, body = do(client, req)
	var item struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &item); err != nil {
		t.Fatalf("item: %v", err)
	}
	res.ItemID = item.ID
	return res
}

func TestRecordAgainstFakeThenReplay(t *testing.T) {
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "1")
	t.Setenv("EXAMPLE_VENDOR_SECRET", "") // credentials absent: record against the fake
	vf := &vendorFake{t: t}
	srv := httptest.NewServer(vf)
	name := filepath.Join(t.TempDir(), "testdata", "cassettes", "flow")
	opts := []Option{
		WithFake(srv.URL, apiHost, idHost),
		WithCredentialsEnv("EXAMPLE_VENDOR_ID", "EXAMPLE_VENDOR_SECRET"),
	}

	var recorded flowResult
	t.Run("record", func(t *testing.T) {
		client := New(t, name, opts...)
		recorded = runFlow(t, client, "state-"+randHex(t, 8), "verifier-"+randHex(t, 16), "nonce-"+randHex(t, 8), false)
	})
	if t.Failed() {
		t.FailNow()
	}
	if recorded.ItemID != "item-1" || len(recorded.Counters) != 3 || recorded.Counters[1] != 2 {
		t.Fatalf("recording did not reach the fake: %+v", recorded)
	}
	for _, h := range vf.hosts {
		if h != apiHost && h != idHost {
			t.Errorf("fake saw Host %q, want a production host", h)
		}
	}

	raw, err := os.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatalf("cassette not saved: %v", err)
	}
	text := string(raw)
	if !strings.Contains(text, "https://"+apiHost+"/v1/counter") || !strings.Contains(text, "https://"+idHost+"/oauth/token") {
		t.Error("cassette does not hold the production URLs")
	}
	if u, _ := url.Parse(srv.URL); strings.Contains(text, u.Host) {
		t.Error("cassette holds the fake's address")
	}
	leaks := append(vf.allSecrets(), clientSecret, userPassword)
	for _, s := range leaks {
		if strings.Contains(text, s) {
			t.Errorf("cassette holds a secret of length %d (prefix %.4s…)", len(s), s)
		}
	}
	for _, want := range []string{"REDACTED-access_token", "REDACTED-client_secret", "REDACTED-tokenId",
		"/rs/token/REDACTED-tokenId", "Bearer REDACTED-authorization", "REDACTED-set-cookie", "REDACTED-id_token"} {
		if !strings.Contains(text, want) {
			t.Errorf("cassette lacks placeholder %q", want)
		}
	}
	if !strings.Contains(text, "state-") {
		t.Error("state in a request URL should be kept (it is random, not secret)")
	}
	findings, err := ScanCassette(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("scanner: %s", f)
	}

	// Replay with the fake gone and recording off; random values and JSON key order differ.
	srv.Close()
	hits := vf.hitCount()
	t.Setenv(EnvRecord, "")
	t.Run("replay", func(t *testing.T) {
		client := New(t, name, opts...)
		got := runFlow(t, client, "state-"+randHex(t, 8), "verifier-"+randHex(t, 16), "nonce-"+randHex(t, 8), true)
		if got.Code != "REDACTED-code" || got.Access != "REDACTED-access_token" || got.TokenID != "REDACTED-tokenId" {
			t.Errorf("replayed secrets: code %q access %q tokenId %q", got.Code, got.Access, got.TokenID)
		}
		if len(got.Counters) != 3 || got.Counters[0] != 1 || got.Counters[1] != 2 || got.Counters[2] != 3 {
			t.Errorf("repeated requests replayed out of order: %v", got.Counters)
		}
		if got.Self != "https://"+apiHost+"/v1/counter" {
			t.Errorf("self link %q, want the production URL", got.Self)
		}
		if !reflect.DeepEqual(got.Statuses, recorded.Statuses) {
			t.Errorf("statuses: replay %v, record %v", got.Statuses, recorded.Statuses)
		}
		if got.ItemID != "item-1" {
			t.Errorf("item id %q", got.ItemID)
		}
	})
	if vf.hitCount() != hits {
		t.Error("replay reached the fake")
	}
}

// writeCassette records one GET against a throwaway fake and returns the cassette name.
func writeCassette(t *testing.T) string {
	t.Helper()
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "1")
	vf := &vendorFake{t: t}
	srv := httptest.NewServer(vf)
	defer srv.Close()
	name := filepath.Join(t.TempDir(), "one")
	t.Run("record", func(t *testing.T) {
		client := New(t, name, WithFake(srv.URL, apiHost))
		req, _ := http.NewRequest("GET", "https://"+apiHost+"/v1/counter", nil)
		req.Header.Set("Authorization", "Bearer abc")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	t.Setenv(EnvRecord, "")
	return name
}

func TestUnmatchedRequestFails(t *testing.T) {
	name := writeCassette(t)
	// A live server the replayer must not reach.
	live := &vendorFake{t: t}
	srv := httptest.NewServer(live)
	defer srv.Close()

	ft := &fakeTB{TB: t}
	var err error
	ok := ft.run(func() {
		client := New(ft, name)
		var resp *http.Response
		resp, err = client.Get(srv.URL + "/v1/other")
		if resp != nil {
			resp.Body.Close()
		}
	})
	ft.finish()
	if !ok {
		t.Fatalf("New stopped the test: %s", ft.joined(&ft.fatals))
	}
	if err == nil {
		t.Fatal("unmatched request succeeded")
	}
	if !errors.Is(err, cassette.ErrInteractionNotFound) {
		t.Errorf("error %v does not wrap cassette.ErrInteractionNotFound", err)
	}
	if msg := ft.joined(&ft.errs); !strings.Contains(msg, "no unused interaction") || !strings.Contains(msg, "/v1/other") {
		t.Errorf("test not failed with a clear message: %q", msg)
	}
	if live.hitCount() != 0 {
		t.Error("replay mode reached the network")
	}

	// The recorded request matches once; a second identical request has nothing left.
	ft2 := &fakeTB{TB: t}
	ft2.run(func() {
		client := New(ft2, name)
		for i := 0; i < 2; i++ {
			resp, err := client.Get("https://" + apiHost + "/v1/counter")
			if err == nil {
				resp.Body.Close()
			}
			if (err == nil) != (i == 0) {
				t.Errorf("request %d: err %v", i, err)
			}
		}
	})
	ft2.finish()
	if !strings.Contains(ft2.joined(&ft2.errs), "no unused interaction") {
		t.Error("reusing an interaction did not fail the test")
	}
}

func TestMissingCassetteFailsInReplay(t *testing.T) {
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "")
	ft := &fakeTB{TB: t}
	name := filepath.Join(t.TempDir(), "testdata", "cassettes", "absent")
	ok := ft.run(func() { New(ft, name) })
	ft.finish()
	if ok {
		t.Fatal("New returned for a missing cassette")
	}
	msg := ft.joined(&ft.fatals)
	for _, want := range []string{"absent.yaml not found", "OASUITE_RECORD=1"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestCIForcesReplay(t *testing.T) {
	t.Setenv(EnvCI, "1")
	t.Setenv(EnvRecord, "1")
	t.Setenv("EXAMPLE_VENDOR_ID", "id")
	vf := &vendorFake{t: t}
	srv := httptest.NewServer(vf)
	defer srv.Close()
	ft := &fakeTB{TB: t}
	name := filepath.Join(t.TempDir(), "ci")
	ok := ft.run(func() {
		New(ft, name, WithFake(srv.URL, apiHost), WithCredentialsEnv("EXAMPLE_VENDOR_ID"))
	})
	ft.finish()
	if ok || !strings.Contains(ft.joined(&ft.fatals), "not found") {
		t.Errorf("CI=1 with OASUITE_RECORD=1 did not replay (fatals %q)", ft.joined(&ft.fatals))
	}
	if _, err := os.Stat(name + ".yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Error("a cassette was written under CI")
	}
}

func TestRecordSkipsWithoutFakeOrCredentials(t *testing.T) {
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "1")
	t.Setenv("EXAMPLE_VENDOR_ID", "")
	ft := &fakeTB{TB: t}
	ok := ft.run(func() { New(ft, filepath.Join(t.TempDir(), "x"), WithCredentialsEnv("EXAMPLE_VENDOR_ID")) })
	ft.finish()
	if ok || !strings.Contains(ft.joined(&ft.skips), "EXAMPLE_VENDOR_ID") {
		t.Errorf("want a skip naming the credentials, got skips %q fatals %q", ft.joined(&ft.skips), ft.joined(&ft.fatals))
	}
}

// With credentials set, recording goes to the URL as given (the real vendor), not to the fake.
// The "real vendor" here is a loopback server.
func TestRecordWithCredentialsUsesRealTransport(t *testing.T) {
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "1")
	t.Setenv("EXAMPLE_VENDOR_ID", "id")
	fake, real := &vendorFake{t: t}, &vendorFake{t: t}
	fsrv, rsrv := httptest.NewServer(fake), httptest.NewServer(real)
	defer fsrv.Close()
	defer rsrv.Close()
	name := filepath.Join(t.TempDir(), "real")
	t.Run("record", func(t *testing.T) {
		client := New(t, name, WithFake(fsrv.URL, apiHost), WithCredentialsEnv("EXAMPLE_VENDOR_ID"))
		req, _ := http.NewRequest("GET", rsrv.URL+"/v1/counter", nil)
		req.Header.Set("Authorization", "Bearer real-token-1234567890")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	})
	if real.hitCount() != 1 || fake.hitCount() != 0 {
		t.Errorf("hits: real %d fake %d", real.hitCount(), fake.hitCount())
	}
	raw, err := os.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "real-token-1234567890") {
		t.Error("bearer token saved")
	}
}

func TestRecordDiscardedWhenTestFails(t *testing.T) {
	t.Setenv(EnvCI, "")
	t.Setenv(EnvRecord, "1")
	vf := &vendorFake{t: t}
	srv := httptest.NewServer(vf)
	defer srv.Close()
	name := filepath.Join(t.TempDir(), "failed")
	if err := os.WriteFile(name+".yaml", []byte("---\nversion: 1\ninteractions: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ft := &fakeTB{TB: t}
	ft.run(func() {
		client := New(ft, name, WithFake(srv.URL, apiHost))
		resp, err := client.Get("https://" + apiHost + "/v1/counter")
		if err == nil {
			resp.Body.Close()
		}
		ft.Errorf("the test fails")
	})
	ft.finish()
	raw, err := os.ReadFile(name + ".yaml")
	if err != nil || strings.Contains(string(raw), "/v1/counter") {
		t.Errorf("failed recording replaced the cassette (err %v)", err)
	}
	if _, err := os.Stat(name + recordingSuffix + ".yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Error("scratch cassette left behind")
	}
}

func TestFakeTransportRefusesOtherHosts(t *testing.T) {
	ft, err := newFakeTransport("http://127.0.0.1:1", []string{apiHost})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://elsewhere.example/x", nil)
	if _, err := ft.RoundTrip(req); !errors.Is(err, ErrNotRoutedToFake) {
		t.Errorf("err = %v, want ErrNotRoutedToFake", err)
	}
	for _, bad := range []string{"", "not a url", "ftp://x", "/relative"} {
		if _, err := newFakeTransport(bad, []string{apiHost}); err == nil {
			t.Errorf("fake URL %q accepted", bad)
		}
	}
	if _, err := newFakeTransport("http://127.0.0.1:1", nil); err == nil {
		t.Error("no production hosts accepted")
	}
}

func TestFakeTransportPathPrefix(t *testing.T) {
	var gotPath, gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotHost = r.URL.Path, r.Host
	}))
	defer srv.Close()
	ft, err := newFakeTransport(srv.URL+"/tenant/", []string{"*.example-vendor.test"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://acme.example-vendor.test/v1/x", nil)
	resp, err := ft.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotPath != "/tenant/v1/x" || gotHost != "acme.example-vendor.test" {
		t.Errorf("fake saw path %q host %q", gotPath, gotHost)
	}
	if req.URL.Host != "acme.example-vendor.test" {
		t.Error("the caller's request was modified")
	}
}

func TestHostMatches(t *testing.T) {
	tests := []struct {
		host     string
		patterns []string
		want     bool
	}{
		{"api.x.test", []string{"api.x.test"}, true},
		{"API.X.test:443", []string{"api.x.test"}, true},
		{"api.x.test:8443", []string{"api.x.test:443"}, false},
		{"api.x.test:443", []string{"api.x.test:443"}, true},
		{"a.b.x.test", []string{"*.x.test"}, true},
		{"x.test", []string{"*.x.test"}, false},
		{"evilx.test", []string{"*.x.test"}, false},
		{"api.x.test.evil", []string{"api.x.test"}, false},
	}
	for _, tc := range tests {
		if got := HostMatches(tc.host, tc.patterns); got != tc.want {
			t.Errorf("HostMatches(%q, %v) = %v", tc.host, tc.patterns, got)
		}
	}
}
