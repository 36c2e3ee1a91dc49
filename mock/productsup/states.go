package productsup

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Background work: the CDE API answers a build, a sync or a dev-site creation at once and does
// the work behind a "state" (GET /states/{id}: pending, then done or failed). Here a piece of
// work is done when the mock's clock reaches its start plus Config.WorkDuration, and it is
// settled lazily: every store method settles the work that is due before it looks at
// anything, so no timer or goroutine runs, and a test completes work on demand
// (CompleteWork) instead of sleeping.

// The background actions, by the names the API gives a state ("name"). Only
// update_to_docker_wrapper_version is printed on a vendor page; the others are the mock's
// names for the pipeline's steps (README: inferred).
const (
	actionBuild         = "build_connector"
	actionSyncRuntime   = "sync_runtime"
	actionSyncProd      = "sync_to_prod"
	actionDevSite       = "create_platform_dev_site"
	actionUpdateConfig  = "update_configuration"
	actionDockerWrapper = "update_to_docker_wrapper_version"
)

// actions are the names GET .../states/{backgroundAction} knows.
var actions = []string{actionBuild, actionSyncRuntime, actionSyncProd, actionDevSite, actionUpdateConfig, actionDockerWrapper}

// The statuses of a state, as the API writes them.
const (
	statusPending = "pending"
	statusDone    = "done"
	statusFailed  = "failed"
)

// Work is one background state as the API shows it.
type Work struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Name      string `json:"name"`
	Owner     string `json:"owner"`
	Created   string `json:"created"`
	Connector string `json:"connector"`
	Major     int    `json:"major-version"`
	// From is the version's state when the work started: where a failure puts it back.
	From string `json:"from"`
	// Due is when the work completes on the mock's clock.
	Due time.Time `json:"due"`
	// Fail makes the work fail when it completes (FailWork).
	Fail bool `json:"fail,omitempty"`
	// Runtime is what update_to_docker_wrapper_version sets as the production runtime.
	Runtime *fx.Runtime `json:"runtime,omitempty"`
}

// ErrTransition: the version's state does not allow the operation (see *TransitionError).
var ErrTransition = errors.New("transition not allowed")

// TransitionError is the documented refusal of an operation the version's state does not
// allow: "Transition is not allowed, entity is <state>."
type TransitionError struct{ State string }

func (e *TransitionError) Error() string {
	return fmt.Sprintf(msgTransition, e.State)
}

// Is makes errors.Is(err, ErrTransition) true.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// RuleError is a refusal in the vendor's own sentences: a business rule's, answered 400
// {"message": Message, "errors": []}, or, when Fields is set, the sentences the vendor gives
// offending fields, answered {"message": "Bad request.", "errors": {field: sentence}} in order.
type RuleError struct {
	Message string
	Fields  []FieldError
}

func (e *RuleError) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// fieldRule is the RuleError of one offending field.
func fieldRule(field, sentence string) *RuleError {
	return &RuleError{Fields: []FieldError{{field, sentence}}}
}

// StateNotFoundError: no state with the id, or no state of the action for the version.
type StateNotFoundError struct{ Message string }

func (e *StateNotFoundError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *StateNotFoundError) Is(target error) bool { return target == ErrNotFound }

// startWork records work of action on version i of c, started now; c is the version's
// connector as it will be stored. Under the write lock, on an owned state.
func (s *Store) startWork(st *state, action, owner string, c *fx.Connector, i int, from string) *Work {
	now := s.clock()
	w := &Work{
		ID:        fx.StateID(st.seed, st.workCount),
		Status:    statusPending,
		Name:      action,
		Owner:     owner,
		Created:   fx.Time(now),
		Connector: c.ID,
		Major:     fx.Major(c.Versions[i].Version),
		From:      from,
		Due:       now.Add(s.workFor),
	}
	st.workCount++
	st.work[w.ID] = w
	st.workOrder = append(st.workOrder, w.ID)
	key := versionKey(c.ID, w.Major)
	st.byVersion[key] = append(st.byVersion[key], w.ID)
	st.byOwner[w.Owner] = append(st.byOwner[w.Owner], w.ID)
	st.pending = append(st.pending, w.ID)
	if len(st.byVersion[key]) >= 2*KeptStates {
		st.pruneWork(key)
	}
	return w
}

