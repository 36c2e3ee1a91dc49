package productsup_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// TestNewVersion: a new version copies the latest one (configuration, dev account, project and
// site), takes the next major number, starts updated, with fresh production references; the
// old version's production stays as it was.
func TestNewVersion(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["amazon/seller"]}`)
	p.configureVCS()
	s.CompleteWork()
	p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id})
	s.CompleteWork()
	p.ok("POST", p.path+"/sync-runtime", nil)
	s.CompleteWork()
	p.joinOrganization()
	p.ok("POST", p.path+"/platform-dev-site", nil)
	s.CompleteWork()
	p.ok("POST", p.path+"/targets", `{"target-accounts":[11]}`)

	res := p.do("POST", "/__admin/vendors/productsup/connectors/"+p.id+"/versions", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var body struct {
		Message string
		Data    map[string]any
	}
	res.JSON(t, &body)
	assert.Equal(t, "Version 2.0.0 created.", body.Message)
	v2 := p.ok("GET", "/connectors/"+p.id+"/versions/latest/states", nil) // the version resolves
	assert.Equal(t, 0.0, v2["metadata"].(map[string]any)["total"], "no history of its own")

	c := p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)
	versions := c["versions"].([]any)
	require.Len(t, versions, 2)
	v := versions[1].(map[string]any)
	assert.Equal(t, "2.0.0", v["version"])
	assert.Equal(t, "updated", v["state"])
	assert.Equal(t, []any{`amazon/seller`}, v["config"].(map[string]any)["secret-registrations"])
	dev := v["platform_dev_reference"].(map[string]any)
	assert.Equal(t, []any{1.0, 2.0, 3.0}, []any{dev["account"], dev["project"], dev["site"]}, "dev account, project, site copied")
	assert.Nil(t, dev["platform-connector"], "not copied: the guide lists account, project and site")
	prod := v["platform_prod_reference"].(map[string]any)
	assert.Equal(t, []any{}, prod["target-accounts"], "fresh production references")
	assert.Nil(t, prod["platform-connector"])
	assert.Equal(t, []any{11.0}, versions[0].(map[string]any)["platform_prod_reference"].(map[string]any)["target-accounts"])

	// Version 2 builds on its own.
	p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id, "version": "2"})
	s.CompleteWork()
	c = p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)
	assert.Equal(t, "built", c["versions"].([]any)[1].(map[string]any)["state"])
	assert.Equal(t, "built", c["versions"].([]any)[0].(map[string]any)["state"], "version 1 as it was")

	assert.Equal(t, 404, p.do("POST", "/__admin/vendors/productsup/connectors/"+unknown+"/versions", nil).Status)
}

// TestTypedLifecycle: the store's typed access refuses and performs the same steps as HTTP.
func TestTypedLifecycle(t *testing.T) {
	s := testkit.New(t)
	store := s.Productsup().Store()
	c, err := store.Create(productsup.NewConnector{Type: "export", Name: "typed"}, "someone")
	require.NoError(t, err)
	_, err = store.Build(c.ID, "1", "someone")
	assert.ErrorIs(t, err, productsup.ErrTransition)
	assert.EqualError(t, err, "Transition is not allowed, entity is created.")

	v, err := store.NewVersion(c.ID)
	require.NoError(t, err)
	assert.Equal(t, "2.0.0", v.Version)
	_, err = store.Build(c.ID, "2", "someone")
	assert.EqualError(t, err, "VCS config is not valid.", "nothing to pull from")
	_, err = store.SetVCS(c.ID, "2", productsup.VCSConfig{Authorization: "basic", URL: "https://github.com/your-org/your-connector"})
	assert.EqualError(t, err, "Basic auth needs a username and a token.")
	v, err = store.SetVCS(c.ID, "2", productsup.VCSConfig{Authorization: "basic", URL: "https://github.com/your-org/your-connector", Username: "me", Token: "secret"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"authorization":"basic","url":"https://github.com/your-org/your-connector","branch":"main","username":"me","deploy-key-public":null,"latest-commit":null}`,
		string(v.Config.VCS), "the token is never kept (the guide: stored in a vault, never returned)")
	assert.Equal(t, "updated", v.State)
	w, err := store.Build(c.ID, "2", "someone")
	require.NoError(t, err)
	assert.Equal(t, "pending", w.Status)
	assert.Equal(t, 1, store.CompleteWork())
	done, err := store.Work(w.ID)
	require.NoError(t, err)
	assert.Equal(t, "done", done.Status)
	got, err := store.Version(c.ID, "2")
	require.NoError(t, err)
	assert.Equal(t, "built", got.State)

	_, err = store.Work(unknown)
	assert.ErrorIs(t, err, productsup.ErrNotFound)
	_, err = store.MoveToBin(docID)
	assert.EqualError(t, err, "Connector is actively used on the platform.")
	moved, err := store.MoveToBin(c.ID)
	require.NoError(t, err)
	assert.NotNil(t, moved.Versions[0].DeletedAt)
	_, err = store.Version(c.ID, "1")
	assert.ErrorIs(t, err, productsup.ErrNotFound, "binned: out of every operation")
	_, err = store.RestoreFromBin(c.ID)
	require.NoError(t, err)
}
