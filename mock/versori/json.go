package versori

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// A connector's JSON is written by hand, not by encoding/json: its reflection (and
// time.Time.MarshalJSON's allocation per time, 13 of them in the documented connector) was a
// fifth of an UpdateConnector's CPU, and every write that answers a connector encodes it
// afresh (entry.body). The bytes are exactly encoding/json's, as kit.WriteJSON writes them (no
// HTML escaping): TestConnectorEncoderMatchesEncodingJSON compares the two on generated
// connectors, on their views, and on values with every field set, so a field added to the
// fixtures and forgotten here fails it.
//
// What encoding/json refuses, it refuses whole: a time MarshalJSON cannot write (a year
// outside [0,9999], a zone offset of a day or more) or a raw value that is not JSON. The
// encoder notes such a value (encoder.bad) and its caller falls back to encoding/json, which
// fails as before (entry.body answers nil, the handler a 500).

// encoder appends JSON to b.
type encoder struct {
	b   []byte
	bad bool // a value encoding/json refuses was met: b is not to be used
}

// scratch recycles the buffers connectors are encoded into (the result is copied out, at its
// size, so the buffer is never kept).
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// maxScratch is the largest buffer scratch keeps: a connector with a thousand connections
// must not pin its buffer for good.
const maxScratch = 64 << 10

// connectorJSON is c's JSON as kit.WriteJSON writes it (a newline at the end), in a slice of
// its own, exactly its size; ok is false when encoding/json would refuse c.
func connectorJSON(c *fx.Connector) (body []byte, ok bool) {
	p := scratch.Get().(*[]byte)
	e := encoder{b: (*p)[:0]}
	e.connector(c)
	e.b = append(e.b, '\n')
	if !e.bad {
		body = append(make([]byte, 0, len(e.b)), e.b...)
	}
	if cap(e.b) <= maxScratch {
		*p = e.b
		scratch.Put(p)
	}
	return body, !e.bad
}

func (e *encoder) key(k string) { e.b = append(e.b, k...) } // k is `,"name":` as it is written

func (e *encoder) str(s string) { e.b = kit.AppendString(e.b, s) }

func (e *encoder) boolean(v bool) { e.b = strconv.AppendBool(e.b, v) }

// time writes t as time.Time's MarshalJSON does, and notes what it refuses (see
// time.Time.appendStrictRFC3339).
func (e *encoder) time(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		e.bad = true
		return
	}
	if _, off := t.Zone(); off <= -24*60*60 || off >= 24*60*60 {
		e.bad = true
		return
	}
	e.b = kit.AppendTime(e.b, t)
}

func (e *encoder) timePtr(t *time.Time) {
	if t == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.time(*t)
}

// raw writes a raw value as encoding/json writes a json.Marshaler's answer: null for none
// (RawJSON.MarshalJSON), else compacted, and refused if it is not JSON.
func (e *encoder) raw(r fixtures.RawJSON) {
	if len(r) == 0 {
		e.b = append(e.b, "null"...)
		return
	}
	if kit.IsCompact(r) { // compact already: nothing to take out
		if !json.Valid(r) {
			e.bad = true
			return
		}
		e.b = append(e.b, r...)
		return
	}
	buf := bytes.NewBuffer(e.b)
	if err := json.Compact(buf, r); err != nil {
		e.bad = true
		return
	}
	e.b = buf.Bytes()
}

// strings writes a list of strings; nil is null.
func (e *encoder) strings(l []string) {
	if l == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, '[')
	for i, s := range l {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(s)
	}
	e.b = append(e.b, ']')
}

// list writes l with one function per element; nil is null.
func list[T any](e *encoder, l []T, one func(*encoder, *T)) {
	if l == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range l {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		one(e, &l[i])
	}
	e.b = append(e.b, ']')
}

