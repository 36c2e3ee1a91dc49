package mock_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// Each test here sends an attack a web page the developer opens could make against a mock on
// a loopback port, and checks that it is refused and that nothing changed.

// TestAdminRefusesCrossSiteForms: a form posted from another site (urlencoded, multipart or
// text/plain, which needs no preflight) cannot reset the mock or script a fault, with or
// without an Origin header (a browser sends it; old ones may not).
func TestAdminRefusesCrossSiteForms(t *testing.T) {
	s := testkit.New(t)
	c := listenMock(t, s)
	status, _ := c.do("POST", disable, mock.AdminToken, `{"accounts":[777]}`)
	require.Equal(t, 200, status)
	before, err := s.State()
	require.NoError(t, err)
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"} {
		for _, origin := range []string{"", "http://evil.example"} {
			header := []string{"Content-Type", ct}
			if origin != "" {
				header = append(header, "Origin", origin)
			}
			status, body := c.do("POST", mock.AdminPrefix+"/reset", "", "seed=1", header...)
			assert.Contains(t, []int{403, 415}, status, "%s from %q: %s", ct, origin, body)
			status, body = c.do("POST", mock.AdminPrefix+"/faults", "", `{"operationId":"connector_show","delay":"60s"}`, header...)
			assert.Contains(t, []int{403, 415}, status, "%s from %q: %s", ct, origin, body)
		}
	}
	status, body := c.do("POST", mock.AdminPrefix+"/faults", "", `{"operationId":"connector_show","delay":"60s"}`, "Content-Type", "text/plain")
	assert.Equal(t, 415, status)
	assert.Contains(t, string(body), "Content-Type: application/json")
	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, before, after, "not reset")
	assert.Empty(t, s.Faults(), "no fault scripted")
}

// TestAdminRefusesOtherOrigins: a fetch from another origin is refused, a read too (its
// answer holds the vendors' data); the server's own origin (a page it serves) is not.
func TestAdminRefusesOtherOrigins(t *testing.T) {
	s := testkit.New(t)
	c := listenMock(t, s)
	for _, origin := range []string{"http://evil.example", "null", "http://localhost:1"} {
		status, body := c.do("GET", mock.AdminPrefix+"/state", "", "", "Origin", origin)
		assert.Equal(t, 403, status, origin)
		assert.Contains(t, string(body), "another origin")
		status, _ = c.do("DELETE", mock.AdminPrefix+"/requests", "", "", "Origin", origin)
		assert.Equal(t, 403, status, origin)
	}
	status, _ := c.do("GET", mock.AdminPrefix+"/state", "", "", "Origin", c.base)
	assert.Equal(t, 200, status, "the server's own origin")
	status, _ = c.do("POST", mock.AdminPrefix+"/reset", "", "{}", "Origin", c.base)
	assert.Equal(t, 200, status)
}

// TestAdminRefusesDNSRebinding: a page whose name was rebound to 127.0.0.1 calls the mock as
// its own origin (Host and Origin both its name): refused, on the mock's admin API and on a
// sandbox's; loopback names pass. Vendor paths are not the admin API and are left alone.
func TestAdminRefusesDNSRebinding(t *testing.T) {
	s := testkit.New(t)
	c := listenMock(t, s)
	sb := c.newSandbox("")
	u, err := url.Parse(c.base)
	require.NoError(t, err)
	port := u.Port()
	for _, path := range []string{mock.AdminPrefix + "/reset", mock.SandboxPrefix + "/" + sb.ID + mock.AdminPrefix + "/reset"} {
		for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port} {
			req, err := http.NewRequest("POST", c.base+path, strings.NewReader("{}"))
			require.NoError(t, err)
			req.Host = host
			req.Header.Set("Origin", "http://"+host)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 403, resp.StatusCode, "%s with Host %s", path, host)
		}
		for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "app.localhost:" + port} {
			req, err := http.NewRequest("POST", c.base+path, strings.NewReader("{}"))
			require.NoError(t, err)
			req.Host = host
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode, "%s with Host %s", path, host)
		}
	}
	req, err := http.NewRequest("GET", c.base+show, nil)
	require.NoError(t, err)
	req.Host = "api.example"
	req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode, "vendor paths answer any Host (a client may use a hosts-file name)")
}

