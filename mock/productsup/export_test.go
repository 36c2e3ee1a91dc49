package productsup

// BuildSeed builds the seeded state of (seed, n) afresh, as the first store of a process seeded
// so does, and returns how many connectors it holds.
func BuildSeed(seed uint64, n int) int { return buildSeed(seed, n).order.Len() }
