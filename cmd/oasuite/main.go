// Command oasuite is the suite's command-line tool.
//
//	oasuite login <vendor>                log in with the vendor's grant; the token is saved
//	oasuite logout <vendor>               revoke (where the vendor can) and forget the token
//	oasuite token <vendor>                print a valid access token, renewed as needed
//	oasuite call <vendor> METHOD PATH     an authenticated request through the vendor's client
//	oasuite sandbox [vendor ...]          the vendors' fakes on loopback, until interrupted
//	oasuite check <vendor>                a read-only tour with strict response validation
//	oasuite demo [vendor ...]             exercise every vendor client against its built-in fake
//	oasuite completion bash|zsh|fish      a shell completion script
//	oasuite help <command> [vendor]       a command's help
//	oasuite --version                     the suite's version
//
// Tokens are kept with auth.FileStore in <config dir>/tokens (one file per
// vendor and account) and the non-secret settings of each login beside them
// in <config dir>/accounts; secrets come from the environment or the terminal
// and are never saved or printed. See docs/cli.md.
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
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/oasuite/sdk/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `oasuite — typed clients for BidCore, BQE CORE, Bouquet, BeProduct and Procurios

Usage:
  oasuite login <vendor> [flags]              log in and save the token
  oasuite logout <vendor> [flags]             revoke (where the vendor can) and remove the saved token
  oasuite token <vendor> [flags]              print a valid access token (renewed as needed)
  oasuite call <vendor> METHOD PATH [flags]   send an authenticated request, print the answer
  oasuite sandbox [vendor ...]                run the vendors' fakes on loopback
  oasuite check <vendor> [flags]              a read-only tour: where the answers differ from our spec
  oasuite demo [vendor ...]                   exercise the clients against the built-in fakes
  oasuite completion bash|zsh|fish            print a shell completion script
  oasuite help [command [vendor]]             this text, or a command's help
  oasuite --version                           print the version

Run 'oasuite help <command> [vendor]' (or 'oasuite <command> <vendor> --help') for details.
Configuration: flags, or the environment: OASUITE_CONFIG_DIR, OASUITE_ACCOUNT and
<VENDOR>_<SETTING> (e.g. PROCURIOS_HOST, PROCURIOS_CLIENT_SECRET).

Vendors (login, logout, token, call, check, sandbox): %s
Vendors (demo): %s
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, prompt: terminalPrompt(os.Stdin, stderr)}
	return a.run(ctx, args)
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintf(w, usage, strings.Join(vendorNames(), ", "), strings.Join(demoNames(), ", "))
}

// run dispatches a command line.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		a.usage(a.stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		if args[0] == "help" && len(args) > 1 {
			return a.help(ctx, args[1:])
		}
		a.usage(a.stdout)
		return 0
	case "version", "--version", "-version":
		fmt.Fprintf(a.stdout, "oasuite version %s (%s)\n", version.Version, version.Module)
		return 0
	case "completion":
		return a.completion(args[1:])
	case "logout":
		return a.logout(ctx, args[1:])
	case "demo":
		return runDemo(ctx, args[1:], a.stdout, a.stderr)
	case "login":
		return a.login(ctx, args[1:])
	case "token":
		return a.token(ctx, args[1:])
	case "call":
		return a.call(ctx, args[1:])
	case "sandbox":
		return a.sandbox(ctx, args[1:])
	case "check":
		return a.check(ctx, args[1:])
	default:
		fmt.Fprintf(a.stderr, "oasuite: unknown command %q\n", args[0])
		a.usage(a.stderr)
		return 2
	}
}

// help prints the help of a command (and vendor): `oasuite help login
// bqecore` is `oasuite login bqecore --help`.
func (a *app) help(ctx context.Context, args []string) int {
	switch args[0] {
	case "login", "logout", "token", "call", "check", "sandbox", "demo", "completion":
		return a.run(ctx, append(append([]string{args[0]}, args[1:]...), "--help"))
	case "help":
		a.usage(a.stdout)
		return 0
	case "version":
		fmt.Fprintln(a.stdout, "Usage: oasuite --version\n\nPrints the suite's version.")
		return 0
	}
	fmt.Fprintf(a.stderr, "oasuite help: unknown command %q\n", args[0])
	a.usage(a.stderr)
	return 2
}

// terminalPrompt reads secrets from in without echo when it is a terminal;
// it returns nil otherwise (secrets then come from the environment only).
func terminalPrompt(in *os.File, w io.Writer) func(label string) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return nil
	}
	return func(label string) (string, error) {
		fmt.Fprintf(w, "%s: ", label)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(w)
		return string(b), err
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
