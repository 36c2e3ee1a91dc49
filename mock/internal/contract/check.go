package contract

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"unicode/utf16"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"
)

// A Checker answers one question fast: is a JSON text valid against a schema, in kin-openapi's
// own judgement? kin-openapi stays the authority: a Checker only ever says "valid" where
// kin-openapi's VisitJSON (3.0 rules, with the options the Checker was compiled for) accepts
// the value that encoding/json decodes from the text (numbers as json.Number), and "not valid"
// where it refuses it or where the text is not JSON. Callers run kin-openapi on every "not
// valid", for its verdict and its words, so a false "not valid" costs time, never correctness;
// TestCheckerAgreesWithKinOpenAPI (and its fuzz target) hold both answers equal.
//
// Why: kin-openapi's visit decodes the body into maps first, then walks them sorting property
// names, allocating per node and deep-copying the value for each branch of a oneOf; on the
// mock's bodies that was a third of a request. A Checker is the schema compiled once into a
// tree of nodes, run over the bytes themselves: one pass, no decoding, no allocation for a
// valid body.
//
// What it reads from the bytes is what encoding/json would decode: the same grammar (the
// first value of the text, nesting at most 10000 deep), strings unescaped the same way (by
// encoding/json itself when they hold escapes or non-ASCII bytes), numbers converted as
// json.Number.Float64 converts them, and of a key given twice only the last value, as a map
// keeps it.
type Checker struct {
	root *node
	// memo says the schema applies several schemas to one value somewhere (allOf, oneOf,
	// anyOf, not): only then can a value be read twice, and state.seen pay for itself.
	memo bool
}

// Direction says which side of an exchange a Checker checks: it decides what readOnly and
// writeOnly mean, as kin-openapi's VisitAsRequest and VisitAsResponse do.
type Direction uint8

// The directions.
const (
	AsRequest Direction = iota + 1
	AsResponse
)

// CheckerKey names a compiled Checker: the schema, the direction and whether read-only
// properties are accepted in requests (kin-openapi's DisableReadOnlyValidation).
type CheckerKey struct {
	Schema         *openapi3.Schema
	Direction      Direction
	IgnoreReadOnly bool
}

// checkers memoises Compile by key: specs are loaded once per process and never change, so
// each schema is compiled once, whatever the number of servers.
// One map per direction and read-only setting, keyed by the schema alone: a pointer key
// makes the lookup on every request free of allocation.
var checkers [4]sync.Map // *openapi3.Schema -> *Checker (nil: the schema uses what Compile refuses)

