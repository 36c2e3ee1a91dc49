package versori

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestBoundedForgetsOldest: OAuth bookkeeping past MaxOAuthEntries forgets its oldest entries,
// keeps the newest, and its order list stays bounded while entries are used up.
func TestBoundedForgetsOldest(t *testing.T) {
	var b bounded[int]
	for i := range MaxOAuthEntries + 10 {
		b.put(strconv.Itoa(i), i)
	}
	assert.Len(t, b.m, MaxOAuthEntries)
	assert.NotContains(t, b.m, "9", "the oldest are forgotten")
	assert.Contains(t, b.m, "10")
	assert.Contains(t, b.m, strconv.Itoa(MaxOAuthEntries+9), "the newest kept")

	var used bounded[int]
	for i := range 10 * MaxOAuthEntries { // each entry used (deleted) right after it is made
		k := strconv.Itoa(i)
		used.put(k, i)
		delete(used.m, k)
	}
	assert.Empty(t, used.m)
	assert.LessOrEqual(t, len(used.order), 2*MaxOAuthEntries+1, "the order list does not keep used keys forever")
}
