package openapi

import (
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// pathTable routes requests to a spec's operations by comparing path segments, with exactly
// the answers of the spec's kin-openapi gorillamux router (same route, parameters and errors)
// but without its regular expressions, which were a tenth of a request's CPU time under load.
// The router tries each path's regexp in matching order; for a template whose segments are
// each literal or one whole "{name}", that regexp matches a path exactly when the path has as
// many "/"-separated segments, the literal ones equal (on the escaped path, as the router uses
// mux's UseEncodedPath) and the parameter ones not empty; a parameter's value is its escaped
// segment. TestPathTableMatchesRouter and FuzzPathTable hold the two routers to the same answers.
type pathTable struct {
	doc    *openapi3.T
	server *openapi3.Server
	paths  []pathTemplate // in the router's matching order
}

// pathTemplate is one path of the spec, under the base path.
type pathTemplate struct {
	path     string // the spec's key ("/connectors/{publicId}")
	item     *openapi3.PathItem
	segments []string // base path + path split at "/"; the first is always ""
	params   []string // the parameter's name by segment index; "" for a literal segment
	nparams  int
}

// newPathTable builds the table for a spec as package openapi loads it (servers reduced to
// the base path), or returns nil when a template has a shape it does not handle (a parameter
// with a pattern, or beside text in a segment): the spec's own router serves that spec.
func newPathTable(spec *Spec) *pathTable {
	t := &pathTable{doc: spec.Doc}
	switch servers := spec.Doc.Servers; {
	case len(servers) == 0 && spec.BasePath == "":
	case len(servers) == 1 && servers[0].URL == spec.BasePath && len(servers[0].Variables) == 0:
		t.server = servers[0]
	default:
		return nil
	}
	for _, path := range spec.Doc.Paths.InMatchingOrder() {
		item := spec.Doc.Paths.Value(path)
		if len(item.Servers) > 0 {
			return nil
		}
		p := pathTemplate{path: path, item: item, segments: strings.Split(spec.BasePath+path, "/")}
		p.params = make([]string, len(p.segments))
		for i, seg := range p.segments {
			if !strings.ContainsAny(seg, "{}") {
				continue
			}
			name, ok := strings.CutPrefix(seg, "{")
			if name, ok = strings.CutSuffix(name, "}"); !ok || name == "" || strings.ContainsAny(name, "{}:") {
				return nil
			}
			p.params[i], p.segments[i] = name, ""
			p.nparams++
		}
		if p.segments[0] != "" { // a template that does not start with "/"
			return nil
		}
		t.paths = append(t.paths, p)
	}
	return t
}

// FindRoute implements routers.Router.
func (t *pathTable) FindRoute(r *http.Request) (*routers.Route, map[string]string, error) {
	path := r.URL.EscapedPath()
	n := strings.Count(path, "/") + 1
	for i := range t.paths {
		p := &t.paths[i]
		if len(p.segments) != n || !p.matches(path) {
			continue
		}
		op := p.item.GetOperation(r.Method)
		if op == nil {
			return nil, nil, routers.ErrMethodNotAllowed
		}
		route := &routers.Route{Spec: t.doc, Server: t.server, Path: p.path, PathItem: p.item, Method: r.Method, Operation: op}
		return route, p.vars(path), nil
	}
	return nil, nil, routers.ErrPathNotFound
}

// matches reports whether path, of as many segments as the template, matches it.
func (p *pathTemplate) matches(path string) bool {
	for i, rest := 0, path; i < len(p.segments); i++ {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if p.params[i] == "" && seg != p.segments[i] || p.params[i] != "" && seg == "" {
			return false
		}
	}
	return true
}

// vars extracts the parameters of a matching path (never nil, as the router's).
func (p *pathTemplate) vars(path string) map[string]string {
	vars := make(map[string]string, p.nparams)
	for i, rest := 0, path; i < len(p.segments); i++ {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if p.params[i] != "" {
			vars[p.params[i]] = seg
		}
	}
	return vars
}
