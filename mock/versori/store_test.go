package versori_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/versori"
)

const ulidFormat = `string doesn't match the format "ulid" (string doesn't match pattern "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$")`

// TestPut: a builder's connector is stored as given and served; one the server could not
// serve within the contract, or that breaks the rules the API keeps, is refused, naming each
// offending field as request validation and the API's rules would, and the store is left as
// it was (the connector it would have replaced included).
func TestPut(t *testing.T) {
	id := fx.ID(1, "put", 0)
	tests := []struct {
		name  string
		value func() fx.Connector
		want  []versori.FieldError // none: stored
	}{
		{"builder value", func() fx.Connector { return fx.NewConnector(fx.WithConnectorID(id)) }, nil},
		{"builder value, bigquery, public, with versions", func() fx.Connector {
			return fx.NewConnector(fx.WithConnectorID(id), fx.WithProtocol("bigquery"), fx.WithPublic(),
				fx.WithConnections("production", "staging"),
				fx.WithVersions(fx.NewVersion(fx.WithVersionName("1.0.0")), fx.NewVersion(fx.WithSeed(1, 1), fx.WithVersionName("2.0.0"), fx.WithDraft())))
		}, nil},
		{"protocol ftp", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id))
			c.Protocol = "ftp"
			return c
		}, []versori.FieldError{{"protocol", `discriminator property "protocol" has invalid value, got "ftp"`}}},
		{"organisation not a ULID", func() fx.Connector { return fx.NewConnector(fx.WithConnectorID(id), fx.WithOrganisation("acme")) },
			[]versori.FieldError{
				{"connections[0].credentials.action[0].credential.organisationId", ulidFormat + `, got "acme"`},
				{"organisationId", ulidFormat + `, got "ACME"`},
			}},
		{"no id", func() fx.Connector {
			c := fx.NewConnector()
			c.ID = ""
			return c
		}, []versori.FieldError{{"id", ulidFormat + `, got ""`}}},
		{"bigquery without dataset", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id), fx.WithProtocol("bigquery"))
			c.DatasetID = nil
			return c
		}, []versori.FieldError{{"datasetId", `property "datasetId" is missing`}}},
		{"the API's rules", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id), fx.WithConnections("production", "production"), fx.WithAuthSchemes("none", "api-key"),
				fx.WithVersions(fx.NewVersion(fx.WithVersionName("1.0.0")), fx.NewVersion(fx.WithVersionName("latest")), fx.NewVersion(fx.WithVersionName("1.0.0"))))
			c.AuthSchemeConfigs[0].ID, c.AuthSchemeConfigs[1].ID = "01JV8TMEFKPCQ0K4HJXA885AAA", "01jv8tmefkpcq0k4hjxa885aaa"
			return c
		}, []versori.FieldError{
			{"authSchemeConfigs[1].id", `repeats auth scheme config "01jv8tmefkpcq0k4hjxa885aaa"`},
			{"connections[1].name", `repeats connection name "production"; names are unique within a connector`},
			{"versions[1].name", `"latest" is a reserved version name (latest and default are)`},
			{"versions[2].name", `repeats version name "1.0.0"; names are unique within a connector`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			store := s.Versori().Store()
			old := fx.NewConnector(fx.WithConnectorID(id), fx.WithName("old"))
			require.NoError(t, store.Put(old))
			old, err := store.Connector(old.OrganisationID, id)
			require.NoError(t, err)
			n, before := store.Len(), snapshotOf(t, store)

			c := tt.value()
			err = store.Put(c)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, n, store.Len())
				got, err := store.Connector(c.OrganisationID, c.ID)
				require.NoError(t, err)
				assert.Equal(t, c.Name, got.Name)
				assert.Equal(t, c.Connections[0].ID, got.Connections[0].ID)
				// Served within the contract (the test server checks every answer against it).
				assert.Equal(t, 200, do(t, s, "GET", connectorPath(c.OrganisationID, c.ID), nil).Status)
				assert.Equal(t, 200, do(t, s, "GET", connectorPath(c.OrganisationID, c.ID)+"/versions", nil).Status)
				return
			}
			refused(t, err, tt.want...)
			assert.Equal(t, n, store.Len())
			got, err := store.Connector(old.OrganisationID, id)
			require.NoError(t, err)
			assert.Equal(t, old, got)
			assert.JSONEq(t, string(before), string(snapshotOf(t, store)), "a refused Put changed the store")
		})
	}
}

// TestPutSpeaksLikeRequestValidation: Put names an offending field as a request that sends
// the same value is told.
func TestPutSpeaksLikeRequestValidation(t *testing.T) {
	s := newServer(t)
	c := fx.NewConnector(fx.WithConnectorID(docID))
	c.OrganisationID = "acme"
	err := s.Versori().Store().Put(c)
	refused(t, err, versori.FieldError{"organisationId", ulidFormat + `, got "ACME"`})

	res := do(t, s, "PUT", connectorPath(docOrg, docID), map[string]any{
		"id": docID, "organisationId": "ACME", "name": "n", "protocol": "http", "baseUrl": "https://x"})
	assert.Equal(t, 400, res.Status)
	var body struct{ Fields []versori.FieldError }
	res.JSON(t, &body)
	var invalid *versori.InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, invalid.Fields, body.Fields)
}

// refused checks that err is an *InvalidError (ErrInvalid) naming exactly the fields want, in
// its message too.
func refused(t *testing.T, err error, want ...versori.FieldError) {
	t.Helper()
	require.ErrorIs(t, err, versori.ErrInvalid)
	var invalid *versori.InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, want, invalid.Fields)
	for _, f := range want {
		assert.Contains(t, err.Error(), f.Field+": "+f.Message)
	}
}

func snapshotOf(t *testing.T, store *versori.Store) []byte {
	t.Helper()
	snap, err := store.Snapshot()
	require.NoError(t, err)
	return snap
}
