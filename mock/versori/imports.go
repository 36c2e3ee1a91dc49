package versori

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is ImportHTTPConnector and ImportHTTPConnectorVersion: an OpenAPI 3 document,
// uploaded in the request (multipart/form-data, parts file and metadata) or named by a URL
// GetProtocolUploadURL issued (JSON, schemaURL: the mock fetches no other URL), becomes a
// draft version of an http connector. kin-openapi parses the document (external references
// refused); each component schema becomes a definition, each operation an action whose
// request body and JSON responses link definitions (a component's, or one made of the inline
// schema), and apiKey and basic security schemes become auth scheme configs.

// ImportResult is an ImportHTTPConnectorResult body.
type ImportResult struct {
	Connector   *fx.Connector    `json:"connector"`
	Definitions []DefinitionView `json:"definitions"`
	Actions     []OperationView  `json:"actions"`
	Triggers    []OperationView  `json:"triggers"`
	Messages    []fx.Message     `json:"messages"`
}

// ImportError is an ImportHTTPConnectorError: why the document cannot be imported.
type ImportError struct {
	Field    string
	Messages []fx.Message
}

func (e *ImportError) Error() string { return msgImportInvalid }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ImportError) Is(target error) bool { return target == ErrInvalid }

// importBody is the import's request read: the document's bytes, and the version to create
// (ImportHTTPConnectorVersion).
type importBody struct {
	doc     []byte
	version string
}

func (a *API) importConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	in, ok := a.readImport(w, r, c, false)
	if !ok {
		return
	}
	res, err := a.store.importDocument(c.Params["organisation_id"], "", in, renderBase(r, c))
	a.answerImport(w, res, err)
}

func (a *API) importConnectorVersion(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	in, ok := a.readImport(w, r, c, true)
	if !ok {
		return
	}
	org, id := ids(c)
	res, err := a.store.importDocument(org, id, in, renderBase(r, c))
	a.answerImport(w, res, err)
}

func (a *API) answerImport(w http.ResponseWriter, res ImportResult, err error) {
	var ie *ImportError
	if errors.As(err, &ie) {
		kit.WriteJSON(w, http.StatusBadRequest, importErrorBody{
			Code: CodeBadRequest, Message: msgImportInvalid,
			Fields:   []errorField{{Field: ie.Field, Message: ie.Messages[0].Text}},
			Messages: ie.Messages,
		})
		return
	}
	a.answer(w, http.StatusCreated, res, err)
}

// importErrorBody is the contract's ImportHTTPConnectorError.
type importErrorBody struct {
	Code     string       `json:"code"`
	Message  string       `json:"message"`
	Fields   []errorField `json:"fields,omitempty"`
	Messages []fx.Message `json:"messages"`
}

// readImport reads the document of an import request: the file part of a multipart body, or
// the upload a JSON body's schemaURL names. withVersion: the version to create is required.
func (a *API) readImport(w http.ResponseWriter, r *http.Request, c *vendorapi.Call, withVersion bool) (importBody, bool) {
	fail := func(field, format string, args ...any) (importBody, bool) {
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindBadRequest, Fields: []vendorapi.FieldError{{In: "body", Field: field, Message: fmt.Sprintf(format, args...)}}})
		return importBody{}, false
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		var in importBody
		var meta struct{ Format, Version string }
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fail("body", msgMultipart, err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return fail("body", msgMultipart, err)
			}
			switch part.FormName() {
			case "file":
				in.doc = data
			case "metadata":
				if err := json.Unmarshal(data, &meta); err != nil {
					return fail("metadata", msgMetadata, err)
				}
			}
		}
		switch {
		case in.doc == nil:
			return fail("file", msgImportNoFile)
		case withVersion && meta.Version == "":
			return fail("metadata.version", msgImportNoVersion)
		}
		in.version = meta.Version
		return in, true
	}
	var body struct {
		SchemaURL string `json:"schemaURL"`
		Version   string `json:"version"`
	}
	if !a.decode(w, r, c, &body) {
		return importBody{}, false
	}
	data, err := a.store.uploadOf(body.SchemaURL)
	if err != nil {
		return fail("schemaURL", "%s", err.Error())
	}
	return importBody{doc: data, version: body.Version}, true
}

