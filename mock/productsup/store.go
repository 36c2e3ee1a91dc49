package productsup

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
}

// Store holds the Productsup connectors of one mock server. Every method is safe for
// concurrent use and returns copies: nothing returned aliases the store.
type Store struct {
	clock   func() time.Time
	schemas *schemas // read-only

	mu         kit.SeededMutex // guards seed, connectors, order and created
	seed       uint64
	connectors map[string]*fx.Connector
	order      []string // connector ids, in the order they were stored: List's order
	created    int      // connectors created through the API, to derive their ids
}

func newStore(cfg vendorapi.Config, schemas *schemas) *Store {
	s := &Store{clock: cfg.Clock, schemas: schemas}
	s.mu.Init(func() { s.reset(cfg) }) // the seed, on first use (see kit.SeededMutex)
	return s
}

// Reset puts the store back to the state cfg seeds: the documented data set, then
// cfg.Connectors generated connectors. Nothing of the old state is kept.
func (s *Store) Reset(cfg vendorapi.Config) {
	s.mu.Skip()
	s.reset(cfg)
}

func (s *Store) reset(cfg vendorapi.Config) {
	all := append([]fx.Connector{fx.Documented()}, fx.Connectors(cfg.Seed, cfg.Connectors)...)
	s.mu.LockUnseeded()
	defer s.mu.Unlock()
	s.seed, s.connectors, s.order, s.created = cfg.Seed, make(map[string]*fx.Connector, len(all)), nil, 0
	for _, c := range all {
		c = normalise(c)
		s.put(&c)
	}
}

// snapshot is the store's state on the wire: what Snapshot writes and Restore reads.
type snapshot struct {
	// Seed is what the store's generated and created values derive from (created ids, ...).
	Seed       uint64         `json:"seed"`
	Connectors []fx.Connector `json:"connectors"`
	Created    int            `json:"created"`
}

// Snapshot returns the whole state as JSON: every connector in stored order, and the count of
// connectors created through the API (which the next created id derives from).
func (s *Store) Snapshot() (json.RawMessage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{Seed: s.seed, Connectors: make([]fx.Connector, 0, len(s.order)), Created: s.created}
	for _, id := range s.order {
		snap.Connectors = append(snap.Connectors, *s.connectors[id]) // marshalled under the lock
	}
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
		*c = normalise(*c)
		if err := s.check(c); err != nil {
			return fmt.Errorf("productsup state: connectors[%d]: %w", i, err)
		}
		if seen[c.ID] {
			return fmt.Errorf("productsup state: connectors[%d]: repeated id %q", i, c.ID)
		}
		seen[c.ID] = true
	}
	if snap.Created < 0 {
		return fmt.Errorf("productsup state: created %d: must not be negative", snap.Created)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connectors, s.order, s.created = make(map[string]*fx.Connector, len(snap.Connectors)), nil, snap.Created
	if snap.Seed != 0 {
		s.seed = snap.Seed
	}
	for i := range snap.Connectors {
		s.put(&snap.Connectors[i])
	}
	return nil
}

// Put stores a copy of c, replacing any connector with the same id (typed access for tests).
// A connector the server could not serve within its contract (checked as the API writes it
// against the spec's Connector: a public id that is no UUID, a version "1", ...) is refused
// with an *InvalidError naming every offending field, and nothing changes.
func (s *Store) Put(c fx.Connector) error {
	c = normalise(c)
	if err := s.check(&c); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(&c)
	return nil
}

// check refuses a normalised connector that the server could not serve: the spec's Connector,
// of c as the API writes it, is the only rule (it requires a public id, a UUID). Put and
// Restore share it.
func (s *Store) check(c *fx.Connector) error {
	return invalid(s.schemas.connector.Check(shown(c)))
}

func (s *Store) put(c *fx.Connector) {
	if _, ok := s.connectors[c.ID]; !ok {
		s.order = append(s.order, c.ID)
	}
	s.connectors[c.ID] = c
}

