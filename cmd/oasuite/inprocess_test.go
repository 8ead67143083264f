package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runApp runs the command in this process (under the race detector when
// the tests run with -race).
func runApp(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var o, e bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &o, stderr: &e, getenv: func(k string) string { return env[k] }}
	code = a.run(ctx, args)
	return o.String(), e.String(), code
}

func TestSandboxFlag(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OASUITE_CONFIG_DIR": dir, "PROCURIOS_HOST": "must-not-be-used.example"}
	out, errOut, code := runApp(t, env, "", "token", "procurios", "--sandbox")
	if code != 0 || strings.TrimSpace(out) == "" || !strings.Contains(errOut, "sandbox: Procurios fake at http://127.0.0.1:") {
		t.Fatalf("token --sandbox: exit %d %s %s", code, out, errOut)
	}
	// @- with no input is an empty body, which is not JSON.
	if _, errOut, code = runApp(t, env, "", "call", "procurios", "POST", "/meeting2_api/meetings", "--sandbox", "--data", "@-"); code != 2 {
		t.Errorf("call --data @- without input: exit %d: %s", code, errOut)
	}
	out, errOut, code = runApp(t, env, `{"title":"AGM","start":"2027-03-01T19:30:00+01:00","end":"2027-03-01T22:00:00+01:00"}`,
		"call", "procurios", "POST", "/meeting2_api/meetings", "--sandbox", "--data", "@-", "--include")
	if code != 0 || !strings.Contains(out, "meetingId") || !strings.Contains(errOut, "Content-Type: ") {
		t.Fatalf("call --sandbox --data @-: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = runApp(t, env, "", "login", "procurios", "--sandbox")
	if code != 0 || !strings.Contains(out, "sandbox") {
		t.Fatalf("login --sandbox: exit %d %s %s", code, out, errOut)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("--sandbox wrote to the config directory: %v", entries)
	}
	// A loopback code login at the Procurios fake, which registers no
	// loopback redirect, is refused at once with the fake's reason.
	start := time.Now()
	_, errOut, code = runApp(t, env, "", "login", "procurios", "--sandbox", "--grant", "code", "--redirect-url", "", "--timeout", "20s")
	if code != 1 || !strings.Contains(errOut, "redirect_uri does not match") || time.Since(start) > 10*time.Second {
		t.Errorf("loopback code login at the Procurios fake: exit %d after %v: %s", code, time.Since(start), errOut)
	}
	// With its https redirect, the sandbox browser "pastes" the address.
	out, errOut, code = runApp(t, env, "", "login", "procurios", "--sandbox", "--grant", "code")
	if code != 0 || !strings.Contains(out, "authorization code") {
		t.Errorf("code login at the Procurios fake: exit %d: %s %s", code, out, errOut)
	}
	if strings.Contains(out+errOut, "code=") && !strings.Contains(out+errOut, "code=...") {
		t.Errorf("the output shows the authorization code: %s %s", out, errOut)
	}
}

// listPath is a GET every vendor's fake answers with 200.
var listPath = map[string]string{
	"bidcore":   "/advertisers/",
	"bqecore":   "/activity",
	"bouquet":   "/rs/projects",
	"beproduct": "/Style/Folders",
	"procurios": "/meeting2_api/meetings",
}

// TestVendorsInProcess runs every vendor's grants under --sandbox, then a
// stored-token session (login, token, call, renewal after expiry) against
// the vendor's fake, all in this process.
func TestVendorsInProcess(t *testing.T) {
	for _, v := range vendors() {
		info := v.info()
		t.Run(info.name, func(t *testing.T) {
			t.Parallel()
			path, ok := listPath[info.name]
			if !ok {
				t.Fatalf("no list path for %s", info.name)
			}
			env := map[string]string{"OASUITE_CONFIG_DIR": t.TempDir()}
			if out, errOut, code := runApp(t, env, "", "call", info.name, "GET", path, "--sandbox"); code != 0 || out == "" {
				t.Errorf("call --sandbox: exit %d\n%s%s", code, out, errOut)
			}

			f, err := v.sandbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer f.close()
			for k, val := range f.values {
				env[envName(info.name, k)] = val
			}
			// The user's part of a code login: the fake's browser player.
			sb := &sandboxBrowser{}
			a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return env[k] },
				browser: sb.open, paste: sb.paste}
			if code := a.run(context.Background(), []string{"login", info.name, "--grant", f.grant}); code != 0 {
				t.Fatalf("login --grant %s: exit %d", f.grant, code)
			}
			out, errOut, code := runApp(t, env, "", "token", info.name)
			tok := strings.TrimSpace(out)
			if code != 0 || tok == "" {
				t.Fatalf("token: exit %d %s", code, errOut)
			}
			if out, errOut, code := runApp(t, env, "", "call", info.name, "GET", path, "--include"); code != 0 || !strings.Contains(errOut, "200") {
				t.Errorf("call: exit %d\n%s%s", code, out, errOut)
			}
			if out, errOut, code := runApp(t, env, "", "call", info.name, "GET", path+"/no-such-thing-4242"); code != 1 || strings.Contains(out+errOut, tok) {
				t.Errorf("failing call: exit %d\n%s%s", code, out, errOut)
			}
			// Renewal after expiry: a new token, or, for a code login that
			// brought no refresh token (the Procurios fake gives none), a
			// request to log in again.
			tokFile := filepath.Join(env["OASUITE_CONFIG_DIR"], "tokens", info.name+".default.json")
			stored, err := os.ReadFile(tokFile)
			if err != nil {
				t.Fatal(err)
			}
			renewable := f.grant != grantCode || strings.Contains(string(stored), `"refresh_token"`)
			expireStoredToken(t, tokFile)
			out, errOut, code = runApp(t, env, "", "token", info.name)
			switch {
			case renewable && (code != 0 || strings.TrimSpace(out) == tok):
				t.Errorf("token after expiry: exit %d, %q %s", code, out, errOut)
			case !renewable && (code != 1 || !strings.Contains(errOut, "oasuite login "+info.name+"' again")):
				t.Errorf("token after expiry without a refresh token: exit %d, %q %s", code, out, errOut)
			}
		})
	}
}

