package productsup_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestOwnership: an integrator lists and sees only what it created; another integrator's
// connector and states are 403 before validation; admins see everything.
func TestOwnership(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(3), mock.WithPrincipals(append(mock.DefaultPrincipals(),
		mock.Principal{Name: "alice", Token: "alice-token", Integrator: true},
		mock.Principal{Name: "bob", Token: "bob-token", Integrator: true})...))
	as := func(token, method, path string, body any) testkit.Response {
		return testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: token, Body: body})
	}
	res := as("alice-token", "POST", "/connectors", `{"connector-type":"export","connector-name":"alices"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var created struct {
		Data struct {
			ID, Owner string
		}
	}
	res.JSON(t, &created)
	id := created.Data.ID

	assert.Equal(t, []string{id}, ids(t, as("alice-token", "GET", "/connectors", nil)), "alice: her own only")
	assert.Empty(t, ids(t, as("bob-token", "GET", "/connectors", nil)), "bob: nothing yet")
	assert.Empty(t, ids(t, as("alice-token", "GET", "/connectors?owners="+unknown, nil)), "another owner's: none")
	assert.Len(t, ids(t, as(mock.AdminToken, "GET", "/connectors?limit=100", nil)), 5, "admin: all (documented, 3 generated, alice's)")

	assert.Equal(t, 200, as("alice-token", "GET", "/connectors/"+id, nil).Status)
	for _, req := range []testkit.Request{
		{Method: "GET", Path: "/connectors/" + id},
		{Method: "GET", Path: "/connectors/" + docID},
		{Method: "POST", Path: versionPath(id, "1", "sync-runtime")},
		{Method: "POST", Path: versionPath(id, "abc", "sync-runtime"), Body: "{"},
		{Method: "PATCH", Path: "/connectors/" + id + "/move-to-bin"},
		{Method: "POST", Path: "/builds/connectors", Body: `{"connector":"` + id + `"}`},
		{Method: "POST", Path: "/metadata/connectors/" + id, Body: `{"channel-owner":"WG3"}`},
	} {
		req.Token = "bob-token"
		res := testkit.Do(t, s, req)
		assert.Equal(t, 403, res.Status, "%s %s", req.Method, req.Path)
		assert.JSONEq(t, `{"message":"Access denied for user."}`, string(res.Body))
	}
	assert.Equal(t, 404, as("bob-token", "GET", "/connectors/"+unknown, nil).Status, "unknown: 404, not 403")

	// States: alice's configuration change is hers.
	require.Equal(t, 200, as("alice-token", "PUT", versionPath(id, "1", "secret-registrations"), `{"secret-registrations":["a/b"]}`).Status)
	var latest struct{ Data struct{ ID string } }
	as("alice-token", "GET", versionPath(id, "1", "states/update_configuration"), nil).JSON(t, &latest)
	assert.Equal(t, 200, as("alice-token", "GET", "/states/"+latest.Data.ID, nil).Status)
	assert.Equal(t, 403, as("bob-token", "GET", "/states/"+latest.Data.ID, nil).Status)
	var states struct{ Metadata struct{ Total int } }
	as("bob-token", "GET", "/states", nil).JSON(t, &states)
	assert.Equal(t, 0, states.Metadata.Total, "bob sees none of the states")
	as("alice-token", "GET", "/states", nil).JSON(t, &states)
	assert.Equal(t, 1, states.Metadata.Total)
	assert.Equal(t, 200, as(mock.AdminToken, "GET", "/states/"+latest.Data.ID, nil).Status)
}
