// Package benchkit is what the benchmarks of bench/ and of the nested ogen
// peer module (bench/ogenpeer) share: the loopback BeProduct server and its
// fixed payloads, the hand-written raw client, the suite client as a user
// builds it, CPU and heap measurement, and the JSON comparison helpers of
// the equivalence tests. It is test support, imported by no library
// package.
package benchkit