// CheckerFor returns the memoised Checker of the key, nil when the schema uses a keyword the
// Checker does not implement (then kin-openapi checks every value).
func CheckerFor(k CheckerKey) *Checker {
	m := &checkers[int(k.Direction&1)<<1|b2i(k.IgnoreReadOnly)]
	if c, ok := m.Load(k.Schema); ok {
		return c.(*Checker)
	}
	c, err := Compile(k.Schema, k.Direction, k.IgnoreReadOnly)
	if err != nil {
		c = nil
	}
	actual, _ := m.LoadOrStore(k.Schema, c)
	return actual.(*Checker)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Compile builds the Checker of a schema of an OpenAPI 3.0 document, validated by kin-openapi
// (Spec loading does that). It refuses, with an error naming the keyword, a schema that uses
// a keyword whose kin-openapi semantics it does not reproduce (uniqueItems, multipleOf, the
// OpenAPI 3.1 keywords, patterns Go cannot compile); those schemas are left to kin-openapi.
func Compile(s *openapi3.Schema, dir Direction, ignoreReadOnly bool) (*Checker, error) {
	c := &compiler{asReq: dir == AsRequest, asRep: dir == AsResponse, roDisabled: ignoreReadOnly,
		memo: map[*openapi3.Schema]*node{}}
	root := c.child(s)
	if c.err != nil {
		return nil, c.err
	}
	return &Checker{root: root, memo: c.branching}, nil
}

// Check reports whether data begins (after whitespace) with a JSON value that kin-openapi
// would accept, and where that value ends; what follows it is not read (kin-openapi decodes
// the first value only; the trailing-data check is the caller's). end is meaningful when ok.
func (c *Checker) Check(data []byte) (end int, ok bool) {
	st := states.Get().(*state)
	st.memo = c.memo
	defer st.release()
	i := skipWS(data, 0)
	end, r := st.value(c.root, data, i)
	return end, r == rOK
}

// A node is one schema compiled for one place in a visit. kin-openapi's visit of a value
// tracks the schemas already applied to that same value (through allOf, oneOf, anyOf, not)
// and accepts at once when one comes round again; that chain is known when compiling, so a
// schema reached through different chains compiles to different nodes. A schema applied to
// a child value (an item, a property) starts a new chain: those nodes are memoised, which
// also ties the knot of recursive schemas.
type node struct {
	hit      bool // the schema is already applied to this value: kin-openapi accepts
	nullable bool
	empty    bool // the schema constrains nothing but null

	not         *node
	oneOf       []branch
	anyOf       []branch
	allOf       []*node
	disc        *discSpec
	xof         bool  // oneOf, anyOf or allOf is set: a null that passes them is valid
	enum        []any // scalars only (Compile refuses others)
	enumStrings bool  // every enum value is a string: compared without conversion

	tNull, tBool, tInt, tNum, tStr, tArr, tObj bool // what Type permits

	requireInt bool
	intFormat  openapi3.IntegerFormatValidator
	numFormat  openapi3.NumberFormatValidator
	exclMin    *float64
	exclMax    *float64
	min, max   *float64

	checkLen  bool
	minLen    uint64
	maxLen    *uint64
	pattern   *regexp.Regexp
	strFormat openapi3.StringFormatValidator

	minItems uint64
	maxItems *uint64
	items    *node

	minProps uint64
	maxProps *uint64
	// props are the declared properties, each with its bit in the masks below (Compile
	// refuses more than 64).
	props map[string]prop
	// forbidden has the bits of the properties that break the schema when present and not
	// null: readOnly ones in requests, writeOnly ones in responses.
	forbidden uint64
	// required has the bits of the declared properties whose absence breaks the schema
	// (kin-openapi's exemptions removed); requiredOther names the required ones not declared.
	required      uint64
	requiredOther []string
	addAllowed    bool
	addSchema     *node
}

type prop struct {
	n   *node
	bit uint64
}

type branch struct {
	ref string // the branch's $ref as written, which a discriminator's mapping names
	n   *node
}

type discSpec struct {
	prop    string
	mapping map[string]string // discriminator value -> the $ref it selects
}

type compiler struct {
	asReq, asRep bool
	roDisabled   bool
	memo         map[*openapi3.Schema]*node
	branching    bool // some schema has allOf, oneOf, anyOf or not
	err          error
}

func (c *compiler) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("contract: cannot compile: "+format, args...)
	}
}

// child compiles s as applied to a value of its own (the root, an item, a property).
func (c *compiler) child(s *openapi3.Schema) *node {
	if n := c.memo[s]; n != nil {
		return n
	}
	n := &node{}
	c.memo[s] = n
	c.fill(n, s, []*openapi3.Schema{s})
	return n
}

// same compiles s as applied to the value that the schemas of chain are applied to already.
func (c *compiler) same(s *openapi3.Schema, chain []*openapi3.Schema) *node {
	for _, x := range chain {
		if x == s {
			return &node{hit: true}
		}
	}
	n := &node{}
	c.fill(n, s, append(chain[:len(chain):len(chain)], s))
	return n
}

