package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
