package mock_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

var (
	disable = "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable"
	show    = "/connectors/" + productsup.DocumentedID
)

func admin(t *testing.T, s http.Handler, method, path string, body any) testkit.Response {
	t.Helper()
	return testkit.Do(t, s, testkit.Request{Method: method, Path: mock.AdminPrefix + path, Body: body})
}

func TestAdminHealth(t *testing.T) {
	s := testkit.New(t, mock.WithSeed(7), mock.WithConnectors(4))
	res := admin(t, s, "GET", "/health", nil)
	require.Equal(t, 200, res.Status)
	var h mock.Health
	res.JSON(t, &h)
	assert.Equal(t, "ready", h.Status)
	assert.EqualValues(t, 7, h.Seed)
	require.NotEmpty(t, h.Vendors)
	assert.Equal(t, "productsup", h.Vendors[0].Name)
	assert.Equal(t, "/connectors", h.Vendors[0].Prefix)
	assert.Equal(t, map[string]int{"connectors": 5}, h.Vendors[0].Counts)
}

func TestAdminResetAndState(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(3))
	fresh, err := s.State()
	require.NoError(t, err)

	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: `{"accounts":[777]}`})
	require.Equal(t, 200, res.Status)
	changed := admin(t, s, "GET", "/state", nil)
	require.Equal(t, 200, changed.Status)
	assert.NotContains(t, string(changed.Body), `"enabled-for-accounts":[789,987,777]`)

	// export -> import -> export is identical.
	res = admin(t, s, "PUT", "/state", changed.Body)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Equal(t, string(changed.Body), string(res.Body))
	assert.Equal(t, string(changed.Body), string(admin(t, s, "GET", "/state", nil).Body))

	// reset -> the seeded state, journal and faults emptied.
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 404}))
	res = admin(t, s, "POST", "/reset", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, fresh, after)
	assert.Empty(t, s.Requests())
	assert.Empty(t, s.Faults())

	// reset with a new seed -> other generated data, the documented set still there.
	res = admin(t, s, "POST", "/reset", map[string]any{"seed": 99})
	require.Equal(t, 200, res.Status)
	assert.EqualValues(t, 99, s.Seed())
	reseeded, err := s.State()
	require.NoError(t, err)
	assert.NotEqual(t, fresh.Vendors["productsup"], reseeded.Vendors["productsup"])
	_, err = s.Productsup().Store().Connector(productsup.DocumentedID)
	assert.NoError(t, err)

	// restoring the first state brings its seed back too.
	require.NoError(t, s.SetState(fresh))
	assert.Equal(t, fresh.Seed, s.Seed())
}

