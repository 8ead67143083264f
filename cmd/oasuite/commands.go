package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
	"github.com/oasuite/sdk/version"
)

// userAgent is sent by `oasuite call`.
var userAgent = version.UserAgent("cli")

// app is the command's environment: its streams, environment variables and
// terminal.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// prompt reads a secret without echo; nil when stdin is no terminal.
	prompt func(label string) (string, error)
	// browser and paste, when set, replace the system browser and the
	// pasting of a redirect address in code logins (tests play the user).
	browser func(ctx context.Context, authURL string) error
	paste   func(ctx context.Context) (string, error)
	// onSandbox, when set, sees each fake --sandbox starts (tests tamper
	// with it).
	onSandbox func(*fake)
}

// command describes one vendor command for parsing and help.
type command struct {
	name     string
	synopsis string // after "oasuite <name> <vendor>"
	about    string
	// positional is the number of arguments after the vendor.
	positional int
	// flags adds the command's own flags.
	flags    func(fs *flag.FlagSet)
	examples string
}

// commonOpts are the flags every vendor command shares.
type commonOpts struct {
	configDir string
	account   string
	grant     string
	sandbox   bool
	noBrowser bool
	verbose   bool
	timeout   time.Duration
}

// validAccount reports whether an account name is usable in a file name.
func validAccount(name string) bool {
	if name == "" || name[0] == '.' || name[0] == '-' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// parseVendorCommand parses `oasuite <cmd> <vendor> [args] [flags]` and
// returns the session (with the fake started under --sandbox: call the
// returned stop) and the positional arguments. code >= 0 means: exit now.
func (a *app) parseVendorCommand(ctx context.Context, cmd command, args []string) (s *session, pos []string, stop func(), code int) {
	stop = func() {}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := a.stdout
		code = 0
		if len(args) == 0 {
			w, code = a.stderr, 2
		}
		a.commandHelp(w, cmd, nil)
		return nil, nil, stop, code
	}
	v, err := findVendor(args[0])
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite %s: %v\n", cmd.name, err)
		return nil, nil, stop, 2
	}
	info := v.info()
	var o commonOpts
	flags := map[string]string{}
	fs := vendorFlagSet(cmd, info, &o, flags)
	pos, err = parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		a.commandHelp(a.stdout, cmd, v)
		return nil, nil, stop, 0
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite %s %s: %v\nRun 'oasuite %s %s --help' for usage.\n", cmd.name, info.name, err, cmd.name, info.name)
		return nil, nil, stop, 2
	}
	if len(pos) != cmd.positional {
		fmt.Fprintf(a.stderr, "oasuite %s %s: want %d argument(s) after the vendor, got %d\nUsage: oasuite %s %s %s\n", cmd.name, info.name, cmd.positional, len(pos), cmd.name, info.name, cmd.synopsis)
		return nil, nil, stop, 2
	}
	s = &session{v: v, info: info, flags: flags, getenv: a.getenv, prompt: a.prompt, stderr: a.stderr, timeout: o.timeout}
	if o.verbose {
		s.logger = slog.New(newVerboseHandler(a.stderr))
	}
	if s.account = o.account; s.account == "" {
		if s.account = a.getenv("OASUITE_ACCOUNT"); s.account == "" {
			s.account = "default"
		}
	}
	if !validAccount(s.account) {
		fmt.Fprintf(a.stderr, "oasuite %s: --account %q: use letters, digits, '.', '-' and '_'\n", cmd.name, s.account)
		return nil, nil, stop, 2
	}
	if o.grant != "" && !hasGrant(info.grants, o.grant) {
		fmt.Fprintf(a.stderr, "oasuite %s: %s has no %q login (have %s)\n", cmd.name, info.title, o.grant, strings.Join(info.grants, ", "))
		return nil, nil, stop, 2
	}
	s.grant = o.grant
	if o.configDir == "" {
		o.configDir = a.getenv("OASUITE_CONFIG_DIR")
	}
	if o.configDir == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			fmt.Fprintf(a.stderr, "oasuite %s: no config directory (%v): use --config-dir or set OASUITE_CONFIG_DIR\n", cmd.name, err)
			return nil, nil, stop, 1
		}
		o.configDir = filepath.Join(dir, "oasuite")
	}
	s.configDir = o.configDir
	s.store = auth.FileStore(filepath.Join(o.configDir, "tokens"))
	s.paste = func(ctx context.Context) (string, error) { return readLine(ctx, a.stdin) }
	switch {
	case o.noBrowser:
		s.browser = printBrowser(a.stderr)
	case o.sandbox:
		sb := &sandboxBrowser{}
		s.browser, s.paste = sb.open, sb.paste
	case a.browser != nil:
		s.browser = a.browser
		if a.paste != nil {
			s.paste = a.paste
		}
	default:
		s.browser = systemBrowser(a.stderr)
	}
	if o.sandbox {
		f, err := v.sandbox(ctx)
		if err != nil {
			fmt.Fprintf(a.stderr, "oasuite %s: starting the %s sandbox: %v\n", cmd.name, info.title, err)
			return nil, nil, stop, 1
		}
		if f.browse != nil && !o.noBrowser {
			s.browser = f.browse
		}
		// The sandbox plays the user in the browser: nothing to wait for
		// or paste, so no such prompt is printed.
		s.autoBrowser = !o.noBrowser
		s.fake = f
		if a.onSandbox != nil {
			a.onSandbox(f)
		}
		s.store = &auth.MemoryStore{}
		if s.grant == "" {
			s.grant = f.grant
		}
		if s.grant == "" {
			s.grant = info.grants[0]
		}
		stop = f.close
		fmt.Fprintf(a.stderr, "sandbox: %s fake at %s\n", info.title, f.url)
	}
	return s, pos, stop, -1
}

