package conductorone

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Page sizes of List (AIP-158): 0 means the default, more than the maximum is the maximum.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// NewConnector is what Create and CreateDelegated store: Create sets Config, CreateDelegated
// DisplayName ("a connector that is pending a connector config").
type NewConnector struct {
	CatalogID   string           `json:"catalogId"`
	Config      fixtures.RawJSON `json:"config"`
	Description string           `json:"description"`
	DisplayName string           `json:"displayName"`
	UserIDs     []string         `json:"userIds"`
}

// Store holds the apps and connectors of one mock server. Every method is safe for concurrent
// use, returns copies (nothing returned aliases the store) and changes all or nothing.
//
// Stored values are immutable (see the package doc): a write stores a new value and never
// changes one in place, so the HTTP side renders a stored value as it is, and a state can be
// shared by stores until one of them writes.
type Store struct {
	clock   func() time.Time
	work    time.Duration // how long a sync takes on clock (vendorapi.Config.WorkDuration)
	fields  *field        // the connector's fields as update masks name them; read-only
	schemas *schemas      // read-only

	mu kit.SeededMutex // guards st and shared
	st *state
	// shared says st is the process's seeded state (seeded), which every store seeded alike
	// starts from: own copies it before the store's first change.
	shared bool
}

// state is the content of a store.
type state struct {
	seed uint64
	apps map[string]*fx.App
	// appSeqs and appList keep the apps in the order they were stored, as connectors are
	// kept (by sequence number, appsSeq the last handed out): Apps.List pages like List.
	appSeqs    map[string]uint64
	appList    *kit.Sorted[appKey]
	appsSeq    uint64
	appsMade   int // apps created through the API, to derive their ids
	connectors map[string]*entry
	// lists holds each app's connectors in List's order, by seq: a page is a binary search
	// for the token's place and a slice, whatever the store's size. No entry: no connectors.
	lists   map[string]*kit.Sorted[listKey]
	seq     uint64 // the last sequence number handed out
	created int    // connectors created through the API, to derive their ids
	syncState
	// catalog holds the catalog entries put with PutCatalogEntry, in front of the built-in
	// ones (fixtures/conductorone.Catalog), by id.
	catalog map[string]*fx.CatalogEntry
}

// entry is a stored connector; seq orders List and anchors its page tokens, so a page token
// stays valid when connectors before it are deleted or after it are created. An entry is
// never changed once stored: a change stores a new one.
type entry struct {
	seq uint64
	c   fx.Connector
	// normal says c is as it reads back from JSON (see normalise): true of what Update
	// stored, unknown of the rest.
	normal bool
}

// listKey is an entry's place in its app's list.
type listKey struct {
	seq uint64
	e   *entry
}

func bySeq(a, b listKey) int { return cmp.Compare(a.seq, b.seq) }

// appKey is an app's place in the list of apps.
type appKey struct {
	seq uint64
	app *fx.App
}

func byAppSeq(a, b appKey) int { return cmp.Compare(a.seq, b.seq) }

func newStore(cfg vendorapi.Config, fields *field, schemas *schemas) *Store {
	s := &Store{clock: cfg.Clock, work: cfg.WorkDuration, fields: fields, schemas: schemas}
	s.mu.Init(func() { s.reset(cfg) }) // the seed, on first use (see kit.SeededMutex)
	return s
}

// Reset puts the store back to the state cfg seeds: the documented app and connector first,
// then the generated apps and cfg.Connectors generated connectors.
func (s *Store) reseed(cfg vendorapi.Config) {
	s.mu.Skip()
	s.reset(cfg)
}

func (s *Store) reset(cfg vendorapi.Config) {
	st := seeded(cfg)
	s.mu.LockUnseeded()
	defer s.mu.Unlock()
	s.st, s.shared = st, true
}

