package mocktest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/mocktest"
)

var disablePath = "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable"

func post(t *testing.T, c *http.Client, url, body string) (int, string) {
	t.Helper()
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestBothFlavours(t *testing.T) {
	for name, start := range map[string]func(testing.TB, ...mock.Option) *mocktest.Server{"listener": mocktest.New, "in process": mocktest.NewInProcess} {
		t.Run(name, func(t *testing.T) {
			s := start(t)
			status, body := post(t, s.Client(), s.URL()+disablePath, `{"accounts":[777],"projects":[444],"sites":[666]}`)
			assert.Equal(t, 200, status)
			assert.Contains(t, body, `"enabled-for-accounts":[789,987]`)

			status, _ = post(t, s.ClientWithToken(mocktest.ReadOnlyToken), s.URL()+disablePath, `{}`)
			assert.Equal(t, 403, status)
			status, _ = post(t, s.ClientWithToken(""), s.URL()+disablePath, `{}`)
			assert.Equal(t, 401, status)

			req, err := http.NewRequest("GET", s.URL()+"/connectors/"+productsup.DocumentedID, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer nope")
			resp, err := s.Client().Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 401, resp.StatusCode, "a request's own Authorization header wins")

			v, err := s.Productsup().Store().Version(productsup.DocumentedID, "1")
			require.NoError(t, err)
			assert.Equal(t, []int64{789, 987}, v.PlatformProdReference.EnabledForAccounts, "typed access sees the HTTP side's state")

			s.AssertCalled(t, "connector_disable_prod_access", 3)
			s.AssertCalled(t, "connector_show", 1)
			s.AssertNotCalled(t, "connector_enable_prod_access")
			s.AssertNoUnmatched(t)
			s.Close()
			s.Close() // safe twice; t.Cleanup calls it a third time
		})
	}
}

func TestNoListenerOpensNoPort(t *testing.T) {
	s := mocktest.NewInProcess(t)
	assert.Equal(t, "http://connectormock.test", s.URL())
	_, err := http.Get(s.URL() + "/connectors") // the default client has no way there
	assert.Error(t, err)
}

// recordingTB captures assertion failures instead of failing the test, to test the assertions.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAssertionsFail(t *testing.T) {
	s := mocktest.NewInProcess(t)
	c := s.Client()
	post(t, c, s.URL()+disablePath, `{"accounts":["x"]}`)
	post(t, c, s.URL()+"/nowhere", `{}`)
	post(t, c, s.URL()+disablePath, `{"accounts":[777]}`)

	rec := &recordingTB{TB: t}
	assert.False(t, s.AssertCalled(rec, "connector_disable_prod_access", 1))
	assert.False(t, s.AssertNotCalled(rec, "connector_disable_prod_access"))
	assert.False(t, s.AssertNoUnmatched(rec))
	require.Len(t, rec.errors, 3)
	assert.Contains(t, rec.errors[2], "2 request(s) matched no operation or failed validation")
	assert.Contains(t, rec.errors[2], "POST "+disablePath+" -> 400")
	assert.Contains(t, rec.errors[2], "accounts[0]")
	assert.Contains(t, rec.errors[2], "POST /nowhere -> 404")

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "connector_disable_prod_access", reqs[0].OperationID)
	assert.Equal(t, 400, reqs[0].Status)
	assert.Equal(t, "", reqs[1].OperationID)
	assert.Equal(t, 200, reqs[2].Status)
}

// TestParallelServersAreIsolated: 100 parallel tests, each with its own server, each changing
// its own state; none sees another's change.
func TestParallelServersAreIsolated(t *testing.T) {
	for i := range 100 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			s := mocktest.NewInProcess(t, mock.WithConnectors(0))
			id := int64(1000 + i)
			status, body := post(t, s.Client(), s.URL()+"/connectors/"+productsup.DocumentedID+"/versions/1/targets",
				fmt.Sprintf(`{"target-accounts":[%d]}`, id))
			require.Equal(t, 200, status, body)
			v, err := s.Productsup().Store().Version(productsup.DocumentedID, "1")
			require.NoError(t, err)
			assert.Equal(t, []int64{789, 987, 777, id}, v.PlatformProdReference.TargetAccounts, "only this test's change")
			s.AssertCalled(t, "connector_targets_add", 1)
		})
	}
}

