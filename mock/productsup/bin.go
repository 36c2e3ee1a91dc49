package productsup

import (
	"net/http"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The bin: a connector moved to the bin has every version deleted (deleted-at set); it leaves
// GET /connectors and every operation on it (404, as if it did not exist) and is listed by GET
// /connectors/bin until restore-from-bin takes it back, to the place in the list it had. The
// store keeps the binned connectors in an order of their own (st.bin), so that neither list
// scans the other's connectors.

// binned reports whether c is in the bin: it has versions and all of them are deleted.
func binned(c *fx.Connector) bool {
	for i := range c.Versions {
		if c.Versions[i].DeletedAt == nil {
			return false
		}
	}
	return len(c.Versions) > 0
}

// orderOf is the list order of the binned connectors, or of the others.
func (st *state) orderOf(inBin bool) *kit.Sorted[row] {
	if inBin {
		return st.bin
	}
	return st.order
}

// usedOnPlatform reports whether a version of c is in use on the platform: released, granted
// to an account, project or site, or assigned to sites.
func usedOnPlatform(c *fx.Connector) bool {
	for i := range c.Versions {
		p := &c.Versions[i].PlatformProdReference
		if p.Released || len(p.EnabledForAccounts)+len(p.EnabledForProjects)+len(p.EnabledForSites)+len(p.AssignedToSites) > 0 {
			return true
		}
	}
	return false
}

// MoveToBin moves a connector to the bin: every version gets deleted-at now. A connector used
// on the platform is refused with a *RuleError ("Connector is actively used on the
// platform.") and stays where it is.
func (s *Store) MoveToBin(id string) (fx.Connector, error) {
	c, err := s.moveToBin(id)
	if err != nil {
		return fx.Connector{}, err
	}
	return c.Clone(), nil
}

func (s *Store) moveToBin(id string) (*fx.Connector, error) {
	s.lock()
	defer s.mu.Unlock()
	r, ok := s.st.connectors[id]
	if !ok || r.binned {
		return nil, &NotFoundError{ID: id}
	}
	if usedOnPlatform(r.c) {
		return nil, &RuleError{Message: msgUsedOnPlatform}
	}
	return s.setDeleted(r.c, fx.Time(s.clock())), nil
}

// RestoreFromBin takes a connector out of the bin: deleted-at is cleared on every version.
// A connector that is not in the bin is not found.
func (s *Store) RestoreFromBin(id string) (fx.Connector, error) {
	c, err := s.restoreFromBin(id)
	if err != nil {
		return fx.Connector{}, err
	}
	return c.Clone(), nil
}

func (s *Store) restoreFromBin(id string) (*fx.Connector, error) {
	s.lock()
	defer s.mu.Unlock()
	r, ok := s.st.connectors[id]
	if !ok || !r.binned {
		return nil, &NotFoundError{ID: id}
	}
	return s.setDeleted(r.c, ""), nil
}

// setDeleted stores a copy of c whose versions are deleted at the given time ("": restored).
// Under the write lock.
func (s *Store) setDeleted(old *fx.Connector, at string) *fx.Connector {
	c := *old
	c.Versions = make([]fx.Version, len(old.Versions))
	for i, v := range old.Versions {
		v.DeletedAt = nil
		if at != "" {
			v.DeletedAt = &at
		}
		c.Versions[i] = v
	}
	s.own().put(&c)
	return &c
}

// binFilter is what GET /connectors/bin filters by: name and owners.
func binFilter(r *http.Request) Filter {
	q := r.URL.Query()
	return Filter{Name: q.Get("name"), Owner: q.Get("owners")}
}

func (a *API) listBin(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	q := r.URL.Query()
	from, limit := intParam(q.Get("from"), 0), intParam(q.Get("limit"), 20)
	page, total := a.store.listOf(true, a.store.visibleTo(binFilter(r), c.Principal), from, limit)
	md := listMetadata{From: from, Limit: limit, Count: len(page), Total: total}
	if next := from + len(page); next < total {
		md.Next = &next
	}
	writeOK(w, listBody{page, md, msgSuccessful, resourceConnector})
}

func (a *API) moveToBin(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	conn, err := a.store.moveToBin(c.Params["publicId"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	// As the page shows it: the connector without its (now deleted) versions.
	shown := *conn
	shown.Versions, shown.Main = []fx.Version{}, nil
	writeOK(w, connectorBody{msgMovedToBin, resourceConnector, &shown})
}

func (a *API) restoreFromBin(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	conn, err := a.store.restoreFromBin(c.Params["movedToBinPublicId"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, connectorBody{msgRestoredFromBin, resourceConnector, conn})
}
