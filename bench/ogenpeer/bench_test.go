package ogenpeer

import (
	"context"
	"testing"

	"github.com/oasuite/sdk/bench/benchkit"
	"github.com/oasuite/sdk/bench/ogenpeer/api"
)

// The ogen cases of bench/'s benchmarks, same names with the sub-benchmark
// "ogen", over the same loopback server and payloads (benchkit), so that
// bench/summary can set them beside raw and suite. "make bench" runs this
// binary right after bench/'s in every round.

func BenchmarkGetHeader(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("ogen", func(b *testing.B) {
		c, err := newOgenClient(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ogenGet(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := ogenGet(ctx, c)
			if err != nil || h.ID != benchkit.HeaderID {
				b.Fatal(h, err)
			}
		}
	})
}

func BenchmarkListHeaders(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("ogen", func(b *testing.B) {
		c, err := newOgenClient(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			p, err := ogenList(ctx, c, benchkit.FolderID, 0)
			if err != nil || len(p.Result) != benchkit.PageSize {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCreateHeader(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("ogen", func(b *testing.B) {
		c, err := newOgenClient(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		body, err := ogenCreateBody()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			h, err := ogenCreate(ctx, c, body)
			if err != nil || h.ID != benchkit.HeaderID {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkIterate100k(b *testing.B) {
	srv := benchkit.NewServer(b)
	ctx := context.Background()
	b.Run("ogen", func(b *testing.B) {
		c, err := newOgenClient(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		pageLive := benchkit.LiveBytesOf(func() any {
			var p api.HeaderPage
			_ = p.UnmarshalJSON(srv.IterPage)
			return &p
		})
		b.ReportAllocs()
		p := benchkit.StartHeapPeak()
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			n := 0
			for h, err := range ogenHeaders(ctx, c, benchkit.IterFolderID) {
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
}

// BenchmarkDecodePage/ogen is the 200-record page decoded by ogen's
// generated decoder, no HTTP.
func BenchmarkDecodePage(b *testing.B) {
	srv := benchkit.NewServer(b)
	b.Run("ogen", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		for b.Loop() {
			var p api.HeaderPage
			if err := p.UnmarshalJSON(srv.Page); err != nil {
				b.Fatal(err)
			}
		}
	})
}
