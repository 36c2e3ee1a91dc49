package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// endless is a request body that never ends, counting what the server reads of it.
type endless struct {
	prefix string
	read   atomic.Int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		off := int(e.read.Add(1)) - 1
		switch {
		case off < len(e.prefix):
			p[i] = e.prefix[off]
		case off%2 == 0:
			p[i] = '1'
		default:
			p[i] = ','
		}
	}
	return len(p), nil
}

// TestBodyOverLimitIsRefusedUnread: every vendor refuses a body over the limit with its 400,
// having read little more than the limit of a body that never ends.
func TestBodyOverLimitIsRefusedUnread(t *testing.T) {
	const limit = 64 << 10
	for _, c := range []struct{ vendor, method, path, prefix, shape string }{
		{"productsup", "POST", "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable", `{"accounts":[`, `"message":"Bad request."`},
		{"conductorone", "POST", "/api/v1/apps/2fNYt5ovfagQ9ArtVtVeIULrWrf/connectors/2tJx9rcUyjZ15BXoMYi2BGkgqD8", `{"connector":{"userIds":[`, `"code":3`},
		{"versori", "PUT", "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P/connectors/01JQQEESWY391NGMH0BV4G0BAV", `{"tags":{"a":[`, `"code":"bad_request"`},
	} {
		t.Run(c.vendor, func(t *testing.T) {
			s := testkit.New(t, mock.WithMaxBodyBytes(limit))
			before, err := s.State()
			require.NoError(t, err)
			body := &endless{prefix: c.prefix}
			r := httptest.NewRequest(c.method, c.path, io.NopCloser(body))
			r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			assert.Equal(t, 400, w.Code, "%s", w.Body)
			assert.Contains(t, w.Body.String(), c.shape)
			assert.Contains(t, w.Body.String(), fmt.Sprint(limit), "the message gives the limit")
			assert.Less(t, body.read.Load(), int64(limit+64<<10), "the body is not read whole")
			after, err := s.State()
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

// TestTenThousandIds: a body with 10 000 ids is served (targets, enable, disable) in bounded
// time and answers the whole version; lists stay duplicate-free.
func TestTenThousandIds(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	ids := make([]string, 10_000)
	for i := range ids {
		ids[i] = fmt.Sprint(100_000 + i)
	}
	list := "[" + strings.Join(ids, ",") + "]"
	base := "/connectors/" + productsup.DocumentedID + "/versions/1/"
	for _, step := range []struct{ method, path, body string }{
		{"POST", base + "targets", `{"target-accounts":` + list + `,"target-sites":` + list + `}`},
		{"POST", base + "targets", `{"target-accounts":` + list + `}`},
		{"POST", base + "access/prod/enable", `{"accounts":` + list + `,"sites":` + list + `}`},
		{"POST", base + "access/prod/disable", `{"accounts":` + list + `}`},
		{"PUT", base + "targets", `{"target-sites":[666]}`},
	} {
		res := testkit.Do(t, s, testkit.Request{Method: step.method, Path: step.path, Token: mock.AdminToken, Body: step.body})
		require.Equal(t, 200, res.Status, "%s %s: %.300s", step.method, step.path, res.Body)
	}
	v, err := s.Productsup().Store().Version(productsup.DocumentedID, "1")
	require.NoError(t, err)
	p := v.PlatformProdReference
	assert.Len(t, p.TargetAccounts, 3+10_000, "added once each")
	assert.Equal(t, []int64{789, 987, 777}, p.EnabledForAccounts, "the 10 000 were enabled, then disabled")
	assert.Equal(t, []int64{666}, p.TargetSites)
	assert.Equal(t, []int64{666}, p.EnabledForSites, "replacing the targets dropped the other grants")
}

// TestEntityCap: once a vendor stores the limit, each of its creating operations is refused
// in the vendor's documented shape with a message naming the limit, and nothing is stored;
// writes that add nothing still work, and so do the other vendors.
func TestEntityCap(t *testing.T) {
	for _, c := range []struct {
		vendor, path, body, shape string
		status                    int
	}{
		{"productsup", "/connectors", fmt.Sprintf(sbPsCreate, "x"), `"message":"Bad request."`, 400},
		{"conductorone", sbC1Apps + "/create", fmt.Sprintf(sbC1Create, "x"), `"code":3`, 400},
		{"conductorone", sbC1Apps, `{"catalogId":"catalogId","displayName":"Pending"}`, `"code":3`, 400},
		{"versori", sbOrg + "/protocols/http/connectors", fmt.Sprintf(sbVCreate, "x"), `"code":"conflict"`, 409},
		{"versori", sbOrg + "/protocols/bigquery/connectors", `{"name":"Warehouse","datasetId":"acme-prod.sales","connections":[]}`, `"code":"conflict"`, 409},
	} {
		t.Run(c.vendor+" "+c.path, func(t *testing.T) {
			probe := testkit.New(t, mock.WithConnectors(0))
			n := 0
			for _, v := range probe.Health().Vendors {
				if v.Name == c.vendor {
					for _, k := range v.Counts {
						n += k
					}
				}
			}
			s := testkit.New(t, mock.WithConnectors(0), mock.WithMaxEntities(n+1))
			res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: c.path, Token: mock.AdminToken, Body: c.body})
			require.Less(t, res.Status, 300, "one more fits: %s", res.Body)
			before, err := s.State()
			require.NoError(t, err)
			res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: c.path, Token: mock.AdminToken, Body: c.body})
			assert.Equal(t, c.status, res.Status, "%s", res.Body)
			assert.Contains(t, string(res.Body), c.shape)
			assert.Contains(t, string(res.Body), fmt.Sprintf("(-max-entities %d)", n+1), "the message names the limit")
			after, err := s.State()
			require.NoError(t, err)
			assert.Equal(t, before, after, "nothing stored")

			res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: `{"accounts":[777]}`})
			assert.Equal(t, 200, res.Status, "a write that adds no entity is served: %s", res.Body)
		})
	}
}

