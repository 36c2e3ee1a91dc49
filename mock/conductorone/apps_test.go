package conductorone_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

type appAnswer struct {
	App fx.App `json:"app"`
}

type appList struct {
	List          []fx.App `json:"list"`
	NextPageToken string   `json:"nextPageToken"`
}

func appPath(id string) string { return "/api/v1/apps/" + id }

func getApp(t *testing.T, s *testkit.Server, id string) fx.App {
	t.Helper()
	res := do(t, s, "GET", appPath(id), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.NotContains(t, string(res.Body), "@type", "an app is no Any outside expanded")
	var b appAnswer
	res.JSON(t, &b)
	return b.App
}

// TestAppsCRUD walks an app's life: created, read, listed, updated, deleted with its
// connectors.
func TestAppsCRUD(t *testing.T) {
	s, clk := clocked(t)
	res := do(t, s, "POST", "/api/v1/apps", `{"displayName":"Okta","description":"SSO","monthlyCostUsd":7,"owners":["u1"],"identityMatching":"APP_USER_IDENTITY_MATCHING_STRICT"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var created appAnswer
	res.JSON(t, &created)
	app := created.App
	now := fx.Time(clk.Now())
	assert.Equal(t, fx.App{
		ID: fx.CreatedAppID(fixtures.DefaultSeed, 0), DisplayName: "Okta", Description: "SSO", MonthlyCostUsd: 7,
		IdentityMatching: "APP_USER_IDENTITY_MATCHING_STRICT", IsManuallyManaged: true,
		CreatedAt: now, UpdatedAt: now, UserCount: "0",
	}, app)
	assert.Equal(t, app, getApp(t, s, app.ID))

	// Listed last, in the order apps were stored.
	res = do(t, s, "GET", "/api/v1/apps?page_size=100", nil)
	require.Equal(t, 200, res.Status)
	var list appList
	res.JSON(t, &list)
	require.Len(t, list.List, 1+fx.GeneratedApps+1)
	assert.Equal(t, fx.DocumentedAppID, list.List[0].ID)
	assert.Equal(t, app, list.List[len(list.List)-1])
	assert.Empty(t, list.NextPageToken)

	// A connector can live in it, and its expanded app is the app Get answers.
	res = do(t, s, "POST", listPath(app.ID)+"/create", `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3B","expandMask":{"paths":["app_id"]}}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var conn struct {
		ConnectorView struct {
			Connector fx.Connector `json:"connector"`
		} `json:"connectorView"`
		Expanded []map[string]any `json:"expanded"`
	}
	res.JSON(t, &conn)
	connID := conn.ConnectorView.Connector.ID
	require.Len(t, conn.Expanded, 1)
	assert.Equal(t, asMapOf(t, app, "type.googleapis.com/c1.api.app.v1.App"), conn.Expanded[0])

	// Update: the mask names what changes; the expanded app follows.
	clk.Add(time.Hour)
	res = do(t, s, "POST", appPath(app.ID), `{"app":{"displayName":"Okta SSO","description":"ignored","userCount":"99"},"updateMask":"displayName"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var updated appAnswer
	res.JSON(t, &updated)
	want := app
	want.DisplayName, want.UpdatedAt = "Okta SSO", fx.Time(clk.Now())
	assert.Equal(t, want, updated.App)
	assert.Equal(t, want, getApp(t, s, app.ID))
	res = do(t, s, "GET", connectorPath(app.ID, connID)+"?expand_mask.paths=app_id", nil)
	require.Equal(t, 200, res.Status)
	res.JSON(t, &conn)
	assert.Equal(t, asMapOf(t, want, "type.googleapis.com/c1.api.app.v1.App"), conn.Expanded[0], "expanded and Apps.Get agree")

	// No mask: every writable field present is copied; output-only ones are ignored.
	clk.Add(time.Hour)
	res = do(t, s, "POST", appPath(app.ID), `{"app":{"description":"Single sign-on","id":"other","createdAt":"2020-01-01T00:00:00Z"}}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	want.Description, want.UpdatedAt = "Single sign-on", fx.Time(clk.Now())
	assert.Equal(t, want, getApp(t, s, app.ID))

	// The same values again: no change, updatedAt stays.
	clk.Add(time.Hour)
	res = do(t, s, "POST", appPath(app.ID), `{"app":{"description":"Single sign-on"}}`)
	require.Equal(t, 200, res.Status)
	assert.Equal(t, want, getApp(t, s, app.ID))

	// "*" replaces every writable field: what the app lacks is cleared.
	res = do(t, s, "POST", appPath(app.ID), `{"app":{"displayName":"Only"},"updateMask":"*"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	got := getApp(t, s, app.ID)
	assert.Equal(t, "Only", got.DisplayName)
	assert.Empty(t, got.Description)
	assert.Zero(t, got.MonthlyCostUsd)
	assert.Equal(t, app.CreatedAt, got.CreatedAt, "output-only fields are kept")

	// Delete: the app and its connectors are gone.
	res = do(t, s, "DELETE", appPath(app.ID), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	assert.Equal(t, 404, do(t, s, "GET", appPath(app.ID), nil).Status)
	res = do(t, s, "GET", connectorPath(app.ID, connID), nil)
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, statusJSON(5, fmt.Sprintf("app %q not found", app.ID)), string(res.Body))
	_, err := s.ConductorOne().Store().Connector(app.ID, connID)
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
	assert.Equal(t, 404, do(t, s, "DELETE", appPath(app.ID), nil).Status)
}

// TestDeleteAppCascades: deleting the documented app takes its connector, syncs and
// credential with it.
func TestDeleteAppCascades(t *testing.T) {
	s := newServer(t)
	store := s.ConductorOne().Store()
	n := store.Len()
	require.Equal(t, 200, do(t, s, "DELETE", appPath(appID), nil).Status)
	assert.Equal(t, n-1, store.Len())
	_, err := store.Sync(fx.DocumentedSyncID)
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
	h := healthCounts(s.Health(), conductorone.Name)
	assert.Equal(t, 0, h["credentials"])
	assert.Equal(t, 0, h["syncs"])
	assert.Equal(t, 404, testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/api/v1/apps/-/sync_files/" + fx.DocumentedSyncID}).Status)
}

func asMapOf(t *testing.T, app fx.App, typ string) map[string]any {
	t.Helper()
	m := map[string]any{}
	res := testkit.Response{Body: mustJSON(t, app)}
	res.JSON(t, &m)
	m["@type"] = typ
	return m
}

// TestAppsRefused: bad updates and creates are 400s naming their cause, and change nothing.
func TestAppsRefused(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		method, path, body string
		status             int
		msg                string
	}{
		{"POST", appPath(appID), `{"app":{},"updateMask":"userCount"}`, 400, `invalid field mask path "userCount": the field is output only`},
		{"POST", appPath(appID), `{"app":{},"updateMask":"nope"}`, 400, `invalid field mask path "nope": no such field in c1.api.app.v1.App`},
		{"POST", appPath(appID), `{"app":{},"updateMask":"displayName.x"}`, 400, `invalid field mask path "displayName.x": the field has no subfields`},
		{"POST", appPath(appID), `{"app":{},"updateMask":"*,displayName"}`, 400, `invalid field mask path "*": "*" must be the only path`},
		{"POST", appPath(appID), `{"app":{"identityMatching":"SOMETIMES"}}`, 400, ""},
		{"POST", appPath(appID), `{"app":{"nope":1}}`, 400, ""},
		{"POST", appPath("nope"), `{"app":{"displayName":"x"}}`, 404, `app "nope" not found`},
		{"POST", "/api/v1/apps", `{"displayName":""}`, 400, "displayName is required"},
		{"POST", "/api/v1/apps", `{"displayName":"x","monthlyCostUsd":"7"}`, 400, ""},
		{"GET", "/api/v1/apps?page_size=-1", ``, 400, "invalid: page_size: must not be negative, got -1"},
		{"GET", "/api/v1/apps?page_token=bm9wZQ", ``, 400, `invalid page_token "bm9wZQ": not a token of this list`},
		{"DELETE", appPath("nope"), ``, 404, `app "nope" not found`},
	}
	for _, tt := range tests {
		before := state(t, s)
		var body any
		if tt.body != "" {
			body = tt.body
		}
		res := do(t, s, tt.method, tt.path, body)
		assert.Equal(t, tt.status, res.Status, "%s %s %s: %s", tt.method, tt.path, tt.body, res.Body)
		if tt.msg != "" {
			code := map[int]int{400: 3, 404: 5}[tt.status]
			assert.JSONEq(t, statusJSON(code, tt.msg), string(res.Body))
		}
		assert.Equal(t, before, state(t, s))
		assert.Equal(t, fx.DocumentedApp(), getApp(t, s, appID))
	}
}

// TestAppsPaging: Apps.List pages through every app once, in stored order.
func TestAppsPaging(t *testing.T) {
	s := newServer(t)
	for i := range 7 {
		require.Equal(t, 200, do(t, s, "POST", "/api/v1/apps", fmt.Sprintf(`{"displayName":"app %d"}`, i)).Status)
	}
	want := s.ConductorOne().Store().Apps()
	require.Len(t, want, 1+fx.GeneratedApps+7)
	var got []fx.App
	token := ""
	for range 10 {
		res := do(t, s, "GET", "/api/v1/apps?page_size=3&page_token="+url.QueryEscape(token), nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var page appList
		res.JSON(t, &page)
		assert.LessOrEqual(t, len(page.List), 3)
		got = append(got, page.List...)
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	assert.Equal(t, want, got)

	// A token stays valid when the app it points at is deleted.
	first, next, err := s.ConductorOne().Store().AppPage(2, "")
	require.NoError(t, err)
	require.NoError(t, s.ConductorOne().Store().DeleteApp(first[1].ID))
	rest, _, err := s.ConductorOne().Store().AppPage(2, next)
	require.NoError(t, err)
	assert.Equal(t, want[2:4], rest)
}

// TestAppSearch: each filter of SearchAppsRequest, and paging.
func TestAppSearch(t *testing.T) {
	s := newServer(t)
	store := s.ConductorOne().Store()
	mk := func(body string) fx.App {
		res := do(t, s, "POST", "/api/v1/apps", body)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var b appAnswer
		res.JSON(t, &b)
		return b.App
	}
	okta := mk(`{"displayName":"Okta","description":"Single sign-on for the workforce","grantPolicyId":"pol-1"}`)
	github := mk(`{"displayName":"GitHub","description":"Source code","revokePolicyId":"pol-2"}`)
	search := func(body string) []string {
		t.Helper()
		res := do(t, s, "POST", "/api/v1/search/apps", body)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var b appList
		res.JSON(t, &b)
		ids := []string{}
		for _, a := range b.List {
			ids = append(ids, a.ID)
		}
		return ids
	}
	assert.Equal(t, []string{okta.ID}, search(`{"query":"SIGN-ON workforce"}`), "every word, any case, display name or description")
	assert.Equal(t, []string{github.ID}, search(`{"query":"github"}`))
	assert.Equal(t, []string{okta.ID}, search(`{"displayName":"okta"}`))
	assert.Empty(t, search(`{"displayName":"okt"}`), "displayName matches whole")
	assert.Equal(t, []string{okta.ID, github.ID}, search(`{"policyRefs":[{"id":"pol-1"},{"id":"pol-2"}]}`))
	assert.Equal(t, []string{github.ID}, search(fmt.Sprintf(`{"appIds":[%q,%q],"excludeAppIds":[%q]}`, okta.ID, github.ID, okta.ID)))
	all := search(`{}`)
	assert.Len(t, all, store.AppLen())
	dirs := search(`{"onlyDirectories":true}`)
	for _, id := range dirs {
		a, err := store.App(id)
		require.NoError(t, err)
		assert.True(t, a.IsDirectory)
	}

	// Paging: pageSize under 10 is 10.
	for i := range 12 {
		mk(fmt.Sprintf(`{"displayName":"Bulk %d"}`, i))
	}
	var got []fx.App
	token := ""
	for range 5 {
		res := do(t, s, "POST", "/api/v1/search/apps", fmt.Sprintf(`{"query":"bulk","pageSize":3,"pageToken":%q}`, token))
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var b appList
		res.JSON(t, &b)
		got = append(got, b.List...)
		if token = b.NextPageToken; token == "" {
			break
		}
		assert.Len(t, b.List, 10)
	}
	assert.Len(t, got, 12)
	for i, a := range got {
		assert.Equal(t, fmt.Sprintf("Bulk %d", i), a.DisplayName)
	}
	res := do(t, s, "POST", "/api/v1/search/apps", `{"pageToken":"bm9wZQ"}`)
	assert.Equal(t, 400, res.Status)
}

// TestCatalog: ConfigurationSchema answers a catalog entry's schema, by id or through a
// connector; Create refuses a catalogId the catalog lacks.
func TestCatalog(t *testing.T) {
	s := newServer(t)
	okta := fx.Catalog()[1]
	res := do(t, s, "POST", "/api/v1/connectorcatalog", `{"catalogId":"`+okta.ID+`"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{"formSchema":`+string(okta.Form())+`,"schema":`+string(okta.Schema())+`}`, string(res.Body))
	assert.Contains(t, string(res.Body), `"passwordField":{}`, "a secret field is a password input")

	c := s.ConductorOne().Store().Apps()[1]
	cs, err := s.ConductorOne().Store().Connectors(c.ID)
	require.NoError(t, err)
	entry, err := s.ConductorOne().Store().CatalogEntry(cs[0].CatalogID)
	require.NoError(t, err)
	res = do(t, s, "POST", "/api/v1/connectorcatalog", fmt.Sprintf(`{"appId":%q,"connectorId":%q}`, c.ID, cs[0].ID))
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), `"displayName":"`+entry.DisplayName+`"`)

	for body, want := range map[string]string{
		`{"catalogId":"nope"}`:                        statusJSON(5, `catalog entry "nope" not found`),
		`{"appId":"` + appID + `","connectorId":"x"}`: statusJSON(5, fmt.Sprintf(`connector "x" not found in app %q`, appID)),
		`{"appId":"` + appID + `"}`:                   statusJSON(3, "connectorId is required"),
		`{}`:                                          statusJSON(3, "catalogId (or appId and connectorId) is required"),
	} {
		res = do(t, s, "POST", "/api/v1/connectorcatalog", body)
		assert.JSONEq(t, want, string(res.Body), body)
	}

	// The catalog is the same for every seed.
	other := newServer(t, mock.WithSeed(42))
	res2 := do(t, other, "POST", "/api/v1/connectorcatalog", `{"catalogId":"`+okta.ID+`"}`)
	assert.Equal(t, 200, res2.Status)

	before := state(t, s)
	for _, p := range []string{listPath(appID) + "/create", listPath(appID)} {
		res = do(t, s, "POST", p, `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3X"}`)
		assert.Equal(t, 400, res.Status)
		assert.JSONEq(t, statusJSON(3, `catalogId "2ZEJxUqDgkBJsBPUnHXBP1MzC3X": not an entry of the connector catalog`), string(res.Body))
	}
	assert.Equal(t, before, state(t, s))
}

// TestNewOperationsAuth: every new operation answers 401 without a known token and 403 to
// the read-only token's writes, before validating anything, and changes nothing.
func TestNewOperationsAuth(t *testing.T) {
	doc := connectorPath(appID, connID)
	ops := []struct {
		method, path string
		read         bool
	}{
		{"POST", doc + "/delegated", false},
		{"POST", doc + "/force_sync", false},
		{"POST", doc + "/pause", false},
		{"POST", doc + "/resume", false},
		{"POST", doc + "/schedule", false},
		{"POST", "/api/v1/apps/connectors/credentials", false},
		{"GET", doc + "/credentials/" + fx.DocumentedCredentialID, true},
		{"POST", doc + "/credentials/" + fx.DocumentedCredentialID, false},
		{"POST", doc + "/confirm_sync_valid/" + fx.DocumentedSyncID, false},
		{"GET", doc + "/syncs/" + fx.DocumentedSyncID + "/download_url", true},
		{"POST", "/api/v1/apps/connectors/validate_config/http", false},
		{"GET", "/api/v1/apps", true},
		{"POST", "/api/v1/apps", false},
		{"GET", appPath(appID), true},
		{"POST", appPath(appID), false},
		{"DELETE", appPath(appID), false},
		{"POST", "/api/v1/connectorcatalog", false},
		{"POST", "/api/v1/search/apps", false},
	}
	s := newServer(t)
	before := state(t, s)
	for _, op := range ops {
		var body any
		if op.method == "POST" {
			body = `{"broken":` // invalid: authentication comes first
		}
		for _, tok := range []string{"", "nope"} {
			res := testkit.Do(t, s, testkit.Request{Method: op.method, Path: op.path, Token: tok, Body: body})
			assert.Equal(t, 401, res.Status, "%s %s", op.method, op.path)
		}
		res := testkit.Do(t, s, testkit.Request{Method: op.method, Path: op.path, Token: mock.ReadOnlyToken, Body: body})
		if op.read {
			assert.Equal(t, 200, res.Status, "%s %s: %s", op.method, op.path, res.Body)
		} else {
			assert.Equal(t, 403, res.Status, "%s %s: %s", op.method, op.path, res.Body)
		}
	}
	assert.Equal(t, before, state(t, s))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// TestPutCatalogEntry: a built catalog entry goes into one store's catalog; Create accepts its
// id, ConfigurationSchema answers its schema, and snapshots keep it.
func TestPutCatalogEntry(t *testing.T) {
	s := newServer(t)
	store := s.ConductorOne().Store()
	e := fx.NewCatalogEntry(fx.WithDisplayName("Acme HR"))
	assert.Equal(t, "type.googleapis.com/c1.connector.acmehr.v1.Config", e.ConfigType)
	res := do(t, s, "POST", listPath(appID)+"/create", `{"catalogId":"`+e.ID+`"}`)
	assert.Equal(t, 400, res.Status, "not in the catalog yet")

	require.NoError(t, store.PutCatalogEntry(e))
	res = do(t, s, "POST", listPath(appID)+"/create", `{"catalogId":"`+e.ID+`","config":{"@type":"`+e.ConfigType+`"}}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res = do(t, s, "POST", "/api/v1/connectorcatalog", `{"catalogId":"`+e.ID+`"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{"formSchema":`+string(e.Form())+`,"schema":`+string(e.Schema())+`}`, string(res.Body))
	assert.Equal(t, 404, do(t, newServer(t), "POST", "/api/v1/connectorcatalog", `{"catalogId":"`+e.ID+`"}`).Status, "one store's catalog alone")

	snap, err := store.Snapshot()
	require.NoError(t, err)
	other := newServer(t)
	require.NoError(t, other.ConductorOne().Store().Restore(snap))
	got, err := other.ConductorOne().Store().CatalogEntry(e.ID)
	require.NoError(t, err)
	assert.Equal(t, e, got)

	for name, bad := range map[string]fx.CatalogEntry{
		"no id":         {DisplayName: "x", ConfigType: "t"},
		"no type":       {ID: "x", DisplayName: "x"},
		"unnamed field": {ID: "x", DisplayName: "x", ConfigType: "t", Fields: []fx.CatalogField{{DisplayName: "d"}}},
	} {
		assert.ErrorIs(t, store.PutCatalogEntry(bad), conductorone.ErrInvalid, name)
	}
	_, err = store.CatalogEntry("x")
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
}
