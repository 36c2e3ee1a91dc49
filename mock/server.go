package mock

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gorilla/mux"

	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/mock/productsup"
	"github.com/connectormock/connectormock/mock/versori"
	"github.com/connectormock/connectormock/openapi"
)

// vendors are the APIs every server mounts, in the order health and state report them. A new
// vendor is one more line here and one accessor below. prefixes are where the vendor's paths
// start: every path of its spec, and every path it serves outside its spec
// (vendorapi.RawRouter), starts with one of them, and each of them is used
// (TestVendorPrefixes); they are written out so that routing needs no spec a server does not
// serve. The first is the vendor's main prefix, the one health reports as Prefix.
var vendors = []struct {
	name     string
	prefixes []string
}{
	{productsup.Name, []string{"/connectors", "/builds", "/states", "/runs", "/metadata", "/organizations", "/defaults", "/logos"}},
	{conductorone.Name, []string{"/api/v1/apps", "/api/v1/connectorcatalog", "/api/v1/search/apps"}},
	{versori.Name, []string{"/api/connect/v1", "/.well-known/oauth-authorization-server"}},
}

// Server is one mock: every vendor's API on its native paths, over in-memory state seeded
// from one seed. It is an http.Handler; it listens nowhere by itself.
type Server struct {
	cfg     config
	auth    *authenticator
	slots   []*slot // the vendors served, in vendors' order
	admin   http.Handler
	journal *journal
	faults  faults
	// sandboxes are the isolated mocks under SandboxPrefix; nil in a sandbox (they do not nest).
	sandboxes *sandboxes
	// parent is the server a sandbox lives in; nil for the server itself.
	parent *Server
	// stateMu serialises Reset and SetState, and guards cfg.seed, which they change. Readers
	// of the whole state (State, a streamed GET /__admin/state) hold it for reading, so that
	// a slow client of the state holds up Reset and SetState, not Seed or sandbox creation.
	stateMu sync.RWMutex
}

// New builds a server. It fails if WithVendors names an unknown vendor, if WithInitialState's
// state does not fit the contracts, or (unless WithLazyLoading defers that to Load) if a spec
// cannot be loaded or a vendor does not implement every operation of its spec.
func New(opts ...Option) (*Server, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if err := checkVendorNames(cfg.vendors); err != nil {
		return nil, err
	}
	cfg.blobs = kit.NewByteBudget(cfg.maxBlobBytes) // the process's: its sandboxes take children
	s, err := newServer(cfg, newAuthenticator(cfg.principals))
	if err != nil {
		return nil, err
	}
	s.sandboxes = newSandboxes(s)
	return s, nil
}

// newServer builds a server from a checked config: New's, or a sandbox's (which shares its
// parent's authenticator, read-only).
func newServer(cfg config, auth *authenticator) (*Server, error) {
	s := &Server{cfg: cfg, auth: auth, journal: newJournal(cfg.journalSize)}
	s.faults.max = cfg.maxFaults
	vc := s.vendorConfig()
	for _, nv := range vendors {
		if len(cfg.vendors) > 0 && !slices.Contains(cfg.vendors, nv.name) {
			continue
		}
		s.slots = append(s.slots, &slot{name: nv.name, prefixes: nv.prefixes, build: func() (*mount, error) {
			v, err := vendorapi.New(nv.name, vc)
			if err != nil {
				return nil, fmt.Errorf("mock: %w", err)
			}
			m, err := newMount(s, v, nv.prefixes)
			if err != nil {
				return nil, fmt.Errorf("mock: %s: %w", nv.name, err)
			}
			return m, nil
		}})
	}
	if !cfg.lazy || cfg.initial != nil {
		// A state to start from is restored into every vendor now: a snapshot that does not
		// fit must stop New, not a later request.
		if err := s.Load(); err != nil {
			return nil, err
		}
	}
	if cfg.initial != nil {
		if err := s.SetState(*cfg.initial); err != nil {
			return nil, fmt.Errorf("mock: initial state: %w", err)
		}
	}
	s.admin = s.withInspector(s.adminGuard(http.HandlerFunc(s.adminAPI)))
	return s, nil
}

// slot is a vendor a server serves, built on first use (or by Load).
type slot struct {
	name     string
	prefixes []string
	build    func() (*mount, error)
	once     sync.Once
	m        *mount
	err      error
	// built is m once built: for readers that must not build it (the entity cap).
	built atomic.Pointer[mount]
}

func (sl *slot) get() (*mount, error) {
	sl.once.Do(func() {
		sl.m, sl.err = sl.build()
		if sl.err == nil {
			sl.built.Store(sl.m)
		}
	})
	return sl.m, sl.err
}

// family is the server and its sandboxes (from a sandbox: its parent and every sandbox of it):
// the servers of one process whose stores the entity cap counts together.
func (s *Server) family() []*Server {
	root := s
	if s.parent != nil {
		root = s.parent
	}
	out := []*Server{root}
	if ss := root.sandboxes; ss != nil {
		now := root.cfg.clock()
		ss.mu.Lock()
		for _, sb := range ss.byID {
			if !sb.expired(now, root.cfg.sandboxIdle) { // deleted already, for every client
				out = append(out, sb.srv)
			}
		}
		ss.mu.Unlock()
	}
	return out
}

// Load builds every vendor the server serves now: parses their specs (once per process, in
// parallel: start-up waits for the longest, not for their sum) and checks that each implements
// its spec. New calls it, unless WithLazyLoading: then each vendor is built by its first
// request, or by Load.
func (s *Server) Load() error {
	var wg sync.WaitGroup
	for _, sl := range s.slots {
		wg.Go(func() { _, _ = openapi.Load(sl.name) }) // errors are kept for get to report
	}
	wg.Wait()
	for _, sl := range s.slots {
		if _, err := sl.get(); err != nil {
			return err
		}
	}
	return nil
}

