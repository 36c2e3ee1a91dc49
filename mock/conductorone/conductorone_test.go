package conductorone_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

const (
	appID  = fx.DocumentedAppID
	connID = fx.DocumentedConnectorID
)

var clockTime = fx.Time(testkit.Clock)

// newServer is a mock whose every response is validated against our spec (testkit) and
// against ConductorOne's own contract.
func newServer(t *testing.T, opts ...mock.Option) *testkit.Server {
	t.Helper()
	s := testkit.New(t, opts...)
	s.AlsoValidateAgainst(testkit.LoadSpec(t, testkit.Testdata("conductorone", "vendor-connectors.excerpt.yaml")))
	return s
}

func connectorPath(app, id string) string { return "/api/v1/apps/" + app + "/connectors/" + id }
func listPath(app string) string          { return "/api/v1/apps/" + app + "/connectors" }

func do(t *testing.T, s http.Handler, method, path string, body any) testkit.Response {
	t.Helper()
	return testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: body})
}

func readFile(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testkit.Testdata(parts...))
	require.NoError(t, err)
	return b
}

// statusJSON is the google.rpc.Status body the mock answers errors with.
func statusJSON(code int, message string) string {
	b, _ := json.Marshal(map[string]any{"code": code, "message": message, "details": []any{}})
	return string(b)
}

// state is everything the store holds, for "nothing changed" checks.
func state(t *testing.T, s *testkit.Server) map[string][]fx.Connector {
	t.Helper()
	out := map[string][]fx.Connector{}
	for _, app := range s.ConductorOne().Store().Apps() {
		cs, err := s.ConductorOne().Store().Connectors(app.ID)
		require.NoError(t, err)
		out[app.ID] = cs
	}
	return out
}

// otherApp is a generated app: it exists, but does not hold the documented connector.
func otherApp(t *testing.T, s *testkit.Server) string {
	t.Helper()
	apps := s.ConductorOne().Store().Apps()
	require.Greater(t, len(apps), 1)
	require.NotEqual(t, appID, apps[1].ID)
	return apps[1].ID
}

// TestGoldenBodies replays the seed page's request and one request per error, comparing each
// answer with its golden body.
func TestGoldenBodies(t *testing.T) {
	seedReq := readFile(t, "conductorone", "update-request.json")
	doc := connectorPath(appID, connID)
	tests := []struct {
		name   string
		req    testkit.Request
		status int
		golden string
	}{
		{"200 seed update", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: seedReq}, 200, "update-200.json"},
		{"200 get", testkit.Request{Method: "GET", Path: doc, Token: mock.ReadOnlyToken}, 200, "get-200.json"},
		{"200 delete", testkit.Request{Method: "DELETE", Path: doc, Token: mock.AdminToken}, 200, "delete-200.json"},
		{"200 delete with empty body", testkit.Request{Method: "DELETE", Path: doc, Token: mock.AdminToken, Body: `{}`}, 200, "delete-200.json"},
		{"400 unknown mask path", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: `{"updateMask":"displayName,foo"}`}, 400, "400-mask-unknown.json"},
		{"400 read-only mask path", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: `{"updateMask":"createdAt"}`}, 400, "400-mask-read-only.json"},
		{"400 immutable mask path", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: `{"updateMask":"appId"}`}, 400, "400-mask-immutable.json"},
		{"400 expand mask path", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: `{"expandMask":{"paths":["users"]}}`}, 400, "400-expand-mask.json"},
		{"400 schema", testkit.Request{Method: "POST", Path: doc, Token: mock.AdminToken, Body: `{"connector":{"status":{"status":"DONE"}}}`}, 400, "400-schema.json"},
		{"400 page token", testkit.Request{Method: "GET", Path: listPath(appID) + "?page_token=bm9wZQ", Token: mock.AdminToken}, 400, "400-page-token.json"},
		{"400 page size", testkit.Request{Method: "GET", Path: listPath(appID) + "?page_size=-1", Token: mock.AdminToken}, 400, "400-page-size.json"},
		{"400 create without catalogId", testkit.Request{Method: "POST", Path: listPath(appID) + "/create", Token: mock.AdminToken, Body: `{"config":{"@type":"x"}}`}, 400, "400-required.json"},
		{"401 no token", testkit.Request{Method: "POST", Path: doc, Body: seedReq}, 401, "401-missing.json"},
		{"401 unknown token", testkit.Request{Method: "GET", Path: doc, Token: "nope"}, 401, "401-unknown.json"},
		{"401 before validation", testkit.Request{Method: "POST", Path: doc, Token: "nope", Body: `{`}, 401, "401-unknown.json"},
		{"403 read-only token writes", testkit.Request{Method: "POST", Path: doc, Token: mock.ReadOnlyToken, Body: seedReq}, 403, "403.json"},
		{"404 unknown connector", testkit.Request{Method: "GET", Path: connectorPath(appID, "2tJx9rcUyjZ15BXoMYi2BGkgqD9"), Token: mock.AdminToken}, 404, "404-connector.json"},
		{"404 unknown app", testkit.Request{Method: "GET", Path: listPath("2fNYt5ovfagQ9ArtVtVeIULrWrg"), Token: mock.AdminToken}, 404, "404-app.json"},
		{"404 no such route", testkit.Request{Method: "GET", Path: "/api/v1/apps/" + appID + "/nope", Token: mock.AdminToken}, 404, "404-route.json"},
		{"405 wrong method", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken, Body: `{}`}, 405, "405.json"},
		{"200 get credential", testkit.Request{Method: "GET", Path: doc + "/credentials/" + fx.DocumentedCredentialID, Token: mock.ReadOnlyToken}, 200, "get-credential-200.json"},
		{"200 download url", testkit.Request{Method: "GET", Path: doc + "/syncs/" + fx.DocumentedSyncID + "/download_url", Token: mock.ReadOnlyToken}, 200, "download-url-200.json"},
		{"200 sync file", testkit.Request{Method: "GET", Path: "/api/v1/apps/-/sync_files/" + fx.DocumentedSyncID}, 200, "sync-file-200.json"},
		{"200 app get", testkit.Request{Method: "GET", Path: "/api/v1/apps/" + appID, Token: mock.ReadOnlyToken}, 200, "app-get-200.json"},
		{"200 configuration schema", testkit.Request{Method: "POST", Path: "/api/v1/connectorcatalog", Token: mock.AdminToken, Body: `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3B"}`}, 200, "catalog-schema-200.json"},
		{"200 validate config", testkit.Request{Method: "POST", Path: "/api/v1/apps/connectors/validate_config/http", Token: mock.AdminToken, Body: `{"text":"baseUrl: x\nauth:\n\ttype: bearer\n"}`}, 200, "validate-config-200.json"},
		{"400 failed precondition", testkit.Request{Method: "POST", Path: doc + "/resume", Token: mock.AdminToken, Body: `{}`}, 400, "400-failed-precondition.json"},
		{"400 cron", testkit.Request{Method: "POST", Path: doc + "/schedule", Token: mock.AdminToken, Body: `{"cron":{"cronSpec":"0 24 * * *"}}`}, 400, "400-cron.json"},
		{"404 credential", testkit.Request{Method: "GET", Path: doc + "/credentials/" + fx.DocumentedSyncID, Token: mock.AdminToken}, 404, "404-credential.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			res := testkit.Do(t, s, tt.req)
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			testkit.Golden(t, "conductorone/"+tt.golden, res.Body)
			if tt.status == 405 {
				assert.Equal(t, "GET, POST, DELETE", res.Header.Get("Allow"))
			}
		})
	}
}

