package bidcoretest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/fakes"
)

func post(t *testing.T, u, contentType, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func form(user, password, scope string) string {
	return url.Values{"grant_type": {"password"}, "username": {user}, "password": {password}, "scope": {scope}}.Encode()
}

func TestTokenEndpoint(t *testing.T) {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	const formType = "application/x-www-form-urlencoded"

	code, body := post(t, srv.TokenURL(), formType, form(bidcoretest.TestUser, bidcoretest.TestPassword, "service_id=my.bidcore.iponweb.com"))
	if code != 200 || body["token_type"] != "Bearer" || body["scope"] != "my.bidcore.iponweb.com" ||
		body["expires_in"] != float64(3600) || body["access_token"] == "" || body["refresh_token"] != nil {
		t.Fatalf("login: %d %v", code, body)
	}
	// The getting-started page's Python example sends the fields as query parameters of the POST.
	code, _ = post(t, srv.TokenURL()+"?"+form(bidcoretest.TestUser, bidcoretest.TestPassword, "service_id=my.bidcore.iponweb.com"), formType, "")
	if code != 200 {
		t.Fatalf("login with query parameters: %d", code)
	}
	for name, tc := range map[string]struct{ body, errCode string }{
		"wrong password":  {form(bidcoretest.TestUser, "nope", "service_id=my.bidcore.iponweb.com"), "invalid_grant"},
		"unknown user":    {form("mallory@example.com", "x", "service_id=my.bidcore.iponweb.com"), "invalid_grant"},
		"other service":   {form(bidcoretest.TestUser, bidcoretest.TestPassword, "service_id=api.bidswitch.com"), "invalid_scope"},
		"bare host scope": {form(bidcoretest.TestUser, bidcoretest.TestPassword, "my.bidcore.iponweb.com"), "invalid_scope"},
		"no scope":        {url.Values{"grant_type": {"password"}, "username": {bidcoretest.TestUser}, "password": {bidcoretest.TestPassword}}.Encode(), "invalid_scope"},
	} {
		code, body := post(t, srv.TokenURL(), formType, tc.body)
		if code != 400 || body["error"] != tc.errCode {
			t.Errorf("%s: %d %v, want 400 %s", name, code, body, tc.errCode)
		}
	}
	if srv.Logins() != 2 || srv.LoginErrors()["invalid_scope"] != 3 {
		t.Fatalf("logins %d, errors %v", srv.Logins(), srv.LoginErrors())
	}
}

func api(t *testing.T, srv *bidcoretest.Server, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.BaseURL()+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestAPIChecks(t *testing.T) {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	tok := bidcoretest.TestPermanentToken
	cases := []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no token", "GET", "/advertisers/", "", "", 401},
		{"unknown token", "GET", "/advertisers/", "made-up", "", 401},
		{"create", "POST", "/advertisers/", tok, `{"name":"Acme"}`, 201},
		{"unknown field", "POST", "/advertisers/", tok, `{"name":"Acme","colour":"red"}`, 400},
		{"missing required", "POST", "/campaigns/", tok, `{"name":"No parent"}`, 400},
		{"bad enum", "POST", "/campaigns/", tok, `{"advertiser":1,"name":"C","status":"running"}`, 400},
		{"dates reversed", "POST", "/campaigns/", tok, `{"advertiser":1,"name":"C","start_date":"2026-05-01","end_date":"2026-04-01"}`, 400},
		{"unknown path", "GET", "/publishers/", tok, "", 404},
		{"patch", "PATCH", "/advertisers/1/", tok, `{"name":"x"}`, 405},
		{"page size too big", "GET", "/advertisers/?page_size=5000", tok, "", 400},
		{"unknown query parameter", "GET", "/advertisers/1/?expand=all", tok, "", 400},
	}
	for _, tc := range cases {
		code, body := api(t, srv, tc.method, tc.path, tc.token, tc.body)
		if code != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.name, code, body, tc.want)
		}
		if code >= 400 && body == nil {
			t.Errorf("%s: error answer without a JSON body", tc.name)
		}
	}
	if srv.Unauthorized() != 2 {
		t.Errorf("Unauthorized() = %d, want 2", srv.Unauthorized())
	}
}

func TestFaults(t *testing.T) {
	srv := bidcoretest.NewServer()
	defer srv.Close()
	tok := bidcoretest.TestPermanentToken
	srv.FailNext("", 429, 3*time.Second, 2)
	for range 2 {
		req, _ := http.NewRequest("GET", srv.BaseURL()+"/ssps/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
			t.Fatalf("fault: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	if code, _ := api(t, srv, "GET", "/ssps/", tok, ""); code != 200 {
		t.Fatalf("after the faults: %d", code)
	}
	// Faults do not touch the token endpoint unless asked to.
	srv.FailNext("", 500, 0, 1)
	if code, _ := post(t, srv.TokenURL(), "application/x-www-form-urlencoded", form(bidcoretest.TestUser, bidcoretest.TestPassword, "service_id=my.bidcore.iponweb.com")); code != 200 {
		t.Fatalf("token endpoint hit by an API fault: %d", code)
	}
	srv.ClearFaults()
	srv.AddFault(fakes.Fault{OperationID: "deleteSsp", Drop: true})
	req, _ := http.NewRequest("DELETE", srv.BaseURL()+"/ssps/1/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	if srv.FaultsFired() != 3 {
		t.Fatalf("FaultsFired = %d, want 3", srv.FaultsFired())
	}
}

func TestServiceOption(t *testing.T) {
	srv := bidcoretest.NewServer(bidcoretest.WithService("demo.bidcore.iponweb.com"))
	defer srv.Close()
	code, body := post(t, srv.TokenURL(), "application/x-www-form-urlencoded", form(bidcoretest.TestUser, bidcoretest.TestPassword, "service_id=demo.bidcore.iponweb.com"))
	if code != 200 || body["scope"] != "demo.bidcore.iponweb.com" {
		t.Fatalf("%d %v", code, body)
	}
	if srv.Service() != "demo.bidcore.iponweb.com" || len(bidcoretest.Collections()) != 9 {
		t.Fatal("Service or Collections")
	}
}
