// Package specs holds the hand-kept OpenAPI 3.0.3 specs of the five vendors,
// the single source of truth from which gen/ is generated. They are embedded
// so that the vendor fakes (and users' own tests) can validate requests
// against exactly the spec the client was generated from.
package specs

import (
	"embed"
	"fmt"
)

//go:embed *.yaml
var files embed.FS

// Vendors lists the vendors whose specs are kept here, in the suite's order.
var Vendors = [...]string{"bidcore", "bqecore", "bouquet", "beproduct", "procurios"}

// Load returns the YAML spec of one vendor ("bqecore", "bidcore", …).
func Load(vendor string) ([]byte, error) {
	b, err := files.ReadFile(vendor + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("specs: no spec for vendor %q: %w", vendor, err)
	}
	return b, nil
}
