// Package productsup mocks the Productsup CDE API on the vendor's own paths (/connectors,
// /builds, /states, /runs, /metadata, /organizations, /defaults), with its documented bodies:
// connectors and their versions' lifecycle (configuration, build, sync with the runtime, dev
// site, sync to production, release), production targets and access grants, the bin,
// background states, runs, metadata and organisations. One file per resource family holds its
// handlers and its part of the store: handlers.go (connectors, targets, access), lifecycle.go,
// states.go (background work), config.go, channels.go, bin.go, copy.go, logo.go, runs.go, management.go
// (metadata, organisations), ownership.go, versions.go; errors.go is the error catalogue.
//
// Package mock mounts it; a test reaches its state through the server's accessor, with the
// values of package fixtures/productsup:
//
//	import fx "github.com/connectormock/connectormock/fixtures/productsup"
//
//	s := mocktest.New(t)
//	store := s.Productsup().Store()
//	c := fx.NewConnector(fx.WithName("feed"))
//	require.NoError(t, store.Put(c))
//	v, err := store.Version(c.ID, "1")
//
// # How the store keeps its data
//
// A stored connector is never changed in place: a write stores a new value (a copy of the
// connector and of its versions slice, with new lists where they change; what it does not
// change it shares with the old value, immutable too) and swaps it in. So the HTTP side
// renders stored values as they are, with no copy, even after the lock is released; typed
// access (Store's exported methods) still returns deep copies. A write that changes nothing
// (a repeated disable) stores nothing. A connector's "main" version is derived when it is
// stored, as a pointer into its own versions.
//
// The seeded state (documented data set and generated connectors) is built once per process
// for each seed and count (kit.Seeded) and shared by every store seeded alike: a store points
// at it until its first write, which copies the map and the list order (pointers, not
// connectors); Reset points back at it.
// (The process keeps the default seed's state for good and the 16 other seeds used last,
// kit.MaxOtherSeeds; an older one is built again, identically, when asked for.)
//
// The list order is the order connectors were first stored in, kept at write time (kit.Sorted
// by position): the unfiltered page is a slice of it and its total the order's length, so a
// page costs the same at any store size. So is each filter's facet, the same order restricted
// to one owner (an integrator's list), one type, or released or not, kept by every put: a
// page filtered by one of them is a slice of its facet. A name filter, or a second filter,
// scans the smallest facet that applies (see Store.List). A store shares its seed's facets
// until it writes one (facet.gen), so its first write copies the facet map, not each facet.
//
// Background work (builds, syncs, dev sites, configuration changes) is state too: each piece
// is an immutable Work, swapped when it settles, listed in start order (a slice, so the
// unfiltered state list pages without a scan) and by version. It completes when the mock's
// clock passes its start plus Config.WorkDuration, settled lazily by the next store call that
// looks (no timer, no goroutine), or at once by CompleteWork. Binned connectors have a list
// order of their own. Metadata and organisations are immutable values by id; uploaded logos
// are bytes by version. Runs are history derived from the seed, built once per process (see
// runs.go), not state.
//
// On the wire, success bodies are written by hand and the id-list bodies of enable, disable
// and targets are read by hand, both without reflection (json.go, decode.go); tests hold
// each to encoding/json's bytes and answers, and encoding/json reads whatever else comes.
// List pages, 20 whole connectors of about 5 KB each, write each stored connector from a
// cache of its JSON keyed by the stored value (storedJSON, bounded in bytes): since stored
// values never change, a cached connector is never stale, and a page is mostly a copy.
package productsup

import (
	"encoding/json"
	"sync"

	"github.com/connectormock/connectormock/mock/internal/contract"
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

// newVendor builds the API, as package mock mounts it (registered below). Its store holds the documented data set first, then cfg.Connectors
// generated connectors; it is filled on first use.
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
	create    *contract.Schema // the body of connector_create
	targets   *contract.Schema // the body of connector_targets_add and connector_targets_update
	access    *contract.Schema // the body of connector_enable_prod_access and connector_disable_prod_access
	channels  *contract.Schema // the body of connector_platform_assign_channel
}

