package mock_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// This file holds one case per documented status of every operation of every embedded spec,
// and a guard that derives the list of (operation, status) pairs from the specs themselves:
// an operation or a documented status added to a spec without a case here fails CI, and so
// does a case whose operation or status no spec documents.
//
// The rule the guard applies to each operation:
//
//   - every explicit response code ("200", "404", ...) needs a case;
//   - a `default` response (Versori documents its errors that way: "any error") needs a case
//     for 400 (every operation takes a parameter or a body that can break the contract), for
//     401 and 403 when the operation requires a token, for 404 when it has path parameters,
//     and for 409 when the vendor says the operation can conflict: its texts (description or
//     the default response's) mention 409 or Conflict, or it takes a `force` query parameter,
//     which the vendor describes as overriding that refusal (DeleteConnector,
//     DeleteConnectorVersion). Other error statuses a default response allows may have cases
//     (Versori's 409s for versions) but need none;
//   - a response code the rule cannot read ("4XX") is reported, so that the rule is extended
//     rather than the code silently skipped.
//
// Every case reaches its status through real behaviour: documented data, a body or parameter
// that breaks the contract, no token, a read-only token writing, a token scoped to another
// Versori organisation, an unknown id, the vendor's conflict rules. Only a status that no
// request can reach carries a `Prefer: code=NNN` header, and says why in its why field.

// foreignOrg is a Versori organisation other than the documented one; foreignToken may act in
// it alone, so anywhere under the documented organisation it gets Versori's 403, reads included.
const (
	foreignOrg   = "01JTJJEWXWNVE4XGCY2G7A8000"
	foreignToken = "statuses-foreign-org-token"
)

// The documented data sets, and ids that name nothing in them.
const (
	pupID      = productsup.DocumentedID
	pupUnknown = "00000000-0000-4000-8000-000000000000"
	c1App      = conductorone.DocumentedAppID
	c1Conn     = conductorone.DocumentedConnectorID
	c1Unknown  = "2tJx9rcUyjZ15BXoMYi2BGkgqD9"
	c1NoApp    = "2fNYt5ovfagQ9ArtVtVeIULrWrg"
	vOrg       = versori.DocumentedOrganisationID
	vConn      = versori.DocumentedConnectorID
	vUnknown   = "01JQQEESWY391NGMH0BV4G0000"
)

// Paths of the documented resources.
const (
	pupVersion = "/connectors/" + pupID + "/versions/1"
	c1List     = "/api/v1/apps/" + c1App + "/connectors"
	c1Doc      = c1List + "/" + c1Conn
	vBase      = "/api/connect/v1/o/" + vOrg
	vDoc       = vBase + "/connectors/" + vConn
	vVersions  = vDoc + "/versions"
)

// Request bodies taken from the vendors' documented examples (README, seed pages).
const (
	pupDisableBody = `{"accounts":[777],"projects":[444],"sites":[666]}`
	c1UpdateBody   = `{"connector":{"displayName":"displayName","description":"description","profileAllowList":["string"]},` +
		`"updateMask":"displayName,description,profileAllowList","expandMask":{"paths":["*"]}}`
	vUpdateBody = `{"id":"` + vConn + `","organisationId":"` + vOrg + `","name":"<string>","tags":{},"protocol":"http",` +
		`"authSchemeConfigIds":["` + versori.DocumentedAuthSchemeConfigID + `"],"public":true,` +
		`"documentationURL":"<string>","imageURL":"<string>","baseUrl":"<string>",` +
		`"connectionVariables":[{"name":"<string>","value":"<string>"}]}`
	// vVersionBody is the documented published version 1.0.0 exactly as the API lists it.
	vVersionBody = `{"id":"` + versori.DocumentedVersionID + `","name":"1.0.0","description":"First release",` +
		`"isLatest":true,"isDefault":true,"createdAt":"2025-03-31T09:14:02Z","updatedAt":"2025-04-02T08:00:00Z",` +
		`"publishedAt":"2025-04-02T08:00:00Z"}`
	vHTTPBody     = `{"name":"Acme CRM","baseUrl":"https://api.acme.example","authSchemeConfigs":[],"connections":[]}`
	vBigQueryBody = `{"name":"Warehouse","datasetId":"acme-prod.sales","connections":[]}`
)

