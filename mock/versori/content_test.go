package versori_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

func versionPath(org, id, version string) string {
	return connectorPath(org, id) + "/versions/" + version
}

// fieldsOf are the field names of an Error body, in order.
func fieldsOf(t *testing.T, body []byte) []string {
	t.Helper()
	var e struct{ Fields []struct{ Field string } }
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func action(name string, links ...string) map[string]any {
	defs := []any{}
	for _, l := range links {
		defs = append(defs, map[string]any{"definition": map[string]any{"name": l}})
	}
	return map[string]any{"type": "http", "name": name, "method": "GET", "path": "/" + name, "parameters": []any{},
		"responses": []any{map[string]any{"status": 200, "definitions": defs}}}
}

func schemaDef(name, content string) map[string]any {
	return map[string]any{"name": name, "accept": []string{"application/json"},
		"schema": map[string]any{"contentType": "application/schema+json", "content": content}}
}

// TestPublishLifecycle: a draft without actions cannot be published (400 naming why); with
// one it can, becomes latest and default, and is read-only (409) until unpublished, which
// makes it a draft again and hands latest back.
func TestPublishLifecycle(t *testing.T) {
	s := newServer(t)
	base := connectorPath(docOrg, docID) + "/versions"
	require.Equal(t, 201, do(t, s, "POST", base, map[string]any{"name": "2.0.0"}).Status)
	v2 := versionPath(docOrg, docID, "2.0.0")

	res := do(t, s, "POST", v2+"/publish", nil)
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"actions"}, fieldsOf(t, res.Body))
	assert.Contains(t, string(res.Body), "needs at least one action")

	require.Equal(t, 201, do(t, s, "POST", base, map[string]any{"name": "bq"}).Status)
	res = do(t, s, "POST", v2+"/definitions", map[string]any{"definitions": []any{schemaDef("Out", `{"type":"object"}`)}})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	res = do(t, s, "POST", v2+"/actions", action("list", "Out"))
	require.Equal(t, 201, res.Status, "%s", res.Body)

	res = do(t, s, "POST", v2+"/publish", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var pub struct{ Version fx.Version }
	res.JSON(t, &pub)
	require.NotNil(t, pub.Version.PublishedAt)
	assert.True(t, pub.Version.IsLatest)
	assert.True(t, pub.Version.IsDefault, "no default chosen: the latest")
	var latest fx.Version
	do(t, s, "GET", versionPath(docOrg, docID, "latest"), nil).JSON(t, &latest)
	assert.Equal(t, "2.0.0", latest.Name)
	var old fx.Version
	do(t, s, "GET", versionPath(docOrg, docID, "1.0.0"), nil).JSON(t, &old)
	assert.False(t, old.IsLatest)
	assert.False(t, old.IsDefault)

	assert.Equal(t, 409, do(t, s, "POST", v2+"/publish", nil).Status, "published already")
	for _, r := range []struct {
		method, path string
		body         any
	}{
		{"POST", v2 + "/actions", action("other")},
		{"DELETE", v2 + "/actions/list", nil},
		{"POST", v2 + "/triggers", action("t")},
		{"POST", v2 + "/definitions", map[string]any{"definitions": []any{schemaDef("X", `true`)}}},
		{"DELETE", v2 + "/definitions/Out?force=true", nil},
	} {
		if r.path == v2+"/triggers" {
			delete(r.body.(map[string]any), "path")
		}
		res := do(t, s, r.method, r.path, r.body)
		assert.Equal(t, 409, res.Status, "%s %s: %s", r.method, r.path, res.Body)
		assert.Contains(t, string(res.Body), "read-only")
	}

	res = do(t, s, "POST", v2+"/unpublish", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var unpub struct{ Version fx.Version }
	res.JSON(t, &unpub)
	assert.Nil(t, unpub.Version.PublishedAt)
	assert.False(t, unpub.Version.IsLatest)
	assert.Equal(t, 409, do(t, s, "POST", v2+"/unpublish", nil).Status, "a draft")
	do(t, s, "GET", versionPath(docOrg, docID, "latest"), nil).JSON(t, &latest)
	assert.Equal(t, "1.0.0", latest.Name, "latest goes back")
	assert.Equal(t, 201, do(t, s, "POST", v2+"/actions", action("other")).Status, "a draft again: editable")
}

// TestActionsFollowProtocolAndDefinitions: an action must fit the connector's protocol, link
// definitions of the version (one per media type), and answers with those definitions.
func TestActionsFollowProtocolAndDefinitions(t *testing.T) {
	s := newServer(t)
	bq := fx.NewConnector(fx.WithOrganisation(docOrg), fx.WithProtocol("bigquery"), fx.WithVersionName("1.0.0"), fx.WithDraft())
	require.NoError(t, s.Versori().Store().Put(bq))
	res := do(t, s, "POST", versionPath(docOrg, bq.ID, "1.0.0")+"/actions", action("a"))
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"type"}, fieldsOf(t, res.Body))
	assert.Contains(t, string(res.Body), `does not fit the connector's protocol \"bigquery\"`)
	res = do(t, s, "POST", versionPath(docOrg, bq.ID, "1.0.0")+"/publish", nil)
	assert.Equal(t, 200, res.Status, "a bigquery version needs no action: %s", res.Body)

	draft := versionPath(docOrg, docID, "1.1.0")
	before, err := s.Versori().Store().Snapshot()
	require.NoError(t, err)
	bad := action("fine", "Nope")
	bad["responses"] = []any{
		map[string]any{"status": 200, "definitions": []any{map[string]any{"definition": map[string]any{"name": "Nope"}}}},
		map[string]any{"status": 200, "definitions": []any{}},
	}
	res = do(t, s, "POST", draft+"/actions", bad)
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"responses[0].definitions[0].definition", "responses[1].status"}, fieldsOf(t, res.Body))
	res = do(t, s, "POST", draft+"/actions", action("getWeather"))
	assert.Equal(t, 409, res.Status, "the name is taken: %s", res.Body)
	after, err := s.Versori().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "refused requests change nothing")

	res = do(t, s, "POST", draft+"/actions", action("cities", "Weather"))
	require.Equal(t, 201, res.Status, "%s", res.Body)
	var a versori.OperationView
	res.JSON(t, &a)
	require.Len(t, a.Responses, 1)
	require.Len(t, a.Responses[0].Definitions, 1)
	d := a.Responses[0].Definitions[0].Definition
	assert.Equal(t, fx.DocumentedDefinitionID, d.ID)
	assert.Contains(t, d.ReferencedBy, versori.ReferenceView{Type: "action", ID: a.ID, Name: "cities"})
	assert.True(t, strings.HasPrefix(d.URL, "http://"), d.URL)

	var page map[string]any
	do(t, s, "GET", draft+"/actions?name=CIT", nil).JSON(t, &page)
	assert.EqualValues(t, 1, page["totalCount"])
	assert.Len(t, page["actions"], 1)
	for _, kind := range []string{"actions", "triggers"} {
		res := do(t, s, "GET", draft+"/"+kind+"?name=zzz", nil)
		assert.JSONEq(t, `{"totalCount":0,"`+kind+`":[]}`, string(res.Body), "the list is required, empty or not")
	}

	// A rename through a full update, then the old name is gone.
	a.Name = "towns"
	body, _ := json.Marshal(a)
	res = do(t, s, "PUT", draft+"/actions/cities", json.RawMessage(body))
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Equal(t, 404, do(t, s, "GET", draft+"/actions/cities", nil).Status)
	var renamed versori.OperationView
	do(t, s, "GET", draft+"/actions/towns", nil).JSON(t, &renamed)
	assert.Equal(t, a.Responses[0].ID, renamed.Responses[0].ID, "ids sent are kept")
}

