// Package vendorapi is the seam between the mock server and the vendor packages
// (mock/productsup, ...): the Vendor interface each of them implements, the Call a request
// becomes once it has been routed, authenticated and validated, the vendor-neutral Error
// that each vendor renders in its own documented shape. (The plumbing they share, the JSON
// writer and the stores' mutex, is in mock/internal/kit.)
package vendorapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/openapi"
)

// Vendor is one vendor's API as mounted into a mock server.
type Vendor interface {
	// Name is the vendor's short name, also the name of its spec in package openapi.
	Name() string
	// Spec is the vendor's contract; every request is routed and validated against it.
	Spec() *openapi.Spec
	// Handlers maps each operationId of the spec to its handler; the server refuses to start
	// when an operation of the spec has none.
	Handlers() map[string]HandlerFunc
	// WriteError writes e in the vendor's documented error shape.
	WriteError(w http.ResponseWriter, e *Error)
	// ValidationOptions tunes request validation for the vendor's gateway (for example
	// whether read-only properties in a request body are ignored or rejected).
	ValidationOptions() ValidationOptions
	// Counts reports the number of stored entities by kind ("connectors": 21), for health
	// and the entity cap (mock.WithMaxEntities).
	Counts() map[string]int
	// Creates reports whether an operation adds entities that Counts counts: those the entity
	// cap refuses once the vendor is full. Only the vendor knows (Productsup's
	// connector_create answers 200, ConductorOne's ForceSync adds a sync).
	Creates(operationID string) bool
	// Reset puts the vendor's state back to what cfg seeds.
	Reset(cfg Config)
	// Snapshot returns the vendor's whole state as JSON; Restore(Snapshot()) changes nothing.
	Snapshot() (json.RawMessage, error)
	// Restore replaces the whole state with a snapshot; on error nothing changes.
	Restore(data json.RawMessage) error
	// Public is the vendor's typed API (*productsup.API, ...), what mock.Server's accessors
	// return to users: state, not plumbing.
	Public() any
}

// constructors are the vendors' constructors by name, registered by the vendor packages
// (package mock imports them all, so every one is registered before a server is built).
var (
	constructorsMu sync.RWMutex
	constructors   = map[string]func(Config) (Vendor, error){}
)

// Register records a vendor's constructor; a vendor package calls it from init. The
// constructor's Config is internal to package mock, so the vendor packages register it
// instead of exporting it. A name registered twice panics: two packages claim one vendor.
func Register(name string, new func(Config) (Vendor, error)) {
	constructorsMu.Lock()
	defer constructorsMu.Unlock()
	if _, dup := constructors[name]; dup {
		panic("vendorapi: vendor " + name + " registered twice")
	}
	constructors[name] = new
}

// New builds the named vendor from cfg.
func New(name string, cfg Config) (Vendor, error) {
	constructorsMu.RLock()
	newVendor := constructors[name]
	constructorsMu.RUnlock()
	if newVendor == nil {
		return nil, fmt.Errorf("vendorapi: no vendor %q registered", name)
	}
	return newVendor(cfg)
}

// Authorizer is implemented by vendors whose principals have scopes finer than read/write
// (Versori's organisations). Authorize runs right after authentication, before validation, on
// the routed call (operation and path parameters known); a non-nil answer (normally
// KindForbidden) is sent instead of the operation's.
type Authorizer interface {
	Authorize(c *Call) *Error
}

// ExampleStatuser is implemented by a vendor whose spec names the examples of its default
// (error) responses by error code: ExampleStatus returns the status of the error that such a
// name stands for, and false for a name that is no code.
type ExampleStatuser interface {
	ExampleStatus(name string) (status int, ok bool)
}

// RawRouter is implemented by vendors that serve paths outside their spec: the files a
// download URL they answer points at, an upload URL they hand out, an OAuth 2.0 provider the
// mock plays. Each route's Prefix must lie under one of the vendor's prefixes (package mock's
// vendors table); the server serves a matching request with the route's handler before
// looking at the spec, with no authentication and no validation (the handler checks what it
// needs), journaled and logged under the route's Name.
type RawRouter interface {
	RawRoutes() []RawRoute
}

// RawRoute is one path prefix a vendor serves outside its spec.
type RawRoute struct {
	// Prefix is the path the route serves, and every path below it.
	Prefix string
	// Name is how the journal and the logs call the route's requests ("versori.oauth2.token").
	Name    string
	Handler http.Handler
}

// Worker is implemented by vendors with background work (syncs, builds, ...) that completes
// on the mock's clock, Config.WorkDuration after it started. CompleteWork completes every
// piece of pending work now, as if its time had come, and returns how many it completed; the
// admin API's POST /__admin/work/complete and Server.CompleteWork call it.
type Worker interface {
	CompleteWork() int
}

// AdminRouter is implemented by vendors with admin endpoints of their own (failing one sync
// on demand, say): the admin API serves /__admin/vendors/<name>/<rest> with the handler,
// behind the admin API's guard, with r.URL.Path cut to "/<rest>". Answers use the admin API's
// plain {"message": ...} errors, not the vendor's shape.
type AdminRouter interface {
	AdminHandler() http.Handler
}

// basePathKey is the context key of BasePath.
type basePathKey struct{}

// WithBasePath returns ctx for a request served under base: a path the mock adds in front of
// the vendors' own paths (a sandbox's "/__sandboxes/<id>"). URLs a vendor hands out that point
// back at the mock (BaseURL) include it.
func WithBasePath(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, basePathKey{}, base)
}

