package prelisten

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddr(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string // without the prefix
		want string
		ok   bool
	}{
		{"default", nil, nil, DefaultAddr, true},
		{"environment", nil, map[string]string{"ADDR": ":9000"}, ":9000", true},
		{"flag beats environment", []string{"-addr", "127.0.0.1:1"}, map[string]string{"ADDR": ":9000"}, "127.0.0.1:1", true},
		{"flag with =", []string{"-addr=127.0.0.1:2"}, nil, "127.0.0.1:2", true},
		{"double dash", []string{"--addr", "127.0.0.1:3"}, nil, "127.0.0.1:3", true},
		{"double dash with =", []string{"--addr=127.0.0.1:4"}, nil, "127.0.0.1:4", true},
		{"last one wins", []string{"-addr", "127.0.0.1:5", "-addr", "127.0.0.1:6"}, nil, "127.0.0.1:6", true},
		{"among other flags", []string{"-seed", "42", "-no-admin", "-addr", "127.0.0.1:7", "-log-level", "warn"}, nil, "127.0.0.1:7", true},
		{"bool flag with a value", []string{"-no-admin=false", "-addr", "127.0.0.1:8"}, nil, "127.0.0.1:8", true},
		{"a value that looks like -addr", []string{"-admin-token", "-addr=0.0.0.0:9"}, nil, DefaultAddr, true},
		{"a value that looks like --", []string{"-admin-token", "--", "-addr", "127.0.0.1:10"}, nil, "127.0.0.1:10", true},
		{"empty value", []string{"-addr="}, nil, "", true},
		{"after --", []string{"--", "-addr", "127.0.0.1:11"}, nil, DefaultAddr, true},
		{"version false in the environment", nil, map[string]string{"VERSION": "false"}, DefaultAddr, true},
		{"missing value", []string{"-addr"}, nil, "", false},
		{"missing value of another flag", []string{"-addr", ":1", "-seed"}, nil, "", false},
		{"not a flag", []string{"-addr", ":1", "serve"}, nil, "", false},
		{"a lone dash", []string{"-"}, nil, "", false},
		{"help", []string{"-addr", ":1", "-h"}, nil, "", false},
		{"help long", []string{"--help"}, nil, "", false},
		{"version", []string{"-version"}, nil, "", false},
		{"version in the environment", nil, map[string]string{"VERSION": "true"}, "", false},
		{"healthcheck", []string{"-healthcheck=http://127.0.0.1:8080/__admin/health"}, nil, "", false},
		{"healthcheck in the environment", nil, map[string]string{"HEALTHCHECK": "http://127.0.0.1:8080/__admin/health", "ADDR": ":1"}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookup := func(name string) (string, bool) {
				v, ok := tc.env[strings.TrimPrefix(name, EnvPrefix)]
				return v, ok && strings.HasPrefix(name, EnvPrefix)
			}
			got, ok := Addr(tc.args, lookup)
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestTake(t *testing.T) {
	assert.Nil(t, Take("127.0.0.1:0"), "init does not listen in a test binary")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	opened, openedAddr = l, "127.0.0.1:0"
	got := Take("127.0.0.1:0")
	require.NotNil(t, got, "the socket opened for the address the configuration names")
	assert.Equal(t, l.Addr(), got.Addr())
	assert.Nil(t, Take("127.0.0.1:0"), "only the first call gets the socket")
	require.NoError(t, got.Close())

	l, err = net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	opened, openedAddr = l, "127.0.0.1:0"
	assert.Nil(t, Take(":0"), "a socket opened for another address is not handed over")
	_, err = l.Accept()
	assert.ErrorIs(t, err, net.ErrClosed, "and it is closed")
	assert.Nil(t, opened)
}
