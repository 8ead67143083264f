package ogenpeer

import (
	"context"
	"iter"
	"reflect"
	"testing"

	"github.com/oasuite/sdk/bench/benchkit"
	"github.com/oasuite/sdk/bench/ogenpeer/api"
	"github.com/oasuite/sdk/beproduct"
)

// ogenCanonical is benchkit.Canonical for ogen's values. ogen generates the
// untyped FieldValue schema (a colorway's image) as a required jx.Raw and
// its MarshalJSON writes `"image":` with no value when the answer had none,
// which is not JSON; such an image is encoded as null here and dropped from
// the canonical form, so that the comparison is of the decoded data.
func ogenCanonical(t *testing.T, v any) any {
	t.Helper()
	fix := func(h *api.Header) {
		for i := range h.Colorways {
			if len(h.Colorways[i].Image) == 0 {
				h.Colorways[i].Image = api.FieldValue("null")
			}
		}
	}
	switch x := v.(type) {
	case *api.HeaderPage:
		for i := range x.Result {
			fix(&x.Result[i])
		}
	case *api.Header:
		fix(x)
	}
	return dropNullImages(benchkit.Canonical(t, v))
}

func dropNullImages(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if img, ok := x["image"]; ok && img == nil {
			delete(x, "image")
		}
		for k, e := range x {
			x[k] = dropNullImages(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropNullImages(e)
		}
	}
	return v
}

// TestRawSuiteAndOgenDecodeTheSameData: for every case the three clients
// decode the same data from the same server. Raw and ogen re-encode to
// exactly the server's payload; the suite's read types hold values, not
// pointers, so it is compared without zero values (benchkit.WithoutZeros),
// as in bench/'s TestRawAndSuiteDecodeTheSameData; and all three send the
// same create body.
func TestRawSuiteAndOgenDecodeTheSameData(t *testing.T) {
	srv := benchkit.NewServer(t)
	ctx := context.Background()
	raw := benchkit.NewRawClient(srv.URL)
	suite := benchkit.NewSuiteClient(t, srv.URL)
	og, err := newOgenClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	same := func(t *testing.T, what string, want, rawV, suiteV, ogenV any) {
		t.Helper()
		if got := benchkit.Canonical(t, rawV); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: raw decoded differently from the payload", what)
		}
		if got := benchkit.WithoutZeros(benchkit.Canonical(t, suiteV)); !reflect.DeepEqual(got, benchkit.WithoutZeros(want)) {
			t.Errorf("%s: suite decoded differently from the payload", what)
		}
		if got := ogenCanonical(t, ogenV); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ogen decoded %v\nwant %v", what, got, want)
		}
	}

	t.Run("get", func(t *testing.T) {
		rh, err := raw.GetHeader(ctx, benchkit.HeaderID)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := benchkit.SuiteGet(ctx, suite)
		if err != nil || sh == nil {
			t.Fatal(sh, err)
		}
		oh, err := ogenGet(ctx, og)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "get", benchkit.CanonicalBytes(t, srv.Small), rh, sh, oh)
	})

	t.Run("list", func(t *testing.T) {
		rp, err := raw.ListHeaders(ctx, benchkit.FolderID, benchkit.PageSize, 0)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := benchkit.SuiteList(ctx, suite)
		if err != nil {
			t.Fatal(err)
		}
		op, err := ogenList(ctx, og, benchkit.FolderID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(rp.Result) != benchkit.PageSize || len(sp.Result) != benchkit.PageSize || len(op.Result) != benchkit.PageSize {
			t.Fatalf("raw %d records, suite %d, ogen %d, want %d", len(rp.Result), len(sp.Result), len(op.Result), benchkit.PageSize)
		}
		same(t, "list", benchkit.CanonicalBytes(t, srv.Page), rp, sp, op)
	})

	t.Run("create", func(t *testing.T) {
		srv.Mu.Lock()
		srv.KeepBody = true
		srv.Mu.Unlock()
		sent := func() any {
			srv.Mu.Lock()
			defer srv.Mu.Unlock()
			b := srv.LastBody
			srv.LastBody = nil
			if b == nil {
				t.Fatal("server saw no create body")
			}
			return benchkit.CanonicalBytes(t, b)
		}
		rh, err := raw.CreateHeader(ctx, benchkit.FolderID, benchkit.CreateBody())
		if err != nil {
			t.Fatal(err)
		}
		rawSent := sent()
		sh, err := benchkit.SuiteCreate(ctx, suite, benchkit.SuiteCreateBody())
		if err != nil || sh == nil {
			t.Fatal(sh, err)
		}
		suiteSent := sent()
		body, err := ogenCreateBody()
		if err != nil {
			t.Fatal(err)
		}
		oh, err := ogenCreate(ctx, og, body)
		if err != nil {
			t.Fatal(err)
		}
		ogenSent := sent()
		if want := benchkit.Canonical(t, benchkit.CreateBody()); !reflect.DeepEqual(rawSent, want) ||
			!reflect.DeepEqual(suiteSent, want) || !reflect.DeepEqual(ogenSent, want) {
			t.Errorf("create bodies differ: raw %v, suite %v, ogen %v", rawSent, suiteSent, ogenSent)
		}
		same(t, "created header", benchkit.CanonicalBytes(t, srv.Small), rh, sh, oh)
	})

	t.Run("iterate", func(t *testing.T) {
		// The three iterators stop after the same number of records and
		// yield the same ones; one record of every page is compared in full.
		page := benchkit.CanonicalBytes(t, srv.TestPage).(map[string]any)["result"].([]any)
		nextRaw, stopRaw := iter.Pull2(raw.Headers(ctx, benchkit.TestFolderID, benchkit.PageSize))
		defer stopRaw()
		nextOgen, stopOgen := iter.Pull2(ogenHeaders(ctx, og, benchkit.TestFolderID))
		defer stopOgen()
		n := 0
		for sh, err := range suite.Headers(ctx, beproduct.Style, beproduct.ListOptions{FolderID: benchkit.TestFolderID, PageSize: benchkit.PageSize}) {
			if err != nil {
				t.Fatal(err)
			}
			rh, rerr, ok1 := nextRaw()
			oh, oerr, ok2 := nextOgen()
			if !ok1 || !ok2 || rerr != nil || oerr != nil {
				t.Fatalf("raw or ogen iterator ended or failed at %d: %v, %v", n, rerr, oerr)
			}
			if n%benchkit.PageSize == 7 {
				same(t, "record", page[n%benchkit.PageSize], rh, sh, &oh) // ogen's MarshalJSON has a pointer receiver
			} else if rh.ID != sh.Id || oh.ID != sh.Id {
				t.Fatalf("record %d: raw %s, suite %s, ogen %s", n, rh.ID, sh.Id, oh.ID)
			}
			n++
		}
		if _, _, ok := nextRaw(); ok {
			t.Error("raw iterator yields more records than the suite's")
		}
		if _, _, ok := nextOgen(); ok {
			t.Error("ogen iterator yields more records than the suite's")
		}
		if n != benchkit.TestTotal {
			t.Errorf("iterated %d records, want %d", n, benchkit.TestTotal)
		}
	})
}
