package versori

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the definitions of a version (GetDefinitions, CreateDefinitions,
// DeleteDefinitions, GetDefinition, UpdateDefinition, DeleteDefinition) and the JSON Schema
// documents they hold (GetRawSchema). The mock keeps JSON Schema documents only
// (application/schema+json). A document refers to another definition of the version as
// "#/$defs/<name>" (the contract's syntax within one request, accepted for any definition of
// the version) or by its URL; the store keeps such references as refPrefix+id and writes them
// as the mock's URL of that definition's raw schema when it serves the document.

// refPrefix marks a stored reference to a definition of the same version.
const refPrefix = "connectormock:definition:"

// renderer renders a version's items for one request: where the mock is reached decides the
// definitions' URLs.
type renderer struct {
	prefix  string // the URL of the version's raw schemas, ending in "/"
	content *content
	// refs are the content's references by definition id, built on first use: a page renders
	// each definition once per link, and scanning the content for each was most of a page.
	refs *map[string][]ReferenceView
}

func newRenderer(base string, v versionRef) renderer {
	c := v.e.stored
	return renderer{
		prefix:  base + "/o/" + c.OrganisationID + "/schemas/" + c.ID + "/" + url.PathEscape(v.version().Name) + "/",
		content: v.content,
		refs:    new(map[string][]ReferenceView),
	}
}

// referencedBy is referencedBy(rb.content, id), from the index built on first use.
func (rb renderer) referencedBy(id string) []ReferenceView {
	if *rb.refs == nil {
		m := map[string][]ReferenceView{}
		for _, kind := range []string{kindAction, kindTrigger} {
			for _, o := range rb.content.list(kind) {
				var seen []string
				for _, l := range o.links() {
					if !slices.Contains(seen, l.DefinitionID) {
						seen = append(seen, l.DefinitionID)
						m[l.DefinitionID] = append(m[l.DefinitionID], ReferenceView{Type: kind, ID: o.ID, Name: o.Name})
					}
				}
			}
		}
		if rb.content != nil {
			for _, d := range rb.content.Definitions {
				for _, r := range d.Refs {
					if r != d.ID {
						m[r] = append(m[r], ReferenceView{Type: kindDefinition, ID: d.ID, Name: d.Name})
					}
				}
			}
		}
		*rb.refs = m
	}
	if refs := (*rb.refs)[id]; refs != nil {
		return refs
	}
	return []ReferenceView{}
}

// DefinitionView is a Definition as the API shows it.
type DefinitionView struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Accept       []string        `json:"accept"`
	Description  *string         `json:"description,omitempty"`
	URL          string          `json:"url"`
	ReferencedBy []ReferenceView `json:"referencedBy"`
}

// ReferenceView is a DefinitionReference: an item that refers to a definition.
type ReferenceView struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (rb renderer) definition(d *definition) DefinitionView {
	return DefinitionView{ID: d.ID, Name: d.Name, Accept: d.Accept, Description: d.Description,
		URL: rb.prefix + d.ID + ".json", ReferencedBy: rb.referencedBy(d.ID)}
}

// referencedBy lists the items of the version that refer to the definition: actions and
// triggers that link it, definitions whose documents refer to it.
func referencedBy(c *content, id string) []ReferenceView {
	out := []ReferenceView{}
	for _, kind := range []string{kindAction, kindTrigger} {
		for _, o := range c.list(kind) {
			if slices.ContainsFunc(o.links(), func(l link) bool { return l.DefinitionID == id }) {
				out = append(out, ReferenceView{Type: kind, ID: o.ID, Name: o.Name})
			}
		}
	}
	if c != nil {
		for _, d := range c.Definitions {
			if d.ID != id && slices.Contains(d.Refs, id) {
				out = append(out, ReferenceView{Type: kindDefinition, ID: d.ID, Name: d.Name})
			}
		}
	}
	return out
}

// rawSchema is the definition's document as GetRawSchema serves it: references to the
// version's definitions written as the mock's URLs.
func (rb renderer) rawSchema(d *definition) []byte {
	out := d.Schema
	for _, id := range d.Refs {
		out = bytes.ReplaceAll(out, []byte(`"`+refPrefix+id+`"`), []byte(`"`+rb.prefix+id+`.json"`))
	}
	return out
}

