package versori_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
	"github.com/connectormock/connectormock/openapi"
)

const (
	docOrg   = fx.DocumentedOrganisationID
	docID    = fx.DocumentedConnectorID
	docASC   = fx.DocumentedAuthSchemeConfigID
	otherOrg = "01JTJJEWXWNVE4XGCY2G7A8000" // no connectors: an organisation the mock does not know
	unknown  = "01JQQEESWY391NGMH0BV4G0000"
	// scopedToken may act in the documented organisation only.
	scopedToken = "org-token"
)

func connectorPath(org, id string) string {
	return "/api/connect/v1/o/" + org + "/connectors/" + id
}

func listPath(org string, q url.Values) string {
	p := "/api/connect/v1/o/" + org + "/connectors"
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	return p
}

func readFile(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testkit.Testdata(parts...))
	require.NoError(t, err)
	return b
}

func do(t *testing.T, s http.Handler, method, path string, body any) testkit.Response {
	t.Helper()
	return testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: body})
}

// jsonMap decodes a body into a generic map, for comparisons field by field.
func jsonMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	return m
}

// TestDocumentedExamples replays the documented requests and the mock's error cases and
// compares each answer with its golden body.
func TestDocumentedExamples(t *testing.T) {
	doc := connectorPath(docOrg, docID)
	seedReq := readFile(t, "versori", "update-connector-request.json")
	var noBaseURL map[string]any
	require.NoError(t, json.Unmarshal(seedReq, &noBaseURL))
	delete(noBaseURL, "baseUrl")
	tests := []struct {
		name   string
		req    testkit.Request
		status int
		golden string
	}{
		{"200 update (seed)", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken, Body: seedReq}, 200, "update-connector-200.json"},
		{"200 get", testkit.Request{Method: "GET", Path: doc, Token: mock.ReadOnlyToken}, 200, "get-connector-200.json"},
		{"200 get lowercase ids", testkit.Request{Method: "GET", Path: connectorPath("01jtjjewxwnve4xgcy2g7a878p", "01jqqeeswy391ngmh0bv4g0bav"), Token: scopedToken}, 200, "get-connector-200.json"},
		{"400 missing baseUrl", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken, Body: noBaseURL}, 400, "400-missing-baseurl.json"},
		{"400 every bad field", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken,
			Body: `{"id":"x","organisationId":5,"protocol":"http","public":"yes","connectionVariables":[{"value":"v"}],"tags":{"a":"b"}}`}, 400, "400-fields.json"},
		{"400 ids differ from path", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken,
			Body: `{"id":"` + unknown + `","organisationId":"` + otherOrg + `","name":"n","protocol":"bigquery","datasetId":"p.d","authSchemeConfigIds":["` + unknown + `","` + docASC + `","` + docASC + `"]}`}, 400, "400-rules.json"},
		{"400 unknown protocol", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken, Body: `{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"ftp"}`}, 400, "400-protocol.json"},
		{"400 malformed JSON", testkit.Request{Method: "PUT", Path: doc, Token: mock.AdminToken, Body: `{"id":`}, 400, "400-json.json"},
		{"401 no token", testkit.Request{Method: "GET", Path: doc}, 401, "401.json"},
		{"401 unknown token", testkit.Request{Method: "GET", Path: doc, Token: "nope"}, 401, "401-unknown.json"},
		{"403 read-only writes", testkit.Request{Method: "PUT", Path: doc, Token: mock.ReadOnlyToken, Body: seedReq}, 403, "403-readonly.json"},
		{"403 token of another organisation", testkit.Request{Method: "GET", Path: connectorPath(otherOrg, docID), Token: scopedToken}, 403, "403-organisation.json"},
		{"403 before validation", testkit.Request{Method: "PUT", Path: connectorPath(otherOrg, docID), Token: scopedToken, Body: "{"}, 403, "403-organisation.json"},
		{"404 connector of another organisation", testkit.Request{Method: "GET", Path: connectorPath(otherOrg, docID), Token: mock.AdminToken}, 404, "404-connector.json"},
		{"404 unknown version", testkit.Request{Method: "GET", Path: doc + "/versions/9.9.9", Token: mock.AdminToken}, 404, "404-version.json"},
		{"404 no such route", testkit.Request{Method: "GET", Path: doc + "/nope", Token: mock.AdminToken}, 404, "404-route.json"},
		{"405", testkit.Request{Method: "PATCH", Path: doc, Token: mock.AdminToken}, 405, "405.json"},
		{"409 delete in use", testkit.Request{Method: "DELETE", Path: doc, Token: mock.AdminToken}, 409, "409-delete.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			res := testkit.Do(t, s, tt.req)
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
			testkit.Golden(t, "versori/"+tt.golden, res.Body)
		})
	}
}

