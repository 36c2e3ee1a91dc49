package mock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// mount is one vendor's API inside a server: its spec, its handlers by operationId and the
// validation options built for it once.
type mount struct {
	server   *Server
	vendor   vendorapi.Vendor
	spec     *openapi.Spec
	prefixes []string // what the server routes to this vendor
	handlers map[string]vendorapi.HandlerFunc
	// raw are the vendor's routes outside its spec (vendorapi.RawRouter), served before it.
	raw     []vendorapi.RawRoute
	options *openapi3filter.Options
	// paramOptions are options without the body: for a request whose body a Checker found
	// valid (see body.go).
	paramOptions *openapi3filter.Options
	// respOptions check responses when WithResponseValidation is on.
	respOptions *openapi3filter.Options
	// ignoreReadOnly is the vendor's ValidationOptions.IgnoreReadOnly, for the Checkers.
	ignoreReadOnly bool
}

func newMount(s *Server, v vendorapi.Vendor, prefixes []string) (*mount, error) {
	spec := v.Spec()
	m := &mount{server: s, vendor: v, spec: spec, prefixes: prefixes, handlers: v.Handlers()}
	if rr, ok := v.(vendorapi.RawRouter); ok {
		m.raw = rr.RawRoutes()
		for _, rt := range m.raw {
			if !slices.ContainsFunc(prefixes, func(p string) bool { return underPrefix(rt.Prefix, p) }) {
				return nil, fmt.Errorf("raw route %s is under none of the vendor's prefixes %s", rt.Prefix, strings.Join(prefixes, ", "))
			}
		}
	}
	var missing []string
	for _, id := range spec.OperationIDs {
		if m.handlers[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 { // in OperationIDs' sorted order
		return nil, fmt.Errorf("no handler for operations %s of %s", strings.Join(missing, ", "), spec.File)
	}
	vo := v.ValidationOptions()
	m.options = &openapi3filter.Options{
		MultiError:                 vo.AllErrors,
		ExcludeReadOnlyValidations: vo.IgnoreReadOnly,
		// Bodies are validated as sent: a default written into the body would turn "missing"
		// into "set", which full-replace APIs must tell apart.
		SkipSettingDefaults: true,
		// Authentication ran before validation (see ServeHTTP), and validation sees operations
		// without security requirement (spec.Unsecured); this only guards against one
		// slipping through.
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{contract.Formats},
	}
	po := *m.options
	po.ExcludeRequestBody = true
	m.paramOptions = &po
	m.ignoreReadOnly = vo.IgnoreReadOnly
	m.respOptions = &openapi3filter.Options{
		IncludeResponseStatus:   true,
		MultiError:              true,
		SchemaValidationOptions: m.options.SchemaValidationOptions,
	}
	return m, nil
}

// ServeHTTP runs the request through the one pipeline every vendor shares: route, authenticate
// (401/403 before anything else, as the real APIs do), validate against the spec, then the
// vendor's handler over its store.
func (m *mount) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, rt := range m.raw {
		if underPrefix(r.URL.Path, rt.Prefix) {
			m.serveRaw(w, r, rt)
			return
		}
	}
	start := time.Now()
	x := newExchange(w, r, m.server.cfg.checkResp != nil, m.server.journalBodyBytes())
	rec, call := &x.rec, &x.call
	var (
		route *routers.Route
		err   error
	)
	defer func() {
		// A panic is a bug in the mock: answered 500 in the vendor's shape, and logged and
		// journaled like any request, so that tests see it.
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if rec.status == 0 {
				m.vendor.WriteError(rec, &vendorapi.Error{Kind: vendorapi.KindInternal})
			}
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
		m.checkResponse(r, route, call, rec)
		m.log(r, call, rec.status, start, err)
		m.server.recordExchange(r, x, m.vendor.Name(), rec.status, start, err)
		rec.finish() // the answer's last byte, now that the journal holds the request
		x.release()
	}()
	route, err = m.serve(x, r)
}

func (m *mount) serve(x *exchange, r *http.Request) (*routers.Route, error) {
	w, call := http.ResponseWriter(&x.rec), &x.call
	fail := func(e *vendorapi.Error) error {
		x.drainRequest(r)
		m.vendor.WriteError(w, e)
		return e
	}
	route, params, err := m.spec.Router.FindRoute(r)
	if err != nil {
		return nil, fail(m.routeError(r, err))
	}
	// The routers match, and hand out parameters, on the escaped path (so that "%2F" stays in
	// its segment); handlers and validation want the values the client meant.
	for k, v := range params {
		u, err := url.PathUnescape(v)
		if err != nil {
			return route, fail(&vendorapi.Error{Kind: vendorapi.KindBadRequest, Err: err,
				Fields: []vendorapi.FieldError{{In: "path", Field: k, Message: "is not a valid percent-encoded path segment"}}})
		}
		params[k] = u
	}
	call.OperationID, call.Params = route.Operation.OperationID, params

	if security := m.security(route); len(security) > 0 {
		p, e := m.server.auth.authenticate(r, m.cookieSchemes(security)...)
		if e != nil {
			return route, fail(e)
		}
		call.Principal = p
		if az, ok := m.vendor.(vendorapi.Authorizer); ok {
			if e := az.Authorize(call); e != nil {
				return route, fail(e)
			}
		}
	}

	hasBody := r.Body != nil && r.Body != http.NoBody
	if hasBody {
		r.Body = http.MaxBytesReader(w, r.Body, m.server.cfg.maxBodyBytes)
	}
	// Authentication has run: validate against the operation without security requirement.
	x.route = *route
	x.route.Operation = m.spec.Unsecured[route.Operation]
	x.input = openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: &x.route, Options: m.options}
	input := &x.input
	// The body is read once, here. When a Checker finds it valid, the parameters are checked
	// alone (by their Checkers when they can: see validate.go); otherwise kin-openapi
	// validates the whole request as it always did, from the same bytes, and words the 400
	// (see body.go).
	checked := false
	if hasBody && route.Operation.RequestBody != nil {
		data, err := readBody(r)
		if err == nil && !m.server.cfg.noCheckers && m.bodyValid(route.Operation, r, data) {
			putBack(r, data)
			input.Options, checked = m.paramOptions, true
			call.Body = data
		} else {
			r.Body = replay(data, err)
		}
	}
	// With the body checked (or none declared), parameters a paramPlan finds valid need no
	// kin-openapi either (see validate.go).
	if !(checked || route.Operation.RequestBody == nil) || !m.paramsValid(x, r, route, params) {
		if err := openapi3filter.ValidateRequest(r.Context(), input); err != nil {
			return route, fail(validationError(err))
		}
	}
	if route.Operation.RequestBody != nil && !checked {
		data, e := singleJSONValue(r)
		if e != nil {
			return route, fail(e)
		}
		call.Body = data
	}
	if answered, err := m.control(w, r, route, call); answered {
		return route, err
	}
	m.handlers[call.OperationID](w, r, call)
	return route, nil
}

