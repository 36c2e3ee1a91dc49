package mock_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// The create requests of each vendor, as a suite of another language sends them.
const (
	sbPsCreate   = `{"connector-type":"export","connector-name":"%s"}`
	sbC1Apps     = "/api/v1/apps/2fNYt5ovfagQ9ArtVtVeIULrWrf/connectors"
	sbC1Create   = `{"catalogId":"catalogId","description":"%s"}`
	sbOrg        = "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P"
	sbVCreate    = `{"name":"%s","baseUrl":"https://api.acme.example","authSchemeConfigs":[],"connections":[]}`
	sbJSON       = "application/json"
	sandboxesAPI = mock.AdminPrefix + "/sandboxes"
)

// client talks to a listening mock as a client in another language would: plain HTTP.
type mockClient struct {
	t    testing.TB
	base string
}

// do sends a request and returns the answer's status and body; a request that cannot be sent
// fails the test with status 0. It asserts rather than requires: suites call it from
// goroutines, where FailNow must not be called.
func (c mockClient) do(method, path, token, body string, header ...string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if !assert.NoError(c.t, err) {
		return 0, nil
	}
	if body != "" {
		req.Header.Set("Content-Type", sbJSON)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if !assert.NoError(c.t, err) {
		return 0, nil
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if !assert.NoError(c.t, err) {
		return 0, nil
	}
	return resp.StatusCode, data
}

// newSandbox creates a sandbox over HTTP and returns it, its URL taken from the answer.
func (c mockClient) newSandbox(body string) mock.Sandbox {
	c.t.Helper()
	status, data := c.do("POST", sandboxesAPI, "", body)
	require.Equal(c.t, http.StatusCreated, status, "%s", data)
	var sb mock.Sandbox
	require.NoError(c.t, json.Unmarshal(data, &sb))
	return sb
}

func listenMock(t testing.TB, s http.Handler) mockClient {
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return mockClient{t: t, base: ts.URL}
}

// suite is what one test suite does in its sandbox: it creates a connector at each vendor
// under a name of its own, and lists each vendor, which must show its connectors and never
// the other suite's. It runs in a goroutine: it asserts, and stops at the first failure.
func sbSuite(t *testing.T, c mockClient, name, other string, rounds int) bool {
	for i := range rounds {
		mine := fmt.Sprintf("%s-%d", name, i)
		status, body := c.do("POST", "/connectors", mock.AdminToken, fmt.Sprintf(sbPsCreate, mine))
		if !assert.Equal(t, 200, status, "%s", body) {
			return false
		}
		status, body = c.do("POST", sbC1Apps+"/create", mock.AdminToken, fmt.Sprintf(sbC1Create, mine))
		if !assert.Equal(t, 200, status, "%s", body) {
			return false
		}
		status, body = c.do("POST", sbOrg+"/protocols/http/connectors", mock.AdminToken, fmt.Sprintf(sbVCreate, mine))
		if !assert.Equal(t, 201, status, "%s", body) {
			return false
		}
	}
	for _, list := range []string{"/connectors?limit=100", sbC1Apps + "?page_size=100", sbOrg + "/connectors?first=100"} {
		status, body := c.do("GET", list, mock.AdminToken, "")
		if !assert.Equal(t, 200, status, "%s", body) {
			return false
		}
		for i := range rounds {
			assert.Contains(t, string(body), fmt.Sprintf(`%s-%d"`, name, i), "%s lists its own connectors", list)
		}
		assert.NotContains(t, string(body), other, "never the other suite's")
	}
	return true
}

// TestSandboxesIsolateParallelSuites: two suites share one listening mock, each in its own
// sandbox, in parallel (the race detector watches); neither sees the other's connectors, and
// the mock's own paths keep their state.
func TestSandboxesIsolateParallelSuites(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(2))
	c := listenMock(t, s)
	before, err := s.State()
	require.NoError(t, err)

	var wg sync.WaitGroup
	for name, other := range map[string]string{"suite-a": "suite-b", "suite-b": "suite-a"} {
		sb := c.newSandbox("")
		assert.Equal(t, c.base+mock.SandboxPrefix+"/"+sb.ID, sb.URL, "the base URL to give a client")
		wg.Go(func() {
			in := mockClient{t: t, base: sb.URL}
			if !sbSuite(t, in, name, other, 5) {
				return
			}
			status, body := in.do("GET", mock.AdminPrefix+"/requests", "", "")
			var j struct{ Requests []mock.Request }
			if !assert.Equal(t, 200, status) || !assert.NoError(t, json.Unmarshal(body, &j)) {
				return
			}
			assert.Len(t, j.Requests, 18, "the sandbox's journal holds its own requests")
			for _, r := range j.Requests {
				assert.False(t, strings.HasPrefix(r.Path, mock.SandboxPrefix), "paths as the sandbox's server saw them: %s", r.Path)
			}
		})
	}
	wg.Wait()

	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, before, after, "the un-sandboxed stores are untouched")
	assert.Empty(t, s.Requests(), "and so is their journal")
	status, _ := c.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 200, status, "the default paths keep working")
}

