package versori_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

// Every fuzz target below builds one server and sends each input to it. Each input, and each
// request after an accepted write within an input, starts from the state the server was built
// with: inputs do not depend on each other, so a crasher replays alone, and a failed input
// does not leave a changed state behind for the next.

// documentedCodes are the statuses our Versori spec documents (its success codes, and its
// default Error response with the README's code per status), with the code each error
// carries. 500 is documented too, but only a bug answers it. 405 is reached when a fuzzed id
// holds an escaped slash ("x%2Fversions" makes PUT .../connectors/x/versions).
var documentedCodes = map[int]string{
	200: "", 201: "", 204: "",
	400: versori.CodeBadRequest, 401: versori.CodeUnauthorized, 403: versori.CodeForbidden,
	404: versori.CodeNotFound, 405: versori.CodeMethodNotAllowed, 409: versori.CodeConflict, 412: versori.CodePreconditionFailed,
}

// docVersion is the documented connector's published version, as GET answers it: a valid
// UpdateConnectorVersion body.
const docVersion = `{"id":"01JQQEG2N6PZC3YB8V1HWJ5R7T","name":"1.0.0","description":"First release","isLatest":true,"isDefault":true,` +
	`"createdAt":"2025-03-31T09:14:02Z","updatedAt":"2025-04-02T08:00:00Z","publishedAt":"2025-04-02T08:00:00Z"}`

// fuzzServer is the server of one fuzz target: a checked mock (every response validated
// against our spec and the vendor's contract) and the state every input starts from.
type fuzzServer struct {
	*testkit.Server
	violations *testkit.Violations
	*testkit.StateGuard
}

func newFuzzServer(f *testing.F) *fuzzServer {
	f.Helper()
	s, v := testkit.NewFuzz(f, mock.WithConnectors(4))
	api := s.Versori()
	// Answers are checked against the vendor's contract too, but not while fuzzing: for the
	// vendor's OpenAPI 3.1 document kin-openapi compiles a JSON Schema 2020 validator on every
	// call, which held coverage-guided fuzzing to about ten executions a second. The seed
	// corpus (what CI runs) keeps the check; fuzzed answers are still checked against our spec,
	// whose fields TestSpecFieldsMatchVendor holds to the vendor's.
	if fz := flag.Lookup("test.fuzz"); fz == nil || fz.Value.String() == "" {
		checkVendorSpec(f, s)
	}
	return &fuzzServer{Server: s, violations: v, StateGuard: testkit.NewStateGuard(f, api.Store().Snapshot, api.Store().Restore)}
}

