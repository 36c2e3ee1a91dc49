package mocktest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/conductorone"
	productsupfx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/mocktest"
	"github.com/connectormock/connectormock/mock/productsup"
)

// Paths of the vendors' resources.
const (
	c1Prefix      = "/api/v1/apps/"
	versoriPrefix = "/api/connect/v1/o/"
)

func c1Path(appID, id string) string { return c1Prefix + appID + "/connectors/" + id }

func versoriPath(org, id string) string { return versoriPrefix + org + "/connectors/" + id }

// Operation ids of the vendors' specs that the tests below call.
const (
	c1Get         = "c1.api.app.v1.ConnectorService.Get"
	c1Update      = "c1.api.app.v1.ConnectorService.Update"
	c1Create      = "c1.api.app.v1.ConnectorService.Create"
	c1Delete      = "c1.api.app.v1.ConnectorService.Delete"
	versoriGet    = "GetConnector"
	versoriUpdate = "UpdateConnector"
	versoriCreate = "CreateHTTPConnector"
	versoriDelete = "DeleteConnector"
	versoriGetVer = "GetConnectorVersion"
)

// flavours are the two ways mocktest runs a server; the typed-access tests run against both.
var flavours = []struct {
	name string
	new  func(testing.TB, ...mock.Option) *mocktest.Server
}{{"listener", mocktest.New}, {"in process", mocktest.NewInProcess}}

// newChecked is mocktest.New with every response validated against the vendor's spec, so a
// test here fails if typed access ever stores something the HTTP side cannot answer validly.
func newChecked(t *testing.T, opts ...mock.Option) *mocktest.Server {
	t.Helper()
	return newCheckedWith(t, mocktest.New, opts...)
}

// newCheckedWith is newChecked with the constructor of one flavour.
func newCheckedWith(t *testing.T, start func(testing.TB, ...mock.Option) *mocktest.Server, opts ...mock.Option) *mocktest.Server {
	t.Helper()
	check := mock.WithResponseValidation(func(err error) { t.Errorf("response breaks the contract: %v", err) })
	return start(t, append([]mock.Option{check}, opts...)...)
}

// call sends one request through the server's client (mock-admin-token) and returns the
// status and body. body is sent as is when it is a string or []byte, as JSON otherwise;
// header holds name, value pairs.
func call(t *testing.T, s *mocktest.Server, method, path string, body any, header ...string) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(t, err)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL()+path, r)
	require.NoError(t, err)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(data, &v), "%s", data)
	return v
}

// c1View is the part of a ConductorOne Get/Update/Create answer the tests read.
type c1View struct {
	ConnectorView struct {
		Connector conductorone.Connector `json:"connector"`
		AppPath   string                 `json:"appPath"`
		UsersPath string                 `json:"usersPath"`
	} `json:"connectorView"`
	Expanded []map[string]any `json:"expanded"`
}