// TestSandboxAdminView: a sandbox's admin API (state, reset, requests, faults) acts on the
// sandbox alone; a sandbox starts from a seed or a state given at creation, and reset returns
// to its start.
func TestSandboxAdminView(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(1))
	c := listenMock(t, s)
	sb := c.newSandbox(`{"seed": 42}`)
	assert.EqualValues(t, 42, sb.Seed)
	in := mockClient{t: t, base: sb.URL}

	status, body := in.do("GET", mock.AdminPrefix+"/state", "", "")
	require.Equal(t, 200, status, "%s", body)
	var st mock.State
	require.NoError(t, json.Unmarshal(body, &st))
	assert.EqualValues(t, 42, st.Seed)
	mainState, err := s.State()
	require.NoError(t, err)
	assert.NotEqual(t, string(mainState.Vendors["productsup"]), string(st.Vendors["productsup"]), "seeded from its own seed")

	// A fault scripted in the sandbox answers there, not on the mock's own paths.
	status, body = in.do("POST", mock.AdminPrefix+"/faults", "", `{"operationId":"connector_show","status":404}`)
	require.Equal(t, 201, status, "%s", body)
	status, _ = c.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 200, status)
	status, body = in.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 404, status, "%s", body)
	assert.Empty(t, s.Faults())

	// A change, then reset: back to the seed-42 state.
	status, _ = in.do("POST", disable, mock.AdminToken, `{"accounts":[777]}`)
	require.Equal(t, 200, status)
	status, _ = in.do("POST", mock.AdminPrefix+"/reset", "", "")
	require.Equal(t, 200, status)
	_, again := in.do("GET", mock.AdminPrefix+"/state", "", "")
	assert.JSONEq(t, string(sbState(t, in)), string(again))
	assert.JSONEq(t, string(sbJSONOf(t, st)), string(again), "reset returns to the sandbox's start")

	// A sandbox created with a state starts from it, and its reset returns to it.
	status, _ = c.do("POST", disable, mock.AdminToken, `{"accounts":[789]}`)
	require.Equal(t, 200, status)
	changed, err := s.State()
	require.NoError(t, err)
	withState := c.newSandbox(string(sbJSONOf(t, map[string]any{"state": changed})))
	in2 := mockClient{t: t, base: withState.URL}
	status, _ = in2.do("POST", disable, mock.AdminToken, `{"accounts":[987]}`)
	require.Equal(t, 200, status)
	status, _ = in2.do("POST", mock.AdminPrefix+"/reset", "", "")
	require.Equal(t, 200, status)
	_, got := in2.do("GET", mock.AdminPrefix+"/state", "", "")
	assert.JSONEq(t, string(sbJSONOf(t, changed)), string(got))

	// Sandboxes do not nest, and the listing shows both.
	status, body = in.do("POST", sandboxesAPI, "", "")
	assert.Equal(t, 404, status, "%s", body)
	assert.Contains(t, string(body), "do not nest")
	status, body = c.do("GET", sandboxesAPI, "", "")
	require.Equal(t, 200, status)
	assert.Contains(t, string(body), sb.URL)
	assert.Contains(t, string(body), withState.URL)

	// Deleted: gone, with a message that says what may have happened.
	status, _ = c.do("DELETE", sandboxesAPI+"/"+sb.ID, "", "")
	assert.Equal(t, 204, status)
	status, body = in.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 404, status)
	assert.Contains(t, string(body), `no sandbox \"`+sb.ID+`\"`)
	status, _ = c.do("DELETE", sandboxesAPI+"/"+sb.ID, "", "")
	assert.Equal(t, 404, status)
}

func sbState(t *testing.T, c mockClient) []byte {
	t.Helper()
	_, b := c.do("GET", mock.AdminPrefix+"/state", "", "")
	return b
}

