// Package testkit holds what the module's own tests share: a server whose every response is
// checked against its spec, a one-line request helper, and golden-file comparison. It does not
// import package testing (only mock/mocktest does); T is the part of testing.TB it needs.
package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/openapi"
)

// T is the subset of testing.TB the kit uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Clock is the fixed time of servers built by Server: tests never depend on the wall clock.
var Clock = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// Server is a mock under test: every response it sends is validated against the vendor's
// spec, and against any further specs given to AlsoValidateAgainst; a mismatch fails the test.
type Server struct {
	*mock.Server
	t      T
	others []other
}

// other is a further spec responses are checked against, with its workaround (see
// AlsoValidateAgainst).
type other struct {
	spec       *openapi.Spec
	workaround func(body []byte) []byte
}

// New builds a mock with a fixed clock (Clock) whose every response is checked against the
// vendor's spec: a response that breaks the contract fails the test.
func New(t T, opts ...mock.Option) *Server {
	t.Helper()
	all := append([]mock.Option{
		mock.WithClock(func() time.Time { return Clock }),
		mock.WithResponseValidation(func(err error) { t.Errorf("response breaks the contract: %v", err) }),
	}, opts...)
	s, err := mock.New(all...)
	if err != nil {
		t.Fatalf("mock.New: %v", err)
	}
	return &Server{Server: s, t: t}
}

// Violations collects the contract violations a server reports while a fuzz target runs.
// Inside the target only its own *testing.T may fail the test: testing.F's methods panic
// there, and that panic, raised while the mount checks a response it has already sent, would
// be recovered by the mount and lost. So a fuzz target builds its server with NewFuzz and
// calls Check with its t after each request.
type Violations struct {
	T               // the fuzz target's *testing.F: it fails the test if the server cannot be built
	mu   sync.Mutex // guards errs
	errs []string
}

// Helper does nothing: it is called inside fuzz targets, where testing.F's Helper panics.
func (v *Violations) Helper() {}

// Errorf records a violation for the next Check.
func (v *Violations) Errorf(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

// Check fails t with every violation recorded since the last Check.
func (v *Violations) Check(t T) {
	t.Helper()
	v.mu.Lock()
	errs := v.errs
	v.errs = nil
	v.mu.Unlock()
	if len(errs) > 0 {
		t.Fatalf("response breaks the contract:\n%s", strings.Join(errs, "\n"))
	}
}

// NewFuzz is New for a fuzz target: violations go to the returned Violations, not to f.
func NewFuzz(f T, opts ...mock.Option) (*Server, *Violations) {
	f.Helper()
	v := &Violations{T: f}
	return New(v, opts...), v
}

// AlsoValidateAgainst checks every later response whose request the spec routes against that
// spec too (a vendor's own contract, say). With a workaround for a defect of that spec, a
// response that fails is checked again with its body passed through workaround: it passes if
// workaround changed the body and the changed body passes.
func (s *Server) AlsoValidateAgainst(spec *openapi.Spec, workaround ...func(body []byte) []byte) {
	o := other{spec: spec}
	if len(workaround) > 0 {
		o.workaround = workaround[0]
	}
	s.others = append(s.others, o)
}

// ServeHTTP serves r and validates the answer against the further specs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(s.others) == 0 {
		s.Server.ServeHTTP(w, r)
		return
	}
	var reqBody []byte
	if r.Body != nil {
		reqBody, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	rec := httptest.NewRecorder()
	s.Server.ServeHTTP(rec, r)
	for _, o := range s.others {
		check := func(body []byte) error {
			probe := r.Clone(r.Context())
			probe.Body = io.NopCloser(bytes.NewReader(reqBody))
			route, params, err := o.spec.Router.FindRoute(probe)
			if err != nil {
				return nil // the spec has no such operation: nothing to check against
			}
			return openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route},
				Status:                 rec.Code,
				Header:                 rec.Header(),
				Body:                   io.NopCloser(bytes.NewReader(body)),
				Options:                &openapi3filter.Options{MultiError: true},
			})
		}
		err := check(rec.Body.Bytes())
		if err != nil && o.workaround != nil {
			if patched := o.workaround(rec.Body.Bytes()); !bytes.Equal(patched, rec.Body.Bytes()) && check(patched) == nil {
				err = nil
			}
		}
		if err != nil {
			s.t.Errorf("%s %s answered %d, which breaks %s: %v\n%s", r.Method, r.URL.Path, rec.Code, o.spec.File, err, rec.Body.Bytes())
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// LoadSpec parses an OpenAPI file from disk (a vendor's own contract, kept in testdata/) the
// way package openapi parses ours: validated, servers reduced to their path.
func LoadSpec(t T, path string) *openapi.Spec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	spec, err := openapi.Parse(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return spec
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r Response) JSON(t T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.Body)
	}
}

