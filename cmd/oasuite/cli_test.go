package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// binary is the oasuite command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "oasuite-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "oasuite")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	// The binary is built without -race (each run would take a second);
	// the in-process tests (inprocess_test.go) cover the command's code
	// under the race detector.
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building oasuite: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the binary with env (and nothing else of the test's environment
// but PATH and HOME) and returns its output and exit code.
func cli(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return cliIn(t, env, nil, args...)
}

func cliIn(t *testing.T, env map[string]string, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = environ(env)
	cmd.Stdin = stdin
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return o.String(), e.String(), ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("oasuite %v: %v", args, err)
	}
	return o.String(), e.String(), 0
}

func environ(env map[string]string) []string {
	out := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// sandbox runs `oasuite sandbox vendors...` until the test ends and returns
// the variables it printed.
func sandbox(t *testing.T, vendors ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sandbox"}, vendors...)...)
	cmd.Env = environ(nil)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	sc := bufio.NewScanner(out)
	ready := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "export ") {
			k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			vars[k] = strings.Trim(v, "'")
		}
		if strings.Contains(line, "sandbox ready") {
			ready = true
			break
		}
	}
	if !ready {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("sandbox did not start: %s", stderr.String())
	}
	t.Cleanup(func() {
		if runtime.GOOS == "windows" {
			_ = cmd.Process.Kill()
		} else {
			_ = cmd.Process.Signal(os.Interrupt)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil && runtime.GOOS != "windows" {
				t.Errorf("sandbox did not stop cleanly on interrupt: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("sandbox did not stop on interrupt")
		}
	})
	return vars
}

// merge returns the union of maps, later ones winning.
func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// noSecret fails when any of secrets appears in the texts.
func noSecret(t *testing.T, secrets []string, texts ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, txt := range texts {
			if strings.Contains(txt, s) {
				t.Errorf("output holds a secret (%d chars):\n%s", len(s), txt)
			}
		}
	}
}

// loginLoopback runs `oasuite login <vendor> --grant code --no-browser`,
// plays the browser on the URL it prints (following the redirects to the
// loopback callback) and returns the login's output.
func loginLoopback(t *testing.T, env map[string]string, vendor string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"login", vendor, "--grant", "code", "--no-browser"}, extra...)...)
	cmd.Env = environ(env)
	var o bytes.Buffer
	cmd.Stdout = &o
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var e strings.Builder
	sc := bufio.NewScanner(errPipe)
	authURL := ""
	for sc.Scan() {
		line := sc.Text()
		e.WriteString(line + "\n")
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			authURL = s
			break
		}
	}
	if authURL == "" {
		_ = cmd.Wait()
		t.Fatalf("login printed no URL:\n%s", e.String())
	}
	// The browser: follow the authorize page's redirects to the loopback
	// callback, which answers once the code is exchanged.
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rest, _ := io.ReadAll(errPipe)
	e.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v\nstdout: %s\nstderr: %s", err, o.String(), e.String())
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Login complete") {
		t.Fatalf("browser ended on %s at %s: %s", resp.Status, resp.Request.URL.Redacted(), page)
	}
	if !strings.HasPrefix(resp.Request.URL.String(), "http://127.0.0.1:") {
		t.Errorf("the browser did not end on the loopback callback: %s", resp.Request.URL.Redacted())
	}
	return o.String(), e.String()
}

