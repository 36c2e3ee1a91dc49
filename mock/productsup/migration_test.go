package productsup_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// TestRollbackMigration follows the connector_rollback_migration page: "Connector will use
// old executable instead of new one." A migration's version on production answers
// {"message":"successful operation","data":<version>} (no resource key, as the page's
// example), its production executable now the legacy one of config.migration, its state,
// updated-at and migration config as they were; the next sync to production migrates it
// again.
func TestRollbackMigration(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	c := fx.NewConnector(fx.WithMigration(24), fx.WithTargets([]int64{1}, nil, nil))
	newExec := int64(77)
	c.Versions[0].PlatformProdReference.Executable = &newExec
	require.NoError(t, s.Productsup().Store().Put(c))
	before, err := s.Productsup().Store().Version(c.ID, "1")
	require.NoError(t, err)
	path := "/connectors/" + c.ID + "/versions/1/migration/rollback"

	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var body struct {
		Message  string          `json:"message"`
		Resource *string         `json:"resource"`
		Data     json.RawMessage `json:"data"`
	}
	res.JSON(t, &body)
	assert.Equal(t, "successful operation", body.Message)
	assert.Nil(t, body.Resource, "the page's answer has no resource key")
	var shown fx.Version
	require.NoError(t, json.Unmarshal(body.Data, &shown))
	require.NotNil(t, shown.PlatformProdReference.Executable)
	assert.EqualValues(t, 24, *shown.PlatformProdReference.Executable, "the legacy executable")
	assert.Equal(t, before.State, shown.State)
	assert.Equal(t, before.UpdatedAt, shown.UpdatedAt)
	assert.JSONEq(t, `{"legacy-executable":24}`, string(shown.Config.Migration))
	stored, err := s.Productsup().Store().Version(c.ID, "1")
	require.NoError(t, err)
	assert.Equal(t, shown, stored, "the answer is what is stored")

	again := testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken})
	require.Equal(t, 200, again.Status)
	assert.Equal(t, string(res.Body), string(again.Body), "a version on its legacy executable stays as it is")

	// Sync to production again: a new executable replaces the legacy one.
	_, err = s.Productsup().Store().SyncRuntime(c.ID, "1", mock.AdminToken)
	require.NoError(t, err)
	s.CompleteWork()
	v, err := s.Productsup().Store().Version(c.ID, "1")
	require.NoError(t, err)
	assert.Equal(t, "synchronized-to-prod", v.State)
	require.NotNil(t, v.PlatformProdReference.Executable)
	assert.NotEqualValues(t, 24, *v.PlatformProdReference.Executable, "migrated again")

	// And typed access rolls back the same way.
	v, err = s.Productsup().Store().RollbackMigration(c.ID, "latest", mock.AdminToken)
	require.NoError(t, err)
	assert.EqualValues(t, 24, *v.PlatformProdReference.Executable)
}

// TestRollbackMigrationRefused: a version that is no migration is refused in the documented
// rule shape, and nothing changes; an integrator on another's connector gets the 403, an
// unknown version the 404.
func TestRollbackMigrationRefused(t *testing.T) {
	s := testkit.New(t, mock.WithPrincipals(append(mock.DefaultPrincipals(),
		mock.Principal{Name: "dev", Token: "dev-token", Integrator: true})...))
	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	path := "/connectors/" + fx.DocumentedID + "/versions/1/migration/rollback"

	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"This connector version has no migration to roll back.","errors":[]}`, string(res.Body))

	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: "dev-token"})
	assert.Equal(t, 403, res.Status)
	assert.JSONEq(t, `{"message":"Access denied for user."}`, string(res.Body))

	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.ReadOnlyToken})
	assert.Equal(t, 403, res.Status)

	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors/" + fx.DocumentedID + "/versions/9/migration/rollback", Token: mock.AdminToken})
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, `{"message":"Connector not found."}`, string(res.Body))

	after, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "refusals change nothing")

	_, err = s.Productsup().Store().RollbackMigration(fx.DocumentedID, "1", mock.AdminToken)
	var rule *productsup.RuleError
	assert.ErrorAs(t, err, &rule)
}
