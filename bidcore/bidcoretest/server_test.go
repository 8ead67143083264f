package bidcoretest

import (
	"testing"

	"github.com/oasuite/sdk/specs"
)

func BenchmarkNewServer(b *testing.B) {
	for b.Loop() {
		s := NewServer()
		s.Close()
	}
}

func BenchmarkInputDefaults(b *testing.B) {
	spec, _ := specsLoad()
	for b.Loop() {
		if _, err := inputDefaults(spec, entityDefs()); err != nil {
			b.Fatal(err)
		}
	}
}

func specsLoad() ([]byte, error) { return specs.Load("bidcore") }
