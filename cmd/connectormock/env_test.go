package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestEnvironment(t *testing.T) {
	c, err := loadEnv([]string{"-seed", "7"}, env(map[string]string{
		"CONNECTORMOCK_ADDR":          ":9000",
		"CONNECTORMOCK_SEED":          "99",
		"CONNECTORMOCK_TOKEN":         "a=admin  r=readonly:ORG1,ORG2",
		"CONNECTORMOCK_JOURNAL_SIZE":  "5",
		"CONNECTORMOCK_NO_ADMIN":      "true",
		"CONNECTORMOCK_VENDORS":       "versori,productsup",
		"CONNECTORMOCK_WORK_DURATION": "2s",
		"CONNECTORMOCK_STATE":         "/state.json",
		"CONNECTORMOCK_MAX_SANDBOXES": "7",
	}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, ":9000", c.addr)
	assert.EqualValues(t, 7, c.seed, "the flag wins over its variable")
	assert.Equal(t, "a=admin,r=readonly:ORG1,ORG2", c.tokens.String())
	assert.Equal(t, 5, c.journal)
	assert.True(t, c.noAdmin)
	assert.Equal(t, []string{"versori", "productsup"}, c.vendorList())
	assert.Equal(t, 2*time.Second, c.workDuration)
	assert.Equal(t, "/state.json", c.stateFile, "the README's Docker way: -e CONNECTORMOCK_STATE=/state.json")
	assert.Equal(t, 7, c.maxSandboxes)

	c, err = loadEnv([]string{"-token", "x=admin"}, env(map[string]string{"CONNECTORMOCK_TOKEN": "a=admin b=readonly"}), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "x=admin", c.tokens.String(), "-token on the command line replaces the variable's tokens")

	for k, v := range map[string]string{"CONNECTORMOCK_SEED": "x", "CONNECTORMOCK_TOKEN": "a=root", "CONNECTORMOCK_VENDORS": "acme", "CONNECTORMOCK_NO_ADMIN": "maybe"} {
		_, err := loadEnv(nil, env(map[string]string{k: v}), io.Discard)
		assert.ErrorContains(t, err, k, "the error names the variable")
	}
	_, err = load([]string{"-vendors", " , "}, io.Discard)
	assert.Error(t, err)

	var help bytes.Buffer
	_, err = load([]string{"-h"}, &help)
	require.ErrorIs(t, err, errHelp())
	for _, name := range []string{"CONNECTORMOCK_ADDR", "CONNECTORMOCK_JOURNAL_SIZE", "CONNECTORMOCK_TOKEN", "-vendors", "-version"} {
		assert.Contains(t, help.String(), name)
	}
}

func TestVendorsSubset(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, stdout, _, done := start(t, ctx, "-vendors", "versori")
	assert.Contains(t, stdout.String(), "vendors: [versori]")
	resp, err := http.Get(base + "/connectors")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "productsup is not served")
	cancel()
	require.NoError(t, <-done)
}

func TestVersionAndHealthcheck(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-version"}, &out, io.Discard))
	assert.Regexp(t, `^connectormock \S+\n$`, out.String())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx)
	assert.NoError(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/health"}, io.Discard, io.Discard))
	assert.Error(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/nope"}, io.Discard, io.Discard))
	cancel()
	require.NoError(t, <-done)
	assert.Error(t, run(context.Background(), []string{"-healthcheck", base + "/__admin/health"}, io.Discard, io.Discard), "nothing listens")
}

func errHelp() error { return flag.ErrHelp }
