package fakekit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

type pet struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Tag  string `json:"tag,omitempty"`
}

func petSpec(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/petstore.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// petFake is a tiny fake of the test spec, assembled the way vendor fakes are.
func petFake(t testing.TB, cov *OpCoverage, opts ...ValidatorOption) (*Validator, *httptest.Server) {
	t.Helper()
	store := NewCollection[pet](SequentialIDs, "p")
	opts = append([]ValidatorOption{WithBasePath("/v1"), WithCoverage(cov)}, opts...)
	v, err := NewValidator(petSpec(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	v.HandleFunc("listPets", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, store.List())
	})
	v.HandleFunc("createPet", func(w http.ResponseWriter, r *http.Request) {
		var in pet
		if err := ReadJSON(r, 0, &in); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		_, p := store.Create(func(id string) pet { in.ID = id; return in })
		WriteJSON(w, http.StatusCreated, p)
	})
	v.HandleFunc("getPet", func(w http.ResponseWriter, r *http.Request) {
		rt, ok := RouteOf(r.Context())
		if !ok || rt.OperationID != "getPet" || rt.Params["petId"] != r.PathValue("petId") {
			WriteJSON(w, http.StatusInternalServerError, map[string]any{"route": rt})
			return
		}
		p, ok := store.Get(r.PathValue("petId"))
		if !ok {
			WriteJSON(w, http.StatusNotFound, map[string]string{"error": "no pet"})
			return
		}
		WriteJSON(w, http.StatusOK, p)
	})
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	return v, srv
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func do(t testing.TB, method, url, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, b}
}

func problemsOf(t testing.TB, a answer) []string {
	t.Helper()
	var body struct {
		Problems []string `json:"problems"`
	}
	if err := json.Unmarshal(a.body, &body); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, a.body)
	}
	return body.Problems
}