func TestAdminStateRefusesBadInputAndChangesNothing(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(2))
	before, err := s.State()
	require.NoError(t, err)
	doc := productsup.Documented()
	dup, err := json.Marshal(map[string]any{"connectors": []any{doc, doc}, "created": 0})
	require.NoError(t, err)
	for name, body := range map[string]string{
		"not JSON":       `{`,
		"empty":          ``,
		"unknown key":    `{"seed":1,"vendors":{},"extra":1}`,
		"missing vendor": `{"seed":1,"vendors":{}}`,
		"unknown vendor": `{"seed":1,"vendors":{"productsup":{"connectors":[],"created":0},"acme":{}}}`,
		"repeated id":    `{"seed":1,"vendors":{"productsup":` + string(dup) + `}}`,
		"bad connector":  `{"seed":1,"vendors":{"productsup":{"connectors":[{"id":5}],"created":0}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			res := admin(t, s, "PUT", "/state", body)
			assert.Equal(t, 400, res.Status, "%s", res.Body)
			var e map[string]string
			res.JSON(t, &e)
			assert.NotEmpty(t, e["error"])
			after, err := s.State()
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

// TestAdminStateRefusesBadVendorSnapshots: each vendor refuses a snapshot that breaks its
// store's rules, with a message naming the fault, and nothing changes.
func TestAdminStateRefusesBadVendorSnapshots(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(2))
	before, err := s.State()
	require.NoError(t, err)
	type state = map[string]any
	list := func(v any) []any { return v.([]any) }
	for _, tc := range []struct {
		name, vendor, message string
		spoil                 func(snap state)
	}{
		{"productsup created", "productsup", "created -1: must not be negative", func(snap state) { snap["created"] = -1 }},
		{"productsup repeated connector", "productsup", "connectors[1]: repeated id", func(snap state) {
			cs := list(snap["connectors"])
			cs[1].(state)["id"] = cs[0].(state)["id"]
		}},
		{"productsup id not a UUID", "productsup", `connectors[2]: invalid: id: string doesn't match the format "uuid"`, func(snap state) {
			list(snap["connectors"])[2].(state)["id"] = "x"
		}},
		{"productsup version state", "productsup", `connectors[0]: invalid: versions[0].state: value is not one of the allowed values`, func(snap state) {
			list(list(snap["connectors"])[0].(state)["versions"])[0].(state)["state"] = "gone"
		}},
		{"conductorone repeated app", "conductorone", "apps[1]: repeated id", func(snap state) {
			apps := list(snap["apps"])
			apps[1].(state)["id"] = apps[0].(state)["id"]
		}},
		{"conductorone repeated connector", "conductorone", "connectors[1]: repeated id", func(snap state) {
			cs := list(snap["connectors"])
			cs[1].(state)["connector"].(state)["id"] = cs[0].(state)["connector"].(state)["id"]
		}},
		{"conductorone unknown app", "conductorone", `connectors[0]: invalid: appId: app "nope" not found`, func(snap state) {
			list(snap["connectors"])[0].(state)["connector"].(state)["appId"] = "nope"
		}},
		{"conductorone app without id", "conductorone", `apps[0]: invalid: id: must not be empty`, func(snap state) {
			list(snap["apps"])[0].(state)["id"] = ""
		}},
		{"conductorone connector status", "conductorone", `connectors[1]: invalid: status.status: value is not one of the allowed values`, func(snap state) {
			list(snap["connectors"])[1].(state)["connector"].(state)["status"].(state)["status"] = "SYNC_STATUS_LOST"
		}},
		{"conductorone seq 0", "conductorone", "connectors[0]: seq 0 must be unique", func(snap state) {
			list(snap["connectors"])[0].(state)["seq"] = 0
		}},
		{"conductorone seq beyond", "conductorone", "must be unique and between 1 and seq", func(snap state) {
			list(snap["connectors"])[0].(state)["seq"] = snap["seq"].(float64) + 1
		}},
		{"conductorone repeated seq", "conductorone", "connectors[1]: seq", func(snap state) {
			cs := list(snap["connectors"])
			cs[1].(state)["seq"] = cs[0].(state)["seq"]
		}},
		{"conductorone created", "conductorone", "created -1: must not be negative", func(snap state) { snap["created"] = -1 }},
		{"versori no organisation", "versori", `connectors[0]: invalid: organisationId: string doesn't match the format "ulid"`, func(snap state) {
			list(snap["connectors"])[0].(state)["organisationId"] = ""
		}},
		{"versori repeated connector", "versori", "connectors[1]: repeated id", func(snap state) {
			cs := list(snap["connectors"])
			cs[1].(state)["id"] = cs[0].(state)["id"]
		}},
		{"versori protocol", "versori", `connectors[2]: invalid: protocol: discriminator property "protocol" has invalid value, got "ftp"`, func(snap state) {
			list(snap["connectors"])[2].(state)["protocol"] = "ftp"
		}},
		{"versori created", "versori", "created -1: must not be negative", func(snap state) { snap["created"] = -1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(before)
			require.NoError(t, err)
			var all state
			require.NoError(t, json.Unmarshal(raw, &all))
			tc.spoil(all["vendors"].(state)[tc.vendor].(state))
			body, err := json.Marshal(all)
			require.NoError(t, err)
			res := admin(t, s, "PUT", "/state", string(body))
			assert.Equal(t, 400, res.Status, "%s", res.Body)
			var e map[string]string
			res.JSON(t, &e)
			assert.Contains(t, e["error"], tc.vendor+" state: ")
			assert.Contains(t, e["error"], tc.message)
			after, err := s.State()
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

func TestAdminRequests(t *testing.T) {
	s := testkit.New(t, mock.WithJournalSize(3))
	for i := range 5 {
		testkit.Do(t, s, testkit.Request{Method: "GET", Path: fmt.Sprintf("/connectors?from=%d", i), Token: mock.ReadOnlyToken})
	}
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/nowhere"})
	res := admin(t, s, "GET", "/requests", nil)
	require.Equal(t, 200, res.Status)
	var j struct{ Requests []mock.Request }
	res.JSON(t, &j)
	require.Len(t, j.Requests, 3, "the journal keeps the last n")
	assert.Equal(t, "connector_list", j.Requests[0].OperationID)
	assert.Equal(t, "connector_list", j.Requests[1].OperationID)
	last := j.Requests[2]
	assert.Equal(t, "/nowhere", last.Path)
	assert.Equal(t, 404, last.Status)
	assert.True(t, last.Unmatched())
	assert.Contains(t, last.Error, "no API is served")
	assert.WithinDuration(t, time.Now(), j.Requests[0].Time, time.Minute, "wall-clock time, not the mock's clock")

	assert.Equal(t, 204, admin(t, s, "DELETE", "/requests", nil).Status)
	assert.Empty(t, s.Requests())
	assert.JSONEq(t, `{"requests":[]}`, string(admin(t, s, "GET", "/requests", nil).Body))
}

func TestJournalStaysBounded(t *testing.T) {
	s := testkit.New(t)
	for range 2500 {
		testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/nowhere"})
	}
	assert.Len(t, s.Requests(), mock.DefaultJournalSize)
}

func TestAdminFaults(t *testing.T) {
	s := testkit.New(t)
	res := admin(t, s, "POST", "/faults", `{"operationId":"connector_disable_prod_access","status":404,"count":2}`)
	require.Equal(t, 201, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{"operationId":"connector_disable_prod_access","status":404,"count":2}`, string(res.Body))

	before, _ := s.State()
	for i := range 3 {
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: `{"accounts":[777]}`})
		if i < 2 {
			assert.Equal(t, 404, res.Status)
			assert.JSONEq(t, `{"message":"Connector not found."}`, string(res.Body), "the documented body")
			after, _ := s.State()
			assert.Equal(t, before, after, "a faulted call changes nothing")
		} else {
			assert.Equal(t, 200, res.Status, "the fault is used up")
		}
	}

	for name, body := range map[string]string{
		"unknown operation":     `{"operationId":"nope","status":404}`,
		"undocumented status":   `{"operationId":"connector_show","status":418}`,
		"nothing to do":         `{"operationId":"connector_show"}`,
		"negative count":        `{"operationId":"connector_show","status":404,"count":-1}`,
		"delay too long":        `{"operationId":"connector_show","delay":"2h"}`,
		"bad delay":             `{"operationId":"connector_show","delay":"soon"}`,
		"unknown field":         `{"operationId":"connector_show","status":404,"percent":50}`,
		"status before a token": `{"status":404}`,
	} {
		res := admin(t, s, "POST", "/faults", body)
		assert.Equal(t, 400, res.Status, "%s: %s", name, res.Body)
	}
	res = admin(t, s, "POST", "/faults", `{"operationId":"connector_show","status":403}`)
	assert.Contains(t, string(res.Body), `"count":1`)
	res = admin(t, s, "GET", "/faults", nil)
	assert.JSONEq(t, `{"faults":[{"operationId":"connector_show","status":403,"count":1}]}`, string(res.Body))
	assert.Equal(t, 204, admin(t, s, "DELETE", "/faults", nil).Status)
	assert.Empty(t, s.Faults())
}

func TestFaultDelay(t *testing.T) {
	s := testkit.New(t)
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Delay: 30 * time.Millisecond}))
	start := time.Now()
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken})
	assert.Equal(t, 200, res.Status, "a delay-only fault still serves the call")
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	assert.Empty(t, s.Requests()[0].Error)
}

func TestAdminGuardAndSwitch(t *testing.T) {
	s := testkit.New(t, mock.WithAdminToken("sesame"))
	assert.Equal(t, 401, admin(t, s, "GET", "/health", nil).Status)
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/__admin/health", Token: mock.AdminToken})
	assert.Equal(t, 401, res.Status, "a vendor token is not the admin token")
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/__admin/health", Token: "sesame"})
	assert.Equal(t, 200, res.Status)

	off := testkit.New(t, mock.WithoutAdmin())
	res = admin(t, off, "GET", "/health", nil)
	assert.Equal(t, 404, res.Status)
	assert.Contains(t, string(res.Body), "no API is served")

	res = admin(t, s, "GET", "/nope", nil)
	assert.Equal(t, 401, res.Status)
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/__admin/nope", Token: "sesame"})
	assert.Equal(t, 404, res.Status)
	res = testkit.Do(t, s, testkit.Request{Method: "DELETE", Path: "/__admin/health", Token: "sesame"})
	assert.Equal(t, 405, res.Status)
	assert.Equal(t, "GET", res.Header.Get("Allow"))
}

func TestPrefer(t *testing.T) {
	tests := []struct {
		name, method, path, prefer string
		status                     int
		body                       string
	}{
		{"code=404 answers the documented body", "POST", disable, "code=404", 404, `{"message":"Connector not found."}`},
		{"code=401 even with a good token", "GET", show, "code=401", 401, `{"message":"You have to be authorized to access this resource."}`},
		{"undocumented code", "GET", show, "code=418", 400, `documented: 200, 400, 401, 403, 404`},
		{"not a code", "GET", show, "code=abc", 400, `want an HTTP status`},
		{"unknown example", "GET", show, "example=nope", 400, `No example \"nope\"`},
		{"bad delay", "GET", show, "delay=forever", 400, `want a duration`},
		{"unknown preference ignored", "GET", show, "respond-async", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			before, _ := s.State()
			res := testkit.Do(t, s, testkit.Request{Method: tt.method, Path: tt.path, Token: mock.AdminToken, Body: map[string]any{},
				Header: http.Header{"Prefer": {tt.prefer}}})
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
			if strings.HasPrefix(tt.body, "{") {
				assert.JSONEq(t, tt.body, string(res.Body))
			} else {
				assert.Contains(t, string(res.Body), tt.body)
			}
			after, _ := s.State()
			assert.Equal(t, before, after, "an answer Prefer chose never touches state")
		})
	}

	s := testkit.New(t)
	start := time.Now()
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.ReadOnlyToken, Header: http.Header{"Prefer": {"delay=40ms"}}})
	assert.Equal(t, 200, res.Status)
	assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)
	// A success code is the operation's own answer: prefer_test.go.
}

