package conductorone

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// connectorSchema is the spec's name of the connector message; its properties are the paths
// an update mask may name.
const connectorSchema = "c1.api.app.v1.Connector"

// field is one field of the connector message as an update mask sees it. The tree is read
// from the spec once per process, so mask paths can never drift from the contract, and bound
// to the Go struct that holds the field (by its json tag), so a mask copies it with no JSON.
type field struct {
	name string
	// readOnly fields are output only: readOnly in the spec, or messages all of whose fields
	// are (oauthAuthorizedAs).
	readOnly bool
	// immutable fields (id, appId) are taken from the path.
	immutable bool
	// children are the fields of a message; nil for scalars, lists and Any values, which a
	// mask can only name whole. sorted holds them by name: the order "*" and implicit masks
	// apply them in, and the order the old map was decoded in (which error comes first).
	children map[string]*field
	sorted   []*field

	pos   int  // the field's place in its parent's sorted
	index int  // the index of its Go struct field in the parent's Go type
	kind  kind // what the Go field is
	// msg is the Go struct of a message; ptr says the Go field points to one.
	msg reflect.Type
	ptr bool
	// masks keeps the update masks parsed against the tree (the root's; nil elsewhere).
	masks *maskCache
}

// maskCache holds update masks as parseMask parsed them, by their text: clients send the same
// few masks again and again. It is bounded (the masks are the clients'): past maxMasks, a
// mask is parsed for each request again. A parsed mask is only read.
type maskCache struct {
	sync.Map // string -> updateMask
	n        atomic.Int64
}

const maxMasks = 1_000

// kind is the Go type of a field, as a mask copies it.
type kind int

const (
	kindString  kind = iota + 1 // string
	kindBool                    // *bool
	kindStrings                 // []string
	kindRaw                     // fixtures.RawJSON: an Any value
	kindMessage                 // a struct, or a pointer to one
)

// connectorFields builds the update mask's tree from the spec's connector schema and binds it
// to fixtures/conductorone.Connector.
func connectorFields(doc *openapi3.T) (*field, error) {
	ref := doc.Components.Schemas[connectorSchema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("conductorone: the spec has no schema %s", connectorSchema)
	}
	root := newField(connectorSchema, ref.Value)
	// The identity fields: the vendor's schema does not mark them read-only, but the gateway
	// takes both from the request path, so the body cannot change them.
	for _, name := range [...]string{"id", "appId"} {
		f := root.children[name]
		if f == nil {
			return nil, fmt.Errorf("conductorone: schema %s has no property %s", connectorSchema, name)
		}
		f.immutable = true
	}
	root.kind, root.msg, root.masks = kindMessage, reflect.TypeFor[fx.Connector](), &maskCache{}
	if err := root.bind(0); err != nil {
		return nil, fmt.Errorf("conductorone: schema %s: %w", connectorSchema, err)
	}
	return root, nil
}

func newField(name string, s *openapi3.Schema) *field {
	f := &field{name: name, readOnly: s.ReadOnly}
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) == 0 || freeForm(s) {
		return f
	}
	f.children = make(map[string]*field, len(s.Properties))
	allReadOnly := true
	for name, p := range s.Properties {
		c := newField(name, p.Value)
		f.children[name] = c
		allReadOnly = allReadOnly && c.readOnly
	}
	f.readOnly = f.readOnly || allReadOnly
	return f
}

// freeForm schemas (google.protobuf.Any) take any property: a mask names them whole.
func freeForm(s *openapi3.Schema) bool {
	ap := s.AdditionalProperties
	return ap.Has != nil && *ap.Has || ap.Schema != nil
}