// TestBuildersServeValidBodies: every builder's value, across its options, goes into the store
// through typed access and comes back over HTTP as the same value in a body valid against the
// vendor's spec (testkit checks every response).
func TestBuildersServeValidBodies(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	get := func(t *testing.T, path string) testkit.Response {
		t.Helper()
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: path, Token: mock.ReadOnlyToken})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		return res
	}

	t.Run("productsup", func(t *testing.T) {
		for i, opts := range [][]productsupfx.Option{
			nil,
			{productsupfx.WithTargets([]int64{1, 2}, []int64{3}, nil), productsupfx.WithEnabled([]int64{2}, nil, nil), productsupfx.WithReleased()},
			{productsupfx.WithoutPlatform(), productsupfx.WithVersionNumber(4)},
		} {
			c := productsupfx.NewConnector(append(opts, productsupfx.WithSeed(fixtures.DefaultSeed, i))...)
			require.NoError(t, s.Productsup().Store().Put(c))
			var body struct{ Data productsupfx.Connector }
			get(t, "/connectors/"+c.ID).JSON(t, &body)
			assert.Equal(t, c.Clone(), body.Data)
		}
	})

	t.Run("conductorone", func(t *testing.T) {
		app := conductorone.NewApp()
		require.NoError(t, s.ConductorOne().Store().PutApp(app))
		var built []conductorone.Connector
		for i, status := range conductorone.SyncStatuses {
			built = append(built, conductorone.NewConnector(conductorone.WithSeed(fixtures.DefaultSeed, i), conductorone.WithStatus(status)))
		}
		built = append(built,
			conductorone.NewConnector(conductorone.WithSeed(fixtures.DefaultSeed, 10), conductorone.WithAppID(app.ID),
				conductorone.WithUserIDs("2tJx9rcUyjZ15BXoMYi2BGkgqD1", "2tJx9rcUyjZ15BXoMYi2BGkgqD2"), conductorone.WithProfiles([]string{"title"}, []string{"manager"})),
			conductorone.NewConnector(conductorone.WithSeed(fixtures.DefaultSeed, 11), conductorone.WithAppID(app.ID),
				conductorone.WithCatalog("2ZEJxUqDgkBJsBPUnHXBP1MzC3B", ""), conductorone.WithUserIDs()))
		for _, c := range built {
			require.NoError(t, s.ConductorOne().Store().Put(c))
			// Expanded: the app and every user of userIds come back too, all checked.
			v := decode[c1View](t, get(t, c1Path(c.AppID, c.ID)+"?expand_mask.paths=*").Body)
			assert.Equal(t, c.Clone(), v.ConnectorView.Connector)
			assert.Len(t, v.Expanded, 1+len(c.UserIDs))
		}
		var list struct {
			List []struct {
				Connector conductorone.Connector `json:"connector"`
			} `json:"list"`
		}
		get(t, c1Prefix+app.ID+"/connectors").JSON(t, &list)
		require.Len(t, list.List, 2, "the built app holds the two connectors put into it")
		assert.Equal(t, built[len(built)-2].Clone(), list.List[0].Connector)
	})

	t.Run("versori", func(t *testing.T) {
		schemes := []string{"none", "api-key", "basic-auth", "oauth2", "hmac", "certificate"}
		i := 0
		for _, protocol := range []string{"http", "bigquery"} {
			for _, scheme := range schemes {
				i++
				opts := []versori.Option{versori.WithSeed(fixtures.DefaultSeed, i), versori.WithProtocol(protocol),
					versori.WithAuthSchemes(scheme, "none"), versori.WithConnections("production", "staging"),
					versori.WithConnectionVariables(versori.Variable{Name: "tenant", Value: "acme"})}
				if i%2 == 0 {
					opts = append(opts, versori.WithOrganisation(versori.ID(1, "organisation", i)), versori.WithPublic(), versori.WithTags(nil))
				}
				c := versori.NewConnector(opts...)
				draft := versori.NewVersion(versori.WithSeed(fixtures.DefaultSeed, i), versori.WithVersionName("2.0.0"), versori.WithDraft())
				c.Versions = append(c.Versions, draft)
				require.NoError(t, s.Versori().Store().Put(c))

				got := decode[versori.Connector](t, get(t, versoriPath(c.OrganisationID, c.ID)).Body)
				stored, err := s.Versori().Store().Connector(c.OrganisationID, c.ID)
				require.NoError(t, err)
				assert.Equal(t, stored, got, "HTTP answers what typed access reads")
				assert.Equal(t, c.Name, got.Name)
				assert.Equal(t, c.AuthSchemeConfigs, got.AuthSchemeConfigs)
				assert.Equal(t, c.Connections[1].Credentials.Action[0].Credential.Data, got.Connections[1].Credentials.Action[0].Credential.Data)
				assert.Equal(t, c.Connections[0].ID, got.Connections[0].Credentials.Action[0].Credential.Usages[0].Connection.ID)
				assert.True(t, got.Versions[0].IsLatest, "the published version is the latest")
				assert.False(t, got.Versions[1].IsLatest, "a draft is never the latest")

				latest := decode[versori.Version](t, get(t, versoriPath(c.OrganisationID, c.ID)+"/versions/latest").Body)
				assert.Equal(t, c.Versions[0].ID, latest.ID)
				assert.Equal(t, draft.ID, decode[versori.Version](t, get(t, versoriPath(c.OrganisationID, c.ID)+"/versions/2.0.0").Body).ID)
				get(t, versoriPath(c.OrganisationID, c.ID)+"/versions")
			}
		}
		get(t, versoriPrefix+versori.DocumentedOrganisationID+"/connectors?first=100")
	})
}

