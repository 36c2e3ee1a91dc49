package conductorone_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/connectormock/connectormock/mock"
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
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	path := connectorPath(appID, connID)
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
