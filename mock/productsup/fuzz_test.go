package productsup_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// documentedStatuses are the statuses the Productsup spec documents for its operations (405
// for a wrong method, never reached here).
var documentedStatuses = map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true}

// checkAnswer fails unless the server reported no contract violation, the answer has a
// documented status and the vendor's shape, and a refused request left the state as it was.
func checkAnswer(t *testing.T, s *testkit.Server, v *testkit.Violations, before []byte, status int, body []byte) {
	t.Helper()
	v.Check(t)
	if !documentedStatuses[status] {
		t.Fatalf("status %d is not documented: %s", status, body)
	}
	var shape map[string]json.RawMessage
	if err := json.Unmarshal(body, &shape); err != nil {
		t.Fatalf("answer is not a JSON object (%v): %s", err, body)
	}
	if _, ok := shape["message"]; !ok {
		t.Fatalf("answer has no message: %s", body)
	}
	if status == 400 && string(shape["errors"]) != "[]" { // [] goes with a rule's own sentence
		var errs map[string]string
		if err := json.Unmarshal(shape["errors"], &errs); err != nil || len(errs) == 0 {
			t.Fatalf("400 without errors by field: %s", body)
		}
	}
	if status != 200 {
		after, err := s.Productsup().Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatalf("a refused request (%d) changed the state: %s", status, body)
		}
	}
}

// FuzzMutations sends arbitrary bodies and version references to every mutating operation.
func FuzzMutations(f *testing.F) {
	for _, seed := range []struct{ action, ref, body string }{
		{"access/prod/disable", "1", `{"accounts":[777],"projects":[444],"sites":[666]}`},
		{"access/prod/enable", "latest", `{"accounts":[999,888],"sites":[333]}`},
		{"targets", "main", `{"target-accounts":[1,2,2]}`},
		{"targets", "01", `{"target-sites":[]}`},
		{"access/prod/disable", "abc", `{"accounts":["x"]}`},
		{"access/prod/enable", "1", `{"accounts":[1e3]}`},
		{"access/prod/enable", "1", `[`},
		{"access/prod/enable", "99999999999999999999", `{}`},
		{"targets", "1", `{"target-accounts":[9223372036854775807]}`},
		{"access/prod/disable", "1", `{"accounts":null,"sites":{"a":1}}`},
		{"access/prod/disable", "%2e%2e", "\x00\xff"},
		{"sync-runtime", "1", ``},
		{"platform-dev-site", "latest", `{}`},
		{"assign-to-sites/dev", "1", ``},
		{"release", "main", ``},
		{"unrelease", "1", `{"x":1}`},
		{"secret-registrations", "1", `{"secret-registrations":["amazon/seller"]}`},
		{"secret-registrations", "1", `{"secret-registrations":[1]}`},
		{"authentication-registrations", "1", `{"authentication-registrations":[20,"1",1.5,null,{}]}`},
		{"authentication-registrations", "1", `{"authentication-registrations":[30],"authentication-registrations-additional-fields":["a"]}`},
		{"execution-config/container-api", "1", `{"image":null,"version-constraint":"^1"}`},
		{"individual-configs", "1", `{"command-option":"a-b","field-type":"input","field-name":"A","order":3,"field-config":{"x":1}}`},
		{"individual-configs", "1", `{"command-option":"9"}`},
		{"runtime/prod", "1", `{"environment":"bin-docker-wrapper","version":"1.2.3"}`},
		{"runtime/prod", "1", `{"environment":"bin-docker-wrapper","version":null}`},
		{"migration/rollback", "1", ``},
		{"migration/rollback", "latest", `{"x":1}`},
		{"channels", "1", `{"channels":[1,2]}`},
		{"channels", "latest", `{"channels":[98,99,1]}`},
		{"channels", "1", `{"channels":[1,1,0,"2",null]}`},
		{"channels", "main", `{"channels":[]}`},
	} {
		f.Add(seed.action, seed.ref, []byte(seed.body))
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(2))
	// A migration, for the rollback to reach its 200 (the documented connector is none), and
	// an export connector and an export-delta one for the channels' 200 and refusals (it is a
	// datasource).
	migration := fx.NewConnector(fx.WithSeed(0, 0), fx.WithMigration(24))
	export, delta := fx.NewConnector(fx.WithSeed(0, 1)), fx.NewConnector(fx.WithSeed(0, 2))
	export.Type, delta.Type = "export", "export-delta"
	for _, c := range []fx.Connector{migration, export, delta} {
		if err := s.Productsup().Store().Put(c); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, action, ref string, body []byte) {
		methods := []string{"POST"}
		id := fx.DocumentedID
		switch action {
		case "migration/rollback":
			if len(body)%2 == 0 {
				id = migration.ID
			}
		case "channels":
			methods = []string{"PUT"}
			id = []string{fx.DocumentedID, export.ID, delta.ID}[len(body)%3]
		case "access/prod/disable", "access/prod/enable", "sync-runtime", "platform-dev-site",
			"assign-to-sites/dev", "release", "unrelease", "individual-configs":
		case "secret-registrations", "authentication-registrations", "execution-config/container-api", "runtime/prod":
			methods = []string{"PUT"}
		default:
			action, methods = "targets", []string{"POST", "PUT"}
		}
		before, err := s.Productsup().Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for _, method := range methods {
			path := "/connectors/" + id + "/versions/" + url.PathEscape(ref) + "/" + action
			r := httptest.NewRequest(method, "/", bytes.NewReader(body))
			r.URL.Path, r.URL.RawPath = "", ""
			u, err := url.Parse(path)
			if err != nil {
				return
			}
			r.URL = u
			r.RequestURI = u.RequestURI()
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			checkAnswer(t, s, v, before, w.Code, w.Body.Bytes())
			before, _ = s.Productsup().Store().Snapshot()
		}
		if rand := len(body) % 3; rand == 0 {
			s.CompleteWork() // so that later inputs meet versions further down the lifecycle
		}
	})
}

