package mock

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	fxc "github.com/connectormock/connectormock/fixtures/conductorone"
	fxp "github.com/connectormock/connectormock/fixtures/productsup"
	fxv "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// seedOp is one of the seed pages' operations, the requests issue 12 measures the shared path
// on: routing, authentication, validation, journal and response writing are the same for all.
type seedOp struct {
	name, method, path, body string // body names a file under testdata/
}

var seedOps = []seedOp{
	{"ProductsupDisable", http.MethodPost, "/connectors/" + fxp.DocumentedID + "/versions/1/access/prod/disable", "productsup/disable-request.json"},
	{"ConductorOneUpdate", http.MethodPost, "/api/v1/apps/" + fxc.DocumentedAppID + "/connectors/" + fxc.DocumentedConnectorID, "conductorone/update-request.json"},
	{"VersoriUpdateConnector", http.MethodPut, "/api/connect/v1/o/" + fxv.DocumentedOrganisationID + "/connectors/" + fxv.DocumentedConnectorID, "versori/update-connector-request.json"},
}

func (op seedOp) request(b *testing.B, body []byte) *http.Request {
	r := httptest.NewRequest(op.method, op.path, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer "+AdminToken)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func (op seedOp) readBody(b *testing.B) []byte {
	body, err := os.ReadFile(filepath.Join("..", "testdata", op.body))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkSeedOperation serves each seed operation through the whole server (New, then
// ServeHTTP into a recorder), as a program serves it ("plain") and as the mock's own tests
// serve it, every response checked against the spec ("checked"): the difference is what
// response validation costs.
func BenchmarkSeedOperation(b *testing.B) {
	for _, op := range seedOps {
		for _, checked := range []bool{false, true} {
			name := op.name + "/plain"
			var opts []Option
			if checked {
				name = op.name + "/checked"
				opts = append(opts, WithResponseValidation(func(err error) { b.Fatal(err) }))
			}
			b.Run(name, func(b *testing.B) {
				s, err := New(opts...)
				if err != nil {
					b.Fatal(err)
				}
				body := op.readBody(b)
				b.ReportAllocs()
				defer reportCPU(b)()
				for b.Loop() {
					w := httptest.NewRecorder()
					s.ServeHTTP(w, op.request(b, body))
					if w.Code != http.StatusOK {
						b.Fatalf("status %d: %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}

// BenchmarkCheckResponse measures response validation alone: each seed operation's answer,
// recorded once, checked against its operation's documented response.
func BenchmarkCheckResponse(b *testing.B) {
	for _, op := range seedOps {
		b.Run(op.name, func(b *testing.B) {
			s, err := New(WithResponseValidation(func(err error) { b.Fatal(err) }))
			if err != nil {
				b.Fatal(err)
			}
			body := op.readBody(b)
			w := httptest.NewRecorder()
			r := op.request(b, body)
			s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
			var m *mount
			for _, sl := range s.slots {
				if mm, _ := sl.get(); mm != nil && slices.ContainsFunc(mm.prefixes, func(p string) bool { return underPrefix(op.path, p) }) {
					m = mm
				}
			}
			route, params, err := m.spec.Router.FindRoute(r)
			if err != nil {
				b.Fatal(err)
			}
			call := &vendorapi.Call{OperationID: route.Operation.OperationID, Params: params}
			rec := &recorder{ResponseWriter: httptest.NewRecorder(), status: w.Code, keepBody: true}
			for k, v := range w.Header() {
				rec.Header()[k] = v
			}
			rec.body.Write(w.Body.Bytes())
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				m.checkResponse(r, route, call, rec)
			}
		})
	}
}

// reportCPU adds the process's CPU time per operation (user and system, GC included) to a
// benchmark's figures: on a shared machine the wall-clock ns/op says more about the
// neighbours than about the code. Call as defer reportCPU(b)() before the loop.
func reportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGetAndList serves each vendor's GET of its documented connector and a list page of
// 20 (the requests of run-ops.sh's GET and list rows) through the whole server.
func BenchmarkGetAndList(b *testing.B) {
	for _, op := range []struct{ name, path string }{
		{"ProductsupShow", "/connectors/" + fxp.DocumentedID},
		{"ConductorOneGet", "/api/v1/apps/" + fxc.DocumentedAppID + "/connectors/" + fxc.DocumentedConnectorID},
		{"VersoriGetConnector", "/api/connect/v1/o/" + fxv.DocumentedOrganisationID + "/connectors/" + fxv.DocumentedConnectorID},
		{"ProductsupList", "/connectors?limit=20"},
		{"ConductorOneList", "/api/v1/apps/" + fxc.DocumentedAppID + "/connectors?page_size=20"},
		{"VersoriListConnectors", "/api/connect/v1/o/" + fxv.DocumentedOrganisationID + "/connectors?first=20"},
	} {
		b.Run(op.name, func(b *testing.B) {
			s, err := New()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, op.path, nil)
				r.Header.Set("Authorization", "Bearer "+AdminToken)
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
