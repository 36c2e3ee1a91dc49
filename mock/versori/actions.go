package versori

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the actions and triggers of a version (GetActions, CreateAction, GetAction,
// UpdateAction, DeleteAction and the five Trigger twins): one implementation, told apart by
// kind. Both are typed by the connector's protocol: the contract knows http ones only, so any
// action or trigger of a bigquery connector is a 400.

// versionIDs are the path's organisation, connector and version.
func versionIDs(c *vendorapi.Call) (org, connector, version string) {
	return c.Params["organisation_id"], c.Params["connector_id"], c.Params["version"]
}

// operationHandlers are the five handlers of a kind.
func (a *API) operationHandlers(kind string) (list, create, get, update, del vendorapi.HandlerFunc) {
	param := kind + "_name"
	list = func(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
		org, id, ver := versionIDs(c)
		q := r.URL.Query()
		page, err := a.store.operations(org, id, ver, kind, q.Get("name"), pageQuery(q), renderBase(r, c))
		a.answer(w, http.StatusOK, page, err)
	}
	create = func(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
		var in OperationInput
		if !a.decode(w, r, c, &in) {
			return
		}
		org, id, ver := versionIDs(c)
		out, err := a.store.createOperation(org, id, ver, kind, in, renderBase(r, c))
		a.answer(w, http.StatusCreated, out, err)
	}
	get = func(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
		org, id, ver := versionIDs(c)
		out, err := a.store.operation(org, id, ver, kind, c.Params[param], renderBase(r, c))
		a.answer(w, http.StatusOK, out, err)
	}
	update = func(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
		var in OperationInput
		if !a.decode(w, r, c, &in) {
			return
		}
		org, id, ver := versionIDs(c)
		out, err := a.store.updateOperation(org, id, ver, kind, c.Params[param], in, renderBase(r, c))
		a.answer(w, http.StatusOK, out, err)
	}
	del = func(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
		org, id, ver := versionIDs(c)
		a.answerNoContent(w, a.store.DeleteOperation(org, id, ver, kind, c.Params[param]))
	}
	return
}

// OperationInput is the body of CreateAction/CreateTrigger (ActionCreate, TriggerCreate) and of
// UpdateAction/UpdateTrigger (Action, Trigger): a create has no ids, an update names the
// operation, its responses and its links by id. A link names its definition by id or by name
// (DefinitionRef; in an update, the embedded Definition's id).
type OperationInput struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Summary     *string         `json:"summary"`
	Method      string          `json:"method"`
	Path        *string         `json:"path"`
	Parameters  json.RawMessage `json:"parameters"`
	RequestBody *struct {
		Required    bool        `json:"required"`
		Definitions []LinkInput `json:"definitions"`
	} `json:"requestBody"`
	Responses []ResponseInput `json:"responses"`
}

// ResponseInput is an ActionHTTPResponseCreate/TriggerHTTPResponseCreate (or, in an update,
// an ActionHTTPResponse/TriggerHTTPResponse).
type ResponseInput struct {
	ID          string      `json:"id"`
	Status      *int        `json:"status"`
	Definitions []LinkInput `json:"definitions"`
}