// KeptStates is how many of a version's background states are kept at least: a client that
// configures a version in a loop must not grow the store without bound, and the entity cap
// counts connectors, not states. Once a version has 2*KeptStates, its finished states older
// than the last KeptStates are dropped (their ids then answer 404), except the latest of each
// action, which the lifecycle reads (a build's result) and the latest-state endpoint answers.
// Dropping in batches keeps it amortised: one pass over the state order per KeptStates starts.
const KeptStates = 50

// pruneWork drops the version's states that KeptStates allows. Under the write lock, on an
// owned state.
func (st *state) pruneWork(key string) {
	ids := st.byVersion[key]
	latest := map[string]string{} // action -> its latest state's id
	for _, id := range ids {
		latest[st.work[id].Name] = id
	}
	drop := map[string]bool{}
	kept := make([]string, 0, KeptStates+len(latest))
	for k, id := range ids {
		w := st.work[id]
		if k < len(ids)-KeptStates && w.Status != statusPending && latest[w.Name] != id {
			drop[id] = true
			delete(st.work, id)
			continue
		}
		kept = append(kept, id)
	}
	st.byVersion[key] = kept
	st.workOrder = slices.DeleteFunc(st.workOrder, func(id string) bool { return drop[id] })
}

func versionKey(id string, major int) string { return id + "/" + strconv.Itoa(major) }

// pendingOn reports whether version (id, major) has work still pending. It scans the pending
// work, which is short, not the version's history, which only grows.
func (st *state) pendingOn(id string, major int) bool {
	for _, wid := range st.pending {
		if w := st.work[wid]; w.Connector == id && w.Major == major {
			return true
		}
	}
	return false
}

// lastDone is the last work of action on the version that completed as done, or nil.
func (st *state) lastDone(id string, major int, action string) *Work {
	ids := st.byVersion[versionKey(id, major)]
	for k := len(ids) - 1; k >= 0; k-- {
		if w := st.work[ids[k]]; w.Name == action && w.Status == statusDone {
			return w
		}
	}
	return nil
}

// settle completes the pending work that is due (all of it when all is set) and returns how
// much it completed. Under the write lock.
func (s *Store) settle(all bool) int {
	st := s.st
	if len(st.pending) == 0 {
		return 0
	}
	now := s.clock()
	n := 0
	var keep []string
	for _, id := range st.pending {
		w := st.work[id]
		if !all && now.Before(w.Due) {
			keep = append(keep, id)
			continue
		}
		s.complete(st, w)
		n++
	}
	st.pending = keep
	return n
}

// settleDue settles the work that is due before a read: the write lock is taken only when
// some work is due (the first pending piece is the first due: every piece takes as long).
func (s *Store) settleDue() {
	s.mu.RLock()
	due := len(s.st.pending) > 0 && !s.clock().Before(s.st.work[s.st.pending[0]].Due)
	s.mu.RUnlock()
	if due {
		s.mu.Lock()
		s.settle(false)
		s.mu.Unlock()
	}
}

// lock takes the write lock and settles the work that is due, as every write starts.
func (s *Store) lock() {
	s.mu.Lock()
	s.settle(false)
}

// CompleteWork completes every piece of pending work now and returns how many it completed
// (vendorapi.Worker).
func (s *Store) CompleteWork() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settle(true)
}

// FailWork makes the pending work with the given state id fail when it completes: its effect
// never lands and the version goes back to the state it had before. It answers an
// *StateNotFoundError for an unknown id and a *RuleError for work no longer pending.
func (s *Store) FailWork(id string) error {
	s.lock()
	defer s.mu.Unlock()
	w, ok := s.st.work[id]
	if !ok {
		return &StateNotFoundError{msgStateNotFound}
	}
	if w.Status != statusPending {
		return &RuleError{Message: fmt.Sprintf(msgStateIs, w.Status)}
	}
	failing := *w
	failing.Fail = true
	s.st.work[id] = &failing
	return nil
}

