package productsup

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Sentinel errors; every error the store returns matches at most one of them (errors.Is).
var (
	// ErrNotFound: no such connector, or no such version of it.
	ErrNotFound = errors.New("connector not found")
	// ErrInvalid: a write's value breaks the contract (see *InvalidError).
	ErrInvalid = errors.New("invalid value")
)

// NotFoundError says which connector, or which version of it, does not exist.
type NotFoundError struct {
	ID      string
	Version string // "" when the connector itself is missing
}

func (e *NotFoundError) Error() string {
	if e.Version == "" {
		return fmt.Sprintf("connector %q not found", e.ID)
	}
	return fmt.Sprintf("version %q of connector %q not found", e.Version, e.ID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// FieldError is one offending field of a refused value: its path in the value as the API
// writes it ("versions[0].version", "target-accounts[1]") and what is wrong with it, in the
// words of request validation.
type FieldError struct {
	Field, Message string
}

// InvalidError lists every offending field of a value that a write refused: one the server
// could not serve within its contract, or one the HTTP side would refuse. The write changed
// nothing.
type InvalidError struct {
	Fields []FieldError
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// invalid is the *InvalidError of what a contract.Schema found, or nil.
func invalid(fields []vendorapi.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	e := &InvalidError{Fields: make([]FieldError, len(fields))}
	for i, f := range fields {
		e.Fields[i] = FieldError{f.Field, f.Message}
	}
	return e
}

// AccessError lists the ids of an enable or disable request that are not in the version's
// target lists; the request changed nothing.
type AccessError struct {
	Enable                    bool
	Sites, Accounts, Projects []int64
}

func (e *AccessError) Error() string {
	return fmt.Sprintf("not in target lists: sites %v, accounts %v, projects %v", e.Sites, e.Accounts, e.Projects)
}

// Access names the accounts, projects and sites of an enable or disable request. (A nil list
// is left out of the JSON, as from a request body that does not name it.)
type Access struct {
	Accounts []int64 `json:"accounts,omitzero"`
	Projects []int64 `json:"projects,omitzero"`
	Sites    []int64 `json:"sites,omitzero"`
}

// Targets names target lists. A nil list is absent: Add and Replace leave that list alone.
type Targets struct {
	Accounts []int64 `json:"target-accounts,omitzero"`
	Projects []int64 `json:"target-projects,omitzero"`
	Sites    []int64 `json:"target-sites,omitzero"`
}

// NewConnector is the body of a create request.
type NewConnector struct {
	Type        string  `json:"connector-type"`
	Name        string  `json:"connector-name"`
	Description *string `json:"connector-description"`
	Readme      *string `json:"readme"`
}

// Filter selects connectors for List. Zero values select everything.
type Filter struct {
	Name     string // substring of the name, case-insensitive
	Type     string
	Owner    string
	Released *bool // has (true) or has not (false) a released version
	// Visible, when set, is the only owner whose connectors may be listed (an integrator's
	// list); unlike Owner it is no query the client chose.
	Visible string
}

// Store holds the Productsup connectors of one mock server. Every method is safe for
// concurrent use and returns copies: nothing returned aliases the store.
//
// Stored connectors are immutable (see the package doc): a write stores a new value, so the
// HTTP side renders stored values as they are, after the lock is released.
type Store struct {
	clock   func() time.Time
	workFor time.Duration // how long background work takes (Config.WorkDuration)
	schemas *schemas      // read-only

	mu    kit.SeededMutex  // guards st, owned and cfg
	cfg   vendorapi.Config // what the store was seeded with
	st    *state
	owned bool // st is this store's own; if not, it is the seed, shared: the first write copies it
}

// state is the whole data of a store. The seed's (see seeded) is shared by every store of
// the process seeded alike and never changes; a store that writes copies it first (own).
type state struct {
	seed       uint64
	connectors map[string]row
	order      *kit.Sorted[row] // List's order: the order connectors were first stored in
	bin        *kit.Sorted[row] // the binned connectors (bin.go), in the same order
	next       int              // the position the next new connector takes
	created    int              // connectors created through the API, to derive their ids

	// Background work (states.go): every state by id, in the order it started, by version
	// ("<id>/<major>"), by the user who started it (an integrator's list, triggered_by), and
	// the ids still pending, in start order (so also in due order).
	work      map[string]*Work // immutable values, swapped when they settle
	workOrder []string
	byVersion map[string][]string
	byOwner   map[string][]string
	pending   []string
	workCount int   // states started, to derive their ids
	platform  int64 // platform ids handed out (see platformID)

	// facets are the list orders of what the lists filter by (see facetKeys), kept at write
	// time like order and bin; gen tells which of them this state may change in place.
	facets map[facetKey]facet
	gen    uint64

	metadata      map[string]*Metadata        // by connector id (management.go); immutable values
	metadataCount int                         // metadata records added, to derive their ids
	orgs          map[string]*fx.Organization // by uuid; immutable values
	logos         map[string][]byte           // uploaded logos by "<id>/<major>" (logo.go); never changed in place
}

// row is a stored connector with what List reads of it, derived when it is stored.
type row struct {
	pos    int           // where it is in stored order; rows compare by it (unique: a total order)
	c      *fx.Connector // immutable; c.Main points into c.Versions
	name   string        // c.Name lower-cased, for the name filter
	binned bool          // in the bin (every version deleted), so in st.bin instead of st.order
}

func byPos(a, b row) int { return a.pos - b.pos }

// facet is the list order of the connectors that share one value of a filter (one owner, one
// type, released or not), in stored order like st.order. A state shares its seed's facets
// until it changes one: gen is the state generation that made rows, and another state clones
// rows before its first change (so a store's first write copies the facet map, not every
// facet).
type facet struct {
	rows *kit.Sorted[row]
	gen  uint64
}

// generations numbers states, for facet.gen: no two states share one.
var generations atomic.Uint64

// facetKey names a facet: one value of one filter, in the bin or out of it.
type facetKey struct {
	inBin         bool
	filter, value string // filter: "owner", "type" or "released" (value "yes" or "no")
}

// facetKeys are the facets r belongs to, the first n of keys: its owner's, and out of the bin
// its type's and released or not (GET /connectors filters by owners, type and released, GET
// /connectors/bin by owners only). Name is no facet: a substring is matched by scanning (see
// listOf). Keys are values, so that a write allocates none.
func facetKeys(r row) (keys [3]facetKey, n int) {
	if r.binned {
		keys[0] = facetKey{true, "owner", r.c.Owner}
		return keys, 1
	}
	released := "no"
	if r.c.Main != nil {
		released = "yes"
	}
	keys[0], keys[1], keys[2] = facetKey{false, "owner", r.c.Owner}, facetKey{false, "type", r.c.Type}, facetKey{false, "released", released}
	return keys, 3
}

// writableFacet is the facet under key for a change: its own (a clone of a shared one), or a
// new one.
func (st *state) writableFacet(key facetKey) *kit.Sorted[row] {
	f, ok := st.facets[key]
	switch {
	case !ok:
		f = facet{kit.NewSorted(byPos), st.gen}
	case f.gen != st.gen:
		f = facet{f.rows.Clone(), st.gen}
	default:
		return f.rows
	}
	st.facets[key] = f
	return f.rows
}

// newState is an empty state under seed.
func newState(seed uint64) *state {
	return &state{seed: seed, connectors: map[string]row{}, order: kit.NewSorted(byPos), bin: kit.NewSorted(byPos),
		facets: map[facetKey]facet{}, gen: generations.Add(1),
		work: map[string]*Work{}, byVersion: map[string][]string{}, byOwner: map[string][]string{},
		metadata: map[string]*Metadata{}, orgs: map[string]*fx.Organization{}, logos: map[string][]byte{}}
}

// clone copies the maps and the order (rows are values, connectors are shared: immutable).
func (st *state) clone() *state {
	out := *st
	out.connectors = maps.Clone(st.connectors)
	out.order = st.order.Clone()
	out.bin = st.bin.Clone()
	out.facets, out.gen = maps.Clone(st.facets), generations.Add(1) // facets are cloned as they change
	out.work = maps.Clone(st.work)
	out.metadata = maps.Clone(st.metadata)
	out.orgs = maps.Clone(st.orgs)
	out.logos = maps.Clone(st.logos)
	out.workOrder = slices.Clone(st.workOrder)
	out.pending = slices.Clone(st.pending)
	out.byVersion = make(map[string][]string, len(st.byVersion))
	for k, ids := range st.byVersion {
		out.byVersion[k] = slices.Clone(ids)
	}
	out.byOwner = make(map[string][]string, len(st.byOwner))
	for k, ids := range st.byOwner {
		out.byOwner[k] = slices.Clone(ids)
	}
	return &out
}

// put stores c, which nothing else may hold: in the place of the connector with its id if there
// is one, else at the end of the order.
func (st *state) put(c *fx.Connector) {
	c.Main = fx.ReleasedVersion(c)
	r, ok := st.connectors[c.ID]
	if !ok {
		r.pos = st.next
		st.next++
	}
	old := r
	r.c, r.name, r.binned = c, strings.ToLower(c.Name), binned(c)
	st.connectors[c.ID] = r
	if ok && old.binned != r.binned {
		st.orderOf(old.binned).Delete(r) // moved into or out of the bin
	}
	st.orderOf(r.binned).Insert(r) // replaces the row at r.pos, or inserts it in order
	keys, n := facetKeys(r)
	if ok {
		was, m := facetKeys(old)
		for _, k := range was[:m] {
			if !slices.Contains(keys[:n], k) { // the row left this facet
				f := st.writableFacet(k)
				if f.Delete(old); f.Len() == 0 {
					delete(st.facets, k)
				}
			}
		}
	}
	for _, k := range keys[:n] {
		st.writableFacet(k).Insert(r)
	}
}

// seeded is the state cfg seeds: the documented data set, then cfg.Connectors generated
// connectors. It is built once per process for each (seed, count) and shared.
func seeded(cfg vendorapi.Config) *state {
	return kit.Seeded(kit.SeedKey{Vendor: Name, Seed: cfg.Seed, N: cfg.Connectors}, func() *state {
		return buildSeed(cfg.Seed, cfg.Connectors)
	})
}

func buildSeed(seed uint64, n int) *state {
	st := newState(seed)
	doc, binned := fx.Documented(), fx.DocumentedBinned()
	st.put(&doc)
	st.put(&binned)
	org := fx.DocumentedOrganization()
	st.orgs[org.UUID] = &org
	// The documented version is on dev: its sync with the runtime is done.
	w := &Work{ID: fx.DocumentedStateID, Status: statusDone, Name: actionSyncRuntime, Owner: fx.DocumentedOwner,
		Created: doc.Versions[0].CreatedAt, Connector: doc.ID, Major: 1, From: doc.Versions[0].State}
	w.Due, _ = time.Parse(fx.TimeFormat, w.Created)
	st.work[w.ID], st.workOrder = w, []string{w.ID}
	st.byVersion[versionKey(doc.ID, 1)] = []string{w.ID}
	st.byOwner[w.Owner] = []string{w.ID}
	for i, c := range fx.Connectors(seed, n) {
		c := normalised(c) // generated values are fresh (and as Clone writes them): no copy
		st.put(&c)
		if i == 0 {
			// The metadata page's record, on a connector of its own: the documented connector
			// has none, so that the page's add request answers 200.
			st.metadata[c.ID] = documentedMetadata(&c)
		}
	}
	return st
}

func newStore(cfg vendorapi.Config, schemas *schemas) *Store {
	s := &Store{clock: cfg.Clock, workFor: cfg.WorkDuration, schemas: schemas}
	s.mu.Init(func() { s.reset(cfg) }) // the seed, on first use (see kit.SeededMutex)
	return s
}

// Reset puts the store back to the state cfg seeds: the documented data set, then
// cfg.Connectors generated connectors. Nothing of the old state is kept.
func (s *Store) reseed(cfg vendorapi.Config) {
	s.mu.Skip()
	s.reset(cfg)
}

func (s *Store) reset(cfg vendorapi.Config) {
	st := seeded(cfg)
	s.mu.LockUnseeded()
	defer s.mu.Unlock()
	cfg.Blobs.Release(s.st.logoBytes())
	s.st, s.owned, s.workFor, s.cfg = st, false, cfg.WorkDuration, cfg
}

// config is what the store was seeded with.
func (s *Store) config() vendorapi.Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cfg
}

// own makes s.st the store's own before a write (copy on write); under the write lock.
func (s *Store) own() *state {
	if !s.owned {
		s.st, s.owned = s.st.clone(), true
	}
	return s.st
}

// snapshot is the store's state on the wire: what Snapshot writes and Restore reads.
type snapshot struct {
	// Seed is what the store's generated and created values derive from (created ids, ...).
	Seed       uint64         `json:"seed"`
	Connectors []fx.Connector `json:"connectors"`
	Created    int            `json:"created"`
	// States is the background work, in the order it started; StatesStarted and PlatformIDs
	// are the counters the next state id and platform id derive from.
	States        []Work `json:"states,omitempty"`
	StatesStarted int    `json:"states-started,omitempty"`
	PlatformIDs   int64  `json:"platform-ids,omitempty"`
	// Metadata are the connectors' metadata records, by connector id order of writing;
	// MetadataAdded derives the next record's uuid.
	Metadata      []Metadata        `json:"metadata,omitempty"`
	MetadataAdded int               `json:"metadata-added,omitempty"`
	Organizations []fx.Organization `json:"organizations"`
	// Logos are the uploaded logos by "<id>/<major>" (base64 in JSON).
	Logos map[string][]byte `json:"logos,omitempty"`
}

// Snapshot returns the whole state as JSON: every connector in stored order, and the count of
// connectors created through the API (which the next created id derives from). main is
// derived state: a snapshot writes it null.
func (s *Store) Snapshot() (json.RawMessage, error) {
	s.settleDue()
	s.mu.RLock()
	snap := snapshot{Seed: s.st.seed, Connectors: make([]fx.Connector, 0, s.st.order.Len()), Created: s.st.created,
		StatesStarted: s.st.workCount, PlatformIDs: s.st.platform}
	for _, id := range s.st.workOrder {
		snap.States = append(snap.States, *s.st.work[id])
	}
	snap.MetadataAdded = s.st.metadataCount
	for _, id := range slices.Sorted(maps.Keys(s.st.metadata)) {
		snap.Metadata = append(snap.Metadata, *s.st.metadata[id])
	}
	if len(s.st.logos) > 0 {
		snap.Logos = maps.Clone(s.st.logos) // the map changes after the lock is released; the files never do
	}
	snap.Organizations = []fx.Organization{}
	for _, id := range slices.Sorted(maps.Keys(s.st.orgs)) {
		snap.Organizations = append(snap.Organizations, *s.st.orgs[id])
	}
	for _, r := range slices.Concat(s.st.order.All(), s.st.bin.All()) {
		c := *r.c // shares the stored connector's memory, which no write changes
		c.Main = nil
		snap.Connectors = append(snap.Connectors, c)
	}
	s.mu.RUnlock()
	return json.Marshal(snap)
}

// Restore replaces the whole state with a snapshot. A snapshot that does not parse, repeats a
// connector id, or holds a connector that Put would refuse is refused and changes nothing.
func (s *Store) Restore(data json.RawMessage) error {
	var snap snapshot
	if err := kit.DecodeSnapshot(Name, data, &snap); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i := range snap.Connectors {
		c := &snap.Connectors[i]
		*c = normalised(c.Clone()) // Clone: a list the snapshot writes null is stored empty, as Put stores it
		if err := s.check(c); err != nil {
			return fmt.Errorf("productsup state: connectors[%d]: %w", i, err)
		}
		if seen[c.ID] {
			return fmt.Errorf("productsup state: connectors[%d]: repeated id %q", i, c.ID)
		}
		seen[c.ID] = true
	}
	seenWork := map[string]bool{}
	for i, w := range snap.States {
		if w.ID == "" || seenWork[w.ID] || !slices.Contains(actions, w.Name) ||
			!slices.Contains([]string{statusPending, statusDone, statusFailed}, w.Status) {
			return fmt.Errorf("productsup state: states[%d]: needs a unique id, a known name and status", i)
		}
		seenWork[w.ID] = true
	}
	if snap.Created < 0 {
		return fmt.Errorf("productsup state: created %d: must not be negative", snap.Created)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seed := s.st.seed
	if snap.Seed != 0 {
		seed = snap.Seed
	}
	st := newState(seed)
	st.created, st.workCount, st.platform, st.metadataCount = snap.Created, snap.StatesStarted, snap.PlatformIDs, snap.MetadataAdded
	for i := range snap.Metadata {
		m := snap.Metadata[i]
		st.metadata[m.Connector.ID] = &m
	}
	for i := range snap.Organizations {
		o := snap.Organizations[i].Clone()
		st.orgs[o.UUID] = &o
	}
	for k, data := range snap.Logos {
		st.logos[k] = data
	}
	for i := range snap.Connectors {
		st.put(&snap.Connectors[i])
	}
	for i := range snap.States {
		w := snap.States[i]
		st.work[w.ID] = &w
		st.workOrder = append(st.workOrder, w.ID)
		key := versionKey(w.Connector, w.Major)
		st.byVersion[key] = append(st.byVersion[key], w.ID)
		st.byOwner[w.Owner] = append(st.byOwner[w.Owner], w.ID)
		if w.Status == statusPending {
			st.pending = append(st.pending, w.ID)
		}
	}
	s.cfg.Blobs.Release(s.st.logoBytes())
	s.cfg.Blobs.Charge(st.logoBytes()) // a restore is taken whole (kit.ByteBudget.Charge)
	s.st, s.owned = st, true
	return nil
}

// Put stores a copy of c, replacing any connector with the same id (typed access for tests).
// A connector the server could not serve within its contract (checked as the API writes it
// against the spec's Connector: a public id that is no UUID, a version "1", ...) is refused
// with an *InvalidError naming every offending field, and nothing changes.
func (s *Store) Put(c fx.Connector) error {
	c = normalised(c.Clone())
	if err := s.check(&c); err != nil {
		return err
	}
	s.lock()
	defer s.mu.Unlock()
	s.own().put(&c)
	return nil
}

// check refuses a normalised connector that the server could not serve: the spec's Connector,
// of c as the API writes it, is the only rule (it requires a public id, a UUID). Put and
// Restore share it.
func (s *Store) check(c *fx.Connector) error {
	shown := *c // shares c's memory, to be written and forgotten
	shown.Main = fx.ReleasedVersion(c)
	return invalid(s.schemas.connector.Check(shown))
}

// normalised returns c with its versions sorted by major and no main version (put derives it
// from main-version-number). It sorts c's own versions: c must be a value nothing else holds.
func normalised(c fx.Connector) fx.Connector {
	c.Main = nil
	slices.SortStableFunc(c.Versions, func(a, b fx.Version) int {
		return fx.Major(a.Version) - fx.Major(b.Version)
	})
	return c
}

// Len is the number of stored connectors out of the bin (those GET /connectors lists).
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st.order.Len()
}

// Connector returns a copy of the connector with the given public id.
func (s *Store) Connector(id string) (fx.Connector, error) {
	c, err := s.connector(id)
	if err != nil {
		return fx.Connector{}, err
	}
	return c.Clone(), nil
}

// connector is the stored connector with the given public id: the HTTP side's read, which
// renders it without a copy (it never changes).
func (s *Store) connector(id string) (*fx.Connector, error) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.st.connectors[id]
	if !ok || r.binned {
		return nil, &NotFoundError{ID: id}
	}
	return r.c, nil
}

// List returns the connectors that match f, in stored order, from offset from, at most limit
// of them, and how many match in all. Without a filter, or with one of owner, type and
// released, its cost does not depend on how many connectors there are; a name filter scans
// the connectors the other filters leave (all of them, without one).
func (s *Store) List(f Filter, from, limit int) ([]fx.Connector, int) {
	page, total := s.list(f, from, limit)
	out := make([]fx.Connector, len(page))
	for i, c := range page {
		out[i] = c.Clone()
	}
	return out, total
}

// list is List for the HTTP side: the stored connectors themselves, rendered without copies.
// The unfiltered list is a slice of the stored order, its total the order's length; a list
// filtered by owner (an integrator's own list included), type or released is a slice of that
// value's facet, kept at write time in the same order: neither cost grows with the store.
// Further filters (a name, or a second indexed filter) scan the smallest facet that applies.
func (s *Store) list(f Filter, from, limit int) ([]*fx.Connector, int) {
	return s.listOf(false, f, from, limit)
}

// listOf is list over the connectors in the bin (inBin) or out of it.
func (s *Store) listOf(inBin bool, f Filter, from, limit int) ([]*fx.Connector, int) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	rows, rest, some := s.st.narrowest(inBin, f)
	if !some {
		return []*fx.Connector{}, 0 // written [], never null
	}
	if rest == (Filter{}) {
		page := rows.Page(from, limit)
		out := make([]*fx.Connector, len(page))
		for i, r := range page {
			out[i] = r.c
		}
		return out, rows.Len()
	}
	name := strings.ToLower(rest.Name)
	out := []*fx.Connector{}
	total := 0
	for _, r := range rows.All() {
		c := r.c
		if name != "" && !strings.Contains(r.name, name) ||
			rest.Type != "" && c.Type != rest.Type ||
			rest.Owner != "" && c.Owner != rest.Owner ||
			rest.Released != nil && *rest.Released != (c.Main != nil) {
			continue
		}
		if total >= from && len(out) < limit {
			out = append(out, c)
		}
		total++
	}
	return out, total
}

