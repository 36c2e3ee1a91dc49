package conductorone_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// The fuzz targets of the operations issue 13 added: arbitrary bodies to every one of them,
// arbitrary ids in every path, arbitrary schedules, config texts and list queries. Each
// refusal must be documented and change nothing (checkAnswer); each accepted write is undone
// before the next request.

// bodyOps are the new operations that take a body, on the documented data.
var bodyOps = []struct{ method, path string }{
	{"POST", connectorPath(appID, connID) + "/delegated"},
	{"POST", connectorPath(appID, connID) + "/force_sync"},
	{"POST", connectorPath(appID, connID) + "/pause"},
	{"POST", connectorPath(appID, connID) + "/resume"},
	{"POST", connectorPath(appID, connID) + "/schedule"},
	{"POST", "/api/v1/apps/connectors/credentials"},
	{"POST", connectorPath(appID, connID) + "/credentials/" + fx.DocumentedCredentialID},
	{"POST", connectorPath(appID, connID) + "/confirm_sync_valid/" + fx.DocumentedSyncID},
	{"POST", "/api/v1/apps/connectors/validate_config/http"},
	{"POST", "/api/v1/apps"},
	{"POST", "/api/v1/apps/" + appID},
	{"DELETE", "/api/v1/apps/" + appID},
	{"POST", "/api/v1/connectorcatalog"},
	{"POST", "/api/v1/search/apps"},
}

// FuzzOperationBodies sends one arbitrary body to every new operation that takes one.
func FuzzOperationBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `[]`, `null`, `{`, `"x"`, "\x00",
		`{"cron":{"cronSpec":"*/5 * * * *","timezone":"Europe/Paris"}}`, `{"cron":{"cronSpec":"61 * * * *"}}`, `{"cron":null}`,
		`{"appId":"` + appID + `","connectorId":"` + connID + `"}`, `{"appId":"","connectorId":"x"}`,
		`{"text":"a: b\n"}`, `{"text":"{\"a\":"}`, `{"text":7}`,
		`{"displayName":"App","monthlyCostUsd":3,"owners":["u"]}`, `{"displayName":""}`, `{"monthlyCostUsd":1e40}`,
		`{"app":{"displayName":"x"},"updateMask":"displayName"}`, `{"app":{},"updateMask":"*"}`, `{"app":{"userCount":"1"},"updateMask":"userCount"}`,
		`{"app":{"connectorVersion":99999999999999999999}}`, `{"app":{"identityMatching":"X"}}`,
		`{"catalogId":"catalogId"}`, `{"appId":"` + appID + `","connectorId":"` + connID + `"}`,
		`{"query":"a","pageSize":-1}`, `{"pageToken":"bm9wZQ","appIds":["x"]}`, `{"policyRefs":[{"id":""}]}`,
		`{"connector":{"displayName":"x"},"updateMask":"displayName"}`, `{"updateMask":"createdAt"}`,
	} {
		f.Add([]byte(seed))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.Begin(t)
		for _, op := range bodyOps {
			u := pathURL()
			u.Path = op.path
			w := s.send(op.method, u, body)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				s.Restore(t)
			}
		}
	})
}

// FuzzOperationPaths sends arbitrary app, connector and sub-resource ids to every new
// operation with path parameters.
func FuzzOperationPaths(f *testing.F) {
	for _, seed := range []struct{ app, conn, id string }{
		{appID, connID, fx.DocumentedSyncID}, {appID, connID, fx.DocumentedCredentialID}, {appID, connID, fx.DocumentedFailedSyncID},
		{"", "", ""}, {"..", ".", "%zz"}, {"-", "sync_files", "x"}, {"connectors", "credentials", "http"},
		{appID, "create", "a?b#c"}, {"\xff", connID, " "}, {strings.ToLower(appID), connID, fx.DocumentedSyncID},
	} {
		f.Add(seed.app, seed.conn, seed.id)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, app, conn, id string) {
		s.Begin(t)
		base := []string{"api", "v1", "apps", app, "connectors", conn}
		for _, r := range []struct {
			method string
			segs   []string
			body   string
		}{
			{"POST", append(base[:6:6], "delegated"), `{"connector":{"description":"fuzz"}}`},
			{"POST", append(base[:6:6], "force_sync"), `{}`},
			{"POST", append(base[:6:6], "pause"), `{}`},
			{"POST", append(base[:6:6], "resume"), `{}`},
			{"POST", append(base[:6:6], "schedule"), `{"cron":{"cronSpec":"@daily"}}`},
			{"GET", append(base[:6:6], "credentials", id), ``},
			{"POST", append(base[:6:6], "credentials", id), `{}`},
			{"POST", append(base[:6:6], "confirm_sync_valid", id), `{}`},
			{"GET", append(base[:6:6], "syncs", id, "download_url"), ``},
			{"GET", []string{"api", "v1", "apps", app}, ``},
			{"POST", []string{"api", "v1", "apps", app}, `{"app":{"description":"fuzz"}}`},
			{"DELETE", []string{"api", "v1", "apps", app}, ``},
			{"GET", []string{"api", "v1", "apps", "-", "sync_files", id}, ``},
		} {
			u := pathURL(r.segs...)
			if u == nil {
				return
			}
			w := s.send(r.method, u, []byte(r.body))
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) && r.method != "GET" {
				s.Restore(t)
			}
		}
		if !s.Unchanged(t) {
			t.Fatal("the state changed")
		}
	})
}

