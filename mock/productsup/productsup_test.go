package productsup_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

const (
	docID   = fx.DocumentedID
	unknown = "00000000-0000-4000-8000-000000000000"
)

func versionPath(id, ref, action string) string {
	return "/connectors/" + id + "/versions/" + ref + "/" + action
}

func readFile(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testkit.Testdata(parts...))
	require.NoError(t, err)
	return b
}

// TestDocumentedExamples replays the seed page's requests and compares the answers with the
// page's five documented bodies, byte for byte once whitespace is normalised.
func TestDocumentedExamples(t *testing.T) {
	disable := versionPath(docID, "1", "access/prod/disable")
	seedReq := readFile(t, "productsup", "disable-request.json")
	tests := []struct {
		name   string
		req    testkit.Request
		status int
		golden string
	}{
		{"200 disable", testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: seedReq}, 200, "disable-200.json"},
		{"200 by latest", testkit.Request{Method: "POST", Path: versionPath(docID, "latest", "access/prod/disable"), Token: mock.AdminToken, Body: seedReq}, 200, "disable-200.json"},
		{"400 ids outside targets", testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: readFile(t, "productsup", "disable-400-request.json")}, 400, "disable-400.json"},
		{"401 no token", testkit.Request{Method: "POST", Path: disable, Body: seedReq}, 401, "401.json"},
		{"401 unknown token", testkit.Request{Method: "POST", Path: disable, Token: "nope", Body: seedReq}, 401, "401.json"},
		{"401 before validation", testkit.Request{Method: "POST", Path: versionPath(docID, "abc", "access/prod/disable"), Body: "{"}, 401, "401.json"},
		{"401 basic scheme", testkit.Request{Method: "POST", Path: disable, Body: seedReq, Header: http.Header{"Authorization": {"Basic " + mock.AdminToken}}}, 401, "401.json"},
		{"403 read-only writes", testkit.Request{Method: "POST", Path: disable, Token: mock.ReadOnlyToken, Body: seedReq}, 403, "403.json"},
		{"403 before validation", testkit.Request{Method: "POST", Path: disable, Token: mock.ReadOnlyToken, Body: "{"}, 403, "403.json"},
		{"404 unknown connector", testkit.Request{Method: "POST", Path: versionPath(unknown, "1", "access/prod/disable"), Token: mock.AdminToken, Body: seedReq}, 404, "404.json"},
		{"404 unknown version", testkit.Request{Method: "POST", Path: versionPath(docID, "7", "access/prod/disable"), Token: mock.AdminToken, Body: seedReq}, 404, "404.json"},
		{"404 main when none released", testkit.Request{Method: "POST", Path: versionPath(docID, "main", "access/prod/disable"), Token: mock.AdminToken, Body: seedReq}, 404, "404.json"},
		{"404 show unknown", testkit.Request{Method: "GET", Path: "/connectors/" + unknown, Token: mock.ReadOnlyToken}, 404, "404.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			res := testkit.Do(t, s, tt.req)
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			testkit.Golden(t, "productsup/"+tt.golden, res.Body)
		})
	}
}

// TestDisableIsIdempotent: disabling what is targeted but no longer enabled is no error and
// gives the same body again.
func TestDisableIsIdempotent(t *testing.T) {
	s := testkit.New(t)
	req := testkit.Request{Method: "POST", Path: versionPath(docID, "1", "access/prod/disable"), Token: mock.AdminToken, Body: readFile(t, "productsup", "disable-request.json")}
	for range 3 {
		res := testkit.Do(t, s, req)
		require.Equal(t, 200, res.Status)
		testkit.Golden(t, "productsup/disable-200.json", res.Body)
	}
}

