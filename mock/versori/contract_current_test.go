package versori_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestVendorCopyIsCurrent holds testdata's copy of Versori's contract (what
// TestSpecMatchesVendorOperations and TestSpecFieldsMatchVendor read) to the contract itself,
// when it is on the machine: beside the repository as the project's shared reference, or where
// CONNECTORMOCK_VERSORI_CONTRACT says. A vendor change then fails here until the copy is
// refreshed, and then the drift tests until the mock follows. A clean clone alone skips it.
func TestVendorCopyIsCurrent(t *testing.T) {
	path := os.Getenv("CONNECTORMOCK_VERSORI_CONTRACT")
	if path == "" {
		path = filepath.Join(testkit.Root(), "..", "shared", "reference", "versori", "connect-api-v1.yaml")
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Versori's contract is not at %s (set CONNECTORMOCK_VERSORI_CONTRACT)", path)
	}
	require.NoError(t, err)
	got, err := os.ReadFile(testkit.Testdata("versori", "vendor-connect-api-v1.yaml"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, got), "testdata/versori/vendor-connect-api-v1.yaml differs from %s: copy it over", path)
}
