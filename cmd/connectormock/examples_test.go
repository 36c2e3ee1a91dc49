package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMESandboxExamples runs the TypeScript and Python tests of the README's "Sharing one
// mock" against the command, each twice at once (two suites sharing the process), when node
// and python3 are installed: the examples must stay true. They leave no sandbox behind.
func TestREADMESandboxExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	text := string(readme)
	at := strings.Index(text, "## Sharing one mock")
	require.GreaterOrEqual(t, at, 0)
	section := text[at:]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	block := func(lang string) string {
		m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(section)
		require.NotNil(t, m, "a %s example", lang)
		return m[1]
	}
	dir := t.TempDir()
	// The TypeScript example uses no type annotation, so node runs it as a module as it is.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sandbox.test.mjs"), []byte(block("ts")), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "test_sandbox.py"), []byte(block("python")), 0o600))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-log-level", "warn")
	for _, c := range []struct {
		bin  string
		args []string
	}{
		{"node", []string{"--test", "sandbox.test.mjs"}},
		{"python3", []string{"-m", "unittest", "test_sandbox"}},
	} {
		t.Run(c.bin, func(t *testing.T) {
			if _, err := exec.LookPath(c.bin); err != nil {
				t.Skipf("%s is not installed", c.bin)
			}
			errs := make(chan error, 2)
			outs := make(chan string, 2)
			for range 2 {
				go func() {
					cmd := exec.Command(c.bin, c.args...)
					cmd.Dir = dir
					cmd.Env = append(os.Environ(), "CONNECTORMOCK_URL="+base)
					out, err := cmd.CombinedOutput()
					outs <- string(out)
					errs <- err
				}()
			}
			for range 2 {
				err, out := <-errs, <-outs
				assert.NoError(t, err, "%s", out)
			}
		})
	}
	status, body := getBody(t, "GET", base+"/__admin/sandboxes", "")
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), `"sandboxes":[]`, "every example deleted its sandbox")
	cancel()
	require.NoError(t, <-done)
}
