//go:build !unix

package benchkit

import "time"

// ProcessCPU is not measured here; the cpu-ns/op metric is left out.
func ProcessCPU() (time.Duration, bool) { return 0, false }
