package covergate

import (
	"flag"
	"testing"
)

func TestApplies(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"-test.count=1", "-test.v"}, true},
		{[]string{"-test.run=TestX"}, false},
		{[]string{"-test.skip=TestX"}, false},
		{[]string{"-test.list=Example"}, false},
		{[]string{"-test.list=."}, false},
		{[]string{"-test.short"}, false},
		{[]string{"-test.short=false"}, true},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.String("test.run", "", "")
		fs.String("test.skip", "", "")
		fs.String("test.list", "", "")
		fs.Int("test.count", 1, "")
		fs.Bool("test.v", false, "")
		fs.Bool("test.short", false, "")
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := applies(fs); got != tc.want {
			t.Errorf("applies(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

// TestAppliesToThisRun checks the real flag set: this very run was started
// by go test, so the test flags are registered; -list never gets here (no
// test runs), and a -run filter must switch the gate off.
func TestAppliesToThisRun(t *testing.T) {
	run := flag.Lookup("test.run")
	if run == nil {
		t.Fatal("test.run is not registered")
	}
	if got, want := Applies(), run.Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" && !testing.Short(); got != want {
		t.Errorf("Applies() = %v, want %v", got, want)
	}
}
