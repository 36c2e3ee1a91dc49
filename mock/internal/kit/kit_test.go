package kit_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock/internal/kit"
)

// TestWriteJSON checks the body, Content-Type and Content-Length of answers written from many
// goroutines at once, small and large (past the size of buffers kept for reuse): reused
// buffers must never leak one answer into another.
func TestWriteJSON(t *testing.T) {
	large := strings.Repeat("x", 100<<10)
	tests := []struct {
		name   string
		status int
		value  any
		want   string
	}{
		{"object, HTML kept as is", http.StatusOK, map[string]string{"name": "<string>&"}, `{"name":"<string>&"}` + "\n"},
		{"error status", http.StatusNotFound, map[string]int{"code": 5}, `{"code":5}` + "\n"},
		{"larger than a pooled buffer", http.StatusOK, []string{large}, `["` + large + `"]` + "\n"},
		{"empty array", http.StatusOK, []int{}, "[]\n"},
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				tt := tests[(g+i)%len(tests)]
				w := httptest.NewRecorder()
				kit.WriteJSON(w, tt.status, tt.value)
				assert.Equal(t, tt.status, w.Code, tt.name)
				assert.Equal(t, "application/json", w.Header().Get("Content-Type"), tt.name)
				assert.Equal(t, strconv.Itoa(len(tt.want)), w.Header().Get("Content-Length"), tt.name)
				if !assert.Equal(t, tt.want, w.Body.String(), tt.name) {
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestWriteJSONUnsupported: a value JSON cannot hold is a 500, whatever was written before.
func TestWriteJSONUnsupported(t *testing.T) {
	w := httptest.NewRecorder()
	kit.WriteJSON(w, http.StatusOK, map[string]any{"f": func() {}})
	assert.Equal(t, http.StatusInternalServerError, w.Code)
	assert.Contains(t, w.Body.String(), "cannot encode response")
}

func TestSeededMutex(t *testing.T) {
	var m kit.SeededMutex
	var seeds atomic.Int32
	m.Init(func() {
		m.LockUnseeded()
		defer m.Unlock()
		seeds.Add(1)
	})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if i%2 == 0 {
				m.RLock()
				m.RUnlock()
			} else {
				m.Lock()
				m.Unlock()
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, seeds.Load(), "the first lock seeds, once")

	var skipped kit.SeededMutex
	skipped.Init(func() { t.Error("a skipped store must not seed") })
	skipped.Skip()
	skipped.Lock()
	skipped.Unlock()
}
