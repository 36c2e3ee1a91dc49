// Package productsup mocks the Productsup CDE API: connectors, the production targets of
// their versions and the access grants within those targets, on the vendor's own paths
// (/connectors/...), with its documented bodies.
//
// A mock server mounts it; tests reach its state through [API.Store]:
//
//	api, _ := productsup.New(vendorapi.Config{Seed: fixtures.DefaultSeed, Connectors: 20, Clock: time.Now})
//	v, _ := api.Store().Version(fixtures.ProductsupDocumentedID, "1")
package productsup

import (
	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/mock/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// Name is the vendor's name in the server, its spec and its state.
const Name = "productsup"

// API is the Productsup CDE API of one mock server.
type API struct {
	spec  *openapi.Spec
	store *Store
	seed  uint64
}

// New builds the API with its store seeded: the documented data set first, then
// cfg.Connectors generated connectors.
func New(cfg vendorapi.Config) (*API, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return nil, err
	}
	a := &API{spec: spec, store: newStore(cfg.Seed, cfg.Clock), seed: cfg.Seed}
	a.store.Put(fixtures.ProductsupDocumented())
	for _, c := range fixtures.ProductsupConnectors(cfg.Seed, cfg.Connectors) {
		a.store.Put(c)
	}
	return a, nil
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
