package fakekit_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/oasuite/sdk/internal/fakekit"
)

// A vendor fake in miniature: OAuth endpoints, spec-validated API routes behind a token
// check, and a fault queue in front of everything.
func Example() {
	spec, err := os.ReadFile("testdata/petstore.yaml")
	if err != nil {
		panic(err)
	}
	oauth := fakekit.NewOAuth(fakekit.OAuthConfig{
		Paths:   fakekit.OAuthPaths{Token: "/oauth/token"},
		Clients: []fakekit.Client{{ID: "svc", Secret: "s", Grants: []string{fakekit.GrantClientCredentials}}},
	})
	v, err := fakekit.NewValidator(spec, fakekit.WithBasePath("/v1"))
	if err != nil {
		panic(err)
	}
	v.HandleFunc("getPet", func(w http.ResponseWriter, r *http.Request) {
		g, _ := fakekit.GrantOf(r.Context())
		fakekit.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("petId"), "name": "Rex", "tag": g.ClientID})
	})
	mux := http.NewServeMux()
	oauth.Mount(mux)
	mux.Handle("/v1/", oauth.Require(v, nil))
	faults := &fakekit.Faults{}
	srv := httptest.NewServer(faults.Wrap(mux, v.OperationOf))
	defer srv.Close()

	resp, err := http.Post(srv.URL+"/oauth/token", "application/x-www-form-urlencoded",
		strings.NewReader("grant_type=client_credentials&client_id=svc&client_secret=s"))
	if err != nil {
		panic(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	fmt.Println("tokens issued:", oauth.Issued(fakekit.GrantClientCredentials))

	faults.Add(fakekit.Fault{OperationID: "getPet", Status: http.StatusServiceUnavailable, RetryAfter: time.Second,
		JSON: map[string]string{"error": "busy"}})
	for _, bearer := range []string{tok.AccessToken, tok.AccessToken, "forged"} {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/pets/7", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d retry-after=%q %s\n", resp.StatusCode, resp.Header.Get("Retry-After"), strings.TrimSpace(string(body)))
	}
	// Output:
	// tokens issued: 1
	// 503 retry-after="1" {"error":"busy"}
	// 200 retry-after="" {"id":"7","name":"Rex","tag":"svc"}
	// 401 retry-after="" {"error":"invalid_token"}
}