func (c *compiler) fill(n *node, s *openapi3.Schema, chain []*openapi3.Schema) {
	if kw := unsupported(s); kw != "" {
		c.fail("keyword %s", kw)
		return
	}
	n.nullable = s.Nullable || s.Type.IncludesNull()
	if s.IsEmpty() {
		n.empty = true
		return
	}
	if ref := s.Not; ref != nil {
		if ref.Value == nil {
			c.fail("unresolved not %s", ref.Ref)
			return
		}
		n.not = c.same(ref.Value, chain)
	}
	branches := func(refs openapi3.SchemaRefs) []branch {
		var out []branch
		for _, ref := range refs {
			if ref.Value == nil {
				c.fail("unresolved %s", ref.Ref)
				return nil
			}
			out = append(out, branch{ref: ref.Ref, n: c.same(ref.Value, chain)})
		}
		return out
	}
	n.oneOf, n.anyOf = branches(s.OneOf), branches(s.AnyOf)
	for _, ref := range s.AllOf {
		if ref.Value == nil {
			c.fail("unresolved allOf %s", ref.Ref)
			return
		}
		n.allOf = append(n.allOf, c.same(ref.Value, chain))
	}
	n.xof = len(s.OneOf) > 0 || len(s.AnyOf) > 0 || len(s.AllOf) > 0
	c.branching = c.branching || n.xof || s.Not != nil
	if d := s.Discriminator; d != nil && (len(s.OneOf) > 0 || len(s.AnyOf) > 0) {
		n.disc = &discSpec{prop: d.PropertyName}
		if len(d.Mapping) > 0 {
			n.disc.mapping = map[string]string{}
			for v, m := range d.Mapping {
				ref := m.Ref
				if ref != "" && !containsSlash(ref) {
					ref = "#/components/schemas/" + ref // as kin-openapi reads a plain schema name
				}
				n.disc.mapping[v] = ref
			}
		}
	}
	n.enumStrings = len(s.Enum) > 0
	for _, v := range s.Enum {
		switch v.(type) {
		case string:
		case nil, bool:
			n.enumStrings = false
		default:
			if _, ok := asFloat(v); !ok {
				c.fail("enum value %v", v)
				return
			}
			n.enumStrings = false
		}
	}
	n.enum = s.Enum

	t := s.Type
	n.tNull = t.IncludesNull()
	n.tBool, n.tInt, n.tNum = t.Permits(openapi3.TypeBoolean), t.Permits(openapi3.TypeInteger), t.Permits(openapi3.TypeNumber)
	n.tStr, n.tArr, n.tObj = t.Permits(openapi3.TypeString), t.Permits(openapi3.TypeArray), t.Permits(openapi3.TypeObject)

	// Numbers.
	n.requireInt = n.tInt && !n.tNum
	if f := s.Format; f != "" {
		if n.requireInt {
			n.intFormat = openapi3.SchemaIntegerFormats[f]
		} else {
			n.numFormat = openapi3.SchemaNumberFormats[f]
		}
	}
	if eb := s.ExclusiveMin; eb.Value != nil {
		n.exclMin = eb.Value
	} else if eb.Bool != nil && *eb.Bool && s.Min != nil {
		n.exclMin = s.Min
	}
	if eb := s.ExclusiveMax; eb.Value != nil {
		n.exclMax = eb.Value
	} else if eb.Bool != nil && *eb.Bool && s.Max != nil {
		n.exclMax = s.Max
	}
	n.min, n.max = s.Min, s.Max

	// Strings.
	n.minLen, n.maxLen = s.MinLength, s.MaxLength
	n.checkLen = s.MinLength != 0 || s.MaxLength != nil
	if p := s.Pattern; p != "" {
		re, err := regexp.Compile(intoGoRegexp(p))
		if err != nil {
			c.fail("pattern %q: %v", p, err)
			return
		}
		n.pattern = re
	}
	if f := s.Format; f != "" {
		if v, ok := formatValidators[f]; ok {
			n.strFormat = v
		} else {
			n.strFormat = openapi3.SchemaStringFormats[f]
		}
	}

	// Arrays.
	n.minItems, n.maxItems = s.MinItems, s.MaxItems
	if ref := s.Items; ref != nil {
		if ref.Value == nil {
			c.fail("unresolved items %s", ref.Ref)
			return
		}
		n.items = c.child(ref.Value)
	}

	// Objects.
	n.minProps, n.maxProps = s.MinProps, s.MaxProps
	if len(s.Properties) > 64 {
		c.fail("more than 64 properties")
		return
	}
	if len(s.Properties) > 0 {
		n.props = make(map[string]prop, len(s.Properties))
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		ref := s.Properties[name]
		if ref.Value == nil {
			c.fail("unresolved property %s %s", name, ref.Ref)
			return
		}
		p := ref.Value
		bit := uint64(1) << len(n.props)
		if c.asReq && p.ReadOnly && !c.roDisabled || c.asRep && p.WriteOnly {
			n.forbidden |= bit
		}
		n.props[name] = prop{n: c.child(p), bit: bit}
	}
	for _, k := range s.Required {
		if p := s.Properties[k]; p != nil && (p.Value.ReadOnly && c.asReq || p.Value.WriteOnly && c.asRep) {
			continue
		}
		if c.declaredInAllOf(s, chain, k) {
			continue
		}
		if p, ok := n.props[k]; ok {
			n.required |= p.bit
		} else {
			n.requiredOther = append(n.requiredOther, k)
		}
	}
	n.addAllowed = s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
	if ref := s.AdditionalProperties.Schema; ref != nil && ref.Value != nil {
		n.addSchema = c.child(ref.Value)
	}
}