// TestDefinitionsAndRawSchemas: references between definitions resolve to the mock's URLs,
// which serve the documents; a referred definition is a 412 to delete unless force, which
// leaves errors that keep the version from being published.
func TestDefinitionsAndRawSchemas(t *testing.T) {
	s := newServer(t)
	draft := versionPath(docOrg, docID, "1.1.0")
	res := do(t, s, "POST", draft+"/definitions", map[string]any{"definitions": []any{
		schemaDef("Forecast", `{"type":"object","properties":{"days":{"type":"array","items":{"$ref":"#/$defs/Day"}},"now":{"$ref":"#/$defs/Weather"}}}`),
		schemaDef("Day", `{"type":"object","properties":{"local":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string"}}}`),
	}})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	var created versori.DefinitionList
	res.JSON(t, &created)
	require.Len(t, created.Definitions, 2)
	forecast, day := created.Definitions[0], created.Definitions[1]
	assert.Equal(t, []versori.ReferenceView{{Type: "definition", ID: forecast.ID, Name: "Forecast"}}, day.ReferencedBy)

	raw := testkit.Do(t, s, testkit.Request{Method: "GET", Path: strings.TrimPrefix(forecast.URL, "http://example.com"), Token: "mock-readonly-token"})
	require.Equal(t, 200, raw.Status, "%s: %s", forecast.URL, raw.Body)
	assert.Equal(t, "application/schema+json", raw.Header.Get("Content-Type"))
	var doc map[string]any
	raw.JSON(t, &doc)
	props := doc["properties"].(map[string]any)
	assert.Equal(t, day.URL, props["days"].(map[string]any)["items"].(map[string]any)["$ref"])
	weather, err := s.Versori().Store().Definition(docOrg, docID, "1.1.0", "Weather", "http://example.com/api/connect/v1")
	require.NoError(t, err)
	assert.Equal(t, weather.URL, props["now"].(map[string]any)["$ref"])
	byName, err := s.Versori().Store().RawSchema(docOrg, docID, "1.1.0", "Day.json", "http://h")
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"object","properties":{"local":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string"}}}`, string(byName), "the document's own $defs stay its own")

	for body, field := range map[string]string{
		`{"definitions":[{"name":"A","accept":[],"schema":{"contentType":"text/xml","content":"<a/>"}}]}`:                                       "definitions[0].schema.contentType",
		`{"definitions":[{"name":"A","accept":[],"schema":{"contentType":"application/schema+json","content":"[1]"}}]}`:                         "definitions[0].schema.content",
		`{"definitions":[{"name":"A","accept":[],"schema":{"contentType":"application/schema+json","content":"{\"$ref\":\"#/$defs/Nope\"}"}}]}`: "definitions[0].schema.content",
		`{"definitions":[{"name":"A","accept":[]}]}`: "definitions[0].schema",
	} {
		res := do(t, s, "POST", draft+"/definitions", json.RawMessage(body))
		require.Equal(t, 400, res.Status, "%s: %s", body, res.Body)
		assert.Equal(t, []string{field}, fieldsOf(t, res.Body), "%s", body)
	}
	assert.Equal(t, 409, do(t, s, "POST", draft+"/definitions", map[string]any{"definitions": []any{schemaDef("Day", `true`)}}).Status)

	res = do(t, s, "DELETE", draft+"/definitions/Day", nil)
	require.Equal(t, 412, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), `"referencedBy":[{"type":"definition","id":"`+forecast.ID+`","name":"Forecast"}]`)
	assert.Equal(t, 204, do(t, s, "DELETE", draft+"/definitions", map[string]any{"names": []string{"Day", "Forecast"}}).Status,
		"deleted together: no reference remains")

	res = do(t, s, "DELETE", draft+"/definitions", map[string]any{"ids": []string{fx.DocumentedDefinitionID}, "names": []string{"Weather"}})
	assert.Equal(t, []string{"names[0]"}, fieldsOf(t, res.Body), "the same definition twice: %s", res.Body)
	assert.Equal(t, 204, do(t, s, "DELETE", draft+"/definitions?force=true", map[string]any{"all": true}).Status)
	var a versori.OperationView
	do(t, s, "GET", draft+"/actions/getWeather", nil).JSON(t, &a)
	require.Len(t, a.Errors, 1, "the link to the deleted Weather")
	assert.Empty(t, a.Responses[0].Definitions)
	res = do(t, s, "POST", draft+"/publish", nil)
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"actions[getWeather].responses[0].definitions[0]", "triggers[weatherAlert].requestBody.definitions[0]"}, fieldsOf(t, res.Body))

	// A version created from another starts with its content.
	require.Equal(t, 201, do(t, s, "POST", connectorPath(docOrg, docID)+"/versions", map[string]any{"name": "3.0.0", "fromVersion": "1.0.0"}).Status)
	assert.Equal(t, http.StatusOK, do(t, s, "GET", versionPath(docOrg, docID, "3.0.0")+"/definitions/Weather", nil).Status)
	assert.Equal(t, http.StatusOK, do(t, s, "GET", versionPath(docOrg, docID, "3.0.0")+"/actions/getWeather", nil).Status)
}

