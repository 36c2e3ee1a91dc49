package mock

import (
	"log/slog"
	"strings"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The tokens every server accepts unless WithPrincipals says otherwise.
const (
	// AdminToken may do everything.
	AdminToken = "mock-admin-token"
	// ReadOnlyToken may read; every write is answered 403.
	ReadOnlyToken = "mock-readonly-token"
)

// DefaultConnectors is how many connectors each vendor generates next to its documented ones.
const DefaultConnectors = 20

// DefaultMaxBodyBytes bounds request bodies; a larger one is a 400, read no further.
const DefaultMaxBodyBytes = 1 << 20

// Principal is an identity the mock knows by its bearer token. Its fields:
//
//	Name          string   // how logs and the journal call it
//	Token         string   // the bearer token that identifies it
//	ReadOnly      bool     // may only read; every write is answered 403
//	Organisations []string // Versori organisations it may act in (403 elsewhere); empty: all
//
// For example mock.WithPrincipals(mock.Principal{Name: "ci", Token: "t1", ReadOnly: true}).
type Principal = vendorapi.Principal

// DefaultPrincipals are the two identities a server knows unless told otherwise.
func DefaultPrincipals() []Principal {
	return []Principal{
		{Name: "admin", Token: AdminToken},
		{Name: "readonly", Token: ReadOnlyToken, ReadOnly: true},
	}
}

// Option configures a Server.
type Option func(*config)

type config struct {
	seed         uint64
	connectors   int
	principals   []vendorapi.Principal
	clock        func() time.Time
	workDuration time.Duration
	logger       *slog.Logger
	maxBodyBytes int64
	checkResp    func(error)
	journalSize  int
	adminToken   string
	noAdmin      bool
	vendors      []string
	lazy         bool
	// initial is the state Reset returns to (WithInitialState); nil: the seeded state.
	initial      *State
	maxEntities  int
	maxFaults    int
	maxSandboxes int
	sandboxIdle  time.Duration
	maxAdminBody int64
	// adminHosts are the dotted names the admin API answers in Host besides localhost's
	// (WithAdminHosts), lower case, without port.
	adminHosts []string
	// maxBlobBytes bounds the stored files (WithMaxBlobBytes); blobs is the budget that
	// counts them, the server's own (New) or a child of its parent's (a sandbox).
	maxBlobBytes int64
	blobs        *kit.ByteBudget
	// noCheckers makes kin-openapi check every request body and response itself, as before
	// the Checkers (see body.go): the reference the fast path's tests compare it with.
	noCheckers bool

	// journalBody is how much of each body the journal keeps.
	journalBody int
	// corsOff switches CORS off; corsOrigins are the origins allowed, none meaning any.
	corsOff     bool
	corsOrigins []string
}

func defaults() config {
	return config{
		seed:         fixtures.DefaultSeed,
		connectors:   DefaultConnectors,
		principals:   DefaultPrincipals(),
		clock:        time.Now,
		workDuration: DefaultWorkDuration,
		maxBodyBytes: DefaultMaxBodyBytes,
		journalSize:  DefaultJournalSize,
		maxEntities:  DefaultMaxEntities,
		maxFaults:    DefaultMaxFaults,
		maxSandboxes: DefaultMaxSandboxes,
		sandboxIdle:  DefaultSandboxIdle,
		maxAdminBody: DefaultMaxAdminBodyBytes,
		maxBlobBytes: DefaultMaxBlobBytes,
		journalBody:  DefaultJournalBodyBytes,
	}
}

// WithSeed sets the seed of every generated value; the same seed gives the same state on every
// machine. 0 means fixtures.DefaultSeed (gofakeit would take 0 as "random").
func WithSeed(seed uint64) Option {
	return func(c *config) {
		if seed == 0 {
			seed = fixtures.DefaultSeed
		}
		c.seed = seed
	}
}

// WithConnectors sets how many connectors each vendor generates next to its documented data
// set (default 20; 0 leaves only the documented ones).
func WithConnectors(n int) Option {
	return func(c *config) { c.connectors = max(n, 0) }
}

// WithPrincipals replaces the known bearer tokens (by default AdminToken and ReadOnlyToken).
func WithPrincipals(p ...Principal) Option {
	return func(c *config) { c.principals = append([]Principal(nil), p...) }
}

// WithClock sets the mock's clock, which stamps created and updated resources.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.clock = now }
}

