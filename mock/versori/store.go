package versori

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Sentinel errors; every error the store returns matches exactly one of them (errors.Is).
var (
	// ErrNotFound: no such connector in the organisation, or no such version of it.
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the request is well-formed but breaks the data's rules, or a value Put is
	// given is one the server could not serve within its contract (see *InvalidError).
	ErrInvalid = errors.New("invalid request")
	// ErrConflict: the resource's state forbids the change.
	ErrConflict = errors.New("conflict")
)

// NotFoundError names what was not found.
type NotFoundError struct {
	Connector string
	Version   string // "" when the connector itself is missing, or the missing child is the connector's
	// Kind and Name name a missing child resource ("connection", "action", ...): "" when the
	// connector or the version is what is missing.
	Kind, Name string
}

func (e *NotFoundError) Error() string { return msgNotFound(e) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// FieldError is one offending field of a request body or query, or of a value Put refused
// (its path in the connector as the API writes it, "authSchemeConfigs[1].id").
type FieldError struct {
	Field, Message string
}

// InvalidError lists every offending field of a rejected request or a refused Put; the
// request or Put changed nothing.
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

func (e *InvalidError) add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{field, fmt.Sprintf(format, args...)})
}

func (e *InvalidError) orNil() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// ConflictError says why the resource's state forbids the change.
type ConflictError struct{ Reason string }

func (e *ConflictError) Error() string { return e.Reason }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Store holds the Versori connectors of one mock server, all organisations together. Every
// method is safe for concurrent use and returns deep copies: nothing returned aliases the
// store. Organisations are implicit: one with no connectors lists empty and accepts creates.
//
// Stored connectors are immutable (see entry): the HTTP side renders them after unlocking,
// with no copy; only the exported methods copy.
type Store struct {
	clock   func() time.Time
	schemas *schemas // read-only

	mu      kit.SeededMutex // guards seed, st (the pointer, and the state when owned) and created
	seed    uint64
	st      *state
	created int // ids handed out through the API so far, to derive the next one
	// uploads are the issued upload URLs by id (see uploads.go): not state a snapshot keeps.
	uploads map[string]*upload
	// issued are the upload ids in the order they were issued, and unused how many of them
	// have had no PUT yet: what MaxPendingUploads bounds.
	issued []string
	unused int
	blobs  *kit.ByteBudget // what uploaded files are charged to (vendorapi.Config.Blobs)
	// oauth is the OAuth 2.0 flow's states, codes and tokens (see oauth2.go): not state a
	// snapshot keeps either.
	oauth *oauth
}

func newStore(cfg vendorapi.Config, schemas *schemas) *Store {
	s := &Store{clock: cfg.Clock, schemas: schemas}
	s.mu.Init(func() { s.reset(cfg) }) // the seed, on first use (see kit.SeededMutex)
	return s
}

// Reset puts the store back to the state cfg seeds: the documented data set, then
// cfg.Connectors generated connectors.
func (s *Store) reseed(cfg vendorapi.Config) {
	s.mu.Skip()
	s.reset(cfg)
}

func (s *Store) reset(cfg vendorapi.Config) {
	st := seeded(cfg)
	s.mu.LockUnseeded()
	defer s.mu.Unlock()
	s.dropUploads()
	s.seed, s.st, s.created, s.uploads, s.oauth, s.blobs = cfg.Seed, st, 0, nil, nil, cfg.Blobs
}

// writable is the state to change: the shared seeded state is copied first. Callers hold mu
// for writing.
func (s *Store) writable() *state {
	if s.st.shared {
		s.st = s.st.clone()
	}
	return s.st
}

// snapshot is the store's state on the wire: what Snapshot writes and Restore reads.
type snapshot struct {
	// Seed is what the store's generated and created values derive from (created ids, ...).
	Seed       uint64         `json:"seed"`
	Connectors []fx.Connector `json:"connectors"`
	Created    int            `json:"created"`
	// Contents are the versions' actions, triggers and definitions, by version id.
	Contents map[string]*content `json:"contents,omitempty"`
}

