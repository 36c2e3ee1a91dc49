package mock

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// SandboxPrefix is where sandboxes are served: /__sandboxes/<id> followed by any vendor path,
// /__health or the sandbox's own admin API (/__sandboxes/<id>/__admin/state, ...).
const SandboxPrefix = "/__sandboxes"

// Sandbox describes a sandbox: an isolated mock inside the server, with its own stores,
// journal and faults, for one test of a suite that shares the process.
type Sandbox struct {
	// ID names the sandbox in its paths.
	ID string `json:"id"`
	// URL is the base URL to give a vendor client: the server's URL as the creating client
	// reached it, then SandboxPrefix/ID. Empty from Server.CreateSandbox, which knows no URL.
	URL string `json:"url,omitempty"`
	// Seed is the seed of the sandbox's generated data.
	Seed uint64 `json:"seed"`
	// Created and LastUsed are on the mock's clock; the sandbox is deleted once it has seen
	// no request for IdleTimeout (0: never).
	Created     time.Time `json:"created"`
	LastUsed    time.Time `json:"lastUsed"`
	IdleTimeout string    `json:"idleTimeout,omitempty"`
}

// SandboxOptions say what a new sandbox starts from. Without either, it starts as the server
// itself started: from WithInitialState's state if there is one, else from the server's seed.
type SandboxOptions struct {
	// Seed, when not 0, seeds the sandbox's generated data.
	Seed uint64 `json:"seed,omitempty"`
	// State, when set, is the sandbox's starting state (what GET /__admin/state answers);
	// the sandbox's reset returns to it. It wins over Seed: its own seed is the sandbox's.
	State *State `json:"state,omitempty"`
}

// ErrSandboxLimit is returned (wrapped) when WithMaxSandboxes sandboxes are alive.
var ErrSandboxLimit = errors.New("sandbox limit reached")

// ErrEntityLimit is returned (wrapped) for a state (SetState, a sandbox's starting state)
// that would take a vendor's entities, counted over the server and its sandboxes, past
// WithMaxEntities.
var ErrEntityLimit = errors.New("entity limit reached")

// fitsEntityCap checks a new sandbox's starting state against the entity cap: states come in
// through the admin API (each up to WithMaxAdminBodyBytes), and a thousand sandboxes of them
// must not pass the bound that creates are held to. Vendors the sandbox has not built (a
// seeded start) hold nothing of their own yet and count when they are used.
func (s *Server) fitsEntityCap(sandbox *Server) error {
	limit := s.cfg.maxEntities
	if limit <= 0 {
		return nil
	}
	for _, sl := range sandbox.slots {
		b := sl.built.Load()
		if b == nil {
			continue
		}
		own := 0
		for _, c := range b.vendor.Counts() {
			own += c
		}
		if own == 0 {
			continue
		}
		if n := s.entities(sl.name) + own; n > limit {
			return fmt.Errorf("%w: the sandbox's state holds %d %s entities; with the %d the mock holds already (sandboxes included), that passes the limit (-max-entities %d)",
				ErrEntityLimit, own, sl.name, n-own, limit)
		}
	}
	return nil
}

// ErrNoSandbox is returned (wrapped) for a sandbox that does not exist: never created,
// deleted, or expired.
var ErrNoSandbox = errors.New("no such sandbox")

// sandboxes are a server's sandboxes. Expiry is settled lazily, on the mock's clock, as
// background work is: a sandbox is looked at by its own requests (and found expired there),
// and the others by create, list and Expire, which sweep every one. No timer, no goroutine.
type sandboxes struct {
	parent *Server
	mu     sync.Mutex // guards byID
	byID   map[string]*sandbox
}

type sandbox struct {
	id      string
	srv     *Server
	created time.Time
	// lastUsed is the mock's clock at the last request, in UnixNano: written by every request
	// without taking sandboxes.mu.
	lastUsed atomic.Int64
}

func newSandboxes(parent *Server) *sandboxes {
	return &sandboxes{parent: parent, byID: map[string]*sandbox{}}
}

func (sb *sandbox) expired(now time.Time, idle time.Duration) bool {
	return idle > 0 && now.UnixNano()-sb.lastUsed.Load() >= int64(idle)
}