// FuzzCopy sends arbitrary import bodies.
func FuzzCopy(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Test Import","type":"datasource","versions":[{"config":{"vcs":{"url":"x"},"individuals":[1]}}]}`,
		`{"name":"","type":"export"}`, `{"name":"x","type":"export","versions":[{"config":{"vcs":[]}}]}`,
		`{"name":"x","type":"export","flow":"other"}`, `{}`, `null`,
	} {
		f.Add([]byte(seed))
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(0))
	f.Fuzz(func(t *testing.T, body []byte) {
		before, err := s.Productsup().Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors/copy", Token: mock.AdminToken, Body: body})
		checkAnswer(t, s, v, before, res.Status, res.Body)
	})
}

// FuzzBuild sends arbitrary build bodies.
func FuzzBuild(f *testing.F) {
	for _, seed := range []string{
		`{"connector":"` + fx.DocumentedID + `"}`,
		`{"connector":"` + fx.DocumentedID + `","version":"latest"}`,
		`{"connector":"x"}`, `{"connector":"` + fx.DocumentedID + `","version":"1.0"}`,
		`{}`, `[]`, `{"connector":null}`, "\x00",
	} {
		f.Add([]byte(seed))
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(3))
	f.Fuzz(func(t *testing.T, body []byte) {
		before, err := s.Productsup().Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/builds/connectors", Token: mock.AdminToken, Body: body})
		checkAnswer(t, s, v, before, res.Status, res.Body)
	})
}

// FuzzStates sends arbitrary state ids, actions and list queries to the read side of states.
func FuzzStates(f *testing.F) {
	for _, seed := range []struct{ id, action, query string }{
		{fx.DocumentedStateID, "sync_runtime", "from=0&limit=5"},
		{"nope", "nope", "status=nope"}, {"", "", "limit=0"}, {"%00", "..", "triggered_by=x&from=-1"},
		{strings.ToUpper(fx.DocumentedStateID), "build_connector", "limit=101"},
	} {
		f.Add(seed.id, seed.action, seed.query)
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(2))
	f.Fuzz(func(t *testing.T, id, action, query string) {
		// What cannot stand in a request line is not a query a client could send.
		query = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f || r == '#' {
				return -1
			}
			return r
		}, query)
		before, _ := s.Productsup().Store().Snapshot()
		for _, path := range []string{
			"/states/" + url.PathEscape(id),
			"/states?" + query,
			"/connectors/" + fx.DocumentedID + "/versions/1/states/" + url.PathEscape(action),
			"/connectors/" + fx.DocumentedID + "/versions/1/states?" + query,
		} {
			if _, err := url.Parse(path); err != nil {
				continue
			}
			res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: path, Token: mock.ReadOnlyToken})
			checkAnswer(t, s, v, before, res.Status, res.Body)
			after, _ := s.Productsup().Store().Snapshot()
			if !bytes.Equal(before, after) {
				t.Fatalf("a read changed the state: %s", path)
			}
		}
	})
}

// FuzzCreate sends arbitrary create bodies.
func FuzzCreate(f *testing.F) {
	for _, seed := range []string{
		`{"connector-type":"export","connector-name":"omdb"}`,
		`{"connector-type":"transform","connector-name":"x","connector-description":null,"readme":"# r"}`,
		`{"connector-type":"nope","connector-name":""}`,
		`{"connector-name":"` + strings.Repeat("a", 300) + `","connector-type":"export"}`,
		`{}`, `null`, `"x"`,
	} {
		f.Add([]byte(seed))
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(0))
	f.Fuzz(func(t *testing.T, body []byte) {
		before, err := s.Productsup().Store().Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: body})
		checkAnswer(t, s, v, before, res.Status, res.Body)
	})
}

