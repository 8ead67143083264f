package bench

import (
	"context"
	"encoding/json"
	"iter"
	"reflect"
	"testing"

	"github.com/oasuite/sdk/beproduct"
)

// canonical turns any JSON-encodable value into the generic JSON tree it
// encodes to, so that two decodings can be compared field by field.
func canonical(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func canonicalBytes(t *testing.T, b []byte) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutZeros drops every zero value (false, 0, "", null, [] and {}) from
// a JSON tree, recursively. The generated read-only types hold values, not
// pointers, so they cannot tell an absent field from a zero one and leave
// zero fields out when encoding: compared through withoutZeros, every
// non-zero value must still come back exactly.
func withoutZeros(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = withoutZeros(e); !isZero(e) {
				out[k] = e
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutZeros(e)
		}
		return out
	}
	return v
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// TestRawAndSuiteDecodeTheSameData keeps the comparison honest: for every
// case, what the raw client decodes re-encodes to exactly the server's
// payload, what the suite client decodes does too but for zero values
// (withoutZeros) — no field dropped, none misread — and both send the same
// create body.
func TestRawAndSuiteDecodeTheSameData(t *testing.T) {
	srv := newServer(t)
	ctx := context.Background()
	raw := newRawClient(srv.URL)
	suite := newSuiteClient(t, srv.URL)

	t.Run("get", func(t *testing.T) {
		want := canonicalBytes(t, srv.small)
		rh, err := raw.getHeader(ctx, headerID)
		if err != nil {
			t.Fatal(err)
		}
		sh, err := suiteGet(ctx, suite)
		if err != nil || sh == nil {
			t.Fatal(sh, err)
		}
		if got := canonical(t, rh); !reflect.DeepEqual(got, want) {
			t.Errorf("raw decoded %v\nwant %v", got, want)
		}
		if got := withoutZeros(canonical(t, sh)); !reflect.DeepEqual(got, withoutZeros(want)) {
			t.Errorf("suite decoded %v\nwant %v", got, withoutZeros(want))
		}
	})

	t.Run("list", func(t *testing.T) {
		want := canonicalBytes(t, srv.page)
		rp, err := raw.listHeaders(ctx, folderID, pageSize, 0)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := suiteList(ctx, suite)
		if err != nil {
			t.Fatal(err)
		}
		if len(rp.Result) != pageSize || len(sp.Result) != pageSize {
			t.Fatalf("raw %d records, suite %d, want %d", len(rp.Result), len(sp.Result), pageSize)
		}
		if got := canonical(t, rp); !reflect.DeepEqual(got, want) {
			t.Error("raw list decodes differently from the payload")
		}
		if got := withoutZeros(canonical(t, sp)); !reflect.DeepEqual(got, withoutZeros(want)) {
			t.Error("suite list decodes differently from the payload")
		}
	})

	t.Run("create", func(t *testing.T) {
		srv.mu.Lock()
		srv.keepBody = true
		srv.mu.Unlock()
		sent := func() any {
			srv.mu.Lock()
			defer srv.mu.Unlock()
			b := srv.lastBody
			srv.lastBody = nil
			if b == nil {
				t.Fatal("server saw no create body")
			}
			return canonicalBytes(t, b)
		}
		want := canonicalBytes(t, srv.small)
		rh, err := raw.createHeader(ctx, folderID, createBody())
		if err != nil {
			t.Fatal(err)
		}
		rawSent := sent()
		sh, err := suiteCreate(ctx, suite, suiteCreateBody())
		if err != nil || sh == nil {
			t.Fatal(sh, err)
		}
		suiteSent := sent()
		if !reflect.DeepEqual(rawSent, suiteSent) || !reflect.DeepEqual(rawSent, canonical(t, createBody())) {
			t.Errorf("create bodies differ: raw %v, suite %v", rawSent, suiteSent)
		}
		if !reflect.DeepEqual(canonical(t, rh), want) || !reflect.DeepEqual(withoutZeros(canonical(t, sh)), withoutZeros(want)) {
			t.Error("created header decodes differently from the payload")
		}
	})

	t.Run("iterate", func(t *testing.T) {
		// Both iterators stop after the same number of records and yield
		// the same ones, page after page.
		// A total of 1000 (5 pages) keeps the test quick under -race; the
		// benchmark walks 100,000.
		page := canonicalBytes(t, srv.testPage).(map[string]any)["result"].([]any)
		next, stop := iter.Pull2(raw.headers(ctx, testFolderID, pageSize))
		defer stop()
		n := 0
		for sh, err := range suite.Headers(ctx, beproduct.Style, beproduct.ListOptions{FolderID: testFolderID, PageSize: pageSize}) {
			if err != nil {
				t.Fatal(err)
			}
			rh, rerr, ok := next()
			if !ok || rerr != nil {
				t.Fatalf("raw iterator ended or failed at %d: %v", n, rerr)
			}
			if n%pageSize == 7 { // one record of every page, in full
				want := page[n%pageSize]
				if !reflect.DeepEqual(canonical(t, rh), want) || !reflect.DeepEqual(withoutZeros(canonical(t, sh)), withoutZeros(want)) {
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
		if n != testTotal {
			t.Errorf("iterated %d records, want %d", n, testTotal)
		}
	})
}