// TestInternalError pins the 500 body, which only a bug in the mock can produce.
func TestInternalError(t *testing.T) {
	api, err := vendorapi.New(conductorone.Name, vendorapi.Config{Seed: fixtures.DefaultSeed, Clock: time.Now})
	require.NoError(t, err)
	w := httptest.NewRecorder()
	api.WriteError(w, &vendorapi.Error{Kind: vendorapi.KindInternal})
	assert.Equal(t, 500, w.Code)
	testkit.Golden(t, "conductorone/500.json", w.Body.Bytes())
}

// TestErrorCodes: each status carries the gRPC code grpc-gateway maps to it.
func TestErrorCodes(t *testing.T) {
	api, err := vendorapi.New(conductorone.Name, vendorapi.Config{Seed: fixtures.DefaultSeed, Clock: time.Now})
	require.NoError(t, err)
	for kind, want := range map[vendorapi.Kind]int{
		vendorapi.KindBadRequest: 3, vendorapi.KindUnauthenticated: 16, vendorapi.KindForbidden: 7,
		vendorapi.KindNotFound: 5, vendorapi.KindMethodNotAllowed: 12, vendorapi.KindConflict: 10, vendorapi.KindInternal: 13,
	} {
		w := httptest.NewRecorder()
		api.WriteError(w, &vendorapi.Error{Kind: kind})
		var body struct {
			Code    int
			Message string
			Details []any
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
		assert.Equal(t, kind.Status(), w.Code)
		assert.Equal(t, want, body.Code, "kind %d", kind)
		assert.NotEmpty(t, body.Message)
		assert.NotNil(t, body.Details)
	}
}

// keys lists the paths of every object key in a JSON document ("connectorView.connector.status.lastError");
// array elements are entered and named by [].
func keys(v any, prefix string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			out[prefix+k] = true
			keys(e, prefix+k+".", out)
		}
	case []any:
		for _, e := range v {
			keys(e, strings.TrimSuffix(prefix, ".")+"[].", out)
		}
	}
}

// TestSeedExampleShape: every key of the seed page's 200 example is in the mock's answer to
// the seed request.
func TestSeedExampleShape(t *testing.T) {
	s := newServer(t)
	res := do(t, s, "POST", connectorPath(appID, connID), readFile(t, "conductorone", "update-request.json"))
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var example, got any
	require.NoError(t, json.Unmarshal(readFile(t, "conductorone", "seed-200-example.json"), &example))
	res.JSON(t, &got)
	want, have := map[string]bool{}, map[string]bool{}
	keys(example, "", want)
	keys(got, "", have)
	require.NotEmpty(t, want)
	for k := range want {
		assert.True(t, have[k], "the seed example has %s, the mock's answer does not", k)
	}

	// The documented connector carries the example's values: only the ids, the timestamps the
	// example leaves out and the expansion paths differ.
	var ex struct {
		ConnectorView struct {
			Connector map[string]any `json:"connector"`
		} `json:"connectorView"`
	}
	var mine struct {
		ConnectorView struct {
			Connector map[string]any `json:"connector"`
		} `json:"connectorView"`
	}
	require.NoError(t, json.Unmarshal(readFile(t, "conductorone", "seed-200-example.json"), &ex))
	res.JSON(t, &mine)
	for k, v := range ex.ConnectorView.Connector {
		switch k {
		case "id":
			assert.Equal(t, connID, mine.ConnectorView.Connector[k])
		case "appId":
			assert.Equal(t, appID, mine.ConnectorView.Connector[k])
		default:
			assert.Equal(t, v, mine.ConnectorView.Connector[k], k)
		}
	}
	assert.Equal(t, clockTime, mine.ConnectorView.Connector["updatedAt"])
}

// updateBody is the answer of Update, Get and Create.
type updateBody struct {
	ConnectorView struct {
		AppPath          *string      `json:"appPath"`
		UsersPath        *string      `json:"usersPath"`
		CapabilitiesPath *string      `json:"capabilitiesPath"`
		Connector        fx.Connector `json:"connector"`
	} `json:"connectorView"`
	Expanded []map[string]any `json:"expanded"`
}

// fullPatch sets a new value for every field of the connector, read-only ones included.
const fullPatch = `{
	"id": "2tJx9rcUyjZ15BXoMYi2BGkgqD0",
	"appId": "2fNYt5ovfagQ9ArtVtVeIULrWr0",
	"canResumeSync": true,
	"catalogId": "catalog-2",
	"config": {"@type": "type.googleapis.com/c1.connector.okta.v1.Config", "domain": "example.okta.com"},
	"connectorSyncCronSchedule": {"cronSpec": "0 * * * *", "start": "2026-01-01T01:00:00+01:00", "timezone": "Europe/Berlin"},
	"createdAt": "2020-01-01T00:00:00Z",
	"deletedAt": "2020-01-02T00:00:00Z",
	"description": "description-2",
	"disableCheckBadSync": true,
	"displayName": "displayName-2",
	"downloadUrl": "https://example.com/file.csv",
	"oauthAuthorizedAs": {"authEmail": "someone@example.com", "authorizedAt": "2020-01-03T00:00:00Z"},
	"profileAllowList": ["department"],
	"profileIgnoreList": [],
	"status": {"completedAt": "2026-01-01T00:10:00Z", "lastError": "", "startedAt": "2026-01-01T00:00:00.5Z", "status": "SYNC_STATUS_DONE", "updatedAt": "2026-01-01T00:10:00Z"},
	"syncConfig": {"syncResourceTypeIds": ["user", "group"]},
	"syncDisabledAt": "2020-01-04T00:00:00Z",
	"syncDisabledCategory": "category-2",
	"syncDisabledReason": "reason-2",
	"updatedAt": "2020-01-05T00:00:00Z",
	"userIds": ["2tJx9rcUyjZ15BXoMYi2BGkgqD1"]
}`

