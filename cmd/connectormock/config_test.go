package main

import (
	"context"
	"io"
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
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			c, err := load([]string{"-token", tt.arg}, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tokenFlags{tt.want}, c.tokens)
		})
	}
	// A bare token used to become an admin token: every token now names its role.
	for _, bad := range []string{"t1", "t1=", "=admin", "t1=root", "t1=Admin", "t1=admin:", "t1=admin:ORG1,", "t1=:ORG1"} {
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
