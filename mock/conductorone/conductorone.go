// Package conductorone mocks ConductorOne's connector management on the vendor's own paths,
// with camelCase JSON, update masks (google.protobuf.FieldMask), expand masks and
// google.rpc.Status errors: every operation of the connector service
// (c1.api.app.v1.ConnectorService: the connectors of an app, their syncs, schedules and
// credentials), the apps (c1.api.app.v1.Apps), the app search and the connector catalog's
// configuration schemas. One file per family: handlers.go (connectors), syncs.go (ForceSync,
// PauseSync, ResumeSync, ConfirmSyncValid, sync files), schedule.go, credentials.go, editor.go
// (ValidateHTTPConnectorConfig), apps.go (apps and app search), catalog.go, admin.go (the
// vendor's admin endpoints), each with its part of the store.
//
// Package mock mounts it; a test reaches its state through the server's accessor, with the
// values of package fixtures/conductorone:
//
//	import fx "github.com/connectormock/connectormock/fixtures/conductorone"
//
//	s := mocktest.New(t)
//	store := s.ConductorOne().Store()
//	c := fx.NewConnector(fx.WithDisplayName("Okta"))
//	require.NoError(t, store.Put(c))
//	got, err := store.Connector(c.AppID, c.ID)
//
// The store holds the documented data set (app 2fNYt5ovfagQ9ArtVtVeIULrWrf with connector
// 2tJx9rcUyjZ15BXoMYi2BGkgqD8, carrying the values of the API reference's example, a completed
// and a failed sync of it and a credential) and Config.Connectors generated connectors spread
// over fixtures/conductorone.GeneratedApps apps.
//
// A sync started by ForceSync runs on the mock's clock: it is done Config.WorkDuration after it
// started, settled by whoever looks at the state first after that (no timers, no goroutines),
// or now on demand (Store.CompleteSync, FailSync, CompleteWork, the admin endpoints).
//
// # How the store keeps its state
//
// Stored apps and connectors are immutable: a write builds a new value (a Clone of the old one,
// changed) and swaps the pointer in the store's map, so the HTTP side renders a stored value
// as it is, with no copy, while typed access (Store methods) hands out copies. That lets stores
// share state: the seeded state of a (seed, count) is built once per process (kit.Seeded) and
// every store seeded so points at it; its first write copies the maps and lists (pointers, not
// values) and owns them from then on, and Reset points back at the shared state. The process
// keeps the default seed's state for good and the 16 other seeds used last (kit.MaxOtherSeeds);
// an older one is built again, identically, when asked for. Each app's
// connectors are kept in List's order as they are written (by sequence number, in a
// kit.Sorted), so a page is a binary search for its token's place and a slice of the page's
// length: no scan, no sort, whatever the store's size. Apps are kept so too, for Apps.List.
// Syncs and credentials are immutable values too, by id, with each connector's ids in order.
//
// An Update's update mask is applied with no map and no JSON round trip: the request's
// connector is read member by member as it was sent (patch.go) and each field the mask names
// is copied into a copy of the stored connector through the Go struct field the spec's field
// bound to once per process (mask.go); a mask's text is parsed once (parsedMask). It gives
// exactly what applying the mask to maps gave, odd bodies included (maskmap_test.go keeps
// that apply as the reference). The body is the one the pipeline read and validated
// (vendorapi.Call.Body), read where it lies: not read from r.Body again, not checked again
// for validity, its connector object not copied. The new value shares what it does not
// change with the stored one (both immutable) and takes Clone's form without Clone's copies
// (storable).
//
// # How the answers are written
//
// The connector answers (Update, Get, List, Create, CreateDelegated) are appended by hand
// (json.go), byte for byte what encoding/json wrote, which a differential test holds them to:
// the connector, the expanded app and users, and each view's JSONPaths spelt from the places
// the expander keeps rather than built as strings. The expander finds an object already
// expanded by a look along its items, and builds a map only for pages that expand many.
package conductorone

