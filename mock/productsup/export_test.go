package productsup

import fx "github.com/connectormock/connectormock/fixtures/productsup"

// BuildSeed builds the seeded state of (seed, n) afresh, as the first store of a process seeded
// so does, and returns how many connectors it holds.
func BuildSeed(seed uint64, n int) int { return buildSeed(seed, n).order.Len() }

// ListBin is List over the bin, as GET /connectors/bin lists it.
func (s *Store) ListBin(f Filter, from, limit int) ([]fx.Connector, int) {
	page, total := s.listOf(true, f, from, limit)
	out := make([]fx.Connector, len(page))
	for i, c := range page {
		out[i] = c.Clone()
	}
	return out, total
}