// statusCase is one (operation, status) pair of the table, reached by one request.
type statusCase struct {
	req testkit.Request
	// reason is a text the body must contain: a 400 or 409 reached by a real request must
	// name its cause, so that a case which starts failing for another reason is noticed.
	reason string
	// why says, for a case that needs "Prefer: code=NNN", why no real request reaches the
	// status; it is empty exactly when the request carries no Prefer header.
	why string
}

// prefer returns the header that makes the mock answer status with the vendor's documented
// body for it.
func prefer(status int) http.Header {
	return http.Header{"Prefer": {"code=" + strconv.Itoa(status)}}
}

// Reasons for the Prefer cases, one per kind of unreachable status.
const (
	whyReadNoScope = "a read with a known token is never refused: the vendor's tokens have no scope finer than read/write, and the read-only token may read"
	whyInternal    = "500 is a bug in the mock (a recovered panic); no request can cause it"
	whyOrgImplicit = "Versori organisations are implicit: any ULID names one (an unknown one lists empty, creating in it creates), so the only path parameter cannot name a missing resource"
)

// statusCases is the table, keyed by "operationId status", the name of each case's subtest. A
// key given twice does not compile.
func statusCases() map[string]statusCase {
	cases := map[string]statusCase{}
	for _, vendor := range []map[string]statusCase{productsupStatusCases(), conductoroneStatusCases(), versoriStatusCases()} {
		for k, c := range vendor {
			if _, dup := cases[k]; dup {
				panic("status case " + k + " given by two vendors")
			}
			cases[k] = c
		}
	}
	return cases
}

// The helpers every vendor's table builds its requests with.
func get(path, token string) testkit.Request {
	return testkit.Request{Method: "GET", Path: path, Token: token}
}

func send(method, path, token, body string) testkit.Request {
	r := testkit.Request{Method: method, Path: path, Token: token}
	if body != "" {
		r.Body = body
	}
	return r
}

// unhonourable is a real request that reaches an operation's 400: r with a Prefer asking for
// a status the operation does not document, which the mock refuses naming the documented ones.
func unhonourable(r testkit.Request, op string) statusCase {
	r.Header = prefer(http.StatusTeapot)
	return statusCase{req: r, reason: "code=418 is not documented for " + op}
}

func preferred(r testkit.Request, status int, why string) statusCase {
	r.Header = prefer(status)
	return statusCase{req: r, why: why}
}

// adminTok and roTok are the default principals' tokens.
const (
	adminTok = mock.AdminToken
	roTok    = mock.ReadOnlyToken
)

