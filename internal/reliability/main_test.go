package reliability

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperProcess())
	}
	goleak.VerifyTestMain(m)
}

// goleakVerify fails t when a goroutine started by the test is still running.
func goleakVerify(t *testing.T) {
	t.Helper()
	goleak.VerifyNone(t)
}