// TestSeedRoundTrip: PUT the seed's body, then GET answers exactly what was put plus the
// fields the server sets.
func TestSeedRoundTrip(t *testing.T) {
	s := newServer(t)
	before, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	seedReq := readFile(t, "versori", "update-connector-request.json")
	put := do(t, s, "PUT", connectorPath(docOrg, docID), seedReq)
	require.Equal(t, 200, put.Status, "%s", put.Body)
	get := do(t, s, "GET", connectorPath(docOrg, docID), nil)
	require.Equal(t, 200, get.Status)
	assert.JSONEq(t, string(put.Body), string(get.Body), "GET answers what PUT answered")

	sent, got := jsonMap(t, seedReq), jsonMap(t, get.Body)
	for k, v := range sent {
		if k == "authSchemeConfigIds" {
			continue // not a Connector field: it orders authSchemeConfigs
		}
		assert.Equal(t, v, got[k], "field %s", k)
	}
	var c fx.Connector
	get.JSON(t, &c)
	require.Len(t, c.AuthSchemeConfigs, 1)
	assert.Equal(t, before.AuthSchemeConfigs, c.AuthSchemeConfigs, "authSchemeConfigs resolved from the ids")
	assert.Equal(t, before.CreatedAt, c.CreatedAt, "createdAt unchanged")
	assert.Equal(t, testkit.Clock, c.UpdatedAt, "updatedAt is the mock clock")
	assert.Equal(t, before.Versions, c.Versions, "versions as stored")
	require.Len(t, c.Connections, 1)
	assert.Equal(t, before.Connections[0].Credentials.Action[0].Credential.Data, c.Connections[0].Credentials.Action[0].Credential.Data)
	assert.Equal(t, before.Connections[0].ID, c.Connections[0].ID, "connections as stored")
	assert.Equal(t, before.Connections[0].Variables, c.Connections[0].Variables, "connection variables of connections are left alone")
	for k := range got {
		_, put := sent[k]
		server := map[string]bool{"authSchemeConfigs": true, "connections": true, "versions": true, "createdAt": true, "updatedAt": true}
		assert.True(t, put || server[k], "GET has field %s that was neither put nor server-set", k)
	}
}

// TestUpdateIsAFullReplace: optional fields missing from the body are cleared.
func TestUpdateIsAFullReplace(t *testing.T) {
	s := newServer(t)
	body := jsonMap(t, readFile(t, "versori", "update-connector-request.json"))
	for _, k := range []string{"imageURL", "documentationURL", "tags", "public", "connectionVariables", "authSchemeConfigIds"} {
		delete(body, k)
	}
	res := do(t, s, "PUT", connectorPath(docOrg, docID), body)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	got := jsonMap(t, do(t, s, "GET", connectorPath(docOrg, docID), nil).Body)
	for _, k := range []string{"imageURL", "documentationURL", "tags", "connectionVariables"} {
		assert.NotContains(t, got, k, "a missing %s is cleared", k)
	}
	assert.Equal(t, false, got["public"], "a missing public is false")
	assert.Len(t, got["authSchemeConfigs"], 1, "a missing authSchemeConfigIds leaves the configs alone")
}

// TestUpdateReordersAuthSchemeConfigs: authSchemeConfigIds orders the configs; the ones it
// leaves out follow, in their order.
func TestUpdateReordersAuthSchemeConfigs(t *testing.T) {
	s := newServer(t)
	c := fx.Documented()
	c.ID = "01JQQEESWY391NGMH0BV4G0AAA"
	a, b, d := c.AuthSchemeConfigs[0], c.AuthSchemeConfigs[0], c.AuthSchemeConfigs[0]
	b.ID, b.Description = "01JV8TMEFKPCQ0K4HJXA885BBB", "second"
	d.ID, d.Description = "01JV8TMEFKPCQ0K4HJXA885DDD", "third"
	c.AuthSchemeConfigs = []fx.AuthSchemeConfig{a, b, d}
	require.NoError(t, s.Versori().Store().Put(c))
	body := map[string]any{"id": c.ID, "organisationId": docOrg, "name": "n", "protocol": "http", "baseUrl": "https://x",
		"authSchemeConfigIds": []string{d.ID, a.ID}}
	res := do(t, s, "PUT", connectorPath(docOrg, c.ID), body)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var got fx.Connector
	res.JSON(t, &got)
	assert.Equal(t, []fx.AuthSchemeConfig{d, a, b}, got.AuthSchemeConfigs)
}

