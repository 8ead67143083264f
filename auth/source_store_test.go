package auth_test

import (
	"testing"

	"github.com/oasuite/sdk/auth"
	"github.com/oasuite/sdk/internal/storetest"
)

// The Source/store conformance checks of issue 15, for the stores of this
// package (redisstore runs them too).
func TestSourceStoreConformanceMemory(t *testing.T) { storetest.Run(t, &auth.MemoryStore{}) }

func TestSourceStoreConformanceFile(t *testing.T) { storetest.Run(t, auth.FileStore(t.TempDir())) }