func sbJSONOf(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return data
}

// TestSandboxIdleExpiry: on the mock's clock, a sandbox idle past its time is gone (its
// requests answer 404 and listings leave it out); each request restarts its idle time.
func TestSandboxIdleExpiry(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()).UTC() }
	advance := func(d time.Duration) { now.Add(int64(d)) }
	s := testkit.New(t, mock.WithClock(clock), mock.WithSandboxIdleTime(time.Minute))
	c := listenMock(t, s)
	busy, idle := c.newSandbox(""), c.newSandbox("")

	advance(50 * time.Second)
	status, _ := mockClient{t: t, base: busy.URL}.do("GET", show, mock.AdminToken, "")
	require.Equal(t, 200, status)
	advance(50 * time.Second) // busy: 50 s since its last request; idle: 100 s

	status, body := mockClient{t: t, base: idle.URL}.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 404, status, "idle past its time: gone")
	assert.Contains(t, string(body), "expired after 1m0s without a request")
	assert.Nil(t, s.Sandbox(idle.ID))
	status, _ = mockClient{t: t, base: busy.URL}.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 200, status, "each request restarts the idle time")

	advance(2 * time.Minute)
	assert.Len(t, s.Sandboxes(), 0, "the listing sweeps expired ones")
	assert.Nil(t, s.Sandbox(busy.ID))

	// Expire sweeps those nobody looks at any more.
	c.newSandbox("")
	advance(time.Hour)
	assert.Equal(t, 1, s.ExpireSandboxes())
}

// TestSandboxLimit: the number alive is bounded; one more is a 429 that says what to do, and
// deleting one makes room.
func TestSandboxLimit(t *testing.T) {
	s := testkit.New(t, mock.WithMaxSandboxes(2))
	c := listenMock(t, s)
	first := c.newSandbox("")
	c.newSandbox("")
	status, body := c.do("POST", sandboxesAPI, "", "")
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Contains(t, string(body), "2 sandboxes are alive (the limit, -max-sandboxes)")
	assert.Contains(t, string(body), "DELETE /__admin/sandboxes/<id>")
	require.True(t, s.DeleteSandbox(first.ID))
	c.newSandbox("")

	off := listenMock(t, testkit.New(t, mock.WithMaxSandboxes(0)))
	status, body = off.do("POST", sandboxesAPI, "", "")
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Contains(t, string(body), "switched off")

	// A sandbox's starting state is checked like PUT /__admin/state: refused, nothing made.
	s.DeleteSandbox(s.Sandboxes()[0].ID)
	status, body = c.do("POST", sandboxesAPI, "", `{"state":{"seed":1,"vendors":{}}}`)
	assert.Equal(t, 400, status, "%s", body)
	assert.Len(t, s.Sandboxes(), 1)
}

// TestSandboxAdminGuarded: with an admin token, a sandbox's admin view and the sandbox API
// need it like the mock's own admin API; the sandbox's vendor paths need vendor tokens, as
// the mock's own do.
func TestSandboxAdminGuarded(t *testing.T) {
	s := testkit.New(t, mock.WithAdminToken("sesame"))
	c := listenMock(t, s)
	status, _ := c.do("POST", sandboxesAPI, "", "")
	require.Equal(t, 401, status)
	status, body := c.do("POST", sandboxesAPI, "sesame", "")
	require.Equal(t, 201, status, "%s", body)
	var sb mock.Sandbox
	require.NoError(t, json.Unmarshal(body, &sb))
	in := mockClient{t: t, base: sb.URL}
	status, _ = in.do("GET", mock.AdminPrefix+"/state", mock.AdminToken, "")
	assert.Equal(t, 401, status, "a vendor token is not the admin token")
	status, _ = in.do("GET", mock.AdminPrefix+"/state", "sesame", "")
	assert.Equal(t, 200, status)
	status, _ = in.do("GET", show, "", "")
	assert.Equal(t, 401, status, "the vendor's own 401")
	status, _ = in.do("GET", show, mock.AdminToken, "")
	assert.Equal(t, 200, status)
}

