// Package reliability holds the suite's cross-vendor reliability and
// security tests: the bad-input matrix every vendor client is driven through,
// the secrets checks, and the concurrency tests (many goroutines, and two
// processes sharing one auth.FileStore). It has no code of its own; see
// docs/RELIABILITY.md for what the tests prove.
package reliability