// TestEveryDocumentedStatus runs every case of the table on a fresh server that validates each
// response against our spec, after checking that the table covers what the specs document.
func TestEveryDocumentedStatus(t *testing.T) {
	specs := embeddedSpecs()
	cases := statusCases()
	for _, problem := range coverage(specs, slices.Collect(maps.Keys(cases))) {
		t.Error(problem)
	}
	vendorOf := map[string]string{}
	for _, spec := range specs {
		for _, o := range operations(spec) {
			vendorOf[o.op.OperationID] = spec.Name
		}
	}
	principals := append(mock.DefaultPrincipals(),
		vendorapi.Principal{Name: "foreign", Token: foreignToken, Organisations: []string{foreignOrg}},
		vendorapi.Principal{Name: "integrator", Token: pupIntegratorToken, Integrator: true})

	names := slices.Sorted(maps.Keys(cases))
	for _, name := range names {
		tc := cases[name]
		op, status, err := parseKey(name)
		if err != nil {
			continue // coverage reported it
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// A Prefer the operation cannot honour (an undocumented code) is a real request: its
			// refusal is the operation's 400, and such a case is held to a real 400's rules.
			usesPrefer := tc.req.Header.Get("Prefer") != "" && !(status == 400 && tc.reason != "" && tc.why == "")
			switch {
			case usesPrefer && tc.why == "":
				t.Fatalf("the case sends Prefer but does not say why no real request reaches %d", status)
			case !usesPrefer && tc.why != "":
				t.Fatalf("the case has a why but sends no Prefer: drop the why")
			case usesPrefer && tc.req.Header.Get("Prefer") != "code="+strconv.Itoa(status):
				t.Fatalf("Prefer %q does not ask for %d", tc.req.Header.Get("Prefer"), status)
			case !usesPrefer && (status == 400 || status == 409) && tc.reason == "":
				t.Fatalf("the case needs a reason: a text of the body that names the cause of its %d", status)
			}
			s := testkit.New(t, mock.WithPrincipals(principals...))
			res := testkit.Do(t, s, tc.req)
			require.Equal(t, status, res.Status, "%s %s: %s", tc.req.Method, tc.req.Path, res.Body)
			entry := lastRequest(t, s)
			assert.Equal(t, op, entry.OperationID, "the request reached another operation")
			assert.Contains(t, string(res.Body), tc.reason, "the status has another cause than the case's")
			switch {
			case status == http.StatusNoContent:
				assert.Empty(t, res.Body)
			case status >= 400:
				assertErrorShape(t, vendorOf[op], status, res)
			default:
				assert.Contains(t, []string{"application/json", "application/schema+json"}, res.Header.Get("Content-Type"))
				assert.True(t, json.Valid(res.Body), "%s", res.Body)
			}
		})
	}
}

// lastRequest is the journal's entry for the request a case just sent.
func lastRequest(t *testing.T, s *testkit.Server) mock.Request {
	t.Helper()
	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	return reqs[len(reqs)-1]
}

// assertErrorShape checks that an error body is exactly the vendor's documented error shape,
// with the vendor's code for the status. (testkit already validates it against the spec; this
// pins what the spec leaves loose, such as which gRPC code goes with which status.)
func assertErrorShape(t *testing.T, vendor string, status int, res testkit.Response) {
	t.Helper()
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	dec := json.NewDecoder(bytes.NewReader(res.Body))
	dec.DisallowUnknownFields()
	switch vendor {
	case "productsup":
		var body struct {
			Message string          `json:"message"`
			Errors  json.RawMessage `json:"errors"`
		}
		require.NoError(t, dec.Decode(&body), "%s", res.Body)
		assert.NotEmpty(t, body.Message)
		if status == http.StatusBadRequest {
			// Either "Bad request." with the offending fields, or a business rule's sentence
			// with "errors": [] (the documented refusal of a transition).
			var fields map[string]string
			if string(body.Errors) == "[]" {
				assert.NotEqual(t, "Bad request.", body.Message, "a refusal says its rule: %s", res.Body)
			} else {
				require.NoError(t, json.Unmarshal(body.Errors, &fields), "a 400 lists the offending fields: %s", res.Body)
				assert.Equal(t, "Bad request.", body.Message)
				assert.NotEmpty(t, fields)
			}
		} else {
			assert.Nil(t, body.Errors, "only a 400 has errors: %s", res.Body)
		}
	case "conductorone":
		grpc := map[int]int{400: 3, 401: 16, 403: 7, 404: 5, 409: 10, 500: 13}
		var body struct {
			Code    *int   `json:"code"`
			Message string `json:"message"`
			Details []any  `json:"details"`
		}
		require.NoError(t, dec.Decode(&body), "%s", res.Body)
		require.NotNil(t, body.Code, "%s", res.Body)
		want := grpc[status]
		if status == http.StatusBadRequest && *body.Code == 9 {
			want = 9 // FAILED_PRECONDITION, which grpc-gateway answers with 400 too
		}
		assert.Equal(t, want, *body.Code, "gRPC code of %d", status)
		assert.NotEmpty(t, body.Message)
		assert.NotNil(t, body.Details, "details is always a list: %s", res.Body)
	case "versori":
		codes := map[int]string{400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 412: "precondition_failed", 500: "internal"}
		var body struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Fields  []struct {
				Field   string `json:"field"`
				Message string `json:"message"`
			} `json:"fields"`
			Details    string          `json:"details"`
			Definition json.RawMessage `json:"definition"` // a 412 of a definition delete
			Messages   json.RawMessage `json:"messages"`   // an ImportHTTPConnectorError
		}
		require.NoError(t, dec.Decode(&body), "%s", res.Body)
		assert.Equal(t, codes[status], body.Code)
		assert.NotEmpty(t, body.Message)
		if status == http.StatusBadRequest {
			assert.NotEmpty(t, body.Fields, "a 400 lists every offending field: %s", res.Body)
		}
	default:
		t.Errorf("no error shape known for vendor %q: add one", vendor)
	}
}

