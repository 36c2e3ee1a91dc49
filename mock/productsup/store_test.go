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

const uuidFormat = `string doesn't match the format "uuid" (string doesn't match pattern "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")`

// refused checks that err is an *InvalidError (ErrInvalid) naming exactly the fields want, in
// its message too.
func refused(t *testing.T, err error, want ...productsup.FieldError) {
	t.Helper()
	require.ErrorIs(t, err, productsup.ErrInvalid)
	var invalid *productsup.InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, want, invalid.Fields)
	for _, f := range want {
		assert.Contains(t, err.Error(), f.Field+": "+f.Message)
	}
}

// unchanged fails unless the store's state is still before.
func unchanged(t *testing.T, store *productsup.Store, before json.RawMessage) {
	t.Helper()
	after, err := store.Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "a refused write changed the store")
}

// TestPut: a builder's connector is stored as given; one the server could not serve within
// the contract is refused, naming each offending field as request validation would, and the
// store is left as it was (the connector it would have replaced included).
func TestPut(t *testing.T) {
	const id = "22222222-2222-4222-8222-222222222222"
	tests := []struct {
		name  string
		value func() fx.Connector
		want  []productsup.FieldError // none: stored
	}{
		{"builder value", func() fx.Connector { return fx.NewConnector(fx.WithID(id)) }, nil},
		{"released builder value", func() fx.Connector { return fx.NewConnector(fx.WithID(id), fx.WithReleased()) }, nil},
		{"id not a UUID", func() fx.Connector { return fx.NewConnector(fx.WithID("x")) },
			[]productsup.FieldError{{"id", uuidFormat + `, got "x"`}}},
		{"no id", func() fx.Connector {
			c := fx.NewConnector()
			c.ID = ""
			return c
		}, []productsup.FieldError{{"id", uuidFormat + `, got ""`}}},
		{"every offending field", func() fx.Connector {
			c := fx.NewConnector(fx.WithID(id))
			c.Type, c.Owner = "ftp", ""
			c.Versions[0].Version = "1"
			c.Versions[0].PlatformProdReference.TargetSites = []int64{0}
			return c
		}, []productsup.FieldError{
			{"owner", uuidFormat + `, got ""`},
			{"type", `value is not one of the allowed values ["datasource","export","export-delta","data-service","transform","download","write","upload"], got "ftp"`},
			{"versions[0].platform_prod_reference.target-sites[0]", "number must be at least 1, got 0"},
			{"versions[0].version", `string doesn't match the regular expression "^\d+\.\d+\.\d+$", got "1"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			store := s.Productsup().Store()
			old := fx.NewConnector(fx.WithID(id), fx.WithName("old"))
			require.NoError(t, store.Put(old))
			n := store.Len()
			before, err := store.Snapshot()
			require.NoError(t, err)

			c := tt.value()
			err = store.Put(c)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, n, store.Len())
				got, err := store.Connector(c.ID)
				require.NoError(t, err)
				assert.Equal(t, c, got)
				// Served within the contract (the test server checks every answer against it).
				res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors/" + c.ID, Token: mock.ReadOnlyToken})
				assert.Equal(t, 200, res.Status)
				return
			}
			refused(t, err, tt.want...)
			assert.Equal(t, n, store.Len())
			got, err := store.Connector(id)
			require.NoError(t, err)
			assert.Equal(t, old, got)
			unchanged(t, store, before)
		})
	}
}

// TestWritesRefuseWhatRequestsWould: the typed writes that take a request's values refuse
// what request validation refuses, with its field names and messages, and change nothing.
func TestWritesRefuseWhatRequestsWould(t *testing.T) {
	s := testkit.New(t)
	store := s.Productsup().Store()
	before, err := store.Snapshot()
	require.NoError(t, err)

	_, err = store.Create(productsup.NewConnector{Type: "nope", Name: ""}, "admin")
	refused(t, err,
		productsup.FieldError{"connector-name", `minimum string length is 1, got ""`},
		productsup.FieldError{"connector-type", `value is not one of the allowed values ["datasource","export","export-delta","data-service","transform","download","write","upload"], got "nope"`})
	_, err = store.AddTargets(docID, "1", productsup.Targets{Accounts: []int64{5, 0}})
	refused(t, err, productsup.FieldError{"target-accounts[1]", "number must be at least 1, got 0"})
	_, err = store.ReplaceTargets(docID, "1", productsup.Targets{Sites: []int64{-1}})
	refused(t, err, productsup.FieldError{"target-sites[0]", "number must be at least 1, got -1"})
	_, err = store.SetAccess(docID, "1", false, productsup.Access{Projects: []int64{0}})
	refused(t, err, productsup.FieldError{"projects[0]", "number must be at least 1, got 0"})
	unchanged(t, store, before)

	// The same target list sent over HTTP: the same field, the same message.
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: versionPath(docID, "1", "targets"), Token: mock.AdminToken,
		Body: `{"target-accounts":[5,0]}`})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"target-accounts":"target-accounts[1]: number must be at least 1, got 0."}}`, string(res.Body))

	created, err := store.Create(productsup.NewConnector{Type: "export", Name: "x"}, "admin")
	require.NoError(t, err)
	_, err = store.Connector(created.ID)
	require.NoError(t, err)
	_, err = store.AddTargets(docID, "1", productsup.Targets{Accounts: []int64{5}})
	require.NoError(t, err)
}

// TestSeedIsSharedCopyOnWrite: every store of the process seeded alike starts from one shared
// state. Writes through every path change their own store only, never the shared seed nor
// another store; Reset goes back to the seed. A replaced connector keeps its place in the
// list, a new one comes last.
func TestSeedIsSharedCopyOnWrite(t *testing.T) {
	writer, other := testkit.New(t), testkit.New(t)
	store := writer.Productsup().Store()
	seed, err := other.Productsup().Store().Snapshot()
	require.NoError(t, err)
	all, total := store.List(productsup.Filter{}, 0, 100)
	require.Equal(t, 21, total)

	res := testkit.Do(t, writer, testkit.Request{Method: "POST", Path: versionPath(docID, "1", "access/prod/disable"),
		Token: mock.AdminToken, Body: `{"accounts":[777]}`})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res = testkit.Do(t, writer, testkit.Request{Method: "PUT", Path: versionPath(docID, "1", "targets"),
		Token: mock.AdminToken, Body: `{"target-sites":[1]}`})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	replaced := all[10]
	replaced.Name = "replaced.example"
	require.NoError(t, store.Put(replaced))
	added := fx.NewConnector()
	require.NoError(t, store.Put(added))
	created, err := store.Create(productsup.NewConnector{Type: "export", Name: "created"}, "admin")
	require.NoError(t, err)

	after, total := store.List(productsup.Filter{}, 0, 100)
	require.Equal(t, 23, total)
	assert.Equal(t, "replaced.example", after[10].Name, "a replaced connector keeps its place")
	assert.Equal(t, []string{added.ID, created.ID}, []string{after[21].ID, after[22].ID}, "new connectors come last")
	v, err := store.Version(docID, "1")
	require.NoError(t, err)
	assert.Equal(t, []int64{789, 987}, v.PlatformProdReference.EnabledForAccounts)
	assert.Equal(t, []int64{1}, v.PlatformProdReference.TargetSites)

	for name, s := range map[string]*testkit.Server{"the other store": other, "a new store": testkit.New(t)} {
		snap, err := s.Productsup().Store().Snapshot()
		require.NoError(t, err)
		assert.JSONEq(t, string(seed), string(snap), "%s changed", name)
	}
	writer.Reset(0)
	snap, err := writer.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(seed), string(snap), "Reset goes back to the seed")
}

// TestRestoreStoresNullListsEmpty: a list a snapshot writes null is stored, and answered,
// empty ([]), as Put stores it; the answer stays within the contract.
func TestRestoreStoresNullListsEmpty(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	store := s.Productsup().Store()
	c := fx.Documented()
	c.Versions[0].PlatformProdReference.EnabledForAccounts = nil
	c.Versions[0].Config.Buckets = nil
	snap, err := json.Marshal(map[string]any{"seed": 1, "connectors": []fx.Connector{c}, "created": 0})
	require.NoError(t, err)
	require.Contains(t, string(snap), `"enabled-for-accounts":null`)
	require.NoError(t, store.Restore(snap))

	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors/" + docID, Token: mock.ReadOnlyToken})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), `"enabled-for-accounts":[]`)
	assert.Contains(t, string(res.Body), `"buckets":[]`)
	v, err := store.Version(docID, "1")
	require.NoError(t, err)
	assert.Equal(t, []int64{}, v.PlatformProdReference.EnabledForAccounts)
}
