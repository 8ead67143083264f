package fakekit

import "github.com/oasuite/sdk/fakes"

// OpCoverage is fakes.Coverage, the public record of served operations.
type OpCoverage = fakes.Coverage

// NewOpCoverage returns an empty coverage record.
func NewOpCoverage() *OpCoverage { return fakes.NewCoverage() }

// SpecOperations returns every operation of a spec by operationId ("METHOD /path" for one
// without), sorted.
func SpecOperations(specYAML []byte) ([]string, error) { return fakes.SpecOperations(specYAML) }
