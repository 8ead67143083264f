//go:build tools

package ogenpeer

// The generator, pinned by this module's go.mod.
import _ "github.com/ogen-go/ogen/cmd/ogen"
