package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/gen/bouquetapi"
	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/specs"
)

// specJSON is each vendor's spec as its generated package embeds it.
var specJSON = map[string]string{
	"beproduct": beproductapi.SpecJSON(), "bidcore": bidcoreapi.SpecJSON(), "bouquet": bouquetapi.SpecJSON(),
	"bqecore": bqecoreapi.SpecJSON(), "procurios": procuriosapi.SpecJSON(),
}

func TestSpecIdempotentReadsTheExtension(t *testing.T) {
	idem, err := SpecIdempotent("beproduct", specJSON["beproduct"])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"POST", "/api/acme/Style/Headers", true},
		{"POST", "/api/acme/Color/CompanyColors", true},
		{"POST", "/api/acme/Tracking/Plan/p1", true},
		{"POST", "/api/acme/Tracking/Plan/p1/Material/View/v1", true},
		{"POST", "/api/acme/Inbox/Tasks/Style", true},
		{"POST", "/api/acme/Report/Data/r1", true},
		{"POST", "/api/locks", true},
		{"POST", "/api/acme/Style/Header/Create", false},
		{"POST", "/api/acme/Tracking/Plan/p1/Style/Add", false},
		{"POST", "/api/acme/Tracking/Plan/p1/Style/Timelines/Edit", false},
		{"POST", "/api/acme/DataTable/d1/Update", false},
		{"POST", "/api/acme/Unknown/Thing", false},
		{"GET", "/api/acme/Style/Headers", false}, // no such GET: not marked
	} {
		req, _ := http.NewRequest(tc.method, "https://developers.beproduct.com"+tc.path, nil)
		if got := idem(req); got != tc.want {
			t.Errorf("%s %s: idempotent %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
	if _, err := SpecIdempotent("notjson", "paths:"); err == nil {
		t.Fatal("a spec that is not JSON accepted")
	}
	// A spec without marks answers false for everything.
	none, err := SpecIdempotent("bidcore", specJSON["bidcore"])
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "https://x/y", nil)
	if none(req) {
		t.Fatal("bidcore request marked idempotent")
	}
	req.URL.Path = "/api/acme/Style/Headers"
	allocs := testing.AllocsPerRun(100, func() { idem(req) })
	if allocs != 0 {
		t.Fatalf("matching allocates %.0f times", allocs)
	}
}

// TestScanMatchesAFullParse checks the table read from each generated
// package's JSON against a YAML parse of the hand-kept spec: the same
// operations, the same marks.
func TestScanMatchesAFullParse(t *testing.T) {
	for _, v := range specs.Vendors {
		raw, err := specs.Load(v)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]map[string]yaml.Node `yaml:"paths"`
		}
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for p, item := range doc.Paths {
			for m, node := range item {
				if _, ok := methods[m]; !ok {
					continue
				}
				var op map[string]any
				if err := node.Decode(&op); err != nil {
					t.Fatal(err)
				}
				want[strings.ToUpper(m)+" "+p] = op[ExtIdempotent] == true
			}
		}
		tbl, err := scanIdemTable([]byte(specJSON[v]))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, r := range tbl.routes {
			got[r.method+" "+r.path] = r.idempotent
		}
		if len(got) != len(want) {
			t.Errorf("%s: scanned %d operations, parsed %d", v, len(got), len(want))
		}
		for k, w := range want {
			if g, ok := got[k]; !ok || g != w {
				t.Errorf("%s: %s scanned %v (found %v), parsed %v", v, k, g, ok, w)
			}
		}
	}
}

func TestIdempotentPostIsRetriedOn5xx(t *testing.T) {
	srv, n := script(t, status(502), status(503), status(200))
	s := &noSleep{}
	mark := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/Headers") }
	c := NewClient(Config{Idempotent: mark, Retry: Retry{Sleep: s.Sleep}})
	resp, err := c.Post(srv.URL+"/Style/Headers", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || n.Load() != 3 {
		t.Fatalf("status %d after %d requests, want 200 after 3", resp.StatusCode, n.Load())
	}
	// An unmarked POST is not.
	srv2, n2 := script(t, status(502))
	resp, err = c.Post(srv2.URL+"/Style/Header/Create", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 502 || n2.Load() != 1 {
		t.Fatalf("unmarked POST: %d after %d", resp.StatusCode, n2.Load())
	}
}

// cutOff answers 200 with a Content-Length longer than what it sends, then
// drops the connection.
func cutOff(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(200)
	_, _ = io.WriteString(w, `{"result":[`)
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func whole(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"result":[1,2,3],"total":3}`)
}

func TestCutOff200IsReadAgainOnce(t *testing.T) {
	s := &noSleep{}
	c := NewClient(Config{RereadCutOff: true, Retry: Retry{Sleep: s.Sleep}})
	srv, n := script(t, cutOff, whole)
	resp, err := c.Get(srv.URL + "/list")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Result []int }
	if err := DecodeJSON(resp, &page); err != nil || len(page.Result) != 3 || n.Load() != 2 || len(s.waits) != 1 {
		t.Fatalf("page %+v, %v after %d requests, waits %v", page, err, n.Load(), s.waits)
	}
	// Once only: a second cut-off answer is returned, its read fails.
	srv, n = script(t, cutOff, cutOff)
	resp, err = c.Get(srv.URL + "/list")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || n.Load() != 2 {
		t.Fatalf("second cut-off: %v after %d requests", err, n.Load())
	}
	// A write (POST, not marked) is never sent again for a cut-off body.
	srv, n = script(t, cutOff)
	resp, err = c.Post(srv.URL+"/create", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || n.Load() != 1 {
		t.Fatalf("cut-off POST: %v after %d requests", err, n.Load())
	}
	// Without the option, GETs are not read ahead either.
	plain := NewClient(Config{Retry: Retry{Sleep: s.Sleep}})
	srv, n = script(t, cutOff)
	resp, err = plain.Get(srv.URL + "/list")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || n.Load() != 1 {
		t.Fatalf("without RereadCutOff: %v after %d requests", err, n.Load())
	}
	// A whole answer read ahead still decodes through a Doer (bounded,
	// decoded in place) and through plain reads.
	srv, _ = script(t, whole, whole)
	d := &Doer{Client: c}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/list", nil)
	resp, err = d.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := DecodeJSONLimit(resp, &page, 10); !errors.As(err, new(*BodyTooLargeError)) {
		t.Fatalf("limit on a read-ahead body: %v", err)
	}
	resp, _ = c.Get(srv.URL + "/list")
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m["total"] != 3.0 {
		t.Fatalf("streamed decode: %v, %v", m, err)
	}
	resp.Body.Close()
}
