// Command summary reads the output of "go test -bench" for the bench
// package and the ogen peer (bench/ogenpeer; benchstat's input format) and
// prints one line per case: the suite/raw and suite/ogen time ratios, allocs
// suite−raw and the suite's B/op, each computed from the medians over the
// runs and marked ok or MISS against the targets of issue 20. The time ratio is given for wall time (ns/op) and, after "cpu",
// for the process's CPU time per operation (cpu-ns/op), the steadier of the
// two on a machine shared with other work. It also prints the cached-token
// line and the peak heap of the 100,000-record iterator. "make bench" runs it; it exits non-zero when the
// input holds a failed test or no benchmark at all, not when a target is
// missed (the lines say so).
//
// Usage: go run ./bench/summary FILE...   (standard input when no FILE)
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// target is what a case must meet (issue 20; issue 9's for the token
// path). A zero field means no target of that kind.
type target struct {
	raw    float64 // most suite/raw time ratio
	ogen   float64 // most suite/ogen time ratio
	allocs float64 // most extra allocations per call than raw
	bytes  float64 // most suite B/op: the figure before issue 20 (docs/PERFORMANCE.md), +1% for noise
}

// cases are the raw/suite/ogen triples, in the order printed.
var cases = []struct {
	name string
	t    target
}{
	{"GetHeader", target{raw: 1.05, allocs: 6, bytes: 12064 * 1.01}},
	{"ListHeaders", target{ogen: 1.0, bytes: 1861296 * 1.01}},
	{"CreateHeader", target{raw: 1.05, allocs: 6, bytes: 14828 * 1.01}},
	{"Iterate100k", target{ogen: 1.0, bytes: 919e6 * 1.01}},
}

// peakPages is the most the suite's iterator may hold: its peak live heap
// in decoded pages.
const peakPages = 1.5

// benchLine matches "BenchmarkName-2   N   value unit   value unit ...".
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

func main() {
	var in []io.Reader
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "summary:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = append(in, f)
	}
	if len(in) == 0 {
		in = append(in, os.Stdin)
	}
	runs, failed, err := parse(io.MultiReader(in...))
	if err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(2)
	}
	if len(runs) == 0 {
		fmt.Fprintln(os.Stderr, "summary: no benchmark results in the input")
		os.Exit(1)
	}
	report(os.Stdout, runs)
	if failed {
		fmt.Fprintln(os.Stderr, "summary: the benchmark run reported FAIL")
		os.Exit(1)
	}
}

// parse collects every value of every unit of every benchmark.
func parse(r io.Reader) (map[string]map[string][]float64, bool, error) {
	runs := map[string]map[string][]float64{}
	failed := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "panic:") {
			failed = true
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		f := strings.Fields(m[2])
		units := runs[m[1]]
		if units == nil {
			units = map[string][]float64{}
			runs[m[1]] = units
		}
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			units[f[i+1]] = append(units[f[i+1]], v)
		}
	}
	return runs, failed, sc.Err()
}

func median(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}

