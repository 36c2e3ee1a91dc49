package conductorone_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// BenchmarkUpdateWithMask serves the seed page's Update (an updateMask naming three fields and
// an expand mask of "*") b.N times through the whole pipeline: routing, auth, validation,
// mask application, store, expansion and encoding. It fails unless every answer is 200.
func BenchmarkUpdateWithMask(b *testing.B) {
	body, err := os.ReadFile(testkit.Testdata("conductorone", "update-request.json"))
	if err != nil {
		b.Fatal(err)
	}
	testkit.Bench(b, http.MethodPost, connectorPath(appID, connID), body, http.StatusOK)
}

// BenchmarkGet serves Get of the documented connector, no expansion (run-ops.sh's c1-get).
func BenchmarkGet(b *testing.B) {
	testkit.Bench(b, http.MethodGet, connectorPath(appID, connID), nil, http.StatusOK)
}

// BenchmarkList serves a page of 20 connectors of a generated app, the first one and one from
// the middle of the app's list, with 1,000 and 100,000 generated connectors: a page must cost
// the same whatever the store's size. "documented" is run-ops.sh's c1-list (an app of one).
// "get" is a Get, whose work does not depend on the store's size at all: what it costs more
// at 100,000 is the garbage collector's marking of a larger heap, which every request pays
// (run with GOGC=off to see the pages alone).
func BenchmarkList(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		s, err := mock.New(mock.WithConnectors(n), mock.WithVendors(conductorone.Name))
		if err != nil {
			b.Fatal(err)
		}
		app := fx.Apps(fixtures.DefaultSeed)[0].ID
		serve(b, s, http.MethodGet, listPath(app), nil) // seeds the store, outside the timings
		// The token of the page after the connector of sequence number seq: the store's own
		// format (app/seq, base64), here to start a page halfway without paging there.
		seq := 1 + n/2 // the documented connector is 1, generated connector i is i+2
		middle := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s/%d", app, seq))
		for _, page := range []struct{ name, path string }{
			{"first", listPath(app) + "?page_size=20"},
			{"middle", listPath(app) + "?page_size=20&page_token=" + middle},
			{"documented", listPath(appID) + "?page_size=20"},
			{"get", connectorPath(appID, connID)},
		} {
			b.Run(fmt.Sprintf("%s/%d", page.name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					serve(b, s, http.MethodGet, page.path, nil)
				}
			})
		}
	}
}

// BenchmarkFirstRequest is what a test that starts a mock of this vendor pays after the first
// server of the process: a new server, its store seeded, and its first answer (a Get, then
// an Update for "write": the first write of a store).
func BenchmarkFirstRequest(b *testing.B) {
	update, err := os.ReadFile(testkit.Testdata("conductorone", "update-request.json"))
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		write bool
	}{{"read", false}, {"write", true}} {
		b.Run(tt.name, func(b *testing.B) {
			first := func() {
				s, err := mock.New(mock.WithVendors(conductorone.Name))
				if err != nil {
					b.Fatal(err)
				}
				serve(b, s, http.MethodGet, connectorPath(appID, connID), nil)
				if tt.write {
					serve(b, s, http.MethodPost, connectorPath(appID, connID), update)
				}
			}
			first()
			b.ReportAllocs()
			for b.Loop() {
				first()
			}
		})
	}
}

// serve sends one request as the admin and fails unless it is answered 200. What the harness
// allocates is kept out of the figures as far as it can be, since the garbage collector charges
// it to every request, the more so the larger the heap (BenchmarkList): the request is built,
// not parsed from text (httptest.NewRequest's 4 KiB reader), and the answer goes to a buffer
// kept from one request to the next (a recorder's buffer grown anew for each would be half of
// what a list page allocates; a server writes to its connection's buffer instead).
func serve(b *testing.B, s http.Handler, method, path string, body []byte) {
	r, err := http.NewRequest(method, "http://example.com"+path, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	r.RequestURI, r.RemoteAddr = path, "192.0.2.1:1234"
	r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	answer.Reset()
	w.Body = &answer
	s.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		b.Fatalf("%s %s: status %d: %s", method, path, w.Code, w.Body)
	}
}

