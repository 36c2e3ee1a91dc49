package mock

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
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

// HealthPath is the health endpoint: GET answers 200 {"status": "ready"} once every vendor is
// built. It needs no token, holds no vendor data and is served with the admin API switched
// off, so that a container's health check passes however the admin API is guarded.
const HealthPath = "/__health"

// serveHealth answers HealthPath. It is not journaled: a probe every few seconds would push the
// requests of the test under way out of the journal.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		kit.WriteJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": r.Method + " is not allowed on " + HealthPath})
		return
	}
	if err := s.Load(); err != nil {
		kit.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "failing", "message": err.Error()})
		return
	}
	kit.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// Health reports the server's vendors and how much each stores.
func (s *Server) Health() Health {
	h := Health{Status: "ready", Seed: s.Seed()}
	for _, m := range s.loaded() {
		h.Vendors = append(h.Vendors, VendorHealth{Name: m.vendor.Name(), Prefix: m.prefixes[0], Prefixes: m.prefixes, Spec: m.spec.File, Counts: m.vendor.Counts()})
	}
	return h
}

// Reset puts every store back to its starting state and empties the journal and the scripted
// faults. With seed 0 that is the state the server started from (WithInitialState's, else the
// seeded state of its seed); another seed reseeds every store from it instead.
func (s *Server) Reset(seed uint64) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	if seed == 0 && s.cfg.initial != nil {
		// It was restored once when the server started, so it fits: it cannot fail now.
		if err := s.setState(*s.cfg.initial); err != nil {
			panic("mock: the initial state, restored at start, is refused now: " + err.Error())
		}
	} else {
		if seed != 0 {
			s.cfg.seed = seed
		}
		vc := s.vendorConfig()
		for _, m := range s.loaded() {
			m.vendor.Reset(vc)
		}
	}
	s.journal.clear()
	s.faults.clear()
}