// TestFaultCap: the scripted faults are bounded; one more is a 400 naming the limit, and room
// comes back as faults are used up.
func TestFaultCap(t *testing.T) {
	s := testkit.New(t, mock.WithMaxFaults(2))
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 404}))
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 403, Count: 5}))
	res := admin(t, s, "POST", "/faults", `{"operationId":"connector_show","status":404}`)
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), "2 faults are scripted already, the limit (-max-faults)")
	assert.Len(t, s.Faults(), 2)
	assert.Equal(t, 404, testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken}).Status)
	assert.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 404}), "the used-up fault made room")
}

// TestAdminBodyLimit: an admin body over the limit is refused with 413, unread when its
// Content-Length announces it, cut at the limit when it does not; nothing changes.
func TestAdminBodyLimit(t *testing.T) {
	const limit = 64 << 10
	s := testkit.New(t, mock.WithMaxAdminBodyBytes(limit))
	before, err := s.State()
	require.NoError(t, err)
	for _, announced := range []bool{true, false} {
		for _, path := range []string{"/state", "/sandboxes", "/faults", "/reset"} {
			body := &endless{prefix: `{"seed":1,"vendors":{"productsup":[1`}
			method := "POST"
			if path == "/state" {
				method = "PUT"
			}
			r := httptest.NewRequest(method, mock.AdminPrefix+path, io.NopCloser(body))
			r.Header.Set("Content-Type", "application/json")
			r.ContentLength = -1
			if announced {
				r.ContentLength = 70 << 20
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			assert.Equal(t, 413, w.Code, "%s: %s", path, w.Body)
			assert.Contains(t, w.Body.String(), fmt.Sprint(limit), "the message gives the limit")
			if announced {
				assert.Zero(t, body.read.Load(), "%s: refused before a byte is read", path)
			} else {
				assert.Less(t, body.read.Load(), int64(limit+64<<10), "%s: read no further than the limit", path)
			}
		}
	}
	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Empty(t, s.Sandboxes())
}

// flushCounter notes how much of the body had been written at each Flush.
type flushCounter struct {
	*httptest.ResponseRecorder
	at []int
}

func (f *flushCounter) Flush() { f.at = append(f.at, f.Body.Len()) }

// TestStateStreams: GET /__admin/state is written vendor by vendor, flushed after each (the
// server never holds the whole body), and is the State that State() returns.
func TestStateStreams(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(50))
	w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
	s.ServeHTTP(w, httptest.NewRequest("GET", mock.AdminPrefix+"/state", nil))
	require.Equal(t, 200, w.Code)
	assert.Len(t, w.at, 3, "one flush per vendor")
	for i := 1; i < len(w.at); i++ {
		assert.Greater(t, w.at[i], w.at[i-1], "each flush sends one vendor more")
	}
	assert.Less(t, w.at[0], w.Body.Len()/2, "the first vendor goes out before the others are written")
	st, err := s.State()
	require.NoError(t, err)
	want, err := json.Marshal(st)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), w.Body.String())
}

// TestEntityCapCountsSandboxes: the cap bounds the process, so the entities of every sandbox
// count with the server's own; deleting a sandbox gives its room back.
func TestEntityCapCountsSandboxes(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0), mock.WithMaxEntities(3)) // 1 documented connector
	c := listenMock(t, s)
	sb := c.newSandbox("")
	in := mockClient{t: t, base: sb.URL}
	status, body := in.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "in-sandbox"))
	require.Equal(t, 200, status, "1 + 1 + 1 fits: %s", body)
	status, body = c.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "outside"))
	assert.Equal(t, 400, status, "the sandbox's 2 and the server's 1 fill the cap: %s", body)
	assert.Contains(t, string(body), "they hold 3 entities (sandboxes included), the limit (-max-entities 3)")
	require.True(t, s.DeleteSandbox(sb.ID))
	status, body = c.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "outside"))
	assert.Equal(t, 200, status, "%s", body)
}

