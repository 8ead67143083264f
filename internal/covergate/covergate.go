// Package covergate tells a vendor package's TestMain whether its
// operation-coverage gate (every spec operation served by a test) applies to
// the current run of the test binary.
package covergate

import "flag"

// filters are the test flags that make a run partial: a run that selects or
// skips tests (-run, -skip), only lists them (-list) or asks for -short
// cannot be expected to have served every operation.
var filters = []string{"test.run", "test.skip", "test.list"}

// Applies reports whether the whole package ran, the only case in which a
// coverage gate is meaningful: none of -test.run, -test.skip, -test.list is
// set and -test.short is off. Call it after m.Run (which parses the flags).
func Applies() bool {
	return applies(flag.CommandLine)
}

func applies(fs *flag.FlagSet) bool {
	for _, name := range filters {
		if f := fs.Lookup(name); f != nil && f.Value.String() != "" {
			return false
		}
	}
	if f := fs.Lookup("test.short"); f != nil && f.Value.String() == "true" {
		return false
	}
	return true
}