// mutableFields are the top-level fields an update mask may name.
var mutableFields = []string{"canResumeSync", "catalogId", "config", "connectorSyncCronSchedule", "description",
	"disableCheckBadSync", "displayName", "profileAllowList", "profileIgnoreList", "status", "syncConfig",
	"syncDisabledCategory", "syncDisabledReason", "userIds"}

// readOnlyFields are never changed by Update.
var readOnlyFields = []string{"id", "appId", "createdAt", "deletedAt", "downloadUrl", "oauthAuthorizedAs", "syncDisabledAt"}

// asMap is c as JSON.
func asMap(t *testing.T, c fx.Connector) map[string]any {
	t.Helper()
	data, err := json.Marshal(c)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	return m
}

func patchMap(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(fullPatch), &m))
	return m
}

// normalised is what the mock stores for a patch value: timestamps in UTC with "Z".
var normalised = map[string]any{
	"connectorSyncCronSchedule": map[string]any{"cronSpec": "0 * * * *", "start": "2026-01-01T00:00:00Z", "timezone": "Europe/Berlin"},
	"status":                    map[string]any{"completedAt": "2026-01-01T00:10:00Z", "lastError": "", "startedAt": "2026-01-01T00:00:00.500Z", "status": "SYNC_STATUS_DONE", "updatedAt": "2026-01-01T00:10:00Z"},
}

// update sends an Update of the documented connector and returns the stored connector before
// and the answer's connector, both as JSON.
func update(t *testing.T, s *testkit.Server, body any) (before, after map[string]any, res testkit.Response) {
	t.Helper()
	c, err := s.ConductorOne().Store().Connector(appID, connID)
	require.NoError(t, err)
	res = do(t, s, "POST", connectorPath(appID, connID), body)
	if res.Status != 200 {
		return asMap(t, c), nil, res
	}
	var b updateBody
	res.JSON(t, &b)
	stored, err := s.ConductorOne().Store().Connector(appID, connID)
	require.NoError(t, err)
	assert.Equal(t, stored, b.ConnectorView.Connector, "the answer is what the store holds")
	return asMap(t, c), asMap(t, b.ConnectorView.Connector), res
}

// assertChanged checks that after differs from before in exactly the fields of want (and
// updatedAt, which moved to the clock).
func assertChanged(t *testing.T, before, after map[string]any, want map[string]any) {
	t.Helper()
	assert.Equal(t, clockTime, after["updatedAt"], "updatedAt moves on every update")
	for k := range mergeKeys(before, after) {
		if k == "updatedAt" {
			continue
		}
		if w, ok := want[k]; ok {
			assert.Equal(t, w, after[k], "%s was asked to change", k)
			continue
		}
		assert.Equal(t, before[k], after[k], "%s was not asked to change", k)
	}
}

func mergeKeys(ms ...map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// TestUpdateMaskEachPath: naming one path copies that field, and only that one, from a patch
// that sets every field.
func TestUpdateMaskEachPath(t *testing.T) {
	patch := patchMap(t)
	for _, path := range mutableFields {
		t.Run(path, func(t *testing.T) {
			s := newServer(t)
			before, after, res := update(t, s, map[string]any{"connector": patch, "updateMask": path})
			require.Equal(t, 200, res.Status, "%s", res.Body)
			want := patch[path]
			if n, ok := normalised[path]; ok {
				want = n
			}
			assertChanged(t, before, after, map[string]any{path: want})
		})
	}
}

// TestUpdateMask covers the mask forms other than one top-level path.
func TestUpdateMask(t *testing.T) {
	doc := asMap(t, fx.Documented())
	docStatus := doc["status"].(map[string]any)
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range m {
			out[kk] = vv
		}
		out[k] = v
		return out
	}
	// patchApplied: every mutable field is the full patch's (as the API normalises it), every
	// read-only field the documented connector's.
	patchApplied := func(t *testing.T, after map[string]any) {
		patch := patchMap(t)
		for _, f := range mutableFields {
			want := patch[f]
			if n, ok := normalised[f]; ok {
				want = n
			}
			assert.Equal(t, want, after[f], f)
		}
		for _, f := range readOnlyFields {
			assert.Equal(t, doc[f], after[f], f)
		}
	}
	tests := []struct {
		name  string
		body  string
		want  map[string]any
		check func(t *testing.T, after map[string]any)
	}{
		{"several paths", `{"connector":{"displayName":"a","description":"b","catalogId":"catalogId"},"updateMask":"displayName,description"}`,
			map[string]any{"displayName": "a", "description": "b"}, nil},
		{"blanks around paths", `{"connector":{"displayName":"a","description":"b"},"updateMask":" displayName , description "}`,
			map[string]any{"displayName": "a", "description": "b"}, nil},
		{"named but absent clears", `{"connector":{"displayName":"a"},"updateMask":"displayName,description,profileAllowList,config"}`,
			map[string]any{"displayName": "a", "description": "", "profileAllowList": []any{}, "config": nil}, nil},
		{"named and null clears", `{"connector":{"userIds":null},"updateMask":"userIds"}`,
			map[string]any{"userIds": []any{}}, nil},
		{"nested path", `{"connector":{"status":{"lastError":"boom","status":"SYNC_STATUS_ERROR"}},"updateMask":"status.lastError"}`,
			map[string]any{"status": with(docStatus, "lastError", "boom")}, nil},
		{"nested path absent clears it", `{"connector":{},"updateMask":"status.completedAt"}`,
			map[string]any{"status": func() map[string]any {
				m := with(docStatus, "x", nil)
				delete(m, "x")
				delete(m, "completedAt")
				return m
			}()}, nil},
		{"whole message", `{"connector":{"status":{"lastError":"boom"}},"updateMask":"status"}`,
			map[string]any{"status": map[string]any{"lastError": "boom", "status": "SYNC_STATUS_UNSPECIFIED"}}, nil},
		{"absent mask: present fields", `{"connector":{"displayName":"a","status":{"lastError":"boom"},"profileIgnoreList":[]}}`,
			map[string]any{"displayName": "a", "status": with(docStatus, "lastError", "boom"), "profileIgnoreList": []any{}}, nil},
		{"empty mask: present fields", `{"connector":{"description":""},"updateMask":""}`,
			map[string]any{"description": ""}, nil},
		{"null mask: present fields", `{"connector":{"description":"x","userIds":null},"updateMask":null}`,
			map[string]any{"description": "x"}, nil},
		{"absent mask ignores read-only, identity and unknown fields", `{"connector":` + fullPatch[:len(fullPatch)-1] + `,"nope":1}}`,
			nil, func(t *testing.T, after map[string]any) {
				patchApplied(t, after)
				assert.NotContains(t, after, "nope")
			}},
		{"no body at all", ``, map[string]any{}, nil},
		{"star replaces every mutable field", `{"connector":{"displayName":"only"},"updateMask":"*"}`,
			map[string]any{"displayName": "only", "catalogId": "", "config": nil, "description": "", "profileAllowList": []any{},
				"profileIgnoreList": []any{}, "status": map[string]any{"lastError": "", "status": "SYNC_STATUS_UNSPECIFIED"},
				"syncDisabledCategory": "", "syncDisabledReason": "", "userIds": []any{}}, nil},
		{"star with every field", `{"connector":` + fullPatch + `,"updateMask":"*"}`,
			nil, patchApplied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			before, after, res := update(t, s, tt.body)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			if tt.want != nil {
				assertChanged(t, before, after, tt.want)
			}
			if tt.check != nil {
				tt.check(t, after)
			}
			assert.Equal(t, clockTime, after["updatedAt"])
		})
	}
}

