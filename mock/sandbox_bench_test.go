package mock_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
)

// sbFirstRequests are a GET to each vendor: what builds a sandbox's vendors and seeds its stores.
var sbFirstRequests = []string{
	"/connectors/" + productsup.DocumentedID,
	"/api/v1/apps/" + conductorone.DocumentedAppID + "/connectors/" + conductorone.DocumentedConnectorID,
	"/api/connect/v1/o/" + versori.DocumentedOrganisationID + "/connectors/" + versori.DocumentedConnectorID,
}

// newSandboxInUse creates a sandbox over the admin API and sends it the first requests
// (a failure is reported with Error and "" returned: it is called from goroutines, where
// FailNow must not be),
// failing unless every answer is a success; it returns the sandbox's id.
func newSandboxInUse(tb testing.TB, s http.Handler) string {
	r := httptest.NewRequest("POST", mock.AdminPrefix+"/sandboxes", nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != http.StatusCreated {
		tb.Errorf("create: %d %s", w.Code, w.Body)
		return ""
	}
	var sb mock.Sandbox
	if err := json.Unmarshal(w.Body.Bytes(), &sb); err != nil {
		tb.Error(err)
		return ""
	}
	for _, p := range sbFirstRequests {
		r := httptest.NewRequest("GET", mock.SandboxPrefix+"/"+sb.ID+p, nil)
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			tb.Errorf("GET %s: %d %s", p, w.Code, w.Body)
			return ""
		}
	}
	return sb.ID
}

// BenchmarkSandbox is what a suite of another language pays for its sandbox: POST
// /__admin/sandboxes, a first request to each vendor, DELETE. The budget is mocktest.New's
// (BenchmarkNewAndFirstRequests: 300 µs and 100 KiB).
func BenchmarkSandbox(b *testing.B) {
	s, err := mock.New(mock.WithMaxSandboxes(1 << 20))
	if err != nil {
		b.Fatal(err)
	}
	newSandboxInUse(b, s) // the process's first: specs parsed, shared seeds built
	b.ReportAllocs()
	for b.Loop() {
		id := newSandboxInUse(b, s)
		if !s.DeleteSandbox(id) {
			b.Fatal("not deleted")
		}
	}
}

// idleSandboxesHeap is the heap that n idle sandboxes, each used once at every vendor, hold.
func idleSandboxesHeap(tb testing.TB, n int) (uint64, *mock.Server) {
	s, err := mock.New(mock.WithMaxSandboxes(n))
	if err != nil {
		tb.Fatal(err)
	}
	newSandboxInUse(tb, s)
	s.DeleteSandbox(s.Sandboxes()[0].ID)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		newSandboxInUse(tb, s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	return after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc), s
}

// BenchmarkIdleSandboxes reports the memory of 1,000 idle sandboxes (target: under 200 MB).
func BenchmarkIdleSandboxes(b *testing.B) {
	for b.Loop() {
		heap, s := idleSandboxesHeap(b, 1000)
		b.ReportMetric(float64(heap)/(1<<20), "MiB/1000-sandboxes")
		runtime.KeepAlive(s)
	}
}

// TestThousandIdleSandboxesFit: 1,000 sandboxes, each used at every vendor, hold under
// 200 MB of heap.
func TestThousandIdleSandboxesFit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 sandboxes")
	}
	heap, s := idleSandboxesHeap(t, 1000)
	if len(s.Sandboxes()) != 1000 {
		t.Fatalf("%d sandboxes alive", len(s.Sandboxes()))
	}
	t.Logf("1,000 idle sandboxes: %.1f MiB of heap", float64(heap)/(1<<20))
	if heap >= 200<<20 {
		t.Errorf("1,000 idle sandboxes hold %.1f MiB, over 200 MB", float64(heap)/(1<<20))
	}
}
