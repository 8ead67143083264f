package procurios_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/procurios"
	"github.com/oasuite/sdk/procurios/procuriostest"
	"github.com/oasuite/sdk/validate"
)

// The name of a collection page's embedded relation is not documented: the
// iterator reads the page whatever the fake calls it.
func TestRelationsReadAnyEmbeddedKey(t *testing.T) {
	id := openapi_types.UUID(mustUUID(t, procuriostest.CollectionID))
	for _, key := range []string{"", "relations", "items", "leden"} {
		t.Run("key="+key, func(t *testing.T) {
			var opts []procuriostest.Option
			if key != "" {
				opts = append(opts, procuriostest.WithEmbeddedKey(key))
			}
			srv := newFake(t, opts...)
			// Strict response validation: the spec admits the page under any one name.
			c := newClient(t, srv, nil, procurios.WithResponseValidation(validate.Strict))
			n := 0
			for r, err := range c.Relations(ctx, id.String()) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if *r.Id != n {
					t.Fatalf("relation %d has id %d", n, *r.Id)
				}
			}
			if n != procuriostest.CollectionSize || srv.Requests("getCollection") != 3 {
				t.Fatalf("%d relations in %d pages", n, srv.Requests("getCollection"))
			}
		})
	}
	// The same through the Tamper hook, which renames the key after the fact.
	srv := newFake(t)
	srv.Tamper("getCollection", "relations", "items", 0)
	c := newClient(t, srv, nil)
	n := 0
	for _, err := range c.Relations(ctx, id.String()) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != procuriostest.CollectionSize {
		t.Fatalf("tampered key: %d relations", n)
	}
}

// pageServer answers every request with the next of bodies (the last one
// repeated), as a collection or registrations page.
func pageServer(t *testing.T, mediaType string, bodies ...string) (*procurios.Client, *int) {
	t.Helper()
	hits := 0
	url := newHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := bodies[min(hits, len(bodies)-1)]
		hits++
		w.Header().Set("Content-Type", mediaType)
		_, _ = io.WriteString(w, b)
	}))
	c, err := procurios.New(ctx, procurios.WithBaseURL(url+"/l"),
		procurios.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})), procurios.WithRetry(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c, &hits
}

const relationMedia = "application/vnd.procurios.relation+json; version=1"

func TestRelationsEmptyPageIsEmpty(t *testing.T) {
	for _, key := range []string{"relations", "items"} {
		c, hits := pageServer(t, relationMedia, `{"_links":{"self":{"href":"/l/relation_list_api/collection/x"}},"_embedded":{"`+key+`":[]},"page":1,"pages":1,"total":0}`)
		for r, err := range c.Relations(ctx, openapi_types.UUID{1}.String()) {
			t.Fatalf("empty page yielded %+v, %v", r, err)
		}
		if *hits != 1 {
			t.Fatalf("%d requests", *hits)
		}
	}
}

// A 2xx page whose items cannot be found ends the iteration with a
// *PageItemsError naming the page and the keys found, never silently.
func TestRelationsPageWithoutItemsFailsLoudly(t *testing.T) {
	const secret = "s3cr3t-value"
	tests := []struct {
		name   string
		body   string
		keys   []string
		reason string
	}{
		{"no _embedded", `{"_links":{},"page":1,"note":"` + secret + `"}`, []string{"_links", "note", "page"}, `no "_embedded"`},
		{"null _embedded", `{"_links":{},"_embedded":null}`, []string{"_embedded", "_links"}, "not an object"},
		{"_embedded not an object", `{"_embedded":[{"id":1}]}`, []string{"_embedded"}, "not an object"},
		{"empty _embedded", `{"_links":{},"_embedded":{}}`, nil, `"_embedded" is empty`},
		{"several arrays", `{"_embedded":{"relations":[{"id":1}],"items":[{"id":2,"x":"` + secret + `"}]}}`, []string{"items", "relations"}, "holds 2 arrays"},
		{"not an array", `{"_embedded":{"relations":{"id":1,"x":"` + secret + `"}}}`, []string{"relations"}, "holds no array"},
		{"null array", `{"_embedded":{"items":null}}`, []string{"items"}, "holds no array"},
		{"items do not decode", `{"_embedded":{"items":[1,"` + secret + `"]}}`, []string{"_embedded.items"}, "do not decode"},
		{"body is an array", `[{"id":1}]`, nil, "not a JSON object"},
		{"body is null", `null`, nil, "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := pageServer(t, relationMedia, tc.body)
			var errs []error
			for r, err := range c.Relations(ctx, openapi_types.UUID{1}.String()) {
				if err == nil {
					t.Fatalf("yielded %+v from a page without items", r)
				}
				errs = append(errs, err)
			}
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1", len(errs))
			}
			err := errs[0]
			var pe *procurios.PageItemsError
			if !errors.Is(err, procurios.ErrNoItems) || !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *PageItemsError", err)
			}
			if pe.Method != http.MethodGet || !strings.Contains(pe.URL, "/l/relation_list_api/collection/") || pe.Status != 200 {
				t.Fatalf("page not named: %+v", pe)
			}
			if !slices.Equal(pe.Keys, tc.keys) || !strings.Contains(pe.Reason, tc.reason) {
				t.Fatalf("keys %v reason %q, want %v and %q", pe.Keys, pe.Reason, tc.keys, tc.reason)
			}
			if strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), pe.URL) {
				t.Fatalf("message: %v", err)
			}
			var mf *validate.MissingFieldError
			if !errors.As(err, &mf) || mf.Vendor != "procurios" || mf.Path != "/l/relation_list_api/collection/01000000-0000-0000-0000-000000000000" {
				t.Fatalf("as MissingFieldError: %+v", mf)
			}
		})
	}
}