// TestRejectedUpdateChangesNothing: every bad PUT is a 400 naming its fields and leaves the
// store as it was.
func TestRejectedUpdateChangesNothing(t *testing.T) {
	valid := func() map[string]any {
		return map[string]any{"id": docID, "organisationId": docOrg, "name": "n", "protocol": "http", "baseUrl": "https://x"}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	without := func(k string) map[string]any { m := valid(); delete(m, k); return m }
	tests := []struct {
		name   string
		body   any
		fields []string
	}{
		{"missing baseUrl", without("baseUrl"), []string{"baseUrl"}},
		{"missing name", without("name"), []string{"name"}},
		{"missing id", without("id"), []string{"id"}},
		{"missing protocol", without("protocol"), []string{"body"}},
		{"id of another connector", with("id", unknown), []string{"id"}},
		{"organisation of another", with("organisationId", otherOrg), []string{"organisationId"}},
		{"protocol change", map[string]any{"id": docID, "organisationId": docOrg, "name": "n", "protocol": "bigquery", "datasetId": "p.d"}, []string{"protocol"}},
		{"unknown auth scheme config", with("authSchemeConfigIds", []string{unknown}), []string{"authSchemeConfigIds[0]"}},
		{"repeated auth scheme config", with("authSchemeConfigIds", []string{docASC, docASC}), []string{"authSchemeConfigIds[1]"}},
		{"bad connection variable", with("connectionVariables", []any{map[string]any{"name": 1, "value": "v"}}), []string{"connectionVariables[0].name"}},
		{"tags not lists", with("tags", map[string]any{"k": "v"}), []string{"tags.k"}},
		{"null name", with("name", nil), []string{"name"}},
		{"not an object", `[1]`, []string{"body"}},
		{"empty body", ``, []string{"body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			before, err := s.Versori().Store().Connector(docOrg, docID)
			require.NoError(t, err)
			res := do(t, s, "PUT", connectorPath(docOrg, docID), tt.body)
			require.Equal(t, 400, res.Status, "%s", res.Body)
			var e struct {
				Code   string `json:"code"`
				Fields []struct{ Field, Message string }
			}
			res.JSON(t, &e)
			assert.Equal(t, "bad_request", e.Code)
			var names []string
			for _, f := range e.Fields {
				names = append(names, f.Field)
				assert.NotEmpty(t, f.Message)
			}
			assert.Equal(t, tt.fields, names, "%s", res.Body)
			after, err := s.Versori().Store().Connector(docOrg, docID)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a rejected request changes nothing")
		})
	}
}

// TestOrganisationIsolation: under another organisation a connector does not exist (404), and
// a token scoped to one organisation is refused in every other (403), before anything else.
func TestOrganisationIsolation(t *testing.T) {
	s := newServer(t)
	seedReq := readFile(t, "versori", "update-connector-request.json")
	for _, r := range []struct{ method, path string }{
		{"GET", connectorPath(otherOrg, docID)},
		{"PUT", connectorPath(otherOrg, docID)},
		{"DELETE", connectorPath(otherOrg, docID)},
		{"GET", connectorPath(otherOrg, docID) + "/versions"},
		{"GET", connectorPath(otherOrg, docID) + "/versions/latest"},
		{"DELETE", connectorPath(otherOrg, docID) + "/versions/1.0.0"},
	} {
		var body any
		if r.method == "PUT" {
			body = seedReq
		}
		res := do(t, s, r.method, r.path, body)
		assert.Equal(t, 404, res.Status, "%s %s: %s", r.method, r.path, res.Body)
		res = testkit.Do(t, s, testkit.Request{Method: r.method, Path: r.path, Token: scopedToken, Body: body})
		assert.Equal(t, 403, res.Status, "scoped token, %s %s: %s", r.method, r.path, res.Body)
	}
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: listPath(otherOrg, nil), Token: scopedToken})
	assert.Equal(t, 403, res.Status)
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: listPath(docOrg, nil), Token: scopedToken})
	require.Equal(t, 200, res.Status)

	res = do(t, s, "GET", listPath(otherOrg, nil), nil)
	require.Equal(t, 200, res.Status)
	assert.JSONEq(t, `{"totalCount":0,"connectors":[]}`, string(res.Body), "an organisation without connectors lists none")

	orgs := fx.Organisations(fixtures.DefaultSeed)
	for _, org := range orgs {
		var page versori.ConnectorPage
		do(t, s, "GET", listPath(org, url.Values{"first": {"100"}}), nil).JSON(t, &page)
		assert.NotZero(t, page.TotalCount, "seed leaves organisation %s empty", org)
		for _, c := range page.Connectors {
			assert.Equal(t, org, c.OrganisationID)
			other := orgs[0]
			if other == org {
				other = orgs[1]
			}
			assert.Equal(t, 404, do(t, s, "GET", connectorPath(other, c.ID), nil).Status)
		}
	}
}

// TestPagination walks the pages forwards with next and back with prev: every connector of
// the organisation is visited once each way, in opposite orders.
func TestPagination(t *testing.T) {
	s := newServer(t, mock.WithConnectors(60))
	for _, sortBy := range []string{"", "name:asc", "createdAt:asc,name:desc", "protocol:desc"} {
		t.Run("sort="+sortBy, func(t *testing.T) {
			q := url.Values{"first": {"4"}}
			if sortBy != "" {
				q.Set("sort", sortBy)
			}
			var all versori.ConnectorPage
			do(t, s, "GET", listPath(docOrg, url.Values{"first": {"1000"}, "sort": q["sort"]}), nil).JSON(t, &all)
			require.Greater(t, all.TotalCount, 8, "want several pages")
			require.Len(t, all.Connectors, all.TotalCount)
			want := make([]string, len(all.Connectors))
			for i, c := range all.Connectors {
				want[i] = c.ID
			}

			var forward []string
			var page versori.ConnectorPage
			do(t, s, "GET", listPath(docOrg, q), nil).JSON(t, &page)
			assert.Empty(t, page.Prev, "the first page has no prev")
			for pages := 0; ; pages++ {
				require.Less(t, pages, 50)
				assert.Equal(t, all.TotalCount, page.TotalCount)
				assert.LessOrEqual(t, len(page.Connectors), 4)
				for _, c := range page.Connectors {
					forward = append(forward, c.ID)
				}
				if page.Next == "" {
					break
				}
				q.Set("after", page.Next)
				page = versori.ConnectorPage{}
				res := do(t, s, "GET", listPath(docOrg, q), nil)
				require.Equal(t, 200, res.Status, "%s", res.Body)
				res.JSON(t, &page)
			}
			assert.Equal(t, want, forward, "forwards: every connector once, in order")

			var backward []string
			q.Del("after")
			for pages := 0; ; pages++ {
				require.Less(t, pages, 50)
				for i := len(page.Connectors) - 1; i >= 0; i-- {
					backward = append(backward, page.Connectors[i].ID)
				}
				if page.Prev == "" {
					break
				}
				q.Set("before", page.Prev)
				page = versori.ConnectorPage{}
				res := do(t, s, "GET", listPath(docOrg, q), nil)
				require.Equal(t, 200, res.Status, "%s", res.Body)
				res.JSON(t, &page)
				assert.NotEmpty(t, page.Next, "a page before another has a next")
			}
			for i, j := 0, len(backward)-1; i < j; i, j = i+1, j-1 {
				backward[i], backward[j] = backward[j], backward[i]
			}
			assert.Equal(t, want, backward, "backwards: every connector once")
		})
	}
}

