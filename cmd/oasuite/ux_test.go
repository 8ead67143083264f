package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/oasuite/sdk/version"
)

func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		out, errOut, code := runApp(t, nil, "", arg)
		if code != 0 || out != "oasuite version "+version.Version+" ("+version.Module+")\n" || errOut != "" {
			t.Errorf("oasuite %s: exit %d, %q %q", arg, code, out, errOut)
		}
	}
}

// TestHelpCommand: `oasuite help <command> [vendor]` prints that command's
// help, the same text as `oasuite <command> [vendor] --help`.
func TestHelpCommand(t *testing.T) {
	for _, args := range [][]string{
		{"login"}, {"login", "bqecore"}, {"logout", "procurios"}, {"token"}, {"call", "bouquet"},
		{"check", "beproduct"}, {"sandbox"}, {"demo"}, {"completion"},
	} {
		viaHelp, errOut, code := runApp(t, nil, "", append([]string{"help"}, args...)...)
		direct, _, _ := runApp(t, nil, "", append(args, "--help")...)
		if code != 0 || errOut != "" || viaHelp != direct || !strings.Contains(viaHelp, "Usage: oasuite "+args[0]) {
			t.Errorf("help %v: exit %d, stderr %q\n%s\n--- want ---\n%s", args, code, errOut, viaHelp, direct)
		}
	}
	if _, errOut, code := runApp(t, nil, "", "help", "nosuchcommand"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("help nosuchcommand: exit %d %q", code, errOut)
	}
}

// examplesOf returns the Examples section of a help text.
func examplesOf(help string) string {
	_, ex, _ := strings.Cut(help, "\nExamples:\n")
	return ex
}

// TestLoginHelpShowsItsVendorsExamples: each vendor's login (and call) help
// shows examples of that vendor only.
func TestLoginHelpShowsItsVendorsExamples(t *testing.T) {
	for _, cmd := range []string{"login", "call", "token", "logout"} {
		for _, v := range vendorNames() {
			out, _, code := runApp(t, nil, "", cmd, v, "--help")
			ex := examplesOf(out)
			if code != 0 || !strings.Contains(ex, "oasuite "+cmd+" "+v) {
				t.Errorf("%s %s --help: exit %d, examples:\n%s", cmd, v, code, ex)
			}
			for _, other := range vendorNames() {
				if other != v && strings.Contains(ex, " "+other+" ") {
					t.Errorf("%s %s --help shows an example of %s:\n%s", cmd, v, other, ex)
				}
			}
		}
	}
}

// TestCompletionFlagsMatchTheParser: the flags completion offers for each
// vendor command are the ones the command accepts.
func TestCompletionFlagsMatchTheParser(t *testing.T) {
	cmds := map[string]command{"login": loginCommand(), "logout": logoutCommand(), "token": tokenCommand(),
		"call": callCommand(&callOpts{}), "check": checkCommand(&checkOpts{})}
	if len(cmds) != len(vendorCommands) {
		t.Fatalf("vendorCommands %v do not match %d commands", vendorCommands, len(cmds))
	}
	for _, name := range vendorCommands {
		for _, v := range vendors() {
			var parsed []string
			vendorFlagSet(cmds[name], v.info(), &commonOpts{}, map[string]string{}).VisitAll(func(f *flag.Flag) { parsed = append(parsed, f.Name) })
			parsed = append(parsed, "help") // the flag package's own
			sort.Strings(parsed)
			if got := flagsOf(name, v); !reflect.DeepEqual(got, parsed) {
				t.Errorf("%s %s: completion offers %v, the parser takes %v", name, v.info().name, got, parsed)
			}
		}
	}
}

// complete runs the bash completion function on a command line (the last
// word is the one being completed) and returns its candidates.
func complete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	var q []string
	for _, w := range words {
		q = append(q, shellQuote(w))
		if w == "" {
			q[len(q)-1] = "''"
		}
	}
	prog := "source " + shellQuote(script) + "\nCOMP_WORDS=(" + strings.Join(q, " ") + ")\nCOMP_CWORD=" +
		strconv.Itoa(len(words)-1) + "\n_oasuite\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	out, err := exec.Command("bash", "-c", prog).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}

