package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

func TestLoadDefaults(t *testing.T) {
	c, err := load(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.addr)
	assert.Equal(t, fixtures.DefaultSeed, c.seed)
	assert.Equal(t, mock.DefaultConnectors, c.connectors)
	assert.Equal(t, "text", c.logFormat)
	require.Len(t, c.tokens, 2)
	assert.Equal(t, mock.AdminToken, c.tokens[0].Token)
	assert.Equal(t, mock.ReadOnlyToken, c.tokens[1].Token)
	assert.True(t, c.tokens[1].ReadOnly)
}

func TestLoadFlags(t *testing.T) {
	c, err := load([]string{"-addr", ":9", "-seed", "42", "-connectors", "3", "-token", "a=admin", "-token", "r=readonly", "-token", "b=admin", "-log-format", "json", "-log-level", "warn"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":9", c.addr)
	assert.EqualValues(t, 42, c.seed)
	assert.Equal(t, 3, c.connectors)
	assert.Equal(t, "a=admin,r=readonly,b=admin", c.tokens.String())
	assert.Equal(t, "json", c.logFormat)

	for _, bad := range [][]string{
		{"-token", "x=root"}, {"-token", "=admin"}, {"-token", "x"}, {"-log-format", "xml"}, {"-connectors", "-1"},
		{"-seed", "x"}, {"extra"}, {"-nope"}, {"-log-level", "loud"}, {"-journal-size", "-1"},
	} {
		_, err := load(bad, io.Discard)
		assert.Error(t, err, "%v", bad)
	}
	var help bytes.Buffer
	_, err = load([]string{"-h"}, &help)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, help.String(), "-connectors")
	assert.Contains(t, help.String(), "default 20")
}

// syncBuffer is a bytes.Buffer safe to write from the server goroutine and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs the command on a free loopback port and returns its base URL, its output, its
// logs and its result.
func start(t *testing.T, ctx context.Context, args ...string) (string, *syncBuffer, *syncBuffer, <-chan error) {
	t.Helper()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), &stdout, &stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			return m[1], &stdout, &stderr, done
		}
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start: %s", stdout.String())
	return "", nil, nil, nil
}

func TestServeAndShutDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, stdout, _, done := start(t, ctx)
	assert.Contains(t, stdout.String(), "Bearer mock-admin-token (admin)")
	assert.Contains(t, stdout.String(), "Bearer mock-readonly-token (readonly)")
	resp, err := http.Get(base + "/__admin/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "the admin API is on by default")

	url := base + "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable"

	// A request in flight when shutdown starts: its body is still arriving.
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", url, pr)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		res <- result{resp.StatusCode, string(b), err}
	}()
	_, err = pw.Write([]byte(`{"accounts":[777],`))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond) // the server has the headers and part of the body

	cancel()
	time.Sleep(50 * time.Millisecond) // shutdown has begun: the listener is closed
	_, err = pw.Write([]byte(`"projects":[444],"sites":[666]}`))
	require.NoError(t, err)
	require.NoError(t, pw.Close())

	r := <-res
	require.NoError(t, r.err)
	assert.Equal(t, 200, r.status)
	assert.True(t, strings.HasPrefix(r.body, `{"message":"Updated access."`), r.body)

	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after shutdown")
	}
	_, err = http.Get(base + "/connectors")
	assert.Error(t, err, "nothing listens after shutdown")
}

func TestAdminFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-admin-token", "sesame", "-journal-size", "0")
	resp, err := http.Get(base + "/__admin/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
	cancel()
	require.NoError(t, <-done)

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done = start(t, ctx, "-no-admin")
	resp, err = http.Get(base + "/__admin/health")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	cancel()
	require.NoError(t, <-done)
}

// TestExitStatus: a usage error exits 2, any other failure 1, success and -h 0.
func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want int
	}{
		{"help", []string{"-h"}, nil, 0},
		{"version", []string{"-version"}, nil, 0},
		{"unknown flag", []string{"-nope"}, nil, 2},
		{"bad value", []string{"-log-format", "xml"}, nil, 2},
		{"argument", []string{"serve"}, nil, 2},
		{"bad variable", nil, map[string]string{"CONNECTORMOCK_SEED": "x"}, 2},
		{"address that cannot be listened on", []string{"-addr", "256.0.0.1:1"}, nil, 1},
		{"failed healthcheck", []string{"-healthcheck", "http://127.0.0.1:1/__admin/health"}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			err := run(context.Background(), tc.args, io.Discard, io.Discard)
			assert.Equal(t, tc.want, exitStatus(err), "%v", err)
		})
	}
}

// TestSlowAndFloodingClients: a header flood is refused at the header limit, and a client that
// sends its headers slowly is cut off by ReadHeaderTimeout instead of holding a connection.
func TestSlowAndFloodingClients(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-log-level", "warn")
	addr := strings.TrimPrefix(base, "http://")

	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	fmt.Fprintf(conn, "GET /connectors HTTP/1.1\r\nHost: x\r\n")
	for i := 0; i < 2000; i++ { // 2000 x 100 bytes, well over the 64 KiB limit
		fmt.Fprintf(conn, "X-Flood-%04d: %s\r\n", i, strings.Repeat("a", 84))
	}
	fmt.Fprintf(conn, "\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	resp.Body.Close()
	conn.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)

	srv := newHTTPServer(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	assert.Positive(t, srv.ReadHeaderTimeout)
	assert.Positive(t, srv.ReadTimeout)
	assert.Positive(t, srv.WriteTimeout)
	assert.Positive(t, srv.IdleTimeout)
	assert.Equal(t, 64<<10, srv.MaxHeaderBytes)

	cancel()
	require.NoError(t, <-done)
}

// TestMemoryLimitLeavesRoomForGeneratedData: the default limit stands at the default
// -connectors, and -connectors 100000 (667 MB live, measured) gets at least half as much
// again as headroom, so the collector is not driven to run without pause.
func TestMemoryLimitLeavesRoomForGeneratedData(t *testing.T) {
	assert.Equal(t, int64(defaultMemoryLimit), memoryLimit(mock.DefaultConnectors))
	assert.Equal(t, int64(defaultMemoryLimit), memoryLimit(0))
	assert.GreaterOrEqual(t, memoryLimit(100000), int64(667e6*3/2))
	assert.Less(t, memoryLimit(1000), memoryLimit(100000))
}

// TestRunSetsMemoryLimit: the command (limitMemory) sets memoryLimit for its -connectors,
// unless GOMEMLIMIT is set, which the runtime has read and run leaves alone.
func TestRunSetsMemoryLimit(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	limitMemory = true
	t.Cleanup(func() { limitMemory = false; debug.SetMemoryLimit(prev) })
	serve := func(args ...string) {
		ctx, cancel := context.WithCancel(context.Background())
		_, _, _, done := start(t, ctx, args...)
		cancel()
		require.NoError(t, <-done)
	}

	t.Setenv("GOMEMLIMIT", "")
	require.NoError(t, os.Unsetenv("GOMEMLIMIT"))
	serve("-connectors", "50000", "-log-level", "error")
	assert.Equal(t, memoryLimit(50000), debug.SetMemoryLimit(-1), "the limit for -connectors 50000")

	debug.SetMemoryLimit(prev)
	t.Setenv("GOMEMLIMIT", "3GiB")
	serve("-connectors", "50000", "-log-level", "error")
	assert.Equal(t, prev, debug.SetMemoryLimit(-1), "GOMEMLIMIT set: run leaves the limit alone")
}