// TestSandboxVendorSDKBaseURL: a client that joins its base URL and the vendor's paths as the
// SDKs do (the ConductorOne Go SDK and the Versori TypeScript SDK append the operation's path
// to the server URL, keeping its path) reaches the sandbox, with query strings and
// percent-encoded segments intact.
func TestSandboxVendorSDKBaseURL(t *testing.T) {
	s := testkit.New(t)
	c := listenMock(t, s)
	sb := c.newSandbox("")
	in := mockClient{t: t, base: sb.URL}
	status, body := in.do("POST", sbOrg+"/connectors/01JQQEESWY391NGMH0BV4G0BAV/versions", mock.AdminToken, `{"name":"release 2"}`)
	require.Equal(t, 201, status, "%s", body)
	status, body = in.do("GET", sbOrg+"/connectors/01JQQEESWY391NGMH0BV4G0BAV/versions/release%202", mock.AdminToken, "")
	assert.Equal(t, 200, status, "%s", body)
	status, body = in.do("POST", sbC1Apps+"/create", mock.AdminToken, fmt.Sprintf(sbC1Create, "second"))
	require.Equal(t, 200, status, "%s", body)
	status, body = in.do("GET", sbC1Apps+"?page_size=1", mock.AdminToken, "")
	require.Equal(t, 200, status, "%s", body)
	var page struct{ NextPageToken string }
	require.NoError(t, json.Unmarshal(body, &page))
	require.NotEmpty(t, page.NextPageToken)
	status, body = in.do("GET", sbC1Apps+"?page_size=1&page_token="+page.NextPageToken, mock.AdminToken, "")
	assert.Equal(t, 200, status, "%s", body)
	status, _ = c.do("GET", sbOrg+"/connectors/01JQQEESWY391NGMH0BV4G0BAV/versions/release%202", mock.AdminToken, "")
	assert.Equal(t, 404, status, "created in the sandbox only")
	status, _ = in.do("GET", mock.HealthPath, "", "")
	assert.Equal(t, 200, status)
	_, err := s.Productsup().Store().Connector(productsup.DocumentedID)
	assert.NoError(t, err)
}

// TestSandboxesUnderConcurrency: sandboxes created, used, listed, expired and deleted from
// many goroutines, while the mock's own stores are reset and written to (the entity cap then
// counts every sandbox), stay consistent; the race detector watches.
func TestSandboxesUnderConcurrency(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(1), mock.WithMaxSandboxes(1000))
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := range 15 {
				id := newSandboxInUse(t, s)
				if id == "" {
					return
				}
				r := httptest.NewRequest("POST", mock.SandboxPrefix+"/"+id+"/connectors", strings.NewReader(fmt.Sprintf(sbPsCreate, fmt.Sprint(g, "-", i))))
				r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				s.ServeHTTP(w, r)
				assert.Equal(t, 200, w.Code, "%s", w.Body)
				if i%2 == 0 {
					assert.True(t, s.DeleteSandbox(id))
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 30 {
			s.Reset(0)
			s.ExpireSandboxes()
			_ = s.Sandboxes()
			res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: fmt.Sprintf(sbPsCreate, fmt.Sprint("main-", i))})
			assert.Equal(t, 200, res.Status, "%s", res.Body)
		}
	})
	wg.Wait()
	assert.Len(t, s.Sandboxes(), 6*7, "the odd ones are alive")
	for _, sb := range s.Sandboxes() {
		inner := s.Sandbox(sb.ID)
		require.NotNil(t, inner)
		assert.Equal(t, 1+1+1, inner.Productsup().Store().Len(), "its seeded two and its own create")
	}
}

// TestDeletedSandboxesGiveSeedsBack: a client can ask for any number of seeds, one sandbox
// each; once those sandboxes are deleted, the process holds the data of a few seeds at most
// (kit.MaxOtherSeeds), not of every seed it has seen. A bound on the heap after GC: kept
// forever, 1,000 seeds at 20 connectors would hold about 250 MB.
func TestDeletedSandboxesGiveSeedsBack(t *testing.T) {
	const n = 1000
	s := testkit.New(t)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for i := range n {
		sb, err := s.CreateSandbox(mock.SandboxOptions{Seed: uint64(7_000_000 + i)})
		require.NoError(t, err)
		for _, v := range s.Sandbox(sb.ID).Health().Vendors { // every vendor seeded
			require.NotEmpty(t, v.Counts)
		}
		require.True(t, s.DeleteSandbox(sb.ID))
	}
	after := heap()
	grew := int64(after) - int64(before)
	assert.Less(t, grew, int64(24<<20), "heap grew by %d MB over %d seeds, sandboxes deleted", grew>>20, n)
}
