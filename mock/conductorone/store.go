package conductorone

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
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
type Store struct {
	clock   func() time.Time
	fields  *field   // the connector's fields as update masks name them; read-only
	schemas *schemas // read-only

	mu         kit.SeededMutex // guards seed, apps, appOrder, connectors, seq and created
	seed       uint64
	apps       map[string]*fx.App
	appOrder   []string // app ids in the order they were stored
	connectors map[string]*entry
	seq        uint64 // the last sequence number handed out
	created    int    // connectors created through the API, to derive their ids
}

// entry is a stored connector; seq orders List and anchors its page tokens, so a page token
// stays valid when connectors before it are deleted or after it are created.
type entry struct {
	seq uint64
	c   fx.Connector
}

func newStore(cfg vendorapi.Config, fields *field, schemas *schemas) *Store {
	s := &Store{clock: cfg.Clock, fields: fields, schemas: schemas}
	s.mu.Init(func() { s.reset(cfg) }) // the seed, on first use (see kit.SeededMutex)
	return s
}

// Reset puts the store back to the state cfg seeds: the documented app and connector first,
// then the generated apps and cfg.Connectors generated connectors.
func (s *Store) Reset(cfg vendorapi.Config) {
	s.mu.Skip()
	s.reset(cfg)
}

func (s *Store) reset(cfg vendorapi.Config) {
	apps := append([]fx.App{fx.DocumentedApp()}, fx.Apps(cfg.Seed)...)
	conns := append([]fx.Connector{fx.Documented()}, fx.Connectors(cfg.Seed, cfg.Connectors)...)
	s.mu.LockUnseeded()
	defer s.mu.Unlock()
	s.seed, s.apps, s.appOrder, s.connectors, s.seq, s.created = cfg.Seed, map[string]*fx.App{}, nil, map[string]*entry{}, 0, 0
	for _, app := range apps {
		s.putApp(app)
	}
	for _, c := range conns {
		s.seq++
		s.connectors[c.ID] = &entry{seq: s.seq, c: c.Clone()}
	}
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
}

type snapshotEntry struct {
	Seq       uint64       `json:"seq"`
	Connector fx.Connector `json:"connector"`
}

// Snapshot returns the whole state as JSON: apps in stored order, connectors in List order.
func (s *Store) Snapshot() (json.RawMessage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := snapshot{Seed: s.seed, Apps: make([]fx.App, 0, len(s.appOrder)), Connectors: []snapshotEntry{}, Seq: s.seq, Created: s.created}
	for _, id := range s.appOrder {
		snap.Apps = append(snap.Apps, *s.apps[id])
	}
	es := make([]*entry, 0, len(s.connectors))
	for _, e := range s.connectors {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.seq, b.seq) })
	for _, e := range es {
		snap.Connectors = append(snap.Connectors, snapshotEntry{e.seq, e.c}) // marshalled under the lock
	}
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
	if snap.Created < 0 {
		return fmt.Errorf("conductorone state: created %d: must not be negative", snap.Created)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps, s.appOrder, s.connectors, s.seq, s.created = map[string]*fx.App{}, nil, map[string]*entry{}, snap.Seq, snap.Created
	if snap.Seed != 0 {
		s.seed = snap.Seed
	}
	for _, a := range snap.Apps {
		s.putApp(a)
	}
	for _, e := range snap.Connectors {
		s.connectors[e.Connector.ID] = &entry{seq: e.Seq, c: e.Connector}
	}
	return nil
}

// Seed is the seed the store's data was generated from (users are derived from it too).
func (s *Store) Seed() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.seed
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
	s.putApp(app)
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
	return invalid(append(bad, s.schemas.app.Check(expandedApp{typeApp, *app})...))
}

func (s *Store) putApp(app fx.App) {
	if _, ok := s.apps[app.ID]; !ok {
		s.appOrder = append(s.appOrder, app.ID)
	}
	s.apps[app.ID] = &app
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
	if err := s.checkConnector(&c, func(id string) bool { return s.apps[id] != nil }); err != nil {
		return err
	}
	if e, ok := s.connectors[c.ID]; ok {
		e.c = c
		return nil
	}
	s.seq++
	s.connectors[c.ID] = &entry{seq: s.seq, c: c}
	return nil
}

// checkConnector refuses a connector (a Clone, as stored) that the server could not serve:
// one without an id, of an app that hasApp does not know, or one the spec's
// c1.api.app.v1.Connector refuses as the API writes it. Put (holding mu) and Restore share it.
func (s *Store) checkConnector(c *fx.Connector, hasApp func(id string) bool) error {
	var bad []vendorapi.FieldError
	if c.ID == "" {
		bad = append(bad, vendorapi.FieldError{Field: "id", Message: msgEmpty})
	}
	if !hasApp(c.AppID) {
		bad = append(bad, vendorapi.FieldError{Field: "appId", Message: fmt.Sprintf(msgApp, c.AppID)})
	}
	return invalid(append(bad, s.schemas.connector.Check(c)...))
}

// App returns a copy of the app with the given id.
func (s *Store) App(id string) (fx.App, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.apps[id]
	if !ok {
		return fx.App{}, &NotFoundError{AppID: id}
	}
	return *a, nil
}

// Apps returns every app, in the order they were stored.
func (s *Store) Apps() []fx.App {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]fx.App, len(s.appOrder))
	for i, id := range s.appOrder {
		out[i] = *s.apps[id]
	}
	return out
}

