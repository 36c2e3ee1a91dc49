package mocktest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestExternalModule runs the tests of testdata/external, a module outside this one that uses
// connectormock as a user's project does (a replace to this clone, public packages only): two
// connectors per vendor from the builders, Put, assertions by operationId, a mistyped id. A
// change that breaks the library for its users fails here, not in their CI.
func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and tests another module")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "external"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "test", "-count=1", "./...")
	cmd.Dir = dir
	// Tests download nothing: the modules are in the cache (go mod download, as .ci/run does),
	// and a go.mod or go.sum that needs a change fails the test instead of being rewritten.
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test in %s: %v\n%s", dir, err, out)
	}
	t.Logf("%s", out)
}
