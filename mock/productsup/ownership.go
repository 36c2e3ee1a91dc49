package productsup

import (
	"net/http"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Ownership, as the pages say it: a connector is owned by the user who created it (its owner
// is the user id the mock derives from the principal's name, fx.OwnerID); integrators list
// and see only their own connectors and states ("Integrators can only list their own
// connectors", "A state is only accessible to an admin or the owner of the entity"), and get
// 403 "Access denied for user." on another's; admins see everything. A principal is an
// integrator when vendorapi.Principal.Integrator is set; the default tokens are admins.

// ownerOf is the user id of a principal.
func (s *Store) ownerOf(p vendorapi.Principal) string {
	return fx.OwnerID(s.config().Seed, p.Name)
}

// mayAccess reports whether p may act on the connector with the given id (in the bin or
// not): an admin may; an integrator if it owns it. A connector that does not exist is left to
// the operation, which answers 404.
func (s *Store) mayAccess(id string, p vendorapi.Principal) bool {
	if !p.Integrator {
		return true
	}
	owner := s.ownerOf(p)
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.st.connectors[id]
	return !ok || r.c.Owner == owner
}

// mayAccessWork is mayAccess for a background state.
func (s *Store) mayAccessWork(id string, p vendorapi.Principal) bool {
	if !p.Integrator {
		return true
	}
	owner := s.ownerOf(p)
	s.mu.RLock()
	defer s.mu.RUnlock()
	w, ok := s.st.work[id]
	return !ok || w.Owner == owner
}

// Authorize implements vendorapi.Authorizer: an integrator acting on a connector or a state
// it does not own gets 403, before validation, as any other refusal of its rights.
func (a *mounted) Authorize(c *vendorapi.Call) *vendorapi.Error {
	if !c.Principal.Integrator {
		return nil
	}
	for _, key := range []string{"publicId", "movedToBinPublicId", "connectorUuid"} {
		if id := c.Params[key]; id != "" && !a.store.mayAccess(id, c.Principal) {
			return forbidden
		}
	}
	if id := c.Params["stateId"]; id != "" && !a.store.mayAccessWork(id, c.Principal) {
		return forbidden
	}
	return nil
}

// visibleTo narrows a connector filter to what p may list: an integrator's own connectors.
func (s *Store) visibleTo(f Filter, p vendorapi.Principal) Filter {
	if p.Integrator {
		f.Visible = s.ownerOf(p)
	}
	return f
}

// checkAccess answers 403 for a connector p may not act on (an operation that names it in
// its body, such as a build) and reports whether it did.
func (a *API) checkAccess(w http.ResponseWriter, id string, p vendorapi.Principal) bool {
	if a.store.mayAccess(id, p) {
		return true
	}
	a.writeError(w, forbidden)
	return false
}
