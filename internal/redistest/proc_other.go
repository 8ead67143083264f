//go:build !linux

package redistest

import "os/exec"

// orphanProof does nothing outside Linux, which alone has a parent-death signal.
func orphanProof(*exec.Cmd) {}