// TestPutVersionContent: generated content seeded through the store is served by the API
// (every answer checked against both specs), and content that breaks the rules is refused
// whole.
func TestPutVersionContent(t *testing.T) {
	s := newServer(t)
	store := s.Versori().Store()
	for i := range 4 {
		vc := fx.Content(7, i)
		require.NoError(t, store.PutVersionContent(docOrg, docID, "1.1.0", vc), "content %d", i)
		var page map[string]any
		do(t, s, "GET", versionPath(docOrg, docID, "1.1.0")+"/definitions", nil).JSON(t, &page)
		assert.EqualValues(t, len(vc.Definitions), page["totalCount"])
		for _, a := range vc.Actions {
			res := do(t, s, "GET", versionPath(docOrg, docID, "1.1.0")+"/actions/"+a.Name, nil)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var got versori.OperationView
			res.JSON(t, &got)
			assert.Equal(t, strings.ToUpper(a.ID), got.ID)
			assert.Empty(t, got.Errors)
		}
		last := vc.Definitions[len(vc.Definitions)-1]
		raw, err := store.RawSchema(docOrg, docID, "1.1.0", last.Name+".json", "http://h")
		require.NoError(t, err)
		assert.NotContains(t, string(raw), "#/$defs/", "references are URLs once stored")
	}
	before, err := store.Snapshot()
	require.NoError(t, err)
	bad := fx.Content(7, 0)
	bad.Actions = append(bad.Actions, fx.NewAction("x", "GET", "/x", []string{"Nope"}), bad.Actions[0])
	bad.Definitions = append(bad.Definitions, fx.NewDefinition("y", `{"$ref":"#/$defs/Nope"}`))
	err = store.PutVersionContent(docOrg, docID, "1.1.0", bad)
	require.Error(t, err)
	var invalid *versori.InvalidError
	require.ErrorAs(t, err, &invalid)
	var fields []string
	for _, f := range invalid.Fields {
		fields = append(fields, f.Field)
	}
	n := len(bad.Definitions) - 1
	assert.Equal(t, []string{
		"definitions[" + fmt.Sprint(n) + "].schema.content",
		"actions[" + fmt.Sprint(len(bad.Actions)-2) + "].responses[0].definitions[0].definition",
		"actions[" + fmt.Sprint(len(bad.Actions)-1) + "].name",
	}, fields)
	after, err := store.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

// TestContentSnapshots: a version's content goes through Snapshot and Restore (as JSON a
// reader can read), and a connector Put without a version drops that version's content.
func TestContentSnapshots(t *testing.T) {
	s := newServer(t)
	store := s.Versori().Store()
	require.NoError(t, store.PutVersionContent(docOrg, docID, "1.1.0", fx.Content(3, 1)))
	snap, err := store.Snapshot()
	require.NoError(t, err)
	assert.Contains(t, string(snap), `"parameters":[`, "JSON, not base64")
	s.Reset(0) // the default seed: the documented content again
	name := fx.Content(3, 1).Actions[0].Name
	assert.Equal(t, 404, do(t, s, "GET", versionPath(docOrg, docID, "1.1.0")+"/actions/"+name, nil).Status)
	require.NoError(t, store.Restore(snap))
	again, err := store.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(again))
	assert.Equal(t, 200, do(t, s, "GET", versionPath(docOrg, docID, "1.1.0")+"/actions/"+name, nil).Status)

	c, err := store.Connector(docOrg, docID)
	require.NoError(t, err)
	draftID := c.Versions[1].ID
	c.Versions = c.Versions[:1]
	require.NoError(t, store.Put(c))
	snap, err = store.Snapshot()
	require.NoError(t, err)
	assert.NotContains(t, string(snap), `"`+draftID+`":{`, "the dropped version's content went with it")
	c.Versions = append(c.Versions, fx.Version{ID: draftID, Name: "1.1.0", CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt})
	require.NoError(t, store.Put(c))
	assert.Equal(t, 404, do(t, s, "GET", versionPath(docOrg, docID, "1.1.0")+"/actions/"+name, nil).Status, "not back with the id")
}
