package bench

import (
	"github.com/oasuite/sdk/bench/benchkit"

	"context"
	"iter"
	"reflect"
	"testing"

	"github.com/oasuite/sdk/beproduct"
)

// TestRawAndSuiteDecodeTheSameData keeps the comparison honest: for every
// case, what the raw client decodes re-encodes to exactly the server's
// payload, what the suite client decodes does too but for zero values
// (benchkit.WithoutZeros) — no field dropped, none misread — and both send the same
// create body.
func TestRawAndSuiteDecodeTheSameData(t *testing.T) {
	srv := benchkit.NewServer(t)
	ctx := context.Background()
	raw := benchkit.NewRawClient(srv.URL)
	suite := benchkit.NewSuiteClient(t, srv.URL)

	t.Run("get", func(t *testing.T) {
		want := benchkit.CanonicalBytes(t, srv.Small)
		rh, err := raw.GetHeader(ctx, benchkit.HeaderID)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := benchkit.SuiteGet(ctx, suite)
		if err != nil || sh == nil {
			t.Fatal(sh, err)
		}
		if got := benchkit.Canonical(t, rh); !reflect.DeepEqual(got, want) {
			t.Errorf("raw decoded %v\nwant %v", got, want)
		}
		if got := benchkit.WithoutZeros(benchkit.Canonical(t, sh)); !reflect.DeepEqual(got, benchkit.WithoutZeros(want)) {
			t.Errorf("suite decoded %v\nwant %v", got, benchkit.WithoutZeros(want))
		}
	})

	t.Run("list", func(t *testing.T) {
		want := benchkit.CanonicalBytes(t, srv.Page)
		rp, err := raw.ListHeaders(ctx, benchkit.FolderID, benchkit.PageSize, 0)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := benchkit.SuiteList(ctx, suite)
		if err != nil {
			t.Fatal(err)
		}
		if len(rp.Result) != benchkit.PageSize || len(sp.Result) != benchkit.PageSize {
			t.Fatalf("raw %d records, suite %d, want %d", len(rp.Result), len(sp.Result), benchkit.PageSize)
		}
		if got := benchkit.Canonical(t, rp); !reflect.DeepEqual(got, want) {
			t.Error("raw list decodes differently from the payload")
		}
		if got := benchkit.WithoutZeros(benchkit.Canonical(t, sp)); !reflect.DeepEqual(got, benchkit.WithoutZeros(want)) {
			t.Error("suite list decodes differently from the payload")
		}
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
		want := benchkit.CanonicalBytes(t, srv.Small)
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
		if !reflect.DeepEqual(rawSent, suiteSent) || !reflect.DeepEqual(rawSent, benchkit.Canonical(t, benchkit.CreateBody())) {
			t.Errorf("create bodies differ: raw %v, suite %v", rawSent, suiteSent)
		}
		if !reflect.DeepEqual(benchkit.Canonical(t, rh), want) || !reflect.DeepEqual(benchkit.WithoutZeros(benchkit.Canonical(t, sh)), benchkit.WithoutZeros(want)) {
			t.Error("created header decodes differently from the payload")
		}
	})

	t.Run("iterate", func(t *testing.T) {
		// Both iterators stop after the same number of records and yield
		// the same ones, page after page.
		// A total of 1000 (5 pages) keeps the test quick under -race; the
		// benchmark walks 100,000.
		page := benchkit.CanonicalBytes(t, srv.TestPage).(map[string]any)["result"].([]any)
		next, stop := iter.Pull2(raw.Headers(ctx, benchkit.TestFolderID, benchkit.PageSize))
		defer stop()
		n := 0
		for sh, err := range suite.Headers(ctx, beproduct.Style, beproduct.ListOptions{FolderID: benchkit.TestFolderID, PageSize: benchkit.PageSize}) {
			if err != nil {
				t.Fatal(err)
			}
			rh, rerr, ok := next()
			if !ok || rerr != nil {
				t.Fatalf("raw iterator ended or failed at %d: %v", n, rerr)
			}
			if n%benchkit.PageSize == 7 { // one record of every page, in full
				want := page[n%benchkit.PageSize]
				if !reflect.DeepEqual(benchkit.Canonical(t, rh), want) || !reflect.DeepEqual(benchkit.WithoutZeros(benchkit.Canonical(t, sh)), benchkit.WithoutZeros(want)) {
					t.Fatalf("record %d decodes differently", n)
				}
			} else if rh.ID != sh.Id {
				t.Fatalf("record %d: raw %s, suite %s", n, rh.ID, sh.Id)
			}
			n++
		}
		if _, _, ok := next(); ok {
			t.Error("raw iterator yields more records than the suite's")
		}
		if n != benchkit.TestTotal {
			t.Errorf("iterated %d records, want %d", n, benchkit.TestTotal)
		}
	})
}