// embeddedSpecs are the specs the server serves.
func embeddedSpecs() []*openapi.Spec {
	var out []*openapi.Spec
	for _, name := range openapi.Names() {
		out = append(out, openapi.MustLoad(name))
	}
	return out
}

// specOperation is one operation of a spec with the path-level parameters it inherits.
type specOperation struct {
	op     *openapi3.Operation
	params openapi3.Parameters // the path item's, then the operation's
}

// operations lists the operations of a spec.
func operations(spec *openapi.Spec) []specOperation {
	var out []specOperation
	for _, path := range spec.Doc.Paths.InMatchingOrder() {
		item := spec.Doc.Paths.Value(path)
		for _, op := range item.Operations() {
			out = append(out, specOperation{op: op, params: append(slices.Clone(item.Parameters), op.Parameters...)})
		}
	}
	return out
}

// coverage compares the table's keys ("operationId status") with the specs and lists, sorted,
// every problem: a pair the rule at the top of this file requires and no key names, a key whose
// operation no spec has or whose status its operation does not document, a response code the
// rule cannot read, an operationId two specs share. No problem means the table is complete.
func coverage(specs []*openapi.Spec, keys []string) []string {
	var problems []string
	type documented struct {
		file string
		op   *openapi3.Operation
	}
	ops := map[string]documented{}
	need := map[string]string{} // key -> file that documents it
	for _, spec := range specs {
		for _, o := range operations(spec) {
			id := o.op.OperationID
			if prev, ok := ops[id]; ok {
				problems = append(problems, fmt.Sprintf("operationId %s is in both %s and %s: cases could not tell them apart", id, prev.file, spec.File))
			}
			ops[id] = documented{spec.File, o.op}
			statuses, unread := requiredStatuses(spec, o)
			for _, code := range unread {
				problems = append(problems, fmt.Sprintf("%s: response %q of %s has no coverage rule: extend requiredStatuses", spec.File, code, id))
			}
			for _, status := range statuses {
				need[fmt.Sprintf("%s %d", id, status)] = spec.File
			}
		}
	}
	have := map[string]bool{}
	for _, key := range keys {
		have[key] = true
		op, status, err := parseKey(key)
		if err != nil {
			problems = append(problems, fmt.Sprintf("case %q: %v", key, err))
			continue
		}
		d, ok := ops[op]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("case %q: no spec has operation %s", key, op))
		case !documents(d.op, status):
			problems = append(problems, fmt.Sprintf("case %q: %s does not document %d for %s", key, d.file, status, op))
		}
	}
	for key, file := range need {
		if !have[key] {
			problems = append(problems, fmt.Sprintf("no case for %q, which %s documents", key, file))
		}
	}
	slices.Sort(problems)
	return problems
}

