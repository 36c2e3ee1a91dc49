package conductorone

import (
	"net/http"
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

// CatalogEntry returns the catalog entry with the given id.
func (a *API) CatalogEntry(id string) (fx.CatalogEntry, error) {
	e, ok := catalog()[id]
	if !ok {
		return fx.CatalogEntry{}, &CatalogNotFoundError{CatalogID: id}
	}
	return e, nil
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
func (a *API) configurationSchema(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
	var in schemaRequest
	if !a.decode(w, r, &in) {
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
	entry, err := a.CatalogEntry(id)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, schemaBody{FormSchema: entry.Form(), Schema: entry.Schema()})
}