// TestCursorsAreStable: a cursor keeps pointing after the same connector when others are
// created or deleted.
func TestCursorsAreStable(t *testing.T) {
	s := newServer(t, mock.WithConnectors(30))
	q := url.Values{"first": {"3"}, "sort": {"name:asc"}}
	var p1, p2, again versori.ConnectorPage
	do(t, s, "GET", listPath(docOrg, q), nil).JSON(t, &p1)
	require.NotEmpty(t, p1.Next)
	q.Set("after", p1.Next)
	do(t, s, "GET", listPath(docOrg, q), nil).JSON(t, &p2)
	require.Equal(t, 204, do(t, s, "DELETE", connectorPath(docOrg, p1.Connectors[0].ID)+"?force=true", nil).Status)
	res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/connectors", map[string]any{"name": "AAA first", "baseUrl": "https://a", "authSchemeConfigs": []any{}, "connections": []any{}})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	do(t, s, "GET", listPath(docOrg, q), nil).JSON(t, &again)
	assert.Equal(t, p2.Connectors, again.Connectors)
	assert.Equal(t, p2.TotalCount, again.TotalCount, "one created, one deleted")
}

func TestListFilters(t *testing.T) {
	s := newServer(t, mock.WithConnectors(60))
	var all versori.ConnectorPage
	do(t, s, "GET", listPath(docOrg, url.Values{"first": {"1000"}}), nil).JSON(t, &all)
	filters := map[string]func(fx.Connector) bool{
		"protocol=BIG":           func(c fx.Connector) bool { return c.Protocol == "bigquery" },
		"protocol=http":          func(c fx.Connector) bool { return c.Protocol == "http" },
		"name=WEATHER":           func(c fx.Connector) bool { return c.Name == "Open Weather" },
		"tags=category:weather":  func(c fx.Connector) bool { return c.ID == docID },
		"tags=category":          func(c fx.Connector) bool { return c.Tags["category"] != nil },
		"categories=CRM":         func(fx.Connector) bool { return false }, // seeded connectors have no category
		"name=e&protocol=h":      func(c fx.Connector) bool { return c.Protocol == "http" && containsFold(c.Name, "e") },
		"tags=category,nope:zzz": func(fx.Connector) bool { return false },
	}
	for q, match := range filters {
		t.Run(q, func(t *testing.T) {
			res := do(t, s, "GET", listPath(docOrg, nil)+"?first=1000&"+q, nil)
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var page versori.ConnectorPage
			res.JSON(t, &page)
			var want []string
			for _, c := range all.Connectors {
				if match(c) {
					want = append(want, c.ID)
				}
			}
			var got []string
			for _, c := range page.Connectors {
				got = append(got, c.ID)
			}
			assert.Equal(t, want, got)
			assert.Equal(t, len(want), page.TotalCount)
		})
	}
	for _, q := range []string{"first=0", "first=x", "sort=name", "sort=colour:asc", "sort=name:up", "after=garbage", "before=bm9wZQ", "tags=:v", "categories=Nope"} {
		t.Run("400 "+q, func(t *testing.T) {
			res := do(t, s, "GET", listPath(docOrg, nil)+"?"+q, nil)
			assert.Equal(t, 400, res.Status, "%s", res.Body)
		})
	}
	var p versori.ConnectorPage
	do(t, s, "GET", listPath(docOrg, url.Values{"first": {"2"}}), nil).JSON(t, &p)
	res := do(t, s, "GET", listPath(docOrg, url.Values{"after": {p.Next}, "sort": {"name:asc"}}), nil)
	require.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), `"field":"after"`, "a cursor of another sort names the parameter")
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestConnectorLifecycle: create (http and bigquery) -> get -> list -> delete, with the 409
// of a connector in use and its force override.
func TestConnectorLifecycle(t *testing.T) {
	s := newServer(t)
	httpBody := map[string]any{
		"name":                "Acme CRM",
		"baseUrl":             "https://api.acme.example",
		"public":              true,
		"tags":                map[string]any{"category": []string{"crm"}},
		"connectionVariables": []any{map[string]any{"name": "tenant", "value": "acme"}},
		"authSchemeConfigs": []any{
			map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885AAA", "description": "API key", "schemeType": "api-key", "name": "X-Key", "in": "header",
				"validationMessages": []any{map[string]any{"text": "ignored", "severity": "info"}}},
		},
		"connections": []any{map[string]any{
			"name":      "production",
			"variables": []any{map[string]any{"name": "tenant", "value": "acme-prod"}},
			"credentials": map[string]any{"action": []any{map[string]any{
				"authSchemeConfig": map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885AAA", "description": "API key", "schemeType": "api-key", "name": "X-Key", "in": "header"},
				"credential":       map[string]any{"name": "acme key", "type": "string", "data": map[string]any{"value": "s3cret"}},
			}}},
		}},
	}
	res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/connectors", httpBody)
	require.Equal(t, 201, res.Status, "%s", res.Body)
	assert.NotContains(t, string(res.Body), "s3cret", "secrets are redacted")
	testkit.Golden(t, "versori/create-http-201.json", res.Body)
	var created fx.Connector
	res.JSON(t, &created)
	assert.Equal(t, docOrg, created.OrganisationID)
	assert.Equal(t, testkit.Clock, created.CreatedAt)
	assert.Empty(t, created.AuthSchemeConfigs[0].ValidationMessages, "validationMessages sent in are ignored")
	require.Len(t, created.Connections, 1)
	assert.Equal(t, fixtures.RawJSON(`{"value":"REDACTED"}`), created.Connections[0].Credentials.Action[0].Credential.Data)

	get := do(t, s, "GET", connectorPath(docOrg, created.ID), nil)
	require.Equal(t, 200, get.Status)
	assert.JSONEq(t, string(res.Body), string(get.Body))

	var page versori.ConnectorPage
	do(t, s, "GET", listPath(docOrg, url.Values{"first": {"1"}}), nil).JSON(t, &page)
	require.Len(t, page.Connectors, 1)
	assert.Equal(t, created.ID, page.Connectors[0].ID, "the newest update lists first")

	res = do(t, s, "DELETE", connectorPath(docOrg, created.ID), nil)
	assert.Equal(t, 409, res.Status, "%s", res.Body)
	res = do(t, s, "DELETE", connectorPath(docOrg, created.ID)+"?force=false", nil)
	assert.Equal(t, 409, res.Status, "%s", res.Body)
	assert.Equal(t, 200, do(t, s, "GET", connectorPath(docOrg, created.ID), nil).Status, "a refused delete keeps the connector")
	res = do(t, s, "DELETE", connectorPath(docOrg, created.ID)+"?force=true", nil)
	assert.Equal(t, 204, res.Status, "%s", res.Body)
	assert.Empty(t, res.Body)
	assert.Equal(t, 404, do(t, s, "GET", connectorPath(docOrg, created.ID), nil).Status)
	assert.Equal(t, 404, do(t, s, "DELETE", connectorPath(docOrg, created.ID), nil).Status)
	assert.Equal(t, 400, do(t, s, "DELETE", connectorPath(docOrg, created.ID)+"?force=maybe", nil).Status)

	bq := map[string]any{"name": "Warehouse", "datasetId": "acme-prod.sales", "connections": []any{}}
	res = do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/bigquery/connectors", bq)
	require.Equal(t, 201, res.Status, "%s", res.Body)
	testkit.Golden(t, "versori/create-bigquery-201.json", res.Body)
	var b fx.Connector
	res.JSON(t, &b)
	assert.Equal(t, "bigquery", b.Protocol)
	assert.NotEqual(t, created.ID, b.ID)
	assert.Equal(t, 204, do(t, s, "DELETE", connectorPath(docOrg, b.ID), nil).Status, "no connections: no force needed")
}

