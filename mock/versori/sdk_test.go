package versori_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestSDKCreateHTTPConnectorWithoutConnections replays the request Versori's TypeScript SDK
// (versori/versori-js-sdk at 7145225) sends for createHttpConnector, as recorded from the SDK
// pointed at the mock: its HttpConnectorCreate type has no connections (the vendor's contract
// requires the property without declaring it, so the generator drops it), hence a typed
// caller never sends them. The mock refused every such create with 400 "connections" before.
func TestSDKCreateHTTPConnectorWithoutConnections(t *testing.T) {
	s := newServer(t)
	path := "/api/connect/v1/o/" + docOrg + "/protocols/http/connectors"
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken, ContentType: "application/json",
		Body: `{"name":"sdk-flow","baseUrl":"https://api.example.com","authSchemeConfigs":[],"connectionVariables":[{"name":"region","value":"eu"}]}`})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	var c fx.Connector
	res.JSON(t, &c)
	assert.Equal(t, "sdk-flow", c.Name)
	assert.Empty(t, c.Connections)
	got := do(t, s, "GET", path[:len(path)-len("/protocols/http/connectors")]+"/connectors/"+c.ID, nil)
	assert.Equal(t, 200, got.Status)

	// The rest of the contract's required fields still are.
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken, ContentType: "application/json",
		Body: `{"name":"sdk-flow-2","baseUrl":"https://api.example.com"}`})
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), `"field":"authSchemeConfigs"`)
}
