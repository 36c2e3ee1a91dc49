package main

import (
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
		{"t1", mock.Principal{Name: "t1", Token: "t1"}},
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
	for _, bad := range []string{"=admin", "t1=root", "t1=admin:", "t1=admin:ORG1,", "t1=:ORG1"} {
		t.Run("refuses "+bad, func(t *testing.T) {
			_, err := load([]string{"-token", bad}, io.Discard)
			assert.Error(t, err)
		})
	}
	c, err := load(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, tokenFlags(mock.DefaultPrincipals()), c.tokens, "no -token keeps the defaults")
}
