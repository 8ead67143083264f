package replay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCassettesHaveNoSecrets scans every cassette of the module (*/testdata/cassettes/*.yaml)
// and fails on anything secret-looking. internal/replay/testdata holds deliberate leaks and is
// skipped.
func TestCassettesHaveNoSecrets(t *testing.T) {
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	findings, err := ScanCassettes(root, filepath.Join(root, "internal", "replay", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Errorf("%s", f)
	}
}

// TestScannerFindsLeaks proves the scanner can fail: the fixture holds one leak of each kind.
func TestScannerFindsLeaks(t *testing.T) {
	file := filepath.Join("testdata", "cassettes", "leaky.yaml")
	findings, err := ScanCassette(file)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range findings {
		got[f.Where+" | "+f.What] = true
		if f.File != file {
			t.Errorf("finding file %q", f.File)
		}
	}
	want := []string{
		"request.url | secret key \"access_token\"",
		"request.url fragment | secret key \"id_token\"",
		"request.url | password in userinfo",
		"request.headers.Authorization | credential header",
		"request.headers.Cookie | credential header",
		"request.form | secret key \"client_secret\"",
		"request.body | secret key \"client_secret\"",
		"response.headers.Set-Cookie | credential header",
		"response.headers.Location | secret key \"code\"",
		"response.body | secret key \"refresh_token\"",
		"response.body | secret key \"tokenId\"",
		"response.body | secret key \"code\"",
		"response.body | jwt",
		"response.body | bearer credential",
		"response.headers.X-Debug | jwt",
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing finding %q", w)
		}
	}
	// The fixture's business "code" (BQE activity), prose and placeholders are not findings.
	for _, f := range findings {
		if f.Interaction == 2 {
			t.Errorf("clean interaction flagged: %s", f)
		}
		if strings.Contains(strings.TrimPrefix(f.String(), f.File), "leak") {
			t.Errorf("finding prints the secret: %s", f)
		}
	}

	// The module-wide walk finds the fixture when not told to skip it.
	all, err := ScanCassettes(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(findings) {
		t.Errorf("ScanCassettes(.) found %d, ScanCassette %d", len(all), len(findings))
	}
	none, err := ScanCassettes(".", "testdata")
	if err != nil || len(none) != 0 {
		t.Errorf("skip ignored: %d findings, err %v", len(none), err)
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "testdata", "cassettes")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "broken.yaml"), []byte("interactions: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanCassettes(dir); err == nil {
		t.Error("broken cassette accepted")
	}
	if _, err := ScanCassette(filepath.Join(dir, "x.json")); err == nil {
		t.Error("non-yaml accepted")
	}
	if _, err := ModuleRoot("/"); err == nil {
		t.Error("module root found above /")
	}
}

func TestIsCassettePath(t *testing.T) {
	for p, want := range map[string]bool{
		"bqecore/testdata/cassettes/list.yaml": true,
		"testdata/cassettes/list.yaml":         true,
		"bqecore/testdata/cassettes/list.yml":  false,
		"bqecore/testdata/list.yaml":           false,
		"bqecore/cassettes/list.yaml":          false,
		"bqecore/testdata/cassettes/x/y.yaml":  false,
	} {
		if got := IsCassettePath(filepath.FromSlash(p)); got != want {
			t.Errorf("IsCassettePath(%q) = %v", p, got)
		}
	}
}
