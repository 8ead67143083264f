package bouquettest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/fakes"
)

func login(t *testing.T, f *bouquettest.Server) map[string]any {
	t.Helper()
	resp, err := http.PostForm(f.BaseURL()+"/rs/auth-token", url.Values{"customerId": {bouquettest.TestCustomerID},
		"client_id": {bouquettest.TestClientID}, "redirect_uri": {bouquettest.TestRedirectURI},
		"login": {bouquettest.TestLogin}, "password": {bouquettest.TestPassword}})
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, resp, http.StatusOK)
}

func decode(t *testing.T, resp *http.Response, want int) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, want, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return m
}

func TestAccessTokenShapeAndTokenPlaces(t *testing.T) {
	f := bouquettest.NewServer(bouquettest.WithTokenTTL(time.Hour))
	defer f.Close()
	at := login(t, f)
	id, _ := at["id"].(map[string]any)
	tok, _ := id["tokenId"].(string)
	if tok == "" || at["access_token"] != tok || at["objectType"] != "AccessToken" || at["clientId"] != bouquettest.TestClientID {
		t.Fatalf("AccessToken = %v", at)
	}
	if exp, _ := at["expirationDateMillis"].(float64); time.UnixMilli(int64(exp)).Before(time.Now().Add(59 * time.Minute)) {
		t.Errorf("expirationDateMillis = %v", exp)
	}
	// The three places ServiceUtils.getToken reads.
	for name, mod := range map[string]func(*http.Request){
		"header": func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
		"query":  func(r *http.Request) { r.URL.RawQuery = "access_token=" + url.QueryEscape(tok) },
		"cookie": func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "squidapitoken", Value: tok}) },
	} {
		req, _ := http.NewRequest("GET", f.BaseURL()+"/rs/user", nil)
		mod(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if u := decode(t, resp, http.StatusOK); u["login"] != bouquettest.TestLogin {
			t.Errorf("%s: user %v", name, u)
		}
	}
	// No token: 401 InvalidTokenAPIException with login URLs.
	resp, _ := http.Get(f.BaseURL() + "/rs/projects")
	e := decode(t, resp, http.StatusUnauthorized)
	if e["type"] != "InvalidTokenAPIException" || e["code"] != float64(401) || !strings.HasSuffix(e["loginURL"].(string), "/oauth") || e["selfLoginURL"] == nil {
		t.Errorf("401 body = %v", e)
	}
}

func TestSpecValidationAndErrors(t *testing.T) {
	f := bouquettest.NewServer()
	defer f.Close()
	at := login(t, f)
	tok := at["access_token"].(string)
	do := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, f.BaseURL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if e := decode(t, do("POST", "/rs/projects", `{"name": 42}`), http.StatusBadRequest); e["type"] != "BadRequestAPIException" {
		t.Errorf("bad body: %v", e)
	}
	if e := decode(t, do("GET", "/rs/no-such-thing", ""), http.StatusNotFound); e["type"] != "ObjectNotFoundAPIException" {
		t.Errorf("unknown path: %v", e)
	}
	if e := decode(t, do("GET", "/rs/projects/p9", ""), http.StatusNotFound); e["type"] != "ObjectNotFoundAPIException" || e["error"] != "Project not found" {
		t.Errorf("missing project: %v", e)
	}
	// Wrong customer, wrong password.
	resp, _ := http.PostForm(f.BaseURL()+"/rs/auth-token", url.Values{"customerId": {"other"}, "client_id": {bouquettest.TestClientID},
		"redirect_uri": {bouquettest.TestRedirectURI}, "login": {bouquettest.TestLogin}, "password": {bouquettest.TestPassword}})
	decode(t, resp, http.StatusNotFound)
	// Faults apply before everything.
	f.AddFault(fakes.Fault{Path: bouquettest.BasePath + "/rs/status", Status: 503})
	resp, _ = http.Get(f.BaseURL() + "/rs/status")
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("fault: %d", resp.StatusCode)
	}
	if e := decode(t, mustGet(t, f.BaseURL()+"/rs/status"), http.StatusOK); e["bouquet-server"] == nil {
		t.Errorf("status = %v", e)
	}
}

func mustGet(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestComputingInProgressShape(t *testing.T) {
	f := bouquettest.NewServer(bouquettest.WithRetryAfter(1500 * time.Millisecond))
	defer f.Close()
	tok := login(t, f)["access_token"].(string)
	do := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, f.BaseURL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	decode(t, do("POST", "/rs/projects", `{"name":"P"}`), 200)
	job := decode(t, do("POST", "/rs/projects/p1/analysisjobs", `{}`), 200)
	if job["status"] != "PENDING" {
		t.Fatalf("new job = %v", job)
	}
	resp := do("GET", "/rs/projects/p1/analysisjobs/job1/results", "")
	if resp.Header.Get("Retry-After") != "2" {
		t.Errorf("Retry-After = %q, want 2 (seconds, rounded up)", resp.Header.Get("Retry-After"))
	}
	if e := decode(t, resp, http.StatusOK); e["type"] != "ComputingInProgressAPIException" || e["apiError"] != "COMPUTING_IN_PROGRESS" || e["queryID"] != "job1" {
		t.Errorf("computing body = %v", e)
	}
	if j := decode(t, do("GET", "/rs/projects/p1/analysisjobs/job1", ""), 200); j["status"] != "DONE" {
		t.Errorf("after two reads: %v", j["status"])
	}
	dt := decode(t, do("GET", "/rs/projects/p1/analysisjobs/job1/results?maxResults=4", ""), 200)
	if rows := dt["rows"].([]any); len(rows) != 4 || dt["totalSize"] != float64(25) {
		t.Errorf("results: %d rows, total %v", len(rows), dt["totalSize"])
	}
}