func TestCreateRejections(t *testing.T) {
	cfg := func(id string) map[string]any {
		return map[string]any{"id": id, "description": "d", "schemeType": "none"}
	}
	tests := []struct {
		name, protocol string
		body           any
		fields         []string
	}{
		{"http without baseUrl", "http", map[string]any{"name": "n", "authSchemeConfigs": []any{}, "connections": []any{}}, []string{"baseUrl"}},
		{"http without authSchemeConfigs", "http", map[string]any{"name": "n", "baseUrl": "https://x"}, []string{"authSchemeConfigs"}},
		{"bigquery without datasetId", "bigquery", map[string]any{"name": "n", "connections": []any{}}, []string{"datasetId"}},
		{"repeated auth scheme config", "http", map[string]any{"name": "n", "baseUrl": "https://x", "connections": []any{},
			"authSchemeConfigs": []any{cfg(docASC), cfg(docASC)}}, []string{"authSchemeConfigs[1].id"}},
		{"unknown scheme type", "http", map[string]any{"name": "n", "baseUrl": "https://x", "connections": []any{},
			"authSchemeConfigs": []any{map[string]any{"id": docASC, "description": "d", "schemeType": "magic"}}}, []string{"authSchemeConfigs[0].schemeType"}},
		{"repeated connection name", "bigquery", map[string]any{"name": "n", "datasetId": "p.d", "connections": []any{
			map[string]any{"name": "prod", "variables": []any{}, "credentials": map[string]any{}},
			map[string]any{"name": "prod", "variables": []any{}, "credentials": map[string]any{}},
		}}, []string{"connections[1].name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t)
			before := s.Versori().Store().Len()
			res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/"+tt.protocol+"/connectors", tt.body)
			require.Equal(t, 400, res.Status, "%s", res.Body)
			var e struct{ Fields []struct{ Field string } }
			res.JSON(t, &e)
			var names []string
			for _, f := range e.Fields {
				names = append(names, f.Field)
			}
			assert.Equal(t, tt.fields, names, "%s", res.Body)
			assert.Equal(t, before, s.Versori().Store().Len())
		})
	}
}