// send serves one request with a path and query taken as they are (no parsing that could
// refuse a fuzzed value before the mock sees it).
func (s *fuzzServer) send(method string, u *url.URL, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "/", bytes.NewReader(body))
	r.URL, r.RequestURI = u, u.RequestURI()
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	if method != "GET" {
		s.Wrote()
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// apiURL is the URL of a path under /api/connect/v1 whose segments are path-escaped, with a
// raw query; nil when the result does not parse as a URL (a client could not send it either).
func apiURL(query string, segments ...string) *url.URL {
	var b strings.Builder
	b.WriteString("/api/connect/v1")
	for _, seg := range segments {
		b.WriteString("/" + url.PathEscape(seg))
	}
	u, err := url.Parse(b.String())
	if err != nil {
		return nil
	}
	u.RawQuery = query
	return u
}

// checkAnswer fails unless the answer has a documented status, a refusal is the contract's
// Error (the code of its status, a message, every field named, nothing else) and left the state
// as it was, and the server reported no contract violation. It returns whether the request
// was accepted.
func (s *fuzzServer) checkAnswer(t *testing.T, status int, body []byte) bool {
	t.Helper()
	s.violations.Check(t)
	code, ok := documentedCodes[status]
	if !ok {
		t.Fatalf("status %d is not documented: %s", status, body)
	}
	if status < 300 {
		return true
	}
	var e struct {
		Code    *string `json:"code"`
		Message *string `json:"message"`
		Fields  []struct {
			Field   *string `json:"field"`
			Message *string `json:"message"`
		} `json:"fields"`
		Details *string `json:"details"`
		// Messages say why an import was refused (ImportHTTPConnectorError).
		Messages []struct {
			Text, Severity string
			Detail         []string
		} `json:"messages"`
		// Definition is the definition still referred to, of a 412 (DefinitionDeletePreconditionFailed).
		Definition *struct {
			ID, Name     string
			ReferencedBy []json.RawMessage
		} `json:"definition"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("answer %d is not an Error (%v): %s", status, err, body)
	}
	switch {
	case e.Code == nil || *e.Code != code:
		t.Fatalf("answer %d carries code %v, want %s: %s", status, e.Code, code, body)
	case e.Message == nil || *e.Message == "":
		t.Fatalf("answer %d has no message: %s", status, body)
	case status == 400 && len(e.Fields) == 0:
		t.Fatalf("a 400 names no field: %s", body)
	case status == 405 && (e.Details == nil || *e.Details == ""):
		t.Fatalf("a 405 lists no methods: %s", body)
	case e.Messages != nil && (status != 400 || len(e.Messages) == 0 || e.Messages[0].Text == ""):
		t.Fatalf("import messages out of a 400, or empty: %s", body)
	case e.Definition != nil && (status != 412 || len(e.Definition.ReferencedBy) == 0):
		t.Fatalf("a definition without what refers to it, or out of a 412: %s", body)
	}
	for _, f := range e.Fields {
		if f.Field == nil || *f.Field == "" || f.Message == nil || *f.Message == "" {
			t.Fatalf("a field without a name or a message: %s", body)
		}
	}
	s.CheckRefused(t, status, body)
	return false
}

// stored is every stored connector, as the snapshot has them.
func (s *fuzzServer) stored(t testing.TB) []fx.Connector {
	t.Helper()
	snap, err := s.Versori().Store().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Connectors []fx.Connector }
	if err := json.Unmarshal(snap, &st); err != nil {
		t.Fatal(err)
	}
	return st.Connectors
}

// split separates the stored connector of the given id (as stored: connections without the
// usages a view derives, which carry the connector's updatedAt) from all the others.
func split(t *testing.T, all []fx.Connector, id string) (fx.Connector, []fx.Connector) {
	t.Helper()
	i := slices.IndexFunc(all, func(c fx.Connector) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("connector %s is not stored", id)
	}
	return all[i], slices.Delete(slices.Clone(all), i, i+1)
}

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("answer is not JSON (%v): %s", err, body)
	}
}

func configIDs(c fx.Connector) []string {
	var ids []string
	for _, a := range c.AuthSchemeConfigs {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	return ids
}

// seedRequest is the body of the seed page's UpdateConnector request.
func seedRequest(f *testing.F) []byte {
	b, err := os.ReadFile(testkit.Testdata("versori", "update-connector-request.json"))
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzUpdateConnector sends arbitrary bodies to UpdateConnector (a full replace) of the
// documented connector.
func FuzzUpdateConnector(f *testing.F) {
	valid := `{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"http","baseUrl":"https://x"}`
	for _, seed := range []string{
		string(seedRequest(f)),
		valid,
		`{"id":"` + strings.ToLower(docID) + `","organisationId":"` + strings.ToLower(docOrg) + `","name":"","protocol":"http","baseUrl":"","tags":{"a":[],"b":["c"]},"public":false}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"http","baseUrl":"x","authSchemeConfigIds":[]}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"http","baseUrl":"x","authSchemeConfigIds":["` + docASC + `","` + docASC + `"]}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"bigquery","datasetId":"p.d"}`,
		`{"id":"` + unknown + `","organisationId":"` + otherOrg + `","name":"n","protocol":"http","baseUrl":"x"}`,
		`{"id":"x","organisationId":5,"protocol":"http","public":"yes","connectionVariables":[{"value":"v"}],"tags":{"a":"b"}}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"ftp"}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"n","protocol":"http","baseUrl":"x","datasetId":"p.d","connectionVariables":null}`,
		`{"id":"` + docID + `","organisationId":"` + docOrg + `","name":"\u0000","protocol":"http","baseUrl":"x","unknown":{"deep":[1,2]}}`,
		`{"id":`, `[1]`, `null`, ``, "\xff",
	} {
		f.Add([]byte(seed))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.Begin(t)
		before, err := s.Versori().Store().Connector(docOrg, docID)
		if err != nil {
			t.Fatal(err)
		}
		raw, rest := split(t, s.stored(t), docID)
		w := s.send("PUT", apiURL("", "o", docOrg, "connectors", docID), body)
		if !s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			return
		}
		var c fx.Connector
		decode(t, w.Body.Bytes(), &c)
		stored, err := s.Versori().Store().Connector(docOrg, docID)
		if err != nil {
			t.Fatal(err)
		}
		rawAfter, restAfter := split(t, s.stored(t), docID)
		switch {
		case !testkit.EncodeEqual(c, stored):
			t.Fatalf("the answer is not what the store holds:\n%s", w.Body.Bytes())
		case c.ID != docID || c.OrganisationID != docOrg || c.Protocol != before.Protocol:
			t.Fatalf("identity or protocol moved: %s %s %s", c.ID, c.OrganisationID, c.Protocol)
		case !c.CreatedAt.Equal(before.CreatedAt) || !c.UpdatedAt.Equal(testkit.Clock):
			t.Fatalf("createdAt %s (was %s), updatedAt %s (want the clock)", c.CreatedAt, before.CreatedAt, c.UpdatedAt)
		case !testkit.EncodeEqual(rawAfter.Connections, raw.Connections) || !testkit.EncodeEqual(rawAfter.Versions, raw.Versions):
			t.Fatal("an update of the connector changed its connections or versions")
		case !slices.Equal(configIDs(c), configIDs(before)):
			t.Fatalf("auth scheme configs %v, were %v: an update may only reorder them", configIDs(c), configIDs(before))
		case c.DatasetID != nil:
			t.Fatalf("an http connector stored a datasetId: %s", *c.DatasetID)
		case !testkit.EncodeEqual(rest, restAfter):
			t.Fatal("an update changed another connector")
		}
	})
}

// FuzzCreateConnector sends arbitrary bodies to CreateHTTPConnector and CreateBigQueryConnector.
func FuzzCreateConnector(f *testing.F) {
	cred := `{"authSchemeConfig":{"id":"01JV8TMEFKPCQ0K4HJXA885AAA","description":"k","schemeType":"api-key","name":"X-Key","in":"header"},` +
		`"credential":{"name":"c","type":"string","data":{"value":"s3cret","other":"kept","password":{"a":1}}}}`
	for _, seed := range []struct {
		body     string
		bigquery bool
	}{
		{`{"name":"Acme","baseUrl":"https://x","public":true,"tags":{"k":["v"]},"connectionVariables":[{"name":"a","value":"b"}],"authSchemeConfigs":[],"connections":[]}`, false},
		{`{"name":"Acme","baseUrl":"https://x","authSchemeConfigs":[{"id":"01JV8TMEFKPCQ0K4HJXA885AAA","description":"k","schemeType":"api-key","name":"X-Key","in":"header","validationMessages":[{"text":"t","severity":"info"}]}],` +
			`"connections":[{"name":"p","variables":[],"credentials":{"action":[` + cred + `],"trigger":[` + cred + `]}}]}`, false},
		{`{"name":"W","datasetId":"p.d","connections":[]}`, true},
		{`{"name":"W","connections":[]}`, true},
		{`{"name":"W","datasetId":"p.d","baseUrl":"x","connections":[{"name":"a","variables":[],"credentials":{}},{"name":"a","variables":[],"credentials":{}}]}`, true},
		{`{"name":"n","baseUrl":"x","connections":[],"authSchemeConfigs":[{"id":"` + docASC + `","description":"d","schemeType":"none"},{"id":"` + strings.ToLower(docASC) + `","description":"d","schemeType":"none"}]}`, false},
		{`{"name":"n","baseUrl":"x","connections":[],"authSchemeConfigs":[{"id":"` + docASC + `","description":"d","schemeType":"magic"}]}`, false},
		{`{"name":"n","baseUrl":"x","authSchemeConfigs":[]}`, false},
		{`{"name":"n","baseUrl":"x","connections":[{"name":"p","credentials":{"action":[{"credential":{"data":"x"}}]}}]}`, false},
		{`{}`, true}, {`[]`, false}, {`null`, true}, {``, false}, {`{"name":1e999}`, false},
	} {
		f.Add([]byte(seed.body), seed.bigquery)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte, bigquery bool) {
		s.Begin(t)
		protocol := "http"
		if bigquery {
			protocol = "bigquery"
		}
		n := s.Versori().Store().Len()
		w := s.send("POST", apiURL("", "o", docOrg, "protocols", protocol, "connectors"), body)
		if !s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			return
		}
		var c fx.Connector
		decode(t, w.Body.Bytes(), &c)
		stored, err := s.Versori().Store().Connector(docOrg, c.ID)
		switch {
		case w.Code != 201:
			t.Fatalf("a create answered %d", w.Code)
		case err != nil:
			t.Fatalf("the created connector is not stored: %v", err)
		case !testkit.EncodeEqual(c, stored):
			t.Fatalf("the answer is not what the store holds:\n%s", w.Body.Bytes())
		case s.Versori().Store().Len() != n+1:
			t.Fatalf("%d connectors after one create, had %d", s.Versori().Store().Len(), n)
		case c.OrganisationID != docOrg || c.Protocol != protocol:
			t.Fatalf("created in %s as %s", c.OrganisationID, c.Protocol)
		case !c.CreatedAt.Equal(testkit.Clock) || !c.UpdatedAt.Equal(testkit.Clock):
			t.Fatalf("created %s, updated %s, not the clock", c.CreatedAt, c.UpdatedAt)
		case len(c.Versions) != 0:
			t.Fatal("a new connector has versions")
		case bigquery && (c.DatasetID == nil || c.BaseURL != nil) || !bigquery && c.DatasetID != nil:
			t.Fatalf("protocol %s with baseUrl %v, datasetId %v", protocol, c.BaseURL, c.DatasetID)
		}
		for _, conn := range c.Connections {
			for _, cc := range append(slices.Clone(conn.Credentials.Action), conn.Credentials.Trigger...) {
				if !bytes.Equal(fx.Redact(cc.Credential.Data), cc.Credential.Data) {
					t.Fatalf("credential data not redacted: %s", cc.Credential.Data)
				}
			}
		}
		for _, a := range c.AuthSchemeConfigs {
			if len(a.ValidationMessages) != 0 {
				t.Fatalf("validationMessages sent in were kept: %v", a.ValidationMessages)
			}
		}
	})
}

// FuzzDeleteConnector sends arbitrary connector ids and force values to DeleteConnector.
func FuzzDeleteConnector(f *testing.F) {
	s := newFuzzServer(f)
	for _, c := range s.stored(f) {
		f.Add(c.ID, "")
		f.Add(strings.ToLower(c.ID), "true")
	}
	for _, seed := range []struct{ id, force string }{
		{docID, "false"}, {docID, "1"}, {docID, "TRUE"}, {docID, "maybe"}, {unknown, "true"}, {"", ""}, {"not-a-ulid", "t"},
		{docID + "/versions/1.0.0", "true"}, {docID, "true&force=false"},
	} {
		f.Add(seed.id, seed.force)
	}
	f.Fuzz(func(t *testing.T, id, force string) {
		s.Begin(t)
		u := apiURL(testkit.Query("force", force), "o", docOrg, "connectors", id)
		if u == nil {
			return
		}
		before, lookup := s.Versori().Store().Connector(docOrg, id)
		n := s.Versori().Store().Len()
		w := s.send("DELETE", u, nil)
		if !s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			return
		}
		if strings.Contains(id, "/") {
			return // an escaped slash made it another operation
		}
		_, err := s.Versori().Store().Connector(docOrg, id)
		forced, _ := strconv.ParseBool(force)
		switch {
		case w.Code != 204 || w.Body.Len() != 0:
			t.Fatalf("a delete answered %d %s", w.Code, w.Body.Bytes())
		case lookup != nil:
			t.Fatalf("deleted a connector the store does not know: %v", lookup)
		case !errors.Is(err, versori.ErrNotFound):
			t.Fatalf("the deleted connector is still there: %v", err)
		case s.Versori().Store().Len() != n-1:
			t.Fatalf("%d connectors after one delete, had %d", s.Versori().Store().Len(), n)
		case len(before.Connections) > 0 && !forced:
			t.Fatalf("deleted a connector with %d connections without force (force=%q)", len(before.Connections), force)
		}
	})
}

// FuzzVersions sends an arbitrary version reference, body and force value to every version
// operation of the documented connector.
func FuzzVersions(f *testing.F) {
	draft := `{"name":"2.0.0","fromVersion":"latest"}`
	for _, seed := range []struct{ ref, body, force string }{
		{"1.0.0", docVersion, ""},
		{"latest", strings.Replace(docVersion, `"First release"`, `"changed"`, 1), "true"},
		{"default", strings.Replace(docVersion, `"publishedAt":"2025-04-02T08:00:00Z"`, `"publishedAt":null`, 1), "false"},
		{"1.0.0", strings.Replace(docVersion, `"isDefault":true`, `"isDefault":false`, 1), "1"},
		{"1.0.0", strings.Replace(docVersion, `"2025-04-02T08:00:00Z"}`, `"2030-01-01T00:00:00Z"}`, 1), ""},
		{"1.0.0", strings.Replace(docVersion, `"name":"1.0.0"`, `"name":"x"`, 1), ""},
		{"2.0.0", draft, ""}, {"1.0.0", `{"name":"1.0.0"}`, ""}, {"latest", `{"name":"latest"}`, ""}, {"", `{"name":""}`, ""},
		{"9.9.9", `{"name":"3.0.0","fromVersion":"9.9.9"}`, ""}, {"Default", `{"name":" "}`, ""},
		{"%2e", `{"fromVersion":"1.0.0"}`, "maybe"}, {"a/b", `[`, ""}, {"\x00", `null`, ""}, {"1.0.0", ``, ""},
	} {
		f.Add(seed.ref, []byte(seed.body), seed.force)
	}
	s := newFuzzServer(f)
	base := []string{"o", docOrg, "connectors", docID, "versions"}
	f.Fuzz(func(t *testing.T, ref string, body []byte, force string) {
		s.Begin(t)
		versionsBefore := func() []fx.Version {
			c, err := s.Versori().Store().Connector(docOrg, docID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Versions
		}
		// CreateConnectorVersion
		before := versionsBefore()
		w := s.send("POST", apiURL("", base...), body)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var v fx.Version
			decode(t, w.Body.Bytes(), &v)
			stored, err := s.Versori().Store().Version(docOrg, docID, v.Name)
			switch {
			case w.Code != 201 || err != nil || !testkit.EncodeEqual(v, stored):
				t.Fatalf("created %d, stored %v (%v): %s", w.Code, stored, err, w.Body.Bytes())
			case v.PublishedAt != nil || v.IsDefault || v.IsLatest:
				t.Fatalf("a new version is not a draft: %s", w.Body.Bytes())
			case len(versionsBefore()) != len(before)+1:
				t.Fatal("a create did not add one version")
			}
			s.Restore(t)
		}

		segs := append(slices.Clone(base), ref)
		u := apiURL("", segs...)
		if u == nil {
			return
		}
		// UpdateConnectorVersion
		w = s.send("PUT", u, body)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var v fx.Version
			decode(t, w.Body.Bytes(), &v)
			stored, err := s.Versori().Store().Version(docOrg, docID, v.Name)
			switch {
			case w.Code != 200 || err != nil || !testkit.EncodeEqual(v, stored):
				t.Fatalf("updated %d, stored %v (%v): %s", w.Code, stored, err, w.Body.Bytes())
			case !v.UpdatedAt.Equal(testkit.Clock):
				t.Fatalf("updatedAt %s is not the clock", v.UpdatedAt)
			case len(versionsBefore()) != len(before):
				t.Fatal("an update changed the number of versions")
			case v.IsDefault && v.PublishedAt == nil:
				t.Fatalf("a draft became the default: %s", w.Body.Bytes())
			}
			s.Restore(t)
		}

		// DeleteConnectorVersion
		u.RawQuery = testkit.Query("force", force)
		w = s.send("DELETE", u, nil)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			if w.Code != 204 || len(versionsBefore()) != len(before)-1 {
				t.Fatalf("a delete answered %d and left %d of %d versions", w.Code, len(versionsBefore()), len(before))
			}
			s.Restore(t)
		}

		// GetConnectorVersion
		u.RawQuery = ""
		w = s.send("GET", u, nil)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var v fx.Version
			decode(t, w.Body.Bytes(), &v)
			if !slices.ContainsFunc(before, func(b fx.Version) bool { return testkit.EncodeEqual(b, v) }) {
				t.Fatalf("got a version the connector does not show: %s", w.Body.Bytes())
			}
		}
	})
}

// FuzzPathParameters sends arbitrary organisation, connector and version path parameters to
// every operation.
func FuzzPathParameters(f *testing.F) {
	for _, seed := range []struct{ org, id, version string }{
		{docOrg, docID, "1.0.0"}, {strings.ToLower(docOrg), strings.ToLower(docID), "latest"}, {otherOrg, docID, "default"},
		{docOrg, unknown, "9.9.9"}, {"", "", ""}, {"not-a-ulid", "..", "."}, {docOrg, docID + "/versions", "x"},
		{"%00", "%zz", "%2F"}, {docOrg + " ", docID, "\xff"}, {"0" + docOrg[1:], "I" + docID[1:], "1.0.0 "},
		{docOrg, docID, "1.1.0"}, {docOrg, docID, fx.DocumentedConnectionID}, {docOrg, docID, docASC}, {docOrg, docID, "http"},
	} {
		f.Add(seed.org, seed.id, seed.version)
	}
	s := newFuzzServer(f)
	put := func(org, id string) []byte {
		b, _ := json.Marshal(map[string]any{"id": id, "organisationId": org, "name": "n", "protocol": "http", "baseUrl": "https://x"})
		return b
	}
	f.Fuzz(func(t *testing.T, org, id, version string) {
		s.Begin(t)
		for _, r := range []struct {
			method string
			segs   []string
			body   []byte
		}{
			{"GET", []string{"o", org, "connectors", id}, nil},
			{"PUT", []string{"o", org, "connectors", id}, put(org, id)},
			{"GET", []string{"o", org, "connectors", id, "versions"}, nil},
			{"POST", []string{"o", org, "connectors", id, "versions"}, []byte(`{"name":"2.0.0"}`)},
			{"GET", []string{"o", org, "connectors", id, "versions", version}, nil},
			{"PUT", []string{"o", org, "connectors", id, "versions", version}, []byte(docVersion)},
			{"DELETE", []string{"o", org, "connectors", id, "versions", version}, nil},
			{"DELETE", []string{"o", org, "connectors", id}, nil},
			{"GET", []string{"o", org, "connectors"}, nil},
			{"POST", []string{"o", org, "protocols", "bigquery", "connectors"}, []byte(`{"name":"W","datasetId":"p.d","connections":[]}`)},
			// The operations of issue 14, the item names (a connection id, an action, ...) the
			// version parameter.
			{"PUT", []string{"o", org, "connectors", id, "tags"}, []byte(`{"tags":{"a":["b"]}}`)},
			{"PUT", []string{"o", org, "connectors", id, "categories"}, []byte(`{"categories":["CRM"]}`)},
			{"PUT", []string{"o", org, "connectors", id, "auth-scheme-configs", version}, []byte(`{"id":"` + docASC + `","description":"d","schemeType":"none"}`)},
			{"DELETE", []string{"o", org, "connectors", id, "auth-scheme-configs", version}, nil},
			{"GET", []string{"o", org, "connectors", id, "connections"}, nil},
			{"GET", []string{"o", org, "connectors", id, "connections", version}, nil},
			{"DELETE", []string{"o", org, "connectors", id, "connections", version}, nil},
			{"POST", []string{"o", org, "connectors", id, "oauth2", "initialise"}, []byte(`{"credential":{"id":"` + fx.DocumentedCredentialID + `","organisationId":"` + docOrg + `"},"authorizeUrl":"https://a/b","clientId":"c"}`)},
			{"POST", []string{"o", org, "connectors", id, "versions", version, "publish"}, nil},
			{"POST", []string{"o", org, "connectors", id, "versions", version, "unpublish"}, nil},
			{"POST", []string{"o", org, "connectors", id, "versions", version, "library", "import"}, nil},
			{"GET", []string{"o", org, "connectors", id, "versions", version, "actions"}, nil},
			{"GET", []string{"o", org, "connectors", id, "versions", version, "triggers", "weatherAlert"}, nil},
			{"DELETE", []string{"o", org, "connectors", id, "versions", version, "definitions", "Weather"}, nil},
			{"GET", []string{"o", org, "schemas", id, version, "Weather.json"}, nil},
			{"GET", []string{"o", org, "protocols"}, nil},
			{"GET", []string{"o", org, "protocols", version, "auth-schemes"}, nil},
			{"GET", []string{"o", org, "protocols", version, "upload-url"}, nil},
			{"POST", []string{"o", org, "connector", id, "http", "import"}, []byte(`{"schemaURL":"https://x","format":"openapi","version":"3.0.0"}`)},
		} {
			u := apiURL("", r.segs...)
			if u == nil {
				return
			}
			w := s.send(r.method, u, r.body)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) && (r.method != "GET" || strings.HasSuffix(u.Path, "upload-url")) {
				s.Restore(t) // an upload URL draws an id: it is a write
			}
		}
	})
}

// FuzzList sends arbitrary paging, sort and filter parameters to ListConnectors (and the paging
// ones to ListConnectorVersions), both encoded as a client would and as raw query text.
func FuzzList(f *testing.F) {
	for _, seed := range []struct{ first, after, before, sort, tags string }{
		{"2", "", "", "", ""}, {"1", "", "", "name:asc", "category:weather"}, {"", "", "", "createdAt:asc,name:desc", "category"},
		{"0", "", "", "id:up", ""}, {"-1", "x", "y", "nope:asc", ":v"}, {"20", "", "", "name", ","},
		{"9223372036854775808", "", "", "protocol:desc,id:asc", "a:b:c"}, {"1.5", "=", "%zz", "name:asc,name:asc", "k,"},
		{"3", "eyJzIjoidXBkYXRlZEF0OmRlc2MsaWQ6YXNjIiwiayI6WyJhIiwiYiJdfQ", "", "", ""},
		{"3", "eyJzIjoidXBkYXRlZEF0OmRlc2MsaWQ6YXNjIiwiayI6WyJhIl19", "eyJzIjoibmFtZTphc2MsaWQ6YXNjIiwiayI6WyJhIiwiYiJdfQ", "", ""},
		{"1", "e30", "bnVsbA", "updatedAt:desc", "k:v&first=0"},
	} {
		f.Add(seed.first, seed.after, seed.before, seed.sort, seed.tags)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, first, after, before, sortBy, tags string) {
		s.Begin(t)
		encoded := testkit.Query("first", first, "after", after, "before", before, "sort", sortBy, "tags", tags)
		raw := "first=" + first + "&after=" + after + "&before=" + before + "&sort=" + sortBy + "&tags=" + tags
		for _, q := range []string{encoded, raw} {
			u := apiURL(q, "o", docOrg, "connectors")
			w := s.send("GET", u, nil)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var page versori.ConnectorPage
				decode(t, w.Body.Bytes(), &page)
				sent := u.Query()
				limit, err := strconv.Atoi(sent.Get("first"))
				if err != nil || limit <= 0 {
					limit = 20
				}
				if len(page.Connectors) > limit || page.TotalCount < len(page.Connectors) {
					t.Fatalf("%d connectors of %d on a page of %d", len(page.Connectors), page.TotalCount, limit)
				}
				for _, c := range page.Connectors {
					if c.OrganisationID != docOrg {
						t.Fatalf("connector %s of %s listed under %s", c.ID, c.OrganisationID, docOrg)
					}
				}
				for name, cursor := range map[string]string{"after": page.Next, "before": page.Prev} {
					if cursor == "" {
						continue
					}
					follow := testkit.Query(name, cursor, "sort", sent.Get("sort"), "tags", sent.Get("tags"))
					if w := s.send("GET", apiURL(follow, "o", docOrg, "connectors"), nil); w.Code != 200 {
						t.Fatalf("the %s cursor handed out is refused: %d %s", name, w.Code, w.Body.Bytes())
					}
				}
			}
			w = s.send("GET", apiURL(q, "o", docOrg, "connectors", docID, "versions"), nil)
			s.checkAnswer(t, w.Code, w.Body.Bytes())
		}
		if !s.Unchanged(t) {
			t.Fatal("a list changed the state")
		}
	})
}

// FuzzConnections sends an arbitrary connection id, body, force value and list query to
// every connection operation of the documented connector.
func FuzzConnections(f *testing.F) {
	create := `{"name":"staging","variables":[],"credentials":{"action":[{"authSchemeConfig":{"id":"01JV8TMEFKPCQ0K4HJXA885KEY","description":"k","schemeType":"api-key","name":"X","in":"header"},"credential":{"name":"k","type":"string","data":{"value":"s3cret"}}}]}}`
	update := `{"id":"` + fx.DocumentedConnectionID + `","name":"prod","variables":[{"name":"a","value":"b"}],"credentials":{"action":[{"id":"01JQQEFB5A0N3E6GQ2XKZ8YH1C","authSchemeConfig":{"id":"` + docASC + `","description":"d","schemeType":"none"}}]}}`
	for _, seed := range []struct{ id, body, force, query string }{
		{fx.DocumentedConnectionID, create, "", "first=1"}, {fx.DocumentedConnectionID, update, "true", ""},
		{strings.ToLower(fx.DocumentedConnectionID), `{"id":"x","name":""}`, "maybe", "after=x"},
		{unknown, `{"name":"production","variables":[],"credentials":{}}`, "1", "first=0"},
		{"", `{"name":"a","variables":[],"credentials":{"action":[{"authSchemeConfig":{"id":"` + docASC + `","schemeType":"api-key","description":"d","name":"n","in":"header"},"credential":{"name":"c","type":"none","data":{}}}]}}`, "", "before=eyJzIjoiIn0"},
		{"a/b", `[`, "", "%zz"}, {"\x00", `null`, "", ""}, {fx.DocumentedConnectionID, ``, "", ""},
	} {
		f.Add(seed.id, []byte(seed.body), seed.force, seed.query)
	}
	s := newFuzzServer(f)
	base := []string{"o", docOrg, "connectors", docID, "connections"}
	f.Fuzz(func(t *testing.T, id string, body []byte, force, query string) {
		s.Begin(t)
		connections := func() []fx.Connection {
			c, err := s.Versori().Store().Connector(docOrg, docID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Connections
		}
		before := connections()
		if u := apiURL(query, base...); u != nil {
			w := s.send("GET", u, nil)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var page versori.ConnectionPage
				decode(t, w.Body.Bytes(), &page)
				if page.TotalCount != len(before) || len(page.Items) > len(before) {
					t.Fatalf("listed %d of %d connections: %s", page.TotalCount, len(before), w.Body.Bytes())
				}
			}
		}
		// CreateConnectorConnection
		w := s.send("POST", apiURL("", base...), body)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var conn fx.Connection
			decode(t, w.Body.Bytes(), &conn)
			stored, err := s.Versori().Store().Connection(docOrg, docID, conn.ID)
			switch {
			case w.Code != 200 || err != nil || !testkit.EncodeEqual(conn, stored):
				t.Fatalf("created %d, stored %v (%v): %s", w.Code, stored, err, w.Body.Bytes())
			case len(connections()) != len(before)+1:
				t.Fatal("a create did not add one connection")
			case bytes.Contains(w.Body.Bytes(), []byte("s3cret")):
				t.Fatalf("a secret was echoed: %s", w.Body.Bytes())
			}
			s.Restore(t)
		}
		u := apiURL("", append(slices.Clone(base), id)...)
		if u == nil {
			return
		}
		// UpdateConnection
		w = s.send("PUT", u, body)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var conn fx.Connection
			decode(t, w.Body.Bytes(), &conn)
			stored, err := s.Versori().Store().Connection(docOrg, docID, conn.ID)
			switch {
			case w.Code != 200 || err != nil || !testkit.EncodeEqual(conn, stored):
				t.Fatalf("updated %d, stored %v (%v): %s", w.Code, stored, err, w.Body.Bytes())
			case len(connections()) != len(before):
				t.Fatal("an update changed the number of connections")
			}
			s.Restore(t)
		}
		// DeleteConnection
		u.RawQuery = testkit.Query("force", force)
		w = s.send("DELETE", u, nil)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			if w.Code != 204 || len(connections()) != len(before)-1 {
				t.Fatalf("a delete answered %d and left %d of %d connections", w.Code, len(connections()), len(before))
			}
			s.Restore(t)
		}
		// GetConnection
		u.RawQuery = ""
		w = s.send("GET", u, nil)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			var conn fx.Connection
			decode(t, w.Body.Bytes(), &conn)
			if !slices.ContainsFunc(before, func(b fx.Connection) bool { return testkit.EncodeEqual(b, conn) }) {
				t.Fatalf("got a connection the connector does not show: %s", w.Body.Bytes())
			}
		}
	})
}

// FuzzVersionContent sends an arbitrary version reference, item name, body and force value to
// every action, trigger and definition operation, GetRawSchema, PublishConnector and
// UnpublishConnector of the documented connector.
func FuzzVersionContent(f *testing.F) {
	act := `{"type":"http","name":"cities","method":"GET","path":"/c","parameters":[],"responses":[{"status":200,"definitions":[{"definition":{"name":"Weather"}}]}]}`
	defs := `{"definitions":[{"name":"City","accept":["application/json"],"schema":{"contentType":"application/schema+json","content":"{\"$ref\":\"#/$defs/Weather\"}"}}]}`
	for _, seed := range []struct{ ref, name, body, force string }{
		{"1.1.0", "getWeather", act, ""}, {"1.1.0", "weatherAlert", strings.Replace(act, `"path":"/c",`, "", 1), "true"},
		{"1.1.0", "Weather", defs, "false"}, {"1.0.0", "Weather", `{"all":true}`, "true"},
		{"1.1.0", "Weather", `{"id":"` + fx.DocumentedDefinitionID + `","name":"W2","accept":[]}`, ""},
		{"latest", "Weather.json", `{"names":["Weather","Weather"]}`, "1"}, {"default", "x", `{"ids":[]}`, "maybe"},
		{"1.1.0", "getWeather", `{"id":"` + fx.DocumentedActionID + `","type":"http","name":"getWeather","method":"GET","path":"/w","parameters":[],"responses":[{"id":"x","definitions":[]}]}`, ""},
		{"9.9.9", "", `[`, ""}, {"a/b", "\x00", `null`, ""}, {"1.1.0", "%2e", ``, ""},
	} {
		f.Add(seed.ref, seed.name, []byte(seed.body), seed.force)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, ref, name string, body []byte, force string) {
		s.Begin(t)
		send := func(method string, query string, b []byte, segs ...string) (int, []byte) {
			u := apiURL(query, append([]string{"o", docOrg, "connectors", docID, "versions", ref}, segs...)...)
			if u == nil {
				return 0, nil
			}
			w := s.send(method, u, b)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) && method != "GET" {
				s.Restore(t)
			}
			return w.Code, w.Body.Bytes()
		}
		for _, kind := range []string{"actions", "triggers", "definitions"} {
			send("GET", "name="+url.QueryEscape(name), nil, kind)
			send("POST", "", body, kind)
			send("GET", "", nil, kind, name)
			send("PUT", "", body, kind, name)
			send("DELETE", testkit.Query("force", force), nil, kind, name)
		}
		send("DELETE", testkit.Query("force", force), body, "definitions")
		send("POST", "", nil, "publish")
		send("POST", "", nil, "unpublish")
		if u := apiURL("", "o", docOrg, "schemas", docID, ref, name); u != nil {
			w := s.send("GET", u, nil)
			s.checkAnswer(t, w.Code, w.Body.Bytes())
		}
	})
}

// FuzzCatalogue sends an arbitrary query to ListPublicConnectors and ListCategories and an
// arbitrary body to UpdateConnectorTags and UpdateConnectorCategories: a public list holds
// public connectors only, and an accepted write stores what it was sent.
func FuzzCatalogue(f *testing.F) {
	for _, seed := range []struct{ query, body string }{
		{"first=2&sort=name:desc", `{"tags":{"a":["b"]},"categories":["CRM"]}`}, {"name=e&tags=category&categories=ERP", `{}`},
		{"first=0", `{"tags":{"a":"b"},"categories":["Nope"]}`}, {"after=x", `{"categories":["CRM","CRM"]}`},
		{"sort=nope:asc", `[`}, {"%zz", `null`}, {"", ``},
	} {
		f.Add(seed.query, []byte(seed.body))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, query string, body []byte) {
		s.Begin(t)
		if u := apiURL(query, "connectors"); u != nil {
			w := s.send("GET", u, nil)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var page versori.ConnectorPage
				decode(t, w.Body.Bytes(), &page)
				for _, c := range page.Connectors {
					if !c.Public {
						t.Fatalf("a private connector in the public library: %s", c.ID)
					}
				}
			}
		}
		if u := apiURL(query, "categories"); u != nil {
			w := s.send("GET", u, nil)
			s.checkAnswer(t, w.Code, w.Body.Bytes())
		}
		// ImportPublicConnectorVersion, of a version named by the query (any string).
		if u := apiURL("", "o", otherOrg, "connectors", docID, "versions", query, "library", "import"); u != nil {
			w := s.send("POST", u, nil)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				t.Fatalf("imported a private connector: %s", w.Body.Bytes())
			}
		}
		for _, kind := range []string{"tags", "categories"} {
			w := s.send("PUT", apiURL("", "o", docOrg, "connectors", docID, kind), body)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				if w.Code != 204 {
					t.Fatalf("answered %d", w.Code)
				}
				s.Restore(t)
			}
		}
	})
}

// FuzzProtocols sends an arbitrary protocol slug and query to ListProtocols and
// ListAuthSchemes, and an arbitrary config id and body to UpsertAuthSchemeConfig and
// DeleteAuthSchemeConfig of the documented connector.
func FuzzProtocols(f *testing.F) {
	key := `{"id":"01JV8TMEFKPCQ0K4HJXA885KEY","description":"k","schemeType":"api-key","name":"X","in":"header"}`
	for _, seed := range []struct{ slug, query, id, body string }{
		{"http", "first=1", "01JV8TMEFKPCQ0K4HJXA885KEY", key}, {"bigquery", "content_type=bigquery&content_length=3", docASC, key},
		{"http", "content_type=http&content_length=" + strconv.Itoa(len(key)), "01JV8TMEFKPCQ0K4HJXA885KEY", key},
		{"ftp", "first=0", strings.ToLower(docASC), `{"id":"` + docASC + `","description":"n","schemeType":"none"}`},
		{"", "after=x", "not-a-ulid", `{"id":"not-a-ulid","description":"d","schemeType":"none"}`},
		{"a/b", "%zz", "", `[`}, {"\x00", "before=", "x", `null`},
	} {
		f.Add(seed.slug, seed.query, seed.id, []byte(seed.body))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, slug, query, id string, body []byte) {
		s.Begin(t)
		for _, u := range []*url.URL{apiURL(query, "o", docOrg, "protocols"), apiURL("", "o", docOrg, "protocols", slug, "auth-schemes")} {
			if u != nil {
				w := s.send("GET", u, nil)
				s.checkAnswer(t, w.Code, w.Body.Bytes())
			}
		}
		// GetProtocolUploadURL with the query, then a PUT of the body, with the slug as its
		// content type, to the URL it issued and to one named by id; then the GETs.
		if u := apiURL(query, "o", docOrg, "protocols", slug, "upload-url"); u != nil {
			w := s.send("GET", u, nil)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var signed versori.SignedURL
				decode(t, w.Body.Bytes(), &signed)
				for _, target := range []string{signed.UploadURL, "/api/connect/v1/uploads/" + url.PathEscape(id)} {
					tu, err := url.Parse(target)
					if err != nil {
						t.Fatalf("issued %q: %v", target, err)
					}
					for _, method := range []string{"PUT", "PUT", "GET", "DELETE"} {
						r := httptest.NewRequest(method, tu.RequestURI(), bytes.NewReader(body))
						r.Header.Set("Content-Type", slug)
						rec := httptest.NewRecorder()
						s.ServeHTTP(rec, r)
						if c := rec.Code; c >= 500 || c != 200 && c != 400 && c != 404 && c != 405 && c != 409 {
							t.Fatalf("%s %s answered %d: %s", method, tu, c, rec.Body)
						}
					}
				}
				s.Restore(t)
			}
		}
		u := apiURL("", "o", docOrg, "connectors", docID, "auth-scheme-configs", id)
		if u == nil {
			return
		}
		for _, method := range []string{"PUT", "DELETE"} {
			var b []byte
			if method == "PUT" {
				b = body
			}
			w := s.send(method, u, b)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var c fx.Connector
				decode(t, w.Body.Bytes(), &c)
				stored, err := s.Versori().Store().Connector(docOrg, docID)
				if err != nil || !testkit.EncodeEqual(c, stored) {
					t.Fatalf("answered %s, stored %v (%v)", w.Body.Bytes(), stored, err)
				}
				s.Restore(t)
			}
		}
	})
}

// FuzzImports sends an arbitrary document (multipart) and an arbitrary JSON body to both
// imports, and an arbitrary upload to an upload URL: no document makes the mock fail, and an
// accepted import stores the connector it answers.
func FuzzImports(f *testing.F) {
	for _, seed := range []struct{ doc, body string }{
		{petstoreDoc, `{"schemaURL":"http://x/api/connect/v1/uploads/01JQQEESWY391NGMH0BV4G0000","format":"openapi"}`},
		{"openapi: 3.0.3\ninfo: {title: x, version: latest}\npaths: {/a/{b}: {parameters: [{name: b, in: path, required: true, schema: {type: boolean}}], get: {responses: {default: {description: d}}}}}\n", `{"schemaURL":"https://example.com","format":"openapi","version":"x"}`},
		{`{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{}}`, `{"format":"openapi"}`},
		{"swagger: '2.0'", `{"schemaURL":"%zz","format":"yaml"}`}, {"", `[`}, {"\x00", `null`},
	} {
		f.Add([]byte(seed.doc), []byte(seed.body))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, doc, body []byte) {
		s.Begin(t)
		for _, path := range [][]string{{"o", docOrg, "protocols", "http", "import"}, {"o", docOrg, "connector", docID, "http", "import"}} {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "openapi.yaml")
			fw.Write(doc)
			pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="metadata"`}, "Content-Type": {"application/json"}})
			pw.Write([]byte(`{"format":"openapi","version":"9.0.0"}`))
			mw.Close()
			r := httptest.NewRequest("POST", apiURL("", path...).String(), &b)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
			s.Wrote()
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				var res versori.ImportResult
				decode(t, w.Body.Bytes(), &res)
				if _, err := s.Versori().Store().Connector(docOrg, res.Connector.ID); err != nil {
					t.Fatalf("imported %s, stored none: %v", res.Connector.ID, err)
				}
				s.Restore(t)
			}
			w = s.send("POST", apiURL("", path...), body)
			if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
				t.Fatalf("imported from a URL nothing was uploaded to: %s", w.Body.Bytes())
			}
		}
	})
}

