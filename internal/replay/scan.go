package replay

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/dnaeon/go-vcr/v2/cassette"
)

// Finding is one secret-looking value in a cassette. It never holds the value itself, so it
// can be printed in test output.
type Finding struct {
	File        string // the cassette file
	Interaction int    // index of the interaction in the cassette
	Where       string // e.g. "request.url", "response.body", "request.headers.Authorization"
	What        string // e.g. "jwt", "bearer credential", `secret key "access_token"`
}

// String describes the finding without the secret.
func (f Finding) String() string {
	return fmt.Sprintf("%s: interaction %d: %s: %s", f.File, f.Interaction, f.Where, f.What)
}

// ScanCassettes scans every cassette under root — files matching */testdata/cassettes/*.yaml —
// and returns what looks like a secret (see ScanInteraction). Directories listed in skip
// (paths, compared after filepath.Abs) are not entered, nor are hidden, "_"-prefixed, vendor
// and node_modules directories.
func ScanCassettes(root string, skip ...string) ([]Finding, error) {
	skipAbs := make(map[string]bool, len(skip))
	for _, s := range skip {
		a, err := filepath.Abs(s)
		if err != nil {
			return nil, fmt.Errorf("replay: scan: %w", err)
		}
		skipAbs[a] = true
	}
	var all []Finding
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				name == "vendor" || name == "node_modules") {
				return filepath.SkipDir
			}
			if a, err := filepath.Abs(path); err == nil && skipAbs[a] {
				return filepath.SkipDir
			}
			return nil
		}
		if !IsCassettePath(path) {
			return nil
		}
		fs, err := ScanCassette(path)
		if err != nil {
			return err
		}
		all = append(all, fs...)
		return nil
	})
	if err != nil {
		return all, fmt.Errorf("replay: scan %s: %w", root, err)
	}
	return all, nil
}

// IsCassettePath reports whether path has the form …/testdata/cassettes/<name>.yaml.
func IsCassettePath(path string) bool {
	dir, file := filepath.Split(path)
	dir = filepath.Clean(dir)
	return strings.HasSuffix(file, ".yaml") &&
		filepath.Base(dir) == "cassettes" && filepath.Base(filepath.Dir(dir)) == "testdata"
}

// ScanCassette loads one cassette file and scans all its interactions.
func ScanCassette(file string) ([]Finding, error) {
	name, ok := strings.CutSuffix(file, ".yaml")
	if !ok {
		return nil, fmt.Errorf("replay: scan %s: not a .yaml cassette", file)
	}
	c, err := cassette.Load(name)
	if err != nil {
		return nil, fmt.Errorf("replay: load cassette %s: %w", file, err)
	}
	var out []Finding
	for n, i := range c.Interactions {
		if i == nil {
			continue
		}
		for _, f := range ScanInteraction(*i) {
			f.File = file
			f.Interaction = n
			out = append(out, f)
		}
	}
	return out, nil
}

// ScanInteraction returns what looks like a secret in one interaction (File and Interaction
// left empty): a JWT anywhere; a bearer credential that is not a placeholder; a credential
// header (Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Auth-Token…) that is not a
// placeholder; a value that is not a placeholder under a key of DefaultSecretKeys (or ending
// in token/secret/password) in a URL query or fragment, a Location header, a form, a form body
// or a JSON body at any depth. In JSON bodies "code" counts only when its value looks random
// (16+ characters mixing letters and digits, no spaces), since vendors use "code" for business
// data (BQE CORE activities).
func ScanInteraction(i cassette.Interaction) []Finding {
	var out []Finding
	add := func(where, what string) { out = append(out, Finding{Where: where, What: what}) }

	text := func(where, v string) {
		if jwtRe.MatchString(v) {
			add(where, "jwt")
		}
		for _, m := range bearerRe.FindAllStringSubmatch(v, -1) {
			if looksLikeCredential(m[2]) {
				add(where, "bearer credential")
			}
		}
	}
	urlCheck := func(where, raw string) {
		text(where, raw)
		base, frag, _ := strings.Cut(raw, "#")
		base, q, _ := strings.Cut(base, "?")
		if m := userinfoRe.FindString(base); m != "" && !strings.Contains(m, ":"+PlaceholderPrefix) {
			add(where, "password in userinfo")
		}
		queryCheck(where, q, add)
		queryCheck(where+" fragment", frag, add)
	}
	bodyCheck := func(where, contentType, body string) {
		if body == "" {
			return
		}
		text(where, body)
		mt := mediaType(contentType)
		trimmed := strings.TrimSpace(body)
		switch {
		case mt == formType || looksLikeForm(trimmed):
			queryCheck(where, trimmed, add)
		case isJSONType(mt) || strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "["):
			jsonCheck(where, body, add)
		}
	}
	headerCheck := func(where string, h http.Header) {
		for k, vs := range h {
			ck := http.CanonicalHeaderKey(k)
			for _, v := range vs {
				w := where + "." + ck
				switch {
				case v == "":
				case ck == "Authorization" || ck == "Proxy-Authorization" || ck == "Cookie" ||
					ck == "Set-Cookie" || (Scrubber{}).IsSecretKey(k):
					if !strings.Contains(v, PlaceholderPrefix) {
						add(w, "credential header")
					}
				case ck == "Location" || ck == "Content-Location":
					urlCheck(w, v)
				default:
					text(w, v)
				}
			}
		}
	}

	urlCheck("request.url", i.Request.URL)
	headerCheck("request.headers", i.Request.Headers)
	for k, vs := range i.Request.Form {
		for _, v := range vs {
			if v != "" && (Scrubber{}).IsSecretKey(k) && !IsPlaceholder(v) {
				add("request.form", fmt.Sprintf("secret key %q", k))
			}
			text("request.form", v)
		}
	}
	bodyCheck("request.body", i.Request.Headers.Get("Content-Type"), i.Request.Body)
	headerCheck("response.headers", i.Response.Headers)
	bodyCheck("response.body", i.Response.Headers.Get("Content-Type"), i.Response.Body)
	return out
}

func queryCheck(where, raw string, add func(where, what string)) {
	if raw == "" {
		return
	}
	for _, p := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if val != "" && (Scrubber{}).IsSecretKey(key) && !IsPlaceholder(val) {
			add(where, fmt.Sprintf("secret key %q", key))
		}
	}
}

func jsonCheck(where, body string, add func(where, what string)) {
	var sink bytes.Buffer
	_ = walkJSON([]byte(body), &sink, func(key string, inObj bool, v string) string {
		if !inObj || v == "" || IsPlaceholder(v) || !(Scrubber{}).IsSecretKey(key) {
			return v
		}
		if strings.EqualFold(key, "code") && !looksRandom(v) {
			return v
		}
		add(where, fmt.Sprintf("secret key %q", key))
		return v
	})
}

// looksRandom reports whether v reads like a generated secret rather than a business code.
func looksRandom(v string) bool {
	if len(v) < 16 || strings.ContainsAny(v, " \t\r\n") {
		return false
	}
	return strings.ContainsAny(v, "0123456789") &&
		strings.ContainsAny(strings.ToLower(v), "abcdefghijklmnopqrstuvwxyz")
}

// ModuleRoot returns the directory holding the go.mod that governs dir, looking upward.
func ModuleRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("replay: module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("replay: module root: %w", err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("replay: no go.mod above %s", dir)
		}
		d = parent
	}
}
