package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oasuite/sdk/bench/benchkit"
	"github.com/oasuite/sdk/beproduct"
)

// uploadSize is the file of BenchmarkUpload: 50 MiB.
const uploadSize = 50 << 20

// maxUploadHeap is the most the heap may grow during one upload (issue 16:
// the file is streamed, never held whole).
const maxUploadHeap = 8 << 20

// uploadServer takes multipart uploads under /api/acme and counts the bytes
// of their file part, reading it as a stream.
func uploadServer(tb testing.TB, got *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		part, err := mr.NextPart()
		if err != nil || part.FormName() != "file" {
			http.Error(w, "no file part", http.StatusBadRequest)
			return
		}
		n, err := io.Copy(io.Discard, part)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		got.Store(n)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"imageId":"img-1"}`)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// pattern is an endless reader of non-zero bytes (nothing compresses or
// short-cuts them).
type pattern struct{ n int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.n%251) + 1
		p.n++
	}
	return len(b), nil
}

// heapPeak samples the heap's object bytes every millisecond until stop is
// closed, and returns the highest growth over base.
func uploadHeapPeak(stop <-chan struct{}, base uint64) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// BenchmarkUpload sends a 50 MiB file as a header image through the public
// client (token, pipeline, multipart from Client.Multipart) to a loopback
// server, from a path and from a plain reader, and reports the heap's
// highest growth during an upload (peak-heap-MiB). It fails when that
// reaches 8 MiB: the file must stream, not sit in memory.
func BenchmarkUpload(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, &pattern{}, uploadSize); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	var got atomic.Int64
	srv := uploadServer(b, &got)
	c := benchkit.NewSuiteClient(b, srv.URL)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		file func() beproduct.File
	}{
		{"path", func() beproduct.File { return beproduct.FileFromPath(path) }},
		{"reader", func() beproduct.File {
			return beproduct.FileFromReader("big.bin", io.LimitReader(&pattern{}, uploadSize))
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(uploadSize)
			var worst uint64
			var mu sync.Mutex
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				base := heapNow()
				stop := make(chan struct{})
				peak := uploadHeapPeak(stop, base)
				b.StartTimer()
				id, err := c.UploadHeaderImage(ctx, beproduct.Style, benchkit.HeaderID, beproduct.PositionDefault, tc.file())
				b.StopTimer()
				close(stop)
				p := <-peak
				if err != nil || id != "img-1" || got.Load() != uploadSize {
					b.Fatalf("upload: %q, %v; the server read %d bytes", id, err, got.Load())
				}
				mu.Lock()
				worst = max(worst, p)
				mu.Unlock()
				b.StartTimer()
			}
			b.ReportMetric(float64(worst)/(1<<20), "peak-heap-MiB")
			if worst >= maxUploadHeap {
				b.Fatalf("the heap grew by %s during a 50 MiB upload (limit %s)", mib(worst), mib(maxUploadHeap))
			}
		})
	}
}

func mib(n uint64) string { return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20)) }
