package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDemoExercisesEveryVendor keeps the README's main job true: `oasuite
// demo` runs each of the five vendors against its fake and exits 0.
func TestDemoExercisesEveryVendor(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"demo"}, &out, &errb)
	if code != 0 {
		t.Fatalf("oasuite demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	for _, v := range []string{"bidcore", "bqecore", "bouquet", "beproduct", "procurios"} {
		if !strings.Contains(out.String(), "\nok   "+v+" (") {
			t.Errorf("demo output has no passing %s step:\n%s", v, out.String())
		}
	}
	if !strings.Contains(out.String(), "demo: 5 passed, 0 failed") {
		t.Errorf("demo summary missing:\n%s", out.String())
	}
}

func TestDemoUnknownVendorIsAnError(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "nosuchvendor"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(errb.String(), `unknown vendor "nosuchvendor"`) {
		t.Fatalf("stderr %q", errb.String())
	}
}