// vendorFlagSet is the flag set of `oasuite <cmd> <vendor>`: the common
// flags into o, the vendor's non-secret settings into flags, and the
// command's own.
func vendorFlagSet(cmd command, info vendorInfo, o *commonOpts, flags map[string]string) *flag.FlagSet {
	fs := flag.NewFlagSet("oasuite "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.configDir, "config-dir", "", "where tokens and account settings are kept (env OASUITE_CONFIG_DIR; default <user config dir>/oasuite)")
	fs.StringVar(&o.account, "account", "", "the account name, one stored token each (env OASUITE_ACCOUNT; default \"default\")")
	fs.BoolVar(&o.sandbox, "sandbox", false, "use the vendor's fake, started in this process, instead of the real service")
	fs.StringVar(&o.grant, "grant", "", "the login grant under --sandbox or for login: "+strings.Join(info.grants, ", ")+" (default "+info.grants[0]+")")
	fs.BoolVar(&o.noBrowser, "no-browser", false, "print the login URL instead of opening a browser (code logins)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long a code login waits for the browser")
	fs.BoolVar(&o.verbose, "verbose", false, "print each HTTP attempt of the API calls on stderr (method, redacted URL, status; never a token)")
	for _, st := range info.settings {
		if st.secret {
			continue
		}
		key := st.key
		fs.Func(key, st.usage+" (env "+envName(info.name, key)+")", func(val string) error {
			flags[key] = val
			return nil
		})
	}
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	return fs
}

// parseInterleaved parses flags placed before, between or after positional
// arguments ("--" ends the flags).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// fail prints a command's error, never a secret: errors of auth and the
// vendor packages carry none, and the command adds only setting names.
func (a *app) fail(cmd string, s *session, err error) int {
	switch {
	case errors.Is(err, errNotLoggedIn):
		fmt.Fprintf(a.stderr, "oasuite %s: not logged in to %s (account %q): run 'oasuite login %s", cmd, s.info.title, s.account, s.info.name)
		if s.account != "default" {
			fmt.Fprintf(a.stderr, " --account %s", s.account)
		}
		fmt.Fprintln(a.stderr, "'")
	case errors.Is(err, auth.ErrNoRefreshToken):
		fmt.Fprintf(a.stderr, "oasuite %s: the %s token has expired and cannot be renewed without you: run 'oasuite login %s' again\n", cmd, s.info.title, s.info.name)
	default:
		fmt.Fprintf(a.stderr, "oasuite %s: %v\n", cmd, err)
	}
	return 1
}

func loginCommand() command {
	return command{
		name: "login", synopsis: "[flags]",
		about: `Logs in to the vendor and saves the token (one file per vendor and account, mode 0600,
under the config directory). Grants: "code" is the authorization code with PKCE through a
loopback redirect (RFC 8252): the browser opens, or --no-browser prints the URL; "password"
reads <VENDOR>_PASSWORD, else asks on the terminal without echo; "client" is client
credentials. Secrets (client secret, password) come from <VENDOR>_CLIENT_SECRET and
<VENDOR>_PASSWORD or the terminal, never from flags, and are never saved.`,
		examples: `  oasuite login procurios --host leden.example.nl --client-id ID   # PROCURIOS_CLIENT_SECRET set
  oasuite login procurios --grant client --account batch
  oasuite login procurios --sandbox --grant client`,
	}
}