// normalise returns a deep copy of c whose lists are non-nil, versions sorted by major and
// main version derived from main-version-number.
func normalise(c fx.Connector) fx.Connector {
	c = c.Clone()
	c.Main = nil
	slices.SortStableFunc(c.Versions, func(a, b fx.Version) int {
		return fx.Major(a.Version) - fx.Major(b.Version)
	})
	return c
}

// view is what a stored connector looks like on the wire and to callers.
func view(c *fx.Connector) fx.Connector { return shown(c).Clone() }

// shown is view without the copy: it shares c's memory, to be written and forgotten.
func shown(c *fx.Connector) fx.Connector {
	out := *c
	out.Main = fx.ReleasedVersion(c)
	return out
}

// Len is the number of stored connectors.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.connectors)
}

// Connector returns a copy of the connector with the given public id.
func (s *Store) Connector(id string) (fx.Connector, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.connectors[id]
	if !ok {
		return fx.Connector{}, &NotFoundError{ID: id}
	}
	return view(c), nil
}

// List returns the connectors that match f, in stored order, from offset from, at most limit
// of them, and how many match in all.
func (s *Store) List(f Filter, from, limit int) ([]fx.Connector, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	name := strings.ToLower(f.Name)
	var out []fx.Connector
	total := 0
	for _, id := range s.order {
		c := s.connectors[id]
		if name != "" && !strings.Contains(strings.ToLower(c.Name), name) ||
			f.Type != "" && c.Type != f.Type ||
			f.Owner != "" && c.Owner != f.Owner ||
			f.Released != nil && *f.Released != (fx.ReleasedVersion(c) != nil) {
			continue
		}
		if total >= from && len(out) < limit {
			out = append(out, view(c))
		}
		total++
	}
	if out == nil {
		out = []fx.Connector{}
	}
	return out, total
}

