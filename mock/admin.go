package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// AdminPrefix is where the admin API lives, WireMock's convention.
const AdminPrefix = "/__admin"

// Health is what GET /__admin/health answers.
type Health struct {
	// Status is always "ready". Health builds every vendor not built yet (see Load), so with
	// WithLazyLoading it waits for their specs to load and answers once they have; a vendor
	// whose spec fails to load is left out of Vendors (Load returns the error, and the
	// vendor's requests answer 500).
	Status  string         `json:"status"`
	Seed    uint64         `json:"seed"`
	Vendors []VendorHealth `json:"vendors"`
}

// VendorHealth describes one mounted vendor.
type VendorHealth struct {
	Name string `json:"name"`
	// Prefix is where the vendor's main paths start; Prefixes lists every path prefix the
	// vendor serves (its spec's, and the files and endpoints it serves outside its spec).
	Prefix   string         `json:"prefix"`
	Prefixes []string       `json:"prefixes"`
	Spec     string         `json:"spec"`
	Counts   map[string]int `json:"counts"`
}

// State is every store of a server: what GET /__admin/state answers and PUT restores.
type State struct {
	Seed    uint64                     `json:"seed"`
	Vendors map[string]json.RawMessage `json:"vendors"`
}

// Health reports the server's vendors and how much each stores.
func (s *Server) Health() Health {
	h := Health{Status: "ready", Seed: s.Seed()}
	for _, m := range s.loaded() {
		h.Vendors = append(h.Vendors, VendorHealth{Name: m.vendor.Name(), Prefix: m.prefixes[0], Prefixes: m.prefixes, Spec: m.spec.File, Counts: m.vendor.Counts()})
	}
	return h
}

// Reset puts every store back to its seeded state, with a new seed unless seed is 0, and
// empties the journal and the scripted faults.
func (s *Server) Reset(seed uint64) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if seed != 0 {
		s.cfg.seed = seed
	}
	vc := s.vendorConfig()
	for _, m := range s.loaded() {
		m.vendor.Reset(vc)
	}
	s.journal.clear()
	s.faults.clear()
}

// State returns a snapshot of every store. SetState(State()) changes nothing.
func (s *Server) State() (State, error) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.state()
}

func (s *Server) state() (State, error) {
	st := State{Seed: s.cfg.seed, Vendors: map[string]json.RawMessage{}}
	for _, m := range s.loaded() {
		snap, err := m.vendor.Snapshot()
		if err != nil {
			return State{}, fmt.Errorf("%s: %w", m.vendor.Name(), err)
		}
		st.Vendors[m.vendor.Name()] = snap
	}
	return st, nil
}

// SetState restores a snapshot taken by State. Every vendor of the server must be in it; if
// one vendor's part is refused, every store is left as it was.
func (s *Server) SetState(st State) error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	mounts := s.loaded()
	for _, m := range mounts {
		if _, ok := st.Vendors[m.vendor.Name()]; !ok {
			return fmt.Errorf("state has no vendor %q", m.vendor.Name())
		}
	}
	for name := range st.Vendors {
		if s.vendor(name) == nil {
			return fmt.Errorf("state names vendor %q, which this server does not serve (%s)", name, strings.Join(s.Vendors(), ", "))
		}
	}
	before, err := s.state()
	if err != nil {
		return err
	}
	for i, m := range mounts {
		if err := m.vendor.Restore(st.Vendors[m.vendor.Name()]); err != nil {
			for _, done := range mounts[:i] {
				_ = done.vendor.Restore(before.Vendors[done.vendor.Name()]) // its own snapshot: cannot fail
			}
			return err
		}
	}
	if st.Seed != 0 {
		s.cfg.seed = st.Seed
	}
	return nil
}