func TestValidatorDispatchesByOperationID(t *testing.T) {
	cov := NewOpCoverage()
	_, srv := petFake(t, cov)
	a := do(t, "POST", srv.URL+"/v1/pets?store=main", "application/json", `{"name":"Rex","tag":"dog"}`)
	if a.status != http.StatusCreated {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	var created pet
	if err := json.Unmarshal(a.body, &created); err != nil || created.ID != "p1" || created.Name != "Rex" {
		t.Fatalf("created %+v, %v", created, err)
	}
	a = do(t, "GET", srv.URL+"/v1/pets/p1", "", "")
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"Rex"`) {
		t.Fatalf("get: %d %s", a.status, a.body)
	}
	a = do(t, "GET", srv.URL+"/v1/pets?limit=5", "", "")
	if a.status != http.StatusOK || !strings.Contains(string(a.body), `"p1"`) {
		t.Fatalf("list: %d %s", a.status, a.body)
	}
	if got := cov.Count("getPet"); got != 1 {
		t.Errorf("coverage count getPet = %d", got)
	}
}

func TestValidatorRejectsInvalidRequests(t *testing.T) {
	_, srv := petFake(t, NewOpCoverage())
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            string
	}{
		{"missing required query", "POST", "/v1/pets", "application/json", `{"name":"Rex"}`, 400, `query parameter "store"`},
		{"body wrong type", "POST", "/v1/pets?store=a", "application/json", `{"name":5}`, 400, "request body at /name"},
		{"body missing required", "POST", "/v1/pets?store=a", "application/json", `{"tag":"x"}`, 400, "request body"},
		{"body unknown property", "POST", "/v1/pets?store=a", "application/json", `{"name":"a","colour":"red"}`, 400, "colour"},
		{"body not JSON", "POST", "/v1/pets?store=a", "application/json", `{`, 400, "request body"},
		{"query out of range", "GET", "/v1/pets?limit=1000", "", "", 400, `query parameter "limit"`},
		{"unknown path", "GET", "/v1/cats", "", "", 404, "/v1/cats"},
		{"path outside base", "GET", "/pets", "", "", 404, "/pets"},
		{"method not in spec", "PUT", "/v1/pets/p1", "application/json", `{}`, 405, "PUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := do(t, c.method, srv.URL+c.path, c.ctype, c.body)
			if a.status != c.status {
				t.Fatalf("status %d, want %d: %s", a.status, c.status, a.body)
			}
			probs := problemsOf(t, a)
			if !slices.ContainsFunc(probs, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Fatalf("problems %q do not mention %q", probs, c.want)
			}
		})
	}
	a := do(t, "PUT", srv.URL+"/v1/pets/p1", "", "")
	if got := a.header.Get("Allow"); got != "GET, DELETE" {
		t.Errorf("Allow = %q", got)
	}
}

func TestValidatorReportsBothProblems(t *testing.T) {
	_, srv := petFake(t, NewOpCoverage())
	a := do(t, "POST", srv.URL+"/v1/pets", "application/json", `{"name":5}`)
	if probs := problemsOf(t, a); len(probs) < 2 {
		t.Fatalf("want the missing parameter and the bad body, got %q", probs)
	}
}

func TestValidatorBodyLimitAndNotImplemented(t *testing.T) {
	_, srv := petFake(t, NewOpCoverage(), WithBodyLimit(16))
	a := do(t, "POST", srv.URL+"/v1/pets?store=a", "application/json", `{"name":"a very long name indeed"}`)
	if a.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	a = do(t, "DELETE", srv.URL+"/v1/pets/p1", "", "")
	if a.status != http.StatusNotImplemented {
		t.Fatalf("deletePet has no handler: status %d", a.status)
	}
}

func TestValidatorErrorWriter(t *testing.T) {
	_, srv := petFake(t, NewOpCoverage(), WithErrorWriter(func(w http.ResponseWriter, r *http.Request, status int, problems []string) {
		WriteJSON(w, status, map[string]any{"Message": strings.Join(problems, "; ")})
	}))
	a := do(t, "GET", srv.URL+"/v1/nope", "", "")
	if a.status != 404 || !strings.Contains(string(a.body), `"Message"`) {
		t.Fatalf("%d %s", a.status, a.body)
	}
}

func TestCoverageMissing(t *testing.T) {
	spec := petSpec(t)
	cov := &OpCoverage{} // zero value works
	v, srv := petFake(t, cov)
	if got, want := cov.Missing(spec), []string{"createPet", "deletePet", "getPet", "listPets"}; !slices.Equal(got, want) {
		t.Fatalf("Missing before = %q, want %q", got, want)
	}
	do(t, "GET", srv.URL+"/v1/pets", "", "")
	do(t, "POST", srv.URL+"/v1/pets?store=a", "application/json", `{"name":"x"}`)
	do(t, "POST", srv.URL+"/v1/pets", "application/json", `{"name":"x"}`) // invalid: not served
	do(t, "GET", srv.URL+"/v1/pets/p1", "", "")
	if got, want := cov.Missing(spec), []string{"deletePet"}; !slices.Equal(got, want) {
		t.Fatalf("Missing after = %q, want %q", got, want)
	}
	if got := cov.Count("createPet"); got != 1 {
		t.Errorf("an invalid request was counted as served: createPet = %d", got)
	}
	if got := v.Unhandled(); !slices.Equal(got, []string{"deletePet"}) {
		t.Errorf("Unhandled = %q", got)
	}
	if got := cov.Missing([]byte("not: [a spec")); len(got) != 1 || !strings.Contains(got[0], "spec does not load") {
		t.Errorf("Missing on a broken spec = %q", got)
	}
}

func TestValidatorSharedCoverageAcrossFakes(t *testing.T) {
	cov := NewOpCoverage()
	_, a := petFake(t, cov)
	_, b := petFake(t, cov)
	do(t, "GET", a.URL+"/v1/pets", "", "")
	do(t, "GET", b.URL+"/v1/pets/x", "", "")
	if got := cov.Served(); !slices.Equal(got, []string{"getPet", "listPets"}) {
		t.Fatalf("Served = %q", got)
	}
}

func TestValidatorHandleUnknownOperationPanics(t *testing.T) {
	v, err := NewValidator(petSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Handle of an unknown operationId did not panic")
		}
	}()
	v.HandleFunc("listCats", func(http.ResponseWriter, *http.Request) {})
}

func TestNewValidatorRejectsBadSpec(t *testing.T) {
	if _, err := NewValidator([]byte("openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n")); err == nil {
		t.Fatal("a spec without info.version was accepted")
	}
}

func TestValidatorOperationOfAndNoBasePath(t *testing.T) {
	v, err := NewValidator(petSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("DELETE", "http://anyhost.test/pets/9", nil)
	if got := v.OperationOf(r); got != "deletePet" {
		t.Fatalf("OperationOf = %q", got)
	}
	if got := v.OperationOf(httptest.NewRequest("GET", "/v1/pets", nil)); got != "" {
		t.Fatalf("OperationOf outside the spec = %q", got)
	}
}