// narrowest is the smallest list order holding every connector f selects (the whole order,
// or the facet of one of its owner, type and released values) and what of f its rows still
// have to be checked against. some is false when no connector can match: a value no
// connector has, or an owner filter other than the integrator's own.
func (st *state) narrowest(inBin bool, f Filter) (rows *kit.Sorted[row], rest Filter, some bool) {
	if f.Visible != "" {
		if f.Owner != "" && f.Owner != f.Visible {
			return nil, f, false
		}
		f.Owner, f.Visible = f.Visible, ""
	}
	rows, rest = st.orderOf(inBin), f
	whole := true
	narrow := func(filter, value string, without Filter) bool {
		fc, ok := st.facets[facetKey{inBin, filter, value}]
		if ok && (whole || fc.rows.Len() < rows.Len()) {
			rows, rest, whole = fc.rows, without, false
		}
		return ok
	}
	if f.Owner != "" {
		w := f
		w.Owner = ""
		if !narrow("owner", f.Owner, w) {
			return nil, f, false
		}
	}
	if inBin {
		return rows, rest, true // the bin's only facet is the owner's
	}
	if f.Type != "" {
		w := f
		w.Type = ""
		if !narrow("type", f.Type, w) {
			return nil, f, false
		}
	}
	if f.Released != nil {
		w := f
		w.Released = nil
		value := "no"
		if *f.Released {
			value = "yes"
		}
		if !narrow("released", value, w) {
			return nil, f, false
		}
	}
	return rows, rest, true
}