// declaredInAllOf is kin-openapi's readOnlyOrWriteOnlyInAllOf: a required property declared
// readOnly (requests) or writeOnly (responses) by a schema applied to the same value, or by
// their allOf, is not required in that direction.
func (c *compiler) declaredInAllOf(s *openapi3.Schema, chain []*openapi3.Schema, k string) bool {
	if !c.asReq && !c.asRep {
		return false
	}
	var seen []*openapi3.Schema
	var declares func(x *openapi3.Schema) bool
	declares = func(x *openapi3.Schema) bool {
		if x == nil {
			return false
		}
		for _, y := range seen {
			if y == x {
				return false
			}
		}
		seen = append(seen, x)
		if p := x.Properties[k]; p != nil && p.Value != nil && (p.Value.ReadOnly && c.asReq || p.Value.WriteOnly && c.asRep) {
			return true
		}
		for _, item := range x.AllOf {
			if declares(item.Value) {
				return true
			}
		}
		return false
	}
	if declares(s) {
		return true
	}
	for _, x := range chain {
		if declares(x) {
			return true
		}
	}
	return false
}

// unsupported names a keyword of s whose kin-openapi semantics the Checker does not
// reproduce, "" for none.
func unsupported(s *openapi3.Schema) string {
	switch {
	case s.Always != nil:
		return "boolean schema"
	case s.UniqueItems:
		return "uniqueItems"
	case s.MultipleOf != nil:
		return "multipleOf"
	case s.Const != nil || len(s.PrefixItems) > 0 || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		len(s.PatternProperties) > 0 || len(s.DependentSchemas) > 0 || s.PropertyNames != nil ||
		s.UnevaluatedItems.Schema != nil || s.UnevaluatedItems.Has != nil ||
		s.UnevaluatedProperties.Schema != nil || s.UnevaluatedProperties.Has != nil ||
		s.If != nil || s.Then != nil || s.Else != nil || len(s.DependentRequired) > 0:
		return "of OpenAPI 3.1"
	case s.Type.IncludesNull():
		return "type null"
	}
	return ""
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}

// patRewriteCodepoints and intoGoRegexp are kin-openapi's (schema_pattern.go): patterns are
// compiled as it compiles them.
var patRewriteCodepoints = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

func intoGoRegexp(re string) string {
	return patRewriteCodepoints.ReplaceAllString(re, `\x{${code}}`)
}

// The result of checking a value: valid, invalid (the value is JSON but breaks the schema; its
// end may be unknown), or not JSON at all.
type result uint8

const (
	rOK result = iota
	rBad
	rSyntax
)

// maxDepth is encoding/json's nesting limit: a deeper text does not decode.
const maxDepth = 10000

// state is the scratch space of one Check: the members of the objects being checked, kept as
// a stack. Pooled, so that a Check allocates nothing.
type state struct {
	members []member
	depth   int
	memo    bool // use seen (Checker.memo)
	// seen remembers the verdict on each container (object or array) already checked
	// against a node, and skips the end of each container already skipped (node nil). A
	// schema's allOf, oneOf and discriminator each read the same value again, nested at every
	// level of a body (Versori's connectors hold connections that hold connectors): without
	// it the passes multiply with the depth.
	seen map[seenKey]seenValue
}

type seenKey struct {
	n *node
	i int
}

type seenValue struct {
	end int
	r   result
}

type member struct {
	key    string // aliases the checked bytes unless the key had escapes
	isNull bool
	bad    bool
}

var states = sync.Pool{New: func() any {
	return &state{members: make([]member, 0, 64), seen: make(map[seenKey]seenValue, 64)}
}}

func (st *state) release() {
	if cap(st.members) > 1024 || len(st.seen) > 1024 {
		return // a huge body: let it go
	}
	if len(st.seen) > 0 {
		clear(st.seen)
	}
	clear(st.members[:cap(st.members)]) // drop the aliases of the checked bytes
	st.members, st.depth = st.members[:0], 0
	states.Put(st)
}

// value checks the value starting at d[i] against n; it returns the value's end, or -1 when
// the value breaks n and its end was not needed to tell.
func (st *state) value(n *node, d []byte, i int) (int, result) {
	if i >= len(d) {
		return -1, rSyntax
	}
	if n.hit {
		return st.skip(d, i)
	}
	c := d[i]
	if st.memo && (c == '{' || c == '[') {
		k := seenKey{n, i}
		if v, ok := st.seen[k]; ok {
			return v.end, v.r
		}
		end, r := st.check(n, d, i)
		st.seen[k] = seenValue{end, r}
		return end, r
	}
	return st.check(n, d, i)
}

