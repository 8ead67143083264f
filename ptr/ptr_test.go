package ptr_test

import (
	"fmt"
	"testing"

	"github.com/oasuite/sdk/ptr"
)

func TestTo(t *testing.T) {
	v := "Sales"
	p := ptr.To(v)
	if p == nil || *p != "Sales" {
		t.Fatalf("To(%q) = %v", v, p)
	}
	*p = "changed"
	if v != "Sales" {
		t.Errorf("To must point to a copy; the original became %q", v)
	}
	if a, b := ptr.To(0), ptr.To(0); a == b {
		t.Error("two calls returned the same pointer")
	}
	if b := ptr.To(false); b == nil || *b {
		t.Errorf("To(false) = %v", b)
	}
}

func TestValue(t *testing.T) {
	if got := ptr.Value[int](nil); got != 0 {
		t.Errorf("Value(nil) = %d, want 0", got)
	}
	if got := ptr.Value(ptr.To(30.5)); got != 30.5 {
		t.Errorf("Value(To(30.5)) = %v", got)
	}
	type rec struct{ Name *string }
	if got := ptr.Value(rec{}.Name); got != "" {
		t.Errorf("Value of a nil field = %q", got)
	}
}

func ExampleTo() {
	type params struct{ OrderBy *string }
	p := params{OrderBy: ptr.To("name")}
	fmt.Println(*p.OrderBy)
	// Output: name
}