// bind finds the Go struct field of each of f's children (f.msg's field whose json name is
// the child's) and what it is. Messages are bound one level deep only: the connector's
// messages hold scalars and lists, and update relies on that (a message below a message
// would need its own rules for whole and partial copies).
func (f *field) bind(depth int) error {
	byName := map[string]reflect.StructField{}
	for i := range f.msg.NumField() {
		sf := f.msg.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" {
			name = sf.Name
		}
		if sf.IsExported() && name != "-" {
			byName[name] = sf
		}
	}
	f.sorted = make([]*field, 0, len(f.children))
	for _, c := range f.children {
		f.sorted = append(f.sorted, c)
	}
	slices.SortFunc(f.sorted, func(a, b *field) int { return strings.Compare(a.name, b.name) })
	if len(f.sorted) > 64 {
		return fmt.Errorf("%s has %d fields, more than an op's 64 bits", f.name, len(f.sorted))
	}
	for i, c := range f.sorted {
		c.pos = i
		sf, ok := byName[c.name]
		if !ok {
			return fmt.Errorf("%s.%s has no field in Go type %s", f.name, c.name, f.msg)
		}
		c.index = sf.Index[0]
		switch t := sf.Type; {
		case c.children != nil:
			if c.ptr = t.Kind() == reflect.Pointer; c.ptr {
				t = t.Elem()
			}
			if t.Kind() != reflect.Struct || depth > 0 {
				return fmt.Errorf("%s.%s: a message must be a struct one level below the connector, not %s", f.name, c.name, sf.Type)
			}
			c.kind, c.msg = kindMessage, t
			if err := c.bind(depth + 1); err != nil {
				return err
			}
		case t == reflect.TypeFor[string]():
			c.kind = kindString
		case t == reflect.TypeFor[*bool]():
			c.kind = kindBool
		case t == reflect.TypeFor[[]string]():
			c.kind = kindStrings
		case t == reflect.TypeFor[fixtures.RawJSON]():
			c.kind = kindRaw
		default:
			return fmt.Errorf("%s.%s: Go type %s is not one a mask can copy", f.name, c.name, t)
		}
	}
	return nil
}

// mutable reports whether a mask may name the field.
func (f *field) mutable() bool { return !f.readOnly && !f.immutable }

// updateMask is a parsed google.protobuf.FieldMask.
type updateMask struct {
	// all is "*": every mutable field is replaced.
	all bool
	// paths are the named paths. With all false and no paths, the mask is implicit: every
	// field present in the request (AIP-134).
	paths []maskPath
}

// maskPath is a resolved path: a field of the connector, or a field (sub) of one of its
// messages (bind allows no deeper message).
type maskPath struct {
	top, sub *field
}

// parseMask reads a FieldMask in its JSON form: comma-separated camelCase paths, "" or nil for
// none. Blanks around a path are ignored. Every path must name a mutable field of the
// connector; the first that does not is the error.
func parseMask(root *field, s *string) (updateMask, error) {
	var m updateMask
	if s == nil || strings.TrimSpace(*s) == "" {
		return m, nil
	}
	n := strings.Count(*s, ",") + 1
	for p := range strings.SplitSeq(*s, ",") {
		p = strings.TrimSpace(p)
		if p == "*" {
			if n > 1 {
				return updateMask{}, &MaskError{Path: p, Reason: reasonStarAlone}
			}
			m.all = true
			continue
		}
		mp, err := resolve(root, p)
		if err != nil {
			return updateMask{}, err
		}
		if m.paths == nil {
			m.paths = make([]maskPath, 0, n)
		}
		m.paths = append(m.paths, mp)
	}
	return m, nil
}

// parsedMask is parseMask through root's cache of masks: a mask refused is not kept.
func parsedMask(root *field, s *string) (updateMask, error) {
	if s == nil || root.masks == nil {
		return parseMask(root, s)
	}
	if m, ok := root.masks.Load(*s); ok {
		return m.(updateMask), nil
	}
	m, err := parseMask(root, s)
	if err == nil && root.masks.n.Add(1) <= maxMasks {
		root.masks.Store(*s, m)
	}
	return m, err
}

// resolve checks one path against the tree.
func resolve(root *field, path string) (maskPath, error) {
	var out maskPath
	node := root
	for seg := range strings.SplitSeq(path, ".") {
		if node.children == nil {
			return maskPath{}, &MaskError{Path: path, Reason: reasonBelowLeaf}
		}
		child := node.children[seg]
		switch {
		case child == nil:
			return maskPath{}, &MaskError{Path: path, Reason: reasonUnknownField}
		case child.immutable:
			return maskPath{}, &MaskError{Path: path, Reason: reasonImmutable}
		case child.readOnly:
			return maskPath{}, &MaskError{Path: path, Reason: reasonOutputOnly}
		case out.top == nil:
			out.top = child
		default:
			out.sub = child // the last segment: a message's fields are leaves (see bind)
		}
		node = child
	}
	return out, nil
}

