package mock_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

const appOrigin = "http://app.example:3000"

// preflight sends the OPTIONS request a browser sends before a cross-origin call.
func preflight(s http.Handler, origin, method, path, headers string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("OPTIONS", path, nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		r.Header.Set("Access-Control-Request-Headers", headers)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// TestCORSPreflight: every vendor's routes answer a preflight with their methods, allowing
// Authorization and Content-Type, before authentication and validation; the preflight is
// journaled as such, never as unmatched.
func TestCORSPreflight(t *testing.T) {
	s := testkit.New(t)
	for _, tc := range []struct{ path, methods string }{
		{"/connectors", "GET, POST"},
		{browserC1List, "GET, POST"},
		{"/api/connect/v1/o/" + "org/connectors/c", "GET, PUT, DELETE"},
	} {
		w := preflight(s, appOrigin, "GET", tc.path, "authorization,content-type")
		assert.Equal(t, 204, w.Code, tc.path)
		h := w.Header()
		assert.Equal(t, "*", h.Get("Access-Control-Allow-Origin"), tc.path)
		assert.Equal(t, tc.methods, h.Get("Access-Control-Allow-Methods"), tc.path)
		assert.Equal(t, "Authorization, Content-Type, Prefer", h.Get("Access-Control-Allow-Headers"), tc.path)
		assert.Equal(t, "600", h.Get("Access-Control-Max-Age"))
		assert.Empty(t, w.Body.String())
		e := last(t, s)
		assert.True(t, e.Preflight, tc.path)
		assert.False(t, e.Unmatched(), tc.path)
		assert.Empty(t, e.Error, tc.path)
	}
}

// TestCORSPreflightRefusals: the answer to a preflight the browser will refuse says why in the
// journal (the browser only shows a CORS error).
func TestCORSPreflightRefusals(t *testing.T) {
	s := testkit.New(t)
	w := preflight(s, appOrigin, "PUT", "/connectors", "")
	assert.Equal(t, "GET, POST", w.Header().Get("Access-Control-Allow-Methods"))
	assert.Equal(t, "CORS: PUT is not a method of /connectors (methods: GET, POST)", last(t, s).Error)

	preflight(s, appOrigin, "GET", "/connectors", "authorization, x-trace")
	assert.Equal(t, "CORS: request headers X-Trace are not allowed (allowed: Authorization, Content-Type, Prefer)", last(t, s).Error)
	assert.False(t, last(t, s).Unmatched())

	// A path no operation has: the method asked for, so that the call gets the vendor's 404.
	w = preflight(s, appOrigin, "DELETE", "/connectors/a/b/c", "")
	assert.Equal(t, "DELETE", w.Header().Get("Access-Control-Allow-Methods"))
	assert.Empty(t, last(t, s).Error)
}

// TestCORSAnswers: a call from a page of another origin gets Access-Control-Allow-Origin and
// the headers it may read, on answers and refusals alike; a call without Origin gets neither.
func TestCORSAnswers(t *testing.T) {
	s := testkit.New(t)
	for _, tc := range []struct {
		token  string
		status int
	}{{mock.ReadOnlyToken, 200}, {"", 401}} {
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: tc.token, Header: http.Header{"Origin": {appOrigin}}})
		assert.Equal(t, tc.status, res.Status)
		assert.Equal(t, "*", res.Header.Get("Access-Control-Allow-Origin"))
		assert.Equal(t, "Allow, Content-Disposition, Location, Retry-After", res.Header.Get("Access-Control-Expose-Headers"))
	}
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: mock.ReadOnlyToken})
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
	// A plain OPTIONS (no preflight) is the vendor's 405, as before.
	res = testkit.Do(t, s, testkit.Request{Method: "OPTIONS", Path: "/connectors", Header: http.Header{"Origin": {appOrigin}}})
	assert.Equal(t, 405, res.Status)
}

func TestCORSOrigins(t *testing.T) {
	s := testkit.New(t, mock.WithCORSOrigins(appOrigin, "http://other.example"))
	w := preflight(s, appOrigin, "GET", "/connectors", "authorization")
	assert.Equal(t, 204, w.Code)
	assert.Equal(t, appOrigin, w.Header().Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "Origin", w.Header().Get("Vary"))

	w = preflight(s, "http://evil.example", "GET", "/connectors", "authorization")
	assert.Equal(t, 403, w.Code)
	assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
	assert.Empty(t, w.Header().Get("Access-Control-Allow-Methods"))
	e := last(t, s)
	assert.True(t, e.Preflight)
	assert.False(t, e.Unmatched())
	assert.Equal(t, "CORS: origin http://evil.example is not allowed (allowed: "+appOrigin+", http://other.example)", e.Error)

	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: mock.ReadOnlyToken, Header: http.Header{"Origin": {"http://evil.example"}}})
	assert.Equal(t, 200, res.Status, "served: the browser withholds it from the page")
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
}

func TestWithoutCORS(t *testing.T) {
	s := testkit.New(t, mock.WithoutCORS())
	w := preflight(s, appOrigin, "GET", "/connectors", "authorization")
	assert.Equal(t, 405, w.Code, "the vendor's answer to OPTIONS")
	assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: mock.ReadOnlyToken, Header: http.Header{"Origin": {appOrigin}}})
	assert.Equal(t, 200, res.Status)
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
}

// TestCORSNeverForTheAdminAPI: the admin API answers no other origin.
func TestCORSNeverForTheAdminAPI(t *testing.T) {
	s := testkit.New(t)
	w := preflight(s, appOrigin, "POST", mock.AdminPrefix+"/reset", "content-type")
	assert.NotEqual(t, 204, w.Code)
	assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"))
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: mock.AdminPrefix + "/health", Header: http.Header{"Origin": {appOrigin}}})
	assert.Empty(t, res.Header.Get("Access-Control-Allow-Origin"))
	page := httptest.NewRecorder()
	s.ServeHTTP(page, httptest.NewRequest("GET", mock.InspectorPath, nil))
	require.Equal(t, 200, page.Code)
	assert.Empty(t, page.Header().Get("Access-Control-Allow-Origin"))
}
