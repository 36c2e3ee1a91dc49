package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

// healthcheckArgs is the image's HEALTHCHECK command, read from the Dockerfile, without the
// program name.
func healthcheckArgs(t *testing.T) []string {
	t.Helper()
	_, health := find(parseDockerfile(t, "../../Dockerfile")[1].lines, `^HEALTHCHECK `)
	_, exec, ok := strings.Cut(health, " CMD ")
	require.True(t, ok, "HEALTHCHECK ... CMD [...]: %s", health)
	var argv []string
	require.NoError(t, json.Unmarshal([]byte(exec), &argv), "exec form: %s", exec)
	require.Equal(t, "/connectormock", argv[0])
	return argv[1:]
}

// freeAddr is a loopback address nothing listens on (a moment ago).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestImageHealthcheck runs the command as the image does (its address from
// CONNECTORMOCK_ADDR, no -addr on the command line) hardened with -admin-token, then with
// -no-admin, and the image's HEALTHCHECK command against it, with the same environment: it
// passes both times, and fails once nothing listens.
func TestImageHealthcheck(t *testing.T) {
	check := healthcheckArgs(t)
	for _, hardening := range [][]string{{"-admin-token", "sesame"}, {"-no-admin"}} {
		t.Run(hardening[0], func(t *testing.T) {
			addr := freeAddr(t)
			t.Setenv("CONNECTORMOCK_ADDR", addr)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			var stdout syncBuffer
			go func() { done <- run(ctx, append(hardening, "-log-level", "warn"), &stdout, io.Discard) }()
			require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "listening on http://"+addr) },
				10*time.Second, 5*time.Millisecond, "the command listens on CONNECTORMOCK_ADDR")
			assert.NoError(t, run(context.Background(), check, io.Discard, io.Discard), "the image's health check passes")
			resp, err := http.Get("http://" + addr + mock.AdminPrefix + "/health")
			require.NoError(t, err)
			resp.Body.Close()
			assert.NotEqual(t, 200, resp.StatusCode, "the admin API itself stays guarded")
			cancel()
			require.NoError(t, <-done)
			assert.Error(t, run(context.Background(), check, io.Discard, io.Discard), "nothing listens")
		})
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/__health",
		":9000":          "http://127.0.0.1:9000/__health",
		"[::]:8080":      "http://[::1]:8080/__health",
		"127.0.0.2:7000": "http://127.0.0.2:7000/__health",
	} {
		assert.Equal(t, want, healthURL("/__health", addr), addr)
	}
	assert.Equal(t, "http://x:1/h", healthURL("http://x:1/h", "0.0.0.0:8080"), "a URL is asked as given")
}

func getBody(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

// TestStateFile: -state starts the command from a file GET /__admin/state wrote, reset returns
// to it, and -save-state writes the state on shutdown, so that the two on one file make a stub
// that remembers.
func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "state.json")
	disable := "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable"

	// A first run changes the state and saves it on shutdown.
	ctx, cancel := context.WithCancel(context.Background())
	base, _, _, done := start(t, ctx, "-log-level", "warn", "-connectors", "2", "-save-state", file)
	status, body := getBody(t, "POST", base+disable, `{"accounts":[777]}`)
	require.Equal(t, 200, status, "%s", body)
	_, want := getBody(t, "GET", base+mock.AdminPrefix+"/state", "")
	cancel()
	require.NoError(t, <-done)
	saved, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(saved), "the file holds the state at shutdown")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left")

	// A second run starts from it, and reset returns to it, not to the seeded state.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done = start(t, ctx, "-log-level", "warn", "-state", file)
	_, got := getBody(t, "GET", base+mock.AdminPrefix+"/state", "")
	assert.JSONEq(t, string(want), string(got))
	assert.NotContains(t, string(got), `"enabled-for-accounts":[789,987,777]`, "the change is remembered")
	status, body = getBody(t, "POST", base+disable, `{"accounts":[789]}`)
	require.Equal(t, 200, status, "%s", body)
	status, body = getBody(t, "POST", base+mock.AdminPrefix+"/reset", "")
	require.Equal(t, 200, status, "%s", body)
	_, got = getBody(t, "GET", base+mock.AdminPrefix+"/state", "")
	assert.JSONEq(t, string(want), string(got), "reset returns to the file's state")
	cancel()
	require.NoError(t, <-done)
}

// TestStateFileRefused: a file that does not parse, or does not fit the contracts, stops the
// command with the file, the place and the reason.
func TestStateFileRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	for _, c := range []struct {
		name, content string
		want          []string
	}{
		{"syntax.json", "{\n  \"seed\": 1,\n  \"vendors\": {,}\n}", []string{"syntax.json", "line 3, column 16", "invalid character ','"}},
		{"type.json", "{\"seed\": \"x\", \"vendors\": {}}", []string{"type.json", "line 1, column", "seed"}},
		{"unknown.json", "{\"seed\": 1, \"vendorz\": {}}", []string{"unknown.json", `unknown field "vendorz"`}},
		{"empty.json", "{}", []string{"empty.json", `no "vendors"`}},
		{"contract.json", `{"seed":1,"vendors":{"productsup":{"connectors":[{"id":"not-a-uuid"}]},"conductorone":{},"versori":{}}}`,
			[]string{"contract.json", "productsup state: connectors[0]"}},
		{"missing.json", "", []string{"no such file"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name)
			if c.content != "" {
				path = write(c.name, c.content)
			}
			err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-state", path}, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Equal(t, 1, exitStatus(err))
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestScopedTokensWarning: tokens scoped to organisations with the admin API open (which
// answers every organisation's data) get a warning at start-up; with -admin-token, none.
func TestScopedTokensWarning(t *testing.T) {
	for _, c := range []struct {
		args []string
		warn bool
	}{
		{[]string{"-token", "t=admin:01JTJJEWXWNVE4XGCY2G7A878P"}, true},
		{[]string{"-token", "t=admin:01JTJJEWXWNVE4XGCY2G7A878P", "-admin-token", "sesame"}, false},
		{[]string{"-token", "t=admin"}, false},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		_, _, stderr, done := start(t, ctx, append(c.args, "-log-level", "warn")...)
		cancel()
		require.NoError(t, <-done)
		assert.Equal(t, c.warn, strings.Contains(stderr.String(), "the admin API is open"), "%v: %s", c.args, stderr.String())
	}
}