// seeded is the state cfg seeds, built once per process for each seed and count and shared by
// every store so seeded: a server after the first costs a pointer, not the generation.
func seeded(cfg vendorapi.Config) *state {
	return kit.Seeded(kit.SeedKey{Vendor: Name, Seed: cfg.Seed, N: cfg.Connectors}, func() *state {
		st := newState(cfg.Seed)
		for _, app := range append([]fx.App{fx.DocumentedApp()}, fx.Apps(cfg.Seed)...) {
			st.putApp(&app)
		}
		for _, c := range append([]fx.Connector{fx.Documented()}, fx.Connectors(cfg.Seed, cfg.Connectors)...) {
			st.seq++
			st.insert(&entry{seq: st.seq, c: c.Clone()})
		}
		for _, sy := range fx.DocumentedSyncs() {
			st.syncs[sy.ID] = &sy
			st.connSyncs[sy.ConnectorID] = append(st.connSyncs[sy.ConnectorID], sy.ID)
		}
		cred := fx.DocumentedCredential()
		st.creds[cred.ID] = &cred
		st.connCreds[cred.ConnectorID] = []string{cred.ID}
		return st
	})
}

func newState(seed uint64) *state {
	return &state{seed: seed, apps: map[string]*fx.App{}, appSeqs: map[string]uint64{}, appList: kit.NewSorted(byAppSeq),
		connectors: map[string]*entry{}, lists: map[string]*kit.Sorted[listKey]{}, syncState: newSyncState(),
		catalog: map[string]*fx.CatalogEntry{}}
}

// own makes the store's state its own before a change (mu held for writing): a shared one is
// copied, its maps and lists (pointers to the immutable values, not the values).
func (s *Store) own() *state {
	if !s.shared {
		return s.st
	}
	st := *s.st
	st.apps = maps.Clone(st.apps)
	st.appSeqs = maps.Clone(st.appSeqs)
	st.appList = st.appList.Clone()
	st.syncState = st.syncState.clone()
	st.catalog = maps.Clone(st.catalog)
	st.connectors = maps.Clone(st.connectors)
	st.lists = make(map[string]*kit.Sorted[listKey], len(s.st.lists))
	for app, l := range s.st.lists {
		st.lists[app] = l.Clone()
	}
	s.st, s.shared = &st, false
	return s.st
}

// insert stores e, new or in place of the entry of the same id (and seq).
func (st *state) insert(e *entry) {
	if old := st.connectors[e.c.ID]; old != nil && old.c.AppID != e.c.AppID {
		st.lists[old.c.AppID].Delete(listKey{seq: old.seq})
	}
	st.connectors[e.c.ID] = e
	l := st.lists[e.c.AppID]
	if l == nil {
		l = kit.NewSorted(bySeq)
		st.lists[e.c.AppID] = l
	}
	l.Insert(listKey{e.seq, e}) // in place of the old key if it is there
}

// snapshot is the store's state on the wire: what Snapshot writes and Restore reads. Each
// connector keeps its sequence number, so page tokens survive an export and import.
type snapshot struct {
	// Seed is what the store's generated and created values derive from (created ids, ...).
	Seed       uint64          `json:"seed"`
	Apps       []fx.App        `json:"apps"`
	Connectors []snapshotEntry `json:"connectors"`
	Seq        uint64          `json:"seq"`
	Created    int             `json:"created"`
	// AppsCreated, SyncsMade and CredentialsMade count what the API created, to derive ids.
	AppsCreated     int             `json:"appsCreated,omitempty"`
	Syncs           []fx.Sync       `json:"syncs,omitempty"` // in the order they started
	SyncsMade       int             `json:"syncsMade,omitempty"`
	Credentials     []fx.Credential `json:"credentials,omitempty"` // in the order they were created
	CredentialsMade int             `json:"credentialsMade,omitempty"`
	// CatalogEntries are the entries put with PutCatalogEntry, by id.
	CatalogEntries []fx.CatalogEntry `json:"catalogEntries,omitempty"`
}

type snapshotEntry struct {
	Seq       uint64       `json:"seq"`
	Connector fx.Connector `json:"connector"`
}

