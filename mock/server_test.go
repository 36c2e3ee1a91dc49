package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// fakeVendor serves the Productsup spec with handlers chosen by the test, to drive the shared
// pipeline into corners the real vendors never reach.
// Public implements vendorapi.Vendor.
func (f *fakeVendor) Public() any { return f }

type fakeVendor struct {
	handlers map[string]vendorapi.HandlerFunc
	authz    func(*vendorapi.Call) *vendorapi.Error
}

func (f *fakeVendor) Name() string        { return "fake" }
func (f *fakeVendor) Spec() *openapi.Spec { return openapi.MustLoad("productsup") }
func (f *fakeVendor) Handlers() map[string]vendorapi.HandlerFunc {
	return f.handlers
}
func (f *fakeVendor) WriteError(w http.ResponseWriter, e *vendorapi.Error) {
	kit.WriteJSON(w, e.Status(), map[string]string{"message": e.Error()})
}
func (f *fakeVendor) ValidationOptions() vendorapi.ValidationOptions {
	return vendorapi.ValidationOptions{}
}
func (f *fakeVendor) Counts() map[string]int             { return nil }
func (f *fakeVendor) Creates(string) bool                { return false }
func (f *fakeVendor) Reset(vendorapi.Config)             {}
func (f *fakeVendor) Snapshot() (json.RawMessage, error) { return json.RawMessage(`{}`), nil }
func (f *fakeVendor) Restore(json.RawMessage) error      { return nil }

func allOps(h vendorapi.HandlerFunc) map[string]vendorapi.HandlerFunc {
	m := map[string]vendorapi.HandlerFunc{}
	for _, item := range openapi.MustLoad("productsup").Doc.Paths.Map() {
		for _, op := range item.Operations() {
			m[op.OperationID] = h
		}
	}
	return m
}

func fakeServer(t *testing.T, v vendorapi.Vendor, opts ...Option) (*Server, *mount) {
	t.Helper()
	s, err := New(opts...)
	require.NoError(t, err)
	m, err := newMount(s, v, []string{pathPrefix(v.Spec())})
	require.NoError(t, err)
	return s, m
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+AdminToken)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestUnknownPathIsJSON404(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	for _, path := range []string{"/", "/nope", "/api/unknown/x"} {
		w := get(t, s, path)
		assert.Equal(t, 404, w.Code, path)
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		var body map[string]string
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), "%s", w.Body)
		assert.Contains(t, body["message"], "no API is served at GET "+path)
		assert.Contains(t, body["message"], "/connectors")
	}
}

func TestMissingHandlerRefusesToStart(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	handlers := allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) {})
	delete(handlers, "connector_show")
	_, err = newMount(s, &fakeVendor{handlers: handlers}, []string{"/connectors"})
	assert.ErrorContains(t, err, "no handler for operations connector_show of productsup.yaml")
}

func TestPanicBecomesVendor500(t *testing.T) {
	var logs bytes.Buffer
	_, m := fakeServer(t, &fakeVendor{handlers: allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) {
		panic("boom")
	})}, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	w := get(t, m, "/connectors/"+productsup.DocumentedID)
	assert.Equal(t, 500, w.Code)
	assert.Contains(t, w.Body.String(), "Internal Server Error")
	assert.Contains(t, logs.String(), "panic: boom")
	assert.Contains(t, logs.String(), "level=ERROR")
}

func TestAuthorizerRunsBeforeValidation(t *testing.T) {
	called := false
	v := &fakeVendor{
		handlers: allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) { called = true }),
	}
	_, m := fakeServer(t, &authzVendor{v, func(c *vendorapi.Call) *vendorapi.Error {
		assert.Equal(t, "connector_show", c.OperationID)
		assert.Equal(t, "not-a-uuid", c.Params["publicId"], "path parameters are known to the authorizer")
		assert.Equal(t, "admin", c.Principal.Name)
		return &vendorapi.Error{Kind: vendorapi.KindForbidden, Message: "scope"}
	}})
	w := get(t, m, "/connectors/not-a-uuid")
	assert.Equal(t, 403, w.Code, "403 wins over the 400 the invalid uuid would get")
	assert.False(t, called)
}

type authzVendor struct {
	*fakeVendor
	authorize func(*vendorapi.Call) *vendorapi.Error
}