func (sb *sandbox) info(idle time.Duration) Sandbox {
	out := Sandbox{ID: sb.id, Seed: sb.srv.Seed(), Created: sb.created, LastUsed: time.Unix(0, sb.lastUsed.Load()).In(sb.created.Location())}
	if idle > 0 {
		out.IdleTimeout = idle.String()
	}
	return out
}

// sweep deletes the expired sandboxes; the caller holds mu.
func (ss *sandboxes) sweep(now time.Time) int {
	n := 0
	for _, sb := range ss.byID {
		if sb.expired(now, ss.parent.cfg.sandboxIdle) {
			ss.remove(sb)
			n++
		}
	}
	return n
}

func (ss *sandboxes) create(o SandboxOptions) (*sandbox, error) {
	p := ss.parent
	now := p.cfg.clock()
	ss.mu.Lock()
	ss.sweep(now)
	full := len(ss.byID) >= p.cfg.maxSandboxes
	ss.mu.Unlock()
	if full {
		return nil, fmt.Errorf("%w: %d sandboxes are alive (the limit, -max-sandboxes); delete one (DELETE %s/sandboxes/<id>) or let idle ones expire (after %s)",
			ErrSandboxLimit, p.cfg.maxSandboxes, AdminPrefix, p.cfg.sandboxIdle)
	}
	p.stateMu.RLock()
	cfg := p.cfg // cfg.seed included, which Reset and SetState change
	p.stateMu.RUnlock()
	cfg.blobs = p.cfg.blobs.Child() // closed when the sandbox goes: its files' bytes come back
	cfg.lazy = true                 // each vendor is built by its first request: an idle sandbox stays small
	cfg.noAdmin = true
	cfg.adminToken = ""
	switch {
	case o.State != nil:
		cfg.initial = o.State
	case o.Seed != 0:
		cfg.seed, cfg.initial = o.Seed, nil
	}
	id := newSandboxID()
	if cfg.logger != nil {
		cfg.logger = cfg.logger.With("sandbox", id) // its paths are logged without the prefix
	}
	srv, err := newServer(cfg, p.auth)
	if err != nil {
		cfg.blobs.Close()
		return nil, err
	}
	srv.parent = p
	if err := p.fitsEntityCap(srv); err != nil {
		cfg.blobs.Close()
		return nil, err
	}
	sb := &sandbox{id: id, srv: srv, created: now}
	sb.lastUsed.Store(now.UnixNano())
	ss.mu.Lock()
	defer ss.mu.Unlock()
	// Built outside the lock (a state can take a while); counted again inside it, so that
	// racing creates cannot pass the bound together.
	if len(ss.byID) >= p.cfg.maxSandboxes {
		cfg.blobs.Close()
		return nil, fmt.Errorf("%w: %d sandboxes are alive (the limit, -max-sandboxes)", ErrSandboxLimit, p.cfg.maxSandboxes)
	}
	ss.byID[sb.id] = sb
	return sb, nil
}

// get finds a live sandbox and marks it used; an expired one is deleted on the spot.
func (ss *sandboxes) get(id string) *sandbox {
	now := ss.parent.cfg.clock()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sb := ss.byID[id]
	if sb == nil {
		return nil
	}
	if sb.expired(now, ss.parent.cfg.sandboxIdle) {
		ss.remove(sb)
		return nil
	}
	sb.lastUsed.Store(now.UnixNano())
	return sb
}

func (ss *sandboxes) delete(id string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sb, ok := ss.byID[id]
	if ok {
		ss.remove(sb)
	}
	return ok
}

// remove deletes a sandbox and gives its files' bytes back to the server's budget (requests
// still in it can store no more); the caller holds mu.
func (ss *sandboxes) remove(sb *sandbox) {
	delete(ss.byID, sb.id)
	sb.srv.cfg.blobs.Close()
}

func (ss *sandboxes) list() []Sandbox {
	ss.mu.Lock()
	ss.sweep(ss.parent.cfg.clock())
	all := make([]*sandbox, 0, len(ss.byID))
	for _, sb := range ss.byID {
		all = append(all, sb)
	}
	ss.mu.Unlock()
	slices.SortFunc(all, func(a, b *sandbox) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]Sandbox, len(all))
	for i, sb := range all {
		out[i] = sb.info(ss.parent.cfg.sandboxIdle)
	}
	return out
}