func (e *encoder) connector(c *fx.Connector) {
	if c == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.key(`{"id":`)
	e.str(c.ID)
	e.key(`,"organisationId":`)
	e.str(c.OrganisationID)
	e.key(`,"name":`)
	e.str(c.Name)
	e.key(`,"public":`)
	e.boolean(c.Public)
	if c.DocumentationURL != nil {
		e.key(`,"documentationURL":`)
		e.str(*c.DocumentationURL)
	}
	if c.ImageURL != nil {
		e.key(`,"imageURL":`)
		e.str(*c.ImageURL)
	}
	if c.Tags != nil {
		e.key(`,"tags":`)
		e.tags(c.Tags)
	}
	e.key(`,"protocol":`)
	e.str(c.Protocol)
	e.key(`,"authSchemeConfigs":`)
	list(e, c.AuthSchemeConfigs, (*encoder).authSchemeConfig)
	if c.ConnectionVariables != nil {
		e.key(`,"connectionVariables":`)
		list(e, c.ConnectionVariables, (*encoder).variable)
	}
	e.key(`,"connections":`)
	list(e, c.Connections, (*encoder).connection)
	e.key(`,"versions":`)
	list(e, c.Versions, (*encoder).version)
	e.key(`,"createdAt":`)
	e.time(c.CreatedAt)
	e.key(`,"updatedAt":`)
	e.time(c.UpdatedAt)
	if c.BaseURL != nil {
		e.key(`,"baseUrl":`)
		e.str(*c.BaseURL)
	}
	if c.DatasetID != nil {
		e.key(`,"datasetId":`)
		e.str(*c.DatasetID)
	}
	if len(c.Categories) > 0 {
		e.key(`,"categories":`)
		e.strings(c.Categories)
	}
	e.b = append(e.b, '}')
}

// tags writes the map as encoding/json does: keys sorted; a nil list is null.
func (e *encoder) tags(m map[string][]string) {
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(k)
		e.b = append(e.b, ':')
		e.strings(m[k])
	}
	e.b = append(e.b, '}')
}

func (e *encoder) authSchemeConfig(a *fx.AuthSchemeConfig) {
	e.key(`{"id":`)
	e.str(a.ID)
	e.key(`,"description":`)
	e.str(a.Description)
	if a.ValidationMessages != nil {
		e.key(`,"validationMessages":`)
		list(e, a.ValidationMessages, (*encoder).message)
	}
	e.key(`,"schemeType":`)
	e.str(a.SchemeType)
	e.optional(`,"name":`, a.Name)
	e.optional(`,"in":`, a.In)
	e.optional(`,"algorithm":`, a.Algorithm)
	if a.DigestInputs != nil {
		e.key(`,"digestInputs":`)
		e.strings(a.DigestInputs)
	}
	e.optional(`,"authorizeUrl":`, a.AuthorizeURL)
	e.optional(`,"tokenUrl":`, a.TokenURL)
	if a.Scopes != nil {
		e.key(`,"scopes":`)
		list(e, a.Scopes, (*encoder).scope)
	}
	if a.DefaultScopes != nil {
		e.key(`,"defaultScopes":`)
		e.strings(a.DefaultScopes)
	}
	e.optional(`,"additionalAuthorizeParams":`, a.AdditionalAuthorizeParams)
	e.optional(`,"additionalTokenParams":`, a.AdditionalTokenParams)
	if a.MTLSEnabled != nil {
		e.key(`,"mtlsEnabled":`)
		e.boolean(*a.MTLSEnabled)
	}
	e.optional(`,"mtlsCredentialId":`, a.MTLSCredentialID)
	if len(a.Grant) > 0 {
		e.key(`,"grant":`)
		e.raw(a.Grant)
	}
	e.b = append(e.b, '}')
}

// optional writes a string field tagged omitempty: not at all when empty.
func (e *encoder) optional(key, s string) {
	if s != "" {
		e.key(key)
		e.str(s)
	}
}

func (e *encoder) scope(s *fx.OAuth2Scope) {
	e.key(`{"name":`)
	e.str(s.Name)
	e.optional(`,"description":`, s.Description)
	e.b = append(e.b, '}')
}

func (e *encoder) message(m *fx.Message) {
	e.key(`{"text":`)
	e.str(m.Text)
	e.key(`,"severity":`)
	e.str(m.Severity)
	if m.Detail != nil {
		e.key(`,"detail":`)
		e.strings(m.Detail)
	}
	e.b = append(e.b, '}')
}