// TestRejectedRequestChangesNothing: one id outside the targets rejects the whole request,
// including the valid ids next to it.
func TestRejectedRequestChangesNothing(t *testing.T) {
	for _, action := range []string{"enable", "disable"} {
		t.Run(action, func(t *testing.T) {
			s := testkit.New(t)
			before, err := s.Productsup().Store().Connector(docID)
			require.NoError(t, err)
			res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: versionPath(docID, "1", "access/prod/"+action), Token: mock.AdminToken,
				Body: `{"accounts":[777,999],"projects":[444],"sites":[666]}`})
			require.Equal(t, 400, res.Status)
			assert.JSONEq(t, fmt.Sprintf(`{"message":"Bad request.","errors":{"accounts":"Account 999 does not belong to target list and you can not %s access to it."}}`, action), string(res.Body))
			after, err := s.Productsup().Store().Connector(docID)
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

// TestAccessFlow walks create -> add targets -> (on the platform) enable -> disable -> show,
// checking each step.
func TestAccessFlow(t *testing.T) {
	s := testkit.New(t)
	admin := func(method, path string, body any) testkit.Response {
		t.Helper()
		return testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: body})
	}

	res := admin("POST", "/connectors", map[string]any{"connector-type": "export", "connector-name": "omdb", "connector-description": "clever description"})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var created struct {
		Message  string       `json:"message"`
		Resource string       `json:"resource"`
		Data     fx.Connector `json:"data"`
	}
	res.JSON(t, &created)
	assert.Equal(t, "Connector created.", created.Message)
	assert.Equal(t, "connector", created.Resource)
	c := created.Data
	assert.Equal(t, "omdb", c.Name)
	assert.Equal(t, "clever description", *c.Description)
	require.Len(t, c.Versions, 1)
	assert.Equal(t, "1.0.0", c.Versions[0].Version)
	assert.Equal(t, "created", c.Versions[0].State)
	assert.Equal(t, fx.Time(testkit.Clock), c.Versions[0].CreatedAt)
	assert.Nil(t, c.Main)

	type versionBody struct {
		Message  string     `json:"message"`
		Resource *string    `json:"resource"`
		Data     fx.Version `json:"data"`
	}
	var v versionBody
	res = admin("POST", versionPath(c.ID, "1", "targets"), map[string]any{"target-accounts": []int{1, 2, 2}, "target-sites": []int{10}})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &v)
	assert.Equal(t, "successful operation", v.Message)
	assert.Nil(t, v.Resource, "targets answers carry no resource key")
	assert.Equal(t, []int64{1, 2}, v.Data.PlatformProdReference.TargetAccounts)
	assert.Equal(t, []int64{10}, v.Data.PlatformProdReference.TargetSites)
	assert.Empty(t, v.Data.PlatformProdReference.TargetProjects)

	res = admin("POST", versionPath(c.ID, "latest", "targets"), map[string]any{"target-accounts": []int{3, 1}})
	require.Equal(t, 200, res.Status)
	res.JSON(t, &v)
	assert.Equal(t, []int64{1, 2, 3}, v.Data.PlatformProdReference.TargetAccounts, "add keeps existing targets")

	// Access is granted on the platform: a created version has no platform connector yet (the
	// enable page: "the connector should have been created on the platform").
	res = admin("POST", versionPath(c.ID, "1", "access/prod/enable"), map[string]any{"accounts": []int{3}})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Transition is not allowed, entity is created.","errors":[]}`, string(res.Body))
	onPlatform, err := s.Productsup().Store().Connector(c.ID)
	require.NoError(t, err)
	onPlatform.Versions[0].PlatformProdReference.PlatformConnector = new(int64(28))
	require.NoError(t, s.Productsup().Store().Put(onPlatform))

	res = admin("POST", versionPath(c.ID, "1", "access/prod/enable"), map[string]any{"accounts": []int{3, 1, 3}, "sites": []int{10}})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &v)
	assert.Equal(t, "Updated access.", v.Message)
	assert.Equal(t, []int64{3, 1}, v.Data.PlatformProdReference.EnabledForAccounts, "appended in request order, never twice")
	assert.Equal(t, []int64{10}, v.Data.PlatformProdReference.EnabledForSites)

	res = admin("POST", versionPath(c.ID, "1", "access/prod/enable"), map[string]any{"accounts": []int{2, 1}})
	require.Equal(t, 200, res.Status)
	res.JSON(t, &v)
	assert.Equal(t, []int64{3, 1, 2}, v.Data.PlatformProdReference.EnabledForAccounts)

	res = admin("POST", versionPath(c.ID, "1", "access/prod/disable"), map[string]any{"accounts": []int{1}})
	require.Equal(t, 200, res.Status)
	res.JSON(t, &v)
	assert.Equal(t, []int64{3, 2}, v.Data.PlatformProdReference.EnabledForAccounts, "removal keeps the order of the rest")
	assert.Equal(t, fx.Time(testkit.Clock), v.Data.UpdatedAt, "access changes leave updated-at alone")

	res = admin("PUT", versionPath(c.ID, "1", "targets"), map[string]any{"target-accounts": []int{2, 4}})
	require.Equal(t, 200, res.Status)
	res.JSON(t, &v)
	assert.Equal(t, []int64{2, 4}, v.Data.PlatformProdReference.TargetAccounts)
	assert.Equal(t, []int64{2}, v.Data.PlatformProdReference.EnabledForAccounts, "a removed target leaves enabled-for too")
	assert.Equal(t, []int64{10}, v.Data.PlatformProdReference.TargetSites, "lists absent from the PUT are left alone")
	assert.Equal(t, []int64{10}, v.Data.PlatformProdReference.EnabledForSites)

	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors/" + c.ID, Token: mock.ReadOnlyToken})
	require.Equal(t, 200, res.Status)
	var shown struct {
		Message string       `json:"message"`
		Data    fx.Connector `json:"data"`
	}
	res.JSON(t, &shown)
	assert.Equal(t, "successful operation", shown.Message)
	assert.Equal(t, v.Data, shown.Data.Versions[0])

	stored, err := s.Productsup().Store().Version(c.ID, "1")
	require.NoError(t, err)
	assert.Equal(t, v.Data, stored, "the HTTP side and the store agree")
}

