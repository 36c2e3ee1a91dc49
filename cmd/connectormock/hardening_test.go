package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
)

// TestAdminHostsFlag: -admin-hosts (and its variable) names the dotted names the admin API
// answers under on a wildcard listener; any other dotted name is refused as DNS rebinding.
func TestAdminHostsFlag(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
	}{
		{args: []string{"-admin-hosts", "mock.ci.internal, other.example:9000"}},
		{env: map[string]string{"CONNECTORMOCK_ADMIN_HOSTS": "mock.ci.internal,other.example"}},
	} {
		cfg, err := loadEnv(c.args, env(c.env), io.Discard)
		require.NoError(t, err)
		srv, err := mock.New(cfg.options(cfg.logger(io.Discard))...)
		require.NoError(t, err)
		status := func(host string) int {
			req := httptest.NewRequest("GET", mock.AdminPrefix+"/health", strings.NewReader(""))
			req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, net.Addr(&net.TCPAddr{IP: net.ParseIP("172.17.0.2"), Port: 8080})))
			req.Host = host
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			return w.Code
		}
		assert.Equal(t, 200, status("mock.ci.internal:8080"), "%v %v", c.args, c.env)
		assert.Equal(t, 200, status("other.example"), "%v %v", c.args, c.env)
		assert.Equal(t, 403, status("evil.example:8080"), "%v %v", c.args, c.env)
	}
}

// TestLimitFlagsZero: -max-admin-body 0 would refuse every admin body, {} included: a usage
// error; -max-blob-bytes takes 0 (no limit) and refuses a negative value.
func TestLimitFlagsZero(t *testing.T) {
	_, err := load([]string{"-max-admin-body", "0"}, io.Discard)
	assert.ErrorContains(t, err, "-max-admin-body 0: must be at least 1")
	_, err = load([]string{"-max-blob-bytes", "-1"}, io.Discard)
	assert.ErrorContains(t, err, "-max-blob-bytes -1: must not be negative")
	c, err := load([]string{"-max-blob-bytes", "0"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, int64(0), c.maxBlobBytes)
}

// TestSaveStateMode: -save-state writes a new file 0644 (the state holds nothing secret, and
// the host's user must read what a container's user saved) and keeps the mode of a file it
// replaces.
func TestSaveStateMode(t *testing.T) {
	srv, err := mock.New(mock.WithConnectors(0))
	require.NoError(t, err)
	dir := t.TempDir()
	fresh := filepath.Join(dir, "state.json")
	require.NoError(t, saveState(srv, fresh))
	fi, err := os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())

	kept := filepath.Join(dir, "kept.json")
	require.NoError(t, os.WriteFile(kept, []byte("{}"), 0o640))
	require.NoError(t, os.Chmod(kept, 0o640)) // whatever the umask
	require.NoError(t, saveState(srv, kept))
	fi, err = os.Stat(kept)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
	data, err := os.ReadFile(kept)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"vendors"`, "replaced by the state")
}