// Snapshot returns the whole state as JSON: apps in stored order, connectors in List order.
func (s *Store) Snapshot() (json.RawMessage, error) {
	s.settle()
	s.mu.RLock()
	st := s.st
	snap := snapshot{Seed: st.seed, Apps: make([]fx.App, 0, len(st.apps)), Connectors: make([]snapshotEntry, 0, len(st.connectors)), Seq: st.seq, Created: st.created, AppsCreated: st.appsMade}
	for _, k := range st.appList.All() {
		snap.Apps = append(snap.Apps, *k.app)
	}
	st.syncState.snapshot(&snap)
	for _, id := range sortedKeys(st.catalog) {
		snap.CatalogEntries = append(snap.CatalogEntries, *st.catalog[id])
	}
	for _, e := range st.connectors {
		snap.Connectors = append(snap.Connectors, snapshotEntry{e.seq, e.c}) // immutable: shared, not copied
	}
	s.mu.RUnlock()
	slices.SortFunc(snap.Connectors, func(a, b snapshotEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	return json.Marshal(snap)
}

// Restore replaces the whole state with a snapshot. One that does not parse, repeats an id or
// a sequence number, or holds an app or a connector that PutApp or Put would refuse (one of
// an unknown app, say) is refused and changes nothing.
func (s *Store) Restore(data json.RawMessage) error {
	var snap snapshot
	if err := kit.DecodeSnapshot(Name, data, &snap); err != nil {
		return err
	}
	apps := map[string]bool{}
	for i := range snap.Apps {
		a := &snap.Apps[i]
		if err := s.checkApp(a); err != nil {
			return fmt.Errorf("conductorone state: apps[%d]: %w", i, err)
		}
		if apps[a.ID] {
			return fmt.Errorf("conductorone state: apps[%d]: repeated id %q", i, a.ID)
		}
		apps[a.ID] = true
	}
	ids, seqs := map[string]bool{}, map[uint64]bool{}
	for i := range snap.Connectors {
		e := &snap.Connectors[i]
		e.Connector = e.Connector.Clone()
		if err := s.checkConnector(&e.Connector, func(id string) bool { return apps[id] }); err != nil {
			return fmt.Errorf("conductorone state: connectors[%d]: %w", i, err)
		}
		switch {
		case ids[e.Connector.ID]:
			return fmt.Errorf("conductorone state: connectors[%d]: repeated id %q", i, e.Connector.ID)
		case e.Seq == 0 || e.Seq > snap.Seq || seqs[e.Seq]:
			return fmt.Errorf("conductorone state: connectors[%d]: seq %d must be unique and between 1 and seq %d", i, e.Seq, snap.Seq)
		}
		ids[e.Connector.ID], seqs[e.Seq] = true, true
	}
	for _, n := range []struct {
		name string
		n    int
	}{{"created", snap.Created}, {"appsCreated", snap.AppsCreated}, {"syncsMade", snap.SyncsMade}, {"credentialsMade", snap.CredentialsMade}} {
		if n.n < 0 {
			return fmt.Errorf("conductorone state: %s %d: must not be negative", n.name, n.n)
		}
	}
	conns := map[string]string{} // connector id -> app id
	for _, e := range snap.Connectors {
		conns[e.Connector.ID] = e.Connector.AppID
	}
	if err := checkSyncState(&snap, conns); err != nil {
		return err
	}
	entries := map[string]bool{}
	for i, e := range snap.CatalogEntries {
		if err := checkCatalogEntry(&e); err != nil {
			return fmt.Errorf("conductorone state: catalogEntries[%d]: %w", i, err)
		}
		if entries[e.ID] {
			return fmt.Errorf("conductorone state: catalogEntries[%d]: repeated id %q", i, e.ID)
		}
		entries[e.ID] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seed := s.st.seed
	if snap.Seed != 0 {
		seed = snap.Seed
	}
	st := newState(seed)
	st.seq, st.created, st.appsMade = snap.Seq, snap.Created, snap.AppsCreated
	for _, a := range snap.Apps {
		st.putApp(&a)
	}
	keys := map[string][]listKey{}
	for _, sc := range snap.Connectors {
		e := &entry{seq: sc.Seq, c: sc.Connector}
		st.connectors[e.c.ID] = e
		keys[e.c.AppID] = append(keys[e.c.AppID], listKey{e.seq, e})
	}
	for app, ks := range keys {
		st.lists[app] = kit.NewSortedFrom(bySeq, ks)
	}
	st.restoreSyncs(&snap, s.work)
	for i := range snap.CatalogEntries {
		st.catalog[snap.CatalogEntries[i].ID] = &snap.CatalogEntries[i]
	}
	s.st, s.shared = st, false
	return nil
}

// Seed is the seed the store's data was generated from (users are derived from it too).
func (s *Store) Seed() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.seed
}

// PutApp stores a copy of app, replacing any app with the same id. An app the server could
// not expand within its contract (checked as the API writes it against the spec's
// c1.api.app.v1.App: no id, an identityMatching it does not list, ...) is refused with an
// *InvalidError naming every offending field, and nothing changes.
func (s *Store) PutApp(app fx.App) error {
	if err := s.checkApp(&app); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.own().putApp(&app)
	return nil
}

// checkApp refuses an app the server could not serve: one without an id (the path names it),
// or one the spec's c1.api.app.v1.App refuses as the API writes it, expanded. PutApp and
// Restore share it.
func (s *Store) checkApp(app *fx.App) error {
	var bad []vendorapi.FieldError
	if app.ID == "" {
		bad = append(bad, vendorapi.FieldError{Field: "id", Message: msgEmpty})
	}
	return invalid(append(bad, s.schemas.app.Check(expandedApp{typeApp, app})...))
}

// putApp stores app, a copy of the caller's that is the store's from now on.
func (st *state) putApp(app *fx.App) {
	seq, ok := st.appSeqs[app.ID]
	if !ok {
		st.appsSeq++
		seq = st.appsSeq
		st.appSeqs[app.ID] = seq
	}
	st.apps[app.ID] = app
	st.appList.Insert(appKey{seq, app}) // in place of the old key if it is there
}

// Put stores a copy of c in its app (c.AppID), replacing any connector with the same id and
// keeping its place in List. A connector the server could not serve within its contract is
// refused with an *InvalidError naming every offending field, and nothing changes: one
// without an id, of an app the store does not hold, or one the spec's c1.api.app.v1.Connector
// refuses as the API writes it (a config without "@type", a status it does not list, ...).
func (s *Store) Put(c fx.Connector) error {
	c = c.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	if err := s.checkConnector(&c, func(id string) bool { return s.st.apps[id] != nil }); err != nil {
		return err
	}
	st := s.own()
	e := &entry{c: c}
	if old, ok := st.connectors[c.ID]; ok {
		e.seq = old.seq
	} else {
		st.seq++
		e.seq = st.seq
	}
	st.insert(e)
	return nil
}

// checkConnector refuses a connector (a Clone, as stored) that the server could not serve:
// one without an id, of an app that hasApp does not know, with a sync schedule
// UpdateConnectorSchedule would refuse (the spec types it as strings only), or one the spec's
// c1.api.app.v1.Connector refuses as the API writes it. Put (holding mu) and Restore share it.
func (s *Store) checkConnector(c *fx.Connector, hasApp func(id string) bool) error {
	var bad []vendorapi.FieldError
	if c.ID == "" {
		bad = append(bad, vendorapi.FieldError{Field: "id", Message: msgEmpty})
	}
	if !hasApp(c.AppID) {
		bad = append(bad, vendorapi.FieldError{Field: "appId", Message: fmt.Sprintf(msgApp, c.AppID)})
	}
	bad = append(bad, scheduleProblems(c.ConnectorSyncCronSchedule)...)
	return invalid(append(bad, s.schemas.connector.Check(c)...))
}

// App returns a copy of the app with the given id.
func (s *Store) App(id string) (fx.App, error) {
	a, err := s.app(id)
	if err != nil {
		return fx.App{}, err
	}
	return *a, nil
}

// app is the stored app (immutable: read it, never change it).
func (s *Store) app(id string) (*fx.App, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.st.apps[id]
	if !ok {
		return nil, &NotFoundError{AppID: id}
	}
	return a, nil
}

// Apps returns every app, in the order they were stored.
func (s *Store) Apps() []fx.App {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := s.st.appList.All()
	out := make([]fx.App, len(keys))
	for i, k := range keys {
		out[i] = *k.app
	}
	return out
}

// Len is the number of stored connectors.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.connectors)
}

// AppLen is the number of stored apps.
func (s *Store) AppLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.apps)
}

