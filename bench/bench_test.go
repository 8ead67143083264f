package bench

import (
	"github.com/oasuite/sdk/bench/benchkit"

	"context"
	"encoding/json"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// Every case has a raw and a suite sub-benchmark over the same server;
// bench/summary compares them (suite/raw time ratio, allocs suite−raw,
// B/op suite−raw). Besides wall time each reports cpu-ns/op, the process's
// CPU time per operation (client, server and GC together), which stays
// meaningful when other work competes for the machine's cores.

// BenchmarkGetHeader is the small object GET: GET Style/Header/{id}.
func BenchmarkGetHeader(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := benchkit.NewRawClient(srv.URL)
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := c.GetHeader(ctx, benchkit.HeaderID)
			if err != nil || h.ID != benchkit.HeaderID {
				b.Fatal(h, err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := benchkit.NewSuiteClient(b, srv.URL)
		if _, err := benchkit.SuiteGet(ctx, c); err != nil { // fetch the token
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := benchkit.SuiteGet(ctx, c)
			if err != nil || h == nil || h.Id != benchkit.HeaderID {
				b.Fatal(h, err)
			}
		}
	})
}

// BenchmarkListHeaders is one BeProduct-style page of 200 style headers
// (about 3.8 KB of JSON each, 768 KB in all): POST Style/Headers.
func BenchmarkListHeaders(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := benchkit.NewRawClient(srv.URL)
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			p, err := c.ListHeaders(ctx, benchkit.FolderID, benchkit.PageSize, 0)
			if err != nil || len(p.Result) != benchkit.PageSize {
				b.Fatal(err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := benchkit.NewSuiteClient(b, srv.URL)
		if _, err := benchkit.SuiteList(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			p, err := benchkit.SuiteList(ctx, c)
			if err != nil || len(p.Result) != benchkit.PageSize {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateHeader is the create POST: POST Style/Header/Create with a
// JSON body, answered by the created header.
func BenchmarkCreateHeader(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := benchkit.NewRawClient(srv.URL)
		body := benchkit.CreateBody()
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := c.CreateHeader(ctx, benchkit.FolderID, body)
			if err != nil || h.ID != benchkit.HeaderID {
				b.Fatal(err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := benchkit.NewSuiteClient(b, srv.URL)
		body := benchkit.SuiteCreateBody()
		if _, err := benchkit.SuiteCreate(ctx, c, body); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := benchkit.SuiteCreate(ctx, c, body)
			if err != nil || h == nil || h.Id != benchkit.HeaderID {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIterate100k walks 100,000 headers (500 pages of 200) through a
// pagination iterator: the raw client's hand-written one and
// beproduct.Client.Headers. Besides time and allocations it reports
// calls/op (requests per iteration, so that the summary can give
// allocations per call), page-B (the JSON of one page), page-live-B (the
// live heap of one decoded page, measured apart) and the peak heap
// seen while iterating, above the heap before it (peak-heap-B: heap
// objects, garbage included, sampled every 100µs; peak-live-B: the largest
// live heap a GC cycle marked, which counts what was allocated during the
// mark as live).
func BenchmarkIterate100k(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	opts := beproduct.ListOptions{FolderID: benchkit.IterFolderID, PageSize: benchkit.PageSize}
	b.Run("raw", func(b *testing.B) {
		c := benchkit.NewRawClient(srv.URL)
		pageLive := benchkit.LiveBytesOf(func() any {
			var p benchkit.RawHeaderPage
			_ = json.Unmarshal(srv.IterPage, &p)
			return &p
		})
		b.ReportAllocs()
		p := benchkit.StartHeapPeak()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			n := 0
			for h, err := range c.Headers(ctx, benchkit.IterFolderID, benchkit.PageSize) {
				if err != nil || h.ID == "" {
					b.Fatal(err)
				}
				n++
			}
			if n != benchkit.IterTotal {
				b.Fatalf("iterated %d records, want %d", n, benchkit.IterTotal)
			}
		}
		benchkit.ReportIteration(b, srv, p, pageLive)
	})
	b.Run("suite", func(b *testing.B) {
		c := benchkit.NewSuiteClient(b, srv.URL)
		if _, err := benchkit.SuiteGet(ctx, c); err != nil {
			b.Fatal(err)
		}
		pageLive := benchkit.LiveBytesOf(func() any {
			var p beproductapi.HeaderPage
			_ = pipeline.Unmarshal(srv.IterPage, &p)
			return &p
		})
		b.ReportAllocs()
		p := benchkit.StartHeapPeak()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			n := 0
			for h, err := range c.Headers(ctx, beproduct.Style, opts) {
				if err != nil || h.Id == "" {
					b.Fatal(err)
				}
				n++
			}
			if n != benchkit.IterTotal {
				b.Fatalf("iterated %d records, want %d", n, benchkit.IterTotal)
			}
		}
		benchkit.ReportIteration(b, srv, p, pageLive)
	})
}

// BenchmarkTokenSourceCached is the cached path of auth.Source, taken by
// every request while the token is fresh (target: ≤100 ns/op, 0 allocs/op).
func BenchmarkTokenSourceCached(b *testing.B) {
	src := auth.NewSource(benchkit.TokenFetcher(), auth.WithToken(&oauth2.Token{AccessToken: benchkit.AccessToken, Expiry: time.Now().Add(time.Hour)}))
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			if t, err := src.TokenContext(ctx); err != nil || t == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if t, err := src.TokenContext(ctx); err != nil || t == nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkTimeNow is the floor of the cached token path on this machine:
// checking a token's expiry reads the clock once.
func BenchmarkTimeNow(b *testing.B) {
	var t time.Time
	defer benchkit.MeasureCPU(b)()
	for b.Loop() {
		t = time.Now()
	}
	_ = t
}

// BenchmarkDecodePage decodes the 200-record page with no HTTP at all, into
// the raw client's value types, into the generated types by encoding/json
// (generated) and by the suite's decoder (suite, pipeline.Unmarshal) (value fields
// too since internal/genoverlay; a pointer per optional field cost 27,000
// more allocations). It separates what the model shape costs from what the
// request path costs in BenchmarkListHeaders.
func BenchmarkDecodePage(b *testing.B) {
	srv := benchkit.NewServer(b)
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		for b.Loop() {
			var p benchkit.RawHeaderPage
			if err := json.Unmarshal(srv.Page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		for b.Loop() {
			var p beproductapi.HeaderPage
			if err := json.Unmarshal(srv.Page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	// suite: the generated types decoded the way the suite decodes a
	// list page (pipeline.Unmarshal, issue 20).
	b.Run("suite", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		for b.Loop() {
			var p beproductapi.HeaderPage
			if err := pipeline.Unmarshal(srv.Page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
