// Package mocktest runs connectormock inside Go tests: one call gives a server with its own
// in-memory state, closed when the test ends.
//
//	func TestDisable(t *testing.T) {
//		s := mocktest.New(t)                           // cleanup through t.Cleanup
//		resp, err := s.Client().Post(s.URL()+"/connectors/"+productsup.DocumentedID+
//			"/versions/1/access/prod/disable", "application/json",
//			strings.NewReader(`{"accounts":[777]}`))  // the client sends mock-admin-token
//		...
//		s.AssertCalled(t, "disableConnectorVersionProdAccess", 1)
//		s.AssertNoUnmatched(t)
//	}
//
// Each server is independent: parallel tests never see each other's state. The vendors' specs
// are parsed once per process, so the second and later servers cost microseconds.
package mocktest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock"
)

// noListenerURL is the base URL of a server started with mock.WithoutListener: nothing listens
// there, the client's transport calls the handler directly.
const noListenerURL = "http://connectormock.test"

// Server is a mock running for one test. Its embedded *mock.Server gives typed access to the
// state the HTTP side serves (s.Productsup().Store(), ...), the admin operations (Reset,
// State, AddFault, ...) and the journal.
type Server struct {
	*mock.Server
	url string
	ts  *httptest.Server // nil without a listener

	closeOnce sync.Once
}

// New starts a mock for the test and registers its Close with t.Cleanup. It fails the test if
// the server cannot start. With mock.WithoutListener, no port is opened.
func New(t testing.TB, opts ...mock.Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New for code without a testing.TB (TestMain, examples): the caller must Close it.
func Start(opts ...mock.Option) (*Server, error) {
	m, err := mock.New(opts...)
	if err != nil {
		return nil, err
	}
	s := &Server{Server: m, url: noListenerURL}
	if !m.NoListener() {
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

// handlerTransport serves requests by calling the handler in-process, as fake-gcs-server's
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

// AssertCalled checks that the operation was called exactly n times (per the journal).
func (s *Server) AssertCalled(t testing.TB, operationID string, n int) bool {
	t.Helper()
	got := 0
	for _, r := range s.Requests() {
		if r.OperationID == operationID {
			got++
		}
	}
	return assert.Equal(t, n, got, "calls of %s", operationID)
}

// AssertNotCalled checks that the operation was never called.
func (s *Server) AssertNotCalled(t testing.TB, operationID string) bool {
	t.Helper()
	return s.AssertCalled(t, operationID, 0)
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