// loadSchemas finds the schemas once per process, like the spec itself; they are only read
// afterwards.
var loadSchemas = sync.OnceValues(func() (*schemas, error) {
	spec, err := openapi.Load(Name)
	if err != nil {
		return nil, err
	}
	var s schemas
	for _, f := range []struct {
		to   **contract.Schema
		find func(*openapi.Spec, string) (*contract.Schema, error)
		name string
	}{
		{&s.connector, contract.Response, "Connector"},
		{&s.create, contract.Request, "ConnectorCreate"},
		{&s.targets, contract.Request, "Targets"},
		{&s.access, contract.Request, "AccessTargets"},
		{&s.channels, contract.Request, "ChannelAssignment"},
	} {
		if *f.to, err = f.find(spec, f.name); err != nil {
			return nil, err
		}
	}
	return &s, nil
})

// Name implements vendorapi.Vendor.
func (a *mounted) Name() string { return Name }

// Spec implements vendorapi.Vendor.
func (a *mounted) Spec() *openapi.Spec { return a.spec }

// Store is the API's state, shared with the HTTP side.
func (a *API) Store() *Store { return a.store }

// ValidationOptions implements vendorapi.Vendor: the CDE API reports every offending field.
func (a *mounted) ValidationOptions() vendorapi.ValidationOptions {
	return vendorapi.ValidationOptions{AllErrors: true}
}

// Counts implements vendorapi.Vendor.
func (a *mounted) Counts() map[string]int {
	return map[string]int{"connectors": a.store.Len()}
}

// Reset implements vendorapi.Vendor.
func (a *mounted) Reset(cfg vendorapi.Config) { a.store.reseed(cfg) }

// Snapshot implements vendorapi.Vendor.
func (a *mounted) Snapshot() (json.RawMessage, error) { return a.store.Snapshot() }

// Restore implements vendorapi.Vendor.
func (a *mounted) Restore(data json.RawMessage) error { return a.store.Restore(data) }

// Handlers implements vendorapi.Vendor.
func (a *mounted) Handlers() map[string]vendorapi.HandlerFunc {
	return map[string]vendorapi.HandlerFunc{
		"connector_list":                a.listConnectors,
		"connector_create":              a.createConnector,
		"connector_show":                a.showConnector,
		"connector_targets_add":         a.addTargets,
		"connector_targets_update":      a.replaceTargets,
		"connector_enable_prod_access":  a.enableAccess,
		"connector_disable_prod_access": a.disableAccess,

		"connector_import":           a.copyConnector,
		"connector_list_from_bin":    a.listBin,
		"connector_move_to_bin":      a.moveToBin,
		"connector_restore_from_bin": a.restoreFromBin,

		"connector_build_trigger":                                 a.triggerBuild,
		"connector_update_secret_registrations":                   a.updateSecrets,
		"connector_update_authentication_registrations":           a.updateAuthentications,
		"connector_version_show_authentication":                   a.showAuthentications,
		"connector_version_execution_config_update_container_api": a.updateContainerAPI,
		"connector_individual_config_add":                         a.addIndividualConfig,
		"connector_validate_vcs_config":                           a.validateVCS,
		"connector_version_upload_logo":                           a.uploadLogo,
		"connector_update_runtime_prod":                           a.updateProdRuntime,
		"connector_sync_runtime":                                  a.syncRuntime,
		"connector_create_platform_site":                          a.createDevSite,
		"connector_assign_to_dev_site":                            a.versionStep(msgAssignedDev, resourceVersion, assignDev),
		"connector_release":                                       a.versionStep(msgReleased, resourceVersion, release),
		"connector_unrelease":                                     a.versionStep(msgUnreleased, resourceVersion, unrelease),
		"connector_rollback_migration":                            a.versionStep(msgSuccessful, "", rollbackMigration),
		"connector_platform_assign_channel":                       a.assignChannels,
		"run_list":                                                a.listRuns,
		"run_show":                                                a.showRun,
		"add_metadata_to_connector":                               a.metadataHandler(false, msgMetadataAdded),
		"update_metadata_for_connector":                           a.metadataHandler(true, msgMetadataUpdated),
		"add_member_to_organization":                              a.addMember,
		"update_organization_default_targets":                     a.updateDefaults,
		"state_show":                                              a.showState,
		"state_list":                                              a.listStates,
		"connector_state_list":                                    a.listVersionStates,
		"connector_version_show_latest_state":                     a.showLatestState,
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
// operations that add a connector, what Counts counts.
func (a *mounted) Creates(operationID string) bool {
	return operationID == "connector_create" || operationID == "connector_import"
}