// Snapshot returns the whole state as JSON: every connector as stored (secrets included),
// sorted by id, and the count of ids handed out through the API.
func (s *Store) Snapshot() (json.RawMessage, error) {
	s.mu.RLock()
	snap := snapshot{Seed: s.seed, Connectors: make([]fx.Connector, 0, len(s.st.connectors)), Created: s.created}
	for _, e := range s.st.connectors {
		snap.Connectors = append(snap.Connectors, *e.stored) // immutable: marshalled after unlocking
		for _, v := range e.stored.Versions {
			if c := s.st.contents[v.ID]; c != nil {
				if snap.Contents == nil {
					snap.Contents = map[string]*content{}
				}
				snap.Contents[v.ID] = c
			}
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(snap.Connectors, func(a, b fx.Connector) int { return strings.Compare(a.ID, b.ID) })
	return json.Marshal(snap)
}

// Restore replaces the whole state with a snapshot, and drops the upload URLs and OAuth flows
// issued. One that does not parse, repeats a connector id, holds a connector that Put would
// refuse or content of no version is refused and changes nothing.
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
			return fmt.Errorf("versori state: connectors[%d]: %w", i, err)
		}
		if seen[c.ID] {
			return fmt.Errorf("versori state: connectors[%d]: repeated id %q", i, c.ID)
		}
		seen[c.ID] = true
	}
	for id := range snap.Contents {
		if !slices.ContainsFunc(snap.Connectors, func(c fx.Connector) bool {
			return slices.ContainsFunc(c.Versions, func(v fx.Version) bool { return v.ID == id })
		}) {
			return fmt.Errorf("versori state: contents[%q]: names no version", id)
		}
	}
	if snap.Created < 0 {
		return fmt.Errorf("versori state: created %d: must not be negative", snap.Created)
	}
	entries := make([]*entry, len(snap.Connectors))
	for i := range snap.Connectors {
		entries[i] = newEntry(&snap.Connectors[i])
	}
	st := newState(entries)
	for id, c := range snap.Contents {
		if c != nil {
			st.contents[id] = c
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Upload URLs and OAuth flows belong to the state replaced, and their ids come from the
	// counter restored: they go.
	s.dropUploads()
	s.st, s.created, s.uploads, s.oauth = st, snap.Created, nil, nil
	if snap.Seed != 0 {
		s.seed = snap.Seed
	}
	return nil
}

// normalise returns a deep copy of c with upper-case ids and non-nil lists.
func normalise(c fx.Connector) fx.Connector {
	c = c.Clone()
	normaliseOwned(&c)
	return c
}

// normaliseOwned is normalise in place, for a connector nobody else holds.
func normaliseOwned(c *fx.Connector) {
	c.ID, c.OrganisationID = strings.ToUpper(c.ID), strings.ToUpper(c.OrganisationID)
	if c.AuthSchemeConfigs == nil {
		c.AuthSchemeConfigs = []fx.AuthSchemeConfig{}
	}
	if c.Connections == nil {
		c.Connections = []fx.Connection{}
	}
	if c.Versions == nil {
		c.Versions = []fx.Version{}
	}
}

// now is the mock clock, in UTC and to the microsecond as the vendor's database keeps it.
func (s *Store) now() time.Time { return s.clock().UTC().Truncate(time.Microsecond) }

// newID returns the next API-created id: derived from the seed and a counter, so the same
// sequence of calls gives the same ids. Callers hold mu.
func (s *Store) newID() string {
	for {
		id := fx.ID(s.seed, "created", s.created)
		s.created++
		if _, taken := s.st.connectors[id]; !taken {
			return id
		}
	}
}

// Put stores a copy of c, replacing any connector with the same id (typed access for seeding
// and tests). Nil lists become empty ones. A connector the server could not serve within its
// contract is refused with an *InvalidError naming every offending field, and nothing
// changes: one the spec's Connector refuses as the API writes it (an id or organisationId
// that is no ULID, a protocol "ftp", a BigQuery connector without datasetId, ...), or one
// that breaks the rules the API keeps (auth scheme config ids and connection names unique
// within the connector; version names unique, not empty, not latest or default).
func (s *Store) Put(c fx.Connector) error {
	c = normalise(c)
	if err := s.check(&c); err != nil {
		return err
	}
	e := newEntry(&c)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writable().replace(e)
	return nil
}

// check refuses a normalised connector that the server could not serve (see Put). Put and
// Restore share it.
func (s *Store) check(c *fx.Connector) error {
	bad := &InvalidError{}
	for _, f := range s.schemas.connector.Check(view(c)) {
		// A credential's usages are derived from the connector and the connection, whose
		// fields are checked where the caller set them: say each fault once, there.
		if !strings.Contains(f.Field, ".usages[") {
			bad.Fields = append(bad.Fields, FieldError{f.Field, f.Message})
		}
	}
	for i, a := range c.AuthSchemeConfigs {
		if slices.ContainsFunc(c.AuthSchemeConfigs[:i], func(b fx.AuthSchemeConfig) bool { return strings.EqualFold(a.ID, b.ID) }) {
			bad.add(fmt.Sprintf("authSchemeConfigs[%d].id", i), msgRepeatedAuthSchemeConfig, a.ID)
		}
	}
	for i, conn := range c.Connections {
		if slices.ContainsFunc(c.Connections[:i], func(o fx.Connection) bool { return o.Name == conn.Name }) {
			bad.add(fmt.Sprintf("connections[%d].name", i), msgRepeatedConnection, conn.Name)
		}
	}
	for i, v := range c.Versions {
		field := fmt.Sprintf("versions[%d].name", i)
		checkVersionName(bad, field, v.Name)
		if slices.ContainsFunc(c.Versions[:i], func(o fx.Version) bool { return o.Name == v.Name }) {
			bad.add(field, msgRepeatedVersion, v.Name)
		}
	}
	return bad.orNil()
}

// checkVersionName adds to bad what is wrong with a version's name: empty, or one of the
// reserved names that resolve to another version.
func checkVersionName(bad *InvalidError, field, name string) {
	switch {
	case strings.TrimSpace(name) == "":
		bad.add(field, msgVersionNameEmpty)
	case strings.EqualFold(name, refLatest) || strings.EqualFold(name, refDefault):
		bad.add(field, msgVersionNameReserved, name)
	}
}

// Len is the number of stored connectors.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.st.connectors)
}

