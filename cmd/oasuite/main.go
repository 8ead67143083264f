// Command oasuite is the suite's command-line tool.
//
//	oasuite demo [vendor ...]   exercise every vendor client against its built-in fake
//
// `oasuite demo` is the README's main job: it starts each vendor's fake on
// loopback, logs in with that vendor's grant and calls typed methods through
// the public client, printing one line per step. It exits non-zero when any
// step fails.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `oasuite — typed clients for BidCore, BQE CORE, Bouquet, BeProduct and Procurios

Usage:
  oasuite demo [vendor ...]   exercise the clients against the built-in fakes
  oasuite help                this text

Vendors: %s
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, strings.Join(demoNames(), ", "))
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, strings.Join(demoNames(), ", "))
		return 0
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "oasuite: unknown command %q\n", args[0])
		fmt.Fprintf(stderr, usage, strings.Join(demoNames(), ", "))
		return 2
	}
}

// demo is one vendor's part of `oasuite demo`.
type demo struct {
	name string
	run  func(ctx context.Context, w io.Writer) error
}

func demoNames() []string {
	var names []string
	for _, d := range demos() {
		names = append(names, d.name)
	}
	return names
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "--help" {
			fmt.Fprintf(stdout, "Usage: oasuite demo [vendor ...]\n\nRuns each vendor's fake on loopback and exercises its client.\nVendors: %s\n", strings.Join(demoNames(), ", "))
			return 0
		}
	}
	want := map[string]bool{}
	for _, a := range args {
		want[strings.ToLower(a)] = true
	}
	failed, ran := 0, 0
	for _, d := range demos() {
		if len(want) > 0 && !want[d.name] {
			continue
		}
		delete(want, d.name)
		ran++
		fmt.Fprintf(stdout, "== %s\n", d.name)
		start := time.Now()
		dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		err := d.run(dctx, stdout)
		cancel()
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "FAIL %s: %v\n", d.name, err)
			continue
		}
		fmt.Fprintf(stdout, "ok   %s (%s)\n", d.name, time.Since(start).Round(time.Millisecond))
	}
	for name := range want {
		fmt.Fprintf(stderr, "oasuite demo: unknown vendor %q (have %s)\n", name, strings.Join(demoNames(), ", "))
		return 2
	}
	fmt.Fprintf(stdout, "demo: %d passed, %d failed\n", ran-failed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