// Version returns a copy of one version of a connector; ref is a major number, "latest" or
// "main" (see resolve).
func (s *Store) Version(id, ref string) (fx.Version, error) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, i, err := s.resolve(id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	return c.Versions[i].Clone(), nil
}

// resolve finds a stored version: the connector and the version's index in it. ref is a major
// number; "latest", the highest version; "main", the released version that main-version-number
// names.
func (s *Store) resolve(id, ref string) (*fx.Connector, int, error) {
	r, ok := s.st.connectors[id]
	if !ok || r.binned {
		return nil, 0, &NotFoundError{ID: id}
	}
	c, at := r.c, -1
	switch ref {
	case "latest":
		at = len(c.Versions) - 1
	case "main":
		if c.Main != nil {
			for i := range c.Versions {
				if &c.Versions[i] == c.Main {
					at = i
				}
			}
		}
	default:
		if major, err := strconv.Atoi(ref); err == nil {
			for i := range c.Versions {
				if fx.Major(c.Versions[i].Version) == major {
					at = i
				}
			}
		}
	}
	if at < 0 {
		return nil, 0, &NotFoundError{ID: id, Version: ref}
	}
	return c, at, nil
}

// withVersion is the start of a write to version i of c: a copy of c whose versions slice is
// its own, for the caller to replace (never change) what the write changes in version i.
// The rest is shared with c, which is safe because stored values are never changed in place
// (and cheaper than a deep copy by some forty allocations a version). put derives Main.
func withVersion(c *fx.Connector, i int) (*fx.Connector, *fx.Version) {
	out := *c
	out.Versions = slices.Clone(c.Versions)
	return &out, &out.Versions[i]
}

