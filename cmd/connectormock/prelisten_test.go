package main

import (
	"bufio"
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/cmd/connectormock/internal/prelisten"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

// buildCommand builds the command as the image does (static, trimmed) and returns its path.
func buildCommand(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command builds the binary under test")
	bin := filepath.Join(t.TempDir(), "connectormock")
	build := exec.Command(goBin, "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// TestListenDuringStartUp runs the built command: it listens before the slow package
// initialisations (package prelisten's init runs before those of kin-openapi and its JSON
// Schema library and of gofakeit's main package, which a new dependency of prelisten could
// silently change; gofakeit's data tables, which import nothing, come first anyway), serves
// that very socket, and a client that connects while the process is starting gets its answer.
func TestListenDuringStartUp(t *testing.T) {
	bin := buildCommand(t)
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := probe.Addr().String()
	require.NoError(t, probe.Close())

	cmd := exec.Command(bin, "-addr", addr, "-log-level", "debug")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()

	// Connect as early as possible and send the request at once.
	var conn net.Conn
	deadline := time.Now().Add(10 * time.Second)
	for conn == nil && time.Now().Before(deadline) {
		if conn, err = net.Dial("tcp", addr); err != nil {
			time.Sleep(100 * time.Microsecond)
		}
	}
	require.NotNil(t, conn, "the command never listened: %v", err)
	defer conn.Close()
	body := `{"accounts":[777],"projects":[444],"sites":[666]}`
	_, err = io.WriteString(conn, "POST /connectors/"+productsup.DocumentedID+"/versions/1/access/prod/disable HTTP/1.1\r\n"+
		"Host: "+addr+"\r\nAuthorization: Bearer "+mock.AdminToken+"\r\nContent-Type: application/json\r\n"+
		"Content-Length: 49\r\nConnection: close\r\n\r\n"+body)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "%s", got)
	assert.Contains(t, string(got), `"message":"Updated access."`)

	// The other vendors are built after the first answer (or 100 ms).
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "all vendors built") }, 10*time.Second, 5*time.Millisecond, "%s", stderr.String())

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	logs := stderr.String()
	require.NoError(t, err, "%s", logs)

	// The order in which Go initialised the packages, as GODEBUG=inittrace=1 prints it.
	var order []string
	for _, m := range regexp.MustCompile(`(?m)^init (\S+) @`).FindAllStringSubmatch(logs, -1) {
		order = append(order, m[1])
	}
	at := func(pkg string) int {
		for i, p := range order {
			if p == pkg {
				return i
			}
		}
		t.Fatalf("no init of %s in:\n%s", pkg, strings.Join(order, "\n"))
		return -1
	}
	early := at("github.com/connectormock/connectormock/cmd/connectormock/internal/prelisten")
	for _, slow := range []string{"github.com/santhosh-tekuri/jsonschema/v6", "github.com/brianvoe/gofakeit/v7", "github.com/getkin/kin-openapi/openapi3"} {
		assert.Less(t, early, at(slow), "prelisten must listen before %s initialises", slow)
	}
	assert.Contains(t, logs, "serving the socket opened at process start", "main serves prelisten's socket")
}

// TestVendorsBuiltWithoutRequest: with no request coming, the command still builds (and so
// checks) every vendor soon after it starts.
func TestVendorsBuiltWithoutRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, stderr, done := startDebug(t, ctx, loadDelay)
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "all vendors built") }, 10*time.Second, 5*time.Millisecond, "%s", stderr.String())
	assert.NotContains(t, stderr.String(), "serving the socket opened at process start", "a test binary does not listen early")
	cancel()
	require.NoError(t, <-done)
}

// TestBoolFlags holds prelisten, which must know which flags take a value to find -addr, to
// the command's flag set.
func TestBoolFlags(t *testing.T) {
	var c config
	var bools []string
	flagSet(&c, io.Discard).VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			bools = append(bools, f.Name)
		}
	})
	assert.ElementsMatch(t, bools, prelisten.BoolFlags)
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
