// Package consumer is a module outside connectormock that uses it as a library, the way a
// user's project does: through a replace to this clone, with only the public packages.
// .ci/run runs its tests; they fail if the public API a user relies on breaks.
package consumer

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/mocktest"
)

func get(t *testing.T, s *mocktest.Server, path string) int {
	t.Helper()
	resp, err := s.Client().Get(s.URL() + path)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// Two connectors per vendor from the builders: distinct ids, both stored, both served.
func TestTwoConnectorsPerVendor(t *testing.T) {
	s := mocktest.New(t, mock.WithConnectors(0))

	p1, p2 := productsup.NewConnector(), productsup.NewConnector(productsup.WithName("second"))
	require.NotEqual(t, p1.ID, p2.ID)
	before := s.Productsup().Store().Len()
	require.NoError(t, s.Productsup().Store().Put(p1))
	require.NoError(t, s.Productsup().Store().Put(p2))
	assert.Equal(t, before+2, s.Productsup().Store().Len())

	c1, c2 := conductorone.NewConnector(), conductorone.NewConnector(conductorone.WithDisplayName("second"))
	require.NotEqual(t, c1.ID, c2.ID)
	before = s.ConductorOne().Store().Len()
	require.NoError(t, s.ConductorOne().Store().Put(c1))
	require.NoError(t, s.ConductorOne().Store().Put(c2))
	assert.Equal(t, before+2, s.ConductorOne().Store().Len())

	v1, v2 := versori.NewConnector(), versori.NewConnector(versori.WithName("second"))
	require.NotEqual(t, v1.ID, v2.ID)
	before = s.Versori().Store().Len()
	require.NoError(t, s.Versori().Store().Put(v1))
	require.NoError(t, s.Versori().Store().Put(v2))
	assert.Equal(t, before+2, s.Versori().Store().Len())

	for _, c := range []productsup.Connector{p1, p2} {
		assert.Equal(t, http.StatusOK, get(t, s, "/connectors/"+c.ID))
	}
	for _, c := range []conductorone.Connector{c1, c2} {
		assert.Equal(t, http.StatusOK, get(t, s, "/api/v1/apps/"+c.AppID+"/connectors/"+c.ID))
	}
	for _, c := range []versori.Connector{v1, v2} {
		assert.Equal(t, http.StatusOK, get(t, s, "/api/connect/v1/o/"+c.OrganisationID+"/connectors/"+c.ID))
	}

	s.AssertCalled(t, "connector_show", 2)
	s.AssertCalled(t, "c1.api.app.v1.ConnectorService.Get", 2)
	s.AssertCalled(t, "GetConnector", 2)
	s.AssertNotCalled(t, "connector_disable_prod_access")
	s.AssertNoUnmatched(t)
}

// A value the contract forbids is refused by the store, naming the field.
func TestPutRefusesWhatTheContractForbids(t *testing.T) {
	s := mocktest.NewInProcess(t)
	err := s.Productsup().Store().Put(productsup.NewConnector(productsup.WithID("not-a-uuid")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "id")

	err = s.Versori().Store().Put(versori.NewConnector(versori.WithProtocol("ftp")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "protocol")
}

// recorder is a testing.TB that keeps failures instead of failing the test.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// A mistyped operationId fails the assertion instead of passing as "never called".
func TestMistypedOperationFails(t *testing.T) {
	s := mocktest.NewInProcess(t)
	r := &recorder{TB: t}
	assert.False(t, s.AssertNotCalled(r, "connector_lst"))
	require.Len(t, r.failures, 1)
	assert.True(t, strings.Contains(r.failures[0], `"connector_list"`), "names the close match: %s", r.failures[0])
}