// requiredStatuses applies the rule at the top of this file to one operation: the statuses it
// needs cases for, sorted, and the response codes the rule cannot read.
func requiredStatuses(spec *openapi.Spec, o specOperation) (statuses []int, unread []string) {
	set := map[int]bool{}
	for code := range o.op.Responses.Map() {
		if code == "default" {
			continue
		}
		n, err := strconv.Atoi(code)
		if err != nil {
			unread = append(unread, code)
			continue
		}
		set[n] = true
	}
	if def := o.op.Responses.Default(); def != nil {
		set[http.StatusBadRequest] = true
		if secured(spec, o.op) {
			set[http.StatusUnauthorized] = true
			set[http.StatusForbidden] = true
		}
		texts := o.op.Description + " " + o.op.Summary
		if def.Value != nil && def.Value.Description != nil {
			texts += " " + *def.Value.Description
		}
		for _, p := range o.params {
			switch {
			case p.Value == nil:
			case p.Value.In == openapi3.ParameterInPath:
				set[http.StatusNotFound] = true
			case p.Value.In == openapi3.ParameterInQuery && p.Value.Name == "force":
				set[http.StatusConflict] = true
			}
		}
		if strings.Contains(texts, "409") || strings.Contains(strings.ToLower(texts), "conflict") {
			set[http.StatusConflict] = true
		}
	}
	slices.Sort(unread)
	return slices.Sorted(maps.Keys(set)), unread
}

// secured reports whether the operation requires a token: its own security, else the spec's,
// holds a requirement and none of them is empty (an empty one makes the token optional).
func secured(spec *openapi.Spec, op *openapi3.Operation) bool {
	reqs := spec.Doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	if len(reqs) == 0 {
		return false
	}
	for _, r := range reqs {
		if len(r) == 0 {
			return false
		}
	}
	return true
}

// documents reports whether op documents status: by its code, its range ("4XX"), or, for an
// error status, a default response (the rule the mock applies to Prefer and faults).
func documents(op *openapi3.Operation, status int) bool {
	code := strconv.Itoa(status)
	return op.Responses.Value(code) != nil || op.Responses.Value(code[:1]+"XX") != nil ||
		status >= 400 && op.Responses.Default() != nil
}

// parseKey splits a table key, "operationId status".
func parseKey(key string) (string, int, error) {
	op, code, ok := strings.Cut(key, " ")
	if !ok || op == "" {
		return "", 0, fmt.Errorf(`want "operationId status"`)
	}
	status, err := strconv.Atoi(code)
	if err != nil || status < 100 || status > 599 {
		return "", 0, fmt.Errorf("status %q is no HTTP status", code)
	}
	return op, status, nil
}

// fakeSpec exercises every branch of the coverage rule: explicit codes, a default response with
// and without security, path parameters, a force parameter, a 409 in the text, a range code.
const fakeSpec = `
openapi: 3.0.3
info: {title: fake, version: "1"}
security:
  - bearerAuth: []
paths:
  /things:
    get:
      operationId: listThings
      security: []
      responses:
        '200': {description: OK}
        default: {description: Error}
  /things/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      operationId: getThing
      responses:
        '200': {description: OK}
        '404': {description: Not found}
    delete:
      operationId: deleteThing
      parameters:
        - {name: force, in: query, schema: {type: boolean}}
      responses:
        '204': {description: Gone}
        default: {description: Error}
    put:
      operationId: putThing
      description: A stale version is refused with a Conflict.
      responses:
        '200': {description: OK}
        '4XX': {description: Client error}
        default: {description: Error}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
`

