package kit

import (
	"sync"

	"github.com/connectormock/connectormock/fixtures"
)

// MaxOtherSeeds is how many seeded states of seeds other than fixtures.DefaultSeed the process
// keeps once no store needs them (an LRU). A seed comes from a client (a sandbox's or a
// reset's {"seed": N}), so keeping every one would let clients grow the process without bound;
// a few cover a suite that switches between its seeds. A store holds the value it was seeded
// from itself, so dropping it here only means that the next store of that seed builds it again
// (the same bytes: generation is deterministic).
const MaxOtherSeeds = 16

// seeds holds the seeded states built so far, by key: every store of a process seeded alike
// (same vendor, seed and generated count) starts from one value, built once. A test suite
// starts hundreds of servers with the default seed; each then costs pointers, not generation.
// The default seed's states are always kept (a client cannot vary -connectors, so they are a
// few); the others are kept MaxOtherSeeds at most, the least recently used dropped first.
var seeds = struct {
	mu     sync.Mutex
	byKey  map[SeedKey]*seedEntry
	others int    // entries of other seeds in byKey
	tick   uint64 // the last use's stamp
}{byKey: map[SeedKey]*seedEntry{}}

type seedEntry struct {
	once sync.Once
	v    any
	used uint64
}

// SeedKey names a seeded state: the vendor, the seed and the number of generated entities.
type SeedKey struct {
	Vendor string
	Seed   uint64
	N      int
}

// Seeded returns the state for key, building it with build on first use in the process (or
// after MaxOtherSeeds other seeds have been used since). The value is shared by every caller:
// it must be immutable, and a store that changes its state copies what it changes first (copy
// on write).
func Seeded[T any](key SeedKey, build func() T) T {
	e := seedEntryFor(key)
	e.once.Do(func() { e.v = build() }) // outside seeds.mu: building takes a while
	return e.v.(T)
}

func seedEntryFor(key SeedKey) *seedEntry {
	seeds.mu.Lock()
	defer seeds.mu.Unlock()
	seeds.tick++
	if e := seeds.byKey[key]; e != nil {
		e.used = seeds.tick
		return e
	}
	e := &seedEntry{used: seeds.tick}
	seeds.byKey[key] = e
	if key.Seed == fixtures.DefaultSeed {
		return e
	}
	seeds.others++
	if seeds.others > MaxOtherSeeds {
		// A scan of MaxOtherSeeds+default entries: cheaper than keeping a list in order.
		var oldest SeedKey
		var at uint64
		for k, o := range seeds.byKey {
			if k.Seed != fixtures.DefaultSeed && k != key && (at == 0 || o.used < at) {
				oldest, at = k, o.used
			}
		}
		delete(seeds.byKey, oldest)
		seeds.others--
	}
	return e
}

// SeedsHeld is how many seeded states the process keeps (for tests of the bound).
func SeedsHeld() int {
	seeds.mu.Lock()
	defer seeds.mu.Unlock()
	return len(seeds.byKey)
}
