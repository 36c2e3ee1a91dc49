package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// preflight sends a browser's preflight for GET /connectors from origin.
func preflight(t *testing.T, base, origin string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("OPTIONS", base+"/connectors", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp
}

func TestCORSFlags(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		origin string
		status int
		allow  string
	}{
		{nil, "http://any.example", 204, "*"},
		{[]string{"-cors-origins", "http://localhost:3000, http://app.example"}, "http://app.example", 204, "http://app.example"},
		{[]string{"-cors-origins", "http://localhost:3000"}, "http://app.example", 403, ""},
		{[]string{"-no-cors"}, "http://any.example", 405, ""},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		base, _, _, done := start(t, ctx, append([]string{"-log-level", "warn"}, tc.args...)...)
		resp := preflight(t, base, tc.origin)
		assert.Equal(t, tc.status, resp.StatusCode, "%v", tc.args)
		assert.Equal(t, tc.allow, resp.Header.Get("Access-Control-Allow-Origin"), "%v", tc.args)
		cancel()
		require.NoError(t, <-done)
	}
	for _, bad := range []string{"localhost:3000", "http://app.example/", "http://app.example/path", "app"} {
		_, err := load([]string{"-cors-origins", bad}, io.Discard)
		assert.ErrorContains(t, err, "is not an origin", bad)
	}
	_, err := loadEnv(nil, env(map[string]string{"CONNECTORMOCK_CORS_ORIGINS": "nope"}), io.Discard)
	assert.ErrorContains(t, err, "CONNECTORMOCK_CORS_ORIGINS")
	_, err = load([]string{"-journal-body-bytes", "-1"}, io.Discard)
	assert.ErrorContains(t, err, "-journal-body-bytes")
}

func TestJournalBodyBytesFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-log-level", "warn", "-journal-body-bytes", "4")
	req, err := http.NewRequest("POST", base+"/connectors", strings.NewReader(`{"connector-type":"nope"}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	resp, err = http.Get(base + "/__admin/requests")
	require.NoError(t, err)
	var j struct {
		Requests []struct {
			RequestBody          string `json:"requestBody"`
			RequestBodyTruncated bool   `json:"requestBodyTruncated"`
		} `json:"requests"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&j))
	require.NoError(t, resp.Body.Close())
	require.Len(t, j.Requests, 1)
	assert.Equal(t, `{"co`, j.Requests[0].RequestBody)
	assert.True(t, j.Requests[0].RequestBodyTruncated)
	cancel()
	require.NoError(t, <-done)
}
