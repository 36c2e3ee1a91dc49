package mock_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
)

// A sandbox is an isolated mock inside the server: its own stores under
// /__sandboxes/<id>/..., created here in Go (clients of other languages POST
// /__admin/sandboxes).
func ExampleServer_CreateSandbox() {
	srv, err := mock.New()
	if err != nil {
		panic(err)
	}
	sb, err := srv.CreateSandbox(mock.SandboxOptions{Seed: 42})
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", mock.SandboxPrefix+"/"+sb.ID+"/connectors/"+productsup.DocumentedID, nil)
	r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	fmt.Println(w.Code, srv.Sandbox(sb.ID).Seed(), len(srv.Sandbox(sb.ID).Requests()), len(srv.Requests()))

	srv.DeleteSandbox(sb.ID)
	fmt.Println(srv.Sandbox(sb.ID) == nil)
	// Output:
	// 200 42 1 0
	// true
}
