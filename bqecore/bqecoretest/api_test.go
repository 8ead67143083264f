package bqecoretest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// accessToken logs in to the fake over plain HTTP and returns an access token.
func accessToken(t *testing.T, fake *bqecoretest.Server, scope string) string {
	t.Helper()
	q := url.Values{"client_id": {bqecoretest.TestClientID}, "response_type": {"code"}, "scope": {scope},
		"redirect_uri": {bqecoretest.TestRedirectURL}, "state": {"s"}}
	cb, err := fake.Authorize(context.Background(), fake.IdentityURL()+"/connect/authorize?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Get("code")}, "redirect_uri": {bqecoretest.TestRedirectURL},
		"client_id": {bqecoretest.TestClientID}, "client_secret": {bqecoretest.TestClientSecret}}
	resp, err := http.PostForm(fake.IdentityURL()+"/connect/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return tok.AccessToken
}

type apiResult struct {
	status int
	body   string
}

func do(t *testing.T, fake *bqecoretest.Server, tok, method, path, body string) apiResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, fake.BaseURL()+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{resp.StatusCode, string(b)}
}

func TestListQueryLanguage(t *testing.T) {
	fake := bqecoretest.NewServer()
	defer fake.Close()
	tok := accessToken(t, fake, "readwrite:core")
	names := func(r apiResult) string {
		var recs []map[string]any
		if err := json.Unmarshal([]byte(r.body), &recs); err != nil {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var out []string
		for _, rec := range recs {
			out = append(out, rec["code"].(string))
		}
		return strings.Join(out, ",")
	}
	q := func(v url.Values) string { return "/activity?" + v.Encode() }
	cases := []struct {
		query url.Values
		want  string
	}{
		{url.Values{"orderBy": {"code"}}, "ADM,DES,DRA,PM,SIT"},
		{url.Values{"orderby": {"billRate desc, code"}}, "DES,PM,SIT,DRA,ADM"},
		{url.Values{"where": {"billable = false"}}, "ADM"},
		{url.Values{"where": {"code <> 'DES' AND billRate > 100"}, "orderBy": {"code asc"}}, "PM,SIT"},
		{url.Values{"where": {"name = 'site visit'"}}, "SIT"},
		{url.Values{"where": {"memo = null"}, "orderBy": {"code"}, "page": {"1,2"}}, "DRA,PM"},
		{url.Values{"where": {"billRate <= 95 and billRate >= 95"}}, "DRA"},
		{url.Values{"where": {"billRate < 50"}}, "ADM"},
		{url.Values{"where": {"code != 'X' and isActive = true"}, "orderBy": {"code desc"}, "page": {"0,1"}}, "SIT"},
	}
	for _, tc := range cases {
		if got := names(do(t, fake, tok, "GET", q(tc.query), "")); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.query, got, tc.want)
		}
	}
	r := do(t, fake, tok, "GET", q(url.Values{"fields": {"code,name"}, "page": {"0,1"}, "orderBy": {"code"}}), "")
	if !strings.Contains(r.body, `"name":"Administration"`) || strings.Contains(r.body, "billRate") || !strings.Contains(r.body, `"id"`) {
		t.Errorf("fields projection: %s", r.body)
	}
	for _, bad := range []url.Values{
		{"where": {"name ~ 'x'"}}, {"where": {"billRate = 1.2.3"}}, {"orderBy": {"name sideways"}},
		{"fields": {"COUNT(*)"}}, {"page": {"0,0"}}, {"page": {"x"}},
	} {
		if r := do(t, fake, tok, "GET", q(bad), ""); r.status != 400 || !strings.Contains(r.body, `"Message"`) {
			t.Errorf("%v: %d %s", bad, r.status, r.body)
		}
	}
	if r := do(t, fake, tok, "GET", "/activity?page=9,25", ""); r.status != 204 || r.body != "" {
		t.Errorf("past the end: %d %q", r.status, r.body)
	}
}

