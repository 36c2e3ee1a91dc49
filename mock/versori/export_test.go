package versori

import (
	"maps"
	"slices"

	fx "github.com/connectormock/connectormock/fixtures/versori"
)

// PutUnchecked stores cs as they are (upper-case ids, non-nil lists, ids new to the store),
// without Put's copy and checks, and indexes the store afresh: a benchmark fills an
// organisation with 100,000 connectors in a second, where Put's check would take minutes.
// cs must not change afterwards.
func (s *Store) PutUnchecked(cs []fx.Connector) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries := slices.Collect(maps.Values(s.st.connectors))
	for i := range cs {
		entries = append(entries, newEntry(&cs[i]))
	}
	s.st = newState(entries)
}

// KeptOrders is how many list orders the store keeps for the organisation, the default
// included.
func (s *Store) KeptOrders(org string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.st.orgs[org]
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.orders)
}

// MaxOrders is maxOrders, for the tests.
const MaxOrders = maxOrders