// Connector returns a copy of the connector id of app appID. A connector of another app is
// not found, as an unknown one is.
func (s *Store) Connector(appID, id string) (fx.Connector, error) {
	e, err := s.get(appID, id)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.c.Clone(), nil
}

// get is the stored entry (immutable: read it, never change it).
func (s *Store) get(appID, id string) (*entry, error) {
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.lookup(appID, id)
}

func (st *state) lookup(appID, id string) (*entry, error) {
	if _, ok := st.apps[appID]; !ok {
		return nil, &NotFoundError{AppID: appID}
	}
	e, ok := st.connectors[id]
	if !ok || e.c.AppID != appID {
		return nil, &NotFoundError{AppID: appID, ConnectorID: id}
	}
	return e, nil
}

// Connectors returns every connector of the app, in List's order.
func (s *Store) Connectors(appID string) ([]fx.Connector, error) {
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.st.apps[appID]; !ok {
		return nil, &NotFoundError{AppID: appID}
	}
	var keys []listKey
	if l := s.st.lists[appID]; l != nil {
		keys = l.All()
	}
	out := make([]fx.Connector, len(keys))
	for i, k := range keys {
		out[i] = k.e.c.Clone()
	}
	return out, nil
}

// List returns one page of the app's connectors: at most size of them (0 means
// DefaultPageSize, more than MaxPageSize means MaxPageSize), after the one the token points at
// ("" for the first page), and the token of the next page, "" on the last one.
func (s *Store) List(appID string, size int, token string) ([]fx.Connector, string, error) {
	page, next, err := s.page(appID, size, token)
	if err != nil {
		return nil, "", err
	}
	out := make([]fx.Connector, len(page))
	for i, e := range page {
		out[i] = e.c.Clone()
	}
	return out, next, nil
}