// BasePath is the path the request was served under (WithBasePath), "" for the server's own
// paths.
func BasePath(ctx context.Context) string {
	b, _ := ctx.Value(basePathKey{}).(string)
	return b
}

// BaseURL is the absolute URL of the mock as the client reached it, for URLs a vendor hands
// out that point back at the mock (download and upload URLs, OAuth redirects):
// "http://127.0.0.1:8080" plus the request's BasePath, no trailing slash. The scheme is https
// when the request came over TLS; the host is the request's Host header.
func BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + BasePath(r.Context())
}

// ValidationOptions are a vendor's deviations from strict OpenAPI request validation.
type ValidationOptions struct {
	// IgnoreReadOnly accepts read-only properties in request bodies (the handler drops them)
	// instead of rejecting them.
	IgnoreReadOnly bool
	// AllErrors reports every offending field of a request instead of the first one.
	AllErrors bool
}

// Config is what the server passes to each vendor constructor.
type Config struct {
	// Seed drives every generated value (see package fixtures); never 0.
	Seed uint64
	// Connectors is the number of generated connectors, next to the documented ones.
	Connectors int
	// Clock is the mock's clock: "now" for created and updated timestamps.
	Clock func() time.Time
	// WorkDuration is how long background work (a sync, a build, ...) takes on the mock's
	// clock: work started at t is complete when Clock() >= t+WorkDuration. Vendors settle it
	// lazily, when a request or a store method looks at it (no timers). 0 completes work at
	// once, at its next look.
	WorkDuration time.Duration
	// Blobs is the budget of the files clients store (logos, uploads): Reserve a file's bytes
	// before storing it (refuse it in the vendor's shape, naming -max-blob-bytes, when that
	// fails), Release them when it goes, Charge what a restored state brings. nil: no bound.
	Blobs *kit.ByteBudget
}

// HandlerFunc serves one operation of a vendor. The request has been authenticated and
// validated against the spec when it is called.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, c *Call)

// Call is a request after routing, authentication and validation.
type Call struct {
	// OperationID is the spec's operationId of the matched operation.
	OperationID string
	// Params are the path parameters, by their spec names.
	Params map[string]string
	// Principal is who the bearer token belongs to.
	Principal Principal
	// Body is the request body as read, validated against the operation's schema: for a JSON
	// body, exactly one JSON value (whitespace around it allowed). nil when the operation
	// takes no body or none was sent. The server read it once; a handler decodes it from here
	// (json.Unmarshal(c.Body, &v)) instead of reading r.Body, which still holds the same
	// bytes. Read-only: it is shared with r.Body.
	Body []byte
}

// Principal is an identity the mock knows by its bearer token.
type Principal struct {
	// Name is how logs and the journal call the principal.
	Name string
	// Token is the bearer token that identifies it.
	Token string
	// ReadOnly principals may only read; every write is answered 403.
	ReadOnly bool
	// Organisations, when not empty, are the only (Versori) organisations the principal may
	// act in; elsewhere it gets 403. Empty means every organisation.
	Organisations []string
	// Integrator principals are Productsup integrators rather than admins: they list and see
	// only the connectors (and background states) they own, and get 403 on any other.
	Integrator bool
}

// Kind says which documented status an Error maps to.
type Kind int

// The error kinds, each answered with exactly one HTTP status.
const (
	KindBadRequest       Kind = iota // 400: the request breaks the contract or the data's rules
	KindUnauthenticated              // 401: no or an unknown bearer token
	KindForbidden                    // 403: a known token without the right to do this
	KindNotFound                     // 404: no such resource, or no such route
	KindMethodNotAllowed             // 405: the route exists, the method does not
	KindConflict                     // 409: the resource's state forbids the change
	KindInternal                     // 500: a bug in the mock (a recovered panic); never bad input
)

var statuses = [...]int{
	KindBadRequest:       http.StatusBadRequest,
	KindUnauthenticated:  http.StatusUnauthorized,
	KindForbidden:        http.StatusForbidden,
	KindNotFound:         http.StatusNotFound,
	KindMethodNotAllowed: http.StatusMethodNotAllowed,
	KindConflict:         http.StatusConflict,
	KindInternal:         http.StatusInternalServerError,
}

// Status is the HTTP status of the kind.
func (k Kind) Status() int { return statuses[k] }

// Error is a vendor-neutral failure; each vendor renders it in its own documented shape.
type Error struct {
	Kind Kind
	// Message says what went wrong in a sentence; vendors whose documented bodies carry a
	// fixed text for the kind may use that instead.
	Message string
	// Fields lists the offending parts of the request, in request order.
	Fields []FieldError
	// Allow lists the methods of the route, for KindMethodNotAllowed.
	Allow []string
	// Err is the underlying cause, if any.
	Err error
}

// FieldError is one offending part of a request.
type FieldError struct {
	// In is where the field is: "path", "query", "header" or "body".
	In string
	// Field names it: a parameter name, or a body path such as "connectionVariables[0].name";
	// "" for the body as a whole.
	Field string
	// Message says what is wrong with it.
	Message string
}

func (e *Error) Error() string {
	msg := e.Message
	for _, f := range e.Fields {
		msg += "; " + f.Field + ": " + f.Message
	}
	if e.Err != nil && e.Message == "" {
		msg = e.Err.Error()
	}
	return http.StatusText(e.Kind.Status()) + ": " + msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Status is the HTTP status the error is answered with.
func (e *Error) Status() int { return e.Kind.Status() }
