package conductorone_test

import (
	"net/http"
	"os"
	"testing"

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