// page is List's page of stored entries (immutable: read them, never change them).
func (s *Store) page(appID string, size int, token string) ([]*entry, string, error) {
	switch {
	case size <= 0:
		size = DefaultPageSize
	case size > MaxPageSize:
		size = MaxPageSize
	}
	s.settle()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.st.apps[appID]; !ok {
		return nil, "", &NotFoundError{AppID: appID}
	}
	var after uint64
	if token != "" {
		var err error
		if after, err = parseToken(appID, token); err != nil {
			return nil, "", err
		}
	}
	l := s.st.lists[appID]
	if l == nil {
		return []*entry{}, "", nil
	}
	keys := l.Page(l.Search(listKey{seq: after + 1}), size+1)
	next := ""
	if len(keys) > size {
		keys = keys[:size]
		next = pageToken(appID, keys[size-1].seq)
	}
	out := make([]*entry, len(keys)) // the list's own slice may move once the lock is released
	for i, k := range keys {
		out[i] = k.e
	}
	return out, next, nil
}

// pageToken is opaque to clients; it names the app it belongs to and the sequence number of
// the last connector of the page.
func pageToken(appID string, seq uint64) string {
	var buf [64]byte
	raw := strconv.AppendUint(append(append(buf[:0], appID...), '/'), seq, 10)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func parseToken(appID, token string) (uint64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, &PageTokenError{Token: token}
	}
	app, seq, ok := strings.Cut(string(raw), "/")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || app != appID || err != nil || n == 0 {
		return 0, &PageTokenError{Token: token}
	}
	return n, nil
}

