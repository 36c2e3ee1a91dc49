package productsup

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
)

// TestConnectorCache: what the cache writes is appendConnector's bytes, hit or miss; it keeps
// at most max bytes, dropping the oldest first, and never a connector larger than max.
func TestConnectorCache(t *testing.T) {
	values := fx.Connectors(fixtures.DefaultSeed, 30)
	size := len(appendConnector(nil, &values[0]))
	k := connectorCache{max: 3 * size}
	for round := range 2 {
		for i := range values {
			c := &values[i]
			want := appendConnector([]byte("x"), c)
			require.Equal(t, string(want), string(k.append([]byte("x"), c)), "round %d, connector %d", round, i)
			require.Equal(t, string(want), string(k.append([]byte("x"), c)), "round %d, connector %d, from the cache", round, i)
			assert.LessOrEqual(t, k.bytes, k.max)
			assert.Len(t, k.m, len(k.fifo)-k.head)
		}
	}
	last := &values[len(values)-1]
	assert.Contains(t, k.m, last, "the newest is kept")
	assert.NotContains(t, k.m, &values[0], "the oldest went first")
	for _, c := range k.fifo[:k.head] {
		assert.Nil(t, c, "a dropped connector is let go")
	}

	small := connectorCache{max: 10}
	assert.Equal(t, string(appendConnector(nil, last)), string(small.append(nil, last)))
	assert.Empty(t, small.m, "larger than max: not kept")
	assert.Equal(t, "null", string(small.append(nil, nil)))
}
