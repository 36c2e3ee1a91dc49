// Package productsup mocks the Productsup CDE API: connectors, the production targets of
// their versions and the access grants within those targets, on the vendor's own paths
// (/connectors/...), with its documented bodies.
//
// Package mock mounts it; a test reaches its state through the server's accessor, with the
// values of package fixtures/productsup:
//
//	s := mocktest.New(t)
//	store := s.Productsup().Store()
//	c := fixtures.NewConnector(fixtures.WithName("feed")) // fixtures/productsup
//	require.NoError(t, store.Put(c))
//	v, err := store.Version(c.ID, "1")
package productsup

import (
	"encoding/json"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// Name is the vendor's name in the server, its spec and its state.
const Name = "productsup"

// API is the Productsup CDE API of one mock server.
type API struct {
	spec  *openapi.Spec
	store *Store
}

// New is called by package mock, which builds every vendor from its own options; a test gets
// the API from the server (mock.Server.Productsup, .ConductorOne, .Versori).
//
// New builds the API. Its store holds the documented data set first, then cfg.Connectors
// generated connectors; it is filled on first use.
func New(cfg vendorapi.Config) (*API, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return nil, err
	}
	return &API{spec: spec, store: newStore(cfg)}, nil
}

// Name implements vendorapi.Vendor.
func (a *API) Name() string { return Name }

// Spec implements vendorapi.Vendor.
func (a *API) Spec() *openapi.Spec { return a.spec }

// Store is the API's state, shared with the HTTP side.
func (a *API) Store() *Store { return a.store }

// ValidationOptions implements vendorapi.Vendor: the CDE API reports every offending field.
func (a *API) ValidationOptions() vendorapi.ValidationOptions {
	return vendorapi.ValidationOptions{AllErrors: true}
}

// Counts implements vendorapi.Vendor.
func (a *API) Counts() map[string]int {
	return map[string]int{"connectors": a.store.Len()}
}

// Reset implements vendorapi.Vendor.
func (a *API) Reset(cfg vendorapi.Config) { a.store.Reset(cfg) }

// Snapshot implements vendorapi.Vendor.
func (a *API) Snapshot() (json.RawMessage, error) { return a.store.Snapshot() }

// Restore implements vendorapi.Vendor.
func (a *API) Restore(data json.RawMessage) error { return a.store.Restore(data) }

// Handlers implements vendorapi.Vendor.
func (a *API) Handlers() map[string]vendorapi.HandlerFunc {
	return map[string]vendorapi.HandlerFunc{
		"listConnectors":                    a.listConnectors,
		"createConnector":                   a.createConnector,
		"showConnector":                     a.showConnector,
		"addConnectorVersionTargets":        a.addTargets,
		"replaceConnectorVersionTargets":    a.replaceTargets,
		"enableConnectorVersionProdAccess":  a.enableAccess,
		"disableConnectorVersionProdAccess": a.disableAccess,
	}
}