// How a mask is applied. A named field that the request lacks or sets to null is cleared;
// one it sets is copied from it. The mask used to be applied to the connector as a map (the
// stored connector as JSON, the request's values copied in, the result decoded back), and the
// typed apply below gives exactly what that gave (TestMaskMatchesMapApply holds it to that):
//
//   - The map's top-level keys were the connector's field names, so a top-level field is
//     copied from the request's member of exactly that name, decoded as encoding/json decodes
//     it (config, an Any, as the map wrote it back: keys sorted, HTML escaped).
//   - A message named whole took the request's object as it was, to be decoded into the Go
//     struct at the end, with encoding/json's case-insensitive matching of its keys. When
//     every key names a field exactly, once, decoding it now is the same thing; otherwise
//     (a "LastError" or a repeated key, never sent by a real client) the object is rebuilt as
//     the map held it and decoded that way, errors and all.
//   - Decoding the map back wrote every stored string as valid UTF-8 and the stored config in
//     its canonical form: normalise does that to a stored connector once, on its first update.

// op is what a mask does to one top-level field.
type op struct {
	// whole replaces the field: with the request's value, or cleared when it has none.
	whole bool
	// leaves are the subfields of a message set or cleared after that (bits by position
	// in the message's sorted fields).
	leaves uint64
}

// ops sets what the mask does to each top-level field, by position in root.sorted; vals is
// the request's value of each (patch.index).
func (m updateMask) ops(root *field, vals [][]byte, ops []op) {
	switch {
	case m.all:
		for i, f := range root.sorted {
			ops[i].whole = f.mutable()
		}
	case len(m.paths) == 0:
		// The implicit mask: the paths of the leaves the request sets (not to null), inside
		// messages too, as grpc-gateway derives a mask from a JSON body. Read-only,
		// immutable and unknown fields are left out: the gateway ignores them.
		for i, f := range root.sorted {
			raw := vals[i]
			switch {
			case !f.mutable() || !present(raw):
			case f.children != nil && kit.IsObject(raw):
				for it := kit.ObjectMembers(raw); ; {
					key, val, ok := it.Next()
					if !ok {
						break
					}
					c := f.children[string(key)]
					switch {
					case c == nil || !c.mutable():
					case present(val):
						ops[i].leaves |= 1 << c.pos
					default: // a repeated key's last value decides
						ops[i].leaves &^= 1 << c.pos
					}
				}
			default:
				ops[i].whole = true
			}
		}
	default:
		for _, p := range m.paths {
			o := &ops[p.top.pos]
			if p.sub == nil {
				*o = op{whole: true} // what came before is replaced
			} else {
				o.leaves |= 1 << p.sub.pos
			}
		}
	}
}

// update returns old's connector with the mask applied from p and updatedAt moved to now,
// as the new value to store. Read-only and identity fields are never copied (parseMask
// refuses them in a mask, and implicit masks skip them).
func (m updateMask) update(root *field, old *entry, p *patch, now time.Time) (fx.Connector, error) {
	var c fx.Connector
	if err := m.updateInto(&c, root, old, p, now); err != nil {
		return fx.Connector{}, err
	}
	return c, nil
}

// updateInto is update writing the new value to *dst, the new entry's (dst is half-written on
// error, and must then be dropped).
func (m updateMask) updateInto(dst *fx.Connector, root *field, old *entry, p *patch, now time.Time) error {
	// A shallow copy: its lists and messages are old's, which are immutable, so a field that
	// changes is replaced, never written to (apply copies a message before changing one of its
	// fields), and what does not change stays shared with old (see storable).
	*dst = old.c
	if !old.normal {
		*dst = dst.Clone()
		if err := normalise(dst); err != nil {
			return err
		}
	}
	var valBuf [64][]byte // bind allows no more fields
	var opBuf [64]op
	vals, ops := valBuf[:len(root.sorted)], opBuf[:len(root.sorted)]
	p.index(root, vals)
	m.ops(root, vals, ops)
	v := reflect.ValueOf(dst).Elem()
	// By name: of two values that cannot be held, the map reported the first by name.
	for i, o := range ops {
		if o == (op{}) {
			continue
		}
		f := root.sorted[i]
		if err := f.apply(v.Field(f.index), o, vals[i]); err != nil {
			return err
		}
	}
	dst.ID, dst.AppID = old.c.ID, old.c.AppID
	normaliseTimes(dst)
	dst.UpdatedAt = timestamp(now)
	storable(dst)
	return nil
}