// adminAPI serves the admin API. Its paths are fixed, so one handler dispatches them with a
// switch: a gorilla route each would compile a regexp per server.
func (s *Server) adminAPI(w http.ResponseWriter, r *http.Request) {
	type methods map[string]http.HandlerFunc
	var ms methods
	path := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, AdminPrefix), "/")
	if rest, ok := strings.CutPrefix(path, "/vendors/"); ok {
		s.adminVendor(w, r, rest)
		return
	}
	switch path {
	case "/health":
		ms = methods{"GET": func(w http.ResponseWriter, _ *http.Request) { kit.WriteJSON(w, http.StatusOK, s.Health()) }}
	case "/reset":
		ms = methods{"POST": s.adminReset}
	case "/state":
		ms = methods{"GET": s.adminGetState, "PUT": s.adminPutState}
	case "/requests":
		ms = methods{
			"GET": s.adminRequests,
			"DELETE": func(w http.ResponseWriter, _ *http.Request) {
				s.ClearRequests()
				w.WriteHeader(http.StatusNoContent)
			},
		}
	case "/operations":
		ms = methods{"GET": func(w http.ResponseWriter, _ *http.Request) {
			kit.WriteJSON(w, http.StatusOK, map[string]any{"operations": s.Operations()})
		}}
	case "/work/complete":
		ms = methods{"POST": func(w http.ResponseWriter, _ *http.Request) {
			kit.WriteJSON(w, http.StatusOK, map[string]int{"completed": s.CompleteWork()})
		}}
	case "/faults":
		ms = methods{
			"GET": func(w http.ResponseWriter, _ *http.Request) {
				kit.WriteJSON(w, http.StatusOK, map[string]any{"faults": s.Faults()})
			},
			"POST": s.adminAddFault,
			"DELETE": func(w http.ResponseWriter, _ *http.Request) {
				s.ClearFaults()
				w.WriteHeader(http.StatusNoContent)
			},
		}
	default:
		adminError(w, http.StatusNotFound, "no admin endpoint "+r.URL.Path+"; see "+AdminPrefix+"/health, /reset, /state, /requests, /faults, /operations, /work/complete, /vendors/<name>/..., /ui/")
		return
	}
	h, ok := ms[r.Method]
	if !ok {
		w.Header().Set("Allow", strings.Join(sortedKeys(ms), ", "))
		adminError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
		return
	}
	h(w, r)
}

// CompleteWork completes every vendor's pending background work now (syncs, builds, ...), as
// if the mock's clock had reached its end, and returns how many pieces it completed.
func (s *Server) CompleteWork() int {
	n := 0
	for _, m := range s.loaded() {
		if w, ok := m.vendor.(vendorapi.Worker); ok {
			n += w.CompleteWork()
		}
	}
	return n
}

// adminVendor serves /__admin/vendors/<name>/<rest> with the vendor's own admin endpoints.
func (s *Server) adminVendor(w http.ResponseWriter, r *http.Request, rest string) {
	name, sub, _ := strings.Cut(rest, "/")
	for _, m := range s.loaded() {
		if m.vendor.Name() != name {
			continue
		}
		ar, ok := m.vendor.(vendorapi.AdminRouter)
		if !ok {
			break
		}
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = "/"+sub, ""
		r2.URL = &u
		ar.AdminHandler().ServeHTTP(w, r2)
		return
	}
	adminError(w, http.StatusNotFound, "no admin endpoints for vendor "+strconv.Quote(name))
}

// adminGuard refuses admin calls without the admin token, when one is set.
func (s *Server) adminGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.cfg.adminToken; tok != "" && r.Header.Get("Authorization") != "Bearer "+tok {
			adminError(w, http.StatusUnauthorized, "the admin API needs Authorization: Bearer <admin token>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Seed uint64 `json:"seed"`
	}
	if err := decodeAdmin(r, &in, true); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.Reset(in.Seed)
	kit.WriteJSON(w, http.StatusOK, s.Health())
}

func (s *Server) adminGetState(w http.ResponseWriter, _ *http.Request) {
	st, err := s.State()
	if err != nil {
		adminError(w, http.StatusInternalServerError, err.Error())
		return
	}
	kit.WriteJSON(w, http.StatusOK, st)
}

func (s *Server) adminPutState(w http.ResponseWriter, r *http.Request) {
	var st State
	if err := decodeAdmin(r, &st, false); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.SetState(st); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.adminGetState(w, r)
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if err := decodeAdmin(r, &f, false); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.AddFault(f); err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	if f.Count == 0 {
		f.Count = 1 // as AddFault stored it
	}
	kit.WriteJSON(w, http.StatusCreated, f)
}

// decodeAdmin reads a JSON body (bounded like every body); an empty one is allowed when
// optional.
func decodeAdmin(r *http.Request, v any, optional bool) error {
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("cannot read body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if optional {
			return nil
		}
		return errors.New("a JSON body is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %v", err)
	}
	return nil
}

// adminError is the admin API's one error shape.
func adminError(w http.ResponseWriter, status int, msg string) {
	kit.WriteJSON(w, status, map[string]string{"error": msg})
}
