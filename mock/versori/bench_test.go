package versori_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/connectormock/connectormock/mock"
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
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	path := connectorPath(docOrg, docID)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPut, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