func (a *app) login(ctx context.Context, args []string) int {
	s, _, stop, code := a.parseVendorCommand(ctx, loginCommand(), args)
	defer stop()
	if code >= 0 {
		return code
	}
	if s.grant == "" {
		s.grant = s.info.grants[0]
	}
	tok, err := s.v.login(ctx, s)
	if err != nil {
		return a.fail("login", s, fmt.Errorf("%s %s login: %w", s.info.title, grantTitle(s.grant), err))
	}
	exp := "no expiry given"
	if !tok.Expiry.IsZero() {
		exp = "expires " + tok.Expiry.Local().Format(time.RFC3339)
	}
	if s.fake != nil {
		fmt.Fprintf(a.stdout, "Logged in to the %s sandbox with %s (%s); the token is kept in memory only.\n", s.info.title, grantTitle(s.grant), exp)
		return 0
	}
	if err := s.store.Save(ctx, s.key(), tok); err != nil {
		return a.fail("login", s, fmt.Errorf("saving the token: %w", err))
	}
	if err := s.saveProfile(); err != nil {
		return a.fail("login", s, err)
	}
	refresh := ""
	if tok.RefreshToken != "" {
		refresh = ", renewable"
	}
	fmt.Fprintf(a.stdout, "Logged in to %s as account %q with %s (%s%s).\nToken saved in %s\n", s.info.title, s.account, grantTitle(s.grant), exp, refresh, s.tokenFile())
	return 0
}

func tokenCommand() command {
	return command{
		name: "token", synopsis: "[flags]",
		about: `Prints a valid access token of the account, renewing it first when it is about to
expire (refresh token, password or client credentials, as the login was), and saves the
renewed token. Use it with curl:

  curl -H "Authorization: Bearer $(oasuite token procurios)" https://leden.example.nl/l/...`,
		examples: `  oasuite token procurios
  oasuite token procurios --sandbox`,
	}
}

func (a *app) token(ctx context.Context, args []string) int {
	s, _, stop, code := a.parseVendorCommand(ctx, tokenCommand(), args)
	defer stop()
	if code >= 0 {
		return code
	}
	src, err := s.source(ctx)
	if err != nil {
		return a.fail("token", s, err)
	}
	tok, err := src.TokenContext(ctx)
	if err != nil {
		return a.fail("token", s, fmt.Errorf("renewing the %s token: %w", s.info.title, err))
	}
	fmt.Fprintln(a.stdout, tok.AccessToken)
	return 0
}

// callOpts are the flags of `oasuite call`.
type callOpts struct {
	data     string
	query    []string
	headers  []string
	include  bool
	validate string
}

// callCommand is `oasuite call`, its flags parsed into o.
func callCommand(o *callOpts) command {
	return command{
		name: "call", synopsis: "METHOD PATH [flags]", positional: 2,
		about: `Sends one authenticated request through the vendor client's pipeline (token attached and
renewed, one replay after a 401, retries of 429/5xx, the vendor's headers) and prints the
status on stderr and the answer, pretty-printed when JSON, on stdout. PATH is relative to
the API base URL. A non-2xx answer prints its body on stdout (as gh api does; the request's
credentials scrubbed), the vendor's typed error as one line on stderr, and exits 1.`,
		examples: `  oasuite call procurios GET /meeting2_api/meetings
  oasuite call procurios POST /meeting2_api/meetings --data '{"title":"AGM","start":"...","end":"..."}'
  oasuite call procurios GET /relation_list_api/relation/collection/ID --query page=2
  oasuite call procurios POST /meeting2_api/meetings --data @meeting.json --sandbox`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&o.data, "data", "", "the JSON request body, or @file (@- for stdin)")
			fs.Func("query", "a query parameter k=v (repeatable)", func(v string) error {
				if !strings.Contains(v, "=") {
					return fmt.Errorf("want k=v, got %q", v)
				}
				o.query = append(o.query, v)
				return nil
			})
			fs.Func("header", "a request header 'Name: value' (repeatable)", func(v string) error {
				if !strings.Contains(v, ":") {
					return fmt.Errorf("want 'Name: value', got %q", v)
				}
				o.headers = append(o.headers, v)
				return nil
			})
			fs.BoolVar(&o.include, "include", false, "print the response headers on stderr too")
			fs.StringVar(&o.validate, "validate", "off", "check the answer against the spec: off, log (mismatches on stderr) or strict (a mismatch fails the call)")
		},
	}
}

