package benchkit

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// MeasureCPU starts counting the process's CPU time; the returned function
// reports it per operation as cpu-ns/op.
func MeasureCPU(b *testing.B) func() {
	start, ok := ProcessCPU()
	return func() {
		end, ok2 := ProcessCPU()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// LiveBytesOf returns how much live heap the value made by decode holds:
// one decoded page, for comparison with the iterator's peak. decode runs
// once before the measurement, so that what a decoder keeps for its next
// call (type caches, pooled buffers) is in the baseline, not in the page.
func LiveBytesOf(decode func() any) uint64 {
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	runtime.KeepAlive(decode())
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

// HeapPeak samples the heap from a goroutine until stopped.
type HeapPeak struct {
	done      chan struct{}
	wg        sync.WaitGroup
	obj, live uint64
	// base is the heap before the benchmark: the server's fixed payloads
	// and the test harness.
	baseObj, baseLive uint64
}

// StartHeapPeak collects garbage, notes the heap as the baseline, then
// samples it every 100µs.
func StartHeapPeak() *HeapPeak {
	runtime.GC()
	p := &HeapPeak{done: make(chan struct{})}
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
func (p *HeapPeak) Stop() (obj, live uint64) {
	close(p.done)
	p.wg.Wait()
	return p.obj - min(p.obj, p.baseObj), p.live - min(p.live, p.baseLive)
}

// ReportIteration adds what the summary needs about a run of the
// 100,000-record iterator: calls/op (requests per iteration, so that the
// summary can give allocations per call), page-B (the JSON of one page),
// page-live-B (the live heap of one decoded page, measured apart) and the
// peaks p saw (peak-heap-B, peak-live-B).
func ReportIteration(b *testing.B, srv *Server, p *HeapPeak, pageLive uint64) {
	obj, live := p.Stop()
	b.ReportMetric(float64(IterTotal/PageSize), "calls/op")
	b.ReportMetric(float64(len(srv.IterPage)), "page-B")
	b.ReportMetric(float64(pageLive), "page-live-B")
	b.ReportMetric(float64(obj), "peak-heap-B")
	b.ReportMetric(float64(live), "peak-live-B")
}