// TestAdminScope: with an admin token set, no admin answer that holds vendor data (state,
// journal, faults, sandboxes and their admin views) reaches a token scoped to Versori
// organisations, nor any vendor token: the admin token holds every scope, the others none.
// The health endpoint holds no vendor data and needs no token.
func TestAdminScope(t *testing.T) {
	scoped := mock.Principal{Name: "tenant", Token: "tenant-token", Organisations: []string{"01JTJJEWXWNVE4XGCY2G7A878P"}}
	s := testkit.New(t, mock.WithAdminToken("sesame"), mock.WithPrincipals(scoped))
	c := listenMock(t, s)
	status, body := c.do("POST", sandboxesAPI, "sesame", "")
	require.Equal(t, 201, status, "%s", body)
	sb := mock.Sandbox{}
	testkit.Response{Body: body}.JSON(t, &sb)
	for _, path := range []string{"/state", "/requests", "/faults", "/sandboxes", "/health", "/sandboxes/" + sb.ID} {
		for _, p := range []string{mock.AdminPrefix + path, mock.SandboxPrefix + "/" + sb.ID + mock.AdminPrefix + path} {
			if strings.HasPrefix(path, "/sandboxes") && strings.HasPrefix(p, mock.SandboxPrefix) {
				continue
			}
			status, _ := c.do("GET", p, scoped.Token, "")
			assert.Equal(t, 401, status, "%s with a scoped token", p)
			status, _ = c.do("GET", p, "sesame", "")
			assert.Equal(t, 200, status, "%s with the admin token", p)
		}
	}
	status, body = c.do("GET", mock.HealthPath, "", "")
	assert.Equal(t, 200, status)
	assert.JSONEq(t, `{"status":"ready"}`, string(body), "no vendor data")
	status, _ = c.do("GET", "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878Q/connectors", scoped.Token, "")
	assert.Equal(t, 403, status, "the scope holds on the vendor paths")
}

// TestHealthEndpoint: /__health answers without a token and with the admin API off, only GET.
func TestHealthEndpoint(t *testing.T) {
	for _, opts := range [][]mock.Option{{mock.WithAdminToken("sesame")}, {mock.WithoutAdmin()}, {mock.WithLazyLoading()}} {
		s := testkit.New(t, opts...)
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: mock.HealthPath})
		assert.Equal(t, 200, res.Status)
		assert.JSONEq(t, `{"status":"ready"}`, string(res.Body))
		res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: mock.HealthPath})
		assert.Equal(t, 405, res.Status)
		assert.Empty(t, s.Requests(), "probes are not journaled")
	}
}

// TestAdminRefusesDNSRebindingInContainer: in a container the mock listens on 0.0.0.0, and a
// browser that reached the port published on the host's loopback arrives on the container's
// own interface. The rebinding page's Host and Origin agree (its own name): still refused, on
// the admin API, a sandbox's admin view and the inspector's data. IP literals, single-label
// names (a compose service), localhost names and the names of WithAdminHosts pass. The
// connection's local address is set as net/http sets it: the test sends nothing off loopback.
func TestAdminRefusesDNSRebindingInContainer(t *testing.T) {
	s := testkit.New(t, mock.WithAdminHosts("Mock.CI.internal:8080"))
	sb, err := s.CreateSandbox(mock.SandboxOptions{})
	require.NoError(t, err)
	before, err := s.State()
	require.NoError(t, err)
	local := &net.TCPAddr{IP: net.ParseIP("172.17.0.2"), Port: 8080}
	send := func(method, path, host string) int {
		req := httptest.NewRequest(method, path, strings.NewReader("{}"))
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, net.Addr(local)))
		req.Host = host
		req.Header.Set("Origin", "http://"+host)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code == 403 {
			assert.Contains(t, w.Body.String(), "DNS rebinding", "%s %s with Host %s", method, path, host)
		}
		return w.Code
	}
	paths := []struct{ method, path string }{
		{"POST", mock.AdminPrefix + "/reset"},
		{"GET", mock.AdminPrefix + "/state"},
		{"POST", mock.SandboxPrefix + "/" + sb.ID + mock.AdminPrefix + "/reset"},
		{"GET", mock.AdminPrefix + "/requests?after=0"},
	}
	for _, p := range paths {
		for _, host := range []string{"evil.example:8080", "evil.example", "127.0.0.1.nip.io:8080", "EVIL.example.:8080"} {
			assert.Equal(t, 403, send(p.method, p.path, host), "%s %s with Host %s", p.method, p.path, host)
		}
	}
	after, err := s.State()
	require.NoError(t, err)
	assert.Equal(t, before, after, "not reset")
	for _, p := range paths {
		for _, host := range []string{"127.0.0.1:8080", "172.17.0.2:8080", "[::1]:8080", "connectormock:8080", "localhost:8080", "app.localhost", "mock.ci.internal:8080", "MOCK.ci.internal"} {
			assert.Equal(t, 200, send(p.method, p.path, host), "%s %s with Host %s", p.method, p.path, host)
		}
	}
}