// DefinitionInput is one definition of a DefinitionsCreate, or a DefinitionUpdate (whose id
// names the definition and whose schema may be left out).
type DefinitionInput struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Accept      []string `json:"accept"`
	Description *string  `json:"description"`
	Schema      *struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"schema"`
}

// parseSchema checks a definition's document and returns it with its references to the
// version's definitions (names: the batch's first, then the version's) held as refPrefix+id,
// and the ids referred to. Faults are added to bad under field.
func parseSchema(field, contentType, content string, names func(string) string, c *content, bad *InvalidError) ([]byte, []string) {
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/schema+json" {
		bad.add(field+".contentType", msgSchemaContentType, contentType)
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(content))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		bad.add(field+".content", msgSchemaJSON)
		return nil, nil
	}
	switch doc.(type) {
	case map[string]any, bool:
	default:
		bad.add(field+".content", msgSchemaJSON)
		return nil, nil
	}
	local := map[string]bool{} // the document's own $defs: its refs to them are its own
	if m, ok := doc.(map[string]any); ok {
		if defs, ok := m["$defs"].(map[string]any); ok {
			for k := range defs {
				local[k] = true
			}
		}
	}
	var refs []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "$ref" {
					if id, ok := resolveRef(s, local, names, c, bad, field); ok {
						v[k] = refPrefix + id
						if !slices.Contains(refs, id) {
							refs = append(refs, id)
						}
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		bad.add(field+".content", msgSchemaJSON)
		return nil, nil
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), refs
}

// resolveRef reads one $ref: "#/$defs/<name>" of a definition of the version (not of the
// document's own $defs), or a URL of this mock's raw schemas of the version ("/<id or
// name>.json" after "/schemas/"). Other refs are the document's own business.
func resolveRef(ref string, local map[string]bool, names func(string) string, c *content, bad *InvalidError, field string) (string, bool) {
	var name string
	switch {
	case strings.HasPrefix(ref, "#/$defs/"):
		name = strings.TrimPrefix(ref, "#/$defs/")
		if local[name] || strings.Contains(name, "/") {
			return "", false
		}
	case strings.HasPrefix(ref, refPrefix): // a document read back from the store (a copy)
		name = strings.TrimPrefix(ref, refPrefix)
	case strings.Contains(ref, "/schemas/") && strings.HasSuffix(ref, ".json"):
		name = strings.TrimSuffix(ref[strings.LastIndex(ref, "/")+1:], ".json")
	default:
		return "", false
	}
	if id := names(name); id != "" {
		return id, true
	}
	if d := c.definitionByID(name); d != nil {
		return d.ID, true
	}
	bad.add(field+".content", msgUnknownRef, ref)
	return "", false
}

// DefinitionList is a Definitions body (CreateDefinitions).
type DefinitionList struct {
	Definitions []DefinitionView `json:"definitions"`
}

// DefinitionPage is a DefinitionPage body.
type DefinitionPage struct {
	TotalCount  int              `json:"totalCount"`
	Next        string           `json:"next,omitempty"`
	Prev        string           `json:"prev,omitempty"`
	Definitions []DefinitionView `json:"definitions"`
}

func definitionKey(d *definition, col column) string {
	if col == colName {
		return d.Name
	}
	return d.ID
}

func (a *API) getDefinitions(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	q := r.URL.Query()
	page, err := a.store.Definitions(org, id, ver, q.Get("name"), pageQuery(q), renderBase(r, c))
	a.answer(w, http.StatusOK, page, err)
}

// Definitions is a page of the version's definitions, by name, those whose name contains name
// (case-insensitive) only.
func (s *Store) Definitions(org, connector, version, name string, p PageQuery, base string) (DefinitionPage, error) {
	s.mu.RLock()
	v, err := s.lookupVersion(org, connector, version)
	s.mu.RUnlock()
	if err != nil {
		return DefinitionPage{}, err
	}
	name = strings.ToLower(name)
	var all []*definition
	if v.content != nil {
		for _, d := range v.content.Definitions {
			if strings.Contains(strings.ToLower(d.Name), name) {
				all = append(all, d)
			}
		}
	}
	sortItems(all, itemSorting.order, definitionKey)
	page, info, err := paginate(all, itemSorting, definitionKey, p)
	if err != nil {
		return DefinitionPage{}, err
	}
	rb := newRenderer(base, v)
	out := DefinitionPage{TotalCount: info.total, Next: info.next, Prev: info.prev, Definitions: make([]DefinitionView, len(page))}
	for i, d := range page {
		out.Definitions[i] = rb.definition(d)
	}
	return out, nil
}

func (a *API) getDefinition(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	d, err := a.store.Definition(org, id, ver, c.Params["definition_name"], renderBase(r, c))
	a.answer(w, http.StatusOK, d, err)
}

// Definition returns one definition of a version by name.
func (s *Store) Definition(org, connector, version, name, base string) (DefinitionView, error) {
	s.mu.RLock()
	v, err := s.lookupVersion(org, connector, version)
	s.mu.RUnlock()
	if err != nil {
		return DefinitionView{}, err
	}
	d := v.content.definitionByName(name)
	if d == nil {
		return DefinitionView{}, notFoundIn(v, kindDefinition, name)
	}
	return newRenderer(base, v).definition(d), nil
}

func (a *API) getRawSchema(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	body, err := a.store.RawSchema(org, id, ver, c.Params["schema_filename"], renderBase(r, c))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	answerRaw(w, "application/schema+json", body)
}

// RawSchema is the JSON Schema document of a version's definition, named by file: its id or
// its name, then ".json" (the definitions' url names the id).
func (s *Store) RawSchema(org, connector, version, file, base string) ([]byte, error) {
	s.mu.RLock()
	v, err := s.lookupVersion(org, connector, version)
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	key, ok := strings.CutSuffix(file, ".json")
	d := v.content.definitionByID(key)
	if d == nil {
		d = v.content.definitionByName(key)
	}
	if !ok || d == nil {
		return nil, notFoundIn(v, "schema", file)
	}
	return slices.Clone(newRenderer(base, v).rawSchema(d)), nil
}

func (a *API) createDefinitions(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in struct {
		Definitions []DefinitionInput `json:"definitions"`
	}
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id, ver := versionIDs(c)
	out, err := a.store.CreateDefinitions(org, id, ver, in.Definitions, renderBase(r, c))
	a.answer(w, http.StatusCreated, out, err)
}

// CreateDefinitions adds definitions to a draft version, all or none. Names must be new
// (taken: 409) and distinct within the request; a schema is required, a JSON Schema document
// (application/schema+json) whose "#/$defs/<name>" references name definitions of the request
// or of the version.
func (s *Store) CreateDefinitions(org, connector, version string, in []DefinitionInput, base string) (DefinitionList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return DefinitionList{}, err
	}
	bad := &InvalidError{}
	created := make([]*definition, len(in))
	for i, d := range in {
		field := fmt.Sprintf("definitions[%d]", i)
		checkItemName(bad, field+".name", d.Name, definitionName)
		if slices.ContainsFunc(in[:i], func(o DefinitionInput) bool { return o.Name == d.Name }) {
			bad.add(field+".name", msgRepeatedDefinition, d.Name)
		}
		created[i] = &definition{Name: d.Name, Accept: slices.Clone(d.Accept), Description: d.Description}
		if d.Schema == nil {
			bad.add(field+".schema", msgSchemaRequired)
		}
	}
	if err := bad.orNil(); err != nil {
		return DefinitionList{}, err
	}
	if err := v.editable(); err != nil {
		return DefinitionList{}, err
	}
	for _, d := range in {
		if v.content.definitionByName(d.Name) != nil {
			return DefinitionList{}, &ConflictError{Reason: msgItemExists(kindDefinition, d.Name)}
		}
	}
	// Ids are drawn before the documents are read (their references need them) and given
	// back if the request is refused: the id counter is state.
	mark := s.created
	for _, d := range created {
		d.ID = s.newID()
	}
	names := func(name string) string {
		for _, d := range created {
			if d.Name == name {
				return d.ID
			}
		}
		if d := v.content.definitionByName(name); d != nil {
			return d.ID
		}
		return ""
	}
	for i, d := range in {
		created[i].ContentType = d.Schema.ContentType
		created[i].Schema, created[i].Refs = parseSchema(fmt.Sprintf("definitions[%d].schema", i), d.Schema.ContentType, d.Schema.Content, names, v.content, bad)
	}
	if err := bad.orNil(); err != nil {
		s.created = mark
		return DefinitionList{}, err
	}
	c := &content{}
	if v.content != nil {
		*c = *v.content
	}
	c.Definitions = append(slices.Clip(c.Definitions), created...)
	s.writeContent(v, c, s.now())
	v.content = c
	rb := newRenderer(base, v)
	out := DefinitionList{Definitions: make([]DefinitionView, len(created))}
	for i, d := range created {
		out.Definitions[i] = rb.definition(d)
	}
	return out, nil
}

func (a *API) updateDefinition(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in DefinitionInput
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id, ver := versionIDs(c)
	d, err := a.store.UpdateDefinition(org, id, ver, c.Params["definition_name"], in, renderBase(r, c))
	a.answer(w, http.StatusOK, d, err)
}

// UpdateDefinition replaces a draft version's definition: id must be its id; a new name
// renames it (to a free name: 409 otherwise; references follow, they hold ids); accept and
// description are replaced; a schema, given, replaces the document (references resolve among
// the version's definitions, itself included), absent, leaves it.
func (s *Store) UpdateDefinition(org, connector, version, name string, in DefinitionInput, base string) (DefinitionView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return DefinitionView{}, err
	}
	old := v.content.definitionByName(name)
	if old == nil {
		return DefinitionView{}, notFoundIn(v, kindDefinition, name)
	}
	bad := &InvalidError{}
	if !strings.EqualFold(in.ID, old.ID) {
		bad.add("id", msgReadOnly, old.ID)
	}
	checkItemName(bad, "name", in.Name, definitionName)
	d := &definition{ID: old.ID, Name: in.Name, Accept: slices.Clone(in.Accept), Description: in.Description,
		ContentType: old.ContentType, Schema: old.Schema, Refs: old.Refs}
	if in.Schema != nil {
		names := func(n string) string {
			if n == in.Name {
				return old.ID
			}
			if o := v.content.definitionByName(n); o != nil && o != old {
				return o.ID
			}
			return ""
		}
		d.ContentType = in.Schema.ContentType
		d.Schema, d.Refs = parseSchema("schema", in.Schema.ContentType, in.Schema.Content, names, v.content, bad)
	}
	if err := bad.orNil(); err != nil {
		return DefinitionView{}, err
	}
	if err := v.editable(); err != nil {
		return DefinitionView{}, err
	}
	if o := v.content.definitionByName(in.Name); o != nil && o != old {
		return DefinitionView{}, &ConflictError{Reason: msgItemExists(kindDefinition, in.Name)}
	}
	c := *v.content
	c.Definitions = slices.Clone(c.Definitions)
	c.Definitions[slices.Index(c.Definitions, old)] = d
	s.writeContent(v, &c, s.now())
	v.content = &c
	return newRenderer(base, v).definition(d), nil
}

// PreconditionError is the 412 of a definition delete: the first definition still referred
// to by an item that is not deleted with it, and what refers to it.
type PreconditionError struct {
	ID, Name     string
	ReferencedBy []ReferenceView
}

func (e *PreconditionError) Error() string { return msgDefinitionInUse(e.Name, len(e.ReferencedBy)) }

// Is makes errors.Is(err, ErrPrecondition) true.
func (e *PreconditionError) Is(target error) bool { return target == ErrPrecondition }

// ErrPrecondition: a definition to delete is referred to and force is not set.
var ErrPrecondition = errors.New("precondition failed")

func (a *API) deleteDefinitions(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in DefinitionsDelete
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id, ver := versionIDs(c)
	a.answerDelete(w, a.store.DeleteDefinitions(org, id, ver, in, boolParam(r, "force")))
}

func (a *API) deleteDefinition(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	a.answerDelete(w, a.store.DeleteDefinition(org, id, ver, c.Params["definition_name"], boolParam(r, "force")))
}

// answerDelete answers a definition delete: 204, the contract's
// DefinitionDeletePreconditionFailed (412), or the error.
func (a *API) answerDelete(w http.ResponseWriter, err error) {
	var pre *PreconditionError
	if errors.As(err, &pre) {
		kit.WriteJSON(w, http.StatusPreconditionFailed, preconditionBody{
			Code: CodePreconditionFailed, Message: pre.Error(),
			Definition: preconditionDefinition{ID: pre.ID, Name: pre.Name, ReferencedBy: pre.ReferencedBy},
		})
		return
	}
	a.answerNoContent(w, err)
}

// preconditionBody is the contract's DefinitionDeletePreconditionFailed.
type preconditionBody struct {
	Code       string                 `json:"code"`
	Message    string                 `json:"message"`
	Definition preconditionDefinition `json:"definition"`
}

type preconditionDefinition struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	ReferencedBy []ReferenceView `json:"referencedBy"`
}

// DefinitionsDelete is the body of DeleteDefinitions.
type DefinitionsDelete struct {
	IDs   []string `json:"ids"`
	Names []string `json:"names"`
	All   *bool    `json:"all"`
}

// DeleteDefinitions deletes the definitions a DefinitionsDelete names (ids and names joined,
// or all), all or none. Each id and name must name a definition of the version, none twice;
// all excludes ids and names. A definition referred to by an item not deleted with it is a
// 412 unless force: then the referring items keep dangling references, which they report as
// errors and which keep the version from being published.
func (s *Store) DeleteDefinitions(org, connector, version string, in DefinitionsDelete, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return err
	}
	bad := &InvalidError{}
	var gone []*definition
	all := in.All != nil && *in.All
	switch {
	case all && (in.IDs != nil || in.Names != nil):
		bad.add("all", msgAllExclusive)
	case all && v.content != nil:
		gone = v.content.Definitions
	case !all && in.IDs == nil && in.Names == nil:
		bad.add("body", msgNothingToDelete)
	}
	pick := func(field string, d *definition, key string) {
		switch {
		case d == nil:
			bad.add(field, msgUnknownDefinition, key)
		case slices.Contains(gone, d):
			bad.add(field, msgDefinitionTwice, d.Name)
		default:
			gone = append(gone, d)
		}
	}
	for i, id := range in.IDs {
		pick(fmt.Sprintf("ids[%d]", i), v.content.definitionByID(id), id)
	}
	for i, n := range in.Names {
		pick(fmt.Sprintf("names[%d]", i), v.content.definitionByName(n), n)
	}
	if err := bad.orNil(); err != nil {
		return err
	}
	return s.dropDefinitions(v, gone, force)
}

// DeleteDefinition deletes one definition of a draft version by name (see DeleteDefinitions
// for force).
func (s *Store) DeleteDefinition(org, connector, version, name string, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := s.lookupVersion(org, connector, version)
	if err != nil {
		return err
	}
	d := v.content.definitionByName(name)
	if d == nil {
		return notFoundIn(v, kindDefinition, name)
	}
	return s.dropDefinitions(v, []*definition{d}, force)
}

// dropDefinitions removes gone from a draft version, unless one is referred to by an item
// that stays and force is not set. Callers hold mu for writing.
func (s *Store) dropDefinitions(v versionRef, gone []*definition, force bool) error {
	if err := v.editable(); err != nil {
		return err
	}
	if !force {
		for _, d := range gone {
			var refs []ReferenceView
			for _, r := range referencedBy(v.content, d.ID) {
				if !(r.Type == kindDefinition && slices.ContainsFunc(gone, func(g *definition) bool { return g.ID == r.ID })) {
					refs = append(refs, r)
				}
			}
			if len(refs) > 0 {
				return &PreconditionError{ID: d.ID, Name: d.Name, ReferencedBy: refs}
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	c := *v.content
	c.Definitions = slices.DeleteFunc(slices.Clone(c.Definitions), func(d *definition) bool { return slices.Contains(gone, d) })
	s.writeContent(v, &c, s.now())
	return nil
}
