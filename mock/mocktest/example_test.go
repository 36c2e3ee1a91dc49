package mocktest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/mocktest"
)

// Seed state through typed access, then call the endpoint as a client would.
func Example() {
	s, _ := mocktest.Start(mock.WithConnectors(0)) // in a test: s := mocktest.New(t)
	defer s.Close()

	// A connector of our own, version 1 targeting account 42.
	c := productsup.Documented()
	c.ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
	c.Versions[0].PlatformProdReference.TargetAccounts = []int64{42}
	c.Versions[0].PlatformProdReference.EnabledForAccounts = []int64{}
	if err := s.Productsup().Store().Put(c); err != nil { // a value the contract forbids is refused
		fmt.Println(err)
		return
	}

	resp, _ := s.Client().Post(s.URL()+"/connectors/"+c.ID+"/versions/1/access/prod/enable",
		"application/json", strings.NewReader(`{"accounts":[42]}`))
	resp.Body.Close()

	v, _ := s.Productsup().Store().Version(c.ID, "1")
	fmt.Println(resp.StatusCode, v.PlatformProdReference.EnabledForAccounts)
	// Output: 200 [42]
}

// Force an error: the next call of an operation answers a documented status.
func Example_fault() {
	s, _ := mocktest.Start()
	defer s.Close()

	_ = s.AddFault(mock.Fault{OperationID: "connector_show", Status: http.StatusForbidden})

	for range 2 {
		resp, _ := s.Client().Get(s.URL() + "/connectors/" + productsup.DocumentedID)
		var body struct{ Message string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, body.Message)
	}
	// Output:
	// 403 Access denied for user.
	// 200 successful operation
}

// Assert what the code under test called, and that it sent nothing the contract refuses.
func Example_assertCalls() {
	t := &testing.T{} // in a test, the *testing.T you are given
	s, _ := mocktest.StartInProcess()
	defer s.Close()

	resp, _ := s.Client().Post(s.URL()+"/connectors/"+productsup.DocumentedID+"/versions/1/access/prod/disable",
		"application/json", strings.NewReader(`{"accounts":[777]}`))
	resp.Body.Close()

	fmt.Println(s.AssertCalled(t, "connector_disable_prod_access", 1),
		s.AssertNotCalled(t, "connector_enable_prod_access"),
		s.AssertNoUnmatched(t))
	// Output: true true true
}