// loaded returns the built vendors, building those not built yet. Load or New has reported
// the error of a vendor that cannot be built; it is left out here.
func (s *Server) loaded() []*mount {
	out := make([]*mount, 0, len(s.slots))
	for _, sl := range s.slots {
		if m, err := sl.get(); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// routes is the top-level router every server shares: one named prefix route for the admin
// API and one per vendor. Its regexps compile once per process, not once per server (a test
// suite builds hundreds of servers); each server dispatches on the matched route's name.
var routes = sync.OnceValue(func() *mux.Router {
	r := mux.NewRouter()
	r.PathPrefix(AdminPrefix).Name(AdminPrefix)
	for _, v := range vendors {
		for _, p := range v.prefixes {
			r.PathPrefix(p).Name(v.name)
		}
	}
	return r
})

// ServeHTTP routes the request to the health endpoint, a sandbox, the admin API or its
// vendor. Paths are not cleaned: gorilla would answer an unclean path ("//", "/../") with a
// bodiless 301, where the vendor's own 404 is the truthful answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == HealthPath {
		s.serveHealth(w, r)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, SandboxPrefix+"/"); ok && s.sandboxes != nil {
		s.sandboxes.serve(w, r, rest)
		return
	}
	var match mux.RouteMatch
	if routes().Match(r, &match) && match.Route != nil {
		switch name := match.Route.GetName(); {
		case name == AdminPrefix && !s.cfg.noAdmin:
			s.admin.ServeHTTP(w, r)
			return
		case name == AdminPrefix:
		default:
			for _, sl := range s.slots {
				// gorilla's PathPrefix is a string prefix: "/connectorsfoo" is not a vendor path.
				if sl.name != name || !sl.serves(r.URL.Path) {
					continue
				}
				m, err := sl.get()
				if err != nil {
					kit.WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": "connectormock: " + err.Error()})
					return
				}
				if !s.cors(w, r, m) {
					m.ServeHTTP(w, r)
				}
				return
			}
		}
	}
	s.notFound(w, r)
}

// serves reports whether path lies under one of the slot's prefixes, on a segment boundary.
func (sl *slot) serves(path string) bool {
	for _, p := range sl.prefixes {
		if underPrefix(path, p) {
			return true
		}
	}
	return false
}

// VendorNames lists every vendor a server can serve, in the order it mounts them.
func VendorNames() []string {
	names := make([]string, len(vendors))
	for i, v := range vendors {
		names[i] = v.name
	}
	return names
}

func checkVendorNames(names []string) error {
	for _, n := range names {
		if !slices.Contains(VendorNames(), n) {
			return fmt.Errorf("mock: no vendor %q (vendors: %s)", n, strings.Join(VendorNames(), ", "))
		}
	}
	return nil
}

// Productsup is the Productsup CDE API of this server, for typed access to its state; nil
// when WithVendors left it out.
func (s *Server) Productsup() *productsup.API {
	v, _ := public(s.vendor(productsup.Name)).(*productsup.API)
	return v
}

// ConductorOne is the ConductorOne connector API of this server, for typed access to its state.
func (s *Server) ConductorOne() *conductorone.API {
	v, _ := public(s.vendor(conductorone.Name)).(*conductorone.API)
	return v
}

// Versori is the Versori Connect API of this server, for typed access to its state.
func (s *Server) Versori() *versori.API {
	v, _ := public(s.vendor(versori.Name)).(*versori.API)
	return v
}

// public is a vendor's typed API, or nil.
func public(v vendorapi.Vendor) any {
	if v == nil {
		return nil
	}
	return v.Public()
}

func (s *Server) vendor(name string) vendorapi.Vendor {
	for _, m := range s.loaded() {
		if m.vendor.Name() == name {
			return m.vendor
		}
	}
	return nil
}

// operation finds an operation of any vendor by its operationId.
func (s *Server) operation(id string) *openapi3.Operation {
	for _, m := range s.loaded() {
		if op := m.spec.Operations[id]; op != nil {
			return op
		}
	}
	return nil
}

// OperationIDs lists the operationId of every operation the server serves, all vendors
// together, sorted: the names the journal, faults, Prefer and mocktest's assertions use.
func (s *Server) OperationIDs() []string {
	var out []string
	for _, m := range s.loaded() {
		out = append(out, m.spec.OperationIDs...)
	}
	slices.Sort(out)
	return out
}

// Vendors names the mounted vendors.
func (s *Server) Vendors() []string {
	names := make([]string, len(s.slots))
	for i, sl := range s.slots {
		names[i] = sl.name
	}
	return names
}

// Seed is the seed the server's state was generated from.
func (s *Server) Seed() uint64 {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	return s.cfg.seed
}

// vendorConfig is what the vendors are (re)built from.
func (s *Server) vendorConfig() vendorapi.Config {
	return vendorapi.Config{Seed: s.cfg.seed, Connectors: s.cfg.connectors, Clock: s.cfg.clock, WorkDuration: s.cfg.workDuration, Blobs: s.cfg.blobs}
}

// notFound answers a path that belongs to no vendor. No vendor's shape fits, so it uses the
// plainest one they share: {"message": ...}.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	var prefixes []string
	for _, sl := range s.slots {
		prefixes = append(prefixes, sl.prefixes...)
	}
	slices.Sort(prefixes)
	msg := fmt.Sprintf("connectormock: no API is served at %s %s; vendor paths start with %s",
		r.Method, r.URL.Path, strings.Join(prefixes, ", "))
	kit.WriteJSON(w, http.StatusNotFound, map[string]string{"message": msg})
	s.record(r, "", "", http.StatusNotFound, time.Now(), errors.New(msg))
}
