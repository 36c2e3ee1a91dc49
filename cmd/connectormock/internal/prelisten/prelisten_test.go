package prelisten

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddr(t *testing.T) {
	env := func(v string) func(string) (string, bool) {
		return func(name string) (string, bool) {
			if name == EnvAddr && v != "" {
				return v, true
			}
			return "", false
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string
		ok   bool
	}{
		{"default", nil, "", DefaultAddr, true},
		{"environment", nil, ":9000", ":9000", true},
		{"flag beats environment", []string{"-addr", "127.0.0.1:1"}, ":9000", "127.0.0.1:1", true},
		{"flag with =", []string{"-addr=127.0.0.1:2"}, "", "127.0.0.1:2", true},
		{"double dash", []string{"--addr", "127.0.0.1:3"}, "", "127.0.0.1:3", true},
		{"double dash with =", []string{"--addr=127.0.0.1:4"}, "", "127.0.0.1:4", true},
		{"last one wins", []string{"-addr", "127.0.0.1:5", "-addr", "127.0.0.1:6"}, "", "127.0.0.1:6", true},
		{"among other flags", []string{"-seed", "42", "-no-admin", "-addr", "127.0.0.1:7", "-log-level", "warn"}, "", "127.0.0.1:7", true},
		{"empty value", []string{"-addr="}, "", "", true},
		{"after --", []string{"--", "-addr", "127.0.0.1:8"}, "", DefaultAddr, true},
		{"missing value", []string{"-addr"}, "", "", false},
		{"help", []string{"-addr", ":1", "-h"}, "", "", false},
		{"help long", []string{"--help"}, "", "", false},
		{"version", []string{"-version"}, "", "", false},
		{"healthcheck", []string{"-healthcheck=http://127.0.0.1:8080/__admin/health"}, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Addr(tc.args, env(tc.env))
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