func report(w io.Writer, runs map[string]map[string][]float64) {
	med := func(bench, unit string) (float64, bool) { return median(runs[bench][unit]) }
	fmt.Fprintln(w, "\nsummary (medians over the runs above; targets of issue 20, ok or MISS; time ratios wall, then cpu)")
	// ratio prints "<a>/<b> time ratio W (target ≤T ok; cpu C ok)".
	ratio := func(a, b, name string, limit float64) string {
		at, ok1 := med("Benchmark"+name+"/"+a, "ns/op")
		bt, ok2 := med("Benchmark"+name+"/"+b, "ns/op")
		if !ok1 || !ok2 || bt <= 0 {
			return fmt.Sprintf("%s/%s not run", a, b)
		}
		r := at / bt
		out := fmt.Sprintf("%s/%s time ratio %.3f", a, b, r)
		tgt := "(no target"
		if limit > 0 {
			tgt = fmt.Sprintf("(target ≤%.2f %s", limit, verdict(r <= limit))
		}
		ac, ok1 := med("Benchmark"+name+"/"+a, "cpu-ns/op")
		bc, ok2 := med("Benchmark"+name+"/"+b, "cpu-ns/op")
		if ok1 && ok2 && bc > 0 {
			tgt += fmt.Sprintf("; cpu %.3f", ac/bc)
			if limit > 0 {
				tgt += " " + verdict(ac/bc <= limit)
			}
		}
		return out + " " + tgt + ")"
	}
	for _, c := range cases {
		raw, suite := "Benchmark"+c.name+"/raw", "Benchmark"+c.name+"/suite"
		if _, ok := med(suite, "ns/op"); !ok {
			fmt.Fprintf(w, "%-13s not run\n", c.name)
			continue
		}
		calls, ok := med(suite, "calls/op")
		if !ok || calls <= 0 {
			calls = 1
		}
		per := ""
		if calls > 1 {
			per = fmt.Sprintf(" per call (%.0f calls/op)", calls)
		}
		ra, _ := med(raw, "allocs/op")
		sa, _ := med(suite, "allocs/op")
		rb, _ := med(raw, "B/op")
		sb, _ := med(suite, "B/op")
		da := (sa - ra) / calls
		allocs := fmt.Sprintf("allocs suite−raw %+.0f%s", da, per)
		if c.t.allocs > 0 {
			allocs += fmt.Sprintf(" (target ≤+%.0f %s)", c.t.allocs, verdict(da <= c.t.allocs))
		}
		bytes := fmt.Sprintf("B/op suite %.0f, suite−raw %+.0f%s", sb, (sb-rb)/calls, per)
		if c.t.bytes > 0 {
			bytes += fmt.Sprintf(" (target ≤%.0f, no regression, %s)", c.t.bytes, verdict(sb <= c.t.bytes))
		}
		fmt.Fprintf(w, "%-13s %s · %s · %s · %s\n", c.name,
			ratio("suite", "raw", c.name, c.t.raw), ratio("suite", "ogen", c.name, c.t.ogen), allocs, bytes)
	}
	for _, mode := range []string{"serial", "parallel"} {
		b := "BenchmarkTokenSourceCached/" + mode
		ns, ok := med(b, "ns/op")
		if !ok {
			continue
		}
		allocs, _ := med(b, "allocs/op")
		cpu := ""
		if c, ok := med(b, "cpu-ns/op"); ok {
			cpu = fmt.Sprintf(", cpu %.1f ns/op %s", c, verdict(c <= 100))
		}
		fmt.Fprintf(w, "%-13s %-8s %.1f ns/op (target ≤100 %s%s) · %.0f allocs/op (target 0 %s)\n",
			"TokenCached", mode, ns, verdict(ns <= 100), cpu, allocs, verdict(allocs == 0))
	}
	if ns, ok := med("BenchmarkTimeNow", "ns/op"); ok {
		c, _ := med("BenchmarkTimeNow", "cpu-ns/op")
		fmt.Fprintf(w, "%-13s time.Now() alone %.1f ns/op, cpu %.1f ns/op on this machine (the cached path reads the monotonic clock once)\n", "Clock", ns, c)
	}
	for _, mode := range []string{"raw", "suite", "ogen"} {
		b := "BenchmarkIterate100k/" + mode
		peak, ok := med(b, "peak-heap-B")
		if !ok {
			continue
		}
		live, _ := med(b, "peak-live-B")
		page, _ := med(b, "page-B")
		pageLive, _ := med(b, "page-live-B")
		total, _ := med(b, "B/op")
		tgt := ""
		if mode == "suite" {
			tgt = fmt.Sprintf(" (target ≤%.1f %s)", peakPages, verdict(live/pageLive <= peakPages))
		}
		fmt.Fprintf(w, "%-13s %-5s peak heap %.1f MB, peak live %.1f MB = %.2f× one decoded page%s (%.1f MB; JSON %.0f KB); %.0f MB allocated over 100,000 records\n",
			"IterPeakHeap", mode, peak/1e6, live/1e6, live/pageLive, tgt, pageLive/1e6, page/1e3, total/1e6)
	}
	if rd, ok := med("BenchmarkDecodePage/raw", "ns/op"); ok {
		ra, _ := med("BenchmarkDecodePage/raw", "allocs/op")
		line := ""
		for _, m := range []string{"generated", "suite", "ogen"} {
			if d, ok := med("BenchmarkDecodePage/"+m, "ns/op"); ok {
				a, _ := med("BenchmarkDecodePage/"+m, "allocs/op")
				line += fmt.Sprintf(" · %s/raw time %.3f, allocs %s−raw %+.0f", m, d/rd, m, a-ra)
			}
		}
		fmt.Fprintf(w, "%-13s decode only, 200 records%s (the model and decoder, not the request path)\n", "DecodePage", line)
	}
}