// The fake drifting (its page's _embedded renamed) ends the iteration with
// ErrNoItems; a later page without items ends it after the earlier items.
func TestPageItemsErrorAgainstTheFakeAndMidway(t *testing.T) {
	srv := newFake(t)
	srv.Tamper("getCollection", "_embedded", "embedded", 0)
	c := newClient(t, srv, nil)
	var last error
	n := 0
	for _, err := range c.Relations(ctx, procuriostest.CollectionID) {
		n++
		last = err
	}
	var pe *procurios.PageItemsError
	if n != 1 || !errors.As(last, &pe) || !slices.Contains(pe.Keys, "embedded") || pe.Field != "_embedded" {
		t.Fatalf("n=%d err=%v", n, last)
	}

	c2, hits := pageServer(t, relationMedia,
		`{"_links":{"next":{"href":"/l/relation_list_api/collection/x?page=2"}},"_embedded":{"items":[{"id":1},{"id":2}]}}`,
		`{"_links":{"self":{"href":"/l/relation_list_api/collection/x?page=2"}},"page":2}`)
	var ids []int
	last = nil
	for r, err := range c2.Relations(ctx, openapi_types.UUID{1}.String()) {
		if err != nil {
			last = err
			continue
		}
		ids = append(ids, *r.Id)
	}
	if !slices.Equal(ids, []int{1, 2}) || !errors.Is(last, procurios.ErrNoItems) || *hits != 2 || !strings.Contains(last.Error(), "page=2") {
		t.Fatalf("ids=%v hits=%d err=%v", ids, *hits, last)
	}
}

func TestMeetingRegistrationsPageWithoutItemsFailsLoudly(t *testing.T) {
	srv := newFake(t)
	srv.Tamper("listMeetingRegistrations", "registrations", "items", 0)
	c := newClient(t, srv, nil)
	var errs []error
	for _, err := range c.MeetingRegistrations(ctx, nil) {
		errs = append(errs, err)
	}
	var pe *procurios.PageItemsError
	if len(errs) != 1 || !errors.As(errs[0], &pe) || pe.Field != "registrations" || !slices.Equal(pe.Keys, []string{"items"}) {
		t.Fatalf("errs = %v", errs)
	}

	const media = "application/vnd.procurios.meeting2+json; version=1"
	for body, want := range map[string]string{
		`{"registrations":null}`:            "not an array",
		`{"registrations":{"a":1}}`:         "not an array",
		`{"_links":{},"registrations":[1]}`: "do not decode",
	} {
		c, _ := pageServer(t, media, body)
		var got []error
		for _, err := range c.MeetingRegistrations(ctx, nil) {
			got = append(got, err)
		}
		if len(got) != 1 || !errors.Is(got[0], procurios.ErrNoItems) || !strings.Contains(got[0].Error(), want) {
			t.Fatalf("%s: %v", body, got)
		}
	}
	// An empty array is an empty page.
	c2, hits := pageServer(t, media, `{"registrations":[]}`)
	for r, err := range c2.MeetingRegistrations(ctx, nil) {
		t.Fatalf("empty page yielded %+v, %v", r, err)
	}
	if *hits != 1 {
		t.Fatalf("%d requests", *hits)
	}
}

func TestPageItemsErrorText(t *testing.T) {
	e := &procurios.PageItemsError{Method: "GET", URL: "https://h/l/x?page=2", Status: 200, Field: "_embedded",
		Keys: []string{"a", "b"}, Reason: `"_embedded" holds 2 arrays`}
	want := `procurios: GET https://h/l/x?page=2: 200 page has no readable items: "_embedded" holds 2 arrays (keys found: a, b)`
	if e.Error() != want {
		t.Fatalf("Error() = %q", e.Error())
	}
	e.Keys = nil
	e.Err = fmt.Errorf("boom")
	if !strings.HasSuffix(e.Error(), "(keys found: none): boom") || !errors.Is(e, procurios.ErrNoItems) || errors.Unwrap(e) != e.Err {
		t.Fatalf("Error() = %q", e.Error())
	}
}
