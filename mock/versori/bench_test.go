package versori_test

import (
	"net/http"
	"os"
	"testing"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// BenchmarkUpdateConnector serves the seed page's UpdateConnector (a full-replace PUT of the
// documented connector, with the documented organisation, connector and auth scheme config ids)
// b.N times through the whole pipeline: routing, auth, validation, the replace with its rule
// checks, store and encoding. It fails unless every answer is 200.
func BenchmarkUpdateConnector(b *testing.B) {
	body, err := os.ReadFile(testkit.Testdata("versori", "update-connector-request.json"))
	if err != nil {
		b.Fatal(err)
	}
	testkit.Bench(b, http.MethodPut, connectorPath(docOrg, docID), body, http.StatusOK)
}

// BenchmarkListConnectors lists the documented organisation's connectors, sorted by name: the
// whole pipeline, the filter, the sort and the page.
func BenchmarkListConnectors(b *testing.B) {
	testkit.Bench(b, http.MethodGet, "/api/connect/v1/o/"+docOrg+"/connectors?sort=name:asc", nil, http.StatusOK)
}

// BenchmarkPut stores a builder's connector through typed access, checked against the spec's
// Connector as the API writes it and against the rules the API keeps.
func BenchmarkPut(b *testing.B) {
	s := testkit.New(b)
	c := fx.NewConnector()
	for b.Loop() {
		if err := s.Versori().Store().Put(c); err != nil {
			b.Fatal(err)
		}
	}
}
