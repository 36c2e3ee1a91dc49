package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
)

// TestFirstAnswer runs the built command: once it prints its listening line it accepts
// connections (the client below dials once, without retrying), it answers its first request
// in full, and it builds the vendors nobody asked for after that answer.
func TestFirstAnswer(t *testing.T) {
	p := startProcess(t, "-log-level", "debug")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	resp, err := client.Do(disableRequest(p.base))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"message":"Updated access."`)
	assert.Contains(t, p.stdout.String(), "Bearer mock-admin-token (admin)")

	require.Eventually(t, func() bool { return strings.Contains(p.stderr.String(), "all vendors built") }, 10*time.Second, 5*time.Millisecond, "%s", p.stderr.String())
	p.signal(t, syscall.SIGTERM)
	require.NoError(t, p.wait(t, 10*time.Second), "%s", p.stderr.String())
}

// TestVendorsBuiltWithoutRequest: with no request coming, the command still builds (and so
// checks) every vendor soon after it starts.
func TestVendorsBuiltWithoutRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, stderr, done := startDebug(t, ctx, loadDelay)
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "all vendors built") }, 10*time.Second, 5*time.Millisecond, "%s", stderr.String())
	cancel()
	require.NoError(t, <-done)
}

// startDebug runs the command as start does, with debug logs and loadDelay set to delay.
func startDebug(t *testing.T, ctx context.Context, delay time.Duration) (string, *syncBuffer, <-chan error) {
	t.Helper()
	saved := loadDelay
	loadDelay = delay
	t.Cleanup(func() { loadDelay = saved })
	base, _, stderr, done := start(t, ctx, "-log-level", "debug")
	return base, stderr, done
}

// TestVendorsBuiltAfterFirstAnswer: the command builds the vendors nobody asked for only once
// the first answer is out (loadDelay, the other trigger, is an hour here).
func TestVendorsBuiltAfterFirstAnswer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, stderr, done := startDebug(t, ctx, time.Hour)
	time.Sleep(200 * time.Millisecond)
	assert.NotContains(t, stderr.String(), "all vendors built", "not before the first answer")

	resp, err := http.Get(base + "/connectors/" + productsup.DocumentedID)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode, "no token")
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "all vendors built") }, 10*time.Second, 5*time.Millisecond, "%s", stderr.String())
	cancel()
	require.NoError(t, <-done)
}

// TestStopBeforeFirstAnswer: stopped before any answer, the command shuts down at once,
// without building the vendors first.
func TestStopBeforeFirstAnswer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, stderr, done := startDebug(t, ctx, time.Hour)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after its context was cancelled")
	}
	assert.NotContains(t, stderr.String(), "all vendors built")
	assert.Contains(t, stderr.String(), "shutting down")
}