func (a *authzVendor) Authorize(c *vendorapi.Call) *vendorapi.Error { return a.authorize(c) }

func TestResponseValidationReportsDrift(t *testing.T) {
	var reported []error
	_, m := fakeServer(t, &fakeVendor{handlers: allOps(func(w http.ResponseWriter, _ *http.Request, _ *vendorapi.Call) {
		kit.WriteJSON(w, http.StatusOK, map[string]any{"message": 1})
	})}, WithResponseValidation(func(err error) { reported = append(reported, err) }))
	get(t, m, "/connectors/"+productsup.DocumentedID)
	require.Len(t, reported, 1)
	assert.ErrorContains(t, reported[0], "connector_show")
	assert.ErrorContains(t, reported[0], "productsup.yaml")

	reported = nil
	_, m = fakeServer(t, &fakeVendor{handlers: allOps(func(w http.ResponseWriter, _ *http.Request, _ *vendorapi.Call) {
		kit.WriteJSON(w, http.StatusTeapot, map[string]any{"message": "tea"})
	})}, WithResponseValidation(func(err error) { reported = append(reported, err) }))
	get(t, m, "/connectors/"+productsup.DocumentedID)
	require.Len(t, reported, 1, "an undocumented status is drift too")
	assert.ErrorContains(t, reported[0], "418")
}

