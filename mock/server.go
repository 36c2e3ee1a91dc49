package mock

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/connectormock/connectormock/mock/productsup"
	"github.com/connectormock/connectormock/mock/vendorapi"
	"github.com/connectormock/connectormock/mock/versori"
)

// vendors are the APIs every server mounts, in the order health and state report them. A new
// vendor is one more line here and one accessor below.
var vendors = []func(vendorapi.Config) (vendorapi.Vendor, error){
	func(c vendorapi.Config) (vendorapi.Vendor, error) { return productsup.New(c) },
	func(c vendorapi.Config) (vendorapi.Vendor, error) { return versori.New(c) },
}

// Server is one mock: every vendor's API on its native paths, over in-memory state seeded
// from one seed. It is an http.Handler; it listens nowhere by itself.
type Server struct {
	cfg     config
	auth    *authenticator
	mounts  []*mount
	handler http.Handler
}

// New builds a server. It fails only if a spec cannot be loaded or a vendor does not implement
// every operation of its spec.
func New(opts ...Option) (*Server, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{cfg: cfg, auth: newAuthenticator(cfg.principals)}
	vc := vendorapi.Config{Seed: cfg.seed, Connectors: cfg.connectors, Clock: cfg.clock}
	router := mux.NewRouter()
	router.NotFoundHandler = http.HandlerFunc(s.notFound)
	router.MethodNotAllowedHandler = router.NotFoundHandler
	for _, newVendor := range vendors {
		v, err := newVendor(vc)
		if err != nil {
			return nil, fmt.Errorf("mock: %w", err)
		}
		m, err := newMount(s, v)
		if err != nil {
			return nil, fmt.Errorf("mock: %s: %w", v.Name(), err)
		}
		s.mounts = append(s.mounts, m)
		router.PathPrefix(m.prefix).Handler(m)
	}
	s.handler = router
	return s, nil
}

// ServeHTTP routes the request to its vendor.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Productsup is the Productsup CDE API of this server, for typed access to its state.
func (s *Server) Productsup() *productsup.API {
	return s.vendor(productsup.Name).(*productsup.API)
}

// Versori is the Versori Connect API of this server, for typed access to its state.
func (s *Server) Versori() *versori.API {
	return s.vendor(versori.Name).(*versori.API)
}

func (s *Server) vendor(name string) vendorapi.Vendor {
	for _, m := range s.mounts {
		if m.vendor.Name() == name {
			return m.vendor
		}
	}
	panic("mock: no vendor " + name) // every vendor is always mounted
}

// Vendors names the mounted vendors.
func (s *Server) Vendors() []string {
	names := make([]string, len(s.mounts))
	for i, m := range s.mounts {
		names[i] = m.vendor.Name()
	}
	return names
}

// Seed is the seed the server's state was generated from.
func (s *Server) Seed() uint64 { return s.cfg.seed }

// notFound answers a path that belongs to no vendor. No vendor's shape fits, so it uses the
// plainest one they share: {"message": ...}.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	prefixes := make([]string, len(s.mounts))
	for i, m := range s.mounts {
		prefixes[i] = m.prefix
	}
	slices.Sort(prefixes)
	vendorapi.WriteJSON(w, http.StatusNotFound, map[string]string{
		"message": fmt.Sprintf("connectormock: no API is served at %s %s; vendor paths start with %s",
			r.Method, r.URL.Path, strings.Join(prefixes, ", ")),
	})
}