// SetAccess enables (adds to enabled-for-*) or disables (removes from enabled-for-*) the
// version's access for the given ids. Enabling needs a version created on the platform (a
// production platform connector), else the answer is a *TransitionError, and one not
// released (a *RuleError: a released version is global, unrelease it first). Every id must be in
// the matching target list; if one is not, the answer is an *AccessError and nothing changes. Enabled ids keep their order and
// new ones are appended in request order, never twice; disabling an id that is not enabled
// does nothing. updated-at does not move. Ids the HTTP side would refuse (the spec's
// AccessTargets: each at least 1) are an *InvalidError.
func (s *Store) SetAccess(id, ref string, enable bool, a Access) (fx.Version, error) {
	if err := invalid(s.schemas.access.Check(a)); err != nil {
		return fx.Version{}, err
	}
	v, err := s.setAccess(id, ref, enable, a)
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// setAccess is SetAccess for a request body that validation has checked already; it returns
// the stored version, which the HTTP side renders without a copy. A request that changes
// nothing (a repeated disable) stores nothing.
func (s *Store) setAccess(id, ref string, enable bool, a Access) (*fx.Version, error) {
	s.lock()
	defer s.mu.Unlock()
	c, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, err
	}
	p := &c.Versions[i].PlatformProdReference
	if enable && p.PlatformConnector == nil {
		// "In order to perform this operation, the connector should have been created on the
		// platform" (the enable page); the release guide's prerequisite: "Have a platform
		// connector ID (created during the sync process)". Disabling ("grant and revoke access
		// at any time") needs none.
		return nil, &TransitionError{c.Versions[i].State}
	}
	if enable && p.Released {
		// "Releasing globally clears all specific access grants. ... This is a one-way
		// transition — if you need to go back to limited access, you'll need to unrelease first
		// and then re-enable specific access." (the release guide)
		return nil, fieldRule("version", msgAlreadyReleased)
	}
	sites, accounts, projects := missing(a.Sites, p.TargetSites), missing(a.Accounts, p.TargetAccounts), missing(a.Projects, p.TargetProjects)
	if len(sites)+len(accounts)+len(projects) > 0 {
		return nil, &AccessError{Enable: enable, Sites: sites, Accounts: accounts, Projects: projects}
	}
	change := without
	if enable {
		change = with
	}
	accounts, projects, sites = change(p.EnabledForAccounts, a.Accounts), change(p.EnabledForProjects, a.Projects), change(p.EnabledForSites, a.Sites)
	if len(accounts) == len(p.EnabledForAccounts) && len(projects) == len(p.EnabledForProjects) && len(sites) == len(p.EnabledForSites) {
		return &c.Versions[i], nil // with and without answer the list itself when it does not change
	}
	c, v := withVersion(c, i)
	p = &v.PlatformProdReference
	p.EnabledForAccounts, p.EnabledForProjects, p.EnabledForSites = accounts, projects, sites
	s.own().put(c)
	return v, nil
}