// TestUpdateMaskRejected: an unknown, read-only or malformed path is a 400 naming it, and
// nothing changes.
func TestUpdateMaskRejected(t *testing.T) {
	tests := []struct{ mask, path, reason string }{
		{"foo", "foo", "no such field"},
		{"displayName,foo", "foo", "no such field"},
		{"display_name", "display_name", "no such field"},
		{"DisplayName", "DisplayName", "no such field"},
		{"displayName,", "", "no such field"},
		{"status.nope", "status.nope", "no such field"},
		{"config.@type", "config.@type", "no subfields"},
		{"displayName.x", "displayName.x", "no subfields"},
		{"*,displayName", "*", `"*" must be the only path`},
		{"id", "id", "cannot be changed"},
		{"appId", "appId", "cannot be changed"},
		{"createdAt", "createdAt", "output only"},
		{"updatedAt", "updatedAt", "output only"},
		{"deletedAt", "deletedAt", "output only"},
		{"downloadUrl", "downloadUrl", "output only"},
		{"syncDisabledAt", "syncDisabledAt", "output only"},
		{"oauthAuthorizedAs", "oauthAuthorizedAs", "output only"},
		{"oauthAuthorizedAs.authEmail", "oauthAuthorizedAs.authEmail", "output only"},
		{"oauthAuthorizedAs.authorizedAt", "oauthAuthorizedAs.authorizedAt", "output only"},
	}
	for _, tt := range tests {
		t.Run(tt.mask, func(t *testing.T) {
			s := newServer(t)
			before := state(t, s)
			res := do(t, s, "POST", connectorPath(appID, connID), map[string]any{"connector": patchMap(t), "updateMask": tt.mask})
			require.Equal(t, 400, res.Status, "%s", res.Body)
			var body struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			res.JSON(t, &body)
			assert.Equal(t, 3, body.Code)
			assert.True(t, strings.HasPrefix(body.Message, fmt.Sprintf("invalid field mask path %q: ", tt.path)), body.Message)
			assert.Contains(t, body.Message, tt.reason)
			assert.Equal(t, before, state(t, s), "a rejected request changes nothing")
		})
	}
}

// TestReadOnlyFieldsInBody: the gateway ignores output-only fields in a request body (the
// mock turns kin-openapi's rejection of readOnly properties off on purpose). They must
// neither fail the request nor change the connector.
func TestReadOnlyFieldsInBody(t *testing.T) {
	body := `{"connector":{"displayName":"x","createdAt":"2020-01-01T00:00:00Z","updatedAt":"2020-01-01T00:00:00Z",` +
		`"deletedAt":"2020-01-01T00:00:00Z","downloadUrl":"https://x","syncDisabledAt":"2020-01-01T00:00:00Z",` +
		`"oauthAuthorizedAs":{"authEmail":"a@b.c","authorizedAt":"2020-01-01T00:00:00Z"},"id":"other","appId":"other"}%s}`
	for name, mask := range map[string]string{"named mask": `,"updateMask":"displayName"`, "implicit mask": ``} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t)
			before, after, res := update(t, s, fmt.Sprintf(body, mask))
			require.Equal(t, 200, res.Status, "%s", res.Body)
			assertChanged(t, before, after, map[string]any{"displayName": "x"})
		})
	}
	// Their types are still checked.
	s := newServer(t)
	res := do(t, s, "POST", connectorPath(appID, connID), `{"connector":{"createdAt":"yesterday"}}`)
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), "connector.createdAt")
}

// TestUpdatedAtMoves: each successful update stamps updatedAt with the mock's clock; a
// rejected one does not.
func TestUpdatedAtMoves(t *testing.T) {
	var tick atomic.Int64
	clock := func() time.Time { return testkit.Clock.Add(time.Duration(tick.Add(1)) * time.Second) }
	s := newServer(t, mock.WithClock(clock))
	var last string
	for i := range 3 {
		res := do(t, s, "POST", connectorPath(appID, connID), fmt.Sprintf(`{"connector":{"description":"d%d"}}`, i))
		require.Equal(t, 200, res.Status)
		var b updateBody
		res.JSON(t, &b)
		assert.Greater(t, b.ConnectorView.Connector.UpdatedAt, last)
		assert.Equal(t, "2019-12-27T18:11:19.117Z", b.ConnectorView.Connector.CreatedAt)
		last = b.ConnectorView.Connector.UpdatedAt
	}
	assert.Equal(t, "2026-11-24T12:00:03Z", last)
	res := do(t, s, "POST", connectorPath(appID, connID), `{"updateMask":"nope"}`)
	require.Equal(t, 400, res.Status)
	c, err := s.ConductorOne().Store().Connector(appID, connID)
	require.NoError(t, err)
	assert.Equal(t, last, c.UpdatedAt)
}

