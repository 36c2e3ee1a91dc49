package conductorone

import (
	"container/heap"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The sync lifecycle: ForceSync, PauseSync, ResumeSync, ConfirmSyncValid and
// GetConnectorSyncDownloadURL, the syncs' part of the store, and the sync files the download
// URLs point at.
//
// A sync runs on the mock's clock: started at t, it is done at t+WorkDuration. Nothing runs in
// the background: whoever looks at the state first after that time (a request, a Store
// method) settles it, as if it had completed on time (completedAt is t+WorkDuration).

// syncFilesPrefix is the path the sync files are served under, outside the spec: no app is
// called "-", so it shadows none of the spec's paths.
const syncFilesPrefix = "/api/v1/apps/-/sync_files/"

// syncState is the syncs' part of a store's state. Syncs and credentials are immutable once
// stored, like connectors: a change stores a new value.
type syncState struct {
	syncs     map[string]*fx.Sync // by id
	connSyncs map[string][]string // connector id -> its syncs' ids, oldest first
	// running maps a connector id to its running sync: the pending work. dues orders it by
	// due (a min-heap) so that starting a sync and settling cost a heap step, not a scan of
	// every running sync; an entry whose sync no longer runs (finished, cancelled, replaced)
	// stays until it reaches the top, where tidyDue drops it.
	running   map[string]runningSync
	dues      dueHeap
	nextDue   time.Time // the due at the top of dues; zero when nothing runs
	syncsMade int       // syncs started, to derive their ids

	creds     map[string]*fx.Credential // by id; ClientSecret never set
	connCreds map[string][]string       // connector id -> its credentials' ids, oldest first
	credsMade int
}

type runningSync struct {
	id  string
	due time.Time
}

func newSyncState() syncState {
	return syncState{syncs: map[string]*fx.Sync{}, connSyncs: map[string][]string{}, running: map[string]runningSync{},
		creds: map[string]*fx.Credential{}, connCreds: map[string][]string{}}
}

// clone copies the maps (not the immutable values) of a shared state before a change, and the
// id lists, which the copy then appends to in place. A shared state is a seeded one, whose
// lists are the documented connector's few.
func (ss syncState) clone() syncState {
	ss.syncs, ss.running, ss.creds = maps.Clone(ss.syncs), maps.Clone(ss.running), maps.Clone(ss.creds)
	ss.dues = slices.Clone(ss.dues)
	ss.connSyncs, ss.connCreds = cloneLists(ss.connSyncs), cloneLists(ss.connCreds)
	return ss
}

func cloneLists(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// appendID appends id to a list of an owned state.
func appendID(ids []string, id string) []string { return append(ids, id) }

// forgetConnector drops the syncs and credentials of a deleted connector.
func (st *state) forgetConnector(id string) {
	for _, sid := range st.connSyncs[id] {
		delete(st.syncs, sid)
	}
	for _, cid := range st.connCreds[id] {
		delete(st.creds, cid)
	}
	delete(st.connSyncs, id)
	delete(st.connCreds, id)
	if _, ok := st.running[id]; ok {
		delete(st.running, id)
		st.tidyDue()
	}
}

// due is one entry of dueHeap: connector conn's sync id, due then.
type due struct {
	at       time.Time
	conn, id string
}

// dueHeap is a min-heap of dues, earliest first (ties by sync id, so that the order of
// completion is deterministic).
type dueHeap []due

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].id < h[j].id
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(due)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// live says d is still the running sync of its connector, due at the same time.
func (ss *syncState) live(d due) bool {
	r, ok := ss.running[d.conn]
	return ok && r.id == d.id && r.due.Equal(d.at)
}

// startDue records connector conn's running sync id, due at at.
func (ss *syncState) startDue(conn, id string, at time.Time) {
	ss.running[conn] = runningSync{id: id, due: at}
	heap.Push(&ss.dues, due{at: at, conn: conn, id: id})
	ss.tidyDue()
}

// tidyDue drops the entries at the top of dues that no longer run and sets nextDue from the
// top: each entry is dropped once, so this costs a heap step per sync ever started.
func (ss *syncState) tidyDue() {
	for len(ss.dues) > 0 && !ss.live(ss.dues[0]) {
		heap.Pop(&ss.dues)
	}
	if len(ss.running) == 0 { // nothing runs: what is left is stale
		ss.dues = ss.dues[:0]
	}
	ss.nextDue = time.Time{}
	if len(ss.dues) > 0 {
		ss.nextDue = ss.dues[0].at
	}
}

// settle completes the syncs whose time has come (mu not held): what every look at the state
// does first.
func (s *Store) settle() {
	s.mu.RLock()
	due := s.st.nextDue
	s.mu.RUnlock()
	if due.IsZero() || s.clock().Before(due) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
}

// settleLocked completes the syncs due by now (mu held for writing).
func (s *Store) settleLocked() {
	if s.st.nextDue.IsZero() {
		return
	}
	now := s.clock()
	if now.Before(s.st.nextDue) {
		return
	}
	st := s.own()
	for len(st.dues) > 0 && !now.Before(st.dues[0].at) {
		d := heap.Pop(&st.dues).(due)
		if st.live(d) {
			st.finishSync(d.conn, d.at, "")
		}
	}
	st.tidyDue()
}

// finishSync ends the running sync of connector conn at t: done, or failed with lastError.
// The connector's status follows; its updatedAt does not move (a sync is not a change of
// the connector). The caller recomputes nextDue.
func (st *state) finishSync(conn string, t time.Time, lastError string) *fx.Sync {
	r := st.running[conn]
	delete(st.running, conn)
	sy := *st.syncs[r.id]
	at := fx.Time(t)
	sy.CompletedAt, sy.Status = at, fx.SyncDone
	if lastError != "" {
		sy.Status, sy.LastError = fx.SyncError, lastError
	}
	st.syncs[sy.ID] = &sy
	if old, ok := st.connectors[conn]; ok {
		c := old.c.Clone()
		c.Status = fx.ConnectorStatus{StartedAt: sy.StartedAt, UpdatedAt: at, Status: sy.Status, LastError: sy.LastError}
		if lastError == "" {
			c.Status.CompletedAt = at
		}
		if c.SyncDisabledAt != "" { // paused while it ran (a Put, say): the connector stays paused
			c.Status.Status = "SYNC_STATUS_DISABLED"
		}
		st.insert(&entry{seq: old.seq, c: c})
	}
	return &sy
}

// paused says c's syncing is disabled (PauseSync, or a connector stored so).
func paused(c *fx.Connector) bool {
	return c.SyncDisabledAt != "" || c.Status.Status == "SYNC_STATUS_DISABLED"
}

// ForceSync starts a sync of the connector and returns it: the connector's status is
// SYNC_STATUS_RUNNING from now, startedAt now, until the sync completes (WorkDuration later
// on the store's clock, or CompleteSync, FailSync, CompleteWork). A paused connector, or one
// whose sync runs, is a *StateError.
func (s *Store) ForceSync(appID, connectorID string) (fx.Sync, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	e, err := s.st.lookup(appID, connectorID)
	if err != nil {
		return fx.Sync{}, err
	}
	if paused(&e.c) {
		return fx.Sync{}, &StateError{AppID: appID, ConnectorID: connectorID, Reason: reasonPaused}
	}
	if r, ok := s.st.running[connectorID]; ok {
		return fx.Sync{}, &StateError{AppID: appID, ConnectorID: connectorID, Reason: fmt.Sprintf(reasonRunning, r.id)}
	}
	st := s.own()
	var id string
	for {
		id = fx.SyncID(st.seed, st.syncsMade)
		st.syncsMade++
		if _, taken := st.syncs[id]; !taken {
			break
		}
	}
	now := s.clock()
	at := fx.Time(now)
	sy := &fx.Sync{ID: id, AppID: appID, ConnectorID: connectorID, Status: fx.SyncRunning, StartedAt: at}
	st.syncs[id] = sy
	st.connSyncs[connectorID] = appendID(st.connSyncs[connectorID], id)
	st.startDue(connectorID, id, now.Add(s.work))
	c := e.c.Clone()
	c.Status = fx.ConnectorStatus{Status: fx.SyncRunning, StartedAt: at, UpdatedAt: at}
	st.insert(&entry{seq: e.seq, c: c})
	return *sy, nil
}

// PauseSync disables the connector's syncing: syncDisabledAt now, category
// SYNC_DISABLED_CATEGORY_USER, status SYNC_STATUS_DISABLED, canResumeSync true, updatedAt now.
// A running sync is cancelled (it ends failed). A paused connector is a *StateError.
func (s *Store) PauseSync(appID, connectorID string) (fx.Connector, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	e, err := s.st.lookup(appID, connectorID)
	if err != nil {
		return fx.Connector{}, err
	}
	if paused(&e.c) {
		return fx.Connector{}, &StateError{AppID: appID, ConnectorID: connectorID, Reason: reasonAlreadyPause}
	}
	st := s.own()
	now := s.clock()
	if _, ok := st.running[connectorID]; ok {
		st.finishSync(connectorID, now, msgSyncCancelled)
		st.tidyDue()
		e = st.connectors[connectorID]
	}
	at := fx.Time(now)
	c := e.c.Clone()
	yes := true
	c.SyncDisabledAt, c.SyncDisabledCategory, c.SyncDisabledReason = at, "SYNC_DISABLED_CATEGORY_USER", msgPausedReason
	c.CanResumeSync = &yes
	c.Status.Status, c.Status.UpdatedAt = "SYNC_STATUS_DISABLED", at
	c.UpdatedAt = at
	st.insert(&entry{seq: e.seq, c: c})
	return c.Clone(), nil
}

// ResumeSync enables the connector's syncing again: syncDisabledAt, category, reason and
// canResumeSync are cleared, updatedAt moves to now, and the status is what the last sync
// left (done when it completed, error when it failed, unspecified when it never ran). A
// connector that is not paused is a *StateError.
func (s *Store) ResumeSync(appID, connectorID string) (fx.Connector, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	e, err := s.st.lookup(appID, connectorID)
	if err != nil {
		return fx.Connector{}, err
	}
	if !paused(&e.c) {
		return fx.Connector{}, &StateError{AppID: appID, ConnectorID: connectorID, Reason: reasonNotPaused}
	}
	at := fx.Time(s.clock())
	c := e.c.Clone()
	c.SyncDisabledAt, c.SyncDisabledCategory, c.SyncDisabledReason, c.CanResumeSync = "", "", "", nil
	switch {
	case c.Status.LastError != "":
		c.Status.Status = fx.SyncError
	case c.Status.CompletedAt != "":
		c.Status.Status = fx.SyncDone
	default:
		c.Status.Status = fx.SyncStatuses[0]
	}
	c.Status.UpdatedAt, c.UpdatedAt = at, at
	s.own().insert(&entry{seq: e.seq, c: c})
	return c.Clone(), nil
}

// Syncs returns the connector's syncs, newest first: the sync a test just started (or the
// one the last ForceSync left) is the first.
func (s *Store) Syncs(appID, connectorID string) ([]fx.Sync, error) {
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.st.lookup(appID, connectorID); err != nil {
		return nil, err
	}
	ids := s.st.connSyncs[connectorID]
	out := make([]fx.Sync, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = *s.st.syncs[id]
	}
	return out, nil
}

// Sync returns the sync with the given id, of any connector.
func (s *Store) Sync(id string) (fx.Sync, error) {
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	sy, ok := s.st.syncs[id]
	if !ok {
		return fx.Sync{}, &SyncNotFoundError{SyncID: id}
	}
	return *sy, nil
}

// connectorSync is the sync id of the connector (mu held).
func (st *state) connectorSync(appID, connectorID, id string) (*fx.Sync, error) {
	if _, err := st.lookup(appID, connectorID); err != nil {
		return nil, err
	}
	sy, ok := st.syncs[id]
	if !ok || sy.ConnectorID != connectorID {
		return nil, &SyncNotFoundError{AppID: appID, ConnectorID: connectorID, SyncID: id}
	}
	return sy, nil
}

// CompleteSync completes the running sync id now, as if its time had come. A sync that is
// not running is a *StateError.
func (s *Store) CompleteSync(id string) (fx.Sync, error) { return s.endSync(id, "") }

// FailSync ends the running sync id now, failed with the message as the connector's
// lastError ("sync failed" when empty). A sync that is not running is a *StateError.
func (s *Store) FailSync(id, message string) (fx.Sync, error) {
	if message == "" {
		message = msgSyncFailedAdmin
	}
	return s.endSync(id, message)
}

func (s *Store) endSync(id, lastError string) (fx.Sync, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	sy, ok := s.st.syncs[id]
	if !ok {
		return fx.Sync{}, &SyncNotFoundError{SyncID: id}
	}
	if r, ok := s.st.running[sy.ConnectorID]; !ok || r.id != id {
		return fx.Sync{}, &StateError{SyncID: id, Reason: reasonSyncNotRun}
	}
	st := s.own()
	done := st.finishSync(sy.ConnectorID, s.clock(), lastError)
	st.tidyDue()
	return *done, nil
}

// CompleteWork completes every running sync now; it returns how many it completed.
func (s *Store) CompleteWork() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.st.running) == 0 {
		return 0
	}
	st := s.own()
	now := s.clock()
	n := len(st.running)
	for conn := range st.running {
		st.finishSync(conn, now, "")
	}
	st.tidyDue()
	return n
}