// check is value without the memo.
func (st *state) check(n *node, d []byte, i int) (int, result) {
	c := d[i]
	if c == 'n' && n.nullable {
		return literal(d, i, "null")
	}
	if n.empty {
		if c == 'n' {
			return -1, rBad
		}
		return st.skip(d, i)
	}
	end := -1
	if n.not != nil {
		switch _, r := st.value(n.not, d, i); r {
		case rOK:
			return -1, rBad
		case rSyntax:
			return -1, rSyntax
		}
	}
	if len(n.oneOf) > 0 || len(n.anyOf) > 0 {
		ref, r := st.discriminate(n.disc, d, i)
		if r != rOK {
			return -1, r
		}
		if len(n.oneOf) > 0 {
			matched := 0
			for _, b := range n.oneOf {
				if ref != "" && ref != b.ref {
					continue
				}
				e, r := st.value(b.n, d, i)
				if r == rSyntax {
					return -1, rSyntax
				}
				if r == rOK {
					matched, end = matched+1, e
				}
			}
			if matched != 1 {
				return -1, rBad
			}
		}
		if len(n.anyOf) > 0 {
			matched := false
			for _, b := range n.anyOf {
				if ref != "" && ref != b.ref {
					continue
				}
				e, r := st.value(b.n, d, i)
				if r == rSyntax {
					return -1, rSyntax
				}
				if r == rOK {
					matched, end = true, e
					break
				}
			}
			if !matched {
				return -1, rBad
			}
		}
	}
	for _, a := range n.allOf {
		e, r := st.value(a, d, i)
		if r != rOK {
			return -1, r
		}
		end = e
	}
	if n.xof && c == 'n' {
		return end, rOK // a null that passes them all: kin-openapi looks no further
	}
	if len(n.enum) > 0 {
		if r := st.inEnum(n, d, i); r != rOK {
			return -1, r
		}
	}
	switch {
	case c == '"':
		return st.str(n, d, i)
	case c == '{':
		return st.object(n, d, i)
	case c == '[':
		return st.array(n, d, i)
	case c == '-' || c >= '0' && c <= '9':
		return st.number(n, d, i)
	case c == 't':
		return literalIf(d, i, "true", n.tBool)
	case c == 'f':
		return literalIf(d, i, "false", n.tBool)
	case c == 'n':
		return literalIf(d, i, "null", false) // not nullable (checked first)
	}
	return -1, rSyntax
}

// discriminate is kin-openapi's resolveDiscriminatorRef: for an object, the $ref its
// discriminator property selects ("" to try every branch).
func (st *state) discriminate(disc *discSpec, d []byte, i int) (string, result) {
	if disc == nil || d[i] != '{' {
		return "", rOK
	}
	start, found, r := st.lastMember(d, i, disc.prop)
	if r != rOK {
		return "", r
	}
	if !found || d[start] != '"' {
		return "", rBad // no discriminator property, or not a string
	}
	end, simple, r := scanString(d, start)
	if r != rOK {
		return "", r
	}
	v := stringValue(d, start, end, simple)
	if disc.mapping == nil {
		return "", rOK
	}
	ref, ok := disc.mapping[v]
	if !ok {
		return "", rBad
	}
	return ref, rOK
}

// lastMember finds where the value of the object's last member named key starts.
func (st *state) lastMember(d []byte, i int, key string) (start int, found bool, r result) {
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return 0, false, rOK
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return 0, false, rSyntax
		}
		kend, simple, r := scanString(d, i)
		if r != rOK {
			return 0, false, r
		}
		k := stringValue(d, i, kend, simple)
		i = skipWS(d, kend)
		if i >= len(d) || d[i] != ':' {
			return 0, false, rSyntax
		}
		i = skipWS(d, i+1)
		if k == key {
			start, found = i, true
		}
		st.depth++ // lastMember runs inside the object: its values nest one deeper
		e, r := st.skip(d, i)
		st.depth--
		if r != rOK {
			return 0, false, r
		}
		i = skipWS(d, e)
		if i >= len(d) {
			return 0, false, rSyntax
		}
		switch d[i] {
		case ',':
			i = skipWS(d, i+1)
		case '}':
			return start, found, rOK
		default:
			return 0, false, rSyntax
		}
	}
}

