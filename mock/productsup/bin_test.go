package productsup_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// ids lists the ids of a connector list's page.
func ids(t *testing.T, res testkit.Response) []string {
	t.Helper()
	var body struct {
		Data []struct {
			ID       string `json:"id"`
			Versions []struct {
				DeletedAt *string `json:"deleted-at"`
			} `json:"versions"`
		} `json:"data"`
	}
	res.JSON(t, &body)
	out := []string{}
	for _, c := range body.Data {
		out = append(out, c.ID)
	}
	return out
}

// TestBin: a binned connector leaves GET /connectors and every operation on it, is listed in
// the bin with deleted-at, and comes back to its place with restore; one used on the platform
// is refused and stays.
func TestBin(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	p := newPipeline(t, s)
	listed := func(path string) []string {
		return ids(t, p.do("GET", path+"?limit=100", nil))
	}
	assert.Equal(t, []string{docID, p.id}, listed("/connectors"))
	assert.Equal(t, []string{fx.DocumentedBinnedID}, listed("/connectors/bin"), "the documented binned connector")

	moved := p.ok("PATCH", "/connectors/"+p.id+"/move-to-bin", nil)
	assert.Equal(t, "Connector has been moved to bin.", moved["message"])
	assert.Equal(t, []any{}, moved["data"].(map[string]any)["versions"], "as the page shows it")
	assert.Equal(t, []string{docID}, listed("/connectors"))
	assert.Equal(t, []string{fx.DocumentedBinnedID, p.id}, listed("/connectors/bin"))
	bin := p.ok("GET", "/connectors/bin?name=pipe", nil)["data"].([]any)
	require.Len(t, bin, 1)
	v := bin[0].(map[string]any)["versions"].([]any)[0].(map[string]any)
	assert.Equal(t, "2026-11-24T14:00:00+02:00", v["deleted-at"], "the mock's clock")

	for _, path := range []string{"/connectors/" + p.id, p.path + "/states"} {
		assert.Equal(t, 404, p.do("GET", path, nil).Status, path)
	}
	assert.Equal(t, 404, p.do("PATCH", "/connectors/"+p.id+"/move-to-bin", nil).Status, "already in the bin")
	assert.Equal(t, 404, p.do("PATCH", "/connectors/"+docID+"/restore-from-bin", nil).Status, "not in the bin")

	restored := p.ok("PATCH", "/connectors/"+p.id+"/restore-from-bin", nil)
	assert.Equal(t, "Connector has been restored from bin.", restored["message"])
	assert.Nil(t, restored["data"].(map[string]any)["versions"].([]any)[0].(map[string]any)["deleted-at"])
	assert.Equal(t, []string{docID, p.id}, listed("/connectors"), "back in its place")
	assert.Equal(t, []string{fx.DocumentedBinnedID}, listed("/connectors/bin"))

	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	res := p.do("PATCH", "/connectors/"+docID+"/move-to-bin", nil)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/move-to-bin-400.json", res.Body)
	after, _ := s.Productsup().Store().Snapshot()
	assert.Equal(t, string(before), string(after), "a refused move changes nothing")
}

// TestCopy: the copy takes the imported configuration and name with " - Copy", nothing of the
// platform.
func TestCopy(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	p := &pipeline{t: t, s: s}
	body := readFile(t, "productsup", "copy-request.json")
	c := p.ok("POST", "/connectors/copy", body)["data"].(map[string]any)
	assert.Equal(t, "Test Import - Copy", c["name"])
	assert.Equal(t, "this is a imported connector", c["description"])
	v := c["versions"].([]any)[0].(map[string]any)
	assert.Equal(t, "created", v["state"])
	cfg := v["config"].(map[string]any)
	assert.Equal(t, []any{20.0, 30.0}, cfg["authentication-registrations"])
	assert.Equal(t, map[string]any{"authorization": "basic", "url": "https://github.com/some-repo.git", "branch": "main", "username": "username",
		"deploy-key-public": nil, "latest-commit": nil}, cfg["vcs"], "the token is never kept (the VCS config guide)")
	assert.Len(t, cfg["individuals"], 2)
	assert.Equal(t, []any{}, v["platform_prod_reference"].(map[string]any)["target-accounts"])

	// The output of GET /connectors/{id} pasted back copies it.
	shown := p.ok("GET", "/connectors/"+docID, nil)["data"]
	again := p.ok("POST", "/connectors/copy", shown)["data"].(map[string]any)
	assert.Equal(t, "gutkowski.net - Copy", again["name"])
	assert.NotEqual(t, docID, again["id"])
}
