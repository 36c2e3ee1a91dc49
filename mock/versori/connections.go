package versori

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the connections family: ListConnectorConnections, CreateConnectorConnection,
// GetConnection, UpdateConnection, DeleteConnection. A connection lives in its connector's
// stored value (Connector.Connections), so a connection change is a connector write: a new
// connector value swapped in, whose updatedAt moves with the connection's.

func (a *API) listConnections(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	page, err := a.store.connections(org, id, pageQuery(r.URL.Query()))
	a.answer(w, http.StatusOK, page, err)
}

func (a *API) createConnection(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in NewConnection
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	conn, err := a.store.createConnection(org, id, in)
	a.answer(w, http.StatusOK, conn, err)
}

func (a *API) getConnection(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	conn, err := a.store.connection(org, id, c.Params["connection_id"])
	a.answer(w, http.StatusOK, conn, err)
}

func (a *API) updateConnection(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in ConnectionUpdate
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	conn, err := a.store.updateConnection(org, id, c.Params["connection_id"], in)
	a.answer(w, http.StatusOK, conn, err)
}

func (a *API) deleteConnection(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	err := a.store.DeleteConnection(org, id, c.Params["connection_id"], boolParam(r, "force"))
	var inUse *InUseError
	if errors.As(err, &inUse) {
		kit.WriteJSON(w, http.StatusPreconditionFailed, errorBody{Code: CodePreconditionFailed, Message: inUse.Error()})
		return
	}
	a.answerNoContent(w, err)
}

// InUseError is the 412 of DeleteConnection: the connection is in use by another product.
type InUseError struct{ Connection string }

func (e *InUseError) Error() string { return msgConnectionInUse(e.Connection) }

// Is makes errors.Is(err, ErrPrecondition) true.
func (e *InUseError) Is(target error) bool { return target == ErrPrecondition }

// ConnectionSummary is a ConnectionSummary, an item of ListConnectorConnections.
type ConnectionSummary struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ConnectionPage is a ConnectorConnectionPage body.
type ConnectionPage struct {
	TotalCount int                 `json:"totalCount"`
	Next       string              `json:"next,omitempty"`
	Prev       string              `json:"prev,omitempty"`
	Items      []ConnectionSummary `json:"items"`
}

// connectionSorting is the fixed order of connection lists: most recently updated first.
var connectionSorting = versionSorting

func connectionKey(c *fx.Connection, col column) string {
	if col == colUpdatedAt {
		return keyTime(c.UpdatedAt)
	}
	return c.ID
}

// Connections returns a page of the connector's connections as summaries, most recently
// updated first.
func (s *Store) Connections(org, connector string, p PageQuery) (ConnectionPage, error) {
	return s.connections(org, connector, p)
}

// connections sorts the connector's connections per page: a connector has a handful, no
// order is kept (as for versions).
func (s *Store) connections(org, connector string, p PageQuery) (ConnectionPage, error) {
	s.mu.RLock()
	e, err := s.lookup(org, connector)
	s.mu.RUnlock()
	if err != nil {
		return ConnectionPage{}, err
	}
	stored := e.stored.Connections // immutable: read after unlocking
	all := make([]*fx.Connection, len(stored))
	for i := range stored {
		all[i] = &stored[i]
	}
	sortItems(all, connectionSorting.order, connectionKey)
	page, info, err := paginate(all, connectionSorting, connectionKey, p)
	if err != nil {
		return ConnectionPage{}, err
	}
	out := ConnectionPage{TotalCount: info.total, Next: info.next, Prev: info.prev, Items: make([]ConnectionSummary, len(page))}
	for i, c := range page {
		out.Items[i] = ConnectionSummary{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	}
	return out, nil
}

// findConnection is the index of the connection of that id (case-insensitive) in c, or a
// NotFoundError.
func findConnection(c *fx.Connector, id string) (int, error) {
	i := slices.IndexFunc(c.Connections, func(conn fx.Connection) bool { return strings.EqualFold(conn.ID, id) })
	if i < 0 {
		return -1, &NotFoundError{Connector: c.ID, Kind: "connection", Name: id}
	}
	return i, nil
}

// Connection returns one connection of a connector as the API shows it (credentials with
// their auth scheme configs and usages, secrets redacted).
func (s *Store) Connection(org, connector, id string) (fx.Connection, error) {
	conn, err := s.connection(org, connector, id)
	if err != nil {
		return fx.Connection{}, err
	}
	return fx.Connector{Connections: []fx.Connection{*conn}}.Clone().Connections[0], nil
}

// connection is Connection for the HTTP side: the shown value itself, to render, not change.
func (s *Store) connection(org, connector, id string) (*fx.Connection, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := s.lookup(org, connector)
	if err != nil {
		return nil, err
	}
	i, err := findConnection(e.stored, id)
	if err != nil {
		return nil, err
	}
	return &e.shown.Connections[i], nil
}

// CreateConnection adds a connection, with the credentials it creates, to a connector. Its
// name must be new in the connector (a taken name is a 409). A credential's auth scheme config
// is matched to the connector's by id and, when the connector has none of that id, added to
// them, as CreateHTTPConnector does. Credential secrets are stored redacted.
func (s *Store) CreateConnection(org, connector string, in NewConnection) (fx.Connection, error) {
	conn, err := s.createConnection(org, connector, NewConnector{Connections: []NewConnection{in}}.clone().Connections[0])
	if err != nil {
		return fx.Connection{}, err
	}
	return fx.Connector{Connections: []fx.Connection{*conn}}.Clone().Connections[0], nil
}

func (s *Store) createConnection(org, connector string, in NewConnection) (*fx.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, connector)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	if slices.ContainsFunc(c.Connections, func(o fx.Connection) bool { return o.Name == in.Name }) {
		return nil, &ConflictError{Reason: msgConnectionExists(in.Name)}
	}
	configs := c.AuthSchemeConfigs
	for _, cc := range append(slices.Clone(in.Credentials.Action), in.Credentials.Trigger...) {
		a := cc.AuthSchemeConfig
		a.ID, a.ValidationMessages = strings.ToUpper(a.ID), nil
		if !slices.ContainsFunc(configs, func(b fx.AuthSchemeConfig) bool { return b.ID == a.ID }) {
			configs = append(slices.Clip(configs), a) // never into the stored value's array
		}
	}
	now := s.now()
	c.AuthSchemeConfigs = configs
	c.Connections = append(slices.Clip(c.Connections), s.newConnection(c.OrganisationID, in, now))
	c.UpdatedAt = now
	shown := s.write(&c).shown
	return &shown.Connections[len(shown.Connections)-1], nil
}

