package productsup_test

import (
	"net/http"
	"testing"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// benchRequest serves the same request b.N times through the whole pipeline (routing, auth,
// validation, store, encoding) and fails if the status is not the expected one.
func benchRequest(b *testing.B, method, path, body string, status int) {
	testkit.Bench(b, method, path, []byte(body), status)
}

func BenchmarkDisableDocumented(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(fx.DocumentedID, "1", "access/prod/disable"),
		`{"accounts":[777],"projects":[444],"sites":[666]}`, 200)
}

func BenchmarkDisableSchemaErrors(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(fx.DocumentedID, "1", "access/prod/disable"),
		`{"accounts":["a"],"projects":[0],"sites":{}}`, 400)
}

func BenchmarkDisableUnknownConnector(b *testing.B) {
	benchRequest(b, http.MethodPost, versionPath(unknown, "1", "access/prod/disable"),
		`{"accounts":[777]}`, 404)
}

func BenchmarkListConnectors(b *testing.B) {
	benchRequest(b, http.MethodGet, "/connectors?limit=20", "", 200)
}

// BenchmarkPut stores a builder's connector through typed access, checked against the spec's
// Connector as the API writes it.
func BenchmarkPut(b *testing.B) {
	s := testkit.New(b)
	c := fx.NewConnector()
	for b.Loop() {
		if err := s.Productsup().Store().Put(c); err != nil {
			b.Fatal(err)
		}
	}
}
