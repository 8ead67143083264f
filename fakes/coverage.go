package fakes

import (
	"fmt"
	"slices"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Coverage records which spec operations were served. One value can be
// shared by every fake of the same vendor in a test binary (WithCoverage);
// a TestMain then checks Missing to prove that every spec operation was
// exercised. The zero value is ready to use; it is safe for concurrent use.
type Coverage struct {
	mu     sync.Mutex
	served map[string]int
}

// NewCoverage returns an empty coverage record.
func NewCoverage() *Coverage { return &Coverage{} }

// Record notes one served request of operation op.
func (c *Coverage) Record(op string) {
	c.mu.Lock()
	if c.served == nil {
		c.served = map[string]int{}
	}
	c.served[op]++
	c.mu.Unlock()
}

// Count returns how many requests of op were served.
func (c *Coverage) Count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.served[op]
}

// Served returns the served operations, sorted.
func (c *Coverage) Served() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.served))
	for op := range c.served {
		out = append(out, op)
	}
	slices.Sort(out)
	return out
}

// Missing returns the operations of the spec (YAML or JSON, e.g.
// specs.Load("bidcore")) that were never served, sorted. A spec that does
// not load yields one entry describing the error, so that a coverage check
// fails loudly.
func (c *Coverage) Missing(spec []byte) []string {
	ops, err := SpecOperations(spec)
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

// SpecOperations returns every operation of a spec by operationId ("METHOD
// /path" for one without), sorted.
func SpecOperations(spec []byte) ([]string, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("fakes: load spec: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("fakes: invalid spec: %w", err)
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := op.OperationID
			if name == "" {
				name = method + " " + path
			}
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}
