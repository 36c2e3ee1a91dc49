package versori_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

func connectionsPath(org, id string) string { return connectorPath(org, id) + "/connections" }

// newConnectionBody is a ConnectionCreate with one api-key credential (a secret) on a config
// the documented connector does not have yet.
func newConnectionBody(name string) map[string]any {
	return map[string]any{
		"name":      name,
		"variables": []any{map[string]any{"name": "region", "value": "us-east-1"}},
		"credentials": map[string]any{"action": []any{map[string]any{
			"authSchemeConfig": map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885KEY", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header"},
			"credential":       map[string]any{"name": "key", "type": "string", "data": map[string]any{"value": "s3cret"}},
		}}},
	}
}

// TestConnectionLifecycle: create (secrets never echoed, the config joins the connector's),
// get, list (most recently updated first), rename, delete; the connector's updatedAt moves
// with each write and DeleteConnector needs force while connections remain.
func TestConnectionLifecycle(t *testing.T) {
	s := newServer(t)
	base := connectionsPath(docOrg, docID)

	res := do(t, s, "POST", base, newConnectionBody("staging"))
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.NotContains(t, string(res.Body), "s3cret", "a secret is never echoed")
	var conn fx.Connection
	res.JSON(t, &conn)
	assert.Equal(t, "staging", conn.Name)
	require.Len(t, conn.Credentials.Action, 1)
	cc := conn.Credentials.Action[0]
	assert.Equal(t, "api-key", cc.AuthSchemeConfig.SchemeType, "the credential shows its config")
	assert.JSONEq(t, `{"value":"REDACTED"}`, string(cc.Credential.Data))
	assert.Equal(t, docOrg, cc.Credential.OrganisationID)
	require.Len(t, cc.Credential.Usages, 1)
	assert.Equal(t, conn.ID, cc.Credential.Usages[0].Connection.ID)

	got := do(t, s, "GET", base+"/"+strings.ToLower(conn.ID), nil)
	require.Equal(t, 200, got.Status, "ids are case-insensitive: %s", got.Body)
	assert.JSONEq(t, string(res.Body), string(got.Body))

	c, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	assert.Len(t, c.AuthSchemeConfigs, 2, "the credential's config joined the connector's")
	assert.Equal(t, conn.UpdatedAt, c.UpdatedAt)
	stored, err := s.Versori().Store().Connection(docOrg, docID, conn.ID)
	require.NoError(t, err)
	assert.Equal(t, conn.ID, stored.ID)

	var page versori.ConnectionPage
	do(t, s, "GET", base, nil).JSON(t, &page)
	require.Equal(t, 2, page.TotalCount)
	assert.Equal(t, []string{"staging", "production"}, []string{page.Items[0].Name, page.Items[1].Name}, "most recently updated first")
	var first versori.ConnectionPage
	do(t, s, "GET", base+"?first=1", nil).JSON(t, &first)
	require.Len(t, first.Items, 1)
	require.NotEmpty(t, first.Next)
	var second versori.ConnectionPage
	do(t, s, "GET", base+"?first=1&after="+url.QueryEscape(first.Next), nil).JSON(t, &second)
	require.Len(t, second.Items, 1)
	assert.Equal(t, "production", second.Items[0].Name)
	assert.Empty(t, second.Next)

	upd := do(t, s, "PUT", base+"/"+conn.ID, map[string]any{"id": conn.ID, "name": "stage", "variables": []any{}})
	require.Equal(t, 200, upd.Status, "%s", upd.Body)
	var renamed fx.Connection
	upd.JSON(t, &renamed)
	assert.Equal(t, "stage", renamed.Name)
	assert.Empty(t, renamed.Variables, "variables given replace the connection's")
	assert.Equal(t, conn.Credentials.Action[0].ID, renamed.Credentials.Action[0].ID, "credentials absent: unchanged")

	assert.Equal(t, 409, do(t, s, "DELETE", connectorPath(docOrg, docID), nil).Status, "connections remain")
	assert.Equal(t, 204, do(t, s, "DELETE", base+"/"+conn.ID, nil).Status)
	assert.Equal(t, 404, do(t, s, "GET", base+"/"+conn.ID, nil).Status)
	assert.Equal(t, 404, do(t, s, "DELETE", base+"/"+conn.ID, nil).Status)
	res = do(t, s, "DELETE", base+"/"+fx.DocumentedConnectionID, nil)
	assert.Equal(t, 412, res.Status, "the documented connection is in use: %s", res.Body)
	assert.Contains(t, string(res.Body), `"code":"precondition_failed"`)
	shown, err := s.Versori().Store().Connection(docOrg, docID, fx.DocumentedConnectionID)
	require.NoError(t, err)
	assert.False(t, shown.InUse, "answers never show it")
	assert.Equal(t, 204, do(t, s, "DELETE", base+"/"+fx.DocumentedConnectionID+"?force=true", nil).Status)
	assert.Equal(t, 204, do(t, s, "DELETE", connectorPath(docOrg, docID), nil).Status, "no connection left: no force needed")
}