// TestTypedAccess: for every vendor, state seeded through typed access is what HTTP answers,
// and a change made over HTTP is what typed access reads back; with and without a listener.
func TestTypedAccess(t *testing.T) {
	for _, fl := range flavours {
		t.Run(fl.name, func(t *testing.T) {
			t.Run("productsup", func(t *testing.T) {
				s := newCheckedWith(t, fl.new)
				c := productsupfx.NewConnector(productsupfx.WithTargets([]int64{42}, nil, nil))
				require.NoError(t, s.Productsup().Store().Put(c))

				status, body := call(t, s, "GET", "/connectors/"+c.ID, nil)
				require.Equal(t, 200, status, "%s", body)
				assert.Equal(t, c.Name, decode[struct{ Data productsupfx.Connector }](t, body).Data.Name)

				status, body = call(t, s, "PUT", "/connectors/"+c.ID+"/versions/1/targets", `{"target-accounts":[7,8],"target-sites":[9]}`)
				require.Equal(t, 200, status, "%s", body)
				v, err := s.Productsup().Store().Version(c.ID, "1")
				require.NoError(t, err)
				assert.Equal(t, []int64{7, 8}, v.PlatformProdReference.TargetAccounts)
				assert.Equal(t, []int64{9}, v.PlatformProdReference.TargetSites)
				s.AssertNoUnmatched(t)
			})

			t.Run("conductorone", func(t *testing.T) {
				s := newCheckedWith(t, fl.new)
				app := conductorone.NewApp()
				require.NoError(t, s.ConductorOne().Store().PutApp(app))
				c := conductorone.NewConnector(conductorone.WithAppID(app.ID), conductorone.WithStatus("SYNC_STATUS_ERROR"))
				require.NoError(t, s.ConductorOne().Store().Put(c))

				status, body := call(t, s, "GET", c1Path(app.ID, c.ID)+"?expand_mask.paths=app_id", nil)
				require.Equal(t, 200, status, "%s", body)
				v := decode[c1View](t, body)
				assert.Equal(t, c, v.ConnectorView.Connector)
				require.Len(t, v.Expanded, 1)
				assert.Equal(t, app.DisplayName, v.Expanded[0]["displayName"], "the app put through typed access is expanded")

				status, body = call(t, s, "POST", c1Path(app.ID, c.ID), map[string]any{
					"connector": map[string]any{"displayName": "Renamed", "status": map[string]any{"status": "SYNC_STATUS_DONE"}}, "updateMask": "displayName,status.status"})
				require.Equal(t, 200, status, "%s", body)
				got, err := s.ConductorOne().Store().Connector(app.ID, c.ID)
				require.NoError(t, err)
				assert.Equal(t, "Renamed", got.DisplayName)
				assert.Equal(t, "SYNC_STATUS_DONE", got.Status.Status)
				assert.Equal(t, c.Status.LastError, got.Status.LastError, "fields the mask does not name stay")

				status, body = call(t, s, "POST", c1Prefix+app.ID+"/connectors/create", map[string]any{"catalogId": "catalogId", "description": "made over HTTP"})
				require.Equal(t, 200, status, "%s", body)
				created := decode[c1View](t, body).ConnectorView.Connector
				all, err := s.ConductorOne().Store().Connectors(app.ID)
				require.NoError(t, err)
				require.Len(t, all, 2)
				assert.Equal(t, created, all[1])
				assert.Equal(t, "made over HTTP", all[1].Description)
				s.AssertCalled(t, c1Create, 1)

				status, _ = call(t, s, "DELETE", c1Path(app.ID, c.ID), nil)
				require.Equal(t, 200, status)
				_, err = s.ConductorOne().Store().Connector(app.ID, c.ID)
				assert.Error(t, err, "deleted over HTTP, gone from the store")
				s.AssertNoUnmatched(t)
			})

			t.Run("versori", func(t *testing.T) {
				s := newCheckedWith(t, fl.new)
				c := versori.NewConnector(versori.WithName("Seeded"))
				require.NoError(t, s.Versori().Store().Put(c))

				status, body := call(t, s, "GET", versoriPath(c.OrganisationID, c.ID), nil)
				require.Equal(t, 200, status, "%s", body)
				assert.Equal(t, "Seeded", decode[versori.Connector](t, body).Name)

				// UpdateConnector is a full replace: what the body leaves out is cleared.
				status, body = call(t, s, "PUT", versoriPath(c.OrganisationID, c.ID), map[string]any{
					"id": c.ID, "organisationId": c.OrganisationID, "name": "Put over HTTP", "protocol": "http",
					"baseUrl": "https://api.put.example", "public": true, "tags": map[string][]string{"team": {"ops"}}})
				require.Equal(t, 200, status, "%s", body)
				got, err := s.Versori().Store().Connector(c.OrganisationID, c.ID)
				require.NoError(t, err)
				assert.Equal(t, "Put over HTTP", got.Name)
				assert.Equal(t, "https://api.put.example", *got.BaseURL)
				assert.True(t, got.Public)
				assert.Equal(t, map[string][]string{"team": {"ops"}}, got.Tags)
				assert.Nil(t, got.DocumentationURL, "cleared by the full replace")
				assert.Equal(t, c.Connections[0].ID, got.Connections[0].ID, "connections are not touched")
				assert.Equal(t, decode[versori.Connector](t, body), got, "the answer is what the store holds")

				status, body = call(t, s, "POST", versoriPath(c.OrganisationID, c.ID)+"/versions", map[string]any{"name": "1.1.0", "fromVersion": "1.0.0"})
				require.Equal(t, 201, status, "%s", body)
				v, err := s.Versori().Store().Version(c.OrganisationID, c.ID, "1.1.0")
				require.NoError(t, err)
				assert.Nil(t, v.PublishedAt, "a created version is a draft")
				assert.Equal(t, c.Versions[0].Description, v.Description, "copied from fromVersion")

				status, body = call(t, s, "POST", versoriPrefix+c.OrganisationID+"/protocols/http/connectors", map[string]any{
					"name": "Created over HTTP", "baseUrl": "https://api.new.example", "authSchemeConfigs": []any{}, "connections": []any{}})
				require.Equal(t, 201, status, "%s", body)
				created := decode[versori.Connector](t, body)
				fromStore, err := s.Versori().Store().Connector(c.OrganisationID, created.ID)
				require.NoError(t, err)
				assert.Equal(t, created, fromStore)
				s.AssertCalled(t, versoriCreate, 1)

				status, _ = call(t, s, "DELETE", versoriPath(c.OrganisationID, c.ID)+"?force=true", nil)
				require.Equal(t, 204, status)
				_, err = s.Versori().Store().Connector(c.OrganisationID, c.ID)
				assert.Error(t, err, "deleted over HTTP, gone from the store")
				s.AssertNoUnmatched(t)
			})
		})
	}
}

