package readme

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// block is one fenced code block of a document.
type block struct {
	file string
	line int // of the opening fence
	lang string
	text string
}

// documents lists the Markdown files whose Go blocks must be compiled code.
func documents(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{filepath.Join(root, "README.md")}, docs...)
}

// fenced returns the fenced code blocks of a Markdown file.
func fenced(t *testing.T, path string) []block {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []block
	var cur *block
	var body []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &block{file: path, line: n, lang: strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))}
			body = nil
		case cur != nil && trimmed == "```":
			cur.text = dedent(body)
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("%s:%d: code fence never closed", path, cur.line)
	}
	return out
}

// region is the code between "// readme:begin name" and "// readme:end".
type region struct {
	name, file string
	line       int
	text       string
}

var beginRE = regexp.MustCompile(`^\s*// readme:begin (\S+)\s*$`)

// regions reads every region of this package's Go files.
func regions(t *testing.T) map[string]region {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]region{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i++ {
			m := beginRE.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			start := i
			var body []string
			for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "// readme:end"; i++ {
				if beginRE.MatchString(lines[i]) {
					t.Fatalf("%s:%d: region %q opened inside region %q", file, i+1, beginRE.FindStringSubmatch(lines[i])[1], m[1])
				}
				body = append(body, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("%s:%d: region %q has no // readme:end", file, start+1, m[1])
			}
			if prev, dup := out[m[1]]; dup {
				t.Fatalf("%s:%d: region %q already defined at %s:%d", file, start+1, m[1], prev.file, prev.line)
			}
			out[m[1]] = region{name: m[1], file: file, line: start + 1, text: dedent(body)}
		}
	}
	return out
}

// dedent removes the indentation every non-blank line shares, and blank
// lines at both ends; tabs count as indentation as gofmt writes it.
func dedent(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	prefix := ""
	first := true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		ind := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			prefix, first = ind, false
			continue
		}
		for !strings.HasPrefix(ind, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(strings.TrimPrefix(l, prefix), " \t")
	}
	return strings.Join(out, "\n")
}

// TestDocumentsShowCompiledCode is the guard of the package doc: every ```go
// block of README.md and docs/*.md is a region of this package, verbatim,
// and every region is shown somewhere.
func TestDocumentsShowCompiledCode(t *testing.T) {
	regs := regions(t)
	if len(regs) == 0 {
		t.Fatal("no // readme:begin regions found")
	}
	byText := map[string]string{}
	for name, r := range regs {
		byText[r.text] = name
	}
	shown := map[string]bool{}
	goBlocks := 0
	for _, doc := range documents(t) {
		for _, b := range fenced(t, doc) {
			if b.lang != "go" {
				continue
			}
			goBlocks++
			name, ok := byText[b.text]
			if !ok {
				t.Errorf("%s:%d: this ```go block is not compiled code: it must be, verbatim, a // readme:begin region of internal/readme.%s",
					rel(b.file), b.line, closest(b.text, regs))
				continue
			}
			shown[name] = true
		}
	}
	if goBlocks == 0 {
		t.Fatal("no ```go blocks found in the documents")
	}
	var unused []string
	for name, r := range regs {
		if !shown[name] {
			unused = append(unused, fmt.Sprintf("%s (%s:%d)", name, r.file, r.line))
		}
	}
	sort.Strings(unused)
	for _, u := range unused {
		t.Errorf("region %s is shown by no document: remove it, or show it", u)
	}
}

// closest names the region sharing the most lines with the block, and the
// first line where they part, to make a failure quick to fix.
func closest(text string, regs map[string]region) string {
	bl := strings.Split(text, "\n")
	best, bestN := "", 0
	for name, r := range regs {
		have := map[string]bool{}
		for _, l := range strings.Split(r.text, "\n") {
			have[l] = true
		}
		n := 0
		for _, l := range bl {
			if strings.TrimSpace(l) != "" && have[l] {
				n++
			}
		}
		if n > bestN || n == bestN && n > 0 && name < best {
			best, bestN = name, n
		}
	}
	if best == "" {
		return " No region shares a line with it."
	}
	r := regs[best]
	rl := strings.Split(r.text, "\n")
	i := 0
	for i < len(bl) && i < len(rl) && bl[i] == rl[i] {
		i++
	}
	doc, code := "(end)", "(end)"
	if i < len(bl) {
		doc = bl[i]
	}
	if i < len(rl) {
		code = rl[i]
	}
	return fmt.Sprintf("\nClosest: region %s (%s:%d); line %d differs:\n  document: %s\n  code:     %s", best, r.file, r.line, i+1, doc, code)
}

func rel(p string) string {
	if r, err := filepath.Rel(root, p); err == nil {
		return r
	}
	return p
}
