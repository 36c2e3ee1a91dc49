package versori

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// entry is a stored connector with what is derived from it when it is written. It is
// immutable: a write builds a new entry and swaps it in, so a reader may keep one after
// unlocking and render it.
type entry struct {
	stored *fx.Connector // as written: what Snapshot saves and the store's rules read
	shown  *fx.Connector // as the API shows it (see view); shares what it can with stored
	// The keys list orders compare, derived once: times as keyTime writes them, and the
	// lower-cased name the name filter reads.
	createdAt, updatedAt, lowerName string
	// json is shown's JSON, encoded on first use (see body): half a GET's time went to
	// encoding, and the value it encodes never changes.
	json atomic.Pointer[[]byte]
}

// newEntry derives an entry from a stored connector, which it takes over: nothing may
// change c afterwards.
func newEntry(c *fx.Connector) *entry {
	e := &entry{stored: c, shown: view(c)}
	e.deriveKeys(nil)
	return e
}

// ownedEntry is an entry that holds its connectors itself, as a write builds it (see
// Store.write): one allocation instead of three. The seeded state's entries point into the
// generated list instead (newEntry), so as not to hold each connector twice.
type ownedEntry struct {
	entry
	storedValue, shownValue fx.Connector
}

// deriveKeys derives e's keys from e.stored, taking old's (the entry e replaces, or nil)
// where their fields are unchanged: a write changes updatedAt, seldom the rest.
func (e *entry) deriveKeys(old *entry) {
	c := e.stored
	if old != nil && old.stored.CreatedAt.Equal(c.CreatedAt) {
		e.createdAt = old.createdAt // keyTime writes the instant, in UTC
	} else {
		e.createdAt = keyTime(c.CreatedAt)
	}
	if old != nil && old.stored.UpdatedAt.Equal(c.UpdatedAt) {
		e.updatedAt = old.updatedAt
	} else {
		e.updatedAt = keyTime(c.UpdatedAt)
	}
	if old != nil && old.stored.Name == c.Name {
		e.lowerName = old.lowerName
	} else {
		e.lowerName = strings.ToLower(c.Name)
	}
}

// body is the connector's JSON as the API writes it (kit.WriteJSON's encoding: HTML not
// escaped, a newline at the end), encoded on first use by hand (connectorJSON) and kept; nil
// if shown cannot be encoded (then kit.WriteJSON answers the 500). Two first uses at once
// encode twice, alike.
func (e *entry) body() []byte {
	if b := e.json.Load(); b != nil {
		return *b
	}
	b, ok := connectorJSON(e.shown)
	if !ok { // encoding/json refuses it too (see json.go), or would write it: it decides
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e.shown); err != nil {
			return nil
		}
		b = buf.Bytes()
	}
	e.json.Store(&b)
	return b
}

// entryKey is an entry's sort key in a column.
func entryKey(e *entry, col column) string {
	switch col {
	case colName:
		return e.stored.Name
	case colProtocol:
		return e.stored.Protocol
	case colCreatedAt:
		return e.createdAt
	case colUpdatedAt:
		return e.updatedAt
	}
	return e.stored.ID
}

// entryOrder compares entries by a canonical order (see canonical), which ends with id.
func entryOrder(order []sortColumn) func(a, b *entry) int {
	return func(a, b *entry) int {
		for _, c := range order {
			if n := strings.Compare(entryKey(a, c.col), entryKey(b, c.col)); n != 0 {
				if c.desc {
					return -n
				}
				return n
			}
		}
		return 0
	}
}

// state is the content of a store: its connectors and, per organisation, the list orders
// kept at write time. A state built by seeded is shared by every store seeded alike and is
// never changed, but for orders added to it (under each organisation's mutex); a store
// copies it before its first write (see Store.writable) and owns the copy.
type state struct {
	connectors map[string]*entry     // by id
	orgs       map[string]*orgOrders // by organisation id; organisations with connectors only
	// contents are the versions' actions, triggers and definitions, by version id; a version
	// without any has none here. Immutable like entries (see content).
	contents map[string]*content
	shared   bool // built by seeded: copy before changing
}

// orgOrders are one organisation's list orders. The default order is built with the state
// and kept from then on; another order is built on its first list (one sort) and kept from
// then on, so that every page of it is a binary search. At most maxOrders other orders are
// kept: the sort parameter has many spellings, and every order kept costs memory and a move
// of pointers on every write, so a client cycling through sorts must not make writes slower
// without bound. The least recently listed goes first; listing it again rebuilds it.
type orgOrders struct {
	mu     sync.Mutex                     // guards orders and used (not the orders' contents: see Store.mu)
	orders map[string]*kit.Sorted[*entry] // by canonical sort string
	used   map[string]uint64              // when each non-default order was last listed (by tick)
	tick   uint64
}

// maxOrders is how many orders besides the default an organisation keeps.
const maxOrders = 4

// newState indexes entries, whose ids are distinct.
func newState(entries []*entry) *state {
	st := &state{connectors: make(map[string]*entry, len(entries)), orgs: map[string]*orgOrders{}, contents: map[string]*content{}}
	byOrg := map[string][]*entry{}
	for _, e := range entries {
		st.connectors[e.stored.ID] = e
		byOrg[e.stored.OrganisationID] = append(byOrg[e.stored.OrganisationID], e)
		if e.stored.Public {
			byOrg[publicKey] = append(byOrg[publicKey], e)
		}
	}
	for org, es := range byOrg {
		st.orgs[org] = &orgOrders{orders: map[string]*kit.Sorted[*entry]{
			defaultSorting.canonicalName: kit.NewSortedFrom(entryOrder(defaultSorting.canonical), es),
		}}
	}
	return st
}