// Len is the number of stored connectors.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.connectors)
}

// AppLen is the number of stored apps.
func (s *Store) AppLen() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.apps)
}

// Connector returns a copy of the connector id of app appID. A connector of another app is
// not found, as an unknown one is.
func (s *Store) Connector(appID, id string) (fx.Connector, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := s.lookup(appID, id)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.c.Clone(), nil
}

func (s *Store) lookup(appID, id string) (*entry, error) {
	if _, ok := s.apps[appID]; !ok {
		return nil, &NotFoundError{AppID: appID}
	}
	e, ok := s.connectors[id]
	if !ok || e.c.AppID != appID {
		return nil, &NotFoundError{AppID: appID, ConnectorID: id}
	}
	return e, nil
}

// Connectors returns every connector of the app, in List's order.
func (s *Store) Connectors(appID string) ([]fx.Connector, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.apps[appID]; !ok {
		return nil, &NotFoundError{AppID: appID}
	}
	es := s.ofApp(appID)
	out := make([]fx.Connector, len(es))
	for i, e := range es {
		out[i] = e.c.Clone()
	}
	return out, nil
}

// ofApp is the app's entries in List's order (by seq).
func (s *Store) ofApp(appID string) []*entry {
	var es []*entry
	for _, e := range s.connectors {
		if e.c.AppID == appID {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.seq, b.seq) })
	return es
}

// List returns one page of the app's connectors: at most size of them (0 means
// DefaultPageSize, more than MaxPageSize means MaxPageSize), after the one the token points at
// ("" for the first page), and the token of the next page, "" on the last one.
func (s *Store) List(appID string, size int, token string) ([]fx.Connector, string, error) {
	switch {
	case size <= 0:
		size = DefaultPageSize
	case size > MaxPageSize:
		size = MaxPageSize
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.apps[appID]; !ok {
		return nil, "", &NotFoundError{AppID: appID}
	}
	var after uint64
	if token != "" {
		var err error
		if after, err = parseToken(appID, token); err != nil {
			return nil, "", err
		}
	}
	es := s.ofApp(appID)
	from, _ := slices.BinarySearchFunc(es, after+1, func(e *entry, seq uint64) int { return cmp.Compare(e.seq, seq) })
	es = es[from:]
	next := ""
	if len(es) > size {
		es = es[:size]
		next = pageToken(appID, es[size-1].seq)
	}
	out := make([]fx.Connector, len(es))
	for i, e := range es {
		out[i] = e.c.Clone()
	}
	return out, next, nil
}

// pageToken is opaque to clients; it names the app it belongs to and the sequence number of
// the last connector of the page.
func pageToken(appID string, seq uint64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s/%d", appID, seq))
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
	if in.CatalogID == "" {
		return fx.Connector{}, &RequiredError{Field: "catalogId"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[appID]; !ok {
		return fx.Connector{}, &NotFoundError{AppID: appID}
	}
	var id string
	for {
		id = fx.CreatedID(s.seed, s.created)
		s.created++
		if _, taken := s.connectors[id]; !taken {
			break
		}
	}
	now := fx.Time(s.clock())
	c := fx.Connector{
		ID:          id,
		AppID:       appID,
		CatalogID:   in.CatalogID,
		Config:      in.Config,
		CreatedAt:   now,
		Description: in.Description,
		DisplayName: in.DisplayName,
		UserIDs:     in.UserIDs,
		UpdatedAt:   now,
	}.Clone()
	s.seq++
	s.connectors[id] = &entry{seq: s.seq, c: c}
	return c.Clone(), nil
}

// Update changes the connector id of app appID: it copies the fields that mask names (an
// update mask in its JSON form, nil or "" for every field patch sets) from patch, the
// request's connector as decoded JSON, and moves updatedAt to now. Read-only and identity
// fields of patch are ignored unless the mask names them, which is a *MaskError. Nothing
// changes on error.
func (s *Store) Update(appID, id string, patch map[string]any, mask *string) (fx.Connector, error) {
	m, err := parseMask(s.fields, mask)
	if err != nil {
		return fx.Connector{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.lookup(appID, id)
	if err != nil {
		return fx.Connector{}, err
	}
	doc, err := toMap(e.c)
	if err != nil {
		return fx.Connector{}, err
	}
	m.apply(s.fields, doc, patch)
	c, err := fromMap(doc)
	if err != nil {
		return fx.Connector{}, err
	}
	c.ID, c.AppID = e.c.ID, e.c.AppID
	normaliseTimes(&c)
	c.UpdatedAt = fx.Time(s.clock())
	e.c = c.Clone()
	return e.c.Clone(), nil
}

// Delete removes the connector id of app appID; it is gone from Connector and List.
func (s *Store) Delete(appID, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.lookup(appID, id); err != nil {
		return err
	}
	delete(s.connectors, id)
	return nil
}

func toMap(c fx.Connector) (map[string]any, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = decodeJSON(data, &m)
	return m, err
}

// fromMap reads the merged connector back. The request has been validated against the spec,
// so only a value the schema allows but Go cannot hold fails here: a 400, never a 500.
func fromMap(m map[string]any) (fx.Connector, error) {
	var c fx.Connector
	data, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil {
		return c, &ValueError{Err: err}
	}
	return c, nil
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
		cs.Start = fx.NormaliseTime(cs.Start)
	}
}