func (a *app) call(ctx context.Context, args []string) int {
	var o callOpts
	cmd := callCommand(&o)
	s, pos, stop, code := a.parseVendorCommand(ctx, cmd, args)
	defer stop()
	if code >= 0 {
		return code
	}
	method, path := strings.ToUpper(pos[0]), pos[1]
	mode, err := validate.ParseMode(o.validate)
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite call: --validate: %v\n", err)
		return 2
	}
	s.validation = mode
	if mode == validate.Log && s.logger == nil {
		s.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	var body []byte
	if o.data != "" {
		if body, err = a.readData(o.data); err != nil {
			fmt.Fprintf(a.stderr, "oasuite call: --data: %v\n", err)
			return 2
		}
		if !json.Valid(body) {
			fmt.Fprintln(a.stderr, "oasuite call: --data is not valid JSON")
			return 2
		}
	}
	src, err := s.source(ctx)
	if err != nil {
		return a.fail("call", s, err)
	}
	api, err := s.v.api(ctx, s, src)
	if err != nil {
		return a.fail("call", s, err)
	}
	u, err := callURL(api.base, path, o.query)
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite call: %v\n", err)
		return 2
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	// A non-2xx answer becomes the vendor's typed error; its body (with the
	// request's credentials scrubbed) is kept to be printed as gh api does.
	var failed *pipeline.ErrorResponse
	rctx := pipeline.WithErrorObserver(ctx, func(er *pipeline.ErrorResponse) { failed = er })
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite call: %v\n", err)
		return 2
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range o.headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := api.do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		// As gh api does: the answer's body on stdout, the one-line error
		// on stderr, exit 1.
		if failed != nil {
			if o.include {
				a.printHeaders(failed.Header)
			}
			a.printBody(failed.Body)
		}
		return a.fail("call", s, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return a.fail("call", s, fmt.Errorf("reading the answer: %w", err))
	}
	fmt.Fprintf(a.stderr, "%s %s\n", resp.Proto, resp.Status)
	if o.include {
		a.printHeaders(resp.Header)
	}
	a.printBody(out)
	return 0
}

// printHeaders prints response headers on stderr, sorted.
func (a *app) printHeaders(h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(a.stderr, "%s: %s\n", k, v)
		}
	}
}

// printBody prints an answer's body on stdout: JSON indented, anything else
// as it came, ending with a newline.
func (a *app) printBody(out []byte) {
	if len(out) == 0 {
		return
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, bytes.TrimSpace(out), "", "  ") == nil {
		pretty.WriteByte('\n')
		_, _ = a.stdout.Write(pretty.Bytes())
		return
	}
	_, _ = a.stdout.Write(out)
	if out[len(out)-1] != '\n' {
		fmt.Fprintln(a.stdout)
	}
}

// readData reads --data: inline JSON, @file or @- (stdin).
func (a *app) readData(d string) ([]byte, error) {
	switch {
	case d == "@-":
		return io.ReadAll(a.stdin)
	case strings.HasPrefix(d, "@"):
		return os.ReadFile(d[1:])
	}
	return []byte(d), nil
}

// callURL joins the API base URL and a path (with its own query, if any)
// and adds the --query parameters. A full URL is accepted only under the
// base URL, so the token is never sent to another host.
func callURL(base, path string, query []string) (string, error) {
	bu, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	var u *url.URL
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		if u, err = url.Parse(path); err != nil {
			return "", err
		}
		if u.Scheme != bu.Scheme || u.Host != bu.Host || !strings.HasPrefix(u.Path, bu.Path) {
			return "", fmt.Errorf("%s is not under the API base URL %s", u.Redacted(), base)
		}
	} else {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		if u, err = url.Parse(strings.TrimSuffix(base, "/") + path); err != nil {
			return "", err
		}
	}
	q := u.Query()
	for _, kv := range query {
		k, v, _ := strings.Cut(kv, "=")
		q.Add(k, v)
	}
	if len(query) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