// TestEntityCapHoldsSandboxStates: a sandbox whose starting state would take a vendor past
// the cap is refused (409, naming the limit), and none is created.
func TestEntityCapHoldsSandboxStates(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(3), mock.WithMaxEntities(7)) // Productsup: 4
	c := listenMock(t, s)
	st, err := s.State()
	require.NoError(t, err)
	status, body := c.do("POST", sandboxesAPI, "", string(sbJSONOf(t, map[string]any{"state": st})))
	assert.Equal(t, 409, status, "4 + 4 > 7: %s", body)
	assert.Contains(t, string(body), "the sandbox's state holds 4 productsup entities; with the 4 the mock holds already (sandboxes included), that passes the limit (-max-entities 7)")
	assert.Empty(t, s.Sandboxes())
	status, body = c.do("POST", sandboxesAPI, "", "")
	assert.Equal(t, 201, status, "a seeded sandbox counts once it uses a vendor: %s", body)
}

// TestPutStateHeldToEntityCap: PUT /__admin/state, on the mock and in a sandbox, is held to the
// cap as a sandbox's starting state is: a state past it is refused with 409 naming the limit,
// and nothing changes; a state no larger than what is stored is always taken back.
func TestPutStateHeldToEntityCap(t *testing.T) {
	big := testkit.New(t, mock.WithVendors("productsup"), mock.WithConnectors(3)) // 4 entities
	bigState, err := big.State()
	require.NoError(t, err)
	body := string(sbJSONOf(t, bigState))

	s := testkit.New(t, mock.WithVendors("productsup"), mock.WithConnectors(0), mock.WithMaxEntities(7)) // 1 entity
	c := listenMock(t, s)
	sb := c.newSandbox("")
	in := mockClient{t: t, base: sb.URL}
	status, data := in.do("PUT", mock.AdminPrefix+"/state", "", body)
	require.Equal(t, 200, status, "1 + 4 fits in 7: %s", data)

	before, err := s.State()
	require.NoError(t, err)
	status, data = c.do("PUT", mock.AdminPrefix+"/state", "", body)
	assert.Equal(t, 409, status, "4 + 4 > 7: %s", data)
	assert.Contains(t, string(data), "the state holds 4 productsup entities; with the 4 the mock holds besides (sandboxes included), that passes the limit (-max-entities 7); nothing changed")
	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, before, after, "nothing changed")
	assert.ErrorIs(t, s.SetState(bigState), mock.ErrEntityLimit, "SetState is held to it too")

	second := c.newSandbox("")
	status, data = mockClient{t: t, base: second.URL}.do("PUT", mock.AdminPrefix+"/state", "", body)
	assert.Equal(t, 409, status, "an empty sandbox cannot be filled past the cap either: %s", data)

	sbState, err := s.Sandbox(sb.ID).State()
	require.NoError(t, err)
	status, data = in.do("PUT", mock.AdminPrefix+"/state", "", string(sbJSONOf(t, sbState)))
	assert.Equal(t, 200, status, "a state no larger than the stored one goes back, whatever the cap: %s", data)
}

// TestPreferredErrorWinsOverEntityCap: at a full cap, Prefer: code=401 is answered as asked:
// the caller asked for that answer, and it runs nothing, so it stores nothing.
func TestPreferredErrorWinsOverEntityCap(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0), mock.WithMaxEntities(1)) // full: 1 documented connector
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: fmt.Sprintf(sbPsCreate, "x"),
		Header: http.Header{"Prefer": {"code=401"}}})
	assert.Equal(t, 401, res.Status, "%s", res.Body)
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: fmt.Sprintf(sbPsCreate, "x"),
		Header: http.Header{"Prefer": {"code=200"}}})
	assert.Equal(t, 400, res.Status, "a preferred success runs the operation, so the cap holds: %s", res.Body)
	assert.Contains(t, string(res.Body), "(-max-entities 1)")
}

// TestExpiredSandboxesDoNotCount: a sandbox past its idle time is deleted for every client,
// so its entities no longer count towards the cap, swept or not.
func TestExpiredSandboxesDoNotCount(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	s := testkit.New(t, mock.WithConnectors(0), mock.WithMaxEntities(3), mock.WithClock(clock), mock.WithSandboxIdleTime(time.Minute))
	c := listenMock(t, s)
	sb := c.newSandbox("")
	in := mockClient{t: t, base: sb.URL}
	status, body := in.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "in-sandbox"))
	require.Equal(t, 200, status, "%s", body)
	status, body = c.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "outside"))
	require.Equal(t, 400, status, "the sandbox fills the cap: %s", body)
	now.Add(int64(time.Minute))
	status, body = c.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, "outside"))
	assert.Equal(t, 200, status, "the expired sandbox, not swept yet, no longer counts: %s", body)
}

