package kit_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// TestSeededKeepsFewOtherSeeds: a value is built once per key and shared; the default seed's
// values stay however many other seeds come, and other seeds are kept MaxOtherSeeds at most,
// the least recently used dropped first (and built again, alike, when used again).
func TestSeededKeepsFewOtherSeeds(t *testing.T) {
	builds := map[kit.SeedKey]int{}
	var mu sync.Mutex
	get := func(key kit.SeedKey) *[]uint64 {
		return kit.Seeded(key, func() *[]uint64 {
			mu.Lock()
			builds[key]++
			mu.Unlock()
			v := []uint64{key.Seed}
			return &v
		})
	}
	def := kit.SeedKey{Vendor: "test-seeds", Seed: fixtures.DefaultSeed, N: 1}
	first := get(def)
	assert.Same(t, first, get(def), "shared, not built again")
	held := kit.SeedsHeld()
	recent := kit.SeedKey{Vendor: "test-seeds", Seed: 1, N: 1}
	get(recent)
	for seed := uint64(2); seed < 1000; seed++ {
		get(kit.SeedKey{Vendor: "test-seeds", Seed: seed, N: 1})
		get(recent) // used all along: never the least recent
	}
	assert.LessOrEqual(t, kit.SeedsHeld(), held+kit.MaxOtherSeeds, "other seeds are bounded")
	assert.Same(t, first, get(def), "the default seed's value is kept")
	assert.Equal(t, 1, builds[recent], "a seed in use stays")
	old := kit.SeedKey{Vendor: "test-seeds", Seed: 2, N: 1}
	assert.Equal(t, []uint64{2}, *get(old), "a dropped seed is built again, alike")
	assert.Equal(t, 2, builds[old])
}
