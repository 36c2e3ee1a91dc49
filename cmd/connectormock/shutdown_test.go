package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSIGTERMDuringBurst: SIGTERM arrives while clients are sending. The process exits 0, and
// every answer a client receives is complete and right. A request that races the signal can
// fail before any answer: refused once the socket is closed, or reset or closed (EOF) when
// its connection was accepted by the kernel but not yet read by the server, as with any
// server whose socket closes; such a client must retry. (Draining the accept queue first, with
// a socket filter refusing new connections meanwhile, made these rarer but never absent, and
// cost 200 ms per shutdown: see the commit that removed it.)
func TestSIGTERMDuringBurst(t *testing.T) {
	p := startProcess(t, "-log-level", "warn")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	var (
		mu                sync.Mutex
		answered, refused int
		unanswered        int
		broken            []string
		wg                sync.WaitGroup
		stop              = make(chan struct{})
	)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Do(disableRequest(p.base))
				if err != nil {
					mu.Lock()
					if errors.Is(err, syscall.ECONNREFUSED) {
						refused++
					} else {
						unanswered++ // reset or EOF before any answer
					}
					mu.Unlock()
					continue
				}
				var body struct{ Message string }
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode != 200 || err != nil || body.Message != "Updated access." {
					broken = append(broken, resp.Status+" "+body.Message)
				} else {
					answered++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	p.signal(t, syscall.SIGTERM)
	assert.NoError(t, p.wait(t, 30*time.Second), "exit status after SIGTERM; stderr:\n%s", p.stderr.String())
	time.Sleep(100 * time.Millisecond) // clients see the refusals
	close(stop)
	wg.Wait()
	assert.Empty(t, broken, "every answer must be complete and right")
	assert.Greater(t, answered, 0)
	assert.Greater(t, refused, 0, "after shutdown new connections are refused")
	assert.Contains(t, p.stderr.String(), "shutting down")
	t.Logf("answered %d, refused %d, unanswered (raced the signal) %d", answered, refused, unanswered)
}

// answer is what a client got: a status and a full body, or the error that ended its request.
type answer struct {
	status int
	body   string
	err    error
}

// hold sends the documented disable request with "Prefer: delay=DELAY" (the mock waits that
// long before answering) and returns once the server has had time to read it. The channel
// receives what the client got.
func hold(t *testing.T, base, delay string) <-chan answer {
	t.Helper()
	written := make(chan struct{})
	req := disableRequest(base, "Prefer: delay="+delay)
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { close(written) },
	}))
	got := make(chan answer, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- answer{resp.StatusCode, string(b), err}
	}()
	select {
	case <-written:
	case a := <-got:
		t.Fatalf("the held request ended before it was sent: %+v", a)
	}
	time.Sleep(100 * time.Millisecond) // the server reads the request: it is in flight
	return got
}

// TestSignals: the first SIGINT or SIGTERM waits for the requests in flight and exits 0; a
// second one stops the process at once, cutting them, with status 128 + the signal's number.
func TestSignals(t *testing.T) {
	t.Run("one signal waits for the request in flight", func(t *testing.T) {
		p := startProcess(t, "-log-level", "warn")
		held := hold(t, p.base, "500ms")
		p.signal(t, syscall.SIGTERM)
		a := <-held
		require.NoError(t, a.err)
		assert.Equal(t, 200, a.status)
		assert.Contains(t, a.body, `"message":"Updated access."`)
		assert.NoError(t, p.wait(t, 10*time.Second), "exit status 0; stderr:\n%s", p.stderr.String())
	})
	t.Run("a second signal stops at once", func(t *testing.T) {
		p := startProcess(t, "-log-level", "warn")
		held := hold(t, p.base, "30s")
		p.signal(t, os.Interrupt)
		time.Sleep(300 * time.Millisecond)
		select {
		case err := <-p.done:
			t.Fatalf("the first signal did not wait for the request in flight: %v\n%s", err, p.stderr.String())
		default:
		}
		p.signal(t, os.Interrupt)
		start := time.Now()
		err := p.wait(t, 10*time.Second)
		assert.Less(t, time.Since(start), 2*time.Second, "exits at once")
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "stderr:\n%s", p.stderr.String())
		assert.Equal(t, 130, exit.ExitCode(), "128 + SIGINT, as a shell reports Ctrl-C")
		assert.Contains(t, p.stderr.String(), "stopping without waiting")
		assert.Error(t, (<-held).err, "the request in flight is cut")
	})
}

// TestShutdownGraceOver: a request that outlasts the grace period is cut, and run fails, for
// exit status 1.
func TestShutdownGraceOver(t *testing.T) {
	saved := shutdownGrace
	shutdownGrace = 200 * time.Millisecond
	t.Cleanup(func() { shutdownGrace = saved })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-log-level", "warn")
	held := hold(t, base, "10s")
	cancel()
	select {
	case err := <-done:
		assert.ErrorContains(t, err, "still in flight after 200ms")
		assert.Equal(t, 1, exitStatus(err))
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after its grace period")
	}
	assert.Error(t, (<-held).err, "the request in flight is cut")
}
