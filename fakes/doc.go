// Package fakes holds what the five vendor fakes (bidcoretest, bqecoretest,
// bouquettest, beproducttest, procuriostest) share in their exported API, so
// that a test in any module can use it: [Fault], the misbehaviour a test
// queues with Server.AddFault, and [Coverage], the record of served spec
// operations a test binary shares between fakes (WithCoverage).
//
// Every fake's *Server has the same names for the same jobs:
//
//	BaseURL() string                     the base URL for <vendor>.WithBaseURL
//	Origin() string                      scheme://host:port of the fake
//	Client() *http.Client                a client that trusts the fake (WithTLS)
//	Close()
//	AddFault(f fakes.Fault)              queue any fault (status, delay, drop, hang)
//	FailNext(operationID string, status int, retryAfter time.Duration, times int)
//	ClearFaults(); FaultsFired() int
//	ExpireTokens()                       every access token issued so far fails (401)
//	Requests(operationID string) int     requests of a spec operation served
//	Tamper(operationID, from, to string, status int); ClearTampers()
//
// and, on every fake with an authorization-code flow (all but BidCore's):
//
//	Authorize(ctx, authURL string) (url.Values, error)   the user's browser
//	WithRedirectURLs(urls ...string) Option              register more redirects (e.g. loopback)
//
// Options are WithCoverage(*fakes.Coverage) and WithClock(func() time.Time) on
// all five, beside each vendor's own.
package fakes
