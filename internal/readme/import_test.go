package readme

// readme:begin import
import "github.com/oasuite/sdk/bqecore"

// readme:end

// The front page's import line names a package this file uses.
var _ = bqecore.ErrNotFound