import (
	"encoding/json"
	"sync"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// Name is the vendor's name in the server, its spec and its state.
const Name = "conductorone"

// The operationIds of the spec, the vendor's own.
const (
	opUpdate          = "c1.api.app.v1.ConnectorService.Update"
	opGet             = "c1.api.app.v1.ConnectorService.Get"
	opList            = "c1.api.app.v1.ConnectorService.List"
	opCreate          = "c1.api.app.v1.ConnectorService.Create"
	opCreateDelegated = "c1.api.app.v1.ConnectorService.CreateDelegated"
	opDelete          = "c1.api.app.v1.ConnectorService.Delete"

	opUpdateDelegated  = "c1.api.app.v1.ConnectorService.UpdateDelegated"
	opForceSync        = "c1.api.app.v1.ConnectorService.ForceSync"
	opPauseSync        = "c1.api.app.v1.ConnectorService.PauseSync"
	opResumeSync       = "c1.api.app.v1.ConnectorService.ResumeSync"
	opSchedule         = "c1.api.app.v1.ConnectorService.UpdateConnectorSchedule"
	opRotateCredential = "c1.api.app.v1.ConnectorService.RotateCredential"
	opGetCredentials   = "c1.api.app.v1.ConnectorService.GetCredentials"
	opRevokeCredential = "c1.api.app.v1.ConnectorService.RevokeCredential"
	opConfirmSyncValid = "c1.api.app.v1.ConnectorService.ConfirmSyncValid"
	opSyncDownloadURL  = "c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL"
	opValidateConfig   = "c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig"

	opAppsList   = "c1.api.app.v1.Apps.List"
	opAppsCreate = "c1.api.app.v1.Apps.Create"
	opAppsGet    = "c1.api.app.v1.Apps.Get"
	opAppsUpdate = "c1.api.app.v1.Apps.Update"
	opAppsDelete = "c1.api.app.v1.Apps.Delete"

	opCatalogSchema = "c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema"
	opAppSearch     = "c1.api.app.v1.AppSearch.Search"
)

// API is the ConductorOne connector API of one mock server.
type API struct {
	spec  *openapi.Spec
	store *Store
}

// newVendor builds the API, as package mock mounts it (registered below). Its store holds the documented app and connector first, then the
// generated apps and cfg.Connectors generated connectors; it is filled on first use.
func newVendor(cfg vendorapi.Config) (vendorapi.Vendor, error) {
	spec, err := loadSpec()
	if err != nil {
		return nil, err
	}
	return &mounted{&API{spec: spec.spec, store: newStore(cfg, spec.fields, spec.schemas)}}, nil
}

// specAndFields is the spec with the connector's field tree of update masks and the schemas
// the store checks values against.
type specAndFields struct {
	spec    *openapi.Spec
	fields  *field
	schemas *schemas
}

// schemas are the spec's schemas of what the store holds, as the API writes it.
type schemas struct {
	connector, app *contract.Schema
	appFields      appFieldSet // the app's fields as its update mask names them
}

// loadSpec returns the spec, its field tree and schemas, derived once per process like the
// spec itself and only read afterwards.
var loadSpec = sync.OnceValues(func() (specAndFields, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return specAndFields{}, err
	}
	fields, err := connectorFields(spec.Doc)
	if err != nil {
		return specAndFields{}, err
	}
	var sch schemas
	if sch.connector, err = contract.Response(spec, "c1.api.app.v1.Connector"); err != nil {
		return specAndFields{}, err
	}
	if sch.app, err = contract.Response(spec, "c1.api.app.v1.App"); err != nil {
		return specAndFields{}, err
	}
	if sch.appFields, err = appFields(spec.Doc); err != nil {
		return specAndFields{}, err
	}
	return specAndFields{spec, fields, &sch}, nil
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

// ValidationOptions implements vendorapi.Vendor. Read-only properties in a request body are
// accepted: ConductorOne's gateway ignores output-only fields on input (clients send back the
// connector they read, createdAt and all), and so does the store unless the update mask names
// one, which is a 400. Like protojson, validation stops at the first offending field.
func (a *mounted) ValidationOptions() vendorapi.ValidationOptions {
	return vendorapi.ValidationOptions{IgnoreReadOnly: true}
}

// Counts implements vendorapi.Vendor.
func (a *mounted) Counts() map[string]int {
	return map[string]int{"apps": a.store.AppLen(), "connectors": a.store.Len(), "syncs": a.store.syncLen(), "credentials": a.store.credentialLen()}
}

// Handlers implements vendorapi.Vendor.
func (a *mounted) Handlers() map[string]vendorapi.HandlerFunc {
	return map[string]vendorapi.HandlerFunc{
		opUpdate:          a.update,
		opGet:             a.get,
		opList:            a.list,
		opCreate:          a.create,
		opCreateDelegated: a.createDelegated,
		opDelete:          a.delete,

		opUpdateDelegated:  a.updateDelegated,
		opForceSync:        a.forceSync,
		opPauseSync:        a.pauseSync,
		opResumeSync:       a.resumeSync,
		opSchedule:         a.updateSchedule,
		opRotateCredential: a.rotateCredential,
		opGetCredentials:   a.getCredentials,
		opRevokeCredential: a.revokeCredential,
		opConfirmSyncValid: a.confirmSyncValid,
		opSyncDownloadURL:  a.syncDownloadURL,
		opValidateConfig:   a.validateConfig,

		opAppsList:   a.listApps,
		opAppsCreate: a.createApp,
		opAppsGet:    a.getApp,
		opAppsUpdate: a.updateApp,
		opAppsDelete: a.deleteApp,

		opCatalogSchema: a.configurationSchema,
		opAppSearch:     a.searchApps,
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

// Creates implements vendorapi.Vendor, for the entity cap (mock.WithMaxEntities): the
// operations that add what Counts counts (apps, connectors, syncs, credentials).
func (a *mounted) Creates(operationID string) bool {
	switch operationID {
	case opCreate, opCreateDelegated, opAppsCreate, opForceSync, opRotateCredential:
		return true
	}
	return false
}