func TestHelp(t *testing.T) {
	t.Parallel()
	out, _, _ := cli(t, nil, "--help")
	for _, v := range vendorNames() {
		if !strings.Contains(out, v) {
			t.Errorf("--help does not list %s", v)
		}
		for _, cmd := range []string{"login", "token", "call"} {
			o, e, code := cli(t, nil, cmd, v, "--help")
			if code != 0 || !strings.Contains(o, "Usage: oasuite "+cmd+" "+v) || !strings.Contains(o, envName(v, "client-id")[:len(v)+1]) || e != "" {
				t.Errorf("oasuite %s %s --help: exit %d\n%s%s", cmd, v, code, o, e)
			}
		}
	}
	for _, args := range [][]string{
		{"--help"}, {"help"},
		{"login", "--help"}, {"login", "procurios", "--help"},
		{"token", "--help"}, {"token", "procurios", "-h"},
		{"call", "--help"}, {"call", "procurios", "--help"},
		{"sandbox", "--help"}, {"demo", "--help"},
	} {
		out, errOut, code := cli(t, nil, args...)
		if code != 0 || !strings.Contains(out, "Usage") || errOut != "" {
			t.Errorf("oasuite %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	out, _, _ = cli(t, nil, "call", "procurios", "--help")
	for _, want := range []string{"--data", "--query", "--client-id", "$PROCURIOS_CLIENT_SECRET", "PROCURIOS_HOST"} {
		if !strings.Contains(out, want) {
			t.Errorf("call procurios --help does not mention %s:\n%s", want, out)
		}
	}
	for _, args := range [][]string{
		{}, {"nope"}, {"login"}, {"login", "nosuchvendor"}, {"call", "procurios", "GET"},
		{"login", "procurios", "--grant", "password"}, {"token", "procurios", "--no-such-flag"},
		{"token", "procurios", "--account", "../x"}, {"sandbox", "nosuchvendor"}, {"call", "bidcore", "GET", "/x", "--query", "novalue"},
		// secrets are never flags
		{"login", "procurios", "--client-secret", "s3cret"},
	} {
		out, errOut, code := cli(t, nil, args...)
		if code != 2 || errOut == "" {
			t.Errorf("oasuite %v: exit %d (want 2), stdout %q, stderr %q", args, code, out, errOut)
		}
		noSecret(t, []string{"s3cret"}, out, errOut)
	}
}

func TestProcuriosSession(t *testing.T) {
	t.Parallel()
	sb := sandbox(t, "procurios")
	secret := sb["PROCURIOS_CLIENT_SECRET"]
	if sb["PROCURIOS_BASE_URL"] == "" || secret == "" || sb["PROCURIOS_CLIENT_ID"] == "" {
		t.Fatalf("sandbox printed %v", sb)
	}
	dir := t.TempDir()
	env := merge(sb, map[string]string{"OASUITE_CONFIG_DIR": dir})

	out, errOut, code := cli(t, env, "token", "procurios")
	if code != 1 || out != "" || !strings.Contains(errOut, "not logged in") || !strings.Contains(errOut, "oasuite login procurios") {
		t.Fatalf("token before login: exit %d: %s", code, errOut)
	}

	// Login with client credentials.
	out, errOut, code = cli(t, env, "login", "procurios", "--grant", "client")
	if code != 0 || !strings.Contains(out, "Logged in to Procurios") {
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	tokFile := filepath.Join(dir, "tokens", "procurios.default.json")
	st, err := os.Stat(tokFile)
	if err != nil {
		t.Fatalf("no token file: %v", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
	}
	prof, err := os.ReadFile(filepath.Join(dir, "accounts", "procurios.default.json"))
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, []string{secret}, out, errOut, string(prof))

	out, errOut, code = cli(t, env, "token", "procurios")
	tok := strings.TrimSpace(out)
	if code != 0 || tok == "" || strings.Contains(tok, "\n") {
		t.Fatalf("token: exit %d: %q %s", code, out, errOut)
	}
	// The token works for curl-like callers.
	req, _ := http.NewRequest(http.MethodGet, sb["PROCURIOS_BASE_URL"]+"/meeting2_api/meetings", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Accept", "application/vnd.procurios.meeting2+json; version=2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the printed token was refused: %s", resp.Status)
	}
	// The stored token is reused while valid: no secret needed.
	noSecretEnv := merge(env, map[string]string{"PROCURIOS_CLIENT_SECRET": ""})
	if out, errOut, code = cli(t, noSecretEnv, "token", "procurios"); code != 0 || strings.TrimSpace(out) != tok {
		t.Fatalf("token again: exit %d, %q (want the same token) %s", code, out, errOut)
	}

	// Call with data, inline and from a file.
	body := `{"title":"Ledenvergadering","start":"2027-03-01T19:30:00+01:00","end":"2027-03-01T22:00:00+01:00"}`
	out, errOut, code = cli(t, env, "call", "procurios", "POST", "/meeting2_api/meetings", "--data", body)
	if code != 0 || !strings.Contains(errOut, "200 OK") {
		t.Fatalf("call POST: exit %d\n%s\n%s", code, out, errOut)
	}
	var created struct {
		MeetingID int `json:"meetingId"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.MeetingID == 0 {
		t.Fatalf("call POST printed %q (%v)", out, err)
	}
	if !strings.Contains(out, "\n  \"meetingId\"") {
		t.Errorf("answer not pretty-printed: %q", out)
	}
	file := filepath.Join(t.TempDir(), "meeting.json")
	if err := os.WriteFile(file, []byte(strings.Replace(body, "Ledenvergadering", "Bestuursoverleg", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code = cli(t, env, "call", "procurios", "post", "meeting2_api/meetings", "--data", "@"+file); code != 0 {
		t.Fatalf("call POST @file: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, env, "call", "procurios", "GET", "/meeting2_api/meetings", "--query", "search=overleg")
	if code != 0 || !strings.Contains(out, "Bestuursoverleg") || strings.Contains(out, "Ledenvergadering\"") {
		t.Fatalf("call GET --query: exit %d\n%s\n%s", code, out, errOut)
	}

	// A failing call: exit 1, the typed error, no secret.
	out, errOut, code = cli(t, env, "call", "procurios", "GET", "/meeting2_api/meetings/987654")
	if code != 1 || !strings.Contains(errOut, "procurios: GET ") || !strings.Contains(errOut, "404") {
		t.Fatalf("failing call: exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	noSecret(t, []string{secret, tok}, out, errOut)
	if out, errOut, code = cli(t, env, "call", "procurios", "POST", "/meeting2_api/meetings", "--data", "{not json"); code != 2 || !strings.Contains(errOut, "not valid JSON") {
		t.Errorf("bad --data: exit %d: %s %s", code, out, errOut)
	}
	if _, errOut, code = cli(t, env, "call", "procurios", "GET", "http://example.com/l/meeting2_api/meetings"); code != 2 || !strings.Contains(errOut, "not under the API base URL") {
		t.Errorf("a URL on another host: exit %d: %s", code, errOut)
	}
	// A flag that disagrees with the login is refused: the token stays where it was issued.
	if _, errOut, code = cli(t, env, "call", "procurios", "GET", "/meeting2_api/meetings", "--base-url", "http://127.0.0.1:1/l"); code != 1 || !strings.Contains(errOut, "log in again") {
		t.Errorf("call with another --base-url: exit %d: %s", code, errOut)
	}

	// An expired token is renewed (client credentials again) and saved.
	expireStoredToken(t, tokFile)
	if _, errOut, code = cli(t, noSecretEnv, "token", "procurios"); code != 1 || !strings.Contains(errOut, "PROCURIOS_CLIENT_SECRET") {
		t.Errorf("renewal without the secret: exit %d: %s", code, errOut)
	}
	out, errOut, code = cli(t, env, "token", "procurios")
	if code != 0 || strings.TrimSpace(out) == tok || strings.TrimSpace(out) == "" {
		t.Fatalf("token after expiry: exit %d, %q (want a new token) %s", code, out, errOut)
	}
	renewed := strings.TrimSpace(out)
	if out, _, _ := cli(t, noSecretEnv, "token", "procurios"); strings.TrimSpace(out) != renewed {
		t.Errorf("the renewed token was not saved: got %q", out)
	}

	// A user's login: authorization code at the fake's registered https
	// redirect, the address pasted back; a separate account.
	out, errOut = loginPaste(t, env, "procurios", sb["PROCURIOS_REDIRECT_URL"], "--account", "ada")
	if !strings.Contains(out, `account "ada" with authorization code`) {
		t.Fatalf("code login said:\n%s\n%s", out, errOut)
	}
	if out, errOut, code = cli(t, env, "call", "procurios", "GET", "/meeting2_api/meetings", "--account", "ada"); code != 0 || !strings.Contains(out, "meetings") {
		t.Fatalf("call as ada: exit %d\n%s\n%s", code, out, errOut)
	}

	// Accounts are separate.
	if _, errOut, code = cli(t, env, "token", "procurios", "--account", "other"); code != 1 || !strings.Contains(errOut, "--account other") {
		t.Errorf("token of another account: exit %d: %s", code, errOut)
	}
}

// expireStoredToken rewrites a FileStore token file with an expiry in the past.
func expireStoredToken(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range []string{"expiry", "Expiry", "expires_at"} {
		if _, ok := m[k]; ok {
			m[k] = time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
			found = true
		}
	}
	if !found {
		t.Fatalf("no expiry in the stored token's fields %v", keys(m))
	}
	b, _ = json.Marshal(m)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBQECoreSession(t *testing.T) {
	t.Parallel()
	sb := sandbox(t, "bqecore")
	secret := sb["BQECORE_CLIENT_SECRET"]
	if !strings.HasPrefix(sb["BQECORE_REDIRECT_URL"], "http://127.0.0.1:") || secret == "" {
		t.Fatalf("sandbox printed %v", sb)
	}
	dir := t.TempDir()
	env := merge(sb, map[string]string{"OASUITE_CONFIG_DIR": dir})

	// Login: authorization code with PKCE through the loopback redirect,
	// the test playing the browser on the printed URL.
	out, errOut := loginLoopback(t, env, "bqecore")
	if !strings.Contains(out, "Logged in to BQE CORE") || !strings.Contains(out, "renewable") {
		t.Fatalf("login said:\n%s\n%s", out, errOut)
	}
	if !strings.Contains(errOut, "code_challenge=") || !strings.Contains(errOut, "redirect_uri="+url.QueryEscape(sb["BQECORE_REDIRECT_URL"])) {
		t.Errorf("the login URL lacks PKCE or the registered redirect:\n%s", errOut)
	}
	tokFile := filepath.Join(dir, "tokens", "bqecore.default.json")
	stored, err := os.ReadFile(tokFile)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Access, Refresh string
	}
	var raw map[string]any
	if err := json.Unmarshal(stored, &raw); err != nil {
		t.Fatal(err)
	}
	st.Access, _ = raw["access_token"].(string)
	st.Refresh, _ = raw["refresh_token"].(string)
	if st.Access == "" || st.Refresh == "" || !strings.Contains(string(stored), "endpoint") {
		t.Fatalf("stored token lacks access, refresh token or endpoint: fields %v", keys(raw))
	}
	noSecret(t, []string{secret, st.Access, st.Refresh}, out, errOut)

	out, errOut, code := cli(t, env, "token", "bqecore")
	if code != 0 || strings.TrimSpace(out) != st.Access {
		t.Fatalf("token: exit %d, %q (want the stored token) %s", code, out, errOut)
	}

	out, errOut, code = cli(t, env, "call", "bqecore", "POST", "/activity", "--data", `{"name":"Survey","code":"SUR","billRate":80}`)
	if code != 0 || !strings.Contains(errOut, "201") {
		t.Fatalf("call POST: exit %d\n%s\n%s", code, out, errOut)
	}
	var act struct{ ID, Name string }
	if err := json.Unmarshal([]byte(out), &act); err != nil || act.ID == "" || act.Name != "Survey" {
		t.Fatalf("call POST printed %q (%v)", out, err)
	}
	out, errOut, code = cli(t, env, "call", "bqecore", "GET", "/activity/"+act.ID)
	if code != 0 || !strings.Contains(out, `"SUR"`) {
		t.Fatalf("call GET: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, env, "call", "bqecore", "GET", "/activity/no-such-activity")
	if code != 1 || !strings.Contains(errOut, "bqecore: GET ") || !strings.Contains(errOut, "404") {
		t.Fatalf("failing call: exit %d\n%s\n%s", code, out, errOut)
	}
	noSecret(t, []string{secret, st.Access, st.Refresh}, out, errOut)

	// Expired: renewed with the refresh token (rotated) and saved.
	expireStoredToken(t, tokFile)
	out, errOut, code = cli(t, env, "token", "bqecore")
	if code != 0 || strings.TrimSpace(out) == st.Access {
		t.Fatalf("token after expiry: exit %d, %q (want a new token) %s", code, out, errOut)
	}
	renewed, _ := os.ReadFile(tokFile)
	if strings.Contains(string(renewed), st.Refresh) || !strings.Contains(string(renewed), strings.TrimSpace(out)) {
		t.Errorf("the renewed (rotated) token was not saved")
	}
}

// loginPaste runs `oasuite login <vendor> --grant code --no-browser` with a
// redirect URL that is not a loopback one: the test plays the browser on the
// printed URL up to the app's redirect and pastes that address on stdin.
func loginPaste(t *testing.T, env map[string]string, vendor, redirect string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"login", vendor, "--grant", "code", "--no-browser"}, extra...)...)
	cmd.Env = environ(env)
	var o bytes.Buffer
	cmd.Stdout = &o
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var e strings.Builder
	sc := bufio.NewScanner(errPipe)
	authURL := ""
	for sc.Scan() {
		line := sc.Text()
		e.WriteString(line + "\n")
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			authURL = s
			break
		}
	}
	if authURL == "" {
		_ = cmd.Wait()
		t.Fatalf("login printed no URL:\n%s", e.String())
	}
	// The browser: follow the fake's redirects until it sends us to the app.
	hc := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	resp.Body.Close()
	landing := resp.Header.Get("Location")
	if !strings.HasPrefix(landing, redirect) || !strings.Contains(landing, "code=") {
		t.Fatalf("the authorize page answered %s, Location %q", resp.Status, landing)
	}
	if _, err := io.WriteString(in, landing+"\n"); err != nil {
		t.Fatal(err)
	}
	in.Close()
	rest, _ := io.ReadAll(errPipe)
	e.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("login: %v\nstdout: %s\nstderr: %s", err, o.String(), e.String())
	}
	code, _ := url.Parse(landing)
	noSecret(t, []string{code.Query().Get("code")}, o.String(), e.String())
	return o.String(), e.String()
}

func TestBidCoreSession(t *testing.T) {
	t.Parallel()
	sb := sandbox(t, "bidcore")
	password := sb["BIDCORE_PASSWORD"]
	if password == "" || sb["BIDCORE_USERNAME"] == "" || sb["BIDCORE_TOKEN_URL"] == "" {
		t.Fatalf("sandbox printed %v", sb)
	}
	dir := t.TempDir()
	env := merge(sb, map[string]string{"OASUITE_CONFIG_DIR": dir})
	noPassword := merge(env, map[string]string{"BIDCORE_PASSWORD": ""})

	// No password in the environment and no terminal: a clear error.
	_, errOut, code := cli(t, noPassword, "login", "bidcore")
	if code != 1 || !strings.Contains(errOut, "BIDCORE_PASSWORD") {
		t.Fatalf("login without a password: exit %d: %s", code, errOut)
	}
	// A wrong password: uauth's error, without the password.
	out, errOut, code := cli(t, merge(env, map[string]string{"BIDCORE_PASSWORD": "wrong-password-123"}), "login", "bidcore")
	if code != 1 || !strings.Contains(errOut, "invalid_grant") {
		t.Fatalf("login with a wrong password: exit %d: %s", code, errOut)
	}
	noSecret(t, []string{"wrong-password-123"}, out, errOut)

	out, errOut, code = cli(t, env, "login", "bidcore")
	if code != 0 || !strings.Contains(out, "Logged in to BidCore") || !strings.Contains(out, "password") {
		t.Fatalf("login: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, noPassword, "token", "bidcore")
	tok := strings.TrimSpace(out)
	if code != 0 || tok == "" {
		t.Fatalf("token: exit %d %s", code, errOut)
	}

	out, errOut, code = cli(t, noPassword, "call", "bidcore", "POST", "/advertisers/", "--data", `{"name":"Acme","domain":"acme.example"}`)
	if code != 0 || !strings.Contains(errOut, "201") || !strings.Contains(out, `"name": "Acme"`) {
		t.Fatalf("call POST: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, noPassword, "call", "bidcore", "GET", "/advertisers/", "--query", "page_size=1")
	if code != 0 || !strings.Contains(out, `"count": 1`) {
		t.Fatalf("call GET: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, noPassword, "call", "bidcore", "GET", "/advertisers/4242/")
	if code != 1 || !strings.Contains(errOut, "bidcore: GET ") || !strings.Contains(errOut, "404") {
		t.Fatalf("failing call: exit %d\n%s\n%s", code, out, errOut)
	}
	noSecret(t, []string{password, tok}, out, errOut)

	// uauth gives no refresh token: an expired token means logging in again,
	// with the password from the environment.
	tokFile := filepath.Join(dir, "tokens", "bidcore.default.json")
	expireStoredToken(t, tokFile)
	if _, errOut, code = cli(t, noPassword, "token", "bidcore"); code != 1 || !strings.Contains(errOut, "BIDCORE_PASSWORD") {
		t.Errorf("renewal without the password: exit %d: %s", code, errOut)
	}
	out, errOut, code = cli(t, env, "token", "bidcore")
	if code != 0 || strings.TrimSpace(out) == tok {
		t.Fatalf("token after expiry: exit %d, %q (want a new token) %s", code, out, errOut)
	}
}

func TestBeProductSession(t *testing.T) {
	t.Parallel()
	sb := sandbox(t, "beproduct")
	secret := sb["BEPRODUCT_CLIENT_SECRET"]
	redirect := sb["BEPRODUCT_REDIRECT_URL"]
	if secret == "" || !strings.HasPrefix(redirect, "https://") || sb["BEPRODUCT_COMPANY"] == "" {
		t.Fatalf("sandbox printed %v", sb)
	}
	dir := t.TempDir()
	env := merge(sb, map[string]string{"OASUITE_CONFIG_DIR": dir})

	// The fake registers no loopback redirect: the user pastes the address.
	out, errOut := loginPaste(t, env, "beproduct", redirect)
	if !strings.Contains(out, "Logged in to BeProduct") || !strings.Contains(out, "renewable") {
		t.Fatalf("login said:\n%s\n%s", out, errOut)
	}
	out, errOut, code := cli(t, env, "token", "beproduct")
	tok := strings.TrimSpace(out)
	if code != 0 || tok == "" {
		t.Fatalf("token: exit %d %s", code, errOut)
	}
	out, errOut, code = cli(t, env, "call", "beproduct", "GET", "/Style/Folders")
	if code != 0 || !strings.Contains(out, `"name"`) {
		t.Fatalf("call GET: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, env, "call", "beproduct", "GET", "/Style/Header/00000000-0000-4000-8000-00000000dead")
	if code != 1 || !strings.Contains(errOut, "beproduct") {
		t.Fatalf("failing call: exit %d\n%s\n%s", code, out, errOut)
	}
	noSecret(t, []string{secret, tok}, out, errOut)
}

func TestBouquetSession(t *testing.T) {
	t.Parallel()
	sb := sandbox(t, "bouquet")
	secret, password := sb["BOUQUET_CLIENT_SECRET"], sb["BOUQUET_PASSWORD"]
	if secret == "" || password == "" || sb["BOUQUET_URL"] == "" || sb["BOUQUET_CUSTOMER_ID"] == "" {
		t.Fatalf("sandbox printed %v", sb)
	}
	dir := t.TempDir()
	env := merge(sb, map[string]string{"OASUITE_CONFIG_DIR": dir})

	// Login and password (the default is the OAuth dialog's code flow).
	out, errOut, code := cli(t, env, "login", "bouquet", "--grant", "password")
	if code != 0 || !strings.Contains(out, "Logged in to Bouquet") {
		t.Fatalf("password login: exit %d\n%s\n%s", code, out, errOut)
	}
	out, errOut, code = cli(t, env, "token", "bouquet")
	tok := strings.TrimSpace(out)
	if code != 0 || tok == "" {
		t.Fatalf("token: exit %d %s", code, errOut)
	}
	out, errOut, code = cli(t, env, "call", "bouquet", "POST", "/rs/projects", "--data", `{"name":"Sales"}`)
	if code != 0 || !strings.Contains(out, `"name": "Sales"`) {
		t.Fatalf("call POST: exit %d\n%s\n%s", code, out, errOut)
	}
	// The token travels as ?access_token=: a failing call's URL must not show it.
	out, errOut, code = cli(t, env, "call", "bouquet", "GET", "/rs/projects/nope", "--query", "deepread=1")
	if code != 1 || !strings.Contains(errOut, "404") || !strings.Contains(errOut, "ObjectNotFoundAPIException") {
		t.Fatalf("failing call: exit %d\n%s\n%s", code, out, errOut)
	}
	noSecret(t, []string{secret, password, tok}, out, errOut)

	// The OAuth dialog for a second account, the address pasted back.
	out, errOut = loginPaste(t, env, "bouquet", sb["BOUQUET_REDIRECT_URL"], "--account", "dialog")
	if !strings.Contains(out, "authorization code") {
		t.Fatalf("code login said:\n%s\n%s", out, errOut)
	}
	out, errOut, code = cli(t, env, "call", "bouquet", "GET", "/rs/projects", "--account", "dialog")
	if code != 0 || !strings.Contains(out, "Sales") {
		t.Fatalf("call as the dialog account: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestSandboxAll(t *testing.T) {
	t.Parallel()
	sb := sandbox(t)
	for _, v := range vendorNames() {
		found := false
		for k := range sb {
			if strings.HasPrefix(k, strings.ToUpper(v)+"_") {
				found = true
			}
		}
		if !found {
			t.Errorf("oasuite sandbox printed nothing for %s: %v", v, sb)
		}
	}
	// Every printed URL answers on loopback.
	for k, v := range sb {
		if strings.HasSuffix(k, "_URL") && strings.HasPrefix(v, "http://127.0.0.1:") && !strings.HasSuffix(k, "REDIRECT_URL") {
			resp, err := http.Get(v)
			if err != nil {
				t.Errorf("%s=%s: %v", k, v, err)
				continue
			}
			resp.Body.Close()
		}
	}
}
