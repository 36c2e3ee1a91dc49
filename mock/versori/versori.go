// Package versori mocks the Versori Connect API v1, all 48 operations, on the vendor's own paths
// (/api/connect/v1/...): connectors of the http and bigquery protocols with their auth scheme
// configs, connections, credentials and versions, isolated per organisation; each version's
// actions, triggers and definitions (JSON Schema documents, served by GetRawSchema); the public
// library, categories, protocols and auth schemes; upload URLs and OpenAPI imports; and the
// OAuth 2.0 authorization-code flow against a provider the mock plays itself. Everything is
// answered in the contract's shapes (Error for every failure). One file per resource family:
// handlers.go and store.go (connectors, versions), connections.go, content.go (publishing, the
// versions' content), actions.go, definitions.go, catalogue.go, protocols.go, uploads.go,
// imports.go, oauth2.go; errors.go holds every message.
//
// Package mock mounts it; a test reaches its state through the server's accessor, with the
// values of package fixtures/versori:
//
//	import fx "github.com/connectormock/connectormock/fixtures/versori"
//
//	s := mocktest.New(t)
//	store := s.Versori().Store()
//	c := fx.NewConnector(fx.WithName("crm"))
//	require.NoError(t, store.Put(c))
//	got, err := store.Connector(c.OrganisationID, c.ID)
//
// A principal with Organisations set may act only in those organisations (403 elsewhere); a
// connector asked for under an organisation it does not belong to is a 404.
//
// # How the store keeps its connectors
//
// A stored connector is immutable (see entry in state.go). A write builds a new value, a
// shallow copy of the old one whose changed lists are new, never written in place, and swaps
// it into the store's map, deriving once what reads need: the connector as the API shows it
// (credentials with their auth scheme configs and usages, versions with isLatest and
// isDefault), the keys its list orders compare, and on first render its JSON. So a read
// looks the connector up under the read lock and renders it after unlocking, with no copy
// and no encoding after the first; only the typed Store methods copy (deep), for Go callers.
// A write builds its entry in one allocation (the entry, the stored and the shown connector
// together: ownedEntry), keeping the old entry's list keys where their fields did not change.
//
// The seeded state (the documented connector, then the generated ones) is built once per
// process for each seed and count (kit.Seeded) and shared by every store seeded alike, so a
// server after the first seeds in pointers. A store copies it on its first write (its map
// and its orders, pointers only, not connectors) and owns the copy; Reset points back at
// the shared state.
// (The process keeps the default seed's state for good and the 16 other seeds used last,
// kit.MaxOtherSeeds; an older one is built again, identically, when asked for.)
//
// Each organisation keeps its connectors in list orders (kit.Sorted, keys ending with the
// id): updatedAt:desc, the default, from the start; any other sort from its first list (one
// sort), then kept by every write (a binary search and a move of pointers in each order
// kept: 800 KB at 100,000 connectors, tens of microseconds). Sorts that order alike share
// an order ("name:asc,name:desc" is "name:asc,id:asc"). A page is a binary search for its
// cursor and a slice of the page's length, so it costs the same at 1,000 connectors as at
// 100,000. The filters (name, protocol, tags, categories) scan the organisation in the sort's
// order, without sorting or copying it. A connector's versions, a handful, are sorted per page;
// so are its connections, and a version's actions, triggers and definitions (tens). The public
// library (ListPublicConnectors) is kept in orders of its own, beside the organisations'.
//
// A version's actions, triggers and definitions live beside the connectors, by version id
// (state.contents), immutable like entries: a write builds a new content and swaps it in,
// with the connector (the version's and its updatedAt move). Upload URLs and the OAuth flow's
// states, codes and tokens are not part of the snapshot and go with a reset.
//
// # How a connector is read and written on the wire
//
// A connector's JSON is written by hand (json.go), byte for byte what encoding/json writes,
// once per entry; a request body is decoded from the bytes the pipeline read and validated
// (Call.Body) with json.Unmarshal, and UpdateConnector's, when it is plainly a
// ConnectorUpdate, by hand with kit's reader of validated JSON (decode.go). Each falls back
// to encoding/json whenever it is unsure, so every answer and error message stays
// encoding/json's; differential tests over generated values, and a fuzz target for the
// decoder, hold them to it.
package versori

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// Name is the vendor's name in the server, its spec and its state.
const Name = "versori"

// API is the Versori Connect API of one mock server.
type API struct {
	spec  *openapi.Spec
	store *Store
}

// newVendor builds the API, as package mock mounts it (registered below) with its store seeded: the documented data set first, then
// cfg.Connectors generated connectors spread over fixtures/versori.Organisations.
func newVendor(cfg vendorapi.Config) (vendorapi.Vendor, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return nil, err
	}
	schemas, err := loadSchemas()
	if err != nil {
		return nil, err
	}
	return &mounted{&API{spec: spec, store: newStore(cfg, schemas)}}, nil
}

// schemas are the spec's schemas that the store checks values against.
type schemas struct {
	connector *contract.Schema // what Put stores, as the API writes it
}

// loadSchemas finds the schemas once per process, like the spec itself; they are only read
// afterwards.
var loadSchemas = sync.OnceValues(func() (*schemas, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return nil, err
	}
	connector, err := contract.Response(spec, "Connector")
	if err != nil {
		return nil, err
	}
	return &schemas{connector: connector}, nil
})

// Reset implements vendorapi.Vendor.
func (a *mounted) Reset(cfg vendorapi.Config) { a.store.reseed(cfg) }

// Snapshot implements vendorapi.Vendor.
func (a *mounted) Snapshot() (json.RawMessage, error) { return a.store.Snapshot() }

