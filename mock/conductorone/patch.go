package conductorone

import (
	"bytes"

	"github.com/connectormock/connectormock/mock/internal/kit"
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
	// one is the connector object when it is the only one (readUpdate's case, without a
	// slice to hold it); objs is empty then.
	one []byte
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
	if p.one != nil {
		indexObject(root, vals, p.one)
	}
	for _, obj := range p.objs {
		indexObject(root, vals, obj)
	}
}

func indexObject(root *field, vals [][]byte, obj []byte) {
	for it := kit.ObjectMembers(obj); ; {
		key, val, ok := it.Next()
		if !ok {
			return
		}
		if f := root.children[string(key)]; f != nil {
			vals[f.pos] = val
		}
	}
}

// present reports a value a mask copies: sent, and not null (null clears, as absent does).
func present(raw []byte) bool { return raw != nil && string(raw) != "null" }

// member returns the raw value of obj's member name (its last one), nil if obj has none or is
// not an object.
func member(obj []byte, name string) []byte {
	var out []byte
	for it := kit.ObjectMembers(obj); ; {
		key, val, ok := it.Next()
		if !ok {
			return out
		}
		if string(key) == name {
			out = val
		}
	}
}
