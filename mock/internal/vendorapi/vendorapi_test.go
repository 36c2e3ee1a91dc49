package vendorapi

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegistry(t *testing.T) {
	_, err := New("nosuchvendor", Config{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no vendor "nosuchvendor" registered`)

	built := false
	Register("testvendor", func(Config) (Vendor, error) { built = true; return nil, nil })
	_, err = New("testvendor", Config{Seed: 1})
	require.NoError(t, err)
	assert.True(t, built)
	assert.PanicsWithValue(t, "vendorapi: vendor testvendor registered twice", func() {
		Register("testvendor", func(Config) (Vendor, error) { return nil, nil })
	}, "two packages claiming one vendor is a bug, not a choice")
}