// TestAssertionsWithVendorOperationIDs: the assertions count ConductorOne's and Versori's
// operation ids, and AssertNoUnmatched names their refused requests.
func TestAssertionsWithVendorOperationIDs(t *testing.T) {
	s := newCheckedWith(t, mocktest.NewInProcess)
	c1 := c1Path(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID)
	vs := versoriPath(versori.DocumentedOrganisationID, versori.DocumentedConnectorID)
	for range 2 {
		status, body := call(t, s, "GET", c1, nil)
		require.Equal(t, 200, status, "%s", body)
	}
	status, body := call(t, s, "POST", c1, map[string]any{"connector": map[string]any{"description": "d"}, "updateMask": "description"})
	require.Equal(t, 200, status, "%s", body)
	status, body = call(t, s, "GET", vs, nil)
	require.Equal(t, 200, status, "%s", body)
	status, body = call(t, s, "GET", vs+"/versions/latest", nil)
	require.Equal(t, 200, status, "%s", body)

	s.AssertCalled(t, c1Get, 2)
	s.AssertCalled(t, c1Update, 1)
	s.AssertNotCalled(t, c1Delete)
	s.AssertCalled(t, versoriGet, 1)
	s.AssertCalled(t, versoriGetVer, 1)
	s.AssertNotCalled(t, versoriUpdate)
	s.AssertNoUnmatched(t)

	// A request each vendor refuses: they count as calls of the operation, and as unmatched.
	status, _ = call(t, s, "POST", c1, map[string]any{"connector": map[string]any{"status": map[string]any{"status": "NOPE"}}})
	require.Equal(t, 400, status)
	status, _ = call(t, s, "PUT", vs, map[string]any{"name": "no id"})
	require.Equal(t, 400, status)

	rec := &recordingTB{TB: t}
	assert.False(t, s.AssertCalled(rec, c1Update, 1))
	assert.False(t, s.AssertNotCalled(rec, versoriUpdate))
	assert.False(t, s.AssertNoUnmatched(rec))
	require.Len(t, rec.errors, 3)
	assert.Contains(t, rec.errors[2], "2 request(s) matched no operation or failed validation")
	assert.Contains(t, rec.errors[2], "POST "+c1+" -> 400")
	assert.Contains(t, rec.errors[2], "PUT "+vs+" -> 400")
	s.AssertCalled(t, c1Update, 2)
	s.AssertCalled(t, versoriUpdate, 1)
}