// DefaultWorkDuration is how long background work takes on the mock's clock by default: short
// enough that a test polling for a sync or a build to finish sees it done at once, long enough
// that it is seen running first.
const DefaultWorkDuration = 100 * time.Millisecond

// WithWorkDuration sets how long background work (a ConductorOne sync, a Productsup build or
// sync, ...) takes on the mock's clock (WithClock) before it completes: work started at t is
// done once the clock reads t+d. 0 completes it at its next look. Tests that must not wait
// complete it on demand with Server.CompleteWork (or POST /__admin/work/complete).
func WithWorkDuration(d time.Duration) Option {
	return func(c *config) { c.workDuration = max(d, 0) }
}

// WithLogger logs one line per request (method, path, operation, status, duration) at Info.
// Without it the server logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// WithMaxBodyBytes bounds request bodies (default 1 MiB). A larger body is refused with the
// vendor's 400 without being read whole.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) { c.maxBodyBytes = n }
}

// WithResponseValidation validates every response the server sends against the vendor's spec
// and calls report with each mismatch (a *openapi3filter.ResponseError, or an undocumented
// status). The mock's own tests switch it on so that the mock cannot drift from its contract;
// it costs a buffer of each response body.
func WithResponseValidation(report func(error)) Option {
	return func(c *config) { c.checkResp = report }
}

// WithJournalSize bounds the request journal (default 1000): it keeps the last n requests, so
// memory stays flat under load. 0 switches the journal off.
func WithJournalSize(n int) Option {
	return func(c *config) { c.journalSize = max(n, 0) }
}

// WithJournalBodyBytes sets how much of each request and response body the journal keeps
// (default DefaultJournalBodyBytes, 16 KiB); a longer body is kept up to n bytes and marked
// truncated. The journal's memory is bounded by its size times twice this, plus 24 KiB of
// headers and refusal text per entry. 0 keeps no bodies.
func WithJournalBodyBytes(n int) Option {
	return func(c *config) { c.journalBody = max(n, 0) }
}

// WithCORSOrigins limits the origins whose browser pages may call the vendor APIs (CORS) to
// the ones given, each as a browser sends it ("http://localhost:3000": scheme, host and port,
// no path); "*", the default, allows any. The admin API never answers other origins.
func WithCORSOrigins(origins ...string) Option {
	return func(c *config) { c.corsOrigins = append([]string(nil), origins...) }
}

// WithoutCORS switches CORS off: preflights get the vendor's 405, as any OPTIONS request, and
// answers carry no Access-Control-* headers, so browser pages of other origins cannot call
// the mock.
func WithoutCORS() Option {
	return func(c *config) { c.corsOff = true }
}

// WithAdminToken guards the admin API (/__admin): calls without "Authorization: Bearer token"
// get 401. Without it the admin API is open, as a local mock's usually is.
func WithAdminToken(token string) Option {
	return func(c *config) { c.adminToken = token }
}

// WithoutAdmin switches the admin API off: /__admin answers 404 like any unknown path. The Go
// methods (Reset, State, Requests, AddFault, ...) still work.
func WithoutAdmin() Option {
	return func(c *config) { c.noAdmin = true }
}

// WithVendors serves only the named vendors (see VendorNames); the others' paths answer 404.
// Their typed accessors (Server.Versori, ...) return nil.
func WithVendors(names ...string) Option {
	return func(c *config) { c.vendors = append([]string(nil), names...) }
}

// WithLazyLoading makes New return at once: each vendor's spec is parsed and its API built by
// its first request (or by Server.Load), so a program can listen before the specs are parsed.
// A spec that cannot be loaded is then reported by Load, and answered 500 by its requests.
func WithLazyLoading() Option {
	return func(c *config) { c.lazy = true }
}

