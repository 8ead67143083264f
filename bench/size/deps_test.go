// Package size holds the hello-world programs of `make size` (one per vendor
// and an x/oauth2-only baseline) and the test of what a vendor import links.
package size_test

import (
	"os/exec"
	"strings"
	"testing"
)

var vendors = []string{"bidcore", "bqecore", "bouquet", "beproduct", "procurios"}

// deps lists the packages pkg links (go list -deps, tests excluded).
func deps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{.ImportPath}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	m := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		m[p] = true
	}
	return m
}

// Importing one vendor links its own generated package and compact spec,
// and no spec parser: no YAML, no kin-openapi, no JSON Schema engine (but
// Procurios, which checks registrations against the registration set's JSON
// Schema before sending them), no specs/ (the YAML of all five) and no other
// vendor. Response validation (validate/openapi) is linked only by the
// programs that import it.
func TestVendorImportIsLight(t *testing.T) {
	forbidden := []string{
		"gopkg.in/yaml.v3", "go.yaml.in/yaml/", "github.com/getkin/kin-openapi/", "github.com/santhosh-tekuri/jsonschema/",
		"github.com/oasuite/sdk/specs", "github.com/oasuite/sdk/validate/openapi", "github.com/oasuite/sdk/internal/fakekit",
	}
	allowed := map[string]string{"procurios": "github.com/santhosh-tekuri/jsonschema/"}
	for _, v := range vendors {
		d := deps(t, "github.com/oasuite/sdk/"+v)
		if !d["github.com/oasuite/sdk/gen/"+v+"api"] {
			t.Errorf("%s does not link its generated package: the check below would prove nothing", v)
		}
		for p := range d {
			if a := allowed[v]; a != "" && strings.HasPrefix(p, a) {
				continue
			}
			for _, f := range forbidden {
				if p == f || strings.HasPrefix(p, f) {
					t.Errorf("importing %s links %s", v, p)
				}
			}
			for _, o := range vendors {
				if o != v && (p == "github.com/oasuite/sdk/gen/"+o+"api" || p == "github.com/oasuite/sdk/"+o) {
					t.Errorf("importing %s links %s", v, p)
				}
			}
		}
	}
	// The engine itself does link kin-openapi: the test sees what it claims to.
	if d := deps(t, "github.com/oasuite/sdk/validate/openapi"); !d["github.com/getkin/kin-openapi/openapi3"] {
		t.Error("validate/openapi does not link kin-openapi")
	}
}