// serveRaw serves one of the vendor's routes outside its spec: no spec routing, no
// authentication, no validation (the handler does what the route needs), but journaled and
// logged like any request, under the route's Name, and a panic is still a 500.
func (m *mount) serveRaw(w http.ResponseWriter, r *http.Request, rt vendorapi.RawRoute) {
	start := time.Now()
	x := newExchange(w, r, false, m.server.journalBodyBytes())
	rec := &x.rec
	x.call.OperationID = rt.Name
	var err error
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if rec.status == 0 {
				m.vendor.WriteError(rec, &vendorapi.Error{Kind: vendorapi.KindInternal})
			}
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.log(r, &x.call, rec.status, start, err)
		m.server.recordExchange(r, x, m.vendor.Name(), rec.status, start, err)
		rec.finish()
		x.release()
	}()
	rt.Handler.ServeHTTP(rec, r)
}

// underPrefix reports whether path is prefix or lies below it, on a segment boundary.
func underPrefix(path, prefix string) bool {
	return strings.HasPrefix(path, prefix) && (len(path) == len(prefix) || path[len(prefix)] == '/' || strings.HasSuffix(prefix, "/"))
}

// security is the requirement that applies to the route: the operation's own, else the spec's.
func (m *mount) security(route *routers.Route) openapi3.SecurityRequirements {
	if s := route.Operation.Security; s != nil {
		return *s
	}
	return route.Spec.Security
}

// cookieSchemes are the cookie names of the apiKey-in-cookie schemes the requirements allow
// alone (Versori's "cookie"): a token may come in such a cookie instead of a bearer header.
func (m *mount) cookieSchemes(security openapi3.SecurityRequirements) []string {
	var out []string
	for _, req := range security {
		if len(req) != 1 || m.spec.Doc.Components == nil {
			continue
		}
		for name := range req {
			if s := m.spec.Doc.Components.SecuritySchemes[name]; s != nil && s.Value != nil && s.Value.Type == "apiKey" && s.Value.In == "cookie" {
				out = append(out, s.Value.Name)
			}
		}
	}
	return out
}

func (m *mount) routeError(r *http.Request, err error) *vendorapi.Error {
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		e := &vendorapi.Error{Kind: vendorapi.KindMethodNotAllowed, Err: err,
			Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)}
		e.Allow = m.allowed(r)
		return e
	}
	return &vendorapi.Error{Kind: vendorapi.KindNotFound, Err: err,
		Message: fmt.Sprintf("No operation matches %s %s.", r.Method, r.URL.Path)}
}

// allowed lists the methods the spec defines for the request's path, found by asking the
// router with each method in turn.
func (m *mount) allowed(r *http.Request) []string {
	var out []string
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = method
		if _, _, err := m.spec.Router.FindRoute(probe); err == nil {
			out = append(out, method)
		}
	}
	return out
}

func (m *mount) log(r *http.Request, call *vendorapi.Call, status int, start time.Time, err error) {
	l := m.server.cfg.logger
	if l == nil {
		return
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	// Checked first: building the attributes of a line that is not written (-log-level warn)
	// would cost an allocation per request.
	if !l.Enabled(context.Background(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("vendor", m.vendor.Name()),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("operation", call.OperationID),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	l.LogAttrs(context.Background(), level, "request", attrs...)
}

// singleJSONValue refuses a body that holds more than one JSON value ("{...} garbage"): the
// validator and the handlers' decoders read the first value only. The validator has buffered
// the body and decoded its first value, so the whole body is valid JSON exactly when nothing
// follows that value. The body is read again from memory and put back; it is returned, for
// Call.Body. (A body a Checker found valid had this check in the same pass: see bodyValid.)
func singleJSONValue(r *http.Request) ([]byte, *vendorapi.Error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, nil // the validator has reported unreadable bodies already
	}
	r.Body = newBodyReader(data)
	if len(data) == 0 {
		return nil, nil
	}
	if !trailingRefused(r) || json.Valid(data) {
		return data, nil
	}
	return nil, errTrailingData()
}

// trailingRefused reports whether data after a body's JSON value is refused: when the body is
// declared JSON.
func trailingRefused(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

func errTrailingData() *vendorapi.Error {
	return &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "trailing data after the JSON body",
		Fields: []vendorapi.FieldError{{In: "body", Message: "request body has data after its JSON value"}}}
}