// TestFaultsAndPreferOnC1AndVersori: scripted faults and the Prefer header answer the vendors'
// documented bodies without touching state; Versori documents its errors through default
// responses with examples named by error code.
func TestFaultsAndPreferOnC1AndVersori(t *testing.T) {
	s := newCheckedWith(t, mocktest.NewInProcess)
	c1 := c1Path(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID)
	vs := versoriPath(versori.DocumentedOrganisationID, versori.DocumentedConnectorID)
	stateBefore, err := s.State()
	require.NoError(t, err)

	type c1Status struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	type versoriError struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Field, Message string
		} `json:"fields"`
	}

	t.Run("faults", func(t *testing.T) {
		require.NoError(t, s.AddFault(mock.Fault{OperationID: c1Get, Status: 404, Count: 2}))
		require.NoError(t, s.AddFault(mock.Fault{OperationID: versoriUpdate, Status: 409}))
		require.NoError(t, s.AddFault(mock.Fault{OperationID: versoriDelete, Status: 500}))
		for range 2 {
			status, body := call(t, s, "GET", c1, nil)
			assert.Equal(t, 404, status)
			assert.Equal(t, 5, decode[c1Status](t, body).Code, "gRPC NOT_FOUND")
		}
		status, _ := call(t, s, "GET", c1, nil)
		assert.Equal(t, 200, status, "the fault is used up")

		status, body := call(t, s, "PUT", vs, map[string]any{"id": versori.DocumentedConnectorID,
			"organisationId": versori.DocumentedOrganisationID, "name": "x", "protocol": "http", "baseUrl": "https://x"})
		assert.Equal(t, 409, status)
		assert.Equal(t, "conflict", decode[versoriError](t, body).Code)
		status, body = call(t, s, "DELETE", vs+"?force=true", nil)
		assert.Equal(t, 500, status)
		assert.Equal(t, "internal", decode[versoriError](t, body).Code)
		assert.Empty(t, s.Faults())

		for _, f := range []mock.Fault{
			{OperationID: c1Get, Status: 409},      // C1 documents 400, 401, 403, 404, 500
			{OperationID: versoriGet, Status: 201}, // a default response documents errors only
			{OperationID: "c1.api.app.v1.ConnectorService.Nope", Status: 404},
		} {
			assert.Error(t, s.AddFault(f), "%+v", f)
		}
	})

	t.Run("prefer", func(t *testing.T) {
		for _, tt := range []struct {
			name, method, path, prefer string
			body                       any
			status                     int
			check                      func(t *testing.T, body []byte)
		}{
			{name: "c1 code", method: "GET", path: c1, prefer: "code=404", status: 404, check: func(t *testing.T, body []byte) {
				assert.Equal(t, 5, decode[c1Status](t, body).Code)
			}},
			{name: "c1 code on a write", method: "POST", path: c1, prefer: "code=403", status: 403,
				body:  map[string]any{"connector": map[string]any{"displayName": "never stored"}, "updateMask": "displayName"},
				check: func(t *testing.T, body []byte) { assert.Equal(t, 7, decode[c1Status](t, body).Code) }},
			{name: "c1 undocumented code", method: "GET", path: c1, prefer: "code=409", status: 400, check: func(t *testing.T, body []byte) {
				assert.Contains(t, decode[c1Status](t, body).Message, "documented: 200, 400, 401, 403, 404, 500")
			}},
			{name: "c1 has no named examples", method: "GET", path: c1, prefer: "example=not_found", status: 400, check: func(t *testing.T, body []byte) {
				assert.Contains(t, decode[c1Status](t, body).Message, `no example "not_found"`)
			}},
			{name: "c1 delay", method: "GET", path: c1, prefer: "delay=1ms", status: 200},
			{name: "versori code", method: "GET", path: vs, prefer: "code=404", status: 404, check: func(t *testing.T, body []byte) {
				assert.Equal(t, "not_found", decode[versoriError](t, body).Code)
			}},
			{name: "versori code on a write", method: "PUT", path: vs, prefer: "code=500", status: 500,
				body: map[string]any{"id": versori.DocumentedConnectorID, "organisationId": versori.DocumentedOrganisationID,
					"name": "never stored", "protocol": "http", "baseUrl": "https://x"},
				check: func(t *testing.T, body []byte) { assert.Equal(t, "internal", decode[versoriError](t, body).Code) }},
			{name: "versori example not_found", method: "GET", path: vs, prefer: "example=not_found", status: 404, check: func(t *testing.T, body []byte) {
				assert.JSONEq(t, `{"code":"not_found","message":"Connector 01JQQEESWY391NGMH0BV4G0BAV does not exist in this organisation."}`, string(body))
			}},
			{name: "versori example bad_request", method: "GET", path: vs + "/versions/1.0.0", prefer: "example=bad_request", status: 400, check: func(t *testing.T, body []byte) {
				e := decode[versoriError](t, body)
				assert.Equal(t, "bad_request", e.Code)
				require.Len(t, e.Fields, 1)
				assert.Equal(t, "baseUrl", e.Fields[0].Field)
			}},
			{name: "versori unknown example", method: "GET", path: vs, prefer: "example=gone", status: 400, check: func(t *testing.T, body []byte) {
				e := decode[versoriError](t, body)
				require.Len(t, e.Fields, 1)
				assert.Contains(t, e.Fields[0].Message, "examples: bad_request, not_found")
			}},
			{name: "versori undocumented code", method: "GET", path: vs, prefer: "code=201", status: 400, check: func(t *testing.T, body []byte) {
				e := decode[versoriError](t, body)
				require.Len(t, e.Fields, 1)
				assert.Contains(t, e.Fields[0].Message, "documented: 200, default (400, 401, 403, 404, 409, 500)")
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				status, body := call(t, s, tt.method, tt.path, tt.body, "Prefer", tt.prefer)
				assert.Equal(t, tt.status, status, "%s", body)
				if tt.check != nil {
					tt.check(t, body)
				}
			})
		}
	})

	stateAfter, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, stateBefore, stateAfter, "faults and preferences never touch state")
}