func (e *encoder) variable(v *fx.Variable) {
	e.key(`{"name":`)
	e.str(v.Name)
	e.key(`,"value":`)
	e.str(v.Value)
	e.b = append(e.b, '}')
}

func (e *encoder) connection(c *fx.Connection) {
	e.key(`{"id":`)
	e.str(c.ID)
	e.key(`,"name":`)
	e.str(c.Name)
	e.key(`,"credentials":{"action":`)
	list(e, c.Credentials.Action, (*encoder).connectionCredential)
	if c.Credentials.Trigger != nil {
		e.key(`,"trigger":`)
		list(e, c.Credentials.Trigger, (*encoder).connectionCredential)
	}
	e.key(`},"variables":`)
	list(e, c.Variables, (*encoder).variable)
	e.key(`,"createdAt":`)
	e.time(c.CreatedAt)
	e.key(`,"updatedAt":`)
	e.time(c.UpdatedAt)
	if c.InUse {
		e.key(`,"inUse":true`)
	}
	e.b = append(e.b, '}')
}

func (e *encoder) connectionCredential(cc *fx.ConnectionCredential) {
	e.key(`{"id":`)
	e.str(cc.ID)
	e.key(`,"authSchemeConfig":`)
	e.authSchemeConfig(&cc.AuthSchemeConfig)
	e.key(`,"credential":`)
	e.credential(&cc.Credential)
	e.b = append(e.b, '}')
}

func (e *encoder) credential(c *fx.Credential) {
	e.key(`{"id":`)
	e.str(c.ID)
	e.key(`,"organisationId":`)
	e.str(c.OrganisationID)
	e.key(`,"type":`)
	e.str(c.Type)
	e.key(`,"name":`)
	e.str(c.Name)
	if c.Usages != nil {
		e.key(`,"usages":`)
		list(e, c.Usages, (*encoder).usage)
	}
	if c.Errors != nil {
		e.key(`,"errors":`)
		e.strings(c.Errors)
	}
	e.key(`,"data":`)
	e.raw(c.Data)
	if c.ExpiresAt != nil {
		e.key(`,"expiresAt":`)
		e.time(*c.ExpiresAt)
	}
	e.b = append(e.b, '}')
}

func (e *encoder) usage(u *fx.CredentialUsage) {
	c := &u.Connection
	e.key(`{"connection":{"id":`)
	e.str(c.ID)
	e.key(`,"name":`)
	e.str(c.Name)
	s := &c.Connector
	e.key(`,"connector":{"id":`)
	e.str(s.ID)
	e.key(`,"organisationId":`)
	e.str(s.OrganisationID)
	e.key(`,"name":`)
	e.str(s.Name)
	e.key(`,"protocol":`)
	e.str(s.Protocol)
	e.key(`,"createdAt":`)
	e.time(s.CreatedAt)
	e.key(`,"updatedAt":`)
	e.time(s.UpdatedAt)
	e.key(`},"createdAt":`)
	e.time(c.CreatedAt)
	e.key(`,"updatedAt":`)
	e.time(c.UpdatedAt)
	e.b = append(e.b, "}}"...)
}

func (e *encoder) version(v *fx.Version) {
	e.key(`{"id":`)
	e.str(v.ID)
	e.key(`,"name":`)
	e.str(v.Name)
	e.optional(`,"description":`, v.Description)
	e.key(`,"isLatest":`)
	e.boolean(v.IsLatest)
	e.key(`,"isDefault":`)
	e.boolean(v.IsDefault)
	e.key(`,"createdAt":`)
	e.time(v.CreatedAt)
	e.key(`,"updatedAt":`)
	e.time(v.UpdatedAt)
	e.key(`,"publishedAt":`)
	e.timePtr(v.PublishedAt)
	if v.Messages != nil {
		e.key(`,"messages":`)
		list(e, v.Messages, (*encoder).message)
	}
	e.b = append(e.b, '}')
}