// uploadOf is the file uploaded to an upload URL this mock issued (its path names it; the
// host is not compared, as the mock is reached under many names).
func (s *Store) uploadOf(raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || !strings.Contains(u.Path, uploadsPath) {
		return nil, errors.New(msgNotOurURL)
	}
	_, id, _ := strings.Cut(u.Path, uploadsPath)
	data, _, err := s.uploaded(strings.ToUpper(id))
	if err != nil {
		return nil, errors.New(msgNothingUploaded)
	}
	return data, nil
}

// importPlan is what a document becomes, before any id is drawn.
type importPlan struct {
	title, version, baseURL string
	configs                 []fx.AuthSchemeConfig
	definitions             []plannedDefinition
	actions                 []OperationInput
	messages                []fx.Message
}

type plannedDefinition struct{ name, schema string }

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_\-]+`)

// planImport reads an OpenAPI 3 document. A document that does not parse, is no OpenAPI 3,
// or that kin-openapi finds invalid is an *ImportError listing why.
func planImport(data []byte) (*importPlan, error) {
	bad := func(text string, detail ...string) error {
		return &ImportError{Field: "file", Messages: []fx.Message{{Text: text, Severity: "error", Detail: detail}}}
	}
	loader := openapi3.NewLoader() // IsExternalRefsAllowed is false: the mock fetches nothing
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, bad(msgImportParse, err.Error())
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, bad(fmt.Sprintf(msgImportVersion, doc.OpenAPI))
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, bad(msgImportInvalidDoc, err.Error())
	}
	p := &importPlan{title: "Imported API", version: "1.0.0"}
	if doc.Info != nil {
		if doc.Info.Title != "" {
			p.title = doc.Info.Title
		}
		if v := strings.TrimSpace(doc.Info.Version); v != "" && !strings.EqualFold(v, refLatest) && !strings.EqualFold(v, refDefault) {
			p.version = v
		}
	}
	if len(doc.Servers) > 0 {
		p.baseURL = doc.Servers[0].URL
	} else {
		p.baseURL = "/"
		p.messages = append(p.messages, fx.Message{Text: msgImportNoServer, Severity: "warning"})
	}
	if doc.Components != nil {
		for _, name := range slices.Sorted(mapsKeys(doc.Components.SecuritySchemes)) {
			ss := doc.Components.SecuritySchemes[name].Value
			switch {
			case ss.Type == "apiKey":
				p.configs = append(p.configs, fx.AuthSchemeConfig{Description: name, SchemeType: "api-key", Name: ss.Name, In: ss.In})
			case ss.Type == "http" && strings.EqualFold(ss.Scheme, "basic"):
				p.configs = append(p.configs, fx.AuthSchemeConfig{Description: name, SchemeType: "basic-auth"})
			default:
				p.messages = append(p.messages, fx.Message{Text: fmt.Sprintf(msgImportScheme, name, ss.Type), Severity: "warning"})
			}
		}
	}
	// Component schemas first: operations refer to them by name.
	rename := map[string]string{} // component name -> definition name
	var schemaNames []string
	if doc.Components != nil {
		schemaNames = slices.Sorted(mapsKeys(doc.Components.Schemas))
	}
	used := map[string]bool{}
	unique := func(name string) string {
		name = strings.Trim(unsafeName.ReplaceAllString(name, "_"), "_")
		if name == "" {
			name = "Definition"
		}
		n := name
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s_%d", name, i)
		}
		used[n] = true
		return n
	}
	for _, name := range schemaNames {
		rename[name] = unique(name)
	}
	schemaJSON := func(ref *openapi3.SchemaRef) string {
		b, _ := json.Marshal(ref.Value)
		s := string(b)
		for from, to := range rename {
			s = strings.ReplaceAll(s, `"#/components/schemas/`+from+`"`, `"#/$defs/`+to+`"`)
		}
		return s
	}
	for _, name := range schemaNames {
		p.definitions = append(p.definitions, plannedDefinition{rename[name], schemaJSON(doc.Components.Schemas[name])})
	}
	// definitionOf is the definition name for a media type's schema: its component's, or a
	// new one made of the inline schema.
	definitionOf := func(ref *openapi3.SchemaRef, inline string) string {
		if ref == nil || ref.Value == nil {
			return ""
		}
		if c, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok && rename[c] != "" {
			return rename[c]
		}
		name := unique(inline)
		p.definitions = append(p.definitions, plannedDefinition{name, schemaJSON(ref)})
		return name
	}
	link := func(name string) []LinkInput {
		if name == "" {
			return []LinkInput{}
		}
		var l LinkInput
		l.Definition.Name = name
		return []LinkInput{l}
	}
	opNames := map[string]bool{}
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(mapsKeys(paths)) {
		item := paths[path]
		ops := item.Operations()
		for _, method := range slices.Sorted(mapsKeys(ops)) {
			op := ops[method]
			name := op.OperationID
			if name == "" {
				name = strings.ToLower(method) + "_" + path
			}
			name = strings.Trim(regexp.MustCompile(`[^a-zA-Z0-9_\-$]+`).ReplaceAllString(name, "_"), "_")
			base := name
			for i := 2; opNames[name] || name == ""; i++ {
				name = fmt.Sprintf("%s_%d", base, i)
			}
			opNames[name] = true
			in := OperationInput{Type: "http", Name: name, Method: strings.ToUpper(method), Path: &path}
			if op.Summary != "" {
				summary := op.Summary
				in.Summary = &summary
			}
			in.Parameters = parametersJSON(append(slices.Clone(item.Parameters), op.Parameters...))
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := jsonMedia(op.RequestBody.Value.Content); mt != nil {
					in.RequestBody = &struct {
						Required    bool        `json:"required"`
						Definitions []LinkInput `json:"definitions"`
					}{op.RequestBody.Value.Required, link(definitionOf(mt.Schema, name+"_request"))}
				}
			}
			in.Responses = []ResponseInput{}
			if op.Responses != nil {
				for _, code := range slices.Sorted(mapsKeys(op.Responses.Map())) {
					r := op.Responses.Map()[code]
					resp := ResponseInput{Definitions: []LinkInput{}}
					if code != "default" {
						var status int
						if _, err := fmt.Sscanf(code, "%d", &status); err != nil || status < 100 || status > 599 {
							p.messages = append(p.messages, fx.Message{Text: fmt.Sprintf(msgImportStatus, code, name), Severity: "warning"})
							continue
						}
						resp.Status = &status
					}
					if r.Value != nil {
						if mt := jsonMedia(r.Value.Content); mt != nil {
							resp.Definitions = link(definitionOf(mt.Schema, name+"_"+code))
						}
					}
					in.Responses = append(in.Responses, resp)
				}
			}
			p.actions = append(p.actions, in)
		}
	}
	return p, nil
}

// jsonMedia is the JSON media type of a content map (application/json or +json), or nil.
func jsonMedia(c openapi3.Content) *openapi3.MediaType {
	for _, k := range slices.Sorted(mapsKeys(c)) {
		if mt, _, _ := mime.ParseMediaType(k); mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return c[k]
		}
	}
	return nil
}

// parametersJSON is the ActionHTTPParameter list of an operation's parameters.
func parametersJSON(params openapi3.Parameters) json.RawMessage {
	out := []map[string]any{}
	for _, pr := range params {
		p := pr.Value
		if p == nil || !slices.Contains([]string{"cookie", "header", "path", "query"}, p.In) {
			continue
		}
		typ := "string"
		if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type != nil {
			for _, t := range []string{"number", "integer", "boolean"} {
				if p.Schema.Value.Type.Is(t) {
					typ = t
				}
			}
		}
		out = append(out, map[string]any{"name": p.Name, "in": p.In, "required": p.Required, "type": typ})
	}
	b, _ := json.Marshal(out)
	return b
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !yield(k) {
				return
			}
		}
	}
}

// ImportDocument imports an OpenAPI 3 document (see this file's comment): into a new draft
// http connector of org when connector is "", else as a new draft version of that http
// connector, named in.version (taken: 409; reserved or empty: 400).
func (s *Store) importDocument(org, connector string, in importBody, base string) (ImportResult, error) {
	p, err := planImport(in.doc)
	if err != nil {
		return ImportResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var c fx.Connector
	versionName := p.version
	if connector == "" {
		c = fx.Connector{OrganisationID: strings.ToUpper(org), Name: p.title, Protocol: "http", BaseURL: &p.baseURL,
			AuthSchemeConfigs: []fx.AuthSchemeConfig{}, Connections: []fx.Connection{}, CreatedAt: now}
	} else {
		old, err := s.lookup(org, connector)
		if err != nil {
			return ImportResult{}, err
		}
		c = *old.stored
		bad := &InvalidError{}
		if c.Protocol != "http" {
			bad.add("connector_id", msgImportNotHTTP, c.Protocol)
		}
		checkVersionName(bad, "version", in.version)
		if err := bad.orNil(); err != nil {
			return ImportResult{}, err
		}
		if slices.ContainsFunc(c.Versions, func(v fx.Version) bool { return v.Name == in.version }) {
			return ImportResult{}, &ConflictError{Reason: msgVersionExists(in.version)}
		}
		versionName = in.version
		p.configs = nil // the connector keeps its own
	}
	mark := s.created
	if c.ID == "" {
		c.ID = s.newID()
	}
	c.AuthSchemeConfigs = slices.Clone(c.AuthSchemeConfigs)
	for _, a := range p.configs {
		a.ID = s.newID()
		c.AuthSchemeConfigs = append(c.AuthSchemeConfigs, a)
	}
	ver := fx.Version{ID: s.newID(), Name: versionName, Description: "Imported from " + p.title, CreatedAt: now, UpdatedAt: now}
	c.Versions = append(slices.Clip(c.Versions), ver)
	c.UpdatedAt = now

	bad := &InvalidError{}
	cont := &content{}
	for _, d := range p.definitions {
		cont.Definitions = append(cont.Definitions, &definition{ID: s.newID(), Name: d.name, Accept: []string{"application/json"}, ContentType: "application/schema+json"})
	}
	names := func(n string) string {
		if d := cont.definitionByName(n); d != nil {
			return d.ID
		}
		return ""
	}
	for i, d := range p.definitions {
		cont.Definitions[i].Schema, cont.Definitions[i].Refs = parseSchema("definitions["+d.name+"].schema", "application/schema+json", d.schema, names, cont, bad)
	}
	e := &entry{stored: &c}
	v := versionRef{e: e, i: len(c.Versions) - 1, content: cont}
	for _, a := range p.actions {
		o := s.build(v, kindAction, "", a, nil, bad)
		s.assignIDs(o)
		cont.Actions = append(cont.Actions, o)
	}
	if len(bad.Fields) > 0 {
		s.created = mark
		ie := &ImportError{Field: "file"}
		for _, f := range bad.Fields {
			ie.Messages = append(ie.Messages, fx.Message{Text: f.Field + ": " + f.Message, Severity: "error"})
		}
		return ImportResult{}, ie
	}
	e = s.write(&c)
	s.st.contents[ver.ID] = cont
	v = versionRef{e: e, i: len(c.Versions) - 1, content: cont}
	rb := newRenderer(base, v)
	res := ImportResult{Connector: e.shown, Definitions: []DefinitionView{}, Actions: []OperationView{}, Triggers: []OperationView{}, Messages: p.messages}
	if res.Messages == nil {
		res.Messages = []fx.Message{}
	}
	for _, d := range cont.Definitions {
		res.Definitions = append(res.Definitions, rb.definition(d))
	}
	for _, o := range cont.Actions {
		res.Actions = append(res.Actions, rb.operation(o))
	}
	return res, nil
}