// validateExpanded validates expanded apps and users against the schemas of our spec (the
// responses' Any items only promise an "@type").
func validateExpanded(t *testing.T, items []map[string]any) {
	t.Helper()
	doc := openapi.MustLoad(conductorone.Name).Doc
	for i, item := range items {
		var schema string
		switch item["@type"] {
		case "type.googleapis.com/c1.api.app.v1.App":
			schema = "c1.api.app.v1.App"
		case "type.googleapis.com/c1.api.user.v1.User":
			schema = "c1.api.user.v1.User"
		default:
			t.Errorf("expanded[%d] has @type %v", i, item["@type"])
			continue
		}
		var v any
		data, _ := json.Marshal(item)
		require.NoError(t, json.Unmarshal(data, &v))
		assert.NoError(t, doc.Components.Schemas[schema].Value.VisitJSON(v), "expanded[%d]", i)
	}
}

func TestExpand(t *testing.T) {
	s := newServer(t)
	app := fx.DocumentedApp()
	doc := connectorPath(appID, connID)
	tests := []struct {
		name             string
		method, path     string
		body             any
		appPath, users   bool
		expandedAppFirst bool
		items            int
	}{
		{"get without mask", "GET", doc, nil, false, false, false, 0},
		{"get app_id", "GET", doc + "?expand_mask.paths=app_id", nil, true, false, true, 1},
		{"get star", "GET", doc + "?expand_mask.paths=*", nil, true, true, true, 2},
		{"get app_id and star", "GET", doc + "?expand_mask.paths=app_id&expand_mask.paths=*", nil, true, true, true, 2},
		{"update without mask", "POST", doc, `{"connector":{"displayName":"x"}}`, false, false, false, 0},
		{"update empty mask", "POST", doc, `{"expandMask":{"paths":[]}}`, false, false, false, 0},
		{"update null paths", "POST", doc, `{"expandMask":{"paths":null}}`, false, false, false, 0},
		{"update app_id", "POST", doc, `{"expandMask":{"paths":["app_id"]}}`, true, false, true, 1},
		{"update star", "POST", doc, `{"expandMask":{"paths":["*"]}}`, true, true, true, 2},
		{"create app_id", "POST", listPath(appID) + "/create", `{"catalogId":"catalogId","expandMask":{"paths":["app_id"]}}`, true, false, true, 1},
		{"create delegated star, no users", "POST", listPath(appID), `{"catalogId":"catalogId","expandMask":{"paths":["*"]}}`, true, false, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, tt.method, tt.path, tt.body)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var b updateBody
			res.JSON(t, &b)
			require.NotNil(t, b.Expanded, "expanded is always an array")
			assert.Len(t, b.Expanded, tt.items)
			assert.Nil(t, b.ConnectorView.CapabilitiesPath)
			if tt.appPath {
				require.NotNil(t, b.ConnectorView.AppPath)
				assert.Equal(t, "expanded[0]", *b.ConnectorView.AppPath)
				assert.Equal(t, "type.googleapis.com/c1.api.app.v1.App", b.Expanded[0]["@type"])
				assert.Equal(t, app.ID, b.Expanded[0]["id"])
				assert.Equal(t, app.DisplayName, b.Expanded[0]["displayName"])
			} else {
				assert.Nil(t, b.ConnectorView.AppPath, "no appPath without expansion")
			}
			if tt.users {
				require.NotNil(t, b.ConnectorView.UsersPath)
				assert.Equal(t, "expanded[1]", *b.ConnectorView.UsersPath)
				assert.Equal(t, "type.googleapis.com/c1.api.user.v1.User", b.Expanded[1]["@type"])
				assert.Equal(t, "string", b.Expanded[1]["id"], "the documented connector's one user id")
			} else {
				assert.Nil(t, b.ConnectorView.UsersPath)
			}
			validateExpanded(t, b.Expanded)
		})
	}

	res := do(t, s, "GET", doc+"?expand_mask.paths=app", nil)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"code":3,"message":"invalid expand mask path \"app\": the paths are \"app_id\" and \"*\"","details":[]}`, string(res.Body))
}

type listBody struct {
	Expanded []map[string]any `json:"expanded"`
	List     []struct {
		AppPath   *string      `json:"appPath"`
		UsersPath *string      `json:"usersPath"`
		Connector fx.Connector `json:"connector"`
	} `json:"list"`
	NextPageToken *string `json:"nextPageToken"`
}

// TestListExpand: all views of a page share one app entry; each user appears once however
// many connectors name it, and each view's usersPath selects exactly its users.
func TestListExpand(t *testing.T) {
	s := newServer(t, mock.WithConnectors(30))
	store := s.ConductorOne().Store()
	app := otherApp(t, s)
	// Two connectors share a user, so the dedup is exercised.
	cs, err := store.Connectors(app)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cs), 2)
	cs[0].UserIDs = []string{"u-shared", "u-0"}
	cs[1].UserIDs = []string{"u-shared"}
	require.NoError(t, store.Put(cs[0]))
	require.NoError(t, store.Put(cs[1]))

	res := do(t, s, "GET", listPath(app)+"?page_size=100&expand_mask.paths=*", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var b listBody
	res.JSON(t, &b)
	require.NotEmpty(t, b.List)
	assert.Equal(t, "type.googleapis.com/c1.api.app.v1.App", b.Expanded[0]["@type"])
	assert.Equal(t, app, b.Expanded[0]["id"])
	apps, users := 0, map[any]int{}
	for _, item := range b.Expanded {
		if item["@type"] == "type.googleapis.com/c1.api.app.v1.App" {
			apps++
		} else {
			users[item["id"]]++
		}
	}
	assert.Equal(t, 1, apps, "one app entry for the whole page")
	for id, n := range users {
		assert.Equal(t, 1, n, "user %v expanded %d times", id, n)
	}
	for _, v := range b.List {
		require.NotNil(t, v.AppPath)
		assert.Equal(t, "expanded[0]", *v.AppPath)
		if len(v.Connector.UserIDs) == 0 {
			assert.Nil(t, v.UsersPath)
			continue
		}
		require.NotNil(t, v.UsersPath)
		var got []string
		inner := strings.TrimSuffix(strings.TrimPrefix(*v.UsersPath, "expanded["), "]")
		for _, idx := range strings.Split(inner, ",") {
			var i int
			_, err := fmt.Sscan(idx, &i)
			require.NoError(t, err, *v.UsersPath)
			got = append(got, b.Expanded[i]["id"].(string))
		}
		assert.Equal(t, v.Connector.UserIDs, got, "usersPath selects the connector's users, in order")
	}
	validateExpanded(t, b.Expanded)

	res = do(t, s, "GET", listPath(app), nil)
	require.Equal(t, 200, res.Status)
	b = listBody{}
	res.JSON(t, &b)
	assert.NotNil(t, b.Expanded)
	assert.Empty(t, b.Expanded)
	for _, v := range b.List {
		assert.Nil(t, v.AppPath)
		assert.Nil(t, v.UsersPath)
	}
}

// TestPagination: pages of 10 through 57 generated connectors (and the documented one)
// visit each exactly once, in the store's order, with an empty nextPageToken on the last page.
func TestPagination(t *testing.T) {
	s := newServer(t, mock.WithConnectors(57))
	store := s.ConductorOne().Store()
	seen := map[string]int{}
	for _, app := range store.Apps() {
		want, err := store.Connectors(app.ID)
		require.NoError(t, err)
		var got []string
		token := ""
		for pages := 1; ; pages++ {
			require.LessOrEqual(t, pages, 10, "too many pages")
			q := url.Values{"page_size": {"10"}}
			if token != "" {
				q.Set("page_token", token)
			}
			res := do(t, s, "GET", listPath(app.ID)+"?"+q.Encode(), nil)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var b listBody
			res.JSON(t, &b)
			require.NotNil(t, b.NextPageToken, "nextPageToken is always present")
			assert.LessOrEqual(t, len(b.List), 10)
			for _, v := range b.List {
				assert.Equal(t, app.ID, v.Connector.AppID)
				got = append(got, v.Connector.ID)
				seen[v.Connector.ID]++
			}
			if *b.NextPageToken == "" {
				assert.Equal(t, (len(want)+9)/10, max(pages, 1), "app %s", app.ID)
				break
			}
			assert.Len(t, b.List, 10, "only the last page is short")
			token = *b.NextPageToken
		}
		ids := make([]string, len(want))
		for i, c := range want {
			ids[i] = c.ID
		}
		assert.Equal(t, ids, got, "stable order")
	}
	assert.Len(t, seen, 58)
	for id, n := range seen {
		assert.Equal(t, 1, n, "connector %s listed %d times", id, n)
	}
}

func TestPageSizes(t *testing.T) {
	s := newServer(t, mock.WithConnectors(0))
	store := s.ConductorOne().Store()
	app := otherApp(t, s)
	for i := range 130 {
		require.NoError(t, store.Put(fx.Generated(7, i, app)))
	}
	for q, want := range map[string]int{"": 25, "?page_size=0": 25, "?page_size=1": 1, "?page_size=100": 100, "?page_size=1000": 100, "?page_size=2147483647": 100} {
		res := do(t, s, "GET", listPath(app)+q, nil)
		require.Equal(t, 200, res.Status, "%s: %s", q, res.Body)
		var b listBody
		res.JSON(t, &b)
		assert.Len(t, b.List, want, q)
		assert.NotEmpty(t, *b.NextPageToken, q)
	}
	for _, q := range []string{"?page_size=-1", "?page_size=x", "?page_size=2147483648", "?page_size=1.5"} {
		res := do(t, s, "GET", listPath(app)+q, nil)
		assert.Equal(t, 400, res.Status, "%s: %s", q, res.Body)
		assert.Contains(t, string(res.Body), "page_size", q)
	}
	// An app without connectors has one empty page.
	res := do(t, s, "GET", listPath(appID+"x"), nil)
	assert.Equal(t, 404, res.Status)
	require.NoError(t, s.ConductorOne().Store().Delete(appID, connID))
	res = do(t, s, "GET", listPath(appID), nil)
	require.Equal(t, 200, res.Status)
	assert.JSONEq(t, `{"expanded":[],"list":[],"nextPageToken":""}`, string(res.Body))
}

// TestPageTokens: a token survives deletes and creates around it; a token that this list did
// not hand out is a 400.
func TestPageTokens(t *testing.T) {
	s := newServer(t, mock.WithConnectors(30))
	store := s.ConductorOne().Store()
	app := otherApp(t, s)
	all, err := store.Connectors(app)
	require.NoError(t, err)
	require.Len(t, all, 10)

	res := do(t, s, "GET", listPath(app)+"?page_size=4", nil)
	require.Equal(t, 200, res.Status)
	var first listBody
	res.JSON(t, &first)
	token := *first.NextPageToken
	require.NotEmpty(t, token)

	// Deleting the page's last connector and the next one, and creating one, moves nothing.
	require.NoError(t, store.Delete(app, all[3].ID))
	require.NoError(t, store.Delete(app, all[4].ID))
	created, err := store.Create(app, conductorone.NewConnector{CatalogID: "catalogId"})
	require.NoError(t, err)
	res = do(t, s, "GET", listPath(app)+"?page_size=100&page_token="+token, nil)
	require.Equal(t, 200, res.Status)
	var rest listBody
	res.JSON(t, &rest)
	var got []string
	for _, v := range rest.List {
		got = append(got, v.Connector.ID)
	}
	var want []string
	for _, c := range all[5:] {
		want = append(want, c.ID)
	}
	assert.Equal(t, append(want, created.ID), got)
	assert.Empty(t, *rest.NextPageToken)

	otherToken := func() string {
		res := do(t, s, "GET", listPath(store.Apps()[2].ID)+"?page_size=1", nil)
		var b listBody
		res.JSON(t, &b)
		return *b.NextPageToken
	}()
	for name, tok := range map[string]string{
		"not base64":        "!!!",
		"not ours":          "bm9wZQ",
		"other app's token": otherToken,
		"zero":              base64.RawURLEncoding.EncodeToString([]byte(app + "/0")),
		"negative":          base64.RawURLEncoding.EncodeToString([]byte(app + "/-1")),
	} {
		t.Run(name, func(t *testing.T) {
			res := do(t, s, "GET", listPath(app)+"?page_token="+url.QueryEscape(tok), nil)
			require.Equal(t, 400, res.Status, "%s", res.Body)
			assert.JSONEq(t, statusJSON(3, fmt.Sprintf("invalid page_token %q: not a token of this list", tok)), string(res.Body))
		})
	}
}

// TestCreateGetListDelete walks a connector's life through the HTTP side.
func TestCreateGetListDelete(t *testing.T) {
	s := newServer(t)
	app := otherApp(t, s)

	res := do(t, s, "POST", listPath(app)+"/create", `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3B","config":{"@type":"type.googleapis.com/c1.connector.okta.v1.Config","domain":"x.okta.com"},"description":"made by a test","userIds":["u1"],"displayName":"ignored"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var created updateBody
	res.JSON(t, &created)
	c := created.ConnectorView.Connector
	assert.Equal(t, fx.CreatedID(fixtures.DefaultSeed, 0), c.ID, "ids derive from the seed and a counter")
	assert.Regexp(t, `^[0-9A-Za-z]{27}$`, c.ID)
	assert.Equal(t, app, c.AppID)
	assert.Equal(t, "2ZEJxUqDgkBJsBPUnHXBP1MzC3B", c.CatalogID)
	assert.JSONEq(t, `{"@type":"type.googleapis.com/c1.connector.okta.v1.Config","domain":"x.okta.com"}`, string(c.Config))
	assert.Equal(t, "made by a test", c.Description)
	assert.Empty(t, c.DisplayName, "Create takes no displayName")
	assert.Equal(t, []string{"u1"}, c.UserIDs)
	assert.Equal(t, clockTime, c.CreatedAt)
	assert.Equal(t, clockTime, c.UpdatedAt)
	assert.Equal(t, "SYNC_STATUS_UNSPECIFIED", c.Status.Status)
	assert.Empty(t, created.Expanded)

	res = do(t, s, "POST", listPath(app), `{"catalogId":"2ZEJxQ7VbqNnFqBIAZqtXJo7vPj","displayName":"Pending","appManagedStateBindingRef":{"appId":"a"}}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var delegated updateBody
	res.JSON(t, &delegated)
	d := delegated.ConnectorView.Connector
	assert.Equal(t, fx.CreatedID(fixtures.DefaultSeed, 1), d.ID)
	assert.Equal(t, "Pending", d.DisplayName)
	assert.Nil(t, d.Config, "a delegated connector is pending its config")
	assert.Equal(t, []string{}, d.UserIDs)

	res = do(t, s, "GET", connectorPath(app, c.ID), nil)
	require.Equal(t, 200, res.Status)
	var got updateBody
	res.JSON(t, &got)
	assert.Equal(t, c, got.ConnectorView.Connector)

	listIDs := func() []string {
		res := do(t, s, "GET", listPath(app)+"?page_size=100", nil)
		require.Equal(t, 200, res.Status)
		var b listBody
		res.JSON(t, &b)
		var ids []string
		for _, v := range b.List {
			ids = append(ids, v.Connector.ID)
		}
		return ids
	}
	ids := listIDs()
	require.GreaterOrEqual(t, len(ids), 2)
	assert.Equal(t, []string{c.ID, d.ID}, ids[len(ids)-2:], "created connectors come last")

	res = do(t, s, "DELETE", connectorPath(app, c.ID), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	res = do(t, s, "GET", connectorPath(app, c.ID), nil)
	assert.Equal(t, 404, res.Status)
	assert.NotContains(t, listIDs(), c.ID)
	assert.Contains(t, listIDs(), d.ID)
	res = do(t, s, "DELETE", connectorPath(app, c.ID), nil)
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, statusJSON(5, fmt.Sprintf("connector %q not found in app %q", c.ID, app)), string(res.Body))
	res = do(t, s, "POST", connectorPath(app, c.ID), `{"connector":{"displayName":"x"}}`)
	assert.Equal(t, 404, res.Status)

	// Creating under an unknown app is a 404 and creates nothing.
	before := state(t, s)
	res = do(t, s, "POST", listPath("nope")+"/create", `{"catalogId":"catalogId"}`)
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, `{"code":5,"message":"app \"nope\" not found","details":[]}`, string(res.Body))
	assert.Equal(t, before, state(t, s))
}

// TestIsolation: a connector asked for under another app, existing or not, is not found, and
// nothing happens to it.
func TestIsolation(t *testing.T) {
	s := newServer(t)
	other := otherApp(t, s)
	before := state(t, s)
	reqs := []struct{ method, body string }{{"GET", ""}, {"POST", `{"connector":{"displayName":"x"}}`}, {"DELETE", ""}}
	for _, r := range reqs {
		res := do(t, s, r.method, connectorPath(other, connID), r.body)
		assert.Equal(t, 404, res.Status, r.method)
		assert.JSONEq(t, statusJSON(5, fmt.Sprintf("connector %q not found in app %q", connID, other)), string(res.Body))
	}
	assert.Equal(t, before, state(t, s))
	_, err := s.ConductorOne().Store().Connector(other, connID)
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
}

// TestAuth: 401 and 403 come from the shared authentication, before validation, on every
// operation; a read-only token may read.
func TestAuth(t *testing.T) {
	ops := []struct {
		name, method, path, body string
		write                    bool
	}{
		{"update", "POST", connectorPath(appID, connID), `{}`, true},
		{"get", "GET", connectorPath(appID, connID), "", false},
		{"list", "GET", listPath(appID), "", false},
		{"create", "POST", listPath(appID) + "/create", `{"catalogId":"catalogId"}`, true},
		{"create delegated", "POST", listPath(appID), `{"catalogId":"catalogId"}`, true},
		{"delete", "DELETE", connectorPath(appID, connID), "", true},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			s := newServer(t)
			before := state(t, s)
			var body any
			if op.body != "" {
				body = op.body
			}
			for _, tok := range []string{"", "wrong"} {
				res := testkit.Do(t, s, testkit.Request{Method: op.method, Path: op.path, Token: tok, Body: body})
				assert.Equal(t, 401, res.Status, "token %q", tok)
				assert.Contains(t, string(res.Body), `"code":16`)
			}
			res := testkit.Do(t, s, testkit.Request{Method: op.method, Path: op.path, Token: mock.ReadOnlyToken, Body: body})
			if op.write {
				assert.Equal(t, 403, res.Status)
				assert.JSONEq(t, `{"code":7,"message":"principal readonly is read-only","details":[]}`, string(res.Body))
			} else {
				assert.Equal(t, 200, res.Status)
			}
			assert.Equal(t, before, state(t, s), "no write happened")
		})
	}
}

// TestRejectedRequestsChangeNothing: every bad request, whatever its status, leaves the store
// exactly as it was.
func TestRejectedRequestsChangeNothing(t *testing.T) {
	doc := connectorPath(appID, connID)
	reqs := []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", doc, `{"connector":{"displayName":"x"},"updateMask":"displayName,createdAt"}`, 400},
		{"POST", doc, `{"connector":{"displayName":"x"},"expandMask":{"paths":["nope"]}}`, 400},
		{"POST", doc, `{"connector":{"displayName":7}}`, 400},
		{"POST", doc, `{"connector":{"config":{"a":1}}}`, 400},
		{"POST", doc, `{"connector":{"displayName":"x"}`, 400},
		{"POST", doc, `[]`, 400},
		{"POST", doc, `{"updateMask":5}`, 400},
		{"POST", listPath(appID) + "/create", `{"description":"no catalog"}`, 400},
		{"POST", listPath(appID) + "/create", `{"catalogId":"catalogId","expandMask":{"paths":["x"]}}`, 400},
		{"POST", listPath(appID), `{"catalogId":"catalogId","userIds":"u"}`, 400},
		{"POST", connectorPath(appID, "nope"), `{"connector":{"displayName":"x"}}`, 404},
		{"DELETE", connectorPath("nope", connID), nil, 404},
		{"PUT", doc, `{}`, 405},
	}
	s := newServer(t)
	before := state(t, s)
	for _, r := range reqs {
		res := do(t, s, r.method, r.path, r.body)
		assert.Equal(t, r.status, res.Status, "%s %s %v: %s", r.method, r.path, r.body, res.Body)
		var body struct {
			Code    *int    `json:"code"`
			Message *string `json:"message"`
		}
		res.JSON(t, &body)
		if assert.NotNil(t, body.Code) && assert.NotNil(t, body.Message) {
			assert.NotEmpty(t, *body.Message)
		}
	}
	assert.Equal(t, before, state(t, s))
}

// TestDeterministicState: the same seed gives the same apps and connectors; another seed
// other ones.
func TestDeterministicState(t *testing.T) {
	a, b := newServer(t), newServer(t)
	assert.Equal(t, state(t, a), state(t, b))
	c := newServer(t, mock.WithSeed(42))
	assert.NotEqual(t, state(t, a), state(t, c))
	assert.Equal(t, map[string]int{"apps": 4, "connectors": 21, "credentials": 1, "syncs": 2}, healthCounts(a.Health(), conductorone.Name))

	var ids []string
	for app, cs := range state(t, a) {
		if app == appID {
			require.Len(t, cs, 1)
			assert.Equal(t, fx.Documented(), cs[0])
		}
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
	}
	sort.Strings(ids)
	assert.Len(t, slices.Compact(ids), 21, "ids are unique")
}

func TestStoreReturnsCopies(t *testing.T) {
	s := newServer(t)
	store := s.ConductorOne().Store()
	c, err := store.Connector(appID, connID)
	require.NoError(t, err)
	c.UserIDs[0] = "changed"
	c.Config[2] = 'X'
	again, err := store.Connector(appID, connID)
	require.NoError(t, err)
	assert.Equal(t, fx.Documented(), again)
	assert.ErrorIs(t, store.Put(fx.Connector{ID: "x", AppID: "nope"}), conductorone.ErrInvalid)
}

// TestStateMatchesHTTP: what the store says after a change is what Get says.
func TestStateMatchesHTTP(t *testing.T) {
	s := newServer(t)
	res := do(t, s, "POST", connectorPath(appID, connID), `{"connector":{"profileIgnoreList":["a","b"]},"updateMask":"profileIgnoreList"}`)
	require.Equal(t, 200, res.Status)
	res = do(t, s, "GET", connectorPath(appID, connID), nil)
	var got updateBody
	res.JSON(t, &got)
	stored, err := s.ConductorOne().Store().Connector(appID, connID)
	require.NoError(t, err)
	assert.Equal(t, stored, got.ConnectorView.Connector)
	assert.Equal(t, []string{"a", "b"}, stored.ProfileIgnoreList)
}

// TestConcurrentUse: updates, creates, lists and deletes from many goroutines keep the store
// consistent (run with -race).
func TestConcurrentUse(t *testing.T) {
	s := newServer(t)
	app := otherApp(t, s)
	seeded, err := s.ConductorOne().Store().Connectors(app)
	require.NoError(t, err)
	done := make(chan []string)
	for g := range 8 {
		go func() {
			var ids []string
			for i := range 5 {
				res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: connectorPath(appID, connID), Token: mock.AdminToken,
					Body: fmt.Sprintf(`{"connector":{"description":"g%d-%d"},"expandMask":{"paths":["*"]}}`, g, i)})
				assert.Equal(t, 200, res.Status)
				res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: listPath(app) + "/create", Token: mock.AdminToken, Body: `{"catalogId":"catalogId"}`})
				assert.Equal(t, 200, res.Status)
				var b updateBody
				res.JSON(t, &b)
				ids = append(ids, b.ConnectorView.Connector.ID)
				res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: listPath(app) + "?page_size=5&expand_mask.paths=app_id", Token: mock.ReadOnlyToken})
				assert.Equal(t, 200, res.Status)
			}
			res := testkit.Do(t, s, testkit.Request{Method: "DELETE", Path: connectorPath(app, ids[0]), Token: mock.AdminToken})
			assert.Equal(t, 200, res.Status)
			done <- ids[1:]
		}()
	}
	kept := map[string]bool{}
	for range 8 {
		for _, id := range <-done {
			assert.False(t, kept[id], "id %s handed out twice", id)
			kept[id] = true
		}
	}
	cs, err := s.ConductorOne().Store().Connectors(app)
	require.NoError(t, err)
	assert.Len(t, cs, len(seeded)+len(kept), "the seeded connectors and the created ones that were not deleted")
	for _, c := range cs[len(seeded):] {
		assert.True(t, kept[c.ID])
	}
}

// healthCounts is what the server's health reports of the vendor's stored entities.
func healthCounts(h mock.Health, vendor string) map[string]int {
	for _, v := range h.Vendors {
		if v.Name == vendor {
			return v.Counts
		}
	}
	return nil
}
