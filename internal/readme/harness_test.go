package readme

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDedent(t *testing.T) {
	got := dedent([]string{"", "\t\tif x {", "\t\t\ty()", "", "\t\t}", "\t"})
	if want := "if x {\n\ty()\n\n}"; got != want {
		t.Fatalf("dedent = %q, want %q", got, want)
	}
}

func TestFencedReadsLanguageAndBody(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.md")
	doc := "# T\n\n```go\nfmt.Println(1)\n```\n\ntext\n\n   ```sh\n   make demo\n   ```\n"
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	bs := fenced(t, p)
	if len(bs) != 2 || bs[0].lang != "go" || bs[0].text != "fmt.Println(1)" || bs[0].line != 3 ||
		bs[1].lang != "sh" || bs[1].text != "make demo" {
		t.Fatalf("blocks = %+v", bs)
	}
}
