package conductorone

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// connectorSchema is the spec's name of the connector message; its properties are the paths
// an update mask may name.
const connectorSchema = "c1.api.app.v1.Connector"

// field is one field of the connector message as an update mask sees it. The tree is read
// from the spec once per API, so mask paths can never drift from the contract.
type field struct {
	// readOnly fields are output only: readOnly in the spec, or messages all of whose fields
	// are (oauthAuthorizedAs).
	readOnly bool
	// immutable fields (id, appId) are taken from the path.
	immutable bool
	// children are the fields of a message; nil for scalars, lists and Any values, which a
	// mask can only name whole.
	children map[string]*field
}

// connectorFields builds the update mask's tree from the spec's connector schema.
func connectorFields(doc *openapi3.T) (*field, error) {
	ref := doc.Components.Schemas[connectorSchema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("conductorone: the spec has no schema %s", connectorSchema)
	}
	root := newField(ref.Value)
	// The identity fields: the vendor's schema does not mark them read-only, but the gateway
	// takes both from the request path, so the body cannot change them.
	for _, name := range [...]string{"id", "appId"} {
		f := root.children[name]
		if f == nil {
			return nil, fmt.Errorf("conductorone: schema %s has no property %s", connectorSchema, name)
		}
		f.immutable = true
	}
	return root, nil
}

func newField(s *openapi3.Schema) *field {
	f := &field{readOnly: s.ReadOnly}
	if !s.Type.Is(openapi3.TypeObject) || len(s.Properties) == 0 || freeForm(s) {
		return f
	}
	f.children = make(map[string]*field, len(s.Properties))
	allReadOnly := true
	for name, p := range s.Properties {
		c := newField(p.Value)
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

// mutable reports whether a mask may name the field.
func (f *field) mutable() bool { return !f.readOnly && !f.immutable }

// updateMask is a parsed google.protobuf.FieldMask.
type updateMask struct {
	// all is "*": every mutable field is replaced.
	all bool
	// paths are the named paths, split at their dots. With all false and no paths, the mask
	// is implicit: every field present in the request (AIP-134).
	paths [][]string
}

// parseMask reads a FieldMask in its JSON form: comma-separated camelCase paths, "" or nil for
// none. Blanks around a path are ignored. Every path must name a mutable field of the
// connector; the first that does not is the error.
func parseMask(root *field, s *string) (updateMask, error) {
	var m updateMask
	if s == nil || strings.TrimSpace(*s) == "" {
		return m, nil
	}
	raw := strings.Split(*s, ",")
	for _, p := range raw {
		p = strings.TrimSpace(p)
		if p == "*" {
			if len(raw) > 1 {
				return updateMask{}, &MaskError{Path: p, Reason: reasonStarAlone}
			}
			m.all = true
			continue
		}
		segs, err := resolve(root, p)
		if err != nil {
			return updateMask{}, err
		}
		m.paths = append(m.paths, segs)
	}
	return m, nil
}

// resolve checks one path against the tree.
func resolve(root *field, path string) ([]string, error) {
	segs := strings.Split(path, ".")
	node := root
	for _, seg := range segs {
		if node.children == nil {
			return nil, &MaskError{Path: path, Reason: reasonBelowLeaf}
		}
		child := node.children[seg]
		switch {
		case child == nil:
			return nil, &MaskError{Path: path, Reason: reasonUnknownField}
		case child.immutable:
			return nil, &MaskError{Path: path, Reason: reasonImmutable}
		case child.readOnly:
			return nil, &MaskError{Path: path, Reason: reasonOutputOnly}
		}
		node = child
	}
	return segs, nil
}

// apply copies the fields the mask names from src (the request's connector) to dst (the
// stored one, as JSON): a named field that src lacks or sets to null is cleared.
func (m updateMask) apply(root *field, dst, src map[string]any) {
	paths := m.paths
	switch {
	case m.all:
		for name, f := range root.children {
			if f.mutable() {
				paths = append(paths, []string{name})
			}
		}
	case len(paths) == 0:
		paths = present(root, src, nil)
	}
	for _, p := range paths {
		if v, ok := lookup(src, p); ok && v != nil {
			set(dst, p, v)
		} else {
			unset(dst, p)
		}
	}
}

// present is the implicit mask of src: the paths of the leaves it sets (not to null), inside
// messages too, as grpc-gateway derives a mask from a JSON body. Read-only, immutable and
// unknown fields are left out: the gateway ignores them.
func present(node *field, src map[string]any, prefix []string) [][]string {
	var out [][]string
	for _, name := range sortedKeys(src) {
		f, v := node.children[name], src[name]
		if f == nil || !f.mutable() || v == nil {
			continue
		}
		path := append(slices.Clone(prefix), name)
		if obj, ok := v.(map[string]any); ok && f.children != nil {
			out = append(out, present(f, obj, path)...)
			continue
		}
		out = append(out, path)
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func lookup(m map[string]any, path []string) (any, bool) {
	var v any = m
	for _, seg := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

func set(m map[string]any, path []string, v any) {
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[seg] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func unset(m map[string]any, path []string) {
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
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