// newSandboxID is 16 random hex digits: suites of several CI jobs, or of a restarted mock,
// never get each other's ids.
func newSandboxID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// serve answers a request under SandboxPrefix: rest is the path after "/__sandboxes/". The
// sandbox's server sees the path without its prefix, and a context whose base path
// (vendorapi.BasePath) is the prefix, so that URLs its vendors hand out point into the
// sandbox. Its admin API passes the server's own admin guard first (token, browser rules).
func (ss *sandboxes) serve(w http.ResponseWriter, r *http.Request, rest string) {
	id, sub, _ := strings.Cut(rest, "/")
	sub = "/" + sub
	isAdmin := underPrefix(sub, AdminPrefix)
	sb := ss.get(id)
	if sb == nil {
		msg := fmt.Sprintf("connectormock: no sandbox %q: never created, deleted, or expired after %s without a request; create one with POST %s/sandboxes", id, ss.parent.cfg.sandboxIdle, AdminPrefix)
		if isAdmin {
			adminError(w, http.StatusNotFound, msg)
		} else {
			kit.WriteJSON(w, http.StatusNotFound, map[string]string{"message": msg})
		}
		return
	}
	base := SandboxPrefix + "/" + id
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = sub
	if u.RawPath != "" {
		u.RawPath = strings.TrimPrefix(u.RawPath, base)
	}
	r2.URL = &u
	r2 = r2.WithContext(vendorapi.WithBasePath(r.Context(), vendorapi.BasePath(r.Context())+base))
	if !isAdmin {
		sb.srv.ServeHTTP(w, r2)
		return
	}
	if ss.parent.cfg.noAdmin {
		ss.parent.notFound(w, r)
		return
	}
	ss.parent.adminGuard(http.HandlerFunc(sb.srv.adminAPI)).ServeHTTP(w, r2)
}

// CreateSandbox creates a sandbox (see SandboxOptions) and returns it; its server is
// Server.Sandbox(id). It fails with ErrSandboxLimit when WithMaxSandboxes are alive, and in a
// sandbox (they do not nest).
func (s *Server) CreateSandbox(o SandboxOptions) (Sandbox, error) {
	if s.sandboxes == nil {
		return Sandbox{}, errors.New("sandboxes do not nest: create one on the server itself")
	}
	if s.cfg.maxSandboxes == 0 {
		return Sandbox{}, fmt.Errorf("%w: sandboxes are switched off (-max-sandboxes 0)", ErrSandboxLimit)
	}
	sb, err := s.sandboxes.create(o)
	if err != nil {
		return Sandbox{}, err
	}
	return sb.info(s.cfg.sandboxIdle), nil
}

// Sandbox is the server of a live sandbox, nil if there is none of that id (an expired one is
// deleted by the look). Using it does not count as a request for its idle time.
func (s *Server) Sandbox(id string) *Server {
	if s.sandboxes == nil {
		return nil
	}
	s.sandboxes.mu.Lock()
	defer s.sandboxes.mu.Unlock()
	sb := s.sandboxes.byID[id]
	if sb == nil {
		return nil
	}
	if sb.expired(s.cfg.clock(), s.cfg.sandboxIdle) {
		s.sandboxes.remove(sb)
		return nil
	}
	return sb.srv
}

// Sandboxes lists the live sandboxes, oldest first.
func (s *Server) Sandboxes() []Sandbox {
	if s.sandboxes == nil {
		return []Sandbox{}
	}
	return s.sandboxes.list()
}

// DeleteSandbox deletes a sandbox; requests already in it finish. It reports whether there
// was one.
func (s *Server) DeleteSandbox(id string) bool {
	return s.sandboxes != nil && s.sandboxes.delete(id)
}

// ExpireSandboxes deletes every sandbox idle for WithSandboxIdleTime on the mock's clock and
// returns how many it deleted. Expiry is otherwise settled when a sandbox is looked at (its
// requests, create, list); the command calls this once a minute, so that the memory of
// sandboxes nobody looks at any more comes back too.
func (s *Server) ExpireSandboxes() int {
	if s.sandboxes == nil {
		return 0
	}
	s.sandboxes.mu.Lock()
	defer s.sandboxes.mu.Unlock()
	return s.sandboxes.sweep(s.cfg.clock())
}
