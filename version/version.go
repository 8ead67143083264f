// Package version holds the suite's version, sent in every vendor client's
// default User-Agent ("oasuite-<vendor>/<version> (+github.com/oasuite/sdk)")
// and printed by `oasuite --version`.
package version

// Version is the suite's semantic version. The module is not tagged yet;
// the first tag will be v0.1.0.
const Version = "0.1.0-dev"

// Module is the module path users import.
const Module = "github.com/oasuite/sdk"

// UserAgent returns the default User-Agent of the client for vendor (e.g.
// "bqecore"): oasuite-bqecore/0.1.0-dev (+github.com/oasuite/sdk).
func UserAgent(vendor string) string {
	return "oasuite-" + vendor + "/" + Version + " (+" + Module + ")"
}
