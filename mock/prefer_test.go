package mock_test

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// TestPreferSuccessIsTheOperationsAnswer: "Prefer: code=NNN" with a success status is never
// made up. Every case of the status table reached by a real request is sent twice, on two
// fresh servers: as is, and with the operation's success code preferred. A request refused
// before the operation (authentication, validation) gets the same answer; one the operation
// answers with its success gets that same answer, and leaves the same state; one the operation
// answers with an error is refused with a 400 that names that error, and changes nothing.
func TestPreferSuccessIsTheOperationsAnswer(t *testing.T) {
	success := map[string]int{}
	vendorOf := map[string]string{}
	for _, spec := range embeddedSpecs() {
		for _, o := range operations(spec) {
			var codes []int
			for code := range o.op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && n < 400 {
					codes = append(codes, n)
				}
			}
			// What serveAs relies on: a success of another status than the one asked for
			// cannot be answered, so a refusal never hides a write that happened.
			require.Len(t, codes, 1, "%s documents one success status", o.op.OperationID)
			success[o.op.OperationID], vendorOf[o.op.OperationID] = codes[0], spec.Name
		}
	}
	principals := append(mock.DefaultPrincipals(),
		vendorapi.Principal{Name: "foreign", Token: foreignToken, Organisations: []string{foreignOrg}},
		vendorapi.Principal{Name: "integrator", Token: pupIntegratorToken, Integrator: true})

	cases := statusCases()
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		tc := cases[name]
		op, status, err := parseKey(name)
		if err != nil || tc.why != "" || tc.req.Header.Get("Prefer") != "" {
			// A malformed key is TestEveryDocumentedStatus's to report; a Prefer case has no real
			// request; an unhonourable Prefer's 400 is caused by the header this test replaces.
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			plainServer := testkit.New(t, mock.WithPrincipals(principals...))
			plain := testkit.Do(t, plainServer, tc.req)
			require.Equal(t, status, plain.Status, "%s", plain.Body)
			servedBy := lastRequest(t, plainServer)

			preferred := tc.req
			preferred.Header = http.Header{"Prefer": {"code=" + strconv.Itoa(success[op])}}
			s := testkit.New(t, mock.WithPrincipals(principals...))
			before, err := s.State()
			require.NoError(t, err)
			res := testkit.Do(t, s, preferred)
			entry := lastRequest(t, s)
			after, err := s.State()
			require.NoError(t, err)
			assert.False(t, entry.Forced, "an answer of the operation itself is not forced")

			switch {
			case servedBy.Error != "" || status == success[op]:
				// Refused before the operation ran, or its success: the same answer either way.
				assert.Equal(t, plain.Status, res.Status, "%s", res.Body)
				assert.Equal(t, string(plain.Body), string(res.Body))
				assert.Equal(t, servedBy.Error, entry.Error)
				want, err := plainServer.State()
				require.NoError(t, err)
				assert.Equal(t, want, after, "the same state as without Prefer")
			default:
				// The operation answered an error: refused, with what it answered.
				require.Equal(t, http.StatusBadRequest, res.Status, "%s", res.Body)
				assertErrorShape(t, vendorOf[op], http.StatusBadRequest, res)
				// Lower case: Productsup writes a field's text as a sentence ("Code=200 ...").
				assert.Contains(t, strings.ToLower(string(res.Body)),
					strings.ToLower("code="+strconv.Itoa(success[op])+" cannot be honoured: "+op+" answers this request "+strconv.Itoa(status)))
				assert.Contains(t, entry.Error, "invalid Prefer header")
				assert.Equal(t, before, after, "a refused call changes nothing")
			}
		})
	}
}

