package versori

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is what a connector version holds besides its own fields: its actions, triggers
// and definitions (the content), how the store keeps them, and the per-version lookups the
// families of actions.go and definitions.go share.
//
// A version's content is immutable, like an entry: a write builds a new content, sharing the
// items it does not change, and swaps it into state.contents under the version's id. A write
// to the content also writes the connector (the version's and the connector's updatedAt
// move), in the same critical section.

// content is the actions, triggers and definitions of one version, each list in creation
// order (lists sort per page: a version holds tens of items, not thousands).
type content struct {
	Actions     []*operation  `json:"actions,omitempty"`
	Triggers    []*operation  `json:"triggers,omitempty"`
	Definitions []*definition `json:"definitions,omitempty"`
}

// operation is a stored action or trigger (the two are near twins: a trigger has no path).
// Its definition links hold definition ids; a link whose definition was deleted (force) is
// kept and reported in the operation's errors.
type operation struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Summary     *string         `json:"summary,omitempty"`
	Method      string          `json:"method"`
	Path        *string         `json:"path,omitempty"`
	Parameters  json.RawMessage `json:"parameters"` // the body's JSON array, compacted
	RequestBody *operationBody  `json:"requestBody,omitempty"`
	Responses   []operationResp `json:"responses"`
}

// operationBody is an operation's request body: whether it is required, and its definitions.
type operationBody struct {
	Required bool   `json:"required"`
	Links    []link `json:"links"`
}

// operationResp is one documented response of an operation.
type operationResp struct {
	ID     string `json:"id"`
	Status *int   `json:"status,omitempty"`
	Links  []link `json:"links"`
}

// link ties a request body or response to a definition.
type link struct {
	ID           string `json:"id"`
	DefinitionID string `json:"definitionId"`
}

// definition is a stored Definition: its JSON Schema document, whose references to other
// definitions of the version are held as refPrefix + id (see definitions.go), so that they
// survive renames and are written as URLs of the mock when served.
type definition struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Accept      []string        `json:"accept"`
	Description *string         `json:"description,omitempty"`
	ContentType string          `json:"contentType"`
	Schema      json.RawMessage `json:"schema"` // JSON: an object or a boolean
	Refs        []string        `json:"refs,omitempty"`
}

// links is every definition link of the operation, in order.
func (o *operation) links() []link {
	var out []link
	if o.RequestBody != nil {
		out = append(out, o.RequestBody.Links...)
	}
	for _, r := range o.Responses {
		out = append(out, r.Links...)
	}
	return out
}

// kinds of the version's items, as the API names them in messages and referencedBy.
const (
	kindAction     = "action"
	kindTrigger    = "trigger"
	kindDefinition = "definition"
)

// list is the content's operations of a kind.
func (c *content) list(kind string) []*operation {
	if c == nil {
		return nil
	}
	if kind == kindTrigger {
		return c.Triggers
	}
	return c.Actions
}

// with returns a copy of c (which may be nil) whose list of kind is ops.
func (c *content) with(kind string, ops []*operation) *content {
	n := &content{}
	if c != nil {
		*n = *c
	}
	if kind == kindTrigger {
		n.Triggers = ops
	} else {
		n.Actions = ops
	}
	return n
}

// definitionByID is the content's definition of that id (case-insensitive), or nil.
func (c *content) definitionByID(id string) *definition {
	if c == nil {
		return nil
	}
	for _, d := range c.Definitions {
		if strings.EqualFold(d.ID, id) {
			return d
		}
	}
	return nil
}