// Request is one call: Body is sent as is when it is a string or []byte, as JSON otherwise;
// ContentType defaults to application/json when there is a body.
type Request struct {
	Method, Path, Token string
	Body                any
	ContentType         string
	Header              http.Header
}

// NewRequest is req as Do sends it.
func NewRequest(t T, req Request) *http.Request {
	t.Helper()
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal request body: %v", err)
		}
		body = bytes.NewReader(data)
	}
	r := httptest.NewRequest(req.Method, req.Path, body)
	if body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	for k, vs := range req.Header {
		r.Header[k] = vs
	}
	return r
}

// Do sends req to h and records the answer.
func Do(t T, h http.Handler, req Request) Response {
	t.Helper()
	r := NewRequest(t, req)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return Response{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
}

// Root is the module's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Testdata is the path of a file under the module's testdata/.
func Testdata(parts ...string) string {
	return filepath.Join(append([]string{Root(), "testdata"}, parts...)...)
}

// Compact removes insignificant whitespace from a JSON document, keeping key order and escapes.
func Compact(data []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Golden compares got with testdata/<name> byte for byte once whitespace is normalised: key
// order and escapes count. UPDATE_GOLDEN=1 rewrites the file instead (indented).
func Golden(t T, name string, got []byte) {
	t.Helper()
	path := Testdata(name)
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		var b bytes.Buffer
		if err := json.Indent(&b, got, "", "  "); err != nil {
			t.Fatalf("golden %s: got is not JSON: %v", name, err)
		}
		b.WriteByte('\n')
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("%v", err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatalf("%v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (UPDATE_GOLDEN=1 writes it)", name, err)
	}
	if err := SameJSON(want, got); err != nil {
		t.Errorf("golden %s: %v", name, err)
	}
}

// SameJSON reports how got differs from want once whitespace is normalised, or nil.
func SameJSON(want, got []byte) error {
	w, err := Compact(want)
	if err != nil {
		return fmt.Errorf("want is not JSON: %v", err)
	}
	g, err := Compact(got)
	if err != nil {
		return fmt.Errorf("got is not JSON: %v\n%s", err, got)
	}
	if !bytes.Equal(w, g) {
		i := 0
		for i < len(w) && i < len(g) && w[i] == g[i] {
			i++
		}
		from := max(i-60, 0)
		return fmt.Errorf("differs at byte %d:\n want ...%s\n  got ...%s", i, clip(w, from), clip(g, from))
	}
	return nil
}

func clip(b []byte, from int) []byte {
	return b[from:min(len(b), from+160)]
}

// B is the subset of *testing.B that Bench uses.
type B interface {
	T
	ReportAllocs()
	Loop() bool
}

// Bench serves the same request through the whole pipeline of a fresh default server for as
// long as the benchmark loops, failing it unless every answer has the expected status.
func Bench(b B, method, path string, body []byte, status int) {
	b.Helper()
	s, err := mock.New()
	if err != nil {
		b.Fatalf("mock.New: %v", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != status {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// StateGuard keeps a vendor's state as a fuzz target found it, so that every input starts from
// it, and checks that a refused request left it unchanged.
type StateGuard struct {
	snapshot func() (json.RawMessage, error)
	restore  func(json.RawMessage) error
	initial  []byte
	// dirty says the state may differ from initial: a write was sent and not found refused.
	dirty bool
}

// NewStateGuard takes the state the inputs start from.
func NewStateGuard(t T, snapshot func() (json.RawMessage, error), restore func(json.RawMessage) error) *StateGuard {
	t.Helper()
	initial, err := snapshot()
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return &StateGuard{snapshot: snapshot, restore: restore, initial: initial}
}

// Wrote notes that a request that may change the state was sent.
func (g *StateGuard) Wrote() { g.dirty = true }

// Begin starts an input from the initial state.
func (g *StateGuard) Begin(t T) {
	t.Helper()
	if g.dirty {
		g.Restore(t)
	}
}

// Restore puts the initial state back.
func (g *StateGuard) Restore(t T) {
	t.Helper()
	if err := g.restore(g.initial); err != nil {
		t.Fatalf("restore: %v", err)
	}
	g.dirty = false
}

// Unchanged reports whether the state is the initial one.
func (g *StateGuard) Unchanged(t T) bool {
	t.Helper()
	now, err := g.snapshot()
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return bytes.Equal(g.initial, now)
}

// CheckRefused fails unless a refused request (answered status, body) left the state as it
// was; the state is then known to be the initial one.
func (g *StateGuard) CheckRefused(t T, status int, body []byte) {
	t.Helper()
	if !g.Unchanged(t) {
		t.Fatalf("a refused request (%d) changed the state: %s", status, body)
	}
	g.dirty = false
}

// Query encodes the pairs (name, value, ...) as a client would: empty values left out.
func Query(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	return q.Encode()
}

// EncodeEqual reports whether a and b encode to the same JSON.
func EncodeEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