func TestRequestLog(t *testing.T) {
	var logs bytes.Buffer
	s, err := New(WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	require.NoError(t, err)
	get(t, s, "/connectors/"+productsup.DocumentedID)
	var line map[string]any
	require.NoError(t, json.Unmarshal(logs.Bytes(), &line), "%s", logs.String())
	assert.Equal(t, "request", line["msg"])
	assert.Equal(t, "productsup", line["vendor"])
	assert.Equal(t, "connector_show", line["operation"])
	assert.EqualValues(t, 200, line["status"])
}

func TestOptions(t *testing.T) {
	s, err := New(WithSeed(0), WithConnectors(-5))
	require.NoError(t, err)
	assert.Equal(t, fixtures.DefaultSeed, s.Seed(), "seed 0 is the default seed, never crypto-random")
	assert.Equal(t, 1, s.Productsup().Store().Len(), "only the documented connector")
	assert.Contains(t, s.Vendors(), "productsup")

	s, err = New(WithPrincipals(vendorapi.Principal{Name: "ci", Token: "t0k"}))
	require.NoError(t, err)
	assert.Equal(t, 401, get(t, s, "/connectors").Code, "the default tokens are replaced")
	r := httptest.NewRequest("GET", "/connectors", nil)
	r.Header.Set("Authorization", "bearer t0k")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	assert.Equal(t, 200, w.Code, "the scheme is case-insensitive")
}

func TestPathPrefix(t *testing.T) {
	assert.Equal(t, "/api/v1", pathPrefix(openapi.MustLoad("conductorone")), "/api/v1/apps, /api/v1/connectorcatalog and /api/v1/search/apps")
	assert.Equal(t, "/", pathPrefix(openapi.MustLoad("productsup")), "/connectors, /builds and /states share no segment")
}

func TestErrorKinds(t *testing.T) {
	for kind, status := range map[vendorapi.Kind]int{
		vendorapi.KindBadRequest: 400, vendorapi.KindUnauthenticated: 401, vendorapi.KindForbidden: 403,
		vendorapi.KindNotFound: 404, vendorapi.KindMethodNotAllowed: 405, vendorapi.KindConflict: 409,
		vendorapi.KindInternal: 500,
	} {
		e := &vendorapi.Error{Kind: kind, Message: "m", Err: errors.New("cause")}
		assert.Equal(t, status, e.Status())
		assert.True(t, strings.HasPrefix(e.Error(), http.StatusText(status)))
		assert.ErrorContains(t, errors.Unwrap(e), "cause")
	}
}

// TestVendorPrefixes holds the vendors table to the specs: every operation path of a vendor's
// spec, and every raw route it serves, lies under one of its prefixes, and every prefix is
// used by one of them (a prefix nobody uses would swallow other paths into the vendor's 404).
func TestVendorPrefixes(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	for _, v := range vendors {
		spec := openapi.MustLoad(v.name)
		paths := []string{}
		for _, p := range spec.Doc.Paths.InMatchingOrder() {
			paths = append(paths, spec.BasePath+p)
		}
		for _, sl := range s.slots {
			if m, _ := sl.get(); m != nil && sl.name == v.name {
				for _, rt := range m.raw {
					paths = append(paths, rt.Prefix)
				}
			}
		}
		used := map[string]bool{}
		for _, p := range paths {
			i := slices.IndexFunc(v.prefixes, func(prefix string) bool { return underPrefix(p, prefix) })
			if assert.GreaterOrEqual(t, i, 0, "%s: %s lies under none of %v", v.name, p, v.prefixes) {
				used[v.prefixes[i]] = true
			}
		}
		for _, prefix := range v.prefixes {
			assert.True(t, used[prefix], "%s: no path of the spec or raw route uses prefix %s", v.name, prefix)
		}
	}
}

func TestLazyLoading(t *testing.T) {
	s, err := New(WithLazyLoading())
	require.NoError(t, err)
	assert.Equal(t, VendorNames(), s.Vendors(), "known before any is built")
	var wg sync.WaitGroup
	for range 16 { // first requests race to build the vendor: it is built once
		wg.Go(func() {
			assert.Equal(t, 200, get(t, s, "/connectors/"+productsup.DocumentedID).Code)
		})
	}
	wg.Wait()
	require.NoError(t, s.Load())
	assert.Len(t, s.Health().Vendors, 3)

	broken, err := New(WithLazyLoading())
	require.NoError(t, err)
	broken.slots[0].build = func() (*mount, error) { return nil, errors.New("productsup.yaml: invalid at /paths") }
	w := get(t, broken, "/connectors")
	assert.Equal(t, 500, w.Code)
	assert.Contains(t, w.Body.String(), "productsup.yaml: invalid at /paths")
	assert.ErrorContains(t, broken.Load(), "invalid at /paths", "Load reports what New would have")
	assert.Equal(t, 200, get(t, broken, "/api/v1/apps/2fNYt5ovfagQ9ArtVtVeIULrWrf/connectors").Code, "the other vendors still serve")
}

// pathPrefix is the longest run of whole path segments that every operation path of the spec
// starts with, under its base path: what the server routes to this vendor.
func pathPrefix(spec *openapi.Spec) string {
	var common []string
	first := true
	for _, p := range spec.Doc.Paths.InMatchingOrder() {
		segs := strings.Split(strings.Trim(p, "/"), "/")
		if i := slices.IndexFunc(segs, func(s string) bool { return strings.Contains(s, "{") }); i >= 0 {
			segs = segs[:i]
		}
		if first {
			common, first = segs, false
			continue
		}
		n := 0
		for n < len(common) && n < len(segs) && common[n] == segs[n] {
			n++
		}
		common = common[:n]
	}
	return spec.BasePath + "/" + strings.Join(common, "/")
}

// TestValidationSkipsKinSecurityCheck: authentication runs before validation, so validation
// sees the operation without its security requirement and kin-openapi never calls its
// authentication function (whose check read the whole body once more); the handler still
// gets the body whole.
func TestValidationSkipsKinSecurityCheck(t *testing.T) {
	var body string
	_, m := fakeServer(t, &fakeVendor{handlers: allOps(func(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.WriteHeader(200)
	})})
	m.options.AuthenticationFunc = func(context.Context, *openapi3filter.AuthenticationInput) error {
		t.Error("kin-openapi checked a security requirement")
		return nil
	}
	req := httptest.NewRequest("POST", "/connectors/"+productsup.DocumentedID+"/versions/1/access/prod/disable", strings.NewReader(`{"accounts":[777]}`))
	req.Header.Set("Authorization", "Bearer "+AdminToken)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	m.ServeHTTP(w, req)
	assert.Equal(t, 200, w.Code, w.Body.String())
	assert.Equal(t, `{"accounts":[777]}`, body)

	req = httptest.NewRequest("POST", "/connectors/"+productsup.DocumentedID+"/versions/1/access/prod/disable", strings.NewReader(`{"accounts":[777]}`))
	req.Header.Set("Content-Type", "application/json")
	w = httptest.NewRecorder()
	m.ServeHTTP(w, req)
	assert.Equal(t, 401, w.Code, "the requirement is still enforced, by the server's own authentication")
}