// newConnection builds a stored connection of in: new ids, redacted credential data, each
// credential's config by id only (view shows the connector's config of that id). Callers
// hold mu.
func (s *Store) newConnection(org string, in NewConnection, now time.Time) fx.Connection {
	credentials := func(list []NewConnectionCredential) []fx.ConnectionCredential {
		out := []fx.ConnectionCredential{}
		for _, cc := range list {
			out = append(out, fx.ConnectionCredential{
				ID:               s.newID(),
				AuthSchemeConfig: fx.AuthSchemeConfig{ID: strings.ToUpper(cc.AuthSchemeConfig.ID)},
				Credential: fx.Credential{ID: s.newID(), OrganisationID: org, Type: cc.Credential.Type,
					Name: cc.Credential.Name, Data: fx.Redact(cc.Credential.Data)},
			})
		}
		return out
	}
	conn := fx.Connection{ID: s.newID(), Name: in.Name, Variables: in.Variables, CreatedAt: now, UpdatedAt: now}
	if conn.Variables == nil {
		conn.Variables = []fx.Variable{}
	}
	conn.Credentials.Action = credentials(in.Credentials.Action)
	if in.Credentials.Trigger != nil {
		conn.Credentials.Trigger = credentials(in.Credentials.Trigger)
	}
	return conn
}

// ConnectionUpdate is the body of UpdateConnection. A nil Variables or Credentials list is
// a field missing from the body: left as it is.
type ConnectionUpdate struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Variables   []fx.Variable      `json:"variables"`
	Credentials *CredentialsUpdate `json:"credentials"`
}

// CredentialsUpdate is a ConnectionCredentialsUpdate.
type CredentialsUpdate struct {
	Action  []CredentialUpdate `json:"action"`
	Trigger []CredentialUpdate `json:"trigger"`
}

// CredentialUpdate is a ConnectionCredentialUpdate: which connection credential, and the
// auth scheme config it is to use.
type CredentialUpdate struct {
	ID               string              `json:"id"`
	AuthSchemeConfig fx.AuthSchemeConfig `json:"authSchemeConfig"`
}

// UpdateConnection applies a ConnectionUpdate. id must be the path's; the name may change
// (to one no other connection of the connector has: 409 otherwise); variables, given,
// replace the connection's. A credentials list, given, is the connection's credentials of
// that kind in their new order: each names an existing connection credential of the kind
// once, and the ones left out are removed (the vendor's way to replace one: add a new, delete
// the old). Its authSchemeConfig.id must name a config of the connector with the credential's
// current scheme type (the scheme type cannot change). The credentials themselves, their
// secrets included, never change here. Every offending field is reported and nothing changes.
func (s *Store) UpdateConnection(org, connector, id string, in ConnectionUpdate) (fx.Connection, error) {
	in.Variables = slices.Clone(in.Variables)
	if in.Credentials != nil {
		cu := *in.Credentials
		in.Credentials = &cu
	}
	conn, err := s.updateConnection(org, connector, id, in)
	if err != nil {
		return fx.Connection{}, err
	}
	return fx.Connector{Connections: []fx.Connection{*conn}}.Clone().Connections[0], nil
}