// storable makes c what its Clone would be, the form a connector is stored in (lists never
// nil, the sync status never unset), without copying what it shares with stored values: they
// are immutable, and the values a mask copied in are new (decoded from the request). The
// Clone it replaces copied every list and the config of every update again.
// TestStorableIsClone holds it to Clone.
func storable(c *fx.Connector) {
	for _, l := range []*[]string{&c.ProfileAllowList, &c.ProfileIgnoreList, &c.UserIDs} {
		if *l == nil {
			*l = []string{}
		}
	}
	if sc := c.SyncConfig; sc != nil && sc.SyncResourceTypeIDs == nil {
		c.SyncConfig = &fx.SyncConfig{SyncResourceTypeIDs: []string{}} // sc may be stored: a new one
	}
	if len(c.Config) == 0 {
		c.Config = nil // as RawJSON.Clone gives an empty one
	}
	if c.Status.Status == "" {
		c.Status.Status = fx.SyncStatuses[0]
	}
}

// apply does o to the top-level field f, whose Go value is dst, from raw, the request's
// value of f.
func (f *field) apply(dst reflect.Value, o op, raw []byte) error {
	if f.children == nil {
		if !present(raw) {
			dst.SetZero()
			return nil
		}
		return f.set(dst, raw, nil)
	}
	if o.whole {
		if present(raw) {
			return f.setWhole(dst, raw, o.leaves)
		}
		dst.SetZero()
	}
	if f.ptr && !dst.IsNil() && o.leaves != 0 {
		cp := reflect.New(f.msg) // the stored message is immutable: change a copy
		cp.Elem().Set(dst.Elem())
		dst.Set(cp)
	}
	for _, c := range f.sorted {
		if o.leaves&(1<<c.pos) == 0 {
			continue
		}
		if v := member(raw, c.name); present(v) {
			if err := c.set(f.message(dst, true).Field(c.index), v, f); err != nil {
				return err
			}
		} else if msg := f.message(dst, false); msg.IsValid() {
			msg.Field(c.index).SetZero()
		}
	}
	return nil
}

// message is the struct of message field f held in dst; for a nil pointer, a new struct if
// alloc, else the zero Value.
func (f *field) message(dst reflect.Value, alloc bool) reflect.Value {
	if !f.ptr {
		return dst
	}
	if dst.IsNil() {
		if !alloc {
			return reflect.Value{}
		}
		dst.Set(reflect.New(f.msg))
	}
	return dst.Elem()
}

// set stores raw (not null), the request's value of field f of message parent (nil: of the
// connector), in dst.
func (f *field) set(dst reflect.Value, raw []byte, parent *field) error {
	ok := false
	switch f.kind {
	case kindString:
		var s string
		if s, ok = kit.DecodeString(raw); ok {
			dst.SetString(s)
		}
	case kindBool:
		if ok = string(raw) == "true" || string(raw) == "false"; ok {
			b := raw[0] == 't'
			*dst.Addr().Interface().(**bool) = &b
		}
	case kindStrings:
		var ss []string
		if ss, ok = kit.DecodeStrings(raw); ok {
			*dst.Addr().Interface().(*[]string) = ss
		}
	case kindRaw:
		canon, err := canonicalJSON(raw)
		if ok = err == nil; ok {
			dst.SetBytes(canon)
		}
	}
	if ok {
		return nil
	}
	// Not what the schema allows (the Go API does not validate): decode it as the map was.
	canon, err := canonicalJSON(raw)
	if err != nil {
		return &ValueError{Err: err}
	}
	v, err := decodeAt(canon, parent, f)
	if err != nil {
		return err
	}
	dst.Set(v)
	return nil
}

