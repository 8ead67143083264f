package procurios_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dnaeon/go-vcr/v2/cassette"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/oasuite/sdk/specs"
)

// Every recorded API answer (the fake's, under the production host) matches
// the spec's response for its operation: status, media type and schema. The
// fake validates requests itself; this closes the loop for its answers.
func TestCassetteAnswersMatchSpec(t *testing.T) {
	raw, err := specs.Load("procurios")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	// The cassettes' host; gorillamux does not expand the {host} variable here.
	doc.Servers = openapi3.Servers{{URL: "https://" + prodHost + "/l"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/cassettes/*.yaml")
	if len(files) == 0 {
		t.Fatal("no cassettes")
	}
	ops := map[string]bool{}
	for _, f := range files {
		c, err := cassette.Load(strings.TrimSuffix(f, ".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for i, in := range c.Interactions {
			if strings.Contains(in.Request.URL, "/oauth2/") {
				continue
			}
			req, err := http.NewRequest(in.Request.Method, in.Request.URL, strings.NewReader(in.Request.Body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range in.Request.Headers {
				req.Header[k] = v
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s #%d: %s %s: %v", f, i, in.Request.Method, in.Request.URL, err)
				continue
			}
			ops[route.Operation.OperationID] = true
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
					Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
				Status:  in.Response.Code,
				Header:  http.Header(in.Response.Headers),
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			}
			input.SetBodyBytes(bytes.Clone([]byte(in.Response.Body)))
			if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
				t.Errorf("%s #%d: %s %s → %d: %v", f, i, in.Request.Method, in.Request.URL, in.Response.Code, err)
			}
		}
	}
	t.Logf("%d operations recorded in cassettes", len(ops))
}