// TestVersions: list, create, get by name and by the reserved names, publish, make default,
// immutability of published versions, delete with and without force.
func TestVersions(t *testing.T) {
	s := newServer(t)
	base := connectorPath(docOrg, docID) + "/versions"
	var page versori.VersionPage
	res := do(t, s, "GET", base, nil)
	require.Equal(t, 200, res.Status)
	testkit.Golden(t, "versori/list-versions-200.json", res.Body)

	res = do(t, s, "POST", base, map[string]any{"name": "2.0.0", "fromVersion": "latest"})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	testkit.Golden(t, "versori/create-version-201.json", res.Body)
	var v2 fx.Version
	res.JSON(t, &v2)
	assert.Nil(t, v2.PublishedAt, "created as a draft")
	assert.False(t, v2.IsLatest)
	assert.Equal(t, "First release", v2.Description, "copied from fromVersion")

	for body, status := range map[string]int{
		`{"name":"2.0.0"}`:                         409,
		`{"name":"latest"}`:                        400,
		`{"name":"Default"}`:                       400,
		`{"name":""}`:                              400,
		`{"name":"3.0.0","fromVersion":"9.9.9"}`:   400,
		`{"fromVersion":"1.0.0"}`:                  400,
		`{"name":"3.0.0","fromVersion":"default"}`: 201,
	} {
		res := do(t, s, "POST", base, body)
		assert.Equal(t, status, res.Status, "%s: %s", body, res.Body)
	}

	res = do(t, s, "GET", base+"?first=2", nil)
	require.Equal(t, 200, res.Status)
	res.JSON(t, &page)
	assert.Equal(t, 4, page.TotalCount, "1.0.0, the draft 1.1.0, 2.0.0 and the other")
	require.Len(t, page.Items, 2)
	assert.NotEmpty(t, page.Next)
	assert.Equal(t, "1.0.0", versionAt(t, s, base+"/latest").Name)
	assert.Equal(t, "1.0.0", versionAt(t, s, base+"/default").Name)

	// Publish 2.0.0: it becomes latest and, with no explicit default, the default.
	put := v2
	now := testkit.Clock.Add(time.Hour)
	put.PublishedAt = &now
	put.Description = "Second"
	res = do(t, s, "PUT", base+"/2.0.0", put)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var published fx.Version
	res.JSON(t, &published)
	assert.Equal(t, testkit.Clock, *published.PublishedAt, "published at the mock clock")
	assert.True(t, published.IsLatest)
	assert.True(t, published.IsDefault)
	assert.Equal(t, "Second", published.Description)
	assert.Equal(t, "2.0.0", versionAt(t, s, base+"/latest").Name)

	// Make 1.0.0 the explicit default.
	v1 := versionAt(t, s, base+"/1.0.0")
	v1.IsDefault = true
	res = do(t, s, "PUT", base+"/1.0.0", v1)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Equal(t, "1.0.0", versionAt(t, s, base+"/default").Name)
	assert.Equal(t, "2.0.0", versionAt(t, s, base+"/latest").Name)
	assert.False(t, versionAt(t, s, base+"/2.0.0").IsDefault)

	conn, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	assert.Equal(t, testkit.Clock, conn.UpdatedAt, "version changes move the connector's updatedAt")

	edit := versionAt(t, s, base+"/2.0.0")
	edit.Description = "changed"
	assert.Equal(t, 409, do(t, s, "PUT", base+"/2.0.0", edit).Status, "published versions are immutable")
	draft := versionAt(t, s, base+"/3.0.0")
	draft.IsDefault = true
	assert.Equal(t, 409, do(t, s, "PUT", base+"/3.0.0", draft).Status, "a draft cannot be the default")
	for field, change := range map[string]func(*fx.Version){
		"id":          func(v *fx.Version) { v.ID = unknown },
		"name":        func(v *fx.Version) { v.Name = "other" },
		"createdAt":   func(v *fx.Version) { v.CreatedAt = v.CreatedAt.Add(time.Second) },
		"publishedAt": func(v *fx.Version) { p := v.PublishedAt.Add(time.Hour); v.PublishedAt = &p },
	} {
		v := versionAt(t, s, base+"/2.0.0")
		change(&v)
		res := do(t, s, "PUT", base+"/2.0.0", v)
		require.Equal(t, 400, res.Status, "%s: %s", field, res.Body)
		assert.Contains(t, string(res.Body), `"field":"`+field+`"`)
	}

	assert.Equal(t, 409, do(t, s, "DELETE", base+"/2.0.0", nil).Status, "published: force needed")
	assert.Equal(t, 204, do(t, s, "DELETE", base+"/3.0.0", nil).Status, "a draft goes without force")
	assert.Equal(t, 204, do(t, s, "DELETE", base+"/default?force=true", nil).Status)
	assert.Equal(t, "2.0.0", versionAt(t, s, base+"/default").Name, "without its explicit default, the latest is the default")
	assert.Equal(t, 404, do(t, s, "GET", base+"/1.0.0", nil).Status)
	assert.Equal(t, 404, do(t, s, "DELETE", base+"/1.0.0", nil).Status)

	// Unpublish the last published version: no latest any more.
	last := versionAt(t, s, base+"/2.0.0")
	last.PublishedAt = nil
	last.IsDefault = false // a draft cannot be the default: saying so would be a 409
	require.Equal(t, 200, do(t, s, "PUT", base+"/2.0.0", last).Status)
	assert.Equal(t, 404, do(t, s, "GET", base+"/latest", nil).Status)
	assert.Equal(t, 404, do(t, s, "GET", base+"/default", nil).Status)
}

