package conductorone

import (
	"fmt"
	"net/http"
	"slices"
	"sync"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The connector catalog (c1.api.integration.connector.v1.ConnectorCatalogService): the
// connector types a connector's catalogId names, the same for every seed
// (fixtures/conductorone.Catalog), and their configuration schemas.

// catalog is the catalog by id, built once per process and only read afterwards.
var catalog = sync.OnceValue(func() map[string]fx.CatalogEntry {
	out := map[string]fx.CatalogEntry{}
	for _, e := range fx.Catalog() {
		out[e.ID] = e
	}
	return out
})

// CatalogEntry returns the catalog entry with the given id: one put with PutCatalogEntry, or
// a built-in one.
func (s *Store) CatalogEntry(id string) (fx.CatalogEntry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.st.catalogEntry(id)
	if !ok {
		return fx.CatalogEntry{}, &CatalogNotFoundError{CatalogID: id}
	}
	return cloneEntry(e), nil
}

func (st *state) catalogEntry(id string) (fx.CatalogEntry, bool) {
	if e, ok := st.catalog[id]; ok {
		return *e, true
	}
	e, ok := catalog()[id]
	return e, ok
}

func cloneEntry(e fx.CatalogEntry) fx.CatalogEntry {
	e.Fields = slices.Clone(e.Fields)
	return e
}

// PutCatalogEntry adds a connector type to the store's catalog (fixtures/conductorone's
// NewCatalogEntry builds one), or replaces the entry of its id, a built-in one included:
// Create then accepts its id and ConfigurationSchema answers its schema. An entry without an
// id, a display name, a config type or with a field without a name is refused with an
// *InvalidError, and nothing changes.
func (s *Store) PutCatalogEntry(e fx.CatalogEntry) error {
	if err := checkCatalogEntry(&e); err != nil {
		return err
	}
	e = cloneEntry(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.own().catalog[e.ID] = &e
	return nil
}

func checkCatalogEntry(e *fx.CatalogEntry) error {
	var bad []FieldError
	for _, f := range []struct{ name, v string }{{"id", e.ID}, {"displayName", e.DisplayName}, {"configType", e.ConfigType}} {
		if f.v == "" {
			bad = append(bad, FieldError{f.name, msgEmpty})
		}
	}
	for i, f := range e.Fields {
		if f.Name == "" {
			bad = append(bad, FieldError{fmt.Sprintf("fields[%d].name", i), msgEmpty})
		}
	}
	if len(bad) > 0 {
		return &InvalidError{Fields: bad}
	}
	return nil
}

type schemaRequest struct {
	AppID       string `json:"appId"`
	CatalogID   string `json:"catalogId"`
	ConnectorID string `json:"connectorId"`
}

type schemaBody struct {
	FormSchema any `json:"formSchema"`
	Schema     any `json:"schema"`
}

// configurationSchema serves POST /api/v1/connectorcatalog: the schema of the entry catalogId
// names, or else of the entry the connector (appId, connectorId) is an instance of.
func (a *API) configurationSchema(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in schemaRequest
	if !a.decode(w, c, &in) {
		return
	}
	id := in.CatalogID
	if id == "" {
		switch {
		case in.AppID == "" && in.ConnectorID == "":
			a.writeError(w, failure(&RequiredError{Field: "catalogId (or appId and connectorId)"}))
			return
		case in.AppID == "":
			a.writeError(w, failure(&RequiredError{Field: "appId"}))
			return
		case in.ConnectorID == "":
			a.writeError(w, failure(&RequiredError{Field: "connectorId"}))
			return
		}
		e, err := a.store.get(in.AppID, in.ConnectorID)
		if err != nil {
			a.writeError(w, failure(err))
			return
		}
		id = e.c.CatalogID
	}
	entry, err := a.store.CatalogEntry(id)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, schemaBody{FormSchema: entry.Form(), Schema: entry.Schema()})
}