// FuzzSchedule: an accepted schedule is stored exactly as sent and a refused one is a 400.
func FuzzSchedule(f *testing.F) {
	for _, seed := range [][2]string{
		{"*/5 * * * *", "UTC"}, {"@hourly", ""}, {"0 0 31 2 *", "Asia/Tokyo"}, {"61 * * * *", ""}, {"* * * *", ""},
		{"1-60/2 * * * *", ""}, {"0 0 * * SUN-SAT", "Local"}, {"0 0 * * *", "../../etc/passwd"}, {"0 0 * * *", "Europe/Berlin "},
		{"-1 * * * *", ""}, {"+1 * * * *", ""}, {"1,,2 * * * *", ""}, {"? ? ? ? ?", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, spec, tz string) {
		s.Begin(t)
		body, _ := json.Marshal(map[string]any{"cron": map[string]string{"cronSpec": spec, "timezone": tz}})
		u := pathURL("api", "v1", "apps", appID, "connectors", connID, "schedule")
		w := s.send("POST", u, body)
		if !s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			return
		}
		c, err := s.ConductorOne().Store().Connector(appID, connID)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.ConnectorSyncCronSchedule; got == nil || got.CronSpec != spec || got.Timezone != tz {
			t.Fatalf("stored %+v, sent %q %q", got, spec, tz)
		}
		s.Restore(t)
	})
}

// FuzzValidateConfig: any text gets 200 and markers that point into it.
func FuzzValidateConfig(f *testing.F) {
	for _, seed := range []string{"", "a: b\n", "{\"a\":", "- x", "a: [\n", "a:\n\tb: 1", "a: 1\na: 2\n", "\xff\xfe", "{}", "[]", "a: &x 1\nb: *x\n", "{\"a\":1} {\"b\":2}"} {
		f.Add(seed)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, text string) {
		s.Begin(t)
		if !utf8.ValidString(text) {
			return // JSON strings cannot carry it
		}
		body, _ := json.Marshal(map[string]string{"text": text})
		u := pathURL("api", "v1", "apps", "connectors", "validate_config", "http")
		w := s.send("POST", u, body)
		if w.Code != 200 {
			t.Fatalf("answered %d: %s", w.Code, w.Body.Bytes())
		}
		var got struct {
			Markers []conductorone.Marker `json:"markers"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Markers == nil {
			t.Fatalf("no markers list (%v): %s", err, w.Body.Bytes())
		}
		lines := strings.Count(text, "\n") + 1
		for _, m := range got.Markers {
			if m.StartLineNumber < 1 || m.StartLineNumber > lines || m.StartColumn < 1 || m.EndLineNumber < m.StartLineNumber ||
				m.EndColumn <= m.StartColumn && m.EndLineNumber == m.StartLineNumber || m.Message == "" || m.Severity != "ERROR" {
				t.Fatalf("marker %+v out of the text's %d lines", m, lines)
			}
		}
		if !s.Unchanged(t) {
			t.Fatal("validating changed the state")
		}
	})
}

// FuzzAppQueries sends arbitrary page sizes and tokens to Apps.List and AppSearch.Search.
func FuzzAppQueries(f *testing.F) {
	for _, seed := range []struct{ size, token, query string }{
		{"1", "", ""}, {"0", "", "a"}, {"-1", "", ""}, {"101", "", ""}, {"2147483648", "", ""}, {"x", "bm9wZQ", ""}, {"", "LWFwcHMvMQ", "Z"}, {"", "LXNlYXJjaC8x", ""},
	} {
		f.Add(seed.size, seed.token, seed.query)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, size, token, query string) {
		s.Begin(t)
		u := pathURL("api", "v1", "apps")
		u.RawQuery = testkit.Query("page_size", size, "page_token", token)
		w := s.send("GET", u, nil)
		s.checkAnswer(t, w.Code, w.Body.Bytes())
		var body map[string]any
		if err := json.Unmarshal([]byte(`{"pageSize":`+size+`}`), &body); err != nil {
			body = map[string]any{}
		}
		body["pageToken"], body["query"] = token, query
		data, _ := json.Marshal(body)
		w = s.send("POST", pathURL("api", "v1", "search", "apps"), data)
		s.checkAnswer(t, w.Code, w.Body.Bytes())
		if !s.Unchanged(t) {
			t.Fatal("listing changed the state")
		}
	})
}