// logoUpload is Productsup's logo upload of a file of n bytes to the new connector name: its
// path and multipart body.
func logoUpload(t *testing.T, s http.Handler, name string, n int) (string, string, string) {
	t.Helper()
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: fmt.Sprintf(sbPsCreate, name)})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var created struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	res.JSON(t, &created)
	svg := "<svg>" + strings.Repeat(" ", n-len("<svg></svg>")) + "</svg>"
	var body strings.Builder
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("logo", "logo.svg")
	require.NoError(t, err)
	_, _ = fw.Write([]byte(svg))
	require.NoError(t, mw.Close())
	return "/connectors/" + created.Data.ID + "/versions/1/logo", body.String(), mw.FormDataContentType()
}

// TestBlobBudget: the bytes of stored files are bounded over the mock and its sandboxes: a
// Productsup logo or a Versori upload past -max-blob-bytes is refused in the vendor's shape,
// naming the limit, and nothing is stored; replacing a logo reuses its room; a deleted sandbox
// and a reset give their files' room back.
func TestBlobBudget(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0), mock.WithMaxBlobBytes(1000))
	upload := func(h http.Handler, name string, n int) testkit.Response {
		path, body, ct := logoUpload(t, h, name, n)
		return testkit.Do(t, h, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken, Body: body, ContentType: ct})
	}
	require.Equal(t, 200, upload(s, "first", 600).Status)
	before, err := s.State()
	require.NoError(t, err)
	res := upload(s, "second", 600)
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), `{"message":"Bad request.","errors":{"logo":"the mock's file storage is full: files stored hold 600 bytes (sandboxes included), and 600 more would pass the limit (-max-blob-bytes 1000)`)
	after, err := s.State()
	require.NoError(t, err)
	var b, a struct {
		Vendors map[string]struct{ Logos map[string][]byte }
	}
	require.NoError(t, json.Unmarshal(sbJSONOf(t, before), &b))
	require.NoError(t, json.Unmarshal(sbJSONOf(t, after), &a))
	assert.Equal(t, b.Vendors["productsup"].Logos, a.Vendors["productsup"].Logos, "no logo stored")

	sb, err := s.CreateSandbox(mock.SandboxOptions{})
	require.NoError(t, err)
	in := s.Sandbox(sb.ID)
	require.Equal(t, 200, upload(in, "in-sandbox", 400).Status, "600 + 400 fits")
	assert.Equal(t, 400, upload(s, "outside", 11).Status, "the sandbox's bytes count")
	require.True(t, s.DeleteSandbox(sb.ID))
	assert.Equal(t, 200, upload(s, "outside", 400).Status, "the deleted sandbox gave its room back")

	// A Versori upload past it: its 409, naming the limit.
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: sbOrg + "/protocols/http/upload-url", Token: mock.AdminToken})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var signed struct{ UploadURL string }
	res.JSON(t, &signed)
	u, err := url.Parse(signed.UploadURL)
	require.NoError(t, err)
	res = testkit.Do(t, s, testkit.Request{Method: "PUT", Path: u.Path, Body: strings.Repeat("x", 10), ContentType: "application/yaml"})
	assert.Equal(t, 409, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), "(-max-blob-bytes 1000)")
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: u.Path})
	assert.Equal(t, 404, res.Status, "nothing stored: %s", res.Body)

	s.Reset(0)
	assert.Equal(t, 200, upload(s, "after-reset", 1000).Status, "a reset gave the logos' room back")
}

// TestInitialStateHeldToEntityCap: a starting state (the command's -state file) past the cap
// fails New with ErrEntityLimit naming the limit, as a PUT of it would be refused.
func TestInitialStateHeldToEntityCap(t *testing.T) {
	big := testkit.New(t, mock.WithVendors("productsup"), mock.WithConnectors(3))
	st, err := big.State()
	require.NoError(t, err)
	_, err = mock.New(mock.WithVendors("productsup"), mock.WithConnectors(0), mock.WithInitialState(st), mock.WithMaxEntities(3))
	assert.ErrorIs(t, err, mock.ErrEntityLimit)
	assert.ErrorContains(t, err, "(-max-entities 3)")
	_, err = mock.New(mock.WithVendors("productsup"), mock.WithConnectors(0), mock.WithInitialState(st), mock.WithMaxEntities(4))
	assert.NoError(t, err, "4 fits in 4")
}