// Version returns a copy of one version of a connector; ref is a major number, "latest" or
// "main" (see resolve).
func (s *Store) Version(id, ref string) (fx.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, err := s.resolve(id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// resolve finds a stored version: a major number; "latest", the highest version; "main", the
// released version that main-version-number names.
func (s *Store) resolve(id, ref string) (*fx.Version, error) {
	c, ok := s.connectors[id]
	if !ok {
		return nil, &NotFoundError{ID: id}
	}
	var v *fx.Version
	switch ref {
	case "latest":
		if n := len(c.Versions); n > 0 {
			v = &c.Versions[n-1]
		}
	case "main":
		v = fx.ReleasedVersion(c)
	default:
		if major, err := strconv.Atoi(ref); err == nil {
			for i := range c.Versions {
				if fx.Major(c.Versions[i].Version) == major {
					v = &c.Versions[i]
				}
			}
		}
	}
	if v == nil {
		return nil, &NotFoundError{ID: id, Version: ref}
	}
	return v, nil
}

// SetAccess enables (adds to enabled-for-*) or disables (removes from enabled-for-*) the
// version's access for the given ids. Every id must be in the matching target list; if one is
// not, the answer is an *AccessError and nothing changes. Enabled ids keep their order and
// new ones are appended in request order, never twice; disabling an id that is not enabled
// does nothing. updated-at does not move. Ids the HTTP side would refuse (the spec's
// AccessTargets: each at least 1) are an *InvalidError.
func (s *Store) SetAccess(id, ref string, enable bool, a Access) (fx.Version, error) {
	if err := invalid(s.schemas.access.Check(a)); err != nil {
		return fx.Version{}, err
	}
	return s.setAccess(id, ref, enable, a)
}

// setAccess is SetAccess for a request body that validation has checked already.
func (s *Store) setAccess(id, ref string, enable bool, a Access) (fx.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.resolve(id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	p := &v.PlatformProdReference
	bad := &AccessError{
		Enable:   enable,
		Sites:    missing(a.Sites, p.TargetSites),
		Accounts: missing(a.Accounts, p.TargetAccounts),
		Projects: missing(a.Projects, p.TargetProjects),
	}
	if len(bad.Sites)+len(bad.Accounts)+len(bad.Projects) > 0 {
		return fx.Version{}, bad
	}
	change := remove
	if enable {
		change = add
	}
	p.EnabledForAccounts = change(p.EnabledForAccounts, a.Accounts)
	p.EnabledForProjects = change(p.EnabledForProjects, a.Projects)
	p.EnabledForSites = change(p.EnabledForSites, a.Sites)
	return v.Clone(), nil
}

// AddTargets adds ids to the version's target lists, keeping the existing ones. Ids the HTTP
// side would refuse (the spec's Targets: each at least 1) are an *InvalidError.
func (s *Store) AddTargets(id, ref string, t Targets) (fx.Version, error) {
	if err := invalid(s.schemas.targets.Check(t)); err != nil {
		return fx.Version{}, err
	}
	return s.addTargets(id, ref, t)
}

// ReplaceTargets replaces the target lists that t names (a nil list is left alone). An id that
// leaves a target list also leaves the matching enabled-for list. Ids the HTTP side would
// refuse are an *InvalidError, as for AddTargets.
func (s *Store) ReplaceTargets(id, ref string, t Targets) (fx.Version, error) {
	if err := invalid(s.schemas.targets.Check(t)); err != nil {
		return fx.Version{}, err
	}
	return s.replaceTargets(id, ref, t)
}

// addTargets and replaceTargets are AddTargets and ReplaceTargets for a request body that
// validation has checked already.
func (s *Store) addTargets(id, ref string, t Targets) (fx.Version, error) {
	return s.changeTargets(id, ref, t, add)
}

func (s *Store) replaceTargets(id, ref string, t Targets) (fx.Version, error) {
	return s.changeTargets(id, ref, t, func(_, ids []int64) []int64 { return add([]int64{}, ids) })
}

func (s *Store) changeTargets(id, ref string, t Targets, change func(have, ids []int64) []int64) (fx.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.resolve(id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	p := &v.PlatformProdReference
	for _, l := range []struct {
		ids             []int64
		target, enabled *[]int64
	}{
		{t.Accounts, &p.TargetAccounts, &p.EnabledForAccounts},
		{t.Projects, &p.TargetProjects, &p.EnabledForProjects},
		{t.Sites, &p.TargetSites, &p.EnabledForSites},
	} {
		if l.ids == nil {
			continue
		}
		*l.target = change(*l.target, l.ids)
		*l.enabled = keepOnly(*l.enabled, *l.target)
	}
	return v.Clone(), nil
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
	return s.create(in, principal), nil
}

// create is Create for a request body that validation has checked already.
func (s *Store) create(in NewConnector, principal string) fx.Connector {
	s.mu.Lock()
	defer s.mu.Unlock()
	owner := fx.OwnerID(s.seed, principal)
	var id string
	for {
		id = fx.CreatedID(s.seed, s.created)
		s.created++
		if _, taken := s.connectors[id]; !taken {
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
	s.put(c)
	return view(c)
}

// The helpers below take time linear in their inputs: a body may carry 10 000 ids, and a
// quadratic scan of that against a list as long would hold the store's lock for seconds.

// missing returns the distinct ids, in request order, that are not in list.
func missing(ids, list []int64) []int64 {
	in := set(list)
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if !in[id] && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// add appends the ids that have does not hold yet, in order, never twice.
func add(have, ids []int64) []int64 {
	in := set(have)
	for _, id := range ids {
		if !in[id] {
			in[id] = true
			have = append(have, id)
		}
	}
	return have
}

// remove drops ids from have, keeping the order of the rest.
func remove(have, ids []int64) []int64 {
	out := set(ids)
	return slices.DeleteFunc(have, func(id int64) bool { return out[id] })
}

// keepOnly drops from have the ids that are not in keep, keeping the order of the rest.
func keepOnly(have, keep []int64) []int64 {
	in := set(keep)
	return slices.DeleteFunc(have, func(id int64) bool { return !in[id] })
}

func set(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