// ConfirmSyncValid confirms the connector's completed sync id (again: no change). A running
// sync is a *StateError.
func (s *Store) ConfirmSyncValid(appID, connectorID, id string) (fx.Sync, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	sy, err := s.st.connectorSync(appID, connectorID, id)
	if err != nil {
		return fx.Sync{}, err
	}
	if sy.Status == fx.SyncRunning {
		return fx.Sync{}, &StateError{SyncID: id, Reason: reasonSyncRunning}
	}
	if sy.Confirmed {
		return *sy, nil
	}
	n := *sy
	n.Confirmed = true
	s.own().syncs[id] = &n
	return n, nil
}

// downloadable is the connector's sync id if it has a file: it completed successfully.
func (s *Store) downloadable(appID, connectorID, id string) (*fx.Sync, error) {
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	sy, err := s.st.connectorSync(appID, connectorID, id)
	switch {
	case err != nil:
		return nil, err
	case sy.Status == fx.SyncRunning:
		return nil, &StateError{SyncID: id, Reason: reasonSyncRunning}
	case sy.Status != fx.SyncDone:
		return nil, &StateError{SyncID: id, Reason: reasonSyncFailed}
	}
	return sy, nil
}

// SyncFile returns the file of the completed sync id: the bytes its download URL serves.
func (s *Store) SyncFile(id string) ([]byte, error) {
	sy, err := s.Sync(id)
	if err != nil || sy.Status != fx.SyncDone {
		return nil, &SyncNotFoundError{SyncID: id, File: true}
	}
	return fx.SyncFile(sy), nil
}