// Organisations is the number of organisations that hold at least one connector.
func (s *Store) Organisations() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := len(s.st.orgs)
	if s.st.orgs[publicKey] != nil {
		n-- // the public library's orders, no organisation
	}
	return n
}

// lookup finds a connector of the organisation; one of another organisation is not found.
// ULIDs are case-insensitive. Callers hold mu.
func (s *Store) lookup(org, id string) (*entry, error) {
	e, ok := s.st.connectors[strings.ToUpper(id)]
	if !ok || e.stored.OrganisationID != strings.ToUpper(org) {
		return nil, &NotFoundError{Connector: id}
	}
	return e, nil
}

// Connector returns the connector as the API shows it.
func (s *Store) Connector(org, id string) (fx.Connector, error) {
	e, err := s.connector(org, id)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

// connector is Connector for the HTTP side: the stored entry itself, to render, not change.
func (s *Store) connector(org, id string) (*entry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.lookup(org, id)
}

// view is a stored connector as the API shows it: connection credentials carry the
// connector's current auth scheme config of the same id and their usages; versions carry
// their derived isLatest and isDefault. It copies only what differs from stored (the
// connections' and versions' lists) and shares the rest: both are immutable.
func view(stored *fx.Connector) *fx.Connector {
	c := new(fx.Connector)
	viewInto(c, stored)
	return c
}

// viewInto writes stored's view (see view) to c.
func viewInto(c, stored *fx.Connector) {
	*c = *stored
	c.Categories = nil // not part of the API's Connector
	if len(c.Connections) > 0 {
		summary := c.Summary()
		conns := make([]fx.Connection, len(c.Connections))
		for i, conn := range c.Connections {
			conn.InUse = false // not part of the API's Connection
			usages := []fx.CredentialUsage{{Connection: fx.UsageConnection{
				ID: conn.ID, Name: conn.Name, Connector: summary, CreatedAt: conn.CreatedAt, UpdatedAt: conn.UpdatedAt,
			}}}
			conn.Credentials.Action = viewCredentials(conn.Credentials.Action, c.AuthSchemeConfigs, usages)
			conn.Credentials.Trigger = viewCredentials(conn.Credentials.Trigger, c.AuthSchemeConfigs, usages)
			conns[i] = conn
		}
		c.Connections = conns
	}
	if len(c.Versions) > 0 {
		c.Versions = slices.Clone(c.Versions)
		latest, def := latestIndex(c.Versions), defaultIndex(c.Versions)
		for i := range c.Versions {
			c.Versions[i].IsLatest = i == latest
			c.Versions[i].IsDefault = i == def
		}
	}
}

// viewCredentials is a connection's credentials as view shows them; nil stays nil. The
// credentials of one connection share their usages.
func viewCredentials(list []fx.ConnectionCredential, configs []fx.AuthSchemeConfig, usages []fx.CredentialUsage) []fx.ConnectionCredential {
	if list == nil {
		return nil
	}
	out := make([]fx.ConnectionCredential, len(list))
	for j, cc := range list {
		if k := slices.IndexFunc(configs, func(a fx.AuthSchemeConfig) bool { return a.ID == cc.AuthSchemeConfig.ID }); k >= 0 {
			cc.AuthSchemeConfig = configs[k]
		}
		cc.Credential.Usages = usages
		out[j] = cc
	}
	return out
}

// latestIndex is the published version with the latest publishedAt (ties: the later created),
// or -1. Stored IsLatest flags are ignored: it is derived.
func latestIndex(vs []fx.Version) int {
	best := -1
	for i, v := range vs {
		if v.PublishedAt == nil {
			continue
		}
		if best < 0 || v.PublishedAt.After(*vs[best].PublishedAt) ||
			v.PublishedAt.Equal(*vs[best].PublishedAt) && v.CreatedAt.After(vs[best].CreatedAt) {
			best = i
		}
	}
	return best
}

// defaultIndex is the version the user made the default (stored IsDefault, kept only on a
// published version), else the latest.
func defaultIndex(vs []fx.Version) int {
	for i, v := range vs {
		if v.IsDefault && v.PublishedAt != nil {
			return i
		}
	}
	return latestIndex(vs)
}

// ConnectorUpdate is the body of UpdateConnector, both protocols' fields together. A nil
// pointer, list or map is a field missing from the body.
type ConnectorUpdate struct {
	ID                  string              `json:"id"`
	OrganisationID      string              `json:"organisationId"`
	Name                string              `json:"name"`
	Tags                map[string][]string `json:"tags"`
	Protocol            string              `json:"protocol"`
	AuthSchemeConfigIDs []string            `json:"authSchemeConfigIds"`
	Public              *bool               `json:"public"`
	DocumentationURL    *string             `json:"documentationURL"`
	ImageURL            *string             `json:"imageURL"`
	BaseURL             *string             `json:"baseUrl"`
	ConnectionVariables []fx.Variable       `json:"connectionVariables"`
	DatasetID           *string             `json:"datasetId"`
}

// Update replaces the connector's mutable fields with u (a full replace: optional fields u
// lacks are cleared) and sets updatedAt. Rules, all checked before anything changes, every
// offending field reported: id and organisationId must be the path's; the protocol cannot
// change; authSchemeConfigIds (when present) must name the connector's configs, each once,
// and reorder them, configs left out keeping their order after the named ones (the field
// cannot delete configs); missing, the configs are left alone. Connections and versions are
// not touched.
func (s *Store) Update(org, id string, u ConnectorUpdate) (fx.Connector, error) {
	e, err := s.update(org, id, u.clone())
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

// clone is a deep copy of u: what Update stores must not alias its caller's values.
func (u ConnectorUpdate) clone() ConnectorUpdate {
	c := fx.Connector{Tags: u.Tags, DocumentationURL: u.DocumentationURL, ImageURL: u.ImageURL,
		BaseURL: u.BaseURL, ConnectionVariables: u.ConnectionVariables, DatasetID: u.DatasetID}.Clone()
	u.Tags, u.DocumentationURL, u.ImageURL = c.Tags, c.DocumentationURL, c.ImageURL
	u.BaseURL, u.ConnectionVariables, u.DatasetID = c.BaseURL, c.ConnectionVariables, c.DatasetID
	return u
}

// update is Update for the HTTP side, whose u nobody else holds: it answers the stored entry
// itself, to render, not change.
func (s *Store) update(org, id string, u ConnectorUpdate) (*entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return nil, err
	}
	c := *old.stored // a new value: the stored one is never changed (lists are replaced, not written)
	// On the stack: an InvalidError is allocated only when the update is refused.
	var bad InvalidError
	if !strings.EqualFold(u.ID, c.ID) {
		bad.add("id", msgPathMismatch, u.ID, "connector_id", id)
	}
	if !strings.EqualFold(u.OrganisationID, c.OrganisationID) {
		bad.add("organisationId", msgPathMismatch, u.OrganisationID, "organisation_id", org)
	}
	if u.Protocol != c.Protocol {
		bad.add("protocol", msgProtocolChange, c.Protocol, u.Protocol)
	}
	configs := c.AuthSchemeConfigs
	if u.AuthSchemeConfigIDs != nil {
		configs = reorder(c.AuthSchemeConfigs, u.AuthSchemeConfigIDs, &bad)
	}
	if len(bad.Fields) > 0 {
		return nil, &InvalidError{Fields: bad.Fields}
	}
	c.Name = u.Name
	c.Tags = u.Tags
	c.Public = u.Public != nil && *u.Public
	c.DocumentationURL, c.ImageURL = u.DocumentationURL, u.ImageURL
	c.AuthSchemeConfigs = configs
	switch c.Protocol {
	case "http":
		c.BaseURL, c.ConnectionVariables = u.BaseURL, u.ConnectionVariables
	case "bigquery":
		c.DatasetID = u.DatasetID
	}
	c.UpdatedAt = s.now()
	return s.write(&c), nil
}

// write stores a copy of c, a new value replacing the connector of its id, and returns its
// entry. The entry holds both connectors, stored and shown (see ownedEntry), and takes the
// keys the old entry derived when their fields are unchanged. Callers hold mu for writing.
func (s *Store) write(c *fx.Connector) *entry {
	o := &ownedEntry{storedValue: *c}
	e := &o.entry
	e.stored, e.shown = &o.storedValue, &o.shownValue
	viewInto(&o.shownValue, &o.storedValue)
	e.deriveKeys(s.st.connectors[c.ID])
	s.writable().replace(e)
	return e
}

// reorder returns the configs in the order ids names them, then the unnamed ones in their
// order; unknown or repeated ids are added to bad.
func reorder(configs []fx.AuthSchemeConfig, ids []string, bad *InvalidError) []fx.AuthSchemeConfig {
	index := func(id string) int {
		return slices.IndexFunc(configs, func(a fx.AuthSchemeConfig) bool { return strings.EqualFold(a.ID, id) })
	}
	// The common case: ids name the first configs in the order they are in (the seed page's
	// body names its connector's only config). The order below would be the same list: it is
	// kept, shared (stored lists are never written).
	inOrder := len(ids) <= len(configs)
	for i := 0; inOrder && i < len(ids); i++ {
		inOrder = index(ids[i]) == i
	}
	if inOrder {
		return configs
	}
	out := make([]fx.AuthSchemeConfig, 0, len(configs))
	used := make([]bool, len(configs)) // does not escape: on the stack when small
	for i, id := range ids {
		k := index(id)
		switch {
		case k < 0:
			bad.add(fmt.Sprintf("authSchemeConfigIds[%d]", i), msgUnknownAuthSchemeConfig, id)
		case used[k]:
			bad.add(fmt.Sprintf("authSchemeConfigIds[%d]", i), msgRepeatedAuthSchemeConfig, id)
		default:
			used[k] = true
			out = append(out, configs[k])
		}
	}
	for k, a := range configs {
		if !used[k] {
			out = append(out, a)
		}
	}
	return out
}

// NewConnector is the body of CreateHTTPConnector or CreateBigQueryConnector.
type NewConnector struct {
	Name                string                `json:"name"`
	BaseURL             *string               `json:"baseUrl"`
	DatasetID           *string               `json:"datasetId"`
	ConnectionVariables []fx.Variable         `json:"connectionVariables"`
	AuthSchemeConfigs   []fx.AuthSchemeConfig `json:"authSchemeConfigs"`
	Tags                map[string][]string   `json:"tags"`
	Public              *bool                 `json:"public"`
	Connections         []NewConnection       `json:"connections"`
}

// NewConnection is a ConnectionCreate.
type NewConnection struct {
	Name        string         `json:"name"`
	Credentials NewCredentials `json:"credentials"`
	Variables   []fx.Variable  `json:"variables"`
}

// NewCredentials is a ConnectionCredentialsCreate.
type NewCredentials struct {
	Action  []NewConnectionCredential `json:"action"`
	Trigger []NewConnectionCredential `json:"trigger"`
}

// NewConnectionCredential is a ConnectionCredentialCreate.
type NewConnectionCredential struct {
	AuthSchemeConfig fx.AuthSchemeConfig `json:"authSchemeConfig"`
	Credential       NewCredential       `json:"credential"`
}

// NewCredential is a CredentialCreate; Data is stored redacted.
type NewCredential struct {
	Name string           `json:"name"`
	Type string           `json:"type"`
	Data fixtures.RawJSON `json:"data"`
}

// Create stores a new connector of the protocol in the organisation, with its connections and
// their credentials, and no versions. Auth scheme config ids must be unique within the
// connector; a connection credential's config is matched to the connector's by id and, when
// the connector has none of that id, added to them. Connection names must be unique; a
// BigQuery connector needs its datasetId. validationMessages sent in are ignored.
func (s *Store) Create(org, protocol string, in NewConnector) (fx.Connector, error) {
	e, err := s.create(org, protocol, in.clone())
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

// clone is a deep copy of in: what Create stores must not alias its caller's values.
func (in NewConnector) clone() NewConnector {
	c := fx.Connector{Tags: in.Tags, BaseURL: in.BaseURL, DatasetID: in.DatasetID,
		ConnectionVariables: in.ConnectionVariables, AuthSchemeConfigs: in.AuthSchemeConfigs}.Clone()
	in.Tags, in.BaseURL, in.DatasetID = c.Tags, c.BaseURL, c.DatasetID
	in.ConnectionVariables, in.AuthSchemeConfigs = c.ConnectionVariables, c.AuthSchemeConfigs
	in.Connections = slices.Clone(in.Connections)
	for i := range in.Connections {
		nc := &in.Connections[i]
		nc.Variables = slices.Clone(nc.Variables)
		for _, list := range []*[]NewConnectionCredential{&nc.Credentials.Action, &nc.Credentials.Trigger} {
			*list = slices.Clone(*list)
			for j := range *list {
				(*list)[j].AuthSchemeConfig = (*list)[j].AuthSchemeConfig.Clone()
			}
		}
	}
	return in
}

// create is Create for the HTTP side, whose in nobody else holds: the stored connector is
// built of in's values, and create answers its entry, to render, not change.
func (s *Store) create(org, protocol string, in NewConnector) (*entry, error) {
	bad := &InvalidError{}
	if protocol == "bigquery" && in.DatasetID == nil {
		bad.add("datasetId", msgDatasetRequired)
	}
	configs := []fx.AuthSchemeConfig{}
	addConfig := func(a fx.AuthSchemeConfig, field string, inline bool) {
		a.ID = strings.ToUpper(a.ID)
		a.ValidationMessages = nil
		if k := slices.IndexFunc(configs, func(b fx.AuthSchemeConfig) bool { return b.ID == a.ID }); k >= 0 {
			if !inline {
				bad.add(field, msgRepeatedAuthSchemeConfig, a.ID)
			}
			return
		}
		configs = append(configs, a)
	}
	for i, a := range in.AuthSchemeConfigs {
		addConfig(a, fmt.Sprintf("authSchemeConfigs[%d].id", i), false)
	}
	for i, nc := range in.Connections {
		if j := slices.IndexFunc(in.Connections[:i], func(o NewConnection) bool { return o.Name == nc.Name }); j >= 0 {
			bad.add(fmt.Sprintf("connections[%d].name", i), msgRepeatedConnection, nc.Name)
		}
		for _, cc := range append(slices.Clone(nc.Credentials.Action), nc.Credentials.Trigger...) {
			addConfig(cc.AuthSchemeConfig, "", true)
		}
	}
	if err := bad.orNil(); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	org = strings.ToUpper(org)
	c := &fx.Connector{
		ID: s.newID(), OrganisationID: org, Name: in.Name, Public: in.Public != nil && *in.Public,
		Tags: in.Tags, Protocol: protocol, AuthSchemeConfigs: configs,
		Connections: []fx.Connection{}, Versions: []fx.Version{},
		CreatedAt: now, UpdatedAt: now,
	}
	if protocol == "http" {
		c.BaseURL, c.ConnectionVariables = in.BaseURL, in.ConnectionVariables
	} else {
		c.DatasetID = in.DatasetID
	}
	for _, nc := range in.Connections {
		c.Connections = append(c.Connections, s.newConnection(org, nc, now))
	}
	return s.write(c), nil
}

// Delete removes the connector. One with connections (in use) is a conflict unless force.
func (s *Store) Delete(org, id string, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.lookup(org, id)
	if err != nil {
		return err
	}
	if n := len(e.stored.Connections); n > 0 && !force {
		return &ConflictError{Reason: msgConnectorInUse(n)}
	}
	s.writable().drop(e)
	return nil
}

// ConnectorFilter selects connectors for List; empty fields select everything.
type ConnectorFilter struct {
	Name, Protocol string // case-insensitive substrings
	// Tags is the query's "key:value,key" list: every tag must be present (with that value,
	// when one is given).
	Tags string
	// Categories must all be the connector's (see UpdateCategories).
	Categories []string
}

// ConnectorPage is a ConnectorPage body.
type ConnectorPage struct {
	TotalCount int            `json:"totalCount"`
	Next       string         `json:"next,omitempty"`
	Prev       string         `json:"prev,omitempty"`
	Connectors []fx.Connector `json:"connectors"`
}

// List returns a page of the organisation's connectors that match f, ordered by p.Sort
// (default updatedAt:desc), with cursors to the neighbouring pages.
func (s *Store) List(org string, f ConnectorFilter, p PageQuery) (ConnectorPage, error) {
	page, err := s.list(org, f, p)
	if err != nil {
		return ConnectorPage{}, err
	}
	out := ConnectorPage{TotalCount: page.total, Next: page.next, Prev: page.prev, Connectors: make([]fx.Connector, len(page.entries))}
	for i, e := range page.entries {
		out.Connectors[i] = e.shown.Clone()
	}
	return out, nil
}

// connectorPage is a ConnectorPage as the HTTP side renders it: the stored entries
// themselves (see writeConnectorPage).
type connectorPage struct {
	pageInfo
	entries []*entry
}

// list is List for the HTTP side. The page is cut from the organisation's order kept for the
// sort (see state.sorted): a binary search, not a sort. Filters scan the organisation in that
// order (every connector is compared, none is copied); an unfiltered page costs the same at
// any size.
func (s *Store) list(org string, f ConnectorFilter, p PageQuery) (connectorPage, error) {
	srt, err := parseSort(p.Sort)
	if err != nil {
		return connectorPage{}, err
	}
	tags, err := parseTags(f.Tags)
	if err != nil {
		return connectorPage{}, err
	}
	name, protocol := strings.ToLower(f.Name), strings.ToLower(f.Protocol)
	s.mu.RLock()
	defer s.mu.RUnlock()
	var items []*entry
	if sorted := s.st.sorted(strings.ToUpper(org), srt); sorted != nil {
		items = sorted.All()
	}
	if name != "" || protocol != "" || tags != nil || len(f.Categories) > 0 {
		var match []*entry
		for _, e := range items {
			if strings.Contains(e.lowerName, name) && strings.Contains(strings.ToLower(e.stored.Protocol), protocol) &&
				hasTags(e.stored, tags) && hasCategories(e.stored.Categories, f.Categories) {
				match = append(match, e)
			}
		}
		items = match
	}
	page, info, err := paginate(items, srt, entryKey, p)
	if err != nil {
		return connectorPage{}, err
	}
	// page is the order's own slice, which writes move: copied out under the lock.
	return connectorPage{info, slices.Clone(page)}, nil
}

type tagFilter struct{ key, value string }

func parseTags(q string) ([]tagFilter, error) {
	if q == "" {
		return nil, nil
	}
	var out []tagFilter
	for t := range strings.SplitSeq(q, ",") {
		k, v, _ := strings.Cut(t, ":")
		if k == "" {
			return nil, &InvalidError{Fields: []FieldError{{"tags", fmt.Sprintf(msgBadTag, t)}}}
		}
		out = append(out, tagFilter{k, v})
	}
	return out, nil
}

func hasTags(c *fx.Connector, tags []tagFilter) bool {
	for _, t := range tags {
		values, ok := c.Tags[t.key]
		if !ok || t.value != "" && !slices.Contains(values, t.value) {
			return false
		}
	}
	return true
}

// VersionPage is a ConnectorVersionsPage body.
type VersionPage struct {
	TotalCount int          `json:"totalCount"`
	Next       string       `json:"next,omitempty"`
	Prev       string       `json:"prev,omitempty"`
	Items      []fx.Version `json:"items"`
}

// Versions returns a page of the connector's versions, most recently updated first.
func (s *Store) Versions(org, id string, p PageQuery) (VersionPage, error) {
	page, err := s.versions(org, id, p)
	if err != nil {
		return VersionPage{}, err
	}
	out := VersionPage{TotalCount: page.TotalCount, Next: page.Next, Prev: page.Prev, Items: make([]fx.Version, len(page.Items))}
	for i, v := range page.Items {
		out.Items[i] = v.Clone()
	}
	return out, nil
}

// versionPage is VersionPage as the HTTP side renders it: the stored values themselves. Its
// JSON is VersionPage's.
type versionPage struct {
	TotalCount int           `json:"totalCount"`
	Next       string        `json:"next,omitempty"`
	Prev       string        `json:"prev,omitempty"`
	Items      []*fx.Version `json:"items"`
}

// versions is Versions for the HTTP side. A connector has a handful of versions: they are
// sorted on every page, no order is kept.
func (s *Store) versions(org, id string, p PageQuery) (versionPage, error) {
	s.mu.RLock()
	e, err := s.lookup(org, id)
	s.mu.RUnlock()
	if err != nil {
		return versionPage{}, err
	}
	shown := e.shown.Versions // immutable: read after unlocking
	all := make([]*fx.Version, len(shown))
	for i := range shown {
		all[i] = &shown[i]
	}
	sortItems(all, versionSorting.order, versionKey)
	// The contract offers no sort for versions.
	page, info, err := paginate(all, versionSorting, versionKey, p)
	if err != nil {
		return versionPage{}, err
	}
	return versionPage{TotalCount: info.total, Next: info.next, Prev: info.prev, Items: page}, nil
}

// resolve finds a version by name, or the reserved "latest" (the latest published) or
// "default" (the user's default, else the latest).
func resolve(c *fx.Connector, ref string) (int, error) {
	i := -1
	switch ref {
	case refLatest:
		i = latestIndex(c.Versions)
	case refDefault:
		i = defaultIndex(c.Versions)
	default:
		i = slices.IndexFunc(c.Versions, func(v fx.Version) bool { return v.Name == ref })
	}
	if i < 0 {
		return -1, &NotFoundError{Connector: c.ID, Version: ref}
	}
	return i, nil
}

// The reserved version names.
const (
	refLatest  = "latest"
	refDefault = "default"
)

// Version returns one version of a connector (a name, "latest" or "default").
func (s *Store) Version(org, id, ref string) (fx.Version, error) {
	v, err := s.version(org, id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// version is Version for the HTTP side: the stored value itself, to render, not change.
func (s *Store) version(org, id, ref string) (*fx.Version, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := s.lookup(org, id)
	if err != nil {
		return nil, err
	}
	i, err := resolve(e.stored, ref)
	if err != nil {
		return nil, err
	}
	return &e.shown.Versions[i], nil
}

// NewVersion is the body of CreateConnectorVersion.
type NewVersion struct {
	Name        string  `json:"name"`
	FromVersion *string `json:"fromVersion"`
}

// CreateVersion adds a draft version. Its name must not be reserved or taken; fromVersion,
// when given, must name a version of the connector, whose description, actions, triggers and
// definitions the new version starts with. The connector's updatedAt moves.
func (s *Store) CreateVersion(org, id string, in NewVersion) (fx.Version, error) {
	v, err := s.createVersion(org, id, in)
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// createVersion is CreateVersion for the HTTP side: it answers the stored value itself.
func (s *Store) createVersion(org, id string, in NewVersion) (*fx.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	bad := &InvalidError{}
	checkVersionName(bad, "name", in.Name)
	description, from := "", ""
	if in.FromVersion != nil {
		if i, err := resolve(&c, *in.FromVersion); err != nil {
			bad.add("fromVersion", msgNoSuchFromVersion, *in.FromVersion)
		} else {
			description, from = c.Versions[i].Description, c.Versions[i].ID
		}
	}
	if err := bad.orNil(); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(c.Versions, func(v fx.Version) bool { return v.Name == in.Name }) {
		return nil, &ConflictError{Reason: msgVersionExists(in.Name)}
	}
	now := s.now()
	// Clip: append must not write into an array the stored value shares.
	c.Versions = append(slices.Clip(c.Versions), fx.Version{ID: s.newID(), Name: in.Name, Description: description, CreatedAt: now, UpdatedAt: now})
	c.UpdatedAt = now
	shown := s.write(&c).shown
	s.copyContent(from, c.Versions[len(c.Versions)-1].ID)
	return &shown.Versions[len(shown.Versions)-1], nil
}

// UpdateVersion applies a ConnectorVersion body to a version. id, name and createdAt are
// read-only (a different value is a 400); isLatest, isDefault's derived meaning, updatedAt and
// messages are computed by the API, so isLatest, updatedAt and messages are ignored.
// publishedAt: null -> a time publishes the draft (at the mock clock), a time -> null
// unpublishes it, another time is a 400. A published version is immutable: a different
// description is a 409. isDefault true makes the (published) version the default, a 409 for
// a draft; false on the user's default clears that choice. updatedAt moves, on the version
// and on the connector.
func (s *Store) UpdateVersion(org, id, ref string, in fx.Version) (fx.Version, error) {
	v, err := s.updateVersion(org, id, ref, in)
	if err != nil {
		return fx.Version{}, err
	}
	return v.Clone(), nil
}

// updateVersion is UpdateVersion for the HTTP side: it answers the stored value itself.
func (s *Store) updateVersion(org, id, ref string, in fx.Version) (*fx.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	i, err := resolve(&c, ref)
	if err != nil {
		return nil, err
	}
	v := c.Versions[i]
	bad := &InvalidError{}
	if !strings.EqualFold(in.ID, v.ID) {
		bad.add("id", msgReadOnly, v.ID)
	}
	if in.Name != v.Name {
		bad.add("name", msgReadOnlyName, v.Name)
	}
	if !in.CreatedAt.Equal(v.CreatedAt) {
		bad.add("createdAt", msgReadOnly, v.CreatedAt.Format(time.RFC3339Nano))
	}
	if in.PublishedAt != nil && v.PublishedAt != nil && !in.PublishedAt.Equal(*v.PublishedAt) {
		bad.add("publishedAt", msgPublishedAtFixed, v.PublishedAt.Format(time.RFC3339Nano))
	}
	if err := bad.orNil(); err != nil {
		return nil, err
	}
	now := s.now()
	publish := v.PublishedAt == nil && in.PublishedAt != nil
	unpublish := v.PublishedAt != nil && in.PublishedAt == nil
	switch {
	case v.PublishedAt != nil && !unpublish && in.Description != v.Description:
		return nil, &ConflictError{Reason: msgVersionImmutable(v.Name)}
	case in.IsDefault && (unpublish || v.PublishedAt == nil && !publish):
		return nil, &ConflictError{Reason: msgDraftDefault(v.Name)}
	}
	v.Description = in.Description
	if publish {
		v.PublishedAt = &now
	}
	if unpublish {
		v.PublishedAt = nil
		v.IsDefault = false
	}
	c.Versions = slices.Clone(c.Versions) // the stored value's list is never written
	switch {
	case in.IsDefault:
		for j := range c.Versions {
			c.Versions[j].IsDefault = false
		}
		v.IsDefault = true
	case v.IsDefault:
		v.IsDefault = false
	}
	v.UpdatedAt = now
	c.Versions[i] = v
	c.UpdatedAt = now
	return &s.write(&c).shown.Versions[i], nil
}

// DeleteVersion removes a version; a published one is a conflict unless force.
func (s *Store) DeleteVersion(org, id, ref string, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return err
	}
	c := *old.stored
	i, err := resolve(&c, ref)
	if err != nil {
		return err
	}
	if c.Versions[i].PublishedAt != nil && !force {
		return &ConflictError{Reason: msgVersionPublished(c.Versions[i].Name)}
	}
	delete(s.writable().contents, c.Versions[i].ID)
	// A new list: the stored value's is never written.
	c.Versions = append(append(make([]fx.Version, 0, len(c.Versions)-1), c.Versions[:i]...), c.Versions[i+1:]...)
	c.UpdatedAt = s.now()
	s.write(&c)
	return nil
}