// BenchmarkNew measures a server after the first: specs are parsed once per process and stores
// fill on first use, so this is the cost of a test that starts a mock.
func BenchmarkNew(b *testing.B) {
	for _, flavour := range []struct {
		name  string
		start func(...mock.Option) (*mocktest.Server, error)
	}{{"listener", mocktest.Start}, {"in process", mocktest.StartInProcess}} {
		b.Run(flavour.name, func(b *testing.B) {
			first, err := flavour.start()
			if err != nil {
				b.Fatal(err)
			}
			first.Close()
			b.ReportAllocs()
			for b.Loop() {
				s, err := flavour.start()
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// TestREADMEExample is the README's "Using it in Go tests" example, verbatim, so it stays true.
func TestREADMEExample(t *testing.T) {
	s := mocktest.New(t) // or mocktest.NewInProcess(t): no port, in-process transport

	// Seed state through typed access (the same store the HTTP side serves; copies in and out).
	c := productsup.NewConnector(productsup.WithTargets([]int64{42}, nil, nil))
	require.NoError(t, s.Productsup().Store().Put(c))

	// The code under test talks HTTP; Client() sends mock-admin-token unless told otherwise.
	resp, err := s.Client().Post(s.URL()+"/connectors/"+c.ID+"/versions/1/access/prod/enable",
		"application/json", strings.NewReader(`{"accounts":[42]}`))
	require.NoError(t, err)
	resp.Body.Close()

	v, _ := s.Productsup().Store().Version(c.ID, "1")
	assert.Equal(t, []int64{42}, v.PlatformProdReference.EnabledForAccounts)
	s.AssertCalled(t, "connector_enable_prod_access", 1)
	s.AssertNoUnmatched(t) // fails listing every request that matched no operation or broke the contract
}

func TestAssertCalledRefusesUnknownOperations(t *testing.T) {
	s := mocktest.NewInProcess(t)
	for _, c := range []struct {
		id   string
		want []string // the suggestions the failure must name, in order
	}{
		{"connector_lst", []string{`"connector_list"`}},
		{"Listconnectors", []string{`"ListConnectors"`}},
		{"connector_shw", []string{`"connector_show"`}},
		{"ConnectorService.Update", []string{`"c1.api.app.v1.ConnectorService.Update"`}},
	} {
		t.Run(c.id, func(t *testing.T) {
			r := &recordingTB{TB: t}
			assert.False(t, s.AssertNotCalled(r, c.id))
			assert.False(t, s.AssertCalled(r, c.id, 0))
			require.Len(t, r.errors, 2)
			msg := r.errors[0]
			assert.Contains(t, msg, fmt.Sprintf("no operation %q on this server", c.id))
			at := 0
			for _, w := range c.want {
				i := strings.Index(msg[at:], w)
				if assert.GreaterOrEqual(t, i, 0, "%s names %s after position %d", msg, w, at) {
					at += i + len(w)
				}
			}
		})
	}
	r := &recordingTB{TB: t}
	assert.False(t, s.AssertNotCalled(r, "frobnicate"))
	require.Len(t, r.errors, 1)
	assert.Contains(t, r.errors[0], "Server.OperationIDs lists them", "no close match: points to the list")

	r = &recordingTB{TB: t}
	assert.True(t, s.AssertNotCalled(r, "connector_list"), "a real operation, never called")
	assert.True(t, s.AssertCalled(r, "ListConnectors", 0), "Versori's, spelled its way")
	assert.Empty(t, r.errors)
}

// BenchmarkNewAndFirstRequests is what a Go test pays for its own mock (issue 12's budget:
// under 300 µs and 100 KiB after the first server of the process): mocktest.NewInProcess and
// one GET to each vendor, so that each vendor is built and its store seeded.
func BenchmarkNewAndFirstRequests(b *testing.B) {
	paths := []string{
		"/connectors/" + productsup.DocumentedID,
		"/api/v1/apps/" + conductorone.DocumentedAppID + "/connectors/" + conductorone.DocumentedConnectorID,
		"/api/connect/v1/o/" + versori.DocumentedOrganisationID + "/connectors/" + versori.DocumentedConnectorID,
	}
	run := func() {
		s, err := mocktest.StartInProcess()
		if err != nil {
			b.Fatal(err)
		}
		c := s.Client()
		for _, p := range paths {
			resp, err := c.Get(s.URL() + p)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET %s: %d", p, resp.StatusCode)
			}
		}
		s.Close()
	}
	run() // the first server of the process parses the specs and builds the shared seeds
	b.ReportAllocs()
	for b.Loop() {
		run()
	}
}