// petstoreDoc is a small OpenAPI document for the fuzz seeds.
const petstoreDoc = "openapi: 3.0.3\ninfo: {title: Pets, version: 1.2.0}\ncomponents: {schemas: {Pet: {type: object, properties: {o: {$ref: '#/components/schemas/O'}}}, O: {type: string}}}\n" +
	"paths: {/pets: {post: {operationId: add, requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}, responses: {'201': {description: c}}}}}\n"

// FuzzOAuth2 sends an arbitrary InitialiseOAuth2Connection body to the documented connector,
// and an arbitrary query to the callback and the authorize endpoint and form to the token
// endpoint: no answer is a 5xx or undocumented, and a callback never completes without a state
// the API issued.
func FuzzOAuth2(f *testing.F) {
	for _, seed := range []struct{ body, query string }{
		{`{"credential":{"id":"` + fx.DocumentedCredentialID + `","organisationId":"` + docOrg + `"},"authorizeUrl":"https://a/b","clientId":"c"}`, "state=x&code=y"},
		{`{"credential":{"id":"x","organisationId":"y"},"authorizeUrl":"/rel","clientId":"c","additionalParams":"%zz"}`, "error=access_denied"},
		{`{"credential":{},"authorizeUrl":"https://a","clientId":"c","additionalParams":"state=1&scope=2"}`, "client_id=c&response_type=code&redirect_uri=https://a/b"},
		{`[`, "grant_type=refresh_token&refresh_token=r"}, {``, "%"}, {`null`, "grant_type=authorization_code&code=c"},
	} {
		f.Add([]byte(seed.body), seed.query)
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		s.Begin(t)
		w := s.send("POST", apiURL("", "o", docOrg, "connectors", docID, "oauth2", "initialise"), body)
		if s.checkAnswer(t, w.Code, w.Body.Bytes()) {
			t.Fatalf("initialised a flow for a credential that is no oauth2 one: %s", w.Body.Bytes())
		}
		for _, path := range []string{"callback", "authorize", "token"} {
			u := apiURL(query, "oauth2", path)
			if u == nil {
				continue
			}
			method, form := "GET", []byte(nil)
			if path == "token" {
				method, form = "POST", []byte(query)
				u.RawQuery = ""
			}
			r := httptest.NewRequest(method, u.String(), bytes.NewReader(form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			s.Wrote() // the provider draws ids for codes and tokens
			s.ServeHTTP(rec, r)
			s.violations.Check(t)
			s.Restore(t)
			switch {
			case rec.Code >= 500:
				t.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
			case path == "callback" && rec.Code != 400:
				t.Fatalf("a callback without an issued state answered %d: %s", rec.Code, rec.Body)
			case path != "callback" && rec.Code != 302 && rec.Code != 200 && rec.Code != 400:
				t.Fatalf("%s answered %d: %s", path, rec.Code, rec.Body)
			}
		}
	})
}
