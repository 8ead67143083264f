// Command summary reads the output of "go test -bench" for the bench
// package (benchstat's input format) and prints one line per raw/suite case:
// the suite/raw time ratio, allocs suite−raw and B/op suite−raw, each
// computed from the medians over the runs, checked against the targets of
// issue 9. The time ratio is given for wall time (ns/op) and, after "cpu",
// for the process's CPU time per operation (cpu-ns/op), the steadier of the
// two on a machine shared with other work. It also prints the cached-token line and the peak heap of the
// 100,000-record iterator. "make bench" runs it; it exits non-zero when the
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

// target is what a case must meet; a zero ratio means no time target.
type target struct {
	ratio  float64
	allocs float64 // most extra allocations per call
}

// cases are the raw/suite pairs, in the order printed.
var cases = []struct {
	name string
	t    target
}{
	{"GetHeader", target{ratio: 1.15, allocs: 20}},
	{"ListHeaders", target{ratio: 1.10, allocs: 20}},
	{"CreateHeader", target{ratio: 1.15, allocs: 20}},
	{"Iterate100k", target{allocs: 20}},
}

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
	fmt.Fprintln(w, "\nsummary (medians over the runs above; targets of issue 9)")
	for _, c := range cases {
		raw, suite := "Benchmark"+c.name+"/raw", "Benchmark"+c.name+"/suite"
		rt, ok1 := med(raw, "ns/op")
		st, ok2 := med(suite, "ns/op")
		if !ok1 || !ok2 {
			fmt.Fprintf(w, "%-13s not run\n", c.name)
			continue
		}
		ra, _ := med(raw, "allocs/op")
		sa, _ := med(suite, "allocs/op")
		rb, _ := med(raw, "B/op")
		sb, _ := med(suite, "B/op")
		calls, ok := med(suite, "calls/op")
		if !ok || calls <= 0 {
			calls = 1
		}
		ratio := st / rt
		timeTarget := "(no target)"
		if c.t.ratio > 0 {
			timeTarget = fmt.Sprintf("(target ≤%.2f %s)", c.t.ratio, verdict(ratio <= c.t.ratio))
		}
		rc, ok1 := med(raw, "cpu-ns/op")
		sc, ok2 := med(suite, "cpu-ns/op")
		if ok1 && ok2 && rc > 0 {
			cpu := fmt.Sprintf("; cpu %.3f", sc/rc)
			if c.t.ratio > 0 {
				cpu += " " + verdict(sc/rc <= c.t.ratio)
			}
			timeTarget = strings.TrimSuffix(timeTarget, ")") + cpu + ")"
		}
		da := (sa - ra) / calls
		per := ""
		if calls > 1 {
			per = fmt.Sprintf(" per call (%.0f calls/op)", calls)
		}
		fmt.Fprintf(w, "%-13s suite/raw time ratio %.3f %s · allocs suite−raw %+.0f%s (target ≤%.0f %s) · B/op suite−raw %+.0f%s\n",
			c.name, ratio, timeTarget, da, per, c.t.allocs, verdict(da <= c.t.allocs), (sb-rb)/calls, per)
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
	for _, mode := range []string{"raw", "suite"} {
		b := "BenchmarkIterate100k/" + mode
		peak, ok := med(b, "peak-heap-B")
		if !ok {
			continue
		}
		live, _ := med(b, "peak-live-B")
		page, _ := med(b, "page-B")
		pageLive, _ := med(b, "page-live-B")
		total, _ := med(b, "B/op")
		fmt.Fprintf(w, "%-13s %-5s peak heap %.1f MB, peak live %.1f MB = %.1f× one decoded page (%.1f MB; JSON %.0f KB); %.0f MB allocated over 100,000 records\n",
			"IterPeakHeap", mode, peak/1e6, live/1e6, live/pageLive, pageLive/1e6, page/1e3, total/1e6)
	}
	if rd, ok := med("BenchmarkDecodePage/raw", "ns/op"); ok {
		gd, _ := med("BenchmarkDecodePage/generated", "ns/op")
		ra, _ := med("BenchmarkDecodePage/raw", "allocs/op")
		ga, _ := med("BenchmarkDecodePage/generated", "allocs/op")
		fmt.Fprintf(w, "%-13s decode only, 200 records: generated/raw time %.3f · allocs generated−raw %+.0f (the model shape, not the request path)\n",
			"DecodePage", gd/rd, ga-ra)
	}
}
