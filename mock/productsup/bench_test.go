package productsup_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// benchRequest serves the same request b.N times through the whole pipeline (routing, auth,
// validation, store, encoding) and fails if the status is not the expected one.
func benchRequest(b *testing.B, method, path, body string, status int) {
	testkit.Bench(b, method, path, []byte(body), status)
}

// BenchmarkDisableDocumented is the seed operation: the seed page's disable, repeated (after
// the first, a disable that changes nothing, as under load).
func BenchmarkDisableDocumented(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(fx.DocumentedID, "1", "access/prod/disable"),
		`{"accounts":[777],"projects":[444],"sites":[666]}`, 200)
}

// BenchmarkEnableDisable alternates enable and disable of the same ids, so that every
// request changes the stored connector (a new value each time, see the package doc).
func BenchmarkEnableDisable(b *testing.B) {
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	body := `{"accounts":[777],"projects":[444],"sites":[666]}`
	reqs := []string{versionPath(fx.DocumentedID, "1", "access/prod/enable"), versionPath(fx.DocumentedID, "1", "access/prod/disable")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		serve(b, s, http.MethodPost, reqs[i%2], body, 200)
		i++
	}
}

func BenchmarkDisableSchemaErrors(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(fx.DocumentedID, "1", "access/prod/disable"),
		`{"accounts":["a"],"projects":[0],"sites":{}}`, 400)
}

func BenchmarkDisableUnknownConnector(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(unknown, "1", "access/prod/disable"),
		`{"accounts":[777]}`, 404)
}

func BenchmarkShowConnector(b *testing.B) {
	benchRequest(b, http.MethodGet, "/connectors/"+fx.DocumentedID, "", 200)
}

// BenchmarkListConnectors serves a page of 20 at two store sizes: the unfiltered page and the
// pages filtered by owner (an integrator's own list, 25 connectors it created), type or
// released cost the same at any size (slices of orders kept at write time); a name filter
// scans (see Store.List).
func BenchmarkListConnectors(b *testing.B) {
	const integrator = "bench-integrator-token"
	for _, n := range []int{1_000, 100_000} {
		s, err := mock.New(mock.WithConnectors(n), mock.WithVendors(productsup.Name), mock.WithMaxEntities(0),
			mock.WithPrincipals(append(mock.DefaultPrincipals(), mock.Principal{Name: "dev", Token: integrator, Integrator: true})...))
		if err != nil {
			b.Fatal(err)
		}
		serve(b, s, http.MethodGet, "/connectors", "", 200) // seeds the store, outside the timings
		for range 25 {
			serveAs(b, s, integrator, http.MethodPost, "/connectors", `{"connector-type":"export","connector-name":"mine"}`, 200)
		}
		for _, page := range []struct{ name, token, query string }{
			{"first", mock.AdminToken, "limit=20"},
			{"middle", mock.AdminToken, fmt.Sprintf("limit=20&from=%d", n/2)},
			{"integrator", integrator, "limit=20"},
			{"integrator second page", integrator, "limit=20&from=20"},
			{"type filter", mock.AdminToken, "limit=20&type=export"},
			{"released", mock.AdminToken, "limit=20&released=true"},
			{"name filter", mock.AdminToken, "limit=20&name=GUTKOWSKI"},
		} {
			b.Run(fmt.Sprintf("%d/%s", n, page.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					serveAs(b, s, page.token, http.MethodGet, "/connectors?"+page.query, "", 200)
				}
			})
		}
	}
}

// BenchmarkFirstRequest is what a test pays for this vendor after the first server of the
// process: a server that serves Productsup only, its seeded store and one GET.
func BenchmarkFirstRequest(b *testing.B) {
	if _, err := mock.New(mock.WithVendors(productsup.Name)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := mock.New(mock.WithVendors(productsup.Name))
		if err != nil {
			b.Fatal(err)
		}
		serve(b, s, http.MethodGet, "/connectors/"+fx.DocumentedID, "", 200)
	}
}

// BenchmarkSeed builds a seeded state afresh: what the first server of a process (for a seed
// and count) pays on its first request, and every later one does not (BenchmarkFirstRequest).
func BenchmarkSeed(b *testing.B) {
	for _, n := range []int{mock.DefaultConnectors, 1_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := productsup.BuildSeed(fixtures.DefaultSeed, n); got != n+1 {
					b.Fatalf("%d connectors, want %d", got, n+1)
				}
			}
		})
	}
}

// BenchmarkPut stores a builder's connector through typed access, checked against the spec's
// Connector as the API writes it.
func BenchmarkPut(b *testing.B) {
	s := testkit.New(b)
	c := fx.NewConnector()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Productsup().Store().Put(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSyncRuntime re-syncs the documented version to production, with work that
// completes at once (WithWorkDuration(0)): each request settles the previous sync, then starts
// the next one (synchronized-to-prod -> resynchronizing-to-prod).
func BenchmarkSyncRuntime(b *testing.B) {
	s, err := mock.New(mock.WithWorkDuration(0))
	if err != nil {
		b.Fatal(err)
	}
	path := versionPath(fx.DocumentedID, "1", "sync-runtime")
	b.ReportAllocs()
	for b.Loop() {
		serve(b, s, http.MethodPost, path, "", 200)
	}
}

// BenchmarkShowState reads one background state, the documented one.
func BenchmarkShowState(b *testing.B) {
	benchRequest(b, http.MethodGet, "/states/"+fx.DocumentedStateID, "", 200)
}

func serve(b *testing.B, s http.Handler, method, path, body string, status int) {
	serveAs(b, s, mock.AdminToken, method, path, body, status)
}

func serveAs(b *testing.B, s http.Handler, token, method, path, body string, status int) {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, path, nil)
	} else {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if w.Code != status {
		b.Fatalf("%s %s: status %d: %s", method, path, w.Code, w.Body)
	}
}

// BenchmarkAssignChannels alternates two channel lists on an export connector, so that every
// request stores a new version (its export config rewritten).
func BenchmarkAssignChannels(b *testing.B) {
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	c := fx.NewConnector(fx.WithSeed(0, 0))
	c.Type = "export"
	if err := s.Productsup().Store().Put(c); err != nil {
		b.Fatal(err)
	}
	path := versionPath(c.ID, "1", "channels")
	bodies := []string{`{"channels":[1,2]}`, `{"channels":[3,4,5]}`}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		serve(b, s, http.MethodPut, path, bodies[i%2], 200)
		i++
	}
}