// getState is GET /__admin/state, raw.
func getState(t *testing.T, s *mocktest.Server) []byte {
	t.Helper()
	status, body := call(t, s, "GET", mock.AdminPrefix+"/state", nil)
	require.Equal(t, 200, status, "%s", body)
	return body
}

// mutateAll changes every vendor's state over HTTP: Productsup access and targets, a
// ConductorOne update, create and delete, a Versori update, version and create.
func mutateAll(t *testing.T, s *mocktest.Server) {
	t.Helper()
	for _, r := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", disablePath, `{"accounts":[777]}`, 200},
		{"POST", "/connectors/" + productsupfx.DocumentedID + "/versions/1/targets", `{"target-sites":[1234]}`, 200},
		{"POST", "/connectors", map[string]any{"connector-type": "export", "connector-name": "made.example"}, 200},
		{"POST", c1Path(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID),
			map[string]any{"connector": map[string]any{"displayName": "changed"}, "updateMask": "displayName"}, 200},
		{"POST", c1Prefix + conductorone.DocumentedAppID + "/connectors", map[string]any{"catalogId": "catalogId", "displayName": "delegated"}, 200},
		{"POST", c1Prefix + conductorone.DocumentedAppID + "/connectors/create", map[string]any{"catalogId": "catalogId"}, 200},
		{"PUT", versoriPath(versori.DocumentedOrganisationID, versori.DocumentedConnectorID), map[string]any{
			"id": versori.DocumentedConnectorID, "organisationId": versori.DocumentedOrganisationID,
			"name": "changed", "protocol": "http", "baseUrl": "https://changed.example"}, 200},
		{"POST", versoriPath(versori.DocumentedOrganisationID, versori.DocumentedConnectorID) + "/versions", map[string]any{"name": "2.0.0"}, 201},
		{"POST", versoriPrefix + versori.DocumentedOrganisationID + "/protocols/bigquery/connectors",
			map[string]any{"name": "bq", "datasetId": "p.d", "connections": []any{}}, 201},
	} {
		status, body := call(t, s, r.method, r.path, r.body)
		require.Equal(t, r.status, status, "%s %s: %s", r.method, r.path, body)
	}
}

