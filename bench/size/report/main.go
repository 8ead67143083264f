// Command report is `make size`: it builds each vendor's hello-world
// (bench/size/<vendor>) and the x/oauth2-only baseline (bench/size/oauth2only)
// stripped (-ldflags='-s -w'), prints their sizes as a Markdown table (the one
// in docs/PERFORMANCE.md, "Binary size") and fails when a vendor's binary is
// more than -max times the baseline.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

var programs = []string{"oauth2only", "bidcore", "bqecore", "bouquet", "beproduct", "procurios"}

func main() {
	max := flag.Float64("max", 1.4, "the largest vendor/baseline ratio allowed")
	flag.Parse()
	dir, err := os.MkdirTemp("", "oasuite-size-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	goTool := os.Getenv("GO") // make size passes $(GO)
	if goTool == "" {
		goTool = "go"
	}
	sizes := map[string]int64{}
	for _, p := range programs {
		out := filepath.Join(dir, p)
		cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./bench/size/"+p)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fail(fmt.Errorf("building %s: %w", p, err))
		}
		fi, err := os.Stat(out)
		if err != nil {
			fail(err)
		}
		sizes[p] = fi.Size()
	}
	base := sizes["oauth2only"]
	fmt.Printf("Stripped hello-world binaries (%s, %s/%s, -trimpath -ldflags='-s -w'):\n\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Println("| program | bytes | MB | × x/oauth2-only |")
	fmt.Println("|---|---:|---:|---:|")
	over := false
	for _, p := range programs {
		r := float64(sizes[p]) / float64(base)
		name := p
		if p == "oauth2only" {
			name = "x/oauth2 only (baseline)"
		}
		fmt.Printf("| %s | %d | %.2f | %.2f |\n", name, sizes[p], float64(sizes[p])/1e6, r)
		if r > *max {
			over = true
		}
	}
	if over {
		fail(fmt.Errorf("a vendor binary is over %.2f× the baseline", *max))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "size:", err)
	os.Exit(1)
}