// LinkInput is an ActionDefinitionCreate/TriggerDefinitionCreate (or, in an update, an
// ActionDefinition/TriggerDefinition).
type LinkInput struct {
	ID         string `json:"id"`
	Definition struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"definition"`
}

// build checks in against the version and returns the stored operation: id is the
// operation's (a new one for a create), prev the operation it replaces (nil for a create),
// whose response and link ids an update keeps when it names them. Every fault is added to bad.
func (s *Store) build(v versionRef, kind, id string, in OperationInput, prev *operation, bad *InvalidError) *operation {
	if p := v.e.stored.Protocol; in.Type != p {
		bad.add("type", msgTypeProtocol, kind, in.Type, p)
	}
	checkItemName(bad, "name", in.Name, operationName)
	o := &operation{ID: id, Name: in.Name, Type: in.Type, Summary: in.Summary, Method: in.Method, Parameters: compactJSON(in.Parameters, "[]")}
	if kind == kindAction {
		o.Path = in.Path
		if in.Path == nil {
			bad.add("path", msgActionPath)
		}
	}
	// Ids a create does not have are given by assignIDs once the request is accepted: a
	// refused one must not use up ids (the id counter is state).
	newID := func(given string) string {
		if prev != nil {
			return strings.ToUpper(given)
		}
		return ""
	}
	links := func(field string, in []LinkInput) []link {
		out := make([]link, 0, len(in))
		var accepts []string
		for j, l := range in {
			f := fmt.Sprintf("%s.definitions[%d].definition", field, j)
			var d *definition
			if l.Definition.ID != "" {
				d = v.content.definitionByID(l.Definition.ID)
			} else {
				d = v.content.definitionByName(l.Definition.Name)
			}
			if d == nil {
				bad.add(f, msgUnknownDefinition, l.Definition.ID+l.Definition.Name)
				continue
			}
			for _, m := range d.Accept {
				if slices.Contains(accepts, m) {
					bad.add(f, msgMediaTypeTwice, m)
				}
			}
			accepts = append(accepts, d.Accept...)
			out = append(out, link{ID: newID(l.ID), DefinitionID: d.ID})
		}
		return out
	}
	if in.RequestBody != nil {
		o.RequestBody = &operationBody{Required: in.RequestBody.Required, Links: links("requestBody", in.RequestBody.Definitions)}
	}
	o.Responses = make([]operationResp, 0, len(in.Responses))
	for j, r := range in.Responses {
		field := fmt.Sprintf("responses[%d]", j)
		if slices.ContainsFunc(in.Responses[:j], func(o ResponseInput) bool {
			return (o.Status == nil) == (r.Status == nil) && (r.Status == nil || *o.Status == *r.Status)
		}) {
			bad.add(field+".status", msgResponseTwice)
		}
		o.Responses = append(o.Responses, operationResp{ID: newID(r.ID), Status: r.Status, Links: links(field, r.Definitions)})
	}
	return o
}

// assignIDs gives the operation, its responses and its links the ids they lack. Callers hold
// mu for writing.
func (s *Store) assignIDs(o *operation) {
	if o.ID == "" {
		o.ID = s.newID()
	}
	fill := func(ls []link) {
		for j := range ls {
			if ls[j].ID == "" {
				ls[j].ID = s.newID()
			}
		}
	}
	if o.RequestBody != nil {
		fill(o.RequestBody.Links)
	}
	for j := range o.Responses {
		if o.Responses[j].ID == "" {
			o.Responses[j].ID = s.newID()
		}
		fill(o.Responses[j].Links)
	}
}

// compactJSON is raw compacted, or def when raw is absent or null.
func compactJSON(raw json.RawMessage, def string) []byte {
	var buf bytes.Buffer
	if len(raw) == 0 || string(raw) == "null" || json.Compact(&buf, raw) != nil {
		return []byte(def)
	}
	return buf.Bytes()
}

// The name patterns of the contract (ActionCommon, TriggerCommon: "regex", meant as a pattern).
const (
	operationName  = "^[a-zA-Z0-9_\\-$]+$"
	definitionName = "^[a-zA-Z0-9_\\-]+$"
)

// checkItemName adds to bad a name that is empty or breaks the pattern (which the spec
// checks too; a Go caller is held to it here).
func checkItemName(bad *InvalidError, field, name, pattern string) {
	ok := name != ""
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '$' && pattern == operationName) {
			ok = false
		}
	}
	if !ok {
		bad.add(field, msgItemName, pattern)
	}
}

func findOperation(list []*operation, name string) int {
	return slices.IndexFunc(list, func(o *operation) bool { return o.Name == name })
}

// OperationView is an Action or a Trigger as the API shows it.
type OperationView struct {
	ID          string           `json:"id"`
	Errors      []ItemError      `json:"errors,omitempty"`
	Type        string           `json:"type"`
	Name        string           `json:"name"`
	Summary     *string          `json:"summary,omitempty"`
	Method      string           `json:"method"`
	Path        *string          `json:"path,omitempty"`
	Parameters  json.RawMessage  `json:"parameters"`
	RequestBody *RequestBodyView `json:"requestBody,omitempty"`
	Responses   []ResponseView   `json:"responses"`
}

// ItemError is an ActionError/TriggerError: what keeps the operation from being published.
type ItemError struct {
	Field    string `json:"field"`
	Message  string `json:"message"`
	Severity string `json:"severity"`
}

// RequestBodyView is an ActionHTTPRequestBody/TriggerHTTPRequestBody.
type RequestBodyView struct {
	Required    bool       `json:"required"`
	Definitions []LinkView `json:"definitions"`
}

// ResponseView is an ActionHTTPResponse/TriggerHTTPResponse.
type ResponseView struct {
	Status      *int       `json:"status,omitempty"`
	ID          string     `json:"id"`
	Definitions []LinkView `json:"definitions"`
}

// LinkView is an ActionDefinition/TriggerDefinition.
type LinkView struct {
	ID         string         `json:"id"`
	Definition DefinitionView `json:"definition"`
}

// operationErrors are the operation's links to deleted definitions.
func operationErrors(c *content, o *operation) []ItemError {
	var out []ItemError
	check := func(field string, links []link) {
		for j, l := range links {
			if c.definitionByID(l.DefinitionID) == nil {
				out = append(out, ItemError{Field: fmt.Sprintf("%s.definitions[%d]", field, j), Message: fmt.Sprintf(msgDanglingLink, l.DefinitionID), Severity: "error"})
			}
		}
	}
	if o.RequestBody != nil {
		check("requestBody", o.RequestBody.Links)
	}
	for j, r := range o.Responses {
		check(fmt.Sprintf("responses[%d]", j), r.Links)
	}
	return out
}

// view renders o: its links with their definitions, those of deleted definitions left out
// and reported in errors.
func (rb renderer) operation(o *operation) OperationView {
	out := OperationView{ID: o.ID, Errors: operationErrors(rb.content, o), Type: o.Type, Name: o.Name, Summary: o.Summary,
		Method: o.Method, Path: o.Path, Parameters: o.Parameters, Responses: make([]ResponseView, len(o.Responses))}
	links := func(ls []link) []LinkView {
		views := []LinkView{}
		for _, l := range ls {
			if d := rb.content.definitionByID(l.DefinitionID); d != nil {
				views = append(views, LinkView{ID: l.ID, Definition: rb.definition(d)})
			}
		}
		return views
	}
	if o.RequestBody != nil {
		out.RequestBody = &RequestBodyView{Required: o.RequestBody.Required, Definitions: links(o.RequestBody.Links)}
	}
	for j, r := range o.Responses {
		out.Responses[j] = ResponseView{Status: r.Status, ID: r.ID, Definitions: links(r.Links)}
	}
	return out
}

// OperationPage is an ActionPage or a TriggerPage: its list is under "actions" or "triggers".
type OperationPage struct {
	TotalCount int
	Next, Prev string
	Kind       string
	Items      []OperationView
}

// MarshalJSON writes the page with its list under the kind's key.
func (p OperationPage) MarshalJSON() ([]byte, error) {
	type page struct {
		TotalCount int             `json:"totalCount"`
		Next       string          `json:"next,omitempty"`
		Prev       string          `json:"prev,omitempty"`
		Actions    []OperationView `json:"actions,omitempty"`
		Triggers   []OperationView `json:"triggers,omitempty"`
	}
	out := page{TotalCount: p.TotalCount, Next: p.Next, Prev: p.Prev}
	items := p.Items
	if items == nil {
		items = []OperationView{}
	}
	if p.Kind == kindTrigger {
		out.Triggers = items
		if len(items) == 0 { // omitempty would drop the required list
			return json.Marshal(struct {
				page
				Triggers []OperationView `json:"triggers"`
			}{out, items})
		}
	} else {
		out.Actions = items
		if len(items) == 0 {
			return json.Marshal(struct {
				page
				Actions []OperationView `json:"actions"`
			}{out, items})
		}
	}
	return json.Marshal(out)
}

// itemSorting is the order of a version's lists: by name (names are unique in a version).
var itemSorting = newSorting([]sortColumn{{colName, false}, {colID, false}})

func operationKey(o *operation, col column) string {
	if col == colName {
		return o.Name
	}
	return o.ID
}

// Operations is a page of the version's actions or triggers (kind "action" or "trigger"),
// by name, those whose name contains name (case-insensitive) only. base is where the mock
// is reached, for the definitions' URLs.
func (s *Store) Operations(org, connector, version, kind, name string, p PageQuery, base string) (OperationPage, error) {
	return s.operations(org, connector, version, kind, name, p, base)
}

func (s *Store) operations(org, connector, version, kind, name string, p PageQuery, base string) (OperationPage, error) {
	s.mu.RLock()
	v, err := s.lookupVersion(org, connector, version)
	s.mu.RUnlock()
	if err != nil {
		return OperationPage{}, err
	}
	name = strings.ToLower(name)
	var all []*operation
	for _, o := range v.content.list(kind) { // immutable: read after unlocking
		if strings.Contains(strings.ToLower(o.Name), name) {
			all = append(all, o)
		}
	}
	sortItems(all, itemSorting.order, operationKey)
	page, info, err := paginate(all, itemSorting, operationKey, p)
	if err != nil {
		return OperationPage{}, err
	}
	rb := newRenderer(base, v)
	out := OperationPage{TotalCount: info.total, Next: info.next, Prev: info.prev, Kind: kind, Items: make([]OperationView, len(page))}
	for i, o := range page {
		out.Items[i] = rb.operation(o)
	}
	return out, nil
}

// Operation returns one action or trigger of a version by name.
func (s *Store) Operation(org, connector, version, kind, name, base string) (OperationView, error) {
	return s.operation(org, connector, version, kind, name, base)
}

func (s *Store) operation(org, connector, version, kind, name, base string) (OperationView, error) {
	s.mu.RLock()
	v, err := s.lookupVersion(org, connector, version)
	s.mu.RUnlock()
	if err != nil {
		return OperationView{}, err
	}
	list := v.content.list(kind)
	i := findOperation(list, name)
	if i < 0 {
		return OperationView{}, notFoundIn(v, kind, name)
	}
	return newRenderer(base, v).operation(list[i]), nil
}

// CreateOperation adds an action or trigger to a draft version (a published one is read-only:
// 409). Its type must be the connector's protocol; its name must be new among the version's
// items of the kind (409); its links must name definitions of the version, one per media
// type each; responses have distinct statuses (one default, without status, at most).
func (s *Store) CreateOperation(org, connector, version, kind string, in OperationInput, base string) (OperationView, error) {
	return s.createOperation(org, connector, version, kind, in, base)
}

func (s *Store) createOperation(org, connector, version, kind string, in OperationInput, base string) (OperationView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return OperationView{}, err
	}
	bad := &InvalidError{}
	o := s.build(v, kind, "", in, nil, bad)
	if err := bad.orNil(); err != nil {
		return OperationView{}, err
	}
	if err := v.editable(); err != nil {
		return OperationView{}, err
	}
	list := v.content.list(kind)
	if findOperation(list, in.Name) >= 0 {
		return OperationView{}, &ConflictError{Reason: msgItemExists(kind, in.Name)}
	}
	s.assignIDs(o)
	c := v.content.with(kind, append(slices.Clip(list), o))
	s.writeContent(v, c, s.now())
	v.content = c
	return newRenderer(base, v).operation(o), nil
}

// UpdateOperation replaces an action or trigger of a draft version with in (a full replace;
// the rules of CreateOperation hold). in.ID must be its id; a new name renames it (to a name
// no other item of the kind has: 409). Response and link ids sent are kept, missing ones new.
func (s *Store) UpdateOperation(org, connector, version, kind, name string, in OperationInput, base string) (OperationView, error) {
	return s.updateOperation(org, connector, version, kind, name, in, base)
}

func (s *Store) updateOperation(org, connector, version, kind, name string, in OperationInput, base string) (OperationView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return OperationView{}, err
	}
	list := v.content.list(kind)
	i := findOperation(list, name)
	if i < 0 {
		return OperationView{}, notFoundIn(v, kind, name)
	}
	bad := &InvalidError{}
	if !strings.EqualFold(in.ID, list[i].ID) {
		bad.add("id", msgReadOnly, list[i].ID)
	}
	o := s.build(v, kind, list[i].ID, in, list[i], bad)
	if err := bad.orNil(); err != nil {
		return OperationView{}, err
	}
	if err := v.editable(); err != nil {
		return OperationView{}, err
	}
	if j := findOperation(list, in.Name); j >= 0 && j != i {
		return OperationView{}, &ConflictError{Reason: msgItemExists(kind, in.Name)}
	}
	s.assignIDs(o)
	ops := slices.Clone(list)
	ops[i] = o
	c := v.content.with(kind, ops)
	s.writeContent(v, c, s.now())
	v.content = c
	return newRenderer(base, v).operation(o), nil
}

// DeleteOperation removes an action or trigger from a draft version.
func (s *Store) DeleteOperation(org, connector, version, kind, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return err
	}
	list := v.content.list(kind)
	i := findOperation(list, name)
	if i < 0 {
		return notFoundIn(v, kind, name)
	}
	if err := v.editable(); err != nil {
		return err
	}
	s.writeContent(v, v.content.with(kind, slices.Delete(slices.Clone(list), i, i+1)), s.now())
	return nil
}

// renderBase is the mock's URL as the client reached it, with the API's base path: where the
// definitions' schema URLs point.
func renderBase(r *http.Request, _ *vendorapi.Call) string {
	return vendorapi.BaseURL(r) + apiBase
}

// apiBase is the spec's base path (servers).
const apiBase = "/api/connect/v1"

// answerRaw writes a JSON document as is, with a content type of its own.
func answerRaw(w http.ResponseWriter, contentType string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}