func (s *Store) updateConnection(org, connector, id string, in ConnectionUpdate) (*fx.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, connector)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	i, err := findConnection(&c, id)
	if err != nil {
		return nil, err
	}
	conn := c.Connections[i]
	bad := &InvalidError{}
	if !strings.EqualFold(in.ID, conn.ID) {
		bad.add("id", msgPathMismatch, in.ID, "connection_id", id)
	}
	if strings.TrimSpace(in.Name) == "" {
		bad.add("name", msgConnectionNameEmpty)
	}
	if in.Credentials != nil {
		if in.Credentials.Action != nil {
			conn.Credentials.Action = reorderCredentials(&c, conn.Credentials.Action, in.Credentials.Action, "credentials.action", bad)
		}
		if in.Credentials.Trigger != nil {
			conn.Credentials.Trigger = reorderCredentials(&c, conn.Credentials.Trigger, in.Credentials.Trigger, "credentials.trigger", bad)
		}
	}
	if err := bad.orNil(); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(c.Connections, func(o fx.Connection) bool { return o.Name == in.Name && o.ID != conn.ID }) {
		return nil, &ConflictError{Reason: msgConnectionExists(in.Name)}
	}
	now := s.now()
	conn.Name = in.Name
	if in.Variables != nil {
		conn.Variables = in.Variables
	}
	conn.UpdatedAt = now
	c.Connections = slices.Clone(c.Connections) // the stored value's list is never written
	c.Connections[i] = conn
	c.UpdatedAt = now
	return &s.write(&c).shown.Connections[i], nil
}

// reorderCredentials returns the connection credentials in the order updates names them,
// each with the config its update names; faults are added to bad under field.
func reorderCredentials(c *fx.Connector, current []fx.ConnectionCredential, updates []CredentialUpdate, field string, bad *InvalidError) []fx.ConnectionCredential {
	out := make([]fx.ConnectionCredential, 0, len(updates))
	for j, u := range updates {
		f := fmt.Sprintf("%s[%d]", field, j)
		k := slices.IndexFunc(current, func(cc fx.ConnectionCredential) bool { return strings.EqualFold(cc.ID, u.ID) })
		switch {
		case k < 0:
			bad.add(f+".id", msgUnknownConnectionCredential, u.ID)
			continue
		case slices.ContainsFunc(updates[:j], func(o CredentialUpdate) bool { return strings.EqualFold(o.ID, u.ID) }):
			bad.add(f+".id", msgRepeatedConnectionCredential, u.ID)
			continue
		}
		cc := current[k]
		was := schemeTypeOf(c, cc.AuthSchemeConfig.ID)
		n := slices.IndexFunc(c.AuthSchemeConfigs, func(a fx.AuthSchemeConfig) bool { return strings.EqualFold(a.ID, u.AuthSchemeConfig.ID) })
		switch {
		case n < 0:
			bad.add(f+".authSchemeConfig.id", msgUnknownAuthSchemeConfig, u.AuthSchemeConfig.ID)
		case was != "" && c.AuthSchemeConfigs[n].SchemeType != was:
			bad.add(f+".authSchemeConfig.schemeType", msgSchemeTypeChange, was, c.AuthSchemeConfigs[n].SchemeType)
		default:
			cc.AuthSchemeConfig = fx.AuthSchemeConfig{ID: c.AuthSchemeConfigs[n].ID}
		}
		out = append(out, cc)
	}
	return out
}

// schemeTypeOf is the scheme type of the connector's config of that id, "" when it has none
// (a config deleted since: the credential may then move to any config).
func schemeTypeOf(c *fx.Connector, configID string) string {
	for _, a := range c.AuthSchemeConfigs {
		if strings.EqualFold(a.ID, configID) {
			return a.SchemeType
		}
	}
	return ""
}

// DeleteConnection removes a connection from its connector. One in use by another Versori
// product (Connection.InUse, set through typed access: no product runs in the mock) is a
// PreconditionError (412) unless force.
func (s *Store) DeleteConnection(org, connector, id string, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, connector)
	if err != nil {
		return err
	}
	c := *old.stored
	i, err := findConnection(&c, id)
	if err != nil {
		return err
	}
	if c.Connections[i].InUse && !force {
		return &InUseError{Connection: c.Connections[i].Name}
	}
	c.Connections = slices.Delete(slices.Clone(c.Connections), i, i+1)
	c.UpdatedAt = s.now()
	s.write(&c)
	return nil
}