// The limits a server keeps unless told otherwise; each has its option and its flag (see the
// README's "Limits").
const (
	// DefaultMaxEntities bounds the entities each vendor stores (the sum of its Counts): a
	// write that would add one more is refused in the vendor's shape. At about 2.7 KB per
	// stored Productsup connector (RSS; 1.5 KB of heap), three vendors at the cap stay under
	// 1 GB of RSS.
	DefaultMaxEntities = 100_000
	// DefaultMaxFaults bounds the scripted faults a server holds at once.
	DefaultMaxFaults = 1000
	// DefaultMaxSandboxes bounds the sandboxes alive at once.
	DefaultMaxSandboxes = 1000
	// DefaultSandboxIdle is how long a sandbox lives without a request.
	DefaultSandboxIdle = 10 * time.Minute
	// DefaultMaxAdminBodyBytes bounds admin request bodies (PUT /__admin/state, a sandbox
	// created with a state): a larger one is refused before it is read.
	DefaultMaxAdminBodyBytes = 64 << 20
	// DefaultMaxBlobBytes bounds the bytes of the files clients store (Productsup logos,
	// Versori uploads), over the server and its sandboxes: 64 MiB keeps them, with the
	// entities at their cap, well under 1 GB of RSS (see the README's "Limits").
	DefaultMaxBlobBytes = 64 << 20
)

// WithInitialState starts the server from st instead of its seeded state, and makes Reset
// (and POST /__admin/reset without a seed) return to it: what the command's -state FILE does.
// New fails if st does not fit the vendors' contracts (see SetState). Its seed, when not 0,
// becomes the server's seed.
func WithInitialState(st State) Option {
	return func(c *config) { c.initial = &st }
}

// WithMaxEntities bounds the entities each vendor stores (default DefaultMaxEntities; 0 or
// less: no bound). An operation that creates (see the README's "Limits") is refused with the
// vendor's 409, or its 400 where the operation documents no 409, once the vendor holds n.
func WithMaxEntities(n int) Option {
	return func(c *config) { c.maxEntities = n }
}

// WithMaxFaults bounds the scripted faults held at once (default DefaultMaxFaults); AddFault
// refuses one more (with 0, every one).
func WithMaxFaults(n int) Option {
	return func(c *config) { c.maxFaults = max(n, 0) }
}

// WithMaxSandboxes bounds the sandboxes alive at once (default DefaultMaxSandboxes); creating
// one more is refused with 429 until one is deleted or expires. 0 switches sandboxes off.
func WithMaxSandboxes(n int) Option {
	return func(c *config) { c.maxSandboxes = max(n, 0) }
}

// WithSandboxIdleTime sets how long a sandbox lives without a request, on the mock's clock
// (WithClock), before it is deleted (default DefaultSandboxIdle). 0 or less: never.
func WithSandboxIdleTime(d time.Duration) Option {
	return func(c *config) { c.sandboxIdle = d }
}

// WithMaxAdminBodyBytes bounds admin request bodies (default DefaultMaxAdminBodyBytes). A
// body that announces more is refused with 413 before a byte of it is read; one that sends
// more without announcing it is cut at the bound.
func WithMaxAdminBodyBytes(n int64) Option {
	return func(c *config) { c.maxAdminBody = n }
}

// WithAdminHosts names the dotted host names (mock.ci.internal) under which clients may reach
// the admin API, its sandboxes' admin views and the inspector's data, besides localhost, names
// under .localhost, IP addresses and single-label names (a compose service name): any other
// dotted name in Host is refused with 403, as DNS rebinding would send it. A port, if given,
// is ignored; case does not matter.
func WithAdminHosts(names ...string) Option {
	return func(c *config) {
		for _, n := range names {
			if n = hostName(strings.TrimSpace(n)); n != "" {
				c.adminHosts = append(c.adminHosts, n)
			}
		}
	}
}

// WithMaxBlobBytes bounds the bytes of the files clients store, Productsup logos and Versori
// uploads, counted over the server and its sandboxes (default DefaultMaxBlobBytes; 0 or less:
// no bound). A file past it is refused in the vendor's shape with a message naming the limit;
// a state restored by the admin API is taken whole, and further files are refused until
// room comes back (a reset, a deleted sandbox).
func WithMaxBlobBytes(n int64) Option {
	return func(c *config) { c.maxBlobBytes = n }
}