// AddTargets adds ids to the version's target lists, keeping the existing ones. Ids the HTTP
// side would refuse (the spec's Targets: each at least 1) are an *InvalidError.
func (s *Store) AddTargets(id, ref string, t Targets) (fx.Version, error) {
	if err := invalid(s.schemas.targets.Check(t)); err != nil {
		return fx.Version{}, err
	}
	return cloned(s.addTargets(id, ref, t))
}

// ReplaceTargets replaces the target lists that t names (a nil list is left alone). An id that
// leaves a target list also leaves the matching enabled-for list. Ids the HTTP side would
// refuse are an *InvalidError, as for AddTargets.
func (s *Store) ReplaceTargets(id, ref string, t Targets) (fx.Version, error) {
	if err := invalid(s.schemas.targets.Check(t)); err != nil {
		return fx.Version{}, err
	}
	return cloned(s.replaceTargets(id, ref, t))
}

// cloned is the typed answer of a write that returns a stored version.
func cloned(v *fx.Version, err error) (fx.Version, error) {
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// addTargets and replaceTargets are AddTargets and ReplaceTargets for a request body that
// validation has checked already.
func (s *Store) addTargets(id, ref string, t Targets) (*fx.Version, error) {
	return s.changeTargets(id, ref, t, with)
}

func (s *Store) replaceTargets(id, ref string, t Targets) (*fx.Version, error) {
	return s.changeTargets(id, ref, t, func(_, ids []int64) []int64 { return with([]int64{}, ids) })
}

// changeTargets applies change to the target lists t names (a nil list is left alone), and
// drops from each enabled-for list the ids its target list lost. change returns a new list, or
// its first argument itself when the list is unchanged. A request that changes nothing stores
// nothing.
func (s *Store) changeTargets(id, ref string, t Targets, change func(have, ids []int64) []int64) (*fx.Version, error) {
	s.lock()
	defer s.mu.Unlock()
	c, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, err
	}
	p := &c.Versions[i].PlatformProdReference
	lists := [...]struct{ ids, target, enabled []int64 }{
		{t.Accounts, p.TargetAccounts, p.EnabledForAccounts},
		{t.Projects, p.TargetProjects, p.EnabledForProjects},
		{t.Sites, p.TargetSites, p.EnabledForSites},
	}
	changed := false
	for k := range lists {
		l := &lists[k]
		if l.ids == nil {
			continue
		}
		target := change(l.target, l.ids)
		enabled := keepOnly(l.enabled, target)
		if !slices.Equal(target, l.target) || len(enabled) != len(l.enabled) {
			l.target, l.enabled, changed = target, enabled, true
		}
	}
	if !changed {
		return &c.Versions[i], nil
	}
	c, v := withVersion(c, i)
	p = &v.PlatformProdReference
	p.TargetAccounts, p.EnabledForAccounts = lists[0].target, lists[0].enabled
	p.TargetProjects, p.EnabledForProjects = lists[1].target, lists[1].enabled
	p.TargetSites, p.EnabledForSites = lists[2].target, lists[2].enabled
	s.own().put(c)
	return v, nil
}