// setWhole stores raw (not null), the request's value of message field f, in dst; leaves are
// subfields that later paths name.
func (f *field) setWhole(dst reflect.Value, raw []byte, leaves uint64) error {
	if f.exactKeys(raw) {
		// Later paths of subfields change nothing: they copy what raw sets, and clear only
		// what it lacks or sets to null, which decoding left zero.
		v := reflect.New(f.msg)
		if json.Unmarshal(raw, v.Interface()) == nil {
			if !f.ptr {
				v = v.Elem()
			}
			dst.Set(v)
			return nil
		}
	}
	// The object as the map held it: a key's last value, sorted, without the subfields later
	// paths clear (deleted from the very map, which the request's shared).
	canon, err := canonicalJSON(raw)
	if kit.IsObject(raw) {
		obj := map[string]json.RawMessage{}
		for it := kit.ObjectMembers(raw); ; {
			key, val, ok := it.Next()
			if !ok {
				break
			}
			obj[string(key)] = val
		}
		for _, c := range f.sorted {
			if leaves&(1<<c.pos) != 0 && !present(member(raw, c.name)) {
				delete(obj, c.name)
			}
		}
		canon, err = json.Marshal(obj)
	}
	if err != nil {
		return &ValueError{Err: err}
	}
	v, err := decodeAt(canon, nil, f)
	if err != nil {
		return err
	}
	dst.Set(v)
	return nil
}

// exactKeys reports whether every key of raw, an object, names one of f's fields exactly,
// and none twice.
func (f *field) exactKeys(raw []byte) bool {
	if !kit.IsObject(raw) {
		return false
	}
	var seen uint64
	for it := kit.ObjectMembers(raw); ; {
		key, _, ok := it.Next()
		if !ok {
			return true
		}
		c := f.children[string(key)]
		if c == nil || seen&(1<<c.pos) != 0 {
			return false
		}
		seen |= 1 << c.pos
	}
}

// decodeAt decodes canon as the value of field f of message parent (nil: of the connector)
// the way the map was decoded, inside a connector, so that an error reads as it did.
func decodeAt(canon []byte, parent, f *field) (reflect.Value, error) {
	var doc []byte
	if parent != nil {
		doc = append(append(append(doc, '{'), strconv.Quote(parent.name)...), ':')
	}
	doc = append(append(append(doc, '{'), strconv.Quote(f.name)...), ':')
	doc = append(doc, canon...)
	doc = append(doc, '}')
	if parent != nil {
		doc = append(doc, '}')
	}
	var c fx.Connector
	if err := json.Unmarshal(doc, &c); err != nil {
		return reflect.Value{}, &ValueError{Err: err}
	}
	v := reflect.ValueOf(&c).Elem()
	if parent != nil {
		v = v.Field(parent.index)
		if parent.ptr {
			v = v.Elem()
		}
	}
	return v.Field(f.index), nil
}

// canonicalJSON is raw as the map wrote it back: decoded keeping numbers as written, then
// encoded (keys sorted, HTML escaped).
func canonicalJSON(raw []byte) ([]byte, error) {
	var v any
	if err := decodeJSON(raw, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// normalise writes a stored connector as the map's round trip did: every string valid UTF-8
// (each invalid byte U+FFFD, as encoding/json writes it) and config canonical. A value that
// update built is already so (entry.normal).
func normalise(c *fx.Connector) error {
	validStrings(reflect.ValueOf(c).Elem())
	if len(c.Config) == 0 {
		c.Config = nil
		return nil
	}
	data, err := json.Marshal(c.Config) // as the map was made: fails on a config that is not JSON
	if err != nil {
		return err
	}
	if data, err = canonicalJSON(data); err != nil {
		return err
	}
	c.Config = nil
	if string(data) != "null" {
		c.Config = data
	}
	return nil
}

// validStrings makes every string v holds valid UTF-8.
func validStrings(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) {
			v.SetString(validUTF8(s))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			validStrings(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			validStrings(v.Field(i))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.String {
			for i := range v.Len() {
				validStrings(v.Index(i))
			}
		}
	}
}

// validUTF8 replaces each byte of s that is not part of valid UTF-8 with U+FFFD, as
// encoding/json writes it (strings.ToValidUTF8 would replace a run of them once).
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// expansion says which related objects go into a response's expanded array.
type expansion struct {
	app, users bool
}

// The documented expand mask paths.
const (
	expandApp = "app_id"
	expandAll = "*"
)

// parseExpand reads ConnectorExpandMask.paths: "app_id" expands the app, "*" the app and the
// connector's users (its userIds).
func parseExpand(paths []string) (expansion, error) {
	var x expansion
	for _, p := range paths {
		switch p {
		case expandApp:
			x.app = true
		case expandAll:
			x.app, x.users = true, true
		default:
			return expansion{}, &ExpandError{Path: p}
		}
	}
	return x, nil
}
