package mock

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// seamVendor is a fake vendor with every optional seam a vendor package can implement: routes
// outside its spec, background work, admin endpoints of its own.
type seamVendor struct {
	fakeVendor
	pending int
}

func (v *seamVendor) RawRoutes() []vendorapi.RawRoute {
	return []vendorapi.RawRoute{{
		Prefix: "/connectors/files",
		Name:   "fake.file",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/boom") {
				panic("boom")
			}
			_, _ = w.Write([]byte("file at " + vendorapi.BaseURL(r) + r.URL.Path))
		}),
	}}
}

func (v *seamVendor) CompleteWork() int {
	n := v.pending
	v.pending = 0
	return n
}

func (v *seamVendor) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Method + " " + r.URL.Path))
	})
}

// seamServer is a server whose first vendor (Productsup's slot) is v.
func seamServer(t *testing.T, v vendorapi.Vendor, opts ...Option) *Server {
	t.Helper()
	s, err := New(append([]Option{WithLazyLoading()}, opts...)...)
	require.NoError(t, err)
	s.slots[0].build = func() (*mount, error) { return newMount(s, v, s.slots[0].prefixes) }
	require.NoError(t, s.Load())
	return s
}

func TestRawRoutes(t *testing.T) {
	s := seamServer(t, &seamVendor{fakeVendor: fakeVendor{handlers: allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) {})}})
	w := get(t, s, "/connectors/files/a.json")
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "file at http://example.com/connectors/files/a.json", w.Body.String(), "served with no token, before the spec")
	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	assert.Equal(t, "fake.file", reqs[len(reqs)-1].OperationID, "journaled under the route's name")

	w = get(t, s, "/connectors/files/boom")
	assert.Equal(t, 500, w.Code, "a panic in a raw route is the vendor's 500")

	w = get(t, s, "/connectors/filesX")
	assert.NotEqual(t, "fake.file", s.Requests()[len(s.Requests())-1].OperationID, "a prefix ends on a segment boundary")

	_, err := newMount(s, &badRawVendor{}, []string{"/connectors"})
	assert.ErrorContains(t, err, "raw route /elsewhere is under none of the vendor's prefixes /connectors")
}

type badRawVendor struct{ fakeVendor }

func (badRawVendor) RawRoutes() []vendorapi.RawRoute {
	return []vendorapi.RawRoute{{Prefix: "/elsewhere", Handler: http.NotFoundHandler()}}
}

func TestCompleteWorkAndVendorAdmin(t *testing.T) {
	v := &seamVendor{fakeVendor: fakeVendor{handlers: allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) {})}, pending: 3}
	s := seamServer(t, v, WithAdminToken("adm"))

	req := httptest.NewRequest("POST", AdminPrefix+"/work/complete", nil)
	req.Header.Set("Authorization", "Bearer adm")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, 200, w.Code)
	assert.JSONEq(t, `{"completed":3}`, w.Body.String())
	assert.Equal(t, 0, s.CompleteWork(), "nothing left")

	req = httptest.NewRequest("POST", AdminPrefix+"/vendors/fake/syncs/7/fail", nil)
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, 401, w.Code, "vendor admin endpoints sit behind the admin guard")

	req.Header.Set("Authorization", "Bearer adm")
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, "POST /syncs/7/fail", w.Body.String())

	req = httptest.NewRequest("GET", AdminPrefix+"/vendors/nope/x", nil)
	req.Header.Set("Authorization", "Bearer adm")
	w = httptest.NewRecorder()
	s.ServeHTTP(w, req)
	assert.Equal(t, 404, w.Code)
	assert.Contains(t, w.Body.String(), `no admin endpoints for vendor \"nope\"`)
}

func TestBaseURL(t *testing.T) {
	r := httptest.NewRequest("GET", "/x", nil)
	r.Host = "127.0.0.1:8080"
	assert.Equal(t, "http://127.0.0.1:8080", vendorapi.BaseURL(r))
	r = r.WithContext(vendorapi.WithBasePath(context.Background(), "/__sandboxes/s1"))
	r.TLS = &tls.ConnectionState{}
	assert.Equal(t, "https://127.0.0.1:8080/__sandboxes/s1", vendorapi.BaseURL(r))
}

func TestWorkDurationReachesVendors(t *testing.T) {
	s, err := New(WithWorkDuration(3 * time.Second))
	require.NoError(t, err)
	assert.Equal(t, 3*time.Second, s.vendorConfig().WorkDuration)
	s, err = New()
	require.NoError(t, err)
	assert.Equal(t, DefaultWorkDuration, s.vendorConfig().WorkDuration)
	s, err = New(WithWorkDuration(-1))
	require.NoError(t, err)
	assert.Zero(t, s.vendorConfig().WorkDuration)
}