// snapshot adds the syncs and credentials to snap (mu held).
func (ss *syncState) snapshot(snap *snapshot) {
	snap.SyncsMade, snap.CredentialsMade = ss.syncsMade, ss.credsMade
	for _, ids := range sortedKeys(ss.connSyncs) {
		for _, id := range ss.connSyncs[ids] {
			snap.Syncs = append(snap.Syncs, *ss.syncs[id])
		}
	}
	for _, ids := range sortedKeys(ss.connCreds) {
		for _, id := range ss.connCreds[ids] {
			snap.Credentials = append(snap.Credentials, *ss.creds[id])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// checkSyncState refuses a snapshot's syncs and credentials that the store could not hold:
// repeated ids, ones of a connector the snapshot does not hold (conns: connector id -> app
// id), two running syncs of one connector, a status other than running, done or error.
func checkSyncState(snap *snapshot, conns map[string]string) error {
	ids, running := map[string]bool{}, map[string]bool{}
	for i, sy := range snap.Syncs {
		switch app, ok := conns[sy.ConnectorID]; {
		case sy.ID == "" || ids[sy.ID]:
			return fmt.Errorf("conductorone state: syncs[%d]: id %q empty or repeated", i, sy.ID)
		case !ok || app != sy.AppID:
			return fmt.Errorf("conductorone state: syncs[%d]: no connector %q in app %q", i, sy.ConnectorID, sy.AppID)
		case sy.Status != fx.SyncRunning && sy.Status != fx.SyncDone && sy.Status != fx.SyncError:
			return fmt.Errorf("conductorone state: syncs[%d]: status %q is none of %s, %s, %s", i, sy.Status, fx.SyncRunning, fx.SyncDone, fx.SyncError)
		case sy.Status == fx.SyncRunning && running[sy.ConnectorID]:
			return fmt.Errorf("conductorone state: syncs[%d]: a second running sync of connector %q", i, sy.ConnectorID)
		}
		if _, err := time.Parse(time.RFC3339Nano, sy.StartedAt); err != nil {
			return fmt.Errorf("conductorone state: syncs[%d]: startedAt: %w", i, err)
		}
		ids[sy.ID], running[sy.ConnectorID] = true, running[sy.ConnectorID] || sy.Status == fx.SyncRunning
	}
	ids = map[string]bool{}
	for i, c := range snap.Credentials {
		switch app, ok := conns[c.ConnectorID]; {
		case c.ID == "" || ids[c.ID]:
			return fmt.Errorf("conductorone state: credentials[%d]: id %q empty or repeated", i, c.ID)
		case !ok || app != c.AppID:
			return fmt.Errorf("conductorone state: credentials[%d]: no connector %q in app %q", i, c.ConnectorID, c.AppID)
		case c.ClientSecret != "":
			return fmt.Errorf("conductorone state: credentials[%d]: clientSecret: the store keeps no secret", i)
		}
		ids[c.ID] = true
	}
	return nil
}

// restoreSyncs fills st's syncs and credentials from a checked snapshot; a running sync is due
// work after its start.
func (st *state) restoreSyncs(snap *snapshot, work time.Duration) {
	st.syncsMade, st.credsMade = snap.SyncsMade, snap.CredentialsMade
	for i := range snap.Syncs {
		sy := snap.Syncs[i]
		st.syncs[sy.ID] = &sy
		st.connSyncs[sy.ConnectorID] = append(st.connSyncs[sy.ConnectorID], sy.ID)
		if sy.Status == fx.SyncRunning {
			started, _ := time.Parse(time.RFC3339Nano, sy.StartedAt) // checked
			st.startDue(sy.ConnectorID, sy.ID, started.Add(work))
		}
	}
	for i := range snap.Credentials {
		c := snap.Credentials[i]
		st.creds[c.ID] = &c
		st.connCreds[c.ConnectorID] = append(st.connCreds[c.ConnectorID], c.ID)
	}
}

// The HTTP side.

// syncHeader names the sync ForceSync started in its answer (a mock extension: the vendor's
// answer is empty, and its API has no other way to learn a sync's id).
const syncHeader = "Connectormock-Sync-Id"

// forceSync serves POST /api/v1/apps/{app_id}/connectors/{connector_id}/force_sync.
func (a *API) forceSync(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	sy, err := a.store.ForceSync(c.Params["app_id"], c.Params["connector_id"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	w.Header().Set(syncHeader, sy.ID)
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// pauseSync serves POST /api/v1/apps/{app_id}/connectors/{connector_id}/pause.
func (a *API) pauseSync(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if _, err := a.store.PauseSync(c.Params["app_id"], c.Params["connector_id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// resumeSync serves POST /api/v1/apps/{app_id}/connectors/{connector_id}/resume.
func (a *API) resumeSync(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if _, err := a.store.ResumeSync(c.Params["app_id"], c.Params["connector_id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// confirmSyncValid serves POST
// /api/v1/apps/{app_id}/connectors/{connector_id}/confirm_sync_valid/{sync_lifecycle_id}.
func (a *API) confirmSyncValid(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if _, err := a.store.ConfirmSyncValid(c.Params["app_id"], c.Params["connector_id"], c.Params["sync_lifecycle_id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// syncDownloadURL serves GET
// /api/v1/apps/{app_id}/connectors/{connector_id}/syncs/{sync_id}/download_url.
func (a *API) syncDownloadURL(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	sy, err := a.store.downloadable(c.Params["app_id"], c.Params["connector_id"], c.Params["sync_id"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct {
		DownloadURL string `json:"downloadUrl"`
	}{vendorapi.BaseURL(r) + syncFilesPrefix + sy.ID})
}

// serveSyncFile serves GET syncFilesPrefix+<sync id>, the file of a completed sync: what a
// download URL points at. Like a pre-signed URL, it needs no token.
func (a *API) serveSyncFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindMethodNotAllowed, Allow: []string{http.MethodGet, http.MethodHead}})
		return
	}
	id := r.URL.Path[len(syncFilesPrefix):]
	data, err := a.store.SyncFile(id)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.json"`)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

// RawRoutes implements vendorapi.RawRouter: the sync files.
func (a *mounted) RawRoutes() []vendorapi.RawRoute {
	return []vendorapi.RawRoute{{Prefix: syncFilesPrefix, Name: "conductorone.syncFile", Handler: http.HandlerFunc(a.serveSyncFile)}}
}

// CompleteWork implements vendorapi.Worker: every running sync completes now.
func (a *mounted) CompleteWork() int { return a.store.CompleteWork() }

func (s *Store) syncLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.syncs)
}

func (s *Store) credentialLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.creds)
}

// PutSync stores a copy of sy (fixtures/conductorone.NewSync builds one), replacing any sync
// with the same id; the connector's status is not changed. A running sync is pending work
// from then on, due WorkDuration after its start. A sync the store could not hold is refused
// with an *InvalidError, and nothing changes: one without an id, of a connector the store does
// not hold, with a status other than running, done or error, a startedAt that does not parse,
// or a second running sync of its connector.
func (s *Store) PutSync(sy fx.Sync) error {
	var bad []FieldError
	if sy.ID == "" {
		bad = append(bad, FieldError{"id", msgEmpty})
	}
	if sy.Status != fx.SyncRunning && sy.Status != fx.SyncDone && sy.Status != fx.SyncError {
		bad = append(bad, FieldError{"status", fmt.Sprintf("must be %s, %s or %s", fx.SyncRunning, fx.SyncDone, fx.SyncError)})
	}
	started, err := time.Parse(time.RFC3339Nano, sy.StartedAt)
	if err != nil {
		bad = append(bad, FieldError{"startedAt", "not an RFC 3339 timestamp"})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	if _, err := s.st.lookup(sy.AppID, sy.ConnectorID); err != nil {
		bad = append(bad, FieldError{"connectorId", err.Error()})
	}
	if r, ok := s.st.running[sy.ConnectorID]; ok && sy.Status == fx.SyncRunning && r.id != sy.ID {
		bad = append(bad, FieldError{"status", fmt.Sprintf(reasonRunning, r.id)})
	}
	if len(bad) > 0 {
		return &InvalidError{Fields: bad}
	}
	st := s.own()
	if old, ok := st.syncs[sy.ID]; ok {
		if r, ok := st.running[old.ConnectorID]; ok && r.id == sy.ID {
			delete(st.running, old.ConnectorID)
		}
		if old.ConnectorID != sy.ConnectorID {
			st.connSyncs[old.ConnectorID] = slices.DeleteFunc(slices.Clone(st.connSyncs[old.ConnectorID]), func(id string) bool { return id == sy.ID })
			st.connSyncs[sy.ConnectorID] = appendID(st.connSyncs[sy.ConnectorID], sy.ID)
		}
	} else {
		st.connSyncs[sy.ConnectorID] = appendID(st.connSyncs[sy.ConnectorID], sy.ID)
	}
	st.syncs[sy.ID] = &sy
	if sy.Status == fx.SyncRunning {
		st.startDue(sy.ConnectorID, sy.ID, started.Add(s.work))
	}
	st.tidyDue()
	return nil
}
