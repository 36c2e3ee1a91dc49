package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

// The tests in this file and those that call startProcess run the command as a user does: a
// process built as the image builds it, stopped by real signals.

// binDir holds the built command; TestMain creates and removes it.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "connectormock-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// command builds the command once, as the image does (static, trimmed), and returns its path.
var command = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "connectormock")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is the built command, running.
type process struct {
	cmd    *exec.Cmd
	base   string      // http://127.0.0.1:PORT, from its listening line
	stdout *syncBuffer // what it prints
	stderr *syncBuffer // its logs
	done   chan error  // cmd.Wait's result
}

// startProcess runs the built command on a free loopback port with args, and returns once it
// has printed its listening line. The process is killed at the end of the test if it still
// runs.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	bin, err := command()
	require.NoError(t, err)
	p := &process{
		cmd:    exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...),
		stdout: &syncBuffer{},
		stderr: &syncBuffer{},
		done:   make(chan error, 1),
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill() // fails harmlessly once the process has exited
		<-p.done
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(p.stdout.String()); m != nil {
			p.base = m[1]
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("the command ended before listening: %v\n%s", err, p.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("the command did not print its listening line:\n%s\n%s", p.stdout.String(), p.stderr.String())
	return nil
}

// signal sends sig to the process.
func (p *process) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
}

// wait returns cmd.Wait's result once the process has exited, and fails the test if it does
// not exit within timeout.
func (p *process) wait(t *testing.T, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err // for a second wait, and for the clean-up
		return err
	case <-time.After(timeout):
		t.Fatalf("the process did not exit within %s; logs:\n%s", timeout, p.stderr.String())
		return nil
	}
}

// disableRequest is Productsup's documented disable request, which answers 200 with
// {"message":"Updated access.",...}. headers are extra "Name: value" headers. (No t: client
// goroutines call it, and only a malformed base could make it fail.)
func disableRequest(base string, headers ...string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, base+"/connectors/"+productsup.DocumentedID+"/versions/1/access/prod/disable",
		strings.NewReader(`{"accounts":[777],"projects":[444],"sites":[666]}`))
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	return req
}
