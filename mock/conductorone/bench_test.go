package conductorone_test

import (
	"net/http"
	"os"
	"testing"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
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
