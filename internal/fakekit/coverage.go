package fakekit

import (
	"slices"
	"sync"
)

// OpCoverage records which spec operations were served. One value can be shared by every fake
// of the same vendor in a test binary; vendor packages check Missing in TestMain to prove that
// every spec operation was exercised. The zero value is ready to use; it is safe for
// concurrent use.
type OpCoverage struct {
	mu     sync.Mutex
	served map[string]int
}

// NewOpCoverage returns an empty coverage record.
func NewOpCoverage() *OpCoverage { return &OpCoverage{} }

// Record notes one served request of operation op.
func (c *OpCoverage) Record(op string) {
	c.mu.Lock()
	if c.served == nil {
		c.served = map[string]int{}
	}
	c.served[op]++
	c.mu.Unlock()
}

// Count returns how many requests of op were served.
func (c *OpCoverage) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.served[op]
}

// Served returns the served operations, sorted.
func (c *OpCoverage) Served() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.served))
	for op := range c.served {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}

// Missing returns the operations of the spec that were never served, sorted. A spec that does
// not load yields one entry describing the error, so that a coverage check fails loudly.
func (c *OpCoverage) Missing(specYAML []byte) []string {
	ops, err := SpecOperations(specYAML)
	if err != nil {
		return []string{"(spec does not load: " + err.Error() + ")"}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, op := range ops {
		if c.served[op] == 0 {
			out = append(out, op)
		}
	}
	return out
}

// SpecOperations returns every operation of a spec by operationId ("METHOD /path" for one
// without), sorted.
func SpecOperations(specYAML []byte) ([]string, error) {
	doc, err := loadSpec(specYAML)
	if err != nil {
		return nil, err
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, opName(method, path, op))
		}
	}
	slices.Sort(out)
	return out, nil
}