func (st *state) inEnum(n *node, d []byte, i int) result {
	switch c := d[i]; {
	case c == '"':
		end, simple, r := scanString(d, i)
		if r != rOK {
			return r
		}
		s := stringValue(d, i, end, simple)
		for _, v := range n.enum {
			if v, ok := v.(string); ok && v == s {
				return rOK
			}
		}
		return rBad
	case n.enumStrings:
		return rBad // only a string can equal a string
	case c == '-' || c >= '0' && c <= '9':
		end, r := scanNumber(d, i)
		if r != rOK {
			return r
		}
		f, err := strconv.ParseFloat(unsafe.String(&d[i], end-i), 64)
		if err != nil {
			return rBad
		}
		for _, v := range n.enum {
			if x, ok := asFloat(v); ok && x == f {
				return rOK
			}
		}
		return rBad
	case c == 't' || c == 'f' || c == 'n':
		var want any
		switch c {
		case 't':
			want = true
		case 'f':
			want = false
		}
		for _, v := range n.enum {
			if _, isNum := asFloat(v); !isNum && v == want {
				return rOK
			}
		}
		return rBad
	}
	return rBad // arrays and objects equal no scalar
}

func (st *state) str(n *node, d []byte, i int) (int, result) {
	end, simple, r := scanString(d, i)
	if r != rOK {
		return -1, r
	}
	if !n.tStr {
		return -1, rBad
	}
	if !n.checkLen && n.pattern == nil && n.strFormat == nil {
		return end, rOK
	}
	s := stringValue(d, i, end, simple)
	if n.checkLen {
		// kin-openapi's count (UTF-16 units, as it reckons them).
		length := uint64(0)
		for _, r := range s {
			if utf16.IsSurrogate(r) {
				length += 2
			} else {
				length++
			}
		}
		if n.minLen != 0 && length < n.minLen || n.maxLen != nil && length > *n.maxLen {
			return -1, rBad
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return -1, rBad
	}
	if n.strFormat != nil && n.strFormat.Validate(s) != nil {
		return -1, rBad
	}
	return end, rOK
}

func (st *state) number(n *node, d []byte, i int) (int, result) {
	end, r := scanNumber(d, i)
	if r != rOK {
		return -1, r
	}
	v, err := strconv.ParseFloat(unsafe.String(&d[i], end-i), 64)
	if err != nil {
		return -1, rBad // as json.Number.Float64 fails in kin-openapi
	}
	if n.requireInt {
		if v != math.Trunc(v) {
			return -1, rBad
		}
		if n.intFormat != nil && integerFormat(n.intFormat, v) != nil {
			return -1, rBad
		}
	} else {
		if !n.tInt && !n.tNum {
			return -1, rBad
		}
		if n.numFormat != nil && n.numFormat.Validate(v) != nil {
			return -1, rBad
		}
	}
	if n.exclMin != nil && !(v > *n.exclMin) || n.exclMax != nil && !(v < *n.exclMax) ||
		n.min != nil && !(*n.min <= v) || n.max != nil && !(*n.max >= v) {
		return -1, rBad
	}
	return end, rOK
}

// integerFormat is kin-openapi's validateIntegerFormat.
func integerFormat(f openapi3.IntegerFormatValidator, v float64) error {
	switch {
	case v == float64(math.MaxInt64):
		return f.Validate(math.MaxInt64)
	case v >= float64(math.MinInt64) && v < float64(math.MaxInt64):
		return f.Validate(int64(v))
	}
	return errOutOfRange
}

var errOutOfRange = fmt.Errorf("out of the int64 range")

func (st *state) array(n *node, d []byte, i int) (int, result) {
	if !n.tArr {
		return -1, rBad
	}
	if st.depth++; st.depth > maxDepth {
		return -1, rSyntax
	}
	end, r := st.arrayItems(n, d, i)
	st.depth--
	return end, r
}

func (st *state) arrayItems(n *node, d []byte, i int) (int, result) {
	i = skipWS(d, i+1)
	count := uint64(0)
	if i < len(d) && d[i] == ']' {
		i++
	} else {
		for {
			var e int
			var r result
			if n.items != nil {
				e, r = st.value(n.items, d, i)
			} else {
				e, r = st.skip(d, i)
			}
			if r != rOK {
				return -1, r
			}
			count++
			i = skipWS(d, e)
			if i >= len(d) {
				return -1, rSyntax
			}
			if d[i] == ']' {
				i++
				break
			}
			if d[i] != ',' {
				return -1, rSyntax
			}
			i = skipWS(d, i+1)
		}
	}
	if count < n.minItems || n.maxItems != nil && count > *n.maxItems {
		return -1, rBad
	}
	return i, rOK
}

func (st *state) object(n *node, d []byte, i int) (int, result) {
	if !n.tObj {
		return -1, rBad
	}
	if st.depth++; st.depth > maxDepth {
		return -1, rSyntax
	}
	base := len(st.members)
	end, r := st.objectMembers(n, d, i)
	st.members = st.members[:base]
	st.depth--
	return end, r
}

// objectMembers checks an object's members. Declared properties are tracked by their bits
// (seen, bad, null: the last member of a name decides, as in a decoded map); undeclared ones
// are kept on the members stack, compared by name at the end.
func (st *state) objectMembers(n *node, d []byte, i int) (int, result) {
	base := len(st.members)
	var seen, bad, null uint64
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		i++
	} else {
		for {
			if i >= len(d) || d[i] != '"' {
				return -1, rSyntax
			}
			kend, simple, r := scanString(d, i)
			if r != rOK {
				return -1, r
			}
			key := stringValue(d, i, kend, simple)
			i = skipWS(d, kend)
			if i >= len(d) || d[i] != ':' {
				return -1, rSyntax
			}
			i = skipWS(d, i+1)
			if i >= len(d) {
				return -1, rSyntax
			}
			p, known := n.props[key]
			vn := p.n
			if !known {
				if !n.addAllowed {
					return -1, rBad // a property additionalProperties: false forbids
				}
				vn = n.addSchema
			}
			var e int
			if vn != nil {
				e, r = st.value(vn, d, i)
			} else {
				e, r = st.skip(d, i)
			}
			isBad := false
			switch r {
			case rSyntax:
				return -1, rSyntax
			case rBad:
				// Not the verdict yet: a later member of the same name would replace this one.
				if e, r = st.skip(d, i); r != rOK {
					return -1, r
				}
				isBad = true
			}
			if known {
				seen |= p.bit
				bad, null = setBit(bad, p.bit, isBad), setBit(null, p.bit, d[i] == 'n')
			} else {
				st.members = append(st.members, member{key: key, isNull: d[i] == 'n', bad: isBad})
			}
			i = skipWS(d, e)
			if i >= len(d) {
				return -1, rSyntax
			}
			if d[i] == '}' {
				i++
				break
			}
			if d[i] != ',' {
				return -1, rSyntax
			}
			i = skipWS(d, i+1)
		}
	}
	if bad != 0 || n.forbidden&seen&^null != 0 || n.required&^seen != 0 {
		return -1, rBad
	}
	others := st.members[base:]
	distinct := uint64(bits.OnesCount64(seen))
	for j := range others {
		if lastOf(others, j) {
			distinct++
			if others[j].bad {
				return -1, rBad
			}
		}
	}
	if distinct < n.minProps || n.maxProps != nil && distinct > *n.maxProps {
		return -1, rBad
	}
	for _, k := range n.requiredOther {
		found := false
		for j := range others {
			if others[j].key == k {
				found = true
				break
			}
		}
		if !found {
			return -1, rBad
		}
	}
	return i, rOK
}

