package versori

import fx "github.com/connectormock/connectormock/fixtures/versori"

// PutUnchecked stores cs as they are (upper-case ids, non-nil lists), without Put's copy
// and checks: a benchmark fills an organisation with 100,000 connectors in a second, where
// Put's check would take minutes. cs must not change afterwards.
func (s *Store) PutUnchecked(cs []fx.Connector) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range cs {
		s.connectors[cs[i].ID] = &cs[i]
	}
}