// TestAdminStateRoundTripsAllVendors: after changes to all three vendors, GET /__admin/state,
// PUT it and GET again is identical, on the same server and on a fresh one; the fresh one then
// serves the changes and hands out the same next ids as the first.
func TestAdminStateRoundTripsAllVendors(t *testing.T) {
	// A fixed clock: the two servers below must stamp what they create alike.
	opts := []mock.Option{mock.WithConnectors(3), mock.WithClock(func() time.Time { return testkit.Clock })}
	s := newChecked(t, opts...)
	fresh := getState(t, s)
	mutateAll(t, s)
	exported := getState(t, s)
	st := decode[mock.State](t, exported)
	for _, v := range []string{"productsup", "conductorone", "versori"} {
		assert.NotEqual(t, string(decode[mock.State](t, fresh).Vendors[v]), string(st.Vendors[v]), "%s changed", v)
	}

	status, body := call(t, s, "PUT", mock.AdminPrefix+"/state", exported)
	require.Equal(t, 200, status, "%s", body)
	assert.Equal(t, string(exported), string(body), "PUT answers the state it restored")
	assert.Equal(t, string(exported), string(getState(t, s)))

	other := newChecked(t, opts...)
	status, body = call(t, other, "PUT", mock.AdminPrefix+"/state", exported)
	require.Equal(t, 200, status, "%s", body)
	assert.Equal(t, string(exported), string(getState(t, other)))

	// The restored server serves the changes, through HTTP and typed access alike.
	c, err := other.ConductorOne().Store().Connector(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID)
	require.NoError(t, err)
	assert.Equal(t, "changed", c.DisplayName)
	status, body = call(t, other, "GET", versoriPath(versori.DocumentedOrganisationID, versori.DocumentedConnectorID)+"/versions/2.0.0", nil)
	assert.Equal(t, 200, status, "%s", body)

	// Both hand out the same ids next: the creation counters travel with the state.
	for _, r := range []struct{ path, body string }{
		{"/connectors", `{"connector-type":"export","connector-name":"next.example"}`},
		{c1Prefix + conductorone.DocumentedAppID + "/connectors/create", `{"catalogId":"catalogId"}`},
		{versoriPrefix + versori.DocumentedOrganisationID + "/protocols/http/connectors", `{"name":"n","baseUrl":"https://n","connections":[]}`},
	} {
		_, a := call(t, s, "POST", r.path, r.body)
		_, b := call(t, other, "POST", r.path, r.body)
		assert.JSONEq(t, string(a), string(b), r.path)
	}
	assert.Equal(t, string(getState(t, s)), string(getState(t, other)))
}

// TestAdminResetWithNewSeed: POST /__admin/reset with a new seed regenerates every vendor's
// generated data from it and brings back every documented data set, undoing changes to them.
func TestAdminResetWithNewSeed(t *testing.T) {
	const n = 4
	s := newCheckedWith(t, mocktest.NewInProcess, mock.WithConnectors(n))
	psDoc, err := s.Productsup().Store().Connector(productsupfx.DocumentedID)
	require.NoError(t, err)
	c1Doc, err := s.ConductorOne().Store().Connector(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID)
	require.NoError(t, err)
	vsDoc, err := s.Versori().Store().Connector(versori.DocumentedOrganisationID, versori.DocumentedConnectorID)
	require.NoError(t, err)
	mutateAll(t, s)

	status, body := call(t, s, "POST", mock.AdminPrefix+"/reset", `{"seed":42}`)
	require.Equal(t, 200, status, "%s", body)
	assert.EqualValues(t, 42, decode[mock.Health](t, body).Seed)

	// The documented data sets, as they were before the changes.
	got, err := s.Productsup().Store().Connector(productsupfx.DocumentedID)
	require.NoError(t, err)
	assert.Equal(t, psDoc, got)
	c1, err := s.ConductorOne().Store().Connector(conductorone.DocumentedAppID, conductorone.DocumentedConnectorID)
	require.NoError(t, err)
	assert.Equal(t, c1Doc, c1)
	vs, err := s.Versori().Store().Connector(versori.DocumentedOrganisationID, versori.DocumentedConnectorID)
	require.NoError(t, err)
	assert.Equal(t, vsDoc, vs)

	// The generated data, from seed 42 now, nothing created through the API left.
	list, _ := s.Productsup().Store().List(productsup.Filter{}, 0, 100)
	var psIDs []string
	for _, c := range list {
		psIDs = append(psIDs, c.ID)
	}
	want := []string{productsupfx.DocumentedID}
	for _, c := range productsupfx.Connectors(42, n) {
		want = append(want, c.ID)
	}
	assert.ElementsMatch(t, want, psIDs)
	assert.NotContains(t, psIDs, productsupfx.Connectors(fixtures.DefaultSeed, 1)[0].ID)

	assert.Equal(t, append([]conductorone.App{conductorone.DocumentedApp()}, conductorone.Apps(42)...), s.ConductorOne().Store().Apps())
	assert.Equal(t, n+1, s.ConductorOne().Store().Len())
	for _, g := range conductorone.Connectors(42, n) {
		_, err := s.ConductorOne().Store().Connector(g.AppID, g.ID)
		assert.NoError(t, err, "generated connector %s of seed 42", g.ID)
	}

	assert.Equal(t, n+1, s.Versori().Store().Len())
	for _, g := range versori.Connectors(42, n) {
		got, err := s.Versori().Store().Connector(g.OrganisationID, g.ID)
		require.NoError(t, err, "generated connector %s of seed 42", g.ID)
		assert.Equal(t, g.Name, got.Name)
	}
	old := versori.Generated(fixtures.DefaultSeed, 0)
	_, err = s.Versori().Store().Connector(old.OrganisationID, old.ID)
	assert.Error(t, err, "the default seed's connectors are gone")
	assert.Equal(t, []string{"productsup", "conductorone", "versori"}, s.Vendors(), "every vendor is covered above")
}