func setBit(mask, bit uint64, on bool) uint64 {
	if on {
		return mask | bit
	}
	return mask &^ bit
}

// lastOf reports whether no later member has the name of ms[j]: a decoded map keeps the
// last value of a name.
func lastOf(ms []member, j int) bool {
	for k := j + 1; k < len(ms); k++ {
		if ms[k].key == ms[j].key {
			return false
		}
	}
	return true
}

// skip reads past one JSON value, checking its grammar as encoding/json does.
func (st *state) skip(d []byte, i int) (int, result) {
	if i >= len(d) {
		return -1, rSyntax
	}
	switch c := d[i]; {
	case c == '"':
		end, _, r := scanString(d, i)
		return end, r
	case c == '{' || c == '[':
		k := seenKey{nil, i}
		if !st.memo {
			return st.skipContainer(d, i)
		}
		if v, ok := st.seen[k]; ok {
			return v.end, v.r
		}
		end, r := st.skipContainer(d, i)
		st.seen[k] = seenValue{end, r}
		return end, r

	case c == '-' || c >= '0' && c <= '9':
		return scanNumber(d, i)
	case c == 't':
		return literal(d, i, "true")
	case c == 'f':
		return literal(d, i, "false")
	case c == 'n':
		return literal(d, i, "null")
	}
	return -1, rSyntax
}

func (st *state) skipContainer(d []byte, i int) (int, result) {
	if st.depth++; st.depth > maxDepth {
		st.depth--
		return -1, rSyntax
	}
	var end int
	var r result
	if d[i] == '{' {
		end, r = st.skipMembers(d, i)
	} else {
		end, r = st.skipItems(d, i)
	}
	st.depth--
	return end, r
}