// complete lands w's effect on its version (or, when it fails, puts the version back in the
// state it had) and marks it done or failed. Under the write lock, on an owned state.
func (s *Store) complete(st *state, w *Work) {
	out := *w
	out.Status = statusDone
	if w.Fail {
		out.Status = statusFailed
	}
	st.work[w.ID] = &out
	c, i, err := s.resolve(w.Connector, strconv.Itoa(w.Major))
	if err != nil {
		return // the connector is gone (Restore of another state): nothing to land on
	}
	c, v := withVersion(c, i)
	v.UpdatedAt = fx.Time(w.Due)
	if w.Fail {
		v.State = w.From
		st.put(c)
		return
	}
	switch w.Name {
	case actionBuild:
		v.State = stateBuilt
	case actionUpdateConfig:
		v.State = stateUpdated
	case actionSyncProd:
		v.State = stateSyncedProd
		p := &v.PlatformProdReference
		if p.PlatformConnector == nil {
			p.Executable, p.PlatformConnector = st.platformID(), st.platformID()
		} else if legacy := legacyExecutable(v); legacy != nil && p.Executable != nil && *p.Executable == *legacy {
			p.Executable = st.platformID() // a rolled-back migration migrates again
		}
		// The target scope is "configured during sync to prod": a version without targets
		// takes its owner's organisation's production defaults.
		if o := st.orgOf(c.Owner); o != nil && o.ProdDefaults != nil &&
			len(p.TargetAccounts)+len(p.TargetProjects)+len(p.TargetSites) == 0 {
			pd := o.ProdDefaults
			p.TargetAccounts, p.TargetProjects, p.TargetSites = pd.Accounts, pd.Projects, pd.Sites
		}
	case actionDockerWrapper:
		if w.Runtime != nil {
			v.PlatformProdReference.Runtime = *w.Runtime
		}
	case actionDevSite:
		d := &v.PlatformDevReference
		if d.Project == nil {
			d.Project = st.platformID()
		}
		if d.Site == nil {
			d.Site = st.platformID()
		}
	}
	st.put(c)
}

// platformID is the next id the platform hands out (projects, sites, platform connectors):
// counted from 3 per store, so that the first pipeline with dev defaults account 1, project 2
// gives the documented dev reference (account 1, project 2, site 3, platform-connector 4).
func (st *state) platformID() *int64 {
	st.platform++
	id := st.platform + 2
	return &id
}

// stateBody is the documented body of one state; resource "connector", as the pages print it.
type stateBody struct {
	Message  string    `json:"message"`
	Resource string    `json:"resource"`
	Data     stateView `json:"data"`
}

type stateView struct {
	ID      string      `json:"id"`
	Status  string      `json:"status"`
	Name    string      `json:"name"`
	Owner   string      `json:"owner"`
	Created string      `json:"created"`
	Config  stateConfig `json:"config"`
	Data    []string    `json:"data"`
}

type stateConfig struct {
	ConnectorPublicID string `json:"connectorPublicId"`
	MajorVersion      int    `json:"majorVersion"`
}

type stateListBody struct {
	Data     []stateView  `json:"data"`
	Metadata listMetadata `json:"metadata"`
	Message  string       `json:"message"`
	Resource string       `json:"resource"`
}

func view(w *Work) stateView {
	return stateView{w.ID, w.Status, w.Name, w.Owner, w.Created, stateConfig{w.Connector, w.Major}, []string{}}
}

// Work returns the state with the given id.
func (s *Store) Work(id string) (Work, error) {
	w, err := s.work(id)
	if err != nil {
		return Work{}, err
	}
	return *w, nil
}

func (s *Store) work(id string) (*Work, error) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	w, ok := s.st.work[id]
	if !ok {
		return nil, &StateNotFoundError{msgStateNotFound}
	}
	return w, nil
}

// latestWork is the last state of action on a version.
func (s *Store) latestWork(id, ref, action string) (*Work, error) {
	if !slices.Contains(actions, action) {
		return nil, &RuleError{Message: msgNoAction}
	}
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, err
	}
	ids := s.st.byVersion[versionKey(c.ID, fx.Major(c.Versions[i].Version))]
	for k := len(ids) - 1; k >= 0; k-- {
		if w := s.st.work[ids[k]]; w.Name == action {
			return w, nil
		}
	}
	return nil, &StateNotFoundError{msgLastStateNotFound}
}

// WorkFilter selects states for the state lists. Zero values select everything.
type WorkFilter struct {
	TriggeredBy string // owner uuid
	Status      string
	Visible     string // an integrator's own id: only its states are listed
}

