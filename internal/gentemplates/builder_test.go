package gentemplates

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oapi-codegen/runtime"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// oldURL is what oapi-codegen's own template built: parse the server,
// format the path, resolve "./<path>" against the server, add the query
// fragments, print.
func oldURL(t *testing.T, server, pathFmt string, pathParams []string, query []string) string {
	t.Helper()
	serverURL, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	args := make([]any, len(pathParams))
	for i, p := range pathParams {
		s, err := runtime.StyleParamWithOptions("simple", false, "id", p, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil {
			t.Fatal(err)
		}
		args[i] = s
	}
	op := fmt.Sprintf(pathFmt, args...)
	if op[0] == '/' {
		op = "." + op
	}
	u, err := serverURL.Parse(op)
	if err != nil {
		t.Fatal(err)
	}
	if query != nil {
		u.RawQuery = strings.Join(query, "&")
	}
	return u.String()
}

func styled(t *testing.T, name string, v any, typ string) string {
	t.Helper()
	s, err := runtime.StyleParamWithOptions("form", true, name, v, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	servers = []string{"http://h/api", "http://h/api/", "http://h", "https://h:8443/a/b/", "http://h/a/../api/",
		"http://h/api?x=1", "http://u:p@h/api/", "http://h/a%2Fb/", "http://[::1]:80/api"}
	ids = []string{"abc", "a/b", "a b", "ünïcode", "%2F", "x?y=1", "x#f", "", "...", "./x", "../../admin", "a;b=c", "a+b&c", "~_-."}
)

// The new builders produce byte for byte the URL the old ones did, for
// servers with and without a trailing slash, a port, user info, dot
// segments, a query of their own, and path parameters that need escaping.
func TestBuildersMatchTheOldOnes(t *testing.T) {
	for _, server := range servers {
		for _, id := range ids {
			want := oldURL(t, server, "/activity/%s", []string{id}, nil)
			req, err := bqecoreapi.NewGetActivityRequest(server, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := req.URL.String(); got != want {
				t.Errorf("server %q, id %q: %s, old builder %s", server, id, got, want)
			}
			fields, expand := "a,b", "c d"
			want = oldURL(t, server, "/activity/%s", []string{id},
				[]string{styled(t, "fields", fields, "string"), styled(t, "expand", expand, "string")})
			req, err = bqecoreapi.NewGetActivityRequest(server, id, &bqecoreapi.GetActivityParams{Fields: &fields, Expand: &expand})
			if err != nil {
				t.Fatal(err)
			}
			if got := req.URL.String(); got != want {
				t.Errorf("server %q, id %q, query: %s, old builder %s", server, id, got, want)
			}
		}
		folder, size, num := "f/ 1&x=y", beproductapi.PageSize(200), beproductapi.PageNumber(-3)
		want := oldURL(t, server, "/Style/Headers", nil,
			[]string{styled(t, "folderId", folder, "string"), styled(t, "pageSize", size, "integer"), styled(t, "pageNumber", num, "integer")})
		req, err := beproductapi.NewListStyleHeadersRequestWithBody(server, &beproductapi.ListStyleHeadersParams{FolderId: &folder, PageSize: &size, PageNumber: &num}, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := req.URL.String(); got != want {
			t.Errorf("server %q, list: %s, old builder %s", server, got, want)
		}
		// Params given, none set: no '?' at all, as before.
		want = oldURL(t, server, "/Style/Headers", nil, nil)
		req, err = beproductapi.NewListStyleHeadersRequestWithBody(server, &beproductapi.ListStyleHeadersParams{}, "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := req.URL.String(); got != want || strings.Contains(got, "?") && !strings.Contains(server, "?") {
			t.Errorf("server %q, empty query: %s, old builder %s", server, got, want)
		}
	}
}

// A path parameter that is exactly "." or ".." stays a parameter: sent as
// %2E / %2E%2E in its own segment. The old builders resolved it
// (GET /activity/.. became GET /api/).
func TestDotSegmentsAreEscaped(t *testing.T) {
	for id, want := range map[string]string{".": "/api/activity/%2E", "..": "/api/activity/%2E%2E"} {
		req, err := bqecoreapi.NewGetActivityRequest("http://h/api/", id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := req.URL.EscapedPath(); got != want {
			t.Errorf("id %q: path %s, want %s", id, got, want)
		}
		if got := req.URL.RequestURI(); got != want {
			t.Errorf("id %q: request URI %s, want %s", id, got, want)
		}
		if old := oldURL(t, "http://h/api/", "/activity/%s", []string{id}, nil); old == "http://h"+want {
			t.Errorf("the old builder kept %q in its segment (%s): this test no longer shows the difference", id, old)
		}
	}
}

type capture struct{ reqs []*http.Request }

func (c *capture) Do(r *http.Request) (*http.Response, error) {
	c.reqs = append(c.reqs, r)
	return nil, fmt.Errorf("captured")
}

// The client methods use the prefix NewClient parsed, carry the call's
// context on the request, follow a later change of Server, and report a
// server that does not parse on every call, as before.
// markKey is the context key TestClientMethods follows through a call.
type markKey struct{}

func TestClientMethods(t *testing.T) {
	ctx := context.WithValue(context.Background(), markKey{}, "mark")
	for _, server := range servers {
		var c capture
		cl, err := bqecoreapi.NewClient(server, bqecoreapi.WithHTTPClient(&c))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = cl.GetActivity(ctx, "a/b", nil)
		if len(c.reqs) != 1 {
			t.Fatalf("%d requests", len(c.reqs))
		}
		if got, want := c.reqs[0].URL.String(), oldURL(t, cl.Server, "/activity/%s", []string{"a/b"}, nil); got != want {
			t.Errorf("server %q: %s, old builder %s", server, got, want)
		}
		if c.reqs[0].Context() != ctx {
			t.Error("the request does not carry the call's context")
		}
		cl.Server = "http://other:9/x/"
		_, _ = cl.GetActivity(ctx, "1", nil)
		if got := c.reqs[1].URL.String(); got != "http://other:9/x/activity/1" {
			t.Errorf("after changing Server: %s", got)
		}
	}
	cl, err := bqecoreapi.NewClient("http://h/%zz", bqecoreapi.WithHTTPClient(&capture{}))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := cl.GetActivity(ctx, "1", nil); err == nil || err.Error() == "captured" {
			t.Errorf("a server that does not parse: %v", err)
		}
	}
}