// definitionByName is the content's definition of that name, or nil.
func (c *content) definitionByName(name string) *definition {
	if c == nil {
		return nil
	}
	for _, d := range c.Definitions {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// versionRef is a version looked up for a content operation: the connector's entry, the
// version's index in it and the version's content. Callers hold mu.
type versionRef struct {
	e       *entry
	i       int
	content *content
}

func (v versionRef) version() *fx.Version { return &v.e.stored.Versions[v.i] }

// lookupVersion finds the version ref of a connector of the organisation. Callers hold mu.
func (s *Store) lookupVersion(org, connector, ref string) (versionRef, error) {
	e, err := s.lookup(org, connector)
	if err != nil {
		return versionRef{}, err
	}
	i, err := resolve(e.stored, ref)
	if err != nil {
		return versionRef{}, err
	}
	return versionRef{e, i, s.st.contents[e.stored.Versions[i].ID]}, nil
}

// editable refuses a change to a published version's content: published versions are
// read-only.
func (v versionRef) editable() error {
	if ver := v.version(); ver.PublishedAt != nil {
		return &ConflictError{Reason: msgVersionReadOnly(ver.Name)}
	}
	return nil
}

// writeContent stores the version's new content and moves the version's and the connector's
// updatedAt to now. Callers hold mu for writing.
func (s *Store) writeContent(v versionRef, c *content, now time.Time) {
	conn := *v.e.stored
	conn.Versions = slices.Clone(conn.Versions) // the stored value's list is never written
	conn.Versions[v.i].UpdatedAt = now
	conn.UpdatedAt = now
	s.write(&conn)
	s.st.contents[conn.Versions[v.i].ID] = c
}

// notFoundIn is the NotFoundError of a missing item of a version.
func notFoundIn(v versionRef, kind, name string) error {
	return &NotFoundError{Connector: v.e.stored.ID, Version: v.version().Name, Kind: kind, Name: name}
}

// copyContent gives the version toID the content of fromID (CreateConnectorVersion's
// fromVersion, ImportPublicConnectorVersion): the items are shared, immutable; ids are
// unique within a version. Callers hold mu for writing.
func (s *Store) copyContent(fromID, toID string) {
	if c := s.st.contents[fromID]; c != nil {
		s.st.contents[toID] = c
	}
}

// publishProblems lists why a version's content cannot be published: an http connector's
// version needs an action; an action or trigger may not link a deleted definition; a
// definition may not reference one.
func publishProblems(protocol string, c *content, bad *InvalidError) {
	if protocol == "http" && len(c.list(kindAction)) == 0 {
		bad.add("actions", msgPublishNoActions)
	}
	for _, kind := range []string{kindAction, kindTrigger} {
		for _, o := range c.list(kind) {
			for _, e := range operationErrors(c, o) {
				bad.add(fmt.Sprintf("%ss[%s].%s", kind, o.Name, e.Field), "%s", e.Message)
			}
		}
	}
	if c == nil {
		return
	}
	for _, d := range c.Definitions {
		for _, id := range d.Refs {
			if c.definitionByID(id) == nil {
				bad.add(fmt.Sprintf("definitions[%s].schema", d.Name), msgDanglingRef, id)
			}
		}
	}
}

func (a *API) publish(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	v, err := a.store.Publish(org, id, ver)
	a.answer(w, http.StatusOK, versionBody{v}, err)
}

func (a *API) unpublish(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	v, err := a.store.Unpublish(org, id, ver)
	a.answer(w, http.StatusOK, versionBody{v}, err)
}

// versionBody is a PublishConnectorResponse or an UnpublishConnectorResponse.
type versionBody struct {
	Version fx.Version `json:"version"`
}

// Publish validates a draft version and publishes it at the mock's clock: it becomes the
// latest (and the default, unless the user chose another). A published version is a 409; a
// version that cannot be published is a 400 listing every reason (see publishProblems).
func (s *Store) Publish(org, connector, ref string) (fx.Version, error) {
	return s.setPublished(org, connector, ref, true)
}

// Unpublish returns a published version to draft (publishedAt null); it stops being the
// default if the user had chosen it. A draft is a 409.
func (s *Store) Unpublish(org, connector, ref string) (fx.Version, error) {
	return s.setPublished(org, connector, ref, false)
}

func (s *Store) setPublished(org, connector, ref string, publish bool) (fx.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, ref)
	if err != nil {
		return fx.Version{}, err
	}
	ver := *v.version()
	switch {
	case publish && ver.PublishedAt != nil:
		return fx.Version{}, &ConflictError{Reason: msgAlreadyPublished(ver.Name)}
	case !publish && ver.PublishedAt == nil:
		return fx.Version{}, &ConflictError{Reason: msgNotPublished(ver.Name)}
	}
	if publish {
		bad := &InvalidError{}
		publishProblems(v.e.stored.Protocol, v.content, bad)
		if err := bad.orNil(); err != nil {
			return fx.Version{}, err
		}
	}
	now := s.now()
	if publish {
		ver.PublishedAt = &now
	} else {
		ver.PublishedAt, ver.IsDefault = nil, false
	}
	ver.UpdatedAt = now
	c := *v.e.stored
	c.Versions = slices.Clone(c.Versions)
	c.Versions[v.i] = ver
	c.UpdatedAt = now
	return s.write(&c).shown.Versions[v.i].Clone(), nil
}

// documentedContent is what both documented versions hold: definition Weather, action
// getWeather (GET /weather, 200 linking Weather) and trigger weatherAlert (POST, its body
// linking Weather).
func documentedContent() *content {
	status := 200
	weather := &definition{
		ID: fx.DocumentedDefinitionID, Name: "Weather", Accept: []string{"application/json"},
		ContentType: "application/schema+json",
		Schema:      []byte(`{"properties":{"temperature":{"type":"number"},"city":{"type":"string"}},"required":["city"],"type":"object"}`),
	}
	return &content{
		Actions: []*operation{{
			ID: fx.DocumentedActionID, Name: "getWeather", Type: "http", Method: "GET", Path: ptr("/weather"),
			Parameters: []byte(`[{"name":"city","in":"query","required":true,"type":"string"}]`),
			Responses:  []operationResp{{ID: "01JQQEH0A5CT10NGETWEATHER1", Status: &status, Links: []link{{ID: "01JQQEH0A5CT10NGETWEATHER2", DefinitionID: weather.ID}}}},
		}},
		Triggers: []*operation{{
			ID: fx.DocumentedTriggerID, Name: "weatherAlert", Type: "http", Method: "POST", Parameters: []byte(`[]`),
			RequestBody: &operationBody{Required: true, Links: []link{{ID: "01JQQEH0TR1GGERWEATHERA1R1", DefinitionID: weather.ID}}},
			Responses:   []operationResp{},
		}},
		Definitions: []*definition{weather},
	}
}

func ptr[T any](v T) *T { return &v }

// PutVersionContent replaces a version's definitions, actions and triggers with vc (typed
// access for seeding and tests; a published version too). Everything is checked as the API
// checks it, every fault reported, and nothing changes on a refusal: names unique per kind
// and matching the contract's patterns, operations fitting the connector's protocol, links
// and "#/$defs/<name>" references naming definitions of vc. Ids are vc's (upper-cased);
// empty ones are drawn as the API draws them. The version's and the connector's updatedAt
// stay.
func (s *Store) PutVersionContent(org, connector, version string, vc fx.VersionContent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return err
	}
	mark := s.created
	bad := &InvalidError{}
	c := &content{}
	for i, d := range vc.Definitions {
		field := fmt.Sprintf("definitions[%d]", i)
		checkItemName(bad, field+".name", d.Name, definitionName)
		if slices.ContainsFunc(vc.Definitions[:i], func(o fx.Definition) bool { return o.Name == d.Name }) {
			bad.add(field+".name", msgRepeatedDefinition, d.Name)
		}
		id := strings.ToUpper(d.ID)
		if id == "" {
			id = s.newID()
		}
		def := &definition{ID: id, Name: d.Name, Accept: slices.Clone(d.Accept), ContentType: "application/schema+json"}
		if def.Accept == nil {
			def.Accept = []string{}
		}
		if d.Description != "" {
			def.Description = ptr(d.Description)
		}
		c.Definitions = append(c.Definitions, def)
	}
	names := func(n string) string {
		if d := c.definitionByName(n); d != nil {
			return d.ID
		}
		return ""
	}
	for i, d := range vc.Definitions {
		c.Definitions[i].Schema, c.Definitions[i].Refs = parseSchema(fmt.Sprintf("definitions[%d].schema", i), "application/schema+json", string(d.Schema), names, c, bad)
	}
	v.content = c
	for _, kind := range []string{kindAction, kindTrigger} {
		list := vc.Actions
		if kind == kindTrigger {
			list = vc.Triggers
		}
		var ops []*operation
		for i, o := range list {
			in := OperationInput{ID: o.ID, Type: v.e.stored.Protocol, Name: o.Name, Method: o.Method, Parameters: mustJSON(o.Parameters)}
			if o.Summary != "" {
				in.Summary = ptr(o.Summary)
			}
			if kind == kindAction {
				in.Path = ptr(o.Path)
			}
			links := func(names []string) []LinkInput {
				out := []LinkInput{}
				for _, n := range names {
					var l LinkInput
					l.Definition.Name = n
					out = append(out, l)
				}
				return out
			}
			if o.Request != nil {
				in.RequestBody = &struct {
					Required    bool        `json:"required"`
					Definitions []LinkInput `json:"definitions"`
				}{true, links(o.Request)}
			}
			for _, r := range o.Responses {
				ri := ResponseInput{Definitions: links(r.Definitions)}
				if r.Status != 0 {
					ri.Status = ptr(r.Status)
				}
				in.Responses = append(in.Responses, ri)
			}
			sub := &InvalidError{}
			op := s.build(v, kind, strings.ToUpper(o.ID), in, nil, sub)
			for _, f := range sub.Fields {
				bad.add(fmt.Sprintf("%ss[%d].%s", kind, i, f.Field), "%s", f.Message)
			}
			if findOperation(ops, o.Name) >= 0 {
				bad.add(fmt.Sprintf("%ss[%d].name", kind, i), "%s", msgItemExists(kind, o.Name))
			}
			s.assignIDs(op)
			ops = append(ops, op)
		}
		c = c.with(kind, ops)
		v.content = c
	}
	if err := bad.orNil(); err != nil {
		s.created = mark
		return err
	}
	s.writable().contents[v.version().ID] = c
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v) // plain values: cannot fail
	return b
}