func (st *state) skipMembers(d []byte, i int) (int, result) {
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, rOK
	}
	for {
		if i >= len(d) || d[i] != '"' {
			return -1, rSyntax
		}
		e, _, r := scanString(d, i)
		if r != rOK {
			return -1, r
		}
		i = skipWS(d, e)
		if i >= len(d) || d[i] != ':' {
			return -1, rSyntax
		}
		if e, r = st.skip(d, skipWS(d, i+1)); r != rOK {
			return -1, r
		}
		i = skipWS(d, e)
		if i >= len(d) {
			return -1, rSyntax
		}
		if d[i] == '}' {
			return i + 1, rOK
		}
		if d[i] != ',' {
			return -1, rSyntax
		}
		i = skipWS(d, i+1)
	}
}

func (st *state) skipItems(d []byte, i int) (int, result) {
	i = skipWS(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, rOK
	}
	for {
		e, r := st.skip(d, i)
		if r != rOK {
			return -1, r
		}
		i = skipWS(d, e)
		if i >= len(d) {
			return -1, rSyntax
		}
		if d[i] == ']' {
			return i + 1, rOK
		}
		if d[i] != ',' {
			return -1, rSyntax
		}
		i = skipWS(d, i+1)
	}
}

func skipWS(d []byte, i int) int {
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func literal(d []byte, i int, lit string) (int, result) {
	if len(d)-i < len(lit) || string(d[i:i+len(lit)]) != lit {
		return -1, rSyntax
	}
	return i + len(lit), rOK
}

func literalIf(d []byte, i int, lit string, ok bool) (int, result) {
	end, r := literal(d, i, lit)
	if r == rOK && !ok {
		return -1, rBad
	}
	return end, r
}

// scanString reads past the string starting at d[i] (its opening quote). simple reports a
// string of printable ASCII without escapes: its bytes are its value.
func scanString(d []byte, i int) (end int, simple bool, r result) {
	simple = true
	for i++; i < len(d); i++ {
		if plain[d[i]] {
			continue
		}
		switch c := d[i]; {
		case c == '"':
			return i + 1, simple, rOK
		case c == '\\':
			simple = false
			i++
			if i >= len(d) {
				return -1, false, rSyntax
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(d)-i < 5 || !isHex(d[i+1]) || !isHex(d[i+2]) || !isHex(d[i+3]) || !isHex(d[i+4]) {
					return -1, false, rSyntax
				}
				i += 4
			default:
				return -1, false, rSyntax
			}
		case c < 0x20:
			return -1, false, rSyntax
		case c >= 0x80:
			simple = false
		}
	}
	return -1, false, rSyntax
}

// plain are the bytes a simple string holds as they are: printable ASCII but '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// stringValue is the string d[i:end] decodes to. A simple one aliases d (no copy: it lives
// as long as the check that reads it, and d does not change meanwhile); the others are
// decoded by encoding/json itself, which replaces invalid UTF-8 and lone surrogates as it
// does in any decode.
func stringValue(d []byte, i, end int, simple bool) string {
	if simple {
		if end-i == 2 {
			return ""
		}
		return unsafe.String(&d[i+1], end-i-2)
	}
	var s string
	if err := json.Unmarshal(d[i:end], &s); err != nil {
		panic("contract: a scanned string does not decode: " + err.Error()) // scanString's grammar is encoding/json's
	}
	return s
}

// scanNumber reads past the number starting at d[i], in JSON's grammar.
func scanNumber(d []byte, i int) (int, result) {
	if d[i] == '-' {
		i++
	}
	if i >= len(d) {
		return -1, rSyntax
	}
	switch {
	case d[i] == '0':
		i++
	case d[i] >= '1' && d[i] <= '9':
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	default:
		return -1, rSyntax
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || !isDigit(d[i]) {
			return -1, rSyntax
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			return -1, rSyntax
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	return i, rOK
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// asFloat is kin-openapi's jsonNumberAsFloat64, for the values a spec's enum holds.
func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int:
		return float64(v), true
	case int8:
		return float64(v), true
	case int16:
		return float64(v), true
	case int32:
		return float64(v), true
	case int64:
		return float64(v), true
	case uint:
		return float64(v), true
	case uint8:
		return float64(v), true
	case uint16:
		return float64(v), true
	case uint32:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}