func versionAt(t *testing.T, s http.Handler, path string) fx.Version {
	t.Helper()
	res := do(t, s, "GET", path, nil)
	require.Equal(t, 200, res.Status, "%s: %s", path, res.Body)
	var v fx.Version
	res.JSON(t, &v)
	return v
}

// TestVersionPagination: versions page like connectors, both ways.
func TestVersionPagination(t *testing.T) {
	s := newServer(t)
	base := connectorPath(docOrg, docID) + "/versions"
	for i := range 6 {
		require.Equal(t, 201, do(t, s, "POST", base, map[string]any{"name": fmt.Sprintf("2.%d.0", i)}).Status)
	}
	var seen []string
	path := base + "?first=3"
	for pages := 0; pages < 10; pages++ {
		var p versori.VersionPage
		do(t, s, "GET", path, nil).JSON(t, &p)
		assert.Equal(t, 8, p.TotalCount)
		for _, v := range p.Items {
			seen = append(seen, v.Name)
		}
		if p.Next == "" {
			break
		}
		path = base + "?first=3&after=" + p.Next
	}
	sorted := append([]string(nil), seen...)
	sort.Strings(sorted)
	assert.Len(t, seen, 8)
	assert.Equal(t, []string{"1.0.0", "1.1.0", "2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0"}, sorted)
}

// TestDeterministicIDs: the same seed and the same calls give the same ids, byte for byte;
// another seed gives other ones.
func TestDeterministicIDs(t *testing.T) {
	create := func(seed uint64) []string {
		s := newServer(t, mock.WithSeed(seed))
		var ids []string
		for i := range 3 {
			res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/bigquery/connectors",
				map[string]any{"name": fmt.Sprint(i), "datasetId": "p.d", "connections": []any{}})
			require.Equal(t, 201, res.Status)
			var c fx.Connector
			res.JSON(t, &c)
			ids = append(ids, c.ID)
		}
		return ids
	}
	a := create(7)
	assert.Equal(t, a, create(7))
	assert.NotEqual(t, a, create(8))
}

func TestStoreReturnsCopies(t *testing.T) {
	s := newServer(t)
	store := s.Versori().Store()
	c, err := store.Connector(docOrg, docID)
	require.NoError(t, err)
	c.Tags["category"][0] = "changed"
	c.AuthSchemeConfigs[0].Description = "changed"
	c.Versions[0].Name = "changed"
	again, err := store.Connector(docOrg, docID)
	require.NoError(t, err)
	want := fx.Documented()
	assert.Equal(t, want.Tags, again.Tags)
	assert.Equal(t, want.AuthSchemeConfigs, again.AuthSchemeConfigs)
	assert.Equal(t, want.Versions[0].Name, again.Versions[0].Name)
	assert.Equal(t, map[string]int{"connectors": 21, "organisations": 4}, healthCounts(s.Health(), versori.Name))
}

// TestVendorSpecDefects pins down the two places where the vendor's own contract cannot
// describe what its API does, which the checks in helpers_test.go work around (and which our
// spec fixes): draft versions' null publishedAt, and basic-auth credential data.
func TestVendorSpecDefects(t *testing.T) {
	s := newServer(t)
	vendor := vendorSpec(t)
	check := func(path string, status int, body []byte) error {
		r := httptestRequest("GET", path)
		route, params, err := vendor.Router.FindRoute(r)
		require.NoError(t, err)
		return openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
			Status:                 status, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(body)), Options: &openapi3filter.Options{MultiError: true},
		})
	}
	base := connectorPath(docOrg, docID) + "/versions"

	t.Run("draft publishedAt null", func(t *testing.T) {
		res := do(t, s, "POST", base, map[string]any{"name": "2.0.0"})
		require.Equal(t, 201, res.Status)
		err := check(base+"/2.0.0", 200, res.Body)
		require.Error(t, err, "the vendor's 3.1 schema has nullable, which 3.1 no longer knows")
		assert.Contains(t, err.Error(), "publishedAt")
		published := bytes.Replace(res.Body, []byte(`"publishedAt":null`), []byte(`"publishedAt":"2026-11-24T12:00:00Z"`), 1)
		assert.NoError(t, check(base+"/2.0.0", 200, published), "publishedAt is the only difference")
	})

	t.Run("basic-auth credential data", func(t *testing.T) {
		cfg := map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885AAA", "description": "basic", "schemeType": "basic-auth"}
		plain := testkit.New(t) // checks our spec only: the vendor's refuses this answer, below
		res := do(t, plain, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/bigquery/connectors", map[string]any{
			"name": "basic", "datasetId": "p.d", "connections": []any{map[string]any{"name": "prod", "variables": []any{},
				"credentials": map[string]any{"action": []any{map[string]any{"authSchemeConfig": cfg,
					"credential": map[string]any{"name": "c", "type": "basic-auth", "data": map[string]any{"username": "u", "password": "p"}}}}}}},
		})
		// Our spec accepts it (Credential data is anyOf there) and testkit checked the answer
		// against it; the vendor's oneOf matches {username, password} twice, as
		// CredentialDataBasicAuth and as CredentialDataOAuth2Password.
		require.Equal(t, 201, res.Status, "%s", res.Body)
		var c fx.Connector
		res.JSON(t, &c)
		err := check(connectorPath(docOrg, c.ID), 200, res.Body)
		require.Error(t, err)
		// Branches 3 and 7 (from 0) of Credential.data's oneOf.
		assert.Contains(t, err.Error(), "'oneOf' failed, subschemas 3, 7 matched")
	})
}