// Create stores a new connector with version 1.0.0 in state "created", owned by the named
// principal (a UUID derived from the seed and the name). Its public id derives from the seed
// and the number of connectors created so far, so the same calls give the same ids. Values
// the HTTP side would refuse (the spec's ConnectorCreate: a type it does not list, an empty
// name, ...) are an *InvalidError, and nothing is created.
func (s *Store) Create(in NewConnector, principal string) (fx.Connector, error) {
	if err := invalid(s.schemas.create.Check(in)); err != nil {
		return fx.Connector{}, err
	}
	// The stored connector keeps the strings: they must not be the caller's.
	in.Description, in.Readme = clonePtr(in.Description), clonePtr(in.Readme)
	return s.create(in, principal).Clone(), nil
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// create is Create for a request body that validation has checked already; it returns the
// stored connector.
func (s *Store) create(in NewConnector, principal string) *fx.Connector {
	s.lock()
	defer s.mu.Unlock()
	return s.createLocked(in, principal, nil)
}

// createLocked is create under the write lock; edit, if not nil, finishes the new connector
// (a copy's configuration) before it is stored.
func (s *Store) createLocked(in NewConnector, principal string, edit func(*fx.Connector)) *fx.Connector {
	st := s.own()
	owner := fx.OwnerID(st.seed, principal)
	var id string
	for {
		id = fx.CreatedID(st.seed, st.created)
		st.created++
		if _, taken := st.connectors[id]; !taken {
			break
		}
	}
	now := fx.Time(s.clock())
	c := &fx.Connector{
		ID:          id,
		Type:        in.Type,
		Name:        in.Name,
		Description: in.Description,
		Readme:      in.Readme,
		Flow:        "default",
		Owner:       owner,
		Integrator:  owner,
		Versions:    []fx.Version{fx.CreatedVersion(in.Name, in.Description, in.Readme, 1, now)},
	}
	if edit != nil {
		edit(c)
	}
	st.put(c)
	return c
}

// The helpers below take time linear in their inputs: a body may carry 10 000 ids, and a
// quadratic scan of that against a list as long would hold the store's lock for seconds. They
// never change a list they are given (it may be stored): a changed list is a new one.

// missing returns the distinct ids, in request order, that are not in list.
func missing(ids, list []int64) []int64 {
	in := newIDSet(list)
	var seen idSet
	var out []int64
	for _, id := range ids {
		if !in.has(id) && !seen.has(id) {
			seen.add(id)
			out = append(out, id)
		}
	}
	return out
}

// with returns have and, after it, the ids it does not hold yet, in order, never twice: a new
// list, or have itself when it holds every id.
func with(have, ids []int64) []int64 {
	in := newIDSet(have)
	out, copied := have, false
	for _, id := range ids {
		if in.has(id) {
			continue
		}
		in.add(id)
		if !copied {
			out, copied = slices.Clip(have), true // the append copies it
		}
		out = append(out, id)
	}
	return out
}

// without returns have less the ids, in the order of the rest: a new list, or have itself when
// it holds none of them.
func without(have, ids []int64) []int64 {
	drop := newIDSet(ids)
	return keep(have, func(id int64) bool { return !drop.has(id) })
}

// keepOnly returns have less the ids that are not in list, in order: a new list, or have itself.
func keepOnly(have, list []int64) []int64 {
	in := newIDSet(list)
	return keep(have, in.has)
}

// keep returns the ids of have that ok keeps: have itself when it keeps them all.
func keep(have []int64, ok func(int64) bool) []int64 {
	if !slices.ContainsFunc(have, func(id int64) bool { return !ok(id) }) {
		return have
	}
	out := make([]int64, 0, len(have))
	for _, id := range have {
		if ok(id) {
			out = append(out, id)
		}
	}
	return out
}

// shortSet is the size up to which an idSet scans its list: most requests name a handful of
// ids, and a map for each list was most of a request's allocations.
const shortSet = 16

// idSet answers "is id in it" in constant time: a scan of at most shortSet ids, or a map.
type idSet struct {
	ids []int64        // the ids, while there are at most shortSet of them
	m   map[int64]bool // every id, once there are more
}

// newIDSet is the set of list's ids; it never changes list.
func newIDSet(list []int64) idSet {
	var s idSet
	if len(list) <= shortSet {
		s.ids = slices.Clip(list) // an add copies it
		return s
	}
	s.m = make(map[int64]bool, len(list))
	for _, id := range list {
		s.m[id] = true
	}
	return s
}

func (s *idSet) has(id int64) bool {
	if s.m != nil {
		return s.m[id]
	}
	return slices.Contains(s.ids, id)
}

func (s *idSet) add(id int64) {
	if s.m != nil {
		s.m[id] = true
		return
	}
	s.ids = append(s.ids, id)
	if len(s.ids) > shortSet {
		s.m = make(map[int64]bool, 2*len(s.ids))
		for _, id := range s.ids {
			s.m[id] = true
		}
		s.ids = nil
	}
}