var answer bytes.Buffer // serve's, one benchmark at a time

// BenchmarkPut stores a builder's connector through typed access, checked against the spec's
// Connector as the API writes it.
func BenchmarkPut(b *testing.B) {
	s := testkit.New(b)
	c := fx.NewConnector()
	for b.Loop() {
		if err := s.ConductorOne().Store().Put(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutApp stores a builder's app, checked against the spec's App as expanded.
func BenchmarkPutApp(b *testing.B) {
	s := testkit.New(b)
	app := fx.NewApp()
	for b.Loop() {
		if err := s.ConductorOne().Store().PutApp(app); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForceSync starts a sync of the documented connector b.N times through the whole
// pipeline; with a work duration of 0 each sync is done by the next one's look, so every
// answer is 200 (and the settling of the previous sync is part of each request).
func BenchmarkForceSync(b *testing.B) {
	s, err := mock.New(mock.WithWorkDuration(0), mock.WithVendors(conductorone.Name))
	if err != nil {
		b.Fatal(err)
	}
	path := connectorPath(appID, connID) + "/force_sync"
	body := []byte(`{}`)
	serve(b, s, http.MethodPost, path, body) // seeds and owns the store, outside the timings
	b.ReportAllocs()
	for b.Loop() {
		serve(b, s, http.MethodPost, path, body)
	}
}

// BenchmarkRotateCredential creates a credential of the documented connector b.N times, the
// SDK's request: ids and secret drawn from the seed, the credential stored, the secret answered.
func BenchmarkRotateCredential(b *testing.B) {
	s, err := mock.New(mock.WithVendors(conductorone.Name))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"appId":"` + appID + `","connectorId":"` + connID + `"}`)
	serve(b, s, http.MethodPost, "/api/v1/apps/connectors/credentials", body)
	b.ReportAllocs()
	for b.Loop() {
		serve(b, s, http.MethodPost, "/api/v1/apps/connectors/credentials", body)
	}
}

// BenchmarkAppsList serves Apps.List pages: the first page of the seeded apps, and the middle
// page of 20 from 10,000 created apps, which must cost what a first page costs.
func BenchmarkAppsList(b *testing.B) {
	s, err := mock.New(mock.WithVendors(conductorone.Name))
	if err != nil {
		b.Fatal(err)
	}
	serve(b, s, http.MethodGet, "/api/v1/apps", nil)
	b.Run("seeded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b, s, http.MethodGet, "/api/v1/apps?page_size=20", nil)
		}
	})
	store := s.ConductorOne().Store()
	for i := range 10_000 {
		if _, err := store.CreateApp(conductorone.NewApp{DisplayName: fmt.Sprint("app ", i)}); err != nil {
			b.Fatal(err)
		}
	}
	// The token of the page after the app of sequence number 5,000: the store's own format.
	middle := base64.RawURLEncoding.EncodeToString([]byte("-apps/5000"))
	b.Run("middle/10000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b, s, http.MethodGet, "/api/v1/apps?page_size=20&page_token="+middle, nil)
		}
	})
}

// BenchmarkForceSyncWhileRunning starts, cancels (PauseSync) and resumes a sync of one
// connector b.N times on the store while every other connector of the store (1,000, then
// 100,000) that is not paused has a sync running: starting and ending a sync must not cost a scan of the
// running ones.
func BenchmarkForceSyncWhileRunning(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s, err := mock.New(mock.WithConnectors(n), mock.WithWorkDuration(time.Hour), mock.WithVendors(conductorone.Name))
			if err != nil {
				b.Fatal(err)
			}
			store := s.ConductorOne().Store()
			for _, c := range fx.Connectors(fixtures.DefaultSeed, n) {
				if c.ID == connID {
					continue
				}
				_, _ = store.ForceSync(c.AppID, c.ID) // some generated connectors are paused
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := store.ForceSync(appID, connID); err != nil {
					b.Fatal(err)
				}
				if _, err := store.PauseSync(appID, connID); err != nil {
					b.Fatal(err)
				}
				if _, err := store.ResumeSync(appID, connID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
