package productsup_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// newOfType creates a connector of the given type over HTTP and answers its version 1's path.
func newOfType(t *testing.T, s *testkit.Server, typ string) string {
	t.Helper()
	p := &pipeline{t: t, s: s}
	c := p.ok("POST", "/connectors", `{"connector-type":"`+typ+`","connector-name":"channels"}`)["data"].(map[string]any)
	return "/connectors/" + c["id"].(string) + "/versions/1"
}

// exportConfig is the version's config.export as GET /connectors/{id} shows it.
func exportConfig(t *testing.T, s *testkit.Server, path string) any {
	t.Helper()
	c, err := s.Productsup().Store().Version(pathID(path), "1")
	require.NoError(t, err)
	if c.Config.Export == nil {
		return nil
	}
	var out any
	require.NoError(t, json.Unmarshal(c.Config.Export, &out))
	return out
}

func pathID(path string) string { return path[len("/connectors/") : len("/connectors/")+36] }

// TestAssignChannels follows the connector_platform_assign_channel page: its request on an
// export connector answers its 200 body and sets the version's export channels; its 400 body
// answers the delta channels it names (98, 99) on an export connector, and nothing changes.
func TestAssignChannels(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	p := &pipeline{t: t, s: s}
	export := newOfType(t, s, "export")
	res := p.do("PUT", export+"/channels", readFile(t, "productsup", "channels-request.json"))
	require.Equal(t, 200, res.Status, "%s", res.Body)
	testkit.Golden(t, "productsup/channels-200.json", res.Body)
	assert.Equal(t, map[string]any{"channels": []any{1.0, 2.0}}, exportConfig(t, s, export))
	c := p.ok("GET", "/connectors/"+pathID(export), nil)["data"].(map[string]any)
	v := c["versions"].([]any)[0].(map[string]any)
	assert.Equal(t, "created", v["state"], "the state does not move")
	assert.Equal(t, map[string]any{"channels": []any{1.0, 2.0}}, v["config"].(map[string]any)["export"])

	datasource, delta := newOfType(t, s, "datasource"), newOfType(t, s, "export-delta")
	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	res = p.do("PUT", export+"/channels", `{"channels":[3,98,99,98]}`)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/channels-400.json", res.Body)
	for _, tt := range []struct{ body, want string }{
		{`{"channels":[]}`, `"channels"`},
		{`{"channels":[0]}`, `"channels"`},
		{`{"channels":["1"]}`, `"channels"`},
		{`{}`, `{"message":"Bad request.","errors":{"channels":"This value should not be blank."}}`},
	} {
		res = p.do("PUT", export+"/channels", tt.body)
		assert.Equal(t, 400, res.Status, tt.body)
		assert.Contains(t, string(res.Body), tt.want, tt.body)
	}
	res = p.do("PUT", datasource+"/channels", `{"channels":[1]}`)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"channels":"You can not assign channels to datasource Connector."}}`, string(res.Body))
	after, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.True(t, string(before) == string(after), "the refusals changed nothing")

	// A PUT replaces the list, each id once; the same list again changes nothing (not even
	// updated-at); an
	// export-delta connector takes delta channels.
	p.ok("PUT", export+"/channels", `{"channels":[7,5,7]}`)
	assert.Equal(t, map[string]any{"channels": []any{7.0, 5.0}}, exportConfig(t, s, export))
	stored, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	p.ok("PUT", export+"/channels", `{"channels":[7,5]}`)
	again, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.True(t, string(stored) == string(again), "the same channels again: no change seen")
	p.ok("PUT", delta+"/channels", `{"channels":[98,99,1]}`)
	assert.Equal(t, map[string]any{"channels": []any{98.0, 99.0, 1.0}}, exportConfig(t, s, delta))
}

// TestAssignChannelsKeepsTheExportConfig: the channels join an export config the version has,
// whose other keys stay; typed access refuses what HTTP refuses.
func TestAssignChannelsKeepsTheExportConfig(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	store := s.Productsup().Store()
	c, err := store.Create(productsup.NewConnector{Type: "export", Name: "typed"}, "someone")
	require.NoError(t, err)
	c.Versions[0].Config.Export = []byte(`{"feedback-file":true,"channels":[4]}`)
	require.NoError(t, store.Put(c))
	v, err := store.AssignChannels(c.ID, "latest", []int64{1, 2})
	require.NoError(t, err)
	assert.JSONEq(t, `{"feedback-file":true,"channels":[1,2]}`, string(v.Config.Export))
	_, err = store.AssignChannels(c.ID, "1", []int64{99})
	assert.EqualError(t, err, "channels: You can not assign delta channels to export Connector: 99")
	_, err = store.AssignChannels(c.ID, "1", nil)
	var invalid *productsup.InvalidError
	assert.ErrorAs(t, err, &invalid)
	_, err = store.AssignChannels(unknown, "1", []int64{1})
	assert.ErrorIs(t, err, productsup.ErrNotFound)
}