// TestREADMEVendorLines runs the README's two lines on ConductorOne and Versori typed access,
// so they stay true.
func TestREADMEVendorLines(t *testing.T) {
	s := newCheckedWith(t, mocktest.NewInProcess)
	c := conductorone.NewConnector(conductorone.WithStatus("SYNC_STATUS_ERROR"))
	require.NoError(t, s.ConductorOne().Store().Put(c)) // then GET /api/v1/apps/{c.AppID}/connectors/{c.ID}
	v := versori.NewConnector(versori.WithProtocol("bigquery"), versori.WithConnections())
	require.NoError(t, s.Versori().Store().Put(v))

	status, body := call(t, s, "GET", c1Path(c.AppID, c.ID), nil)
	require.Equal(t, 200, status, "%s", body)
	assert.Equal(t, "SYNC_STATUS_ERROR", decode[c1View](t, body).ConnectorView.Connector.Status.Status)

	status, body = call(t, s, "GET", versoriPath(v.OrganisationID, v.ID), nil)
	require.Equal(t, 200, status, "%s", body)
	got := decode[versori.Connector](t, body)
	assert.Equal(t, "bigquery", got.Protocol)
	assert.Empty(t, got.Connections)
	status, _ = call(t, s, "DELETE", versoriPath(v.OrganisationID, v.ID), nil)
	assert.Equal(t, 204, status, "no connection: not in use, deleted without force")
	s.AssertNoUnmatched(t)
}

// TestVersoriOAuth2OverHTTP: a plain HTTP client completes Versori's OAuth 2.0 flow against a
// listening mock alone: the provider found through RFC 8414 metadata, the authorize URL of
// InitialiseOAuth2Connection followed (redirects and all), ending with the connection's
// oauth2-token credential. The URLs the mock hands out carry the address it listens on.
func TestVersoriOAuth2OverHTTP(t *testing.T) {
	s := mocktest.New(t)
	c := versori.NewConnector(versori.WithAuthSchemes("oauth2"), versori.WithConnections("production"))
	require.NoError(t, s.Versori().Store().Put(c))

	res, err := http.Get(s.URL() + "/.well-known/oauth-authorization-server")
	require.NoError(t, err)
	var meta struct {
		AuthorizationEndpoint string `json:"authorization_endpoint"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&meta))
	res.Body.Close()
	require.True(t, strings.HasPrefix(meta.AuthorizationEndpoint, s.URL()+"/"), meta.AuthorizationEndpoint)

	body := `{"credential":{"id":"` + c.Connections[0].Credentials.Action[0].Credential.ID + `","organisationId":"` + c.OrganisationID +
		`"},"authorizeUrl":"` + meta.AuthorizationEndpoint + `","clientId":"cid","scopes":["read"]}`
	res, err = s.Client().Post(s.URL()+versoriPath(c.OrganisationID, c.ID)+"/oauth2/initialise", "application/json", strings.NewReader(body))
	require.NoError(t, err)
	var init struct{ URL string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&init))
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)

	res, err = http.Get(init.URL) // the provider redirects to the callback, which answers
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	var conn versori.Connection
	require.NoError(t, json.NewDecoder(res.Body).Decode(&conn))
	assert.Equal(t, "oauth2-token", conn.Credentials.Action[0].Credential.Type)
	s.AssertNoUnmatched(t)
}