// TestReviewRegressions pins fixes from a review: percent-encoded path parameters reach the
// handlers decoded, trailing data after a JSON body is refused, forced answers are not
// "unmatched", Versori's default responses accept only statuses with a body, prefixes end at a
// segment, and a panic is journaled.
func TestReviewRegressions(t *testing.T) {
	s := testkit.New(t)
	versions := "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P/connectors/01JQQEESWY391NGMH0BV4G0BAV/versions"
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: versions, Token: mock.AdminToken, Body: `{"name":"release 2"}`})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: versions + "/release%202", Token: mock.AdminToken})
	assert.Equal(t, 200, res.Status, "a version named with a space is reachable: %s", res.Body)

	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: `{"accounts":[777]} trailing`})
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), "data after its JSON value")

	s.ClearRequests()
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 400}))
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken})
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken, Header: http.Header{"Prefer": {"code=400"}}})
	for _, r := range s.Requests() {
		assert.True(t, r.Forced, r.Error)
		assert.False(t, r.Unmatched(), "a forced answer is what the test asked for")
	}

	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P/connectors/01JQQEESWY391NGMH0BV4G0BAV",
		Token: mock.AdminToken, Header: http.Header{"Prefer": {"code=503"}}})
	assert.Equal(t, 400, res.Status, "503 has no documented body: %s", res.Body)
	assert.Error(t, s.AddFault(mock.Fault{OperationID: "GetConnector", Status: 429}))

	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectorsfoo", Token: mock.AdminToken})
	assert.Equal(t, 404, res.Status)
	assert.Contains(t, string(res.Body), "no API is served", "a prefix ends at a segment")
}

// TestSetStateCarriesTheSeed: a state restored into a server of another seed creates the ids
// the exporting server would have created.
func TestSetStateCarriesTheSeed(t *testing.T) {
	a := testkit.New(t, mock.WithSeed(42))
	b := testkit.New(t)
	st, err := a.State()
	require.NoError(t, err)
	require.NoError(t, b.SetState(st))
	create := testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: `{"connector-type":"export","connector-name":"x"}`}
	ra, rb := testkit.Do(t, a, create), testkit.Do(t, b, create)
	require.Equal(t, 200, ra.Status)
	assert.Equal(t, string(ra.Body), string(rb.Body))
}