func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	scripts := map[string]string{}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out, errOut, code := runApp(t, nil, "", "completion", sh)
		if code != 0 || errOut != "" || out == "" {
			t.Fatalf("completion %s: exit %d %q", sh, code, errOut)
		}
		p := filepath.Join(dir, "oasuite."+sh)
		if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
		scripts[sh] = p
		if path, err := exec.LookPath(sh); err == nil { // syntax check where the shell is installed
			if out, err := exec.Command(path, "-n", p).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
		}
	}
	if _, _, code := runApp(t, nil, "", "completion", "tcsh"); code != 2 {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is needed to run the bash completion")
	}
	for _, c := range []struct {
		words []string
		want  []string
	}{
		{[]string{"oasuite", "lo"}, []string{"login", "logout"}},
		{[]string{"oasuite", "--v"}, []string{"--version"}},
		{[]string{"oasuite", "login", "b"}, []string{"bidcore", "bqecore", "bouquet", "beproduct"}},
		{[]string{"oasuite", "login", "bidcore", "--u"}, []string{"--username"}},
		{[]string{"oasuite", "login", "procurios", "--grant", ""}, []string{"code", "client"}},
		{[]string{"oasuite", "call", "bqecore", "P"}, []string{"POST", "PUT", "PATCH"}},
		{[]string{"oasuite", "call", "bqecore", "GET", "/activity", "--val"}, []string{"--validate"}},
		{[]string{"oasuite", "call", "bqecore", "GET", "/activity", "--validate", "s"}, []string{"strict"}},
		{[]string{"oasuite", "check", "beproduct", "--comp"}, []string{"--company"}},
		{[]string{"oasuite", "completion", ""}, []string{"bash", "zsh", "fish"}},
		{[]string{"oasuite", "help", "com"}, []string{"completion"}},
		{[]string{"oasuite", "sandbox", "pro"}, []string{"procurios"}},
	} {
		if got := complete(t, scripts["bash"], c.words...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("complete %q = %q, want %q", c.words, got, c.want)
		}
	}
	zsh, _ := os.ReadFile(scripts["zsh"])
	if !strings.Contains(string(zsh), "bashcompinit") || !strings.Contains(string(zsh), "complete -F _oasuite oasuite") {
		t.Errorf("the zsh script does not register the completion:\n%s", zsh)
	}
	fish, _ := os.ReadFile(scripts["fish"])
	for _, want := range []string{
		"complete -c oasuite -n '__fish_use_subcommand' -a logout",
		"complete -c oasuite -n '__fish_seen_subcommand_from login; and __fish_seen_subcommand_from procurios' -l grant -xa 'code client'",
		"complete -c oasuite -n '__fish_seen_subcommand_from call; and __fish_seen_subcommand_from bqecore' -l validate -xa 'off log strict'",
		"complete -c oasuite -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'",
	} {
		if !strings.Contains(string(fish), want) {
			t.Errorf("the fish script lacks %q", want)
		}
	}
}

// sandboxLines drops the informational "sandbox: <vendor> fake at URL" line.
func sandboxLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "sandbox: ") {
			out = append(out, l)
		}
	}
	return out
}

// TestSandboxPrintsNoPrompts: under --sandbox the fake plays the browser, so
// a login prints nothing that would ask something of the user.
func TestSandboxPrintsNoPrompts(t *testing.T) {
	for _, v := range vendors() {
		info := v.info()
		for _, g := range info.grants {
			out, errOut, code := runApp(t, nil, "", "login", info.name, "--sandbox", "--grant", g)
			if code != 0 || !strings.Contains(out, "Logged in") {
				t.Errorf("login %s --sandbox --grant %s: exit %d\n%s%s", info.name, g, code, out, errOut)
			}
			if rest := sandboxLines(errOut); len(rest) != 0 {
				t.Errorf("login %s --sandbox --grant %s printed prompts: %q", info.name, g, rest)
			}
		}
	}
	// --no-browser under --sandbox does ask the user: the prompts stay.
	_, errOut, _ := runApp(t, nil, "", "login", "procurios", "--sandbox", "--grant", "code", "--no-browser", "--timeout", "1s")
	if !strings.Contains(errOut, "Open this URL") || !strings.Contains(errOut, "Paste that whole address") {
		t.Errorf("--sandbox --no-browser lost its prompts: %s", errOut)
	}
}

// TestCallErrorBodyOnStdout: a non-2xx answer prints its body on stdout and
// the one-line typed error on stderr (as gh api does), exit 1.
func TestCallErrorBodyOnStdout(t *testing.T) {
	for _, v := range vendorNames() {
		out, errOut, code := runApp(t, nil, "", "call", v, "GET", listPath[v]+"/no-such-thing-4242", "--sandbox")
		rest := sandboxLines(errOut)
		if code != 1 || strings.TrimSpace(out) == "" || len(rest) != 1 || !strings.HasPrefix(rest[0], "oasuite call: ") {
			t.Errorf("call %s (404): exit %d\nstdout: %q\nstderr: %q", v, code, out, rest)
		}
	}
	// A 2xx answer keeps its status line on stderr and the body on stdout.
	out, errOut, code := runApp(t, nil, "", "call", "bqecore", "GET", "/activity", "--sandbox")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") || !strings.Contains(errOut, "200 OK") {
		t.Errorf("call bqecore (200): exit %d %q %q", code, out, errOut)
	}
}