func httptestRequest(method, path string) *http.Request {
	return httptest.NewRequest(method, path, nil)
}

// TestSpecMatchesVendorOperations: our spec has exactly the vendor contract's operations (all
// 48), on the same paths and methods, under the same base path: an operation the vendor adds
// fails here until it is served.
func TestSpecMatchesVendorOperations(t *testing.T) {
	ours := openapi.MustLoad(versori.Name)
	vendor := vendorSpec(t)
	ops := func(doc *openapi3.T) map[string]string {
		out := map[string]string{}
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				out[op.OperationID] = method + " " + path
			}
		}
		return out
	}
	assert.Equal(t, ops(vendor.Doc), ops(ours.Doc))
	assert.Len(t, ops(ours.Doc), 48)
	assert.Equal(t, "/api/connect/v1", ours.BasePath)
	assert.Equal(t, vendor.BasePath, ours.BasePath)
}

// fieldDeviations are the places where our spec's fields knowingly differ from the vendor's
// (see the README's deviations), by "operationId body: path prefix": every path under the
// prefix is exempt.
var fieldDeviations = []string{
	// HTTPConnectorCreate requires connections without declaring them (see the README).
	"CreateHTTPConnector request application/json: .connections",
}

// deviates reports whether a field path lies under a listed deviation.
func deviates(key string) bool {
	return slices.ContainsFunc(fieldDeviations, func(d string) bool { return strings.HasPrefix(key, d) })
}

// TestSpecFieldsMatchVendor: for every operation we serve, the request body and the success
// response name the same fields (every property path, through $ref, allOf, oneOf and anyOf,
// with whether it is required) as the vendor's contract, apart from fieldDeviations.
func TestSpecFieldsMatchVendor(t *testing.T) {
	ours := openapi.MustLoad(versori.Name)
	vendor := vendorSpec(t)
	for id, op := range ours.Operations {
		vop := vendor.Operations[id]
		require.NotNil(t, vop, id)
		bodies := func(op *openapi3.Operation) map[string]*openapi3.SchemaRef {
			out := map[string]*openapi3.SchemaRef{}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for ct, mt := range op.RequestBody.Value.Content {
					out["request "+ct] = mt.Schema
				}
			}
			for code, r := range op.Responses.Map() {
				if code == "default" || r.Value == nil {
					continue
				}
				for ct, mt := range r.Value.Content {
					out[code+" "+ct] = mt.Schema
				}
			}
			return out
		}
		ob, vb := bodies(op), bodies(vop)
		assert.ElementsMatch(t, keysOf(vb), keysOf(ob), "%s: bodies", id)
		for k, vs := range vb {
			os, ok := ob[k]
			if !ok {
				continue
			}
			of, vf := fieldPaths(os, "", 0), fieldPaths(vs, "", 0)
			for f := range vf {
				if !of[f] && !deviates(id+" "+k+": "+f) {
					t.Errorf("%s %s: the vendor has %s, our spec does not", id, k, f)
				}
			}
			for f := range of {
				if !vf[f] && !deviates(id+" "+k+": "+f) {
					t.Errorf("%s %s: our spec has %s, the vendor's does not", id, k, f)
				}
			}
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// fieldPaths lists a schema's property paths ("credentials.action[].id"), each marked "!"
// when required, down to a depth that covers every body of the API without following
// recursive schemas forever.
func fieldPaths(ref *openapi3.SchemaRef, prefix string, depth int) map[string]bool {
	out := map[string]bool{}
	if ref == nil || ref.Value == nil || depth > 8 {
		return out
	}
	s := ref.Value
	for _, sub := range slices.Concat(s.AllOf, s.OneOf, s.AnyOf) {
		maps.Copy(out, fieldPaths(sub, prefix, depth+1))
	}
	if s.Items != nil {
		maps.Copy(out, fieldPaths(s.Items, prefix+"[]", depth+1))
	}
	for name, p := range s.Properties {
		path := prefix + "." + name
		if slices.Contains(s.Required, name) {
			out[path+"!"] = true
		} else {
			out[path] = true
		}
		maps.Copy(out, fieldPaths(p, path, depth+1))
	}
	return out
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