// Restore implements vendorapi.Vendor.
func (a *mounted) Restore(data json.RawMessage) error { return a.store.Restore(data) }

// Name implements vendorapi.Vendor.
func (a *mounted) Name() string { return Name }

// Spec implements vendorapi.Vendor.
func (a *mounted) Spec() *openapi.Spec { return a.spec }

// Store is the API's state, shared with the HTTP side.
func (a *API) Store() *Store { return a.store }

// ValidationOptions implements vendorapi.Vendor: the contract's Error lists every offending
// field, so validation reports them all.
func (a *mounted) ValidationOptions() vendorapi.ValidationOptions {
	return vendorapi.ValidationOptions{AllErrors: true}
}

// Counts implements vendorapi.Vendor.
func (a *mounted) Counts() map[string]int {
	return map[string]int{"connectors": a.store.Len(), "organisations": a.store.Organisations()}
}

// ExampleStatus implements vendorapi.ExampleStatuser: the examples of the spec's default
// Error responses are named by their error code ("not_found").
func (a *mounted) ExampleStatus(name string) (int, bool) {
	for kind, code := range codes {
		if code == name {
			return kind.Status(), true
		}
	}
	return 0, false
}

// Authorize implements vendorapi.Authorizer: a principal scoped to organisations may act in
// those only. It runs before validation, so the path's organisation is compared as sent
// (ULIDs case-insensitively).
func (a *mounted) Authorize(c *vendorapi.Call) *vendorapi.Error {
	orgs := c.Principal.Organisations
	org, inOrg := c.Params["organisation_id"]
	if len(orgs) == 0 || !inOrg { // the public library and the categories belong to no organisation
		return nil
	}
	for _, o := range orgs {
		if strings.EqualFold(o, org) {
			return nil
		}
	}
	return &vendorapi.Error{Kind: vendorapi.KindForbidden, Message: formatOrg(org)}
}

// Handlers implements vendorapi.Vendor.
func (a *mounted) Handlers() map[string]vendorapi.HandlerFunc {
	listActions, createAction, getAction, updateAction, deleteAction := a.operationHandlers(kindAction)
	listTriggers, createTrigger, getTrigger, updateTrigger, deleteTrigger := a.operationHandlers(kindTrigger)
	return map[string]vendorapi.HandlerFunc{
		"ListConnectors":          a.listConnectors,
		"GetConnector":            a.getConnector,
		"UpdateConnector":         a.updateConnector,
		"DeleteConnector":         a.deleteConnector,
		"CreateHTTPConnector":     a.createHTTPConnector,
		"CreateBigQueryConnector": a.createBigQueryConnector,
		"ListConnectorVersions":   a.listVersions,
		"CreateConnectorVersion":  a.createVersion,
		"GetConnectorVersion":     a.getVersion,
		"UpdateConnectorVersion":  a.updateVersion,
		"DeleteConnectorVersion":  a.deleteVersion,

		"ListConnectorConnections":  a.listConnections,
		"CreateConnectorConnection": a.createConnection,
		"GetConnection":             a.getConnection,
		"UpdateConnection":          a.updateConnection,
		"DeleteConnection":          a.deleteConnection,

		"PublishConnector":   a.publish,
		"UnpublishConnector": a.unpublish,
		"GetActions":         listActions,
		"CreateAction":       createAction,
		"GetAction":          getAction,
		"UpdateAction":       updateAction,
		"DeleteAction":       deleteAction,
		"GetTriggers":        listTriggers,
		"CreateTrigger":      createTrigger,
		"GetTrigger":         getTrigger,
		"UpdateTrigger":      updateTrigger,
		"DeleteTrigger":      deleteTrigger,
		"GetDefinitions":     a.getDefinitions,
		"CreateDefinitions":  a.createDefinitions,
		"DeleteDefinitions":  a.deleteDefinitions,
		"GetDefinition":      a.getDefinition,
		"UpdateDefinition":   a.updateDefinition,
		"DeleteDefinition":   a.deleteDefinition,
		"GetRawSchema":       a.getRawSchema,

		"ListPublicConnectors":         a.listPublicConnectors,
		"ListCategories":               a.listCategories,
		"UpdateConnectorTags":          a.updateTags,
		"UpdateConnectorCategories":    a.updateCategories,
		"ImportPublicConnectorVersion": a.importPublicVersion,

		"GetProtocolUploadURL":       a.getUploadURL,
		"ImportHTTPConnector":        a.importConnector,
		"ImportHTTPConnectorVersion": a.importConnectorVersion,
		"ListProtocols":              a.listProtocols,
		"InitialiseOAuth2Connection": a.initialiseOAuth2,
		"ListAuthSchemes":            a.listAuthSchemes,
		"UpsertAuthSchemeConfig":     a.upsertAuthSchemeConfig,
		"DeleteAuthSchemeConfig":     a.deleteAuthSchemeConfig,
	}
}

// mounted is the API as package mock mounts it: the vendorapi.Vendor methods live here, off
// the public API, whose business is typed access to the state.
type mounted struct{ *API }

// The constructor is registered rather than exported: its configuration type belongs to
// package mock (vendorapi is internal), so it cannot be part of this package's API.
func init() { vendorapi.Register(Name, newVendor) }

// Public implements vendorapi.Vendor: the typed API, what mock.Server's accessor returns.
func (a *mounted) Public() any { return a.API }

// Creates implements vendorapi.Vendor, for the entity cap (mock.WithMaxEntities): every
// operation that adds a stored resource (a connector, a version, a connection, an action, a
// trigger, definitions), the imports included.
func (a *mounted) Creates(operationID string) bool {
	return strings.HasPrefix(operationID, "Create") || strings.HasPrefix(operationID, "Import")
}