func TestRecordRules(t *testing.T) {
	fake := bqecoretest.NewServer(bqecoretest.WithClock(func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }))
	defer fake.Close()
	tok := accessToken(t, fake, "readwrite:core")
	// Server fields in a body are ignored; timestamps follow the clock.
	r := do(t, fake, tok, "POST", "/expense", `{"id":"mine","version":"x","code":"TOLL","description":"Road toll"}`)
	var rec map[string]any
	_ = json.Unmarshal([]byte(r.body), &rec)
	if r.status != 201 || rec["id"] == "mine" || rec["version"] == "x" || rec["createdOn"] != "2026-01-02T03:04:05" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	id, version := rec["id"].(string), rec["version"].(string)
	if r := do(t, fake, tok, "PUT", "/expense/nope", `{"code":"X"}`); r.status != 404 {
		t.Errorf("PUT unknown: %d", r.status)
	}
	if r := do(t, fake, tok, "POST", "/expense", `{"code":`); r.status != 400 {
		t.Errorf("bad JSON: %d", r.status)
	}
	if r := do(t, fake, tok, "POST", "/expense", `{"costRate":"cheap"}`); r.status != 400 || !strings.Contains(r.body, "costRate") {
		t.Errorf("spec validation: %d %s", r.status, r.body)
	}
	if r := do(t, fake, tok, "POST", "/project/batch", `{"not":"an array"}`); r.status != 400 {
		t.Errorf("batch of an object: %d", r.status)
	}
	if r := do(t, fake, tok, "GET", "/nothing-here", ""); r.status != 404 {
		t.Errorf("unknown path: %d", r.status)
	}
	if r := do(t, fake, tok, "PATCH", "/expense/"+id, `{"Document":[],"version":"`+version+`"}`); r.status != 405 {
		t.Errorf("PATCH where the spec has none: %d", r.status)
	}
	// PATCH operations on an employee.
	var emps []map[string]any
	_ = json.Unmarshal([]byte(do(t, fake, tok, "GET", "/employee?orderBy=lastName", "").body), &emps)
	emp := emps[0]
	patch := func(version string, ops string) apiResult {
		return do(t, fake, tok, "PATCH", "/employee/"+emp["id"].(string), `{"Document":`+ops+`,"version":"`+version+`"}`)
	}
	r = patch(emp["version"].(string), `[{"op":"remove","path":"/title"},{"op":"add","path":"/memo","value":"x"}]`)
	var got map[string]any
	_ = json.Unmarshal([]byte(r.body), &got)
	if r.status != 200 || got["title"] != nil || got["memo"] != "x" {
		t.Fatalf("patch remove/add: %d %s", r.status, r.body)
	}
	v := got["version"].(string)
	for _, bad := range []string{
		`[{"op":"replace","path":"/id","value":"x"}]`,
		`[{"op":"replace","path":"billRate","value":1}]`,
		`[{"op":"replace","path":"/customFields/7/value","value":1}]`,
		`[{"op":"replace","path":"/address","value":{}}]`,
	} {
		if r := patch(v, bad); r.status != 400 {
			t.Errorf("patch %s: %d %s", bad, r.status, r.body)
		}
	}
	if r := patch("AAAAAAAAAAA=", `[{"op":"replace","path":"/title","value":"x"}]`); r.status != 409 || !strings.Contains(r.body, "latest version") {
		t.Errorf("stale: %d %s", r.status, r.body)
	}
	// customFields can be patched element-wise and removed.
	r = patch(v, `[{"op":"add","path":"/customFields","value":[{"label":"A","value":1},{"label":"B","value":2}]}]`)
	_ = json.Unmarshal([]byte(r.body), &got)
	r = patch(got["version"].(string), `[{"op":"remove","path":"/customFields/0"},{"op":"replace","path":"/customFields/0","value":{"label":"C","value":3}}]`)
	_ = json.Unmarshal([]byte(r.body), &got)
	cfs, _ := got["customFields"].([]any)
	if r.status != 200 || len(cfs) != 1 || cfs[0].(map[string]any)["label"] != "C" {
		t.Fatalf("customFields patch: %d %s", r.status, r.body)
	}
	// Sub-resources of an unknown project.
	if r := do(t, fake, tok, "GET", "/project/nope/resources", ""); r.status != 404 {
		t.Errorf("resources of unknown project: %d", r.status)
	}
	if r := do(t, fake, tok, "GET", "/resourceschedule/nope", ""); r.status != 404 {
		t.Errorf("unknown schedule: %d", r.status)
	}
}

func TestReadScopeAndWithoutSeed(t *testing.T) {
	fake := bqecoretest.NewServer(bqecoretest.WithoutSeed())
	defer fake.Close()
	tok := accessToken(t, fake, "read:core")
	if r := do(t, fake, tok, "GET", "/activity", ""); r.status != 204 {
		t.Errorf("empty list: %d %s", r.status, r.body)
	}
	if r := do(t, fake, tok, "POST", "/activity", `{"code":"X"}`); r.status != 403 {
		t.Errorf("write with read:core: %d", r.status)
	}
	if r := do(t, fake, tok, "GET", "/account", ""); r.status != 200 {
		t.Errorf("accounts are always there: %d", r.status)
	}
	if s := fake.Stats(); s.APICalls != 2 || s.CodeExchanges != 1 {
		t.Errorf("stats = %+v", s)
	}
}

func TestTLSAndEndpointOption(t *testing.T) {
	fake := bqecoretest.NewServer(bqecoretest.WithTLS(), bqecoretest.WithEndpoint("https://api-eu.bqecore.com/api/"))
	defer fake.Close()
	resp, err := fake.Client().Get(fake.IdentityURL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(fake.Origin(), "https://") || resp.StatusCode != 200 {
		t.Fatalf("%s: %d", fake.Origin(), resp.StatusCode)
	}
	q := url.Values{"client_id": {bqecoretest.TestClientID}, "response_type": {"code"}, "scope": {"read:core"},
		"redirect_uri": {bqecoretest.TestRedirectURL}, "state": {"s"}}
	cb, err := fake.Authorize(context.Background(), fake.IdentityURL()+"/connect/authorize?"+q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {cb.Get("code")}, "redirect_uri": {bqecoretest.TestRedirectURL},
		"client_id": {bqecoretest.TestClientID}, "client_secret": {bqecoretest.TestClientSecret}}
	tr, err := fake.Client().PostForm(fake.IdentityURL()+"/connect/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Body.Close()
	var tok map[string]any
	_ = json.NewDecoder(tr.Body).Decode(&tok)
	if tok["endpoint"] != "https://api-eu.bqecore.com/api/" {
		t.Fatalf("endpoint = %v", tok["endpoint"])
	}
	fake.ExpireRefreshTokens()
}