// FuzzPathParameters sends arbitrary connector ids and version references to the read side.
func FuzzPathParameters(f *testing.F) {
	for _, seed := range []struct{ id, ref string }{
		{fx.DocumentedID, "1"}, {"not-a-uuid", "latest"}, {"", ""}, {"../..", "main"},
		{strings.ToUpper(fx.DocumentedID), "2"}, {"%00", "%zz"}, {fx.DocumentedBinnedID, "1"},
	} {
		f.Add(seed.id, seed.ref)
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(2))
	f.Fuzz(func(t *testing.T, id, ref string) {
		before, _ := s.Productsup().Store().Snapshot()
		for _, path := range []string{
			"/connectors/" + url.PathEscape(id),
			"/connectors/" + url.PathEscape(id) + "/versions/" + url.PathEscape(ref) + "/access/prod/disable",
			"/connectors/" + url.PathEscape(id) + "/move-to-bin",
			"/connectors/" + url.PathEscape(id) + "/restore-from-bin",
			"/connectors/bin?name=" + url.QueryEscape(ref) + "&owners=" + url.QueryEscape(id),
			"/connectors/" + url.PathEscape(id) + "/versions/" + url.PathEscape(ref) + "/authentication-registrations",
			"/connectors/" + url.PathEscape(id) + "/versions/" + url.PathEscape(ref) + "/vcs-configs/validate",
		} {
			method := "GET"
			var body any
			switch {
			case strings.HasSuffix(path, "disable"):
				method, body = "POST", `{"accounts":[777]}`
			case strings.HasSuffix(path, "-bin"):
				method = "PATCH"
			}
			res := testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: body})
			if res.Status == 200 && method != "GET" {
				before, _ = s.Productsup().Store().Snapshot()
				continue
			}
			checkAnswer(t, s, v, before, res.Status, res.Body)
		}
	})
}

// FuzzManagement sends arbitrary bodies to metadata and organisation defaults, and arbitrary
// queries and ids to the runs.
func FuzzManagement(f *testing.F) {
	for _, seed := range []struct{ id, query, body string }{
		{fx.DocumentedID, "connector-id=" + fx.DocumentedID, `{"channel-owner":"Third Party","notes":"n"}`},
		{fx.DocumentedOrganizationID, "site-id=1001&state=finished", `{"dev-defaults":{"account":1,"project":2}}`},
		{fx.DocumentedRunID, "id=" + fx.DocumentedRunID, `{"prod-defaults":{"sites":[1e20,-1,0.5]}}`},
		{"nope", "limit=0", `{"channel-owner":null}`}, {"", "from=-1", `[]`},
	} {
		f.Add(seed.id, seed.query, []byte(seed.body))
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(2))
	f.Fuzz(func(t *testing.T, id, query string, body []byte) {
		query = strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f || r == '#' {
				return -1
			}
			return r
		}, query)
		before, _ := s.Productsup().Store().Snapshot()
		for _, req := range []testkit.Request{
			{Method: "POST", Path: "/metadata/connectors/" + url.PathEscape(id), Body: body},
			{Method: "PUT", Path: "/metadata/connectors/" + url.PathEscape(id), Body: body},
			{Method: "PUT", Path: "/defaults/organizations/" + url.PathEscape(id), Body: body},
			{Method: "PUT", Path: "/organizations/" + url.PathEscape(id) + "/members/" + fx.DocumentedID},
			{Method: "GET", Path: "/runs?" + query},
			{Method: "GET", Path: "/runs/" + url.PathEscape(id)},
		} {
			if _, err := url.Parse(req.Path); err != nil {
				continue
			}
			req.Token = mock.AdminToken
			res := testkit.Do(t, s, req)
			checkAnswer(t, s, v, before, res.Status, res.Body)
			before, _ = s.Productsup().Store().Snapshot()
		}
	})
}

// FuzzLogo sends arbitrary bodies and content types to the logo upload, and arbitrary paths
// to where logos are served.
func FuzzLogo(f *testing.F) {
	body := "--b\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.svg\"\r\n\r\n<svg/>\r\n--b--\r\n"
	for _, seed := range []struct{ ct, body, path string }{
		{"multipart/form-data; boundary=b", body, "connectors/" + fx.DocumentedID + "/1/logo.svg"},
		{"multipart/form-data; boundary=c", body, ""}, {"multipart/form-data", body, "x/y"},
		{"application/json", `{"logo":"<svg/>"}`, "connectors//1/logo.svg"},
		{"multipart/form-data; boundary=b", "--b\r\n\r\n--b--", "../.."},
	} {
		f.Add(seed.ct, []byte(seed.body), seed.path)
	}
	s, v := testkit.NewFuzz(f, mock.WithConnectors(0))
	f.Fuzz(func(t *testing.T, ct string, body []byte, path string) {
		if strings.ContainsAny(ct, "\r\n") {
			return // no header a client could send
		}
		before, _ := s.Productsup().Store().Snapshot()
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors/" + fx.DocumentedID + "/versions/1/logo",
			Token: mock.AdminToken, Body: body, ContentType: ct})
		checkAnswer(t, s, v, before, res.Status, res.Body)
		if u, err := url.Parse("/logos/" + path); err == nil {
			r := httptest.NewRequest("GET", "/", nil)
			r.URL, r.RequestURI = u, u.RequestURI()
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("logo %q: %d", path, w.Code)
			}
		}
	})
}