// TestConnectionCredentialsUpdate: credentials are reordered and moved to another config of
// the same scheme type; those left out are removed; the secret never changes.
func TestConnectionCredentialsUpdate(t *testing.T) {
	s := newServer(t)
	key2 := fx.AuthSchemeConfig{ID: "01JV8TMEFKPCQ0K4HJXA885KE2", Description: "key 2", SchemeType: "api-key", Name: "X-Key", In: "query"}
	c := fx.NewConnector(fx.WithOrganisation(docOrg), fx.WithAuthSchemeConfigs(
		fx.AuthSchemeConfig{ID: "01JV8TMEFKPCQ0K4HJXA885KE1", Description: "key 1", SchemeType: "api-key", Name: "X-Key", In: "header"}, key2,
		fx.AuthSchemeConfig{ID: "01JV8TMEFKPCQ0K4HJXA885N0N", Description: "none", SchemeType: "none"}))
	require.NoError(t, s.Versori().Store().Put(c))
	body := newConnectionBody("two")
	body["credentials"] = map[string]any{"action": []any{
		map[string]any{"authSchemeConfig": map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885KE1", "description": "key 1", "schemeType": "api-key", "name": "X-Key", "in": "header"},
			"credential": map[string]any{"name": "a", "type": "string", "data": map[string]any{"value": "one"}}},
		map[string]any{"authSchemeConfig": map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885N0N", "description": "none", "schemeType": "none"},
			"credential": map[string]any{"name": "b", "type": "none", "data": map[string]any{}}},
	}}
	res := do(t, s, "POST", connectionsPath(docOrg, c.ID), body)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var conn fx.Connection
	res.JSON(t, &conn)
	a, b := conn.Credentials.Action[0].ID, conn.Credentials.Action[1].ID
	path := connectionsPath(docOrg, c.ID) + "/" + conn.ID

	t.Run("refused", func(t *testing.T) {
		before, err := s.Versori().Store().Connection(docOrg, c.ID, conn.ID)
		require.NoError(t, err)
		res := do(t, s, "PUT", path, map[string]any{"id": conn.ID, "name": "", "credentials": map[string]any{"action": []any{
			map[string]any{"id": unknown, "authSchemeConfig": map[string]any{"id": key2.ID, "description": "d", "schemeType": "api-key", "name": "n", "in": "header"}},
			map[string]any{"id": a, "authSchemeConfig": map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885N0N", "description": "d", "schemeType": "none"}},
			map[string]any{"id": a, "authSchemeConfig": map[string]any{"id": unknown, "description": "d", "schemeType": "none"}},
		}}})
		require.Equal(t, 400, res.Status, "%s", res.Body)
		var e struct{ Fields []struct{ Field string } }
		res.JSON(t, &e)
		var names []string
		for _, f := range e.Fields {
			names = append(names, f.Field)
		}
		assert.Equal(t, []string{"name", "credentials.action[0].id", "credentials.action[1].authSchemeConfig.schemeType", "credentials.action[2].id"}, names, "%s", res.Body)
		after, err := s.Versori().Store().Connection(docOrg, c.ID, conn.ID)
		require.NoError(t, err)
		assert.Equal(t, before, after, "a rejected update changes nothing")
	})

	res = do(t, s, "PUT", path, map[string]any{"id": conn.ID, "name": "two", "credentials": map[string]any{"action": []any{
		map[string]any{"id": a, "authSchemeConfig": map[string]any{"id": key2.ID, "description": "d", "schemeType": "api-key", "name": "n", "in": "header"}},
	}}})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var got fx.Connection
	res.JSON(t, &got)
	require.Len(t, got.Credentials.Action, 1, "credential %s was left out: removed", b)
	assert.Equal(t, a, got.Credentials.Action[0].ID)
	assert.Equal(t, key2, got.Credentials.Action[0].AuthSchemeConfig, "the connector's config, not the body's copy")
	assert.Equal(t, conn.Credentials.Action[0].Credential.Data, got.Credentials.Action[0].Credential.Data)
	assert.Equal(t, conn.Variables, got.Variables, "variables absent: unchanged")
}

// TestConnectionRules: names are unique in a connector (409 on create and rename); another
// organisation's connections are 404; a scoped token is 403 elsewhere.
func TestConnectionRules(t *testing.T) {
	s := newServer(t)
	base := connectionsPath(docOrg, docID)
	res := do(t, s, "POST", base, newConnectionBody("production"))
	assert.Equal(t, 409, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), `already has a connection \"production\"`)
	require.Equal(t, 200, do(t, s, "POST", base, newConnectionBody("staging")).Status)
	res = do(t, s, "PUT", base+"/"+fx.DocumentedConnectionID, map[string]any{"id": fx.DocumentedConnectionID, "name": "staging"})
	assert.Equal(t, 409, res.Status, "%s", res.Body)

	other := connectionsPath(otherOrg, docID)
	for _, r := range []struct{ method, path string }{
		{"GET", other}, {"POST", other}, {"GET", other + "/" + fx.DocumentedConnectionID},
		{"PUT", other + "/" + fx.DocumentedConnectionID}, {"DELETE", other + "/" + fx.DocumentedConnectionID},
	} {
		var body any
		switch r.method {
		case "POST":
			body = newConnectionBody("x")
		case "PUT":
			body = map[string]any{"id": fx.DocumentedConnectionID, "name": "x"}
		}
		res := do(t, s, r.method, r.path, body)
		assert.Equal(t, 404, res.Status, "%s %s: %s", r.method, r.path, res.Body)
		res = testkit.Do(t, s, testkit.Request{Method: r.method, Path: r.path, Token: scopedToken, Body: body})
		assert.Equal(t, 403, res.Status, "scoped token, %s %s", r.method, r.path)
	}
	var e map[string]any
	require.NoError(t, json.Unmarshal(do(t, s, "GET", base+"/"+unknown, nil).Body, &e))
	assert.Equal(t, `Connector `+docID+` has no connection "`+unknown+`".`, e["message"])
}