// TestBadInput: every request that breaks the contract gets the documented 400 shape with the
// offending field as the key and a message naming the problem, and changes nothing.
func TestBadInput(t *testing.T) {
	disable := versionPath(docID, "1", "access/prod/disable")
	tests := []struct {
		name        string
		path        string
		body        any
		contentType string
		key, text   string
	}{
		{"version not a number", versionPath(docID, "abc", "access/prod/disable"), `{}`, "", "connectorVersion", `doesn't match the regular expression`},
		{"version with dots", versionPath(docID, "1.0.0", "access/prod/disable"), `{}`, "", "connectorVersion", `"1.0.0"`},
		{"public id not a uuid", versionPath("not-a-uuid", "1", "access/prod/disable"), `{}`, "", "publicId", "This is not a valid UUID."},
		{"string in accounts", disable, `{"accounts":["777"]}`, "", "accounts", `accounts[0]: value must be an integer, got "777".`},
		{"negative id", disable, `{"sites":[-1]}`, "", "sites", "sites[0]: number must be at least 1"},
		{"fraction", disable, `{"projects":[1.5]}`, "", "projects", "integer"},
		{"not a list", disable, `{"accounts":777}`, "", "accounts", "This value does not have valid array."},
		{"null list", disable, `{"accounts":null}`, "", "accounts", "null"},
		{"unknown property", disable, `{"account":[777]}`, "", "account", "Unknown property."},
		{"malformed JSON", disable, `{"accounts":[777]`, "", "body", "Request body is not valid JSON"},
		{"not an object", disable, `[777]`, "", "body", "must be an object"},
		{"empty body", disable, ``, "", "body", "Request body is required"},
		{"wrong content type", disable, `{"accounts":[777]}`, "text/plain", "Content-Type", `Must be application/json, got "text/plain".`},
		{"number beyond int64", disable, `{"accounts":[99999999999999999999]}`, "", "accounts", "int64"},
		{"exponent notation", disable, `{"accounts":[1e3]}`, "", "body", "Cannot read the JSON body"},
		{"body over 1 MiB", disable, `{"accounts":[` + strings.Repeat("1,", 600_000) + `1]}`, "", "body", "Request body is larger than 1048576 bytes."},
		{"several fields at once", disable, `{"accounts":["a"],"sites":["b"]}`, "", "sites", `sites[0]: value must be an integer, got "b".`},
		{"create without name", "/connectors", `{"connector-type":"export"}`, "", "connector-name", "This value should not be blank."},
		{"create with an empty name", "/connectors", `{"connector-type":"export","connector-name":""}`, "", "connector-name", "This value should not be blank."},
		{"create with unknown type", "/connectors", `{"connector-type":"nope","connector-name":"x"}`, "", "connector-type", "allowed values"},
		{"targets with wrong key", versionPath(docID, "1", "targets"), `{"accounts":[1]}`, "", "accounts", "Unknown property."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			before, _ := s.Productsup().Store().List(productsup.Filter{}, 0, 1000)
			res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: tt.path, Token: mock.AdminToken, Body: tt.body, ContentType: tt.contentType})
			require.Equal(t, 400, res.Status, "%s", res.Body)
			var body struct {
				Message string            `json:"message"`
				Errors  map[string]string `json:"errors"`
			}
			res.JSON(t, &body)
			assert.Equal(t, "Bad request.", body.Message)
			assert.Contains(t, body.Errors, tt.key, "%s", res.Body)
			assert.Contains(t, body.Errors[tt.key], tt.text)
			after, _ := s.Productsup().Store().List(productsup.Filter{}, 0, 1000)
			assert.Equal(t, before, after, "a rejected request changes nothing")
		})
	}
}

