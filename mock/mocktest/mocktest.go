// Package mocktest runs connectormock inside Go tests: one call gives a server with its own
// in-memory state, closed when the test ends.
//
//	func TestDisable(t *testing.T) {
//		s := mocktest.New(t)                  // or NewInProcess: no port, in-process client
//		resp, err := s.Client().Post(s.URL()+"/connectors/"+productsup.DocumentedID+
//			"/versions/1/access/prod/disable", "application/json",
//			strings.NewReader(`{"accounts":[777]}`)) // the client sends mock-admin-token
//		...
//		s.AssertCalled(t, "connector_disable_prod_access", 1) // a typo fails the test
//		s.AssertNoUnmatched(t)
//	}
//
// Each server is independent: parallel tests never see each other's state. The vendors' specs
// are parsed once per process, so the second and later servers cost microseconds. The embedded
// *mock.Server gives typed access to the state (s.Productsup().Store(), ...), faults and the
// journal.
package mocktest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock"
)

// inProcessURL is the base URL of a server started in process: nothing listens there, the
// client's transport calls the handler directly.
const inProcessURL = "http://connectormock.test"

// Server is a mock running for one test. Its embedded *mock.Server gives typed access to the
// state the HTTP side serves (s.Productsup().Store(), ...), the admin operations (Reset,
// State, AddFault, ...) and the journal.
type Server struct {
	*mock.Server
	url string
	ts  *httptest.Server // nil without a listener

	closeOnce sync.Once
}

// New starts a mock listening on a loopback port for the test and registers its Close with
// t.Cleanup. It fails the test if the server cannot start.
func New(t testing.TB, opts ...mock.Option) *Server {
	t.Helper()
	return must(t, true, opts)
}

// NewInProcess is New without a listener: no port is opened, and the client that Client
// returns calls the server's handler in process. Use it when the code under test takes an
// *http.Client; a client that dials the URL itself needs New.
func NewInProcess(t testing.TB, opts ...mock.Option) *Server {
	t.Helper()
	return must(t, false, opts)
}

func must(t testing.TB, listen bool, opts []mock.Option) *Server {
	t.Helper()
	s, err := start(listen, opts)
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New for code without a testing.TB (TestMain, examples): the caller must Close it.
func Start(opts ...mock.Option) (*Server, error) { return start(true, opts) }

// StartInProcess is NewInProcess for code without a testing.TB: the caller must Close it.
func StartInProcess(opts ...mock.Option) (*Server, error) { return start(false, opts) }

func start(listen bool, opts []mock.Option) (*Server, error) {
	m, err := mock.New(opts...)
	if err != nil {
		return nil, err
	}
	s := &Server{Server: m, url: inProcessURL}
	if listen {
		s.ts = httptest.NewServer(m)
		s.url = s.ts.URL
	}
	return s, nil
}

// URL is the base URL to give a vendor SDK or client ("http://127.0.0.1:PORT").
func (s *Server) URL() string { return s.url }

// Close stops the server. It is safe to call more than once (t.Cleanup calls it too).
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		if s.ts != nil {
			s.ts.Close()
		}
	})
}

// Client returns a client for the server that sends "Authorization: Bearer mock-admin-token"
// on every request that carries no Authorization header of its own.
func (s *Server) Client() *http.Client { return s.ClientWithToken(mock.AdminToken) }

// ClientWithToken is Client with another default token ("" sends none).
func (s *Server) ClientWithToken(token string) *http.Client {
	var base http.RoundTripper = handlerTransport{s.Server}
	if s.ts != nil {
		base = s.ts.Client().Transport
	}
	return &http.Client{Transport: tokenTransport{token: token, next: base}}
}

// AdminToken and ReadOnlyToken are the default tokens (see package mock).
const (
	AdminToken    = mock.AdminToken
	ReadOnlyToken = mock.ReadOnlyToken
)

type tokenTransport struct {
	token string
	next  http.RoundTripper
}

func (t tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if t.token != "" && r.Header.Get("Authorization") == "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	return t.next.RoundTrip(r)
}

// handlerTransport serves requests by calling the handler in process, as fake-gcs-server's
// NoListener mode does.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	if err := r.Context().Err(); err != nil {
		return nil, err // the caller gave up (a Prefer delay, say): as a network client would see it
	}
	res := w.Result()
	res.Request = r
	if res.Body == nil {
		res.Body = io.NopCloser(bytes.NewReader(nil))
	}
	return res, nil
}

// AssertCalled checks that the operation was called exactly n times (per the journal). An
// operationId that no vendor of the server has fails the test, naming the close matches: a
// typo must not pass as "never called".
func (s *Server) AssertCalled(t testing.TB, operationID string, n int) bool {
	t.Helper()
	if !s.knows(t, operationID) {
		return false
	}
	got := 0
	for _, r := range s.Requests() {
		if r.OperationID == operationID {
			got++
		}
	}
	return assert.Equal(t, n, got, "calls of %s", operationID)
}

// AssertNotCalled checks that the operation was never called; an unknown operationId fails
// as it does for AssertCalled.
func (s *Server) AssertNotCalled(t testing.TB, operationID string) bool {
	t.Helper()
	return s.AssertCalled(t, operationID, 0)
}

// knows fails the test unless operationID is an operation of the server.
func (s *Server) knows(t testing.TB, operationID string) bool {
	t.Helper()
	ids := s.OperationIDs()
	if slices.Contains(ids, operationID) {
		return true
	}
	msg := fmt.Sprintf("no operation %q on this server", operationID)
	if near := closeMatches(operationID, ids); len(near) > 0 {
		msg += "; did you mean " + strings.Join(near, ", ") + "?"
	} else {
		msg += fmt.Sprintf(" (%d operations; Server.OperationIDs lists them)", len(ids))
	}
	return assert.Fail(t, msg)
}

// closeMatches returns the ids that differ from id only in case, contain it or are contained
// in it (ignoring case), or are within a few edits of it: the likely intended names, best first.
func closeMatches(id string, ids []string) []string {
	type match struct {
		id   string
		dist int
	}
	lower := strings.ToLower(id)
	var out []match
	for _, c := range ids {
		lc := strings.ToLower(c)
		d := editDistance(lower, lc)
		switch {
		case d == 0: // differs in case only
		case len(lower) >= 4 && (strings.Contains(lc, lower) || strings.Contains(lower, lc)):
			d = 1 + abs(len(lc)-len(lower))/4
		case d > max(2, len(lower)/4):
			continue
		}
		out = append(out, match{c, d})
	}
	slices.SortStableFunc(out, func(a, b match) int { return a.dist - b.dist })
	names := make([]string, 0, min(len(out), 5))
	for _, m := range out[:min(len(out), 5)] {
		names = append(names, strconv.Quote(m.id))
	}
	return names
}

// editDistance is the Levenshtein distance between a and b, by bytes (operationIds are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// AssertNoUnmatched fails listing every request that matched no operation or failed
// validation, with the reason: what a client under test should never send.
func (s *Server) AssertNoUnmatched(t testing.TB) bool {
	t.Helper()
	var bad []string
	for _, r := range s.Requests() {
		if r.Unmatched() {
			bad = append(bad, fmt.Sprintf("%s %s -> %d: %s", r.Method, r.Path, r.Status, r.Error))
		}
	}
	if len(bad) == 0 {
		return true
	}
	return assert.Fail(t, fmt.Sprintf("%d request(s) matched no operation or failed validation:\n%s", len(bad), strings.Join(bad, "\n")))
}
