// Command genoverlay writes the OpenAPI Overlay that carries the suite's Go
// generation policy for one vendor spec. Each gen/<vendor>api/generate.go
// runs it before oapi-codegen, whose config points at the result:
//
//	go -C ../../tools tool genoverlay -spec ../specs/beproduct.yaml -out ../gen/beproductapi/overlay.gen.yaml
//
// The policy, derived from the spec so that editing the spec is all a
// vendor change needs:
//
//   - Schemas only ever read (reachable from responses and never from a
//     request body or parameter) get value fields instead of a pointer per
//     optional property: x-go-type-skip-optional-pointer on each property,
//     through nested inline objects. Decoding a pointer field costs an
//     allocation per present value (about 30 per BeProduct header, 27,000
//     per 200-record page), and readers gain nothing from telling "absent"
//     from the zero value. Schemas that are sent, or both sent and read,
//     keep their pointers so that false, 0 and "" stay sendable.
//   - Response headers declared on 2xx answers are not bound into typed
//     structs: the generated parser binds them by reflection on every
//     answer (about 7 allocations for three headers), and the wrappers read
//     the few that matter (BeProduct's X-RateLimit-*, Bouquet's Retry-After)
//     straight from http.Response.Header. The spec keeps them as
//     documentation.
//
// The spec itself is not changed: it stays a record of the vendor's API.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/oasuite/sdk/tools/genoverlay/policy"
)

func main() {
	spec := flag.String("spec", "", "the vendor's OpenAPI spec")
	out := flag.String("out", "overlay.gen.yaml", "where to write the overlay")
	flag.Parse()
	if *spec == "" {
		fmt.Fprintln(os.Stderr, "genoverlay: -spec is required")
		os.Exit(2)
	}
	data, err := os.ReadFile(*spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genoverlay:", err)
		os.Exit(1)
	}
	b, err := policy.Overlay(data, *spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genoverlay:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genoverlay:", err)
		os.Exit(1)
	}
}
