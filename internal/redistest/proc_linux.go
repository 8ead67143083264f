package redistest

import (
	"os/exec"
	"syscall"
)

// orphanProof makes the kernel kill the server if the test binary dies
// without running its cleanups (a timeout panic, a SIGKILL).
func orphanProof(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
