package bench

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// Every case has a raw and a suite sub-benchmark over the same server;
// bench/summary compares them (suite/raw time ratio, allocs suite−raw,
// B/op suite−raw). Besides wall time each reports cpu-ns/op, the process's
// CPU time per operation (client, server and GC together), which stays
// meaningful when other work competes for the machine's cores.

// measureCPU starts counting the process's CPU time; the returned function
// reports it per operation as cpu-ns/op.
func measureCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, ok2 := processCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkGetHeader is the small object GET: GET Style/Header/{id}.
func BenchmarkGetHeader(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv.URL)
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			h, err := c.getHeader(ctx, headerID)
			if err != nil || h.ID != headerID {
				b.Fatal(h, err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := newSuiteClient(b, srv.URL)
		if _, err := suiteGet(ctx, c); err != nil { // fetch the token
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			h, err := suiteGet(ctx, c)
			if err != nil || h == nil || h.Id != headerID {
				b.Fatal(h, err)
			}
		}
	})
}

// BenchmarkListHeaders is one BeProduct-style page of 200 style headers
// (about 3.8 KB of JSON each, 768 KB in all): POST Style/Headers.
func BenchmarkListHeaders(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv.URL)
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.page)))
		defer measureCPU(b)()
		for b.Loop() {
			p, err := c.listHeaders(ctx, folderID, pageSize, 0)
			if err != nil || len(p.Result) != pageSize {
				b.Fatal(err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := newSuiteClient(b, srv.URL)
		if _, err := suiteList(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.page)))
		defer measureCPU(b)()
		for b.Loop() {
			p, err := suiteList(ctx, c)
			if err != nil || len(p.Result) != pageSize {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateHeader is the create POST: POST Style/Header/Create with a
// JSON body, answered by the created header.
func BenchmarkCreateHeader(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv.URL)
		body := createBody()
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			h, err := c.createHeader(ctx, folderID, body)
			if err != nil || h.ID != headerID {
				b.Fatal(err)
			}
		}
	})
	b.Run("suite", func(b *testing.B) {
		c := newSuiteClient(b, srv.URL)
		body := suiteCreateBody()
		if _, err := suiteCreate(ctx, c, body); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			h, err := suiteCreate(ctx, c, body)
			if err != nil || h == nil || h.Id != headerID {
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
	srv := newServer(b)
	ctx := context.Background()
	opts := beproduct.ListOptions{FolderID: iterFolderID, PageSize: pageSize}
	report := func(b *testing.B, p *heapPeak, pageLive uint64) {
		obj, live := p.stop()
		b.ReportMetric(float64(iterTotal/pageSize), "calls/op")
		b.ReportMetric(float64(len(srv.iterPage)), "page-B")
		b.ReportMetric(float64(pageLive), "page-live-B")
		b.ReportMetric(float64(obj), "peak-heap-B")
		b.ReportMetric(float64(live), "peak-live-B")
	}
	b.Run("raw", func(b *testing.B) {
		c := newRawClient(srv.URL)
		pageLive := liveBytesOf(func() any {
			var p rawHeaderPage
			_ = json.Unmarshal(srv.iterPage, &p)
			return &p
		})
		b.ReportAllocs()
		p := startHeapPeak()
		defer measureCPU(b)()
		for b.Loop() {
			n := 0
			for h, err := range c.headers(ctx, iterFolderID, pageSize) {
				if err != nil || h.ID == "" {
					b.Fatal(err)
				}
				n++
			}
			if n != iterTotal {
				b.Fatalf("iterated %d records, want %d", n, iterTotal)
			}
		}
		report(b, p, pageLive)
	})
	b.Run("suite", func(b *testing.B) {
		c := newSuiteClient(b, srv.URL)
		if _, err := suiteGet(ctx, c); err != nil {
			b.Fatal(err)
		}
		pageLive := liveBytesOf(func() any {
			var p beproductapi.HeaderPage
			_ = json.Unmarshal(srv.iterPage, &p)
			return &p
		})
		b.ReportAllocs()
		p := startHeapPeak()
		defer measureCPU(b)()
		for b.Loop() {
			n := 0
			for h, err := range c.Headers(ctx, beproduct.Style, opts) {
				if err != nil || h.Id == "" {
					b.Fatal(err)
				}
				n++
			}
			if n != iterTotal {
				b.Fatalf("iterated %d records, want %d", n, iterTotal)
			}
		}
		report(b, p, pageLive)
	})
}

// BenchmarkTokenSourceCached is the cached path of auth.Source, taken by
// every request while the token is fresh (target: ≤100 ns/op, 0 allocs/op).
func BenchmarkTokenSourceCached(b *testing.B) {
	src := auth.NewSource(tokenFetcher(), auth.WithToken(&oauth2.Token{AccessToken: accessToken, Expiry: time.Now().Add(time.Hour)}))
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		defer measureCPU(b)()
		for b.Loop() {
			if t, err := src.TokenContext(ctx); err != nil || t == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		defer measureCPU(b)()
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
	defer measureCPU(b)()
	for b.Loop() {
		t = time.Now()
	}
	_ = t
}

// BenchmarkDecodePage decodes the 200-record page with no HTTP at all, into
// the raw client's value types and into the generated types (value fields
// too since internal/genoverlay; a pointer per optional field cost 27,000
// more allocations). It separates what the model shape costs from what the
// request path costs in BenchmarkListHeaders.
func BenchmarkDecodePage(b *testing.B) {
	srv := newServer(b)
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.page)))
		for b.Loop() {
			var p rawHeaderPage
			if err := json.Unmarshal(srv.page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.page)))
		for b.Loop() {
			var p beproductapi.HeaderPage
			if err := json.Unmarshal(srv.page, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// liveBytesOf returns how much live heap the value made by decode holds:
// one decoded page, for comparison with the iterator's peak.
func liveBytesOf(decode func() any) uint64 {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	runtime.GC()
	metrics.Read(live)
	before := live[0].Value.Uint64()
	v := decode()
	runtime.GC()
	metrics.Read(live)
	after := live[0].Value.Uint64()
	runtime.KeepAlive(v)
	if after < before {
		return 0
	}
	return after - before
}

// heapPeak samples the heap from a goroutine until stopped.
type heapPeak struct {
	done      chan struct{}
	wg        sync.WaitGroup
	obj, live uint64
	// base is the heap before the benchmark: the server's fixed payloads
	// and the test harness.
	baseObj, baseLive uint64
}

// startHeapPeak collects garbage, notes the heap as the baseline, then
// samples it every 100µs.
func startHeapPeak() *heapPeak {
	runtime.GC()
	p := &heapPeak{done: make(chan struct{})}
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(samples)
	p.baseObj, p.baseLive = samples[0].Value.Uint64(), samples[1].Value.Uint64()
	tick := time.NewTicker(100 * time.Microsecond)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer tick.Stop()
		for {
			metrics.Read(samples)
			p.obj = max(p.obj, samples[0].Value.Uint64())
			p.live = max(p.live, samples[1].Value.Uint64())
			select {
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// stop ends sampling and returns the peaks above the baseline.
func (p *heapPeak) stop() (obj, live uint64) {
	close(p.done)
	p.wg.Wait()
	return p.obj - min(p.obj, p.baseObj), p.live - min(p.live, p.baseLive)
}