func (a *app) sandbox(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("oasuite sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(a.stdout, `Usage: oasuite sandbox [vendor ...]

Starts the vendors' fakes on loopback (all of them by default), prints their URLs and
test credentials as shell assignments, and runs until interrupted (Ctrl-C). Point login,
token and call at a fake with the printed variables, e.g.:

  oasuite sandbox procurios            # in one terminal
  export PROCURIOS_BASE_URL=... PROCURIOS_CLIENT_ID=... PROCURIOS_CLIENT_SECRET=...
  oasuite login procurios --grant client

The fakes keep everything in memory; their test credentials are public constants of the
<vendor>test packages. (--sandbox on login, token and call starts a fake in-process instead.)

Vendors: %s
`, strings.Join(vendorNames(), ", "))
		return 0
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "oasuite sandbox: %v\n", err)
		return 2
	}
	var vs []vendor
	if len(pos) == 0 {
		vs = vendors()
	}
	for _, name := range pos {
		v, err := findVendor(name)
		if err != nil {
			fmt.Fprintf(a.stderr, "oasuite sandbox: %v\n", err)
			return 2
		}
		vs = append(vs, v)
	}
	for _, v := range vs {
		info := v.info()
		f, err := v.sandbox(ctx)
		if err != nil {
			fmt.Fprintf(a.stderr, "oasuite sandbox: starting the %s fake: %v\n", info.title, err)
			return 1
		}
		defer f.close()
		fmt.Fprintf(a.stdout, "# %s  %s\n", info.title, f.url)
		for _, n := range f.notes {
			fmt.Fprintf(a.stdout, "#   %s\n", n)
		}
		keys := make([]string, 0, len(f.values))
		for k := range f.values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(a.stdout, "export %s=%s\n", envName(info.name, k), shellQuote(f.values[k]))
		}
		fmt.Fprintln(a.stdout)
	}
	fmt.Fprintln(a.stdout, "# sandbox ready; press Ctrl-C to stop")
	<-ctx.Done()
	fmt.Fprintln(a.stderr, "sandbox: stopped")
	return 0
}

// shellQuote quotes v for a POSIX shell when it needs it.
func shellQuote(v string) string {
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// commandHelp prints a vendor command's help; with v, its settings too.
func (a *app) commandHelp(w io.Writer, cmd command, v vendor) {
	name := "<vendor>"
	if v != nil {
		name = v.info().name
	}
	fmt.Fprintf(w, "Usage: oasuite %s %s %s\n\n%s\n", cmd.name, name, cmd.synopsis, cmd.about)
	fmt.Fprintf(w, "\nFlags:\n")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "  --account NAME\tthe account, one stored token each (env OASUITE_ACCOUNT; default \"default\")\n")
	fmt.Fprintf(tw, "  --config-dir DIR\twhere tokens are kept (env OASUITE_CONFIG_DIR; default <user config dir>/oasuite)\n")
	fmt.Fprintf(tw, "  --sandbox\tuse the vendor's fake, started in this process (the token stays in memory)\n")
	fmt.Fprintf(tw, "  --grant GRANT\tthe login grant (login; token and call under --sandbox)\n")
	fmt.Fprintf(tw, "  --no-browser\tprint the login URL instead of opening a browser (code logins)\n")
	fmt.Fprintf(tw, "  --timeout DURATION\thow long a code login waits for the browser (default 5m)\n")
	fmt.Fprintf(tw, "  --verbose\tprint each HTTP attempt of the API calls on stderr (redacted; never a token)\n")
	if cmd.name == "call" {
		fmt.Fprintf(tw, "  --data JSON|@file\tthe JSON request body (@- reads stdin)\n")
		fmt.Fprintf(tw, "  --query k=v\ta query parameter (repeatable)\n")
		fmt.Fprintf(tw, "  --header 'Name: value'\ta request header (repeatable)\n")
		fmt.Fprintf(tw, "  --include\tprint the response headers on stderr\n")
		fmt.Fprintf(tw, "  --validate MODE\tcheck the answer against the spec: off, log or strict (default off)\n")
	}
	if cmd.name == "check" {
		fmt.Fprintf(tw, "  --operations IDS\tonly these operationIds, comma-separated\n")
		fmt.Fprintf(tw, "  --call-timeout DURATION\tthe bound of each call (default 30s)\n")
		fmt.Fprintf(tw, "  --json\tprint the report as JSON\n")
	}
	tw.Flush()
	vs := vendors()
	if v != nil {
		vs = []vendor{v}
	}
	for _, v := range vs {
		info := v.info()
		fmt.Fprintf(w, "\n%s settings (grants: %s; default %s):\n", info.title, strings.Join(info.grants, ", "), info.grants[0])
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, st := range info.settings {
			env := envName(info.name, st.key)
			if st.secret {
				fmt.Fprintf(tw, "  $%s\t%s (environment or terminal only)\n", env, st.usage)
				continue
			}
			def := ""
			if st.def != "" {
				def = fmt.Sprintf("; default %q", st.def)
			}
			fmt.Fprintf(tw, "  --%s, $%s\t%s%s\n", st.key, env, st.usage, def)
		}
		tw.Flush()
	}
	examples := cmd.examples
	if v != nil {
		if ex := v.info().examples[cmd.name]; ex != "" {
			examples = ex
		} else {
			examples = strings.ReplaceAll(examples, "procurios", v.info().name)
		}
	}
	if examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", examples)
	}
}