// works lists states in the order they started: of one version (id, ref non-empty), or all.
// The unfiltered list of all states is a slice of their order, the list of one user's (an
// integrator's own, or triggered_by) a slice of theirs; a status filter scans what is left.
func (s *Store) works(id, ref string, f WorkFilter, from, limit int) ([]*Work, int, error) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := s.st.workOrder
	if id != "" {
		c, i, err := s.resolve(id, ref)
		if err != nil {
			return nil, 0, err
		}
		ids = s.st.byVersion[versionKey(c.ID, fx.Major(c.Versions[i].Version))]
	} else if owner := cmp.Or(f.Visible, f.TriggeredBy); owner != "" {
		if f.Visible != "" && f.TriggeredBy != "" && f.Visible != f.TriggeredBy {
			return []*Work{}, 0, nil // another user's states, asked by an integrator
		}
		ids, f.Visible, f.TriggeredBy = s.st.byOwner[owner], "", ""
	}
	out := []*Work{}
	if f == (WorkFilter{}) {
		for k := from; k < len(ids) && len(out) < limit; k++ {
			out = append(out, s.st.work[ids[k]])
		}
		return out, len(ids), nil
	}
	total := 0
	for _, wid := range ids {
		w := s.st.work[wid]
		if f.TriggeredBy != "" && w.Owner != f.TriggeredBy || f.Status != "" && w.Status != f.Status ||
			f.Visible != "" && w.Owner != f.Visible {
			continue
		}
		if total >= from && len(out) < limit {
			out = append(out, w)
		}
		total++
	}
	return out, total, nil
}

func (a *API) showState(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	st, err := a.store.work(c.Params["stateId"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, stateBody{msgSuccessful, resourceConnector, view(st)})
}

func (a *API) showLatestState(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	st, err := a.store.latestWork(c.Params["publicId"], c.Params["connectorVersion"], c.Params["backgroundAction"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, stateBody{msgSuccessful, resourceConnector, view(st)})
}

func (a *API) listStates(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	q := r.URL.Query()
	f := WorkFilter{TriggeredBy: strings.ToLower(q.Get("triggered_by")), Status: q.Get("status")}
	if c.Principal.Integrator {
		f.Visible = a.store.ownerOf(c.Principal)
	}
	a.writeStates(w, r, "", "", f)
}

func (a *API) listVersionStates(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.writeStates(w, r, c.Params["publicId"], c.Params["connectorVersion"], WorkFilter{})
}

func (a *API) writeStates(w http.ResponseWriter, r *http.Request, id, ref string, f WorkFilter) {
	q := r.URL.Query()
	from, limit := intParam(q.Get("from"), 0), intParam(q.Get("limit"), 20)
	page, total, err := a.store.works(id, ref, f, from, limit)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	body := stateListBody{Data: make([]stateView, len(page)), Message: msgSuccessful, Resource: resourceState}
	for i, st := range page {
		body.Data[i] = view(st)
	}
	body.Metadata = listMetadata{From: from, Limit: limit, Count: len(page), Total: total}
	if next := from + len(page); next < total {
		body.Metadata.Next = &next
	}
	kit.WriteJSON(w, http.StatusOK, body)
}

// CompleteWork implements vendorapi.Worker.
func (a *mounted) CompleteWork() int { return a.store.CompleteWork() }

// AdminHandler implements vendorapi.AdminRouter (served under /__admin/vendors/productsup):
// POST /states/{id}/fail makes that pending work fail when it completes; POST
// /connectors/{publicId}/versions adds the connector's next version (versions.go); PUT
// /connectors/{publicId}/versions/{connectorVersion}/vcs sets its VCS config (config.go).
func (a *mounted) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := adminConnectorVersions(r.URL.Path); ok {
			a.adminNewVersion(w, r, id)
			return
		}
		if id, ref, ok := adminVersionVCS(r.URL.Path); ok {
			a.adminSetVCS(w, r, id, ref)
			return
		}
		rest, ok := strings.CutPrefix(r.URL.Path, "/states/")
		id, ok2 := strings.CutSuffix(rest, "/fail")
		if !ok || !ok2 || strings.Contains(id, "/") {
			kit.WriteJSON(w, http.StatusNotFound, message{"no such admin endpoint: " + r.URL.Path})
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			kit.WriteJSON(w, http.StatusMethodNotAllowed, message{"use POST"})
			return
		}
		switch err := a.store.FailWork(id); {
		case err == nil:
			kit.WriteJSON(w, http.StatusOK, message{fmt.Sprintf("state %s will fail", id)})
		case errors.Is(err, ErrNotFound):
			kit.WriteJSON(w, http.StatusNotFound, message{err.Error()})
		default:
			kit.WriteJSON(w, http.StatusConflict, message{err.Error()})
		}
	})
}
