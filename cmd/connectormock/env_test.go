package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestEnvironment(t *testing.T) {
	c, err := loadEnv([]string{"-seed", "7"}, env(map[string]string{
		"CONNECTORMOCK_ADDR":         ":9000",
		"CONNECTORMOCK_SEED":         "99",
		"CONNECTORMOCK_TOKEN":        "a=admin  r=readonly:ORG1,ORG2",
		"CONNECTORMOCK_JOURNAL_SIZE": "5",
		"CONNECTORMOCK_NO_ADMIN":     "true",
		"CONNECTORMOCK_VENDORS":      "versori,productsup",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":9000", c.addr)
	assert.EqualValues(t, 7, c.seed, "the flag wins over its variable")
	assert.Equal(t, "a=admin,r=readonly:ORG1,ORG2", c.tokens.String())
	assert.Equal(t, 5, c.journal)
	assert.True(t, c.noAdmin)
	assert.Equal(t, []string{"versori", "productsup"}, c.vendorList())

	c, err = loadEnv([]string{"-token", "x"}, env(map[string]string{"CONNECTORMOCK_TOKEN": "a b"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "x=admin", c.tokens.String(), "-token on the command line replaces the variable's tokens")

	for k, v := range map[string]string{"CONNECTORMOCK_SEED": "x", "CONNECTORMOCK_TOKEN": "a=root", "CONNECTORMOCK_VENDORS": "acme", "CONNECTORMOCK_NO_ADMIN": "maybe"} {
		_, err := loadEnv(nil, env(map[string]string{k: v}), io.Discard)
		assert.ErrorContains(t, err, k, "the error names the variable")
	}
	_, err = load([]string{"-vendors", " , "}, io.Discard)
	assert.Error(t, err)

	var help bytes.Buffer
	_, err = load([]string{"-h"}, &help)
	require.ErrorIs(t, err, errHelp())
	for _, name := range []string{"CONNECTORMOCK_ADDR", "CONNECTORMOCK_JOURNAL_SIZE", "CONNECTORMOCK_TOKEN", "-vendors", "-version"} {
		assert.Contains(t, help.String(), name)
	}
}

func TestVendorsSubset(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, stdout, _, done := start(t, ctx, "-vendors", "versori")
	assert.Contains(t, stdout.String(), "vendors: [versori]")
	resp, err := http.Get(base + "/connectors")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "productsup is not served")
	cancel()
	require.NoError(t, <-done)
}

func TestVersionAndHealthcheck(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-version"}, &out, io.Discard))
	assert.Regexp(t, `^connectormock \S+\n$`, out.String())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx)
	assert.NoError(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/health"}, io.Discard, io.Discard))
	assert.Error(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/nope"}, io.Discard, io.Discard))
	cancel()
	require.NoError(t, <-done)
	assert.Error(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/health"}, io.Discard, io.Discard), "nothing listens")
}

// TestMain lets a test run this test binary as the command itself (CONNECTORMOCK_RUN_MAIN=1):
// a real process, to which a real SIGTERM can be sent.
func TestMain(m *testing.M) {
	if os.Getenv("CONNECTORMOCK_RUN_MAIN") == "1" {
		os.Args = append([]string{"connectormock"}, strings.Fields(os.Getenv("CONNECTORMOCK_RUN_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSIGTERMDuringBurst: SIGTERM arrives while clients are sending; every request the server
// accepted gets its full answer, and the process exits 0. A request the server never accepted
// fails at the TCP level: refused once the socket is closed, or reset by the kernel when its
// connection was still half-open or queued when the socket closed (run drains the queue and
// stops answering new connections first, which makes these rare). What must never happen is
// an accepted request cut short: an EOF, or an incomplete or wrong answer.
func TestSIGTERMDuringBurst(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CONNECTORMOCK_RUN_MAIN=1", "CONNECTORMOCK_RUN_ARGS=-addr 127.0.0.1:0 -log-level warn")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()

	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	m := listening.FindStringSubmatch(line)
	require.NotNil(t, m, line)
	url := m[1] + "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable"

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	var (
		mu                sync.Mutex
		answered, refused int
		reset             int
		broken            []string
		wg                sync.WaitGroup
		stop              = make(chan struct{})
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", url, strings.NewReader(`{"accounts":[777],"projects":[444],"sites":[666]}`))
				req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				mu.Lock()
				switch {
				case err != nil && errors.Is(err, syscall.ECONNREFUSED):
					refused++
				case err != nil && errors.Is(err, syscall.ECONNRESET):
					reset++
				case err != nil:
					broken = append(broken, err.Error())
				default:
					var body struct{ Message string }
					derr := json.NewDecoder(resp.Body).Decode(&body)
					resp.Body.Close()
					if resp.StatusCode != 200 || derr != nil || body.Message != "Updated access." {
						broken = append(broken, resp.Status+" "+body.Message)
					} else {
						answered++
					}
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		assert.NoError(t, err, "exit status after SIGTERM; stderr:\n%s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatal("the process did not exit after SIGTERM")
	}
	time.Sleep(100 * time.Millisecond) // clients see the refusals
	close(stop)
	wg.Wait()
	assert.Empty(t, broken, "accepted requests must get their full answer")
	assert.Greater(t, answered, 0)
	assert.Greater(t, refused, 0, "after shutdown new connections are refused")
	assert.Contains(t, stderr.String(), "shutting down")
	t.Logf("answered %d, refused %d, reset before acceptance %d", answered, refused, reset)
}

func errHelp() error { return flag.ErrHelp }
