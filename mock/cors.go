package mock

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// corsMaxAge is how long a browser may cache a preflight's answer, in seconds: long enough
// that a page does not preflight every call, short enough that a changed server is seen soon.
const corsMaxAge = "600"

// corsHeaders are a vendor's CORS header lists, computed once per spec.
type corsHeaders struct {
	allow  []string // request headers a page may send, canonical
	expose string   // response headers a page may read, besides the safelisted ones
}

var corsBySpec sync.Map // *openapi.Spec -> *corsHeaders

// corsFor lists what a page calling the vendor may send and read: Authorization,
// Content-Type and Prefer (the mock's own control header) and every header parameter of the
// spec; Allow, Content-Disposition, Location, Retry-After and every response header the spec
// documents.
func corsFor(spec *openapi.Spec) *corsHeaders {
	if c, ok := corsBySpec.Load(spec); ok {
		return c.(*corsHeaders)
	}
	allow := []string{"Authorization", "Content-Type", "Prefer"}
	expose := []string{"Allow", "Content-Disposition", "Location", "Retry-After"}
	add := func(list *[]string, name string) {
		if name = http.CanonicalHeaderKey(name); !slices.Contains(*list, name) {
			*list = append(*list, name)
		}
	}
	for _, id := range spec.OperationIDs {
		op := spec.Operations[id]
		for _, p := range op.Parameters {
			if p.Value != nil && p.Value.In == "header" {
				add(&allow, p.Value.Name)
			}
		}
		for _, resp := range op.Responses.Map() {
			if resp.Value == nil {
				continue
			}
			for name := range resp.Value.Headers {
				add(&expose, name)
			}
		}
	}
	slices.Sort(expose[4:])
	c, _ := corsBySpec.LoadOrStore(spec, &corsHeaders{allow: allow, expose: strings.Join(expose, ", ")})
	return c.(*corsHeaders)
}

// corsAllowed reports whether a page of origin may call the vendor APIs.
func (s *Server) corsAllowed(origin string) bool {
	return len(s.cfg.corsOrigins) == 0 || slices.Contains(s.cfg.corsOrigins, "*") ||
		slices.Contains(s.cfg.corsOrigins, strings.TrimSuffix(origin, "/"))
}

// cors applies CORS to a request for the vendor m, before the vendor sees it. A call from a
// browser page of an allowed origin gets Access-Control-Allow-Origin and the headers it may
// read; a preflight is answered here and reported as such: it never reaches routing,
// authentication or validation, and is journaled as a preflight, not as an unmatched
// request.
func (s *Server) cors(w http.ResponseWriter, r *http.Request, m *mount) (answered bool) {
	origin := r.Header.Get("Origin")
	if s.cfg.corsOff || origin == "" {
		return false
	}
	allowed := s.corsAllowed(origin)
	h := w.Header()
	if allowed {
		if len(s.cfg.corsOrigins) == 0 || slices.Contains(s.cfg.corsOrigins, "*") {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
		}
	}
	method := r.Header.Get("Access-Control-Request-Method")
	if r.Method != http.MethodOptions || method == "" {
		if allowed {
			h.Set("Access-Control-Expose-Headers", corsFor(m.spec).expose)
		}
		return false
	}
	start := time.Now()
	status, why := http.StatusNoContent, ""
	if allowed {
		c := corsFor(m.spec)
		methods := m.corsMethods(r, method)
		h.Set("Access-Control-Allow-Methods", strings.Join(methods, ", "))
		h.Set("Access-Control-Allow-Headers", strings.Join(c.allow, ", "))
		h.Set("Access-Control-Max-Age", corsMaxAge)
		switch refused := refusedHeaders(r, c.allow); {
		case !slices.Contains(methods, method):
			why = fmt.Sprintf("CORS: %s is not a method of %s (methods: %s)", method, r.URL.Path, strings.Join(methods, ", "))
		case len(refused) > 0:
			why = fmt.Sprintf("CORS: request headers %s are not allowed (allowed: %s)", strings.Join(refused, ", "), strings.Join(c.allow, ", "))
		}
	} else {
		status = http.StatusForbidden
		why = fmt.Sprintf("CORS: origin %s is not allowed (allowed: %s)", origin, strings.Join(s.cfg.corsOrigins, ", "))
	}
	w.WriteHeader(status)
	var err error
	if why != "" {
		err = corsRefusal(why)
	}
	m.log(r, &vendorapi.Call{}, status, start, err)
	if s.journal.size > 0 {
		e := s.entry(r, m.vendor.Name(), "", status, start, err)
		e.Preflight = true
		s.journal.add(e, nil)
	}
	return true
}

// corsRefusal says why a browser will refuse a preflight's answer.
type corsRefusal string

func (e corsRefusal) Error() string { return string(e) }

// corsMethods are the methods a preflight for the request's path allows: those the spec
// defines for the path. A path the vendor serves outside its spec (a download URL), or one no
// operation matches, allows the method asked for, so that the call itself is sent and
// answered by the vendor (with its own 404 for an unknown path), which a page can read and
// the journal shows, where a refused preflight would only be a browser's CORS error.
func (m *mount) corsMethods(r *http.Request, asked string) []string {
	for _, rt := range m.raw {
		if underPrefix(r.URL.Path, rt.Prefix) {
			return []string{strings.ToUpper(asked)}
		}
	}
	if methods := m.allowed(r); len(methods) > 0 {
		return methods
	}
	return []string{strings.ToUpper(asked)}
}

// refusedHeaders lists the headers a preflight asks for that are not allowed.
func refusedHeaders(r *http.Request, allow []string) []string {
	var out []string
	for _, line := range r.Header.Values("Access-Control-Request-Headers") {
		for _, name := range strings.Split(line, ",") {
			if name = http.CanonicalHeaderKey(strings.TrimSpace(name)); name != "" && !slices.Contains(allow, name) {
				out = append(out, name)
			}
		}
	}
	return out
}