// State returns a snapshot of every store. SetState(State()) changes nothing.
func (s *Server) State() (State, error) {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
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
// one vendor's part is refused, every store is left as it was. A state that would take a
// vendor's entities, counted over the server and its sandboxes, past WithMaxEntities is refused
// with ErrEntityLimit (wrapped) and changes nothing, unless it holds no more of that vendor's
// entities than the server holds now (a state may always be put back).
func (s *Server) SetState(st State) error {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	return s.setStateCapped(st)
}

// setStateCapped is setState held to the entity cap. The state is restored first and counted
// after, by the vendors' own Counts (a state's count is only known once it is read), and put
// back when it passes the cap: the caller holds stateMu, so no request of this server sees it
// in between (requests of other sandboxes may count it for that moment, and be refused as at a
// full cap).
func (s *Server) setStateCapped(st State) error {
	limit := s.cfg.maxEntities
	if limit <= 0 {
		return s.setState(st)
	}
	before, err := s.state()
	if err != nil {
		return err
	}
	own := func(m *mount) int {
		n := 0
		for _, c := range m.vendor.Counts() {
			n += c
		}
		return n
	}
	mounts := s.loaded()
	had := make([]int, len(mounts))
	for i, m := range mounts {
		had[i] = own(m)
	}
	seed := s.cfg.seed
	if err := s.setState(st); err != nil {
		return err
	}
	for i, m := range mounts {
		name := m.vendor.Name()
		now := own(m)
		if total := s.entities(name); total > limit && now > had[i] {
			for _, done := range mounts {
				_ = done.vendor.Restore(before.Vendors[done.vendor.Name()]) // its own snapshot: cannot fail
			}
			s.cfg.seed = seed
			return fmt.Errorf("%w: the state holds %d %s entities; with the %d the mock holds besides (sandboxes included), that passes the limit (-max-entities %d); nothing changed",
				ErrEntityLimit, now, name, total-now, limit)
		}
	}
	return nil
}

func (s *Server) setState(st State) error {
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
	if id, ok := strings.CutPrefix(path, "/sandboxes/"); ok && s.sandboxes != nil {
		ms = methods{
			"GET": func(w http.ResponseWriter, r *http.Request) {
				for _, sb := range s.Sandboxes() {
					if sb.ID == id {
						sb.URL = vendorapi.BaseURL(r) + SandboxPrefix + "/" + sb.ID
						kit.WriteJSON(w, http.StatusOK, sb)
						return
					}
				}
				adminError(w, http.StatusNotFound, fmt.Sprintf("%v %q", ErrNoSandbox, id))
			},
			"DELETE": func(w http.ResponseWriter, _ *http.Request) {
				if !s.DeleteSandbox(id) {
					adminError(w, http.StatusNotFound, fmt.Sprintf("%v %q (deleted already, or expired)", ErrNoSandbox, id))
					return
				}
				w.WriteHeader(http.StatusNoContent)
			},
		}
		path = "/sandboxes/{id}"
	}
	switch path {
	case "/sandboxes/{id}":
	case "/sandboxes":
		if s.sandboxes == nil {
			adminError(w, http.StatusNotFound, "sandboxes do not nest: create one on the server itself, at "+AdminPrefix+"/sandboxes")
			return
		}
		ms = methods{"GET": s.adminListSandboxes, "POST": s.adminCreateSandbox}
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
		adminError(w, http.StatusNotFound, "no admin endpoint "+r.URL.Path+"; see "+AdminPrefix+"/health, /reset, /state, /requests, /faults, /operations, /sandboxes, /work/complete, /vendors/<name>/..., /ui/")
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

// adminGuard refuses admin calls without the admin token, when one is set, and the calls a
// browser can be made to send against the user's will (see browserRefusal).
func (s *Server) adminGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.cfg.adminToken; tok != "" && r.Header.Get("Authorization") != "Bearer "+tok {
			adminError(w, http.StatusUnauthorized, "the admin API needs Authorization: Bearer <admin token>")
			return
		}
		if status, msg := s.browserRefusal(r); status != 0 {
			adminError(w, status, msg)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// browserRefusal is why an admin call is refused as one a web page may have sent against the
// user's will, with its status; 0 when it is not. A page the developer opens can post a form
// or a no-cors fetch to a loopback port, or rebind its own DNS name to the mock's address and
// then call the mock as its "own" origin:
//   - a write (POST, PUT, PATCH) must say Content-Type: application/json, which a form or a
//     no-cors fetch cannot send, and a cross-origin fetch can only send after a CORS preflight
//     the mock never grants (415 otherwise); only a write with neither body nor type passes
//     without it;
//   - an Origin header must be the server's own origin (browsers send it on every
//     cross-origin request and on every write), so a page of another origin is refused (403);
//   - the Host must be a name DNS rebinding cannot supply (403): DNS rebinding keeps the
//     attacker's name in Host, and that is a dotted public name (evil.example). So, on any
//     listener, a dotted DNS name is refused unless it is localhost, under .localhost, or one
//     of WithAdminHosts; IP literals and single-label names (a compose service name such as
//     connectormock) pass. A mock in a container listens on 0.0.0.0 and sees the connection
//     arrive on its own interface even when the browser reached a port published on the host's
//     loopback, so the rule cannot depend on the listener. On a loopback listener, where no
//     other machine's name can be meant, only loopback names (and WithAdminHosts) pass. A
//     request handed to ServeHTTP without a connection (a Go test) came from no browser.
func (s *Server) browserRefusal(r *http.Request) (int, string) {
	if !s.adminHostAllowed(r) {
		return http.StatusForbidden, fmt.Sprintf("the admin API answers only localhost names, IP addresses, single-label names and the names given by -admin-hosts in Host, not %q: a web page may be using DNS rebinding (list the name in -admin-hosts if it is yours)", r.Host)
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != ownOrigin(r) {
		return http.StatusForbidden, fmt.Sprintf("the admin API refuses requests from another origin (Origin %q, this server is %q): a web page may not drive the mock", origin, ownOrigin(r))
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		ct := r.Header.Get("Content-Type")
		if ct == "" && r.ContentLength == 0 {
			// No body and no type (curl -X POST .../reset): a page cannot send that
			// unnoticed; a form names its type, and a fetch from another origin sends
			// Origin, refused above.
			break
		}
		if !isJSON(ct) {
			return http.StatusUnsupportedMediaType, fmt.Sprintf("admin %s calls need Content-Type: application/json (got %q): a web page cannot send it unasked", r.Method, r.Header.Get("Content-Type"))
		}
	}
	return 0, ""
}

// ownOrigin is the origin a page served by this server would have, as the client reached it.
func ownOrigin(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

func isLoopbackAddr(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.IsLoopback()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminHostAllowed applies browserRefusal's Host rule.
func (s *Server) adminHostAllowed(r *http.Request) bool {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return true // handed to ServeHTTP in the process (a Go test): no browser sent it
	}
	host := hostName(r.Host)
	if isLoopbackHost(host) || slices.Contains(s.cfg.adminHosts, host) {
		return true
	}
	if isLoopbackAddr(local) {
		return false
	}
	return net.ParseIP(host) != nil || !strings.Contains(host, ".")
}

// hostName is a Host header's name, lower case, without port, brackets or a final dot.
func hostName(hostport string) string {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	return strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
}

// isLoopbackHost reports whether a Host header names this machine by a name DNS cannot
// rebind: localhost and names under .localhost (RFC 6761: resolved locally), loopback IPs.
func isLoopbackHost(hostport string) bool {
	host := hostName(hostport)
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Seed uint64 `json:"seed"`
	}
	if status, err := s.decodeAdmin(r, &in, true); err != nil {
		adminError(w, status, err.Error())
		return
	}
	s.Reset(in.Seed)
	kit.WriteJSON(w, http.StatusOK, s.Health())
}

// adminGetState streams the state: one vendor's snapshot in memory at a time, never the
// whole state's body (see writeState).
func (s *Server) adminGetState(w http.ResponseWriter, _ *http.Request) {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if err := s.writeState(w); err != nil {
		// The status is out: cutting the connection is the only way left to say that the
		// body is not whole (a client sees a truncated answer, never a short valid one).
		panic(http.ErrAbortHandler)
	}
}

// WriteState writes the state as GET /__admin/state answers it, holding one vendor's snapshot
// in memory at a time: for a program that saves it to a file (the command's -save-state).
func (s *Server) WriteState(w io.Writer) error {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	return s.writeState(w)
}

// writeState writes {"seed": ..., "vendors": {...}} with the vendors in name order, as
// encoding/json writes State; the caller holds stateMu. One vendor's Snapshot is in memory
// at a time, flushed before the next is built.
func (s *Server) writeState(w io.Writer) error {
	mounts := s.loaded()
	slices.SortFunc(mounts, func(a, b *mount) int { return strings.Compare(a.vendor.Name(), b.vendor.Name()) })
	bw := bufio.NewWriterSize(w, 32<<10)
	fmt.Fprintf(bw, `{"seed":%d,"vendors":{`, s.cfg.seed)
	for i, m := range mounts {
		if i > 0 {
			bw.WriteByte(',')
		}
		name, _ := json.Marshal(m.vendor.Name())
		bw.Write(name)
		bw.WriteByte(':')
		snap, err := m.vendor.Snapshot()
		if err != nil {
			return fmt.Errorf("%s: %w", m.vendor.Name(), err)
		}
		bw.Write(snap) // json.Marshal's output: compact, as State's encoding writes it
		if err := bw.Flush(); err != nil {
			return err
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	bw.WriteString("}}\n")
	return bw.Flush()
}

func (s *Server) adminPutState(w http.ResponseWriter, r *http.Request) {
	var st State
	if status, err := s.decodeAdmin(r, &st, false); err != nil {
		adminError(w, status, err.Error())
		return
	}
	if err := s.SetState(st); err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrEntityLimit) {
			status = http.StatusConflict
		}
		adminError(w, status, err.Error())
		return
	}
	s.adminGetState(w, r)
}

func (s *Server) adminCreateSandbox(w http.ResponseWriter, r *http.Request) {
	var o SandboxOptions
	if status, err := s.decodeAdmin(r, &o, true); err != nil {
		adminError(w, status, err.Error())
		return
	}
	sb, err := s.CreateSandbox(o)
	switch {
	case errors.Is(err, ErrSandboxLimit):
		adminError(w, http.StatusTooManyRequests, err.Error())
		return
	case errors.Is(err, ErrEntityLimit):
		adminError(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	sb.URL = vendorapi.BaseURL(r) + SandboxPrefix + "/" + sb.ID
	w.Header().Set("Location", sb.URL)
	kit.WriteJSON(w, http.StatusCreated, sb)
}

func (s *Server) adminListSandboxes(w http.ResponseWriter, r *http.Request) {
	list := s.Sandboxes()
	for i := range list {
		list[i].URL = vendorapi.BaseURL(r) + SandboxPrefix + "/" + list[i].ID
	}
	kit.WriteJSON(w, http.StatusOK, map[string]any{"sandboxes": list, "max": s.cfg.maxSandboxes})
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if status, err := s.decodeAdmin(r, &f, false); err != nil {
		adminError(w, status, err.Error())
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

// decodeAdmin decodes a JSON body (an empty one is allowed when optional) and returns the
// status to refuse it with. A body over WithMaxAdminBodyBytes is refused before any of it is
// read when its Content-Length says so, and cut at the bound otherwise: the decoder reads
// from the wire, so a refused body costs at most the bound.
func (s *Server) decodeAdmin(r *http.Request, v any, optional bool) (int, error) {
	limit := s.cfg.maxAdminBody
	if r.ContentLength > limit {
		return http.StatusRequestEntityTooLarge, fmt.Errorf("body of %d bytes is over the admin API's limit of %d bytes (-max-admin-body)", r.ContentLength, limit)
	}
	body := bufio.NewReader(http.MaxBytesReader(nil, r.Body, limit))
	if _, err := body.Peek(1); err == io.EOF {
		if optional {
			return 0, nil
		}
		return http.StatusBadRequest, errors.New("a JSON body is required")
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Only whitespace may follow the value.
		var extra json.RawMessage
		if e := dec.Decode(&extra); e != io.EOF {
			err = errors.New("data after the JSON value")
			if e != nil {
				err = e
			}
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Errorf("body is over the admin API's limit of %d bytes (-max-admin-body)", limit)
	case err == io.EOF && optional:
		return 0, nil // only whitespace
	case err == io.EOF:
		return http.StatusBadRequest, errors.New("a JSON body is required")
	case err != nil:
		return http.StatusBadRequest, fmt.Errorf("invalid JSON body: %v", err)
	}
	return 0, nil
}

// adminError is the admin API's one error shape.
func adminError(w http.ResponseWriter, status int, msg string) {
	kit.WriteJSON(w, status, map[string]string{"error": msg})
}