// TestVerboseShowsRedactedRequests: --verbose prints each attempt's request
// and answer line, and never the token (Bouquet sends it in the query).
func TestVerboseShowsRedactedRequests(t *testing.T) {
	for _, v := range vendors() {
		info := v.info()
		t.Run(info.name, func(t *testing.T) {
			env, f := storedLogin(t, v)
			tokOut, _, _ := runApp(t, env, "", "token", info.name)
			tok := strings.TrimSpace(tokOut)
			if tok == "" {
				t.Fatal("no token")
			}
			_, errOut, code := runApp(t, env, "", "call", info.name, "GET", listPath[info.name], "--verbose")
			if code != 0 || !strings.Contains(errOut, "> GET "+strings.TrimSuffix(f.url, "/")) || !strings.Contains(errOut, "< 200 OK (") {
				t.Errorf("call --verbose: exit %d\n%s", code, errOut)
			}
			noSecret(t, []string{tok}, errOut)
			_, errOut, _ = runApp(t, env, "", "call", info.name, "GET", listPath[info.name]+"/no-such-thing-4242", "--verbose")
			if !strings.Contains(errOut, "< 404 Not Found (") {
				t.Errorf("call --verbose (404):\n%s", errOut)
			}
			noSecret(t, []string{tok}, errOut)
			// Without --verbose, no such lines.
			if _, errOut, _ = runApp(t, env, "", "call", info.name, "GET", listPath[info.name]); strings.Contains(errOut, "> GET") {
				t.Errorf("call without --verbose printed request lines:\n%s", errOut)
			}
		})
	}
}

// storedLogin starts the vendor's fake, logs in to it with a stored token
// and returns the environment pointing at it.
func storedLogin(t *testing.T, v vendor) (map[string]string, *fake) {
	t.Helper()
	info := v.info()
	f, err := v.sandbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.close)
	env := map[string]string{"OASUITE_CONFIG_DIR": t.TempDir()}
	for k, val := range f.values {
		env[envName(info.name, k)] = val
	}
	sb := &sandboxBrowser{}
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return env[k] },
		browser: sb.open, paste: sb.paste}
	if code := a.run(context.Background(), []string{"login", info.name, "--grant", f.grant}); code != 0 {
		t.Fatalf("login --grant %s: exit %d", f.grant, code)
	}
	return env, f
}

// TestLogout: logout revokes the token where the vendor can (the fake then
// refuses it), removes the stored token and settings, and a second logout
// says there is nothing to log out of.
func TestLogout(t *testing.T) {
	refused := map[string]func(t *testing.T, f *fake, tok string) bool{
		"bqecore": func(t *testing.T, f *fake, tok string) bool {
			req, _ := http.NewRequest(http.MethodGet, f.url+"/activity", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			body := get(t, req)
			return strings.Contains(body, "Not authenticated")
		},
		"bouquet": func(t *testing.T, f *fake, tok string) bool {
			req, _ := http.NewRequest(http.MethodGet, f.url+"/rs/projects", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			return strings.Contains(get(t, req), "InvalidTokenAPIException")
		},
	}
	for _, v := range vendors() {
		info := v.info()
		t.Run(info.name, func(t *testing.T) {
			env, f := storedLogin(t, v)
			tokOut, _, _ := runApp(t, env, "", "token", info.name)
			tok := strings.TrimSpace(tokOut)
			if check, ok := refused[info.name]; ok && check(t, f, tok) {
				t.Fatalf("%s refuses the token before logout: the check proves nothing", info.name)
			}
			out, errOut, code := runApp(t, env, "", "logout", info.name)
			if code != 0 || !strings.Contains(out, "Logged out of "+info.title) {
				t.Fatalf("logout: exit %d %q %q", code, out, errOut)
			}
			_, canRevoke := v.(revoker)
			if canRevoke != strings.Contains(out, "revoked") {
				t.Errorf("logout of %s (revoker %v) said %q", info.name, canRevoke, out)
			}
			if check, ok := refused[info.name]; ok != canRevoke {
				t.Errorf("%s: no revocation check for a revoker, or one for a vendor without revocation", info.name)
			} else if ok && !check(t, f, tok) {
				t.Errorf("%s still accepts the token after logout", info.name)
			}
			dir := env["OASUITE_CONFIG_DIR"]
			for _, p := range []string{filepath.Join(dir, "tokens", info.name+".default.json"), filepath.Join(dir, "accounts", info.name+".default.json")} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%s is still there after logout (%v)", p, err)
				}
			}
			if _, errOut, code := runApp(t, env, "", "token", info.name); code != 1 || !strings.Contains(errOut, "not logged in") {
				t.Errorf("token after logout: exit %d %q", code, errOut)
			}
			if _, errOut, code := runApp(t, env, "", "logout", info.name); code != 1 || !strings.Contains(errOut, "not logged in") {
				t.Errorf("second logout: exit %d %q", code, errOut)
			}
			noSecret(t, []string{tok}, out, errOut)
		})
	}
	if _, errOut, code := runApp(t, nil, "", "logout", "procurios", "--sandbox"); code != 2 || !strings.Contains(errOut, "nothing to log out") {
		t.Errorf("logout --sandbox: exit %d %q", code, errOut)
	}
}

func get(t *testing.T, req *http.Request) string {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status + " " + string(b)
}