// seeded is the state cfg seeds (the documented data set, then cfg.Connectors generated
// connectors), built once per process for each seed and count, and shared.
func seeded(cfg vendorapi.Config) *state {
	return kit.Seeded(kit.SeedKey{Vendor: Name, Seed: cfg.Seed, N: cfg.Connectors}, func() *state {
		all := append([]fx.Connector{fx.Documented()}, fx.Connectors(cfg.Seed, cfg.Connectors)...)
		entries := make([]*entry, len(all))
		for i := range all {
			normaliseOwned(&all[i]) // generated here: nobody else holds them
			entries[i] = newEntry(&all[i])
		}
		st := newState(entries)
		doc := documentedContent()
		st.contents[fx.DocumentedVersionID] = doc
		st.contents[fx.DocumentedDraftVersionID] = doc
		st.shared = true
		return st
	})
}

// clone is a copy of st that shares entries (immutable) and nothing else: the maps and the
// orders are copied, pointers only.
func (st *state) clone() *state {
	c := &state{connectors: maps.Clone(st.connectors), orgs: make(map[string]*orgOrders, len(st.orgs)), contents: maps.Clone(st.contents)}
	for org, o := range st.orgs {
		o.mu.Lock()
		orders := make(map[string]*kit.Sorted[*entry], len(o.orders))
		for k, s := range o.orders {
			orders[k] = s.Clone()
		}
		c.orgs[org] = &orgOrders{orders: orders, used: maps.Clone(o.used), tick: o.tick}
		o.mu.Unlock()
	}
	return c
}

// add stores e and puts it in its organisation's orders; drop removes it. The caller holds
// the store's write lock and owns st.
func (st *state) add(e *entry) {
	st.connectors[e.stored.ID] = e
	st.addTo(e.stored.OrganisationID, e)
	if e.stored.Public {
		st.addTo(publicKey, e)
	}
}

// publicKey is where the orders of the public library (ListPublicConnectors) are kept, beside
// the organisations' (no ULID has a "~").
const publicKey = "~PUBLIC"

// addTo puts e in the orders kept under key (an organisation, or publicKey).
func (st *state) addTo(org string, e *entry) {
	o := st.orgs[org]
	if o == nil {
		o = &orgOrders{orders: map[string]*kit.Sorted[*entry]{defaultSorting.canonicalName: kit.NewSorted(entryOrder(defaultSorting.canonical))}}
		st.orgs[org] = o
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.orders {
		s.Insert(e)
	}
}

func (st *state) drop(e *entry) {
	for _, v := range e.stored.Versions {
		delete(st.contents, v.ID)
	}
	st.unindex(e)
}

// unindex removes e from the connectors and the orders, leaving its versions' contents: a
// replace keeps them.
func (st *state) unindex(e *entry) {
	delete(st.connectors, e.stored.ID)
	st.dropFrom(e.stored.OrganisationID, e)
	if e.stored.Public {
		st.dropFrom(publicKey, e)
	}
}

// dropFrom removes e from the orders kept under key.
func (st *state) dropFrom(org string, e *entry) {
	o := st.orgs[org]
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.orders {
		s.Delete(e)
	}
	if o.orders[defaultSorting.canonicalName].Len() == 0 {
		delete(st.orgs, org)
	}
}

// replace swaps the entry of the same id as e, if any, for e.
func (st *state) replace(e *entry) {
	if old := st.connectors[e.stored.ID]; old != nil {
		st.unindex(old)
		// A version the new value no longer has takes its content along (Put may drop one).
		for _, v := range old.stored.Versions {
			if !slices.ContainsFunc(e.stored.Versions, func(n fx.Version) bool { return n.ID == v.ID }) {
				delete(st.contents, v.ID)
			}
		}
	}
	st.add(e)
}

// sorted is the organisation's connectors in a canonical order, built on first use; nil when
// the organisation has none. The caller holds the store's lock (read or write) and reads the
// order under it.
func (st *state) sorted(org string, srt *sorting) *kit.Sorted[*entry] {
	o := st.orgs[org]
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.orders[srt.canonicalName]
	if s == nil {
		// One sort, then kept by every write: what a store's readers build is theirs to
		// share, and a shared state's orders are as immutable as its entries.
		all := o.orders[defaultSorting.canonicalName].All()
		s = kit.NewSortedFrom(entryOrder(srt.canonical), append(make([]*entry, 0, len(all)), all...))
		o.orders[srt.canonicalName] = s
	}
	if srt.canonicalName != defaultSorting.canonicalName {
		o.touch(srt.canonicalName)
	}
	return s
}

// touch marks the order name as just listed and drops the least recently listed order
// beyond maxOrders. A reader still paging through a dropped order keeps its pointer: orders
// change only under the store's write lock, which no reader holds. The caller holds o.mu.
func (o *orgOrders) touch(name string) {
	if o.used == nil {
		o.used = map[string]uint64{}
	}
	o.tick++
	o.used[name] = o.tick
	if len(o.used) <= maxOrders {
		return
	}
	oldest, at := "", o.tick
	for n, t := range o.used {
		if t < at {
			oldest, at = n, t
		}
	}
	delete(o.used, oldest)
	delete(o.orders, oldest)
}
