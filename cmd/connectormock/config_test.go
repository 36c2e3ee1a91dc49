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

	"github.com/connectormock/connectormock/mock"
)

func TestTokenFlag(t *testing.T) {
	tests := []struct {
		arg  string
		want mock.Principal
	}{
		{"t1=admin", mock.Principal{Name: "t1", Token: "t1"}},
		{"t1=readonly", mock.Principal{Name: "t1", Token: "t1", ReadOnly: true}},
		{"t1=admin:01JTJJEWXWNVE4XGCY2G7A878P", mock.Principal{Name: "t1", Token: "t1", Organisations: []string{"01JTJJEWXWNVE4XGCY2G7A878P"}}},
		{"t1=readonly:ORG1,ORG2", mock.Principal{Name: "t1", Token: "t1", ReadOnly: true, Organisations: []string{"ORG1", "ORG2"}}},
		{"t1=integrator", mock.Principal{Name: "t1", Token: "t1", Integrator: true}},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			c, err := load([]string{"-token", tt.arg}, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tokenFlags{tt.want}, c.tokens)
		})
	}
	// A bare token used to become an admin token: every token now names its role.
	for _, bad := range []string{"t1", "t1=", "=admin", "t1=root", "t1=Admin", "t1=admin:", "t1=admin:ORG1,", "t1=:ORG1", "t1=Integrator", "t1=integrator:"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			_, err := load([]string{"-token", bad}, io.Discard)
			require.Error(t, err)
			assert.ErrorContains(t, err, "-token", "the error names the flag")
			assert.ErrorContains(t, err, "TOKEN=admin or TOKEN=readonly", "and the accepted forms")
			assert.ErrorContains(t, err, "TOKEN=admin:ORG1,ORG2")

			_, err = loadEnv(nil, env(map[string]string{"CONNECTORMOCK_TOKEN": "ok=admin " + bad}), io.Discard)
			require.Error(t, err)
			assert.ErrorContains(t, err, "CONNECTORMOCK_TOKEN", "the error names the variable")
			assert.ErrorContains(t, err, "(-token)", "and its flag")
			assert.ErrorContains(t, err, "TOKEN=admin or TOKEN=readonly")

			assert.Equal(t, 2, exitStatus(run(context.Background(), []string{"-token", bad}, io.Discard, io.Discard)), "a usage error")
		})
	}
	c, err := load(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, tokenFlags(mock.DefaultPrincipals()), c.tokens, "no -token keeps the defaults")
}

// TestIntegratorToken: a -token TOKEN=integrator is a Productsup integrator from the command
// line: the connector it creates is its own, its list holds only that one, and another's
// connector is Productsup's 403, while the admin token beside it still sees everything.
func TestIntegratorToken(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, stdout, _, done := start(t, ctx, "-vendors", "productsup", "-token", "dev=integrator", "-token", "boss=admin")
	defer func() { cancel(); <-done }()
	assert.Contains(t, stdout.String(), "Bearer dev (integrator)")
	do := func(method, path, token, body string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return resp.StatusCode, out
	}
	status, created := do("POST", "/connectors", "dev", `{"connector-type":"export","connector-name":"mine"}`)
	require.Equal(t, 200, status, created)
	id := created["data"].(map[string]any)["id"].(string)

	status, list := do("GET", "/connectors", "dev", "")
	require.Equal(t, 200, status, list)
	assert.EqualValues(t, 1, list["metadata"].(map[string]any)["total"], "an integrator lists only its own connectors")
	assert.Equal(t, id, list["data"].([]any)[0].(map[string]any)["id"])

	status, body := do("GET", "/connectors/497f6eca-6276-4993-bfeb-53cbbbba6f08", "dev", "")
	assert.Equal(t, 403, status)
	assert.Equal(t, "Access denied for user.", body["message"])

	status, list = do("GET", "/connectors", "boss", "")
	require.Equal(t, 200, status, list)
	assert.Greater(t, list["metadata"].(map[string]any)["total"], 1.0, "the admin lists every connector")
}