func TestCallURL(t *testing.T) {
	for _, c := range []struct {
		base, path string
		query      []string
		want       string
	}{
		{"https://h.example/api", "/x", nil, "https://h.example/api/x"},
		{"https://h.example/api/", "x/y", []string{"a=1", "b=2 3"}, "https://h.example/api/x/y?a=1&b=2+3"},
		{"https://h.example/api", "/x?p=1", []string{"q=2"}, "https://h.example/api/x?p=1&q=2"},
		{"https://h.example/api", "https://h.example/api/x", nil, "https://h.example/api/x"},
	} {
		got, err := callURL(c.base, c.path, c.query)
		if err != nil || got != c.want {
			t.Errorf("callURL(%q, %q, %q) = %q, %v; want %q", c.base, c.path, c.query, got, err, c.want)
		}
	}
	for _, p := range []string{"https://evil.example/api/x", "https://h.example/other", "http://h.example/api/x"} {
		if _, err := callURL("https://h.example/api", p, nil); err == nil {
			t.Errorf("callURL accepted %q", p)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{"abc": "abc", "http://127.0.0.1:1/x": "http://127.0.0.1:1/x", "a b": "'a b'", "it's": `'it'\''s'`, "": "''"} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestHelpInProcess(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"sandbox", "--help"}, {"login", "--help"}} {
		if out, errOut, code := runApp(t, nil, "", args...); code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}
	for _, v := range vendorNames() {
		out, _, code := runApp(t, nil, "", "call", v, "--help")
		if code != 0 || !strings.Contains(out, "--data JSON|@file") || !strings.Contains(out, "$"+envName(v, "client-id")[:len(v)+1]) {
			t.Errorf("call %s --help: exit %d\n%s", v, code, out)
		}
		if strings.Contains(out, "--client-secret") || strings.Contains(out, "--password") {
			t.Errorf("call %s --help offers a secret as a flag:\n%s", v, out)
		}
	}
}

// TestPasswordPrompt: without BIDCORE_PASSWORD, the password is read from
// the terminal (the prompt hook), labelled, and never echoed in the output.
func TestPasswordPrompt(t *testing.T) {
	f, err := bidcoreVendor{}.sandbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	env := map[string]string{"OASUITE_CONFIG_DIR": t.TempDir()}
	for k, v := range f.values {
		if k != "password" {
			env[envName("bidcore", k)] = v
		}
	}
	var labels []string
	var o, e bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &o, stderr: &e, getenv: func(k string) string { return env[k] },
		prompt: func(label string) (string, error) { labels = append(labels, label); return f.values["password"], nil }}
	if code := a.run(context.Background(), []string{"login", "bidcore"}); code != 0 {
		t.Fatalf("login: exit %d %s", code, e.String())
	}
	if len(labels) != 1 || !strings.Contains(labels[0], "password") {
		t.Errorf("prompts: %q", labels)
	}
	noSecret(t, []string{f.values["password"]}, o.String(), e.String())
}

func TestSandboxInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var o, e bytes.Buffer
	pr, pw := io.Pipe()
	a := &app{stdin: strings.NewReader(""), stdout: pw, stderr: &e, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"sandbox", "procurios", "bidcore"})
		pw.Close()
	}()
	buf := make([]byte, 4096)
	for !strings.Contains(o.String(), "sandbox ready") {
		n, err := pr.Read(buf)
		o.Write(buf[:n])
		if err != nil {
			t.Fatalf("sandbox output ended: %v\n%s%s", err, o.String(), e.String())
		}
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if code := <-done; code != 0 {
		t.Errorf("sandbox exit %d", code)
	}
	for _, want := range []string{"# Procurios  http://127.0.0.1:", "export PROCURIOS_CLIENT_SECRET=", "# BidCore  http://127.0.0.1:", "export BIDCORE_PASSWORD="} {
		if !strings.Contains(o.String(), want) {
			t.Errorf("sandbox output lacks %q:\n%s", want, o.String())
		}
	}
}

func TestReadLine(t *testing.T) {
	got, err := readLine(context.Background(), strings.NewReader("https://app.example/cb?code=x\nrest"))
	if err != nil || got != "https://app.example/cb?code=x" {
		t.Errorf("readLine = %q, %v", got, err)
	}
	if got, err := readLine(context.Background(), strings.NewReader("no newline")); err != nil || got != "no newline" {
		t.Errorf("readLine without newline = %q, %v", got, err)
	}
	if _, err := readLine(context.Background(), strings.NewReader("")); err == nil {
		t.Error("readLine of nothing: no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	pr, pw := io.Pipe()
	defer pw.Close()
	if _, err := readLine(ctx, pr); err == nil {
		t.Error("readLine did not stop at the context's end")
	}
}
