package productsup

import (
	"encoding/json"
	"net/http"
	"slices"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The version lifecycle: the pipeline of the build-and-deploy guide (configure, build, sync
// with the runtime, dev site, sync to production, release), each step refused with the
// documented "Transition is not allowed, entity is <state>." when the version's state does not
// allow it, or while background work on the version is pending. The README's lifecycle table
// is the reference; the operations here follow it step by step.

// The version states, as the API writes them.
const (
	stateCreated       = "created"
	stateUpdating      = "updating"
	stateUpdated       = "updated"
	stateBuilt         = "built"
	stateSyncedDev     = "synchronized-to-dev"
	stateSyncedProd    = "synchronized-to-prod"
	stateResyncingProd = "resynchronizing-to-prod"
)

// stateRef is the documented {"state": {"uuid": ...}} of background work.
type stateRef struct {
	State struct {
		UUID string `json:"uuid"`
	} `json:"state"`
}

// workBody is the answer of an operation that starts background work.
type workBody struct {
	Message string   `json:"message"`
	Data    stateRef `json:"data"`
}

func newWorkBody(msg string, w *Work) workBody {
	b := workBody{Message: msg}
	b.Data.State.UUID = w.ID
	return b
}

// change is one lifecycle step on version i of c (a copy the step may change, see
// withVersion). It answers the work it started, if any. It changes e.st only once it knows it
// succeeds.
type change func(e *stepEnv, c *fx.Connector, i int) (*Work, error)

// stepEnv is what a step sees: the store's own state, under the write lock, and who asks.
type stepEnv struct {
	s     *Store
	st    *state
	owner string
}

// step runs ch on a version under the write lock, refusing it while work on the version is
// pending; it stores the changed connector.
func (s *Store) step(id, ref, principal string, ch change) (*fx.Version, *Work, error) {
	s.lock()
	defer s.mu.Unlock()
	old, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, nil, err
	}
	if v := &old.Versions[i]; s.st.pendingOn(old.ID, fx.Major(v.Version)) {
		return nil, nil, &TransitionError{v.State}
	}
	st := s.own() // a copy of the seed is the seed's bytes: a refusal still changes nothing
	c, _ := withVersion(old, i)
	w, err := ch(&stepEnv{s, st, fx.OwnerID(st.seed, principal)}, c, i)
	if err != nil {
		return nil, nil, err
	}
	st.put(c)
	return &c.Versions[i], w, nil
}

// build starts a build of a configured version: updated (or built, to rebuild) -> built. It
// pulls from the repository of the version's VCS config (the build page and guide), so a
// version without one is refused with the sentence of VCS validation's refusal.
func build(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	if v.State != stateUpdated && v.State != stateBuilt {
		return nil, &TransitionError{v.State}
	}
	if !hasVCS(v) {
		return nil, &RuleError{Message: msgVCSInvalid}
	}
	return e.start(actionBuild, c, i, v.State), nil
}

// syncRuntime registers a built version with the runtime; on a version synchronised to dev
// it is the sync to production (the previous production deployment stays live meanwhile), and
// on one synchronised to production a re-sync, through resynchronizing-to-prod.
func syncRuntime(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	switch v.State {
	case stateBuilt:
		return e.start(actionSyncRuntime, c, i, v.State), nil
	case stateSyncedDev:
		return e.start(actionSyncProd, c, i, v.State), nil
	case stateSyncedProd:
		w := e.start(actionSyncProd, c, i, v.State)
		v.State = stateResyncingProd
		return w, nil
	}
	return nil, &TransitionError{v.State}
}

// devSite creates the version's dev project and site in the background; it needs a version
// synced with the runtime and a dev account: the version's own, else the dev defaults of the
// organisation its owner is a member of ("Dev account is missing." otherwise). A project
// the defaults name is used; a missing one is created.
func devSite(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	d := &v.PlatformDevReference
	account, project := d.Account, d.Project
	if account == nil {
		// The dev defaults of the owner's organisation (update_organization_default_targets).
		if o := e.st.orgOf(c.Owner); o != nil && o.DevDefaults != nil {
			account, project = &o.DevDefaults.Account, &o.DevDefaults.Project
		}
	}
	if !syncedWithRuntime(e.st, c, v) {
		return nil, &TransitionError{v.State}
	}
	if account == nil {
		return nil, &RuleError{Message: msgDevAccountMissing}
	}
	d.Account = account
	if d.Project == nil {
		d.Project = project // nil: the work creates one
	}
	return e.start(actionDevSite, c, i, v.State), nil
}

// orgOf is the organisation a user is a member of (the first by uuid, for determinism), or nil.
func (st *state) orgOf(user string) *fx.Organization {
	var found *fx.Organization
	for _, o := range st.orgs {
		if slices.Contains(o.Members, fx.Member{UUID: user}) && (found == nil || o.UUID < found.UUID) {
			found = o
		}
	}
	return found
}

// syncedWithRuntime reports whether the version's image is registered with the runtime: a
// version on the platform (synchronized-*) is; a built one once its sync_runtime is done.
func syncedWithRuntime(st *state, c *fx.Connector, v *fx.Version) bool {
	switch v.State {
	case stateSyncedDev, stateSyncedProd, stateResyncingProd:
		return true
	case stateBuilt:
		return st.lastDone(c.ID, fx.Major(v.Version), actionSyncRuntime) != nil
	}
	return false
}

// assignDev assigns the version to its dev site (which must exist): the dev platform
// connector is created and the version is synchronized-to-dev.
func assignDev(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	d := &v.PlatformDevReference
	if d.Site == nil || !syncedWithRuntime(e.st, c, v) {
		return nil, &TransitionError{v.State}
	}
	if d.PlatformConnector == nil {
		d.PlatformConnector = e.st.platformID()
	}
	d.AssignedToSite = d.Site
	if v.State == stateBuilt {
		v.State = stateSyncedDev
	}
	return nil, nil
}

// release makes a version synchronised to production global: released, the connector's main
// version, every enabled-for-* grant cleared (the release guide).
func release(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	p := &v.PlatformProdReference
	if p.PlatformConnector == nil || v.State != stateSyncedProd { // resynchronizing: work is pending
		return nil, &TransitionError{v.State}
	}
	if p.Released {
		return nil, fieldRule("version", msgAlreadyReleased)
	}
	p.Released, p.Version = true, &v.Version
	p.EnabledForAccounts, p.EnabledForProjects, p.EnabledForSites = []int64{}, []int64{}, []int64{}
	major := fx.Major(v.Version)
	c.MainVersionNumber = &major
	return nil, nil
}

// unrelease takes a released version back from global availability; the grants release
// cleared are not restored.
func unrelease(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	p := &v.PlatformProdReference
	if !p.Released {
		return nil, fieldRule("version", msgNotReleased)
	}
	p.Released, p.Version = false, nil
	if c.MainVersionNumber != nil && *c.MainVersionNumber == fx.Major(v.Version) {
		c.MainVersionNumber = nil
	}
	return nil, nil
}

// rollbackMigration makes a migration's version use the legacy platform executable it
// replaces instead of its new one (connector_rollback_migration: "Connector will use old
// executable instead of new one."): the production reference's executable becomes
// config.migration's legacy-executable; the state, updated-at and the migration config stay
// (the page's example answers them unchanged). A version that is no migration is refused; one
// already on its legacy executable is answered as it is. The next sync to production migrates
// it again (see settle).
func rollbackMigration(_ *stepEnv, c *fx.Connector, i int) (*Work, error) {
	v := &c.Versions[i]
	legacy := legacyExecutable(v)
	if legacy == nil {
		return nil, &RuleError{Message: msgNoMigration}
	}
	if p := &v.PlatformProdReference; p.Executable == nil || *p.Executable != *legacy {
		p.Executable = legacy
	}
	return nil, nil
}

// legacyExecutable is the legacy platform executable a migration's version replaces
// (config.migration's legacy-executable), or nil when the version is no migration.
func legacyExecutable(v *fx.Version) *int64 {
	var m struct {
		Legacy *int64 `json:"legacy-executable"`
	}
	if len(v.Config.Migration) == 0 || json.Unmarshal(v.Config.Migration, &m) != nil || m.Legacy == nil || *m.Legacy < 1 {
		return nil
	}
	return m.Legacy
}

// RollbackMigration makes a migration's version use its legacy executable again, as POST
// V/migration/rollback does; a version that is no migration is a *RuleError.
func (s *Store) RollbackMigration(id, ref, principal string) (fx.Version, error) {
	v, _, err := s.step(id, ref, principal, rollbackMigration)
	return cloned(v, err)
}

// start records background work on version i of c (see Store.startWork).
func (e *stepEnv) start(action string, c *fx.Connector, i int, from string) *Work {
	return e.s.startWork(e.st, action, e.owner, c, i, from)
}

// BuildRequest is the body of POST /builds/connectors.
type BuildRequest struct {
	Connector string `json:"connector"`
	Version   string `json:"version,omitempty"`
}

// The typed side of the lifecycle, for tests that set a version up without HTTP.

// Build starts a build of the version, as principal (see POST /builds/connectors).
func (s *Store) Build(id, ref, principal string) (Work, error) {
	return s.typedWork(id, ref, principal, build)
}

// SyncRuntime starts the version's sync with the runtime (or to production), as principal.
func (s *Store) SyncRuntime(id, ref, principal string) (Work, error) {
	return s.typedWork(id, ref, principal, syncRuntime)
}

func (s *Store) typedWork(id, ref, principal string, ch change) (Work, error) {
	_, w, err := s.step(id, ref, principal, ch)
	if err != nil {
		return Work{}, err
	}
	return *w, nil
}

func (a *API) triggerBuild(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in BuildRequest
	if !a.decode(w, r, &in) {
		return
	}
	if !a.checkAccess(w, in.Connector, c.Principal) {
		return
	}
	ref := in.Version
	if ref == "" {
		ref = "latest"
	}
	_, work, err := a.store.step(in.Connector, ref, c.Principal.Name, build)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, newWorkBody(msgBuildTriggered, work))
}

func (a *API) syncRuntime(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if _, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name, syncRuntime); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, message{msgSyncedRuntime})
}

func (a *API) createDevSite(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	_, work, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name, devSite)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, newWorkBody(msgDevSite, work))
}

// versionStep serves an operation that answers the changed version.
func (a *API) versionStep(msg, resource string, ch change) vendorapi.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
		v, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name, ch)
		if err != nil {
			a.writeError(w, failure(err))
			return
		}
		writeOK(w, versionBody{msg, resource, v})
	}
}
