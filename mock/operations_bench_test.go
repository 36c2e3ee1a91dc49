package mock_test

import (
	"maps"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// successCase is the statuses table's success case of one operation: a real request (no
// Prefer) that a fresh server answers with a 2xx.
type successCase struct {
	name   string // "operationId status", the table's key
	op     string
	status int
	req    testkit.Request
}

// successCases lists the table's success cases, one per operation, sorted by key.
func successCases() []successCase {
	cases := statusCases()
	var out []successCase
	for _, key := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[key]
		op, status, err := parseKey(key)
		if err != nil || status >= 300 || tc.req.Header.Get("Prefer") != "" {
			continue
		}
		out = append(out, successCase{key, op, status, tc.req})
	}
	return out
}

// opServer is a server as the statuses table builds it, without response validation (a
// program's server), with the table's principals.
func opServer(tb testing.TB) *mock.Server {
	s, err := mock.New(mock.WithClock(func() time.Time { return testkit.Clock }),
		mock.WithPrincipals(append(mock.DefaultPrincipals(),
			vendorapi.Principal{Name: "foreign", Token: foreignToken, Organisations: []string{foreignOrg}},
			vendorapi.Principal{Name: "integrator", Token: pupIntegratorToken, Integrator: true})...))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkEveryOperation serves the success case of every operation of the three vendors
// (the statuses table's) through the whole server, allocations reported: the operations
// the vendor issues added, measured beside the seed operations. An operation whose request
// can be sent again with the same answer (reads, updates, creates) is sent in a loop; one
// that cannot (a delete, a state transition) gets the server reset to its starting state,
// timer stopped, before each request.
//
//	go test -run '^$' -bench EveryOperation -benchtime 200x ./mock/
func BenchmarkEveryOperation(b *testing.B) {
	for _, c := range successCases() {
		b.Run(c.op, func(b *testing.B) {
			s := opServer(b)
			repeatable := true
			for range 2 { // the second answer says whether the request repeats
				w := httptest.NewRecorder()
				s.ServeHTTP(w, testkit.NewRequest(b, c.req))
				repeatable = w.Code == c.status
			}
			b.ReportAllocs()
			for b.Loop() {
				if !repeatable {
					b.StopTimer()
					s.Reset(0)
					b.StartTimer()
				}
				w := httptest.NewRecorder()
				s.ServeHTTP(w, testkit.NewRequest(b, c.req))
				if w.Code != c.status {
					b.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body)
				}
			}
		})
	}
}

// Allocation bounds per request of TestAllocationsPerOperation. The seed operations take 43 to
// 97 allocations per request; every other operation is held to the same range, with room.
// Importing an OpenAPI document parses it with kin-openapi, which allocates per node of the
// document: the two import operations have a bound of their own.
const (
	maxAllocsPerRequest       = 160
	maxAllocsPerImportRequest = 1000
)

var importOps = map[string]bool{"ImportHTTPConnector": true, "ImportHTTPConnectorVersion": true}

// TestAllocationsPerOperation holds every operation's success case, served by a program's
// server, to the allocation bounds above (allocations are exact; no time is measured). A
// request that cannot be sent again gets the server reset before it, outside the count.
func TestAllocationsPerOperation(t *testing.T) {
	if testing.Short() {
		t.Skip("counts allocations of every operation")
	}
	slack := 1.0
	if mock.RaceDetector {
		slack = 1.25 // sync.Pool drops a quarter of what it is given under -race
	}
	for _, c := range successCases() {
		t.Run(c.op, func(t *testing.T) {
			s := opServer(t)
			repeatable := true
			for range 2 {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, testkit.NewRequest(t, c.req))
				repeatable = w.Code == c.status
			}
			const runs = 20
			var total uint64
			var before, after runtime.MemStats
			for range runs {
				if !repeatable {
					s.Reset(0)
					w := httptest.NewRecorder() // the seeding a reset leaves to the first request
					s.ServeHTTP(w, testkit.NewRequest(t, testkit.Request{Method: "GET", Path: "/__health"}))
				}
				r := testkit.NewRequest(t, c.req)
				w := httptest.NewRecorder()
				runtime.ReadMemStats(&before)
				s.ServeHTTP(w, r)
				runtime.ReadMemStats(&after)
				require.Equal(t, c.status, w.Code, "%s", w.Body)
				total += after.Mallocs - before.Mallocs
			}
			bound := maxAllocsPerRequest
			if importOps[c.op] {
				bound = maxAllocsPerImportRequest
			}
			got := float64(total) / runs
			assert.LessOrEqual(t, got, float64(bound)*slack, "allocations per request of %s", c.name)
			t.Logf("%s: %.0f allocations per request", c.op, got)
		})
	}
}
