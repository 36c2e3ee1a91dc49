package kit

import "sync"

// seeds holds the seeded states built so far, by key: every store of a process seeded alike
// (same vendor, seed and generated count) starts from one value, built once. A test suite
// starts hundreds of servers with the default seed; each then costs pointers, not generation.
var seeds sync.Map // key -> *seedEntry

type seedEntry struct {
	once sync.Once
	v    any
}

// SeedKey names a seeded state: the vendor, the seed and the number of generated entities.
type SeedKey struct {
	Vendor string
	Seed   uint64
	N      int
}

// Seeded returns the state for key, building it with build on first use in the process.
// The value is shared by every caller: it must be immutable, and a store that changes its
// state copies what it changes first (copy on write).
func Seeded[T any](key SeedKey, build func() T) T {
	e, _ := seeds.LoadOrStore(key, &seedEntry{})
	entry := e.(*seedEntry)
	entry.once.Do(func() { entry.v = build() })
	return entry.v.(T)
}