// Create stores a new connector in app appID, created and updated now, its sync status
// unspecified. Its id derives from the seed and the number of connectors created so far, so
// the same sequence of calls gives the same ids.
func (s *Store) Create(appID string, in NewConnector) (fx.Connector, error) {
	e, err := s.create(appID, in)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.c.Clone(), nil
}

func (s *Store) create(appID string, in NewConnector) (*entry, error) {
	if in.CatalogID == "" {
		return nil, &RequiredError{Field: "catalogId"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.catalogEntry(in.CatalogID); !ok {
		return nil, &UnknownCatalogError{CatalogID: in.CatalogID}
	}
	if _, ok := s.st.apps[appID]; !ok {
		return nil, &NotFoundError{AppID: appID}
	}
	st := s.own()
	var id string
	for {
		id = fx.CreatedID(st.seed, st.created)
		st.created++
		if _, taken := st.connectors[id]; !taken {
			break
		}
	}
	now := fx.Time(s.clock())
	st.seq++
	e := &entry{seq: st.seq, c: fx.Connector{
		ID:          id,
		AppID:       appID,
		CatalogID:   in.CatalogID,
		Config:      in.Config,
		CreatedAt:   now,
		Description: in.Description,
		DisplayName: in.DisplayName,
		UserIDs:     in.UserIDs,
		UpdatedAt:   now,
	}.Clone()}
	st.insert(e)
	return e, nil
}

// Update changes the connector id of app appID: it copies the fields that mask names (an
// update mask in its JSON form, nil or "" for every field changes sets) from changes, the
// request's connector as decoded JSON (encoded again here, to be read as a request's), and
// moves updatedAt to now. Read-only and identity fields of changes are ignored unless the
// mask names them, which is a *MaskError. Nothing changes on error.
func (s *Store) Update(appID, id string, changes map[string]any, mask *string) (fx.Connector, error) {
	var p patch
	if changes != nil {
		data, err := json.Marshal(changes)
		if err != nil {
			return fx.Connector{}, &ValueError{Err: err}
		}
		p.one = data
	}
	e, err := s.update(appID, id, &p, mask)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.c.Clone(), nil
}

// update is Update of a request's connector; it returns the stored entry (immutable).
func (s *Store) update(appID, id string, p *patch, mask *string) (*entry, error) {
	m, err := parsedMask(s.fields, mask)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	old, err := s.st.lookup(appID, id)
	if err != nil {
		return nil, err
	}
	e := &entry{seq: old.seq, normal: true}
	if err := m.updateInto(&e.c, s.fields, old, p, s.clock()); err != nil {
		return nil, err
	}
	s.own().insert(e)
	return e, nil
}

// Delete removes the connector id of app appID; it is gone from Connector and List.
func (s *Store) Delete(appID, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	e, err := s.st.lookup(appID, id)
	if err != nil {
		return err
	}
	s.own().deleteConnector(e)
	return nil
}

// deleteConnector removes e, its syncs and credentials (the store is owned).
func (st *state) deleteConnector(e *entry) {
	delete(st.connectors, e.c.ID)
	st.lists[e.c.AppID].Delete(listKey{seq: e.seq})
	st.forgetConnector(e.c.ID)
}

// decodeJSON decodes keeping numbers as written, so that values copied from a request are
// stored exactly.
func decodeJSON(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

// normaliseTimes stores the timestamps a client may set as the gateway does (UTC, "Z").
func normaliseTimes(c *fx.Connector) {
	for _, t := range []*string{&c.Status.CompletedAt, &c.Status.StartedAt, &c.Status.UpdatedAt} {
		*t = fx.NormaliseTime(*t)
	}
	if cs := c.ConnectorSyncCronSchedule; cs != nil && cs.Start != "" {
		if start := fx.NormaliseTime(cs.Start); start != cs.Start {
			n := *cs // the schedule may be a stored one's (see updateMask.update): change a copy
			n.Start = start
			c.ConnectorSyncCronSchedule = &n
		}
	}
}