// TestStatusCoverageGuard proves that the guard fails: on a fake spec it names each missing
// pair, each stray case and each code it cannot read, and on the real table it names the one
// entry taken out.
func TestStatusCoverageGuard(t *testing.T) {
	fake, err := openapi.Parse("fake.yaml", []byte(fakeSpec))
	require.NoError(t, err)

	t.Run("rule", func(t *testing.T) {
		want := map[string][]int{
			"listThings":  {200, 400},                     // no token required, no path parameter
			"getThing":    {200, 404},                     // explicit codes only
			"deleteThing": {204, 400, 401, 403, 404, 409}, // force: the vendor says it can conflict
			"putThing":    {200, 400, 401, 403, 404, 409}, // "Conflict" in its description
		}
		for _, o := range operations(fake) {
			got, unread := requiredStatuses(fake, o)
			assert.Equal(t, want[o.op.OperationID], got, o.op.OperationID)
			if o.op.OperationID == "putThing" {
				assert.Equal(t, []string{"4XX"}, unread)
			} else {
				assert.Empty(t, unread, o.op.OperationID)
			}
		}
	})

	t.Run("fake spec", func(t *testing.T) {
		keys := []string{
			// listThings 400 is missing.
			"listThings 200",
			// Undocumented: getThing has no default response.
			"getThing 200", "getThing 404", "getThing 500",
			// 409 is missing; 418 is fine, a default response documents any error status.
			"deleteThing 204", "deleteThing 400", "deleteThing 401", "deleteThing 403", "deleteThing 404", "deleteThing 418",
			"putThing 200", "putThing 400", "putThing 401", "putThing 403", "putThing 404", "putThing 409",
			// A default response documents errors only.
			"listThings 302",
			// No such operation; not a key.
			"ghost 200", "getThing two",
		}
		again, err := openapi.Parse("again.yaml", []byte(`
openapi: 3.0.3
info: {title: again, version: "1"}
paths:
  /other:
    get:
      operationId: getThing
      responses:
        '200': {description: OK}
`))
		require.NoError(t, err)
		assert.Equal(t, []string{
			`case "getThing 500": fake.yaml does not document 500 for getThing`,
			`case "getThing two": status "two" is no HTTP status`,
			`case "ghost 200": no spec has operation ghost`,
			`case "listThings 302": fake.yaml does not document 302 for listThings`,
			`fake.yaml: response "4XX" of putThing has no coverage rule: extend requiredStatuses`,
			`no case for "deleteThing 409", which fake.yaml documents`,
			`no case for "listThings 400", which fake.yaml documents`,
		}, coverage([]*openapi.Spec{fake}, keys))
		assert.Contains(t, coverage([]*openapi.Spec{fake, again}, keys),
			"operationId getThing is in both fake.yaml and again.yaml: cases could not tell them apart")
	})

	t.Run("real table", func(t *testing.T) {
		specs := embeddedSpecs()
		cases := statusCases()
		require.Empty(t, coverage(specs, slices.Collect(maps.Keys(cases))))
		for _, key := range []string{"GetConnector 404", "c1.api.app.v1.ConnectorService.Get 500", "connector_show 403", "DeleteConnectorVersion 409"} {
			without := maps.Clone(cases)
			delete(without, key)
			file := openapi.MustLoad(vendorOfKey(t, specs, key)).File
			assert.Equal(t, []string{fmt.Sprintf("no case for %q, which %s documents", key, file)},
				coverage(specs, slices.Collect(maps.Keys(without))), "without %s", key)
		}
		with := maps.Clone(cases)
		with["connector_show 409"] = statusCase{}
		assert.Equal(t, []string{`case "connector_show 409": productsup.yaml does not document 409 for connector_show`},
			coverage(specs, slices.Collect(maps.Keys(with))))
	})
}

// vendorOfKey is the name of the spec that has the key's operation.
func vendorOfKey(t *testing.T, specs []*openapi.Spec, key string) string {
	t.Helper()
	op, _, err := parseKey(key)
	require.NoError(t, err)
	for _, spec := range specs {
		for _, o := range operations(spec) {
			if o.op.OperationID == op {
				return spec.Name
			}
		}
	}
	t.Fatalf("no spec has %s", op)
	return ""
}