// TestPreferSuccessPerVendor pins the cases in each vendor's own shape: a success
// code on an operation the spec gives no example for (Productsup connector_show, ConductorOne
// List, Versori GetConnector) answers the operation's body, and an unknown id is refused with
// the operation's own 404 message in the reason.
func TestPreferSuccessPerVendor(t *testing.T) {
	for _, tt := range []struct {
		name, path, unknown, reason string
	}{
		{"productsup connector_show", show, "/connectors/" + pupUnknown, `Code=200 cannot be honoured: connector_show answers this request 404 (Connector not found.)`},
		{"conductorone List", c1List, "/api/v1/apps/" + c1NoApp + "/connectors",
			`code=200 cannot be honoured: c1.api.app.v1.ConnectorService.List answers this request 404 (app \"` + c1NoApp + `\" not found)`},
		{"versori GetConnector", vDoc, vBase + "/connectors/" + vUnknown,
			`code=200 cannot be honoured: GetConnector answers this request 404 (Connector ` + vUnknown + ` does not exist in this organisation.)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			plain := testkit.Do(t, s, testkit.Request{Method: "GET", Path: tt.path, Token: mock.ReadOnlyToken})
			require.Equal(t, 200, plain.Status)
			res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: tt.path, Token: mock.ReadOnlyToken, Header: http.Header{"Prefer": {"code=200"}}})
			assert.Equal(t, 200, res.Status)
			assert.NotEmpty(t, res.Body)
			assert.Equal(t, string(plain.Body), string(res.Body))
			assert.Equal(t, "application/json", res.Header.Get("Content-Type"))

			res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: tt.unknown, Token: mock.ReadOnlyToken, Header: http.Header{"Prefer": {"code=200, delay=1ms"}}})
			assert.Equal(t, 400, res.Status)
			assert.Contains(t, string(res.Body), tt.reason)
		})
	}
}

// TestPreferSuccessWrites: a success code on a write runs the write, example in the spec or
// not; it is what the client asked the operation to do.
func TestPreferSuccessWrites(t *testing.T) {
	s := testkit.New(t)
	// connector_disable_prod_access documents an example for its 200: the answer is still
	// the documented connector as the store now holds it, not the example.
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: `{"accounts":[777]}`,
		Header: http.Header{"Prefer": {"code=200"}}})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	v, err := s.Productsup().Store().Version(pupID, "1")
	require.NoError(t, err)
	assert.NotContains(t, v.PlatformProdReference.EnabledForAccounts, int64(777), "the write happened")

	res = testkit.Do(t, s, testkit.Request{Method: "DELETE", Path: vDoc + "?force=true", Token: mock.AdminToken,
		Header: http.Header{"Prefer": {"code=204"}}})
	require.Equal(t, 204, res.Status, "%s", res.Body)
	_, err = s.Versori().Store().Connector(vOrg, vConn)
	assert.Error(t, err, "a 204 says the connector is gone: it is")
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: vDoc, Token: mock.AdminToken})
	assert.Equal(t, 404, res.Status)
}

// TestPreferFirstWins: of a preference given more than once, in one header line or across
// several, the first counts (RFC 7240, section 2); the later ones are not even checked.
func TestPreferFirstWins(t *testing.T) {
	for _, tt := range []struct {
		name   string
		lines  []string
		status int
	}{
		{"comma", []string{"code=404, code=401"}, 404},
		{"semicolon", []string{"code=404; code=401"}, 404},
		{"two lines", []string{"code=404", "code=401"}, 404},
		{"a later line is read", []string{"delay=1ms", "code=401"}, 401},
		{"a later malformed one is ignored", []string{"code=404, code=abc"}, 404},
		{"a later undocumented one is ignored", []string{"code=404", "code=418"}, 404},
		{"delay too", []string{"delay=1ms, delay=forever, code=403"}, 403},
		{"names are case-insensitive", []string{"Code=404, CODE=401"}, 404},
		{"a first malformed one is refused", []string{"code=abc", "code=404"}, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken, Header: http.Header{"Prefer": tt.lines}})
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
		})
	}

	s := testkit.New(t)
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: vDoc, Token: mock.AdminToken,
		Header: http.Header{"Prefer": {"example=not_found", "example=bad_request"}}})
	assert.Equal(t, 404, res.Status, "%s", res.Body)
	assert.True(t, strings.Contains(string(res.Body), `"not_found"`), "%s", res.Body)
}

// TestFaultIsAnError: a scripted fault, like Prefer, never makes up a success.
func TestFaultIsAnError(t *testing.T) {
	s := testkit.New(t)
	err := s.AddFault(mock.Fault{OperationID: "connector_show", Status: 200})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a fault answers an error (400 or above)")
	res := admin(t, s, "POST", "/faults", map[string]any{"operationId": "GetConnector", "status": 204})
	assert.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Empty(t, s.Faults())
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 404}))
}
