package conductorone_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/conductorone"
)

const statusEnum = `value is not one of the allowed values ["SYNC_STATUS_UNSPECIFIED","SYNC_STATUS_RUNNING","SYNC_STATUS_DONE","SYNC_STATUS_ERROR","SYNC_STATUS_DISABLED"]`

// refused checks that err is an *InvalidError (ErrInvalid) naming exactly the fields want, in
// its message too.
func refused(t *testing.T, err error, want ...conductorone.FieldError) {
	t.Helper()
	require.ErrorIs(t, err, conductorone.ErrInvalid)
	var invalid *conductorone.InvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, want, invalid.Fields)
	for _, f := range want {
		assert.Contains(t, err.Error(), f.Field+": "+f.Message)
	}
}

func snapshot(t *testing.T, store *conductorone.Store) json.RawMessage {
	t.Helper()
	snap, err := store.Snapshot()
	require.NoError(t, err)
	return snap
}

// TestPut: a builder's connector is stored as given and served; one the server could not
// serve within the contract is refused, naming each offending field as request validation
// would, and the store is left as it was (the connector it would have replaced included).
func TestPut(t *testing.T) {
	const id = "2tJx9rcUyjZ15BXoMYi2BGkgqZZ"
	tests := []struct {
		name  string
		value func() fx.Connector
		want  []conductorone.FieldError // none: stored
	}{
		{"builder value", func() fx.Connector { return fx.NewConnector(fx.WithConnectorID(id)) }, nil},
		{"builder value, never synced", func() fx.Connector {
			return fx.NewConnector(fx.WithConnectorID(id), fx.WithStatus("SYNC_STATUS_UNSPECIFIED"), fx.WithCatalog("cat", ""))
		}, nil},
		{"unknown app", func() fx.Connector { return fx.NewConnector(fx.WithConnectorID(id), fx.WithAppID("nope")) },
			[]conductorone.FieldError{{"appId", `app "nope" not found`}}},
		{"no id", func() fx.Connector {
			c := fx.NewConnector()
			c.ID = ""
			return c
		}, []conductorone.FieldError{{"id", "must not be empty"}}},
		{"schedule the API would refuse", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id))
			c.ConnectorSyncCronSchedule = &fx.CronSchedule{CronSpec: "99 * * * *", Timezone: "Mars/Olympus"}
			return c
		}, []conductorone.FieldError{
			{"connectorSyncCronSchedule.cronSpec", `field 1 (minute) "99": "99" is not a value between 0 and 59`},
		}},
		{"schedule in no time zone", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id))
			c.ConnectorSyncCronSchedule = &fx.CronSchedule{CronSpec: "0 3 * * *", Timezone: "Mars/Olympus"}
			return c
		}, []conductorone.FieldError{{"connectorSyncCronSchedule.timezone", "not an IANA time zone"}}},
		{"schedule without a spec", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id))
			c.ConnectorSyncCronSchedule = &fx.CronSchedule{}
			return c
		}, []conductorone.FieldError{{"connectorSyncCronSchedule.cronSpec", "must not be empty"}}},
		{"every offending field", func() fx.Connector {
			c := fx.NewConnector(fx.WithConnectorID(id), fx.WithStatus("SYNC_STATUS_LOST"))
			c.Config = fixtures.RawJSON(`{"value":1}`)
			c.CreatedAt = "yesterday"
			return c
		}, []conductorone.FieldError{
			{"config.@type", `property "@type" is missing`},
			{"createdAt", `string doesn't match the format "date-time" (not an RFC 3339 date-time), got "yesterday"`},
			{"status.status", statusEnum + `, got "SYNC_STATUS_LOST"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			store := s.ConductorOne().Store()
			old := fx.NewConnector(fx.WithConnectorID(id), fx.WithDisplayName("old"))
			require.NoError(t, store.Put(old))
			n, before := store.Len(), snapshot(t, store)

			c := tt.value()
			err := store.Put(c)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, n, store.Len())
				got, err := store.Connector(c.AppID, c.ID)
				require.NoError(t, err)
				assert.Equal(t, c.Clone(), got)
				// Served within the contract (the test server checks every answer against it).
				assert.Equal(t, 200, do(t, s, "GET", connectorPath(c.AppID, c.ID)+"?expand_mask.paths=*", nil).Status)
				return
			}
			refused(t, err, tt.want...)
			assert.Equal(t, n, store.Len())
			got, err := store.Connector(old.AppID, id)
			require.NoError(t, err)
			assert.Equal(t, old, got)
			assert.JSONEq(t, string(before), string(snapshot(t, store)), "a refused Put changed the store")
		})
	}
}

// TestPutSpeaksLikeRequestValidation: Put names an offending field as a request that sends
// the same connector is told.
func TestPutSpeaksLikeRequestValidation(t *testing.T) {
	s := newServer(t)
	c := fx.NewConnector(fx.WithStatus("SYNC_STATUS_LOST"))
	err := s.ConductorOne().Store().Put(c)
	refused(t, err, conductorone.FieldError{"status.status", statusEnum + `, got "SYNC_STATUS_LOST"`})

	res := do(t, s, "POST", connectorPath(appID, connID), map[string]any{"connector": c, "updateMask": "status.status"})
	assert.Equal(t, 400, res.Status)
	var status struct{ Message string }
	res.JSON(t, &status)
	var invalid *conductorone.InvalidError
	require.ErrorAs(t, err, &invalid)
	f := invalid.Fields[0]
	assert.Equal(t, "connector."+f.Field+": "+f.Message, status.Message)
}

// TestPutApp: a builder's app is stored and expanded; one the server could not expand within
// the contract is refused, naming each offending field, and nothing changes.
func TestPutApp(t *testing.T) {
	tests := []struct {
		name  string
		value func() fx.App
		want  []conductorone.FieldError // none: stored
	}{
		{"builder value", func() fx.App { return fx.NewApp() }, nil},
		{"every offending field", func() fx.App {
			a := fx.NewApp()
			a.ID, a.IdentityMatching, a.UserCount, a.MonthlyCostUsd = "", "APP_USER_IDENTITY_MATCHING_FUZZY", "many", 1<<31
			return a
		}, []conductorone.FieldError{
			{"id", "must not be empty"},
			{"identityMatching", `value is not one of the allowed values ["APP_USER_IDENTITY_MATCHING_UNSPECIFIED","APP_USER_IDENTITY_MATCHING_STRICT","APP_USER_IDENTITY_MATCHING_DISPLAY_NAME"], got "APP_USER_IDENTITY_MATCHING_FUZZY"`},
			{"monthlyCostUsd", `integer doesn't match the format "int32" (value should be between -2147483648 and 2147483647), got 2.147483648e+09`},
			{"userCount", `string doesn't match the regular expression "^[0-9]+$", got "many"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			store := s.ConductorOne().Store()
			n, before := store.AppLen(), snapshot(t, store)

			app := tt.value()
			err := store.PutApp(app)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, n+1, store.AppLen())
				got, err := store.App(app.ID)
				require.NoError(t, err)
				assert.Equal(t, app, got)
				require.NoError(t, store.Put(fx.NewConnector(fx.WithAppID(app.ID))))
				assert.Equal(t, 200, do(t, s, "GET", listPath(app.ID)+"?expand_mask.paths=app_id", nil).Status)
				return
			}
			refused(t, err, tt.want...)
			assert.Equal(t, n, store.AppLen())
			assert.JSONEq(t, string(before), string(snapshot(t, store)), "a refused PutApp changed the store")
		})
	}
}
