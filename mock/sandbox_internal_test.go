package mock

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// TestSandboxBaseURL: a URL a vendor hands out (vendorapi.BaseURL) points into the sandbox
// that served the request, and a raw route of the vendor is served there too.
func TestSandboxBaseURL(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	sb, err := s.CreateSandbox(SandboxOptions{})
	require.NoError(t, err)
	inner := s.Sandbox(sb.ID)
	require.NotNil(t, inner)
	v := &seamVendor{fakeVendor: fakeVendor{handlers: allOps(func(http.ResponseWriter, *http.Request, *vendorapi.Call) {})}}
	inner.slots[0].build = func() (*mount, error) { return newMount(inner, v, inner.slots[0].prefixes) }

	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "http://mock.test:8080"+SandboxPrefix+"/"+sb.ID+"/connectors/files/a.json", nil))
	assert.Equal(t, 200, w.Code)
	assert.Equal(t, "file at http://mock.test:8080/__sandboxes/"+sb.ID+"/connectors/files/a.json", w.Body.String())
	assert.Empty(t, s.Requests(), "journaled in the sandbox")
	require.Len(t, inner.Requests(), 1)
	assert.Equal(t, "fake.file", inner.Requests()[0].OperationID)
}
