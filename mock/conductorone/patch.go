package conductorone

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// patch is the connector of an Update request as it was sent: its JSON object, read member by
// member when a mask path asks for one. Nothing is decoded that no path copies, and nothing
// becomes a map: a mask copies a few fields from it to a typed connector (see
// updateMask.update).
//
// The request used to be decoded into a map[string]any, so patch keeps that map's reading of
// odd bodies: a member repeated is its last value; keys are matched exactly (a map has no
// case-insensitive lookup); a "connector" key repeated (or spelt "Connector", which
// encoding/json matches to the same field) merges the objects, and a null among them drops
// what came before.
type patch struct {
	objs [][]byte // the connector objects, in the order sent; none for no connector or null
	// invalid is a connector that is neither an object nor null (sent under a key the spec
	// does not know, such as "Connector": validation refuses it under "connector"). Decoding
	// into the map failed there; decodeUpdate reports that very error.
	invalid bool
}

// UnmarshalJSON keeps the object as sent; it never fails, so that decoding carries on as
// decoding into the map did (see decodeUpdate).
func (p *patch) UnmarshalJSON(data []byte) error {
	data = bytes.TrimLeft(data, " \t\r\n")
	switch {
	case string(data) == "null":
		p.objs = nil
	case len(data) > 0 && data[0] == '{':
		p.objs = append(p.objs, bytes.Clone(data)) // data is the decoder's, only lent
	default:
		p.invalid = true
	}
	return nil
}

// index sets vals to the raw value of each of the connector's fields in the request, by the
// field's position in root.sorted (nil: absent); a repeated member is its last value.
func (p *patch) index(root *field, vals [][]byte) {
	for _, obj := range p.objs {
		for it := objectMembers(obj); ; {
			key, val, ok := it.next()
			if !ok {
				break
			}
			if f := root.children[string(key)]; f != nil {
				vals[f.pos] = val
			}
		}
	}
}

// present reports a value a mask copies: sent, and not null (null clears, as absent does).
func present(raw []byte) bool { return raw != nil && string(raw) != "null" }

// isObject reports whether raw, a JSON value, is an object.
func isObject(raw []byte) bool {
	i := skipSpace(raw, 0)
	return i < len(raw) && raw[i] == '{'
}

// member returns the raw value of obj's member name (its last one), nil if obj has none or is
// not an object.
func member(obj []byte, name string) []byte {
	var out []byte
	for it := objectMembers(obj); ; {
		key, val, ok := it.next()
		if !ok {
			return out
		}
		if string(key) == name {
			out = val
		}
	}
}

// A small reader of JSON that is known to be valid (the request was decoded before it gets
// here): it finds the members of an object and the elements of an array without decoding
// anything else, and so allocates nothing. On anything that is not valid JSON it stops,
// yielding nothing more.

// members iterates over the members of a JSON object.
type members struct {
	b []byte
	i int
}

// objectMembers iterates over obj's members; none if obj is not an object.
func objectMembers(obj []byte) members {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return members{}
	}
	return members{b: obj, i: i + 1}
}

// next returns the next member: its key as encoding/json reads it (unescaped, invalid UTF-8
// replaced) and its raw value.
func (m *members) next() (key, val []byte, ok bool) {
	i := skipSpace(m.b, m.i)
	if i < len(m.b) && m.b[i] == ',' {
		i = skipSpace(m.b, i+1)
	}
	if i >= len(m.b) || m.b[i] != '"' {
		m.i = len(m.b)
		return nil, nil, false
	}
	end := skipString(m.b, i)
	quoted := m.b[i:end]
	i = skipSpace(m.b, end)
	if i >= len(m.b) || m.b[i] != ':' {
		m.i = len(m.b)
		return nil, nil, false
	}
	i = skipSpace(m.b, i+1)
	vend := skipValue(m.b, i)
	m.i = vend
	return unquote(quoted), m.b[i:vend], true
}

// elements iterates over the elements of a JSON array.
type elements struct {
	b []byte
	i int
}

// arrayElements iterates over arr's elements; ok is false if arr is not an array.
func arrayElements(arr []byte) (it elements, ok bool) {
	i := skipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return elements{}, false
	}
	return elements{b: arr, i: i + 1}, true
}

func (e *elements) next() (val []byte, ok bool) {
	i := skipSpace(e.b, e.i)
	if i < len(e.b) && e.b[i] == ',' {
		i = skipSpace(e.b, i+1)
	}
	if i >= len(e.b) || e.b[i] == ']' {
		e.i = len(e.b)
		return nil, false
	}
	end := skipValue(e.b, i)
	e.i = end
	return e.b[i:end], true
}

// unquote returns the text of a JSON string as encoding/json decodes it; nil if it is none.
func unquote(quoted []byte) []byte {
	if len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
		return nil
	}
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner // the common case: no escapes, nothing to replace
	}
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return nil
	}
	return []byte(s)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the end of the string that starts at b[i] (a quote).
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// skipValue returns the end of the value that starts at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	default: // a number, true, false or null
		j := i
		for j < len(b) && !delimiter(b[j]) {
			j++
		}
		return j
	}
}

// delimiter reports a byte that ends a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}
