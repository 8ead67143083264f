package readme

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// linkRE matches a Markdown link or image target: [text](target).
var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocumentLinksResolve: every relative link of README.md and docs/*.md
// names a file of the repository (and, with #anchor, one of its headings);
// none leads outside the repository.
func TestDocumentLinksResolve(t *testing.T) {
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range documents(t) {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(stripCode(string(b)), "\n") {
			for _, m := range linkRE.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				path, anchor, _ := strings.Cut(target, "#")
				file := doc
				if path != "" {
					file = filepath.Join(filepath.Dir(doc), path)
				}
				fa, err := filepath.Abs(file)
				if err != nil {
					t.Fatal(err)
				}
				if fa != abs && !strings.HasPrefix(fa, abs+string(filepath.Separator)) {
					t.Errorf("%s:%d: link %q leads outside the repository", rel(doc), i+1, target)
					continue
				}
				if _, err := os.Stat(file); err != nil {
					t.Errorf("%s:%d: link %q: no such file", rel(doc), i+1, target)
					continue
				}
				if anchor != "" && strings.HasSuffix(file, ".md") && !hasAnchor(t, file, anchor) {
					t.Errorf("%s:%d: link %q: %s has no heading with that anchor", rel(doc), i+1, target, rel(file))
				}
			}
		}
	}
}

// stripCode blanks fenced blocks and inline code, where "](" is no link.
func stripCode(s string) string {
	var out []string
	in := false
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			out = append(out, "")
			continue
		}
		if in {
			out = append(out, "")
			continue
		}
		out = append(out, regexp.MustCompile("`[^`]*`").ReplaceAllString(l, ""))
	}
	return strings.Join(out, "\n")
}

// hasAnchor reports whether a Markdown file has a heading whose GitHub
// anchor is anchor.
func hasAnchor(t *testing.T, file, anchor string) bool {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(stripFences(string(b)), "\n") {
		if h := strings.TrimLeft(l, "#"); h != l && strings.HasPrefix(h, " ") && slug(h) == anchor {
			return true
		}
	}
	return false
}

func stripFences(s string) string {
	var out []string
	in := false
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			continue
		}
		if !in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// slug is GitHub's heading anchor: lower case, punctuation dropped, spaces
// as hyphens.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestNoReferenceLeavesTheRepository: no file of the repository points at
// the notes it was built from outside it (a sibling shared/ directory, the
// builders' machine), and every docs/<name>.md a file mentions exists.
func TestNoReferenceLeavesTheRepository(t *testing.T) {
	outside := []string{
		"shared/" + "vendors", "shared/" + "DESIGN", "docs/" + "vendors/", "/" + "work/", "shared/" + "seeds",
	}
	docRE := regexp.MustCompile(`\bdocs/([A-Za-z0-9_.-]+\.md)\b`)
	for _, path := range repoFiles(t) {
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".txt", ".json", ".sh", "":
		default:
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) >= 0 {
			continue // binary
		}
		s := string(b)
		for _, o := range outside {
			if i := strings.Index(s, o); i >= 0 {
				t.Errorf("%s:%d: refers to %q, outside the repository", rel(path), strings.Count(s[:i], "\n")+1, o)
			}
		}
		if top := strings.SplitN(rel(path), string(filepath.Separator), 2)[0]; top == "gen" || top == "specs" ||
			strings.HasPrefix(rel(path), filepath.Join("bench", "ogenpeer")+string(filepath.Separator)) {
			continue // vendor facts (and the ogen peer's copy of them): "docs/…" there names a vendor's document
		}
		for _, m := range docRE.FindAllStringSubmatchIndex(s, -1) {
			name := s[m[2]:m[3]]
			if _, err := os.Stat(filepath.Join(root, "docs", name)); err != nil {
				t.Errorf("%s:%d: mentions docs/%s, which does not exist", rel(path), strings.Count(s[:m[0]], "\n")+1, name)
			}
		}
	}
}

// repoFiles lists the repository's files as git sees them (tracked, and
// new ones not ignored), so that build output and tool caches are left out.
func repoFiles(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("git ls-files: %v (run the test in a git checkout)", err)
	}
	var files []string
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f == "" || strings.Contains(f, "/testdata/") || strings.HasPrefix(f, "testdata/") {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, f)); err == nil { // deleted but not yet committed: gone
			files = append(files, filepath.Join(root, f))
		}
	}
	return files
}

func TestSlug(t *testing.T) {
	for h, want := range map[string]string{
		"Quick start":                         "quick-start",
		"BidCore (IPONWEB)":                   "bidcore-iponweb",
		"The `oasuite` command":               "the-oasuite-command",
		"Regenerating after a spec change":    "regenerating-after-a-spec-change",
		"Stored tokens: a fresh login wins":   "stored-tokens-a-fresh-login-wins",
		"Spec assumptions ([gap] in the doc)": "spec-assumptions-gap-in-the-doc",
	} {
		if got := slug(h); got != want {
			t.Errorf("slug(%q) = %q, want %q", h, got, want)
		}
	}
}