// TestRoutingErrors: an unknown route or method gets a JSON body, never gorilla's plain text.
func TestRoutingErrors(t *testing.T) {
	s := testkit.New(t)
	res := testkit.Do(t, s, testkit.Request{Method: "DELETE", Path: versionPath(docID, "1", "access/prod/disable"), Token: mock.AdminToken})
	assert.Equal(t, 405, res.Status)
	assert.Equal(t, "POST", res.Header.Get("Allow"))
	assert.JSONEq(t, `{"message":"Method not allowed."}`, string(res.Body))

	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors/" + docID + "/nope", Token: mock.AdminToken})
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, `{"message":"No operation matches GET /connectors/`+docID+`/nope."}`, string(res.Body))
}

func TestVersionRefs(t *testing.T) {
	s := testkit.New(t)
	store := s.Productsup().Store()
	c := fx.Documented()
	c.ID = "11111111-1111-4111-8111-111111111111"
	v2 := fx.CreatedVersion(c.Name, nil, nil, 2, "2026-06-01T10:00:00+02:00")
	v3 := fx.CreatedVersion(c.Name, nil, nil, 3, "2026-07-01T10:00:00+02:00")
	v2.PlatformProdReference.Released = true
	c.Versions = append(c.Versions, v3, v2) // out of order on purpose
	c.MainVersionNumber = new(int)
	*c.MainVersionNumber = 2
	require.NoError(t, store.Put(c))

	for ref, want := range map[string]string{"1": "1.0.0", "2": "2.0.0", "02": "2.0.0", "latest": "3.0.0", "main": "2.0.0"} {
		v, err := store.Version(c.ID, ref)
		require.NoError(t, err, ref)
		assert.Equal(t, want, v.Version, ref)
	}
	_, err := store.Version(c.ID, "4")
	assert.ErrorIs(t, err, productsup.ErrNotFound)

	got, err := store.Connector(c.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Main)
	assert.Equal(t, "2.0.0", got.Main.Version)
	assert.Equal(t, []string{"1.0.0", "2.0.0", "3.0.0"}, []string{got.Versions[0].Version, got.Versions[1].Version, got.Versions[2].Version})
}

func TestList(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(30))
	type page struct {
		Data     []fx.Connector `json:"data"`
		Metadata struct {
			From, Limit, Count, Total int
			Next                      *int
		} `json:"metadata"`
	}
	seen := map[string]bool{}
	from := 0
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: fmt.Sprintf("/connectors?limit=7&from=%d", from), Token: mock.ReadOnlyToken})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var p page
		res.JSON(t, &p)
		assert.Equal(t, 31, p.Metadata.Total)
		assert.Equal(t, len(p.Data), p.Metadata.Count)
		for _, c := range p.Data {
			assert.False(t, seen[c.ID], "connector %s listed twice", c.ID)
			seen[c.ID] = true
		}
		if p.Metadata.Next == nil {
			break
		}
		from = *p.Metadata.Next
	}
	assert.Len(t, seen, 31)

	filters := map[string]func(fx.Connector) bool{
		"type=export":    func(c fx.Connector) bool { return c.Type == "export" },
		"released=true":  func(c fx.Connector) bool { return c.MainVersionNumber != nil },
		"released=false": func(c fx.Connector) bool { return c.MainVersionNumber == nil },
		"name=GUTKOWSKI": func(c fx.Connector) bool { return c.Name == "gutkowski.net" },
	}
	all, _ := s.Productsup().Store().List(productsup.Filter{}, 0, 100)
	for q, match := range filters {
		var p page
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors?limit=100&" + q, Token: mock.ReadOnlyToken})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		res.JSON(t, &p)
		want := 0
		for _, c := range all {
			if match(c) {
				want++
			}
		}
		assert.NotZero(t, want, "seed gives no connector for %s: pick another filter", q)
		assert.Len(t, p.Data, want, q)
		for _, c := range p.Data {
			assert.True(t, match(c), "%s listed %s", q, c.Name)
		}
	}

	for _, q := range []string{"limit=0", "limit=101", "from=-1", "released=yes", "type=nope", "limit=x"} {
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors?" + q, Token: mock.ReadOnlyToken})
		assert.Equal(t, 400, res.Status, "%s: %s", q, res.Body)
	}
}

func TestStoreReturnsCopies(t *testing.T) {
	s := testkit.New(t)
	store := s.Productsup().Store()
	c, err := store.Connector(docID)
	require.NoError(t, err)
	c.Versions[0].PlatformProdReference.EnabledForAccounts[0] = -1
	c.Versions[0].Config.Buckets = append(c.Versions[0].Config.Buckets, []byte(`1`))
	again, err := store.Connector(docID)
	require.NoError(t, err)
	assert.Equal(t, fx.Documented().Versions[0], again.Versions[0])
}
