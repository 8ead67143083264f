// Package bench holds the suite's performance benchmarks (issue 9): each
// case runs twice against one loopback server with fixed payloads, once
// through a hand-written client that uses only net/http and encoding/json
// (raw, the floor for this stack) and once through the public BeProduct
// client with an auth.Source, the shared pipeline and the generated code
// (suite).
//
// The package has no API: everything is in its _test.go files. Run the
// benchmarks with "make bench"; docs/PERFORMANCE.md holds the figures and
// the targets.
package bench
