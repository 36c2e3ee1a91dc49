package mock_test

import (
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// endless is a request body that never ends, counting what the server reads of it.
type endless struct {
	prefix string
	read   atomic.Int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		off := int(e.read.Add(1)) - 1
		switch {
		case off < len(e.prefix):
			p[i] = e.prefix[off]
		case off%2 == 0:
			p[i] = '1'
		default:
			p[i] = ','
		}
	}
	return len(p), nil
}

// TestBodyOverLimitIsRefusedUnread: every vendor refuses a body over the limit with its 400,
// having read little more than the limit of a body that never ends.
func TestBodyOverLimitIsRefusedUnread(t *testing.T) {
	const limit = 64 << 10
	for _, c := range []struct{ vendor, method, path, prefix, shape string }{
		{"productsup", "POST", "/connectors/" + productsup.DocumentedID + "/versions/1/access/prod/disable", `{"accounts":[`, `"message":"Bad request."`},
		{"conductorone", "POST", "/api/v1/apps/2fNYt5ovfagQ9ArtVtVeIULrWrf/connectors/2tJx9rcUyjZ15BXoMYi2BGkgqD8", `{"connector":{"userIds":[`, `"code":3`},
		{"versori", "PUT", "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P/connectors/01JQQEESWY391NGMH0BV4G0BAV", `{"tags":{"a":[`, `"code":"bad_request"`},
	} {
		t.Run(c.vendor, func(t *testing.T) {
			s := testkit.New(t, mock.WithMaxBodyBytes(limit))
			before, err := s.State()
			require.NoError(t, err)
			body := &endless{prefix: c.prefix}
			r := httptest.NewRequest(c.method, c.path, io.NopCloser(body))
			r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			assert.Equal(t, 400, w.Code, "%s", w.Body)
			assert.Contains(t, w.Body.String(), c.shape)
			assert.Contains(t, w.Body.String(), fmt.Sprint(limit), "the message gives the limit")
			assert.Less(t, body.read.Load(), int64(limit+64<<10), "the body is not read whole")
			after, err := s.State()
			require.NoError(t, err)
			assert.Equal(t, before, after)
		})
	}
}

// TestTenThousandIds: a body with 10 000 ids is served (targets, enable, disable) in bounded
// time and answers the whole version; lists stay duplicate-free.
func TestTenThousandIds(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	ids := make([]string, 10_000)
	for i := range ids {
		ids[i] = fmt.Sprint(100_000 + i)
	}
	list := "[" + strings.Join(ids, ",") + "]"
	base := "/connectors/" + productsup.DocumentedID + "/versions/1/"
	for _, step := range []struct{ method, path, body string }{
		{"POST", base + "targets", `{"target-accounts":` + list + `,"target-sites":` + list + `}`},
		{"POST", base + "targets", `{"target-accounts":` + list + `}`},
		{"POST", base + "access/prod/enable", `{"accounts":` + list + `,"sites":` + list + `}`},
		{"POST", base + "access/prod/disable", `{"accounts":` + list + `}`},
		{"PUT", base + "targets", `{"target-sites":[666]}`},
	} {
		res := testkit.Do(t, s, testkit.Request{Method: step.method, Path: step.path, Token: mock.AdminToken, Body: step.body})
		require.Equal(t, 200, res.Status, "%s %s: %.300s", step.method, step.path, res.Body)
	}
	v, err := s.Productsup().Store().Version(productsup.DocumentedID, "1")
	require.NoError(t, err)
	p := v.PlatformProdReference
	assert.Len(t, p.TargetAccounts, 3+10_000, "added once each")
	assert.Equal(t, []int64{789, 987, 777}, p.EnabledForAccounts, "the 10 000 were enabled, then disabled")
	assert.Equal(t, []int64{666}, p.TargetSites)
	assert.Equal(t, []int64{666}, p.EnabledForSites, "replacing the targets dropped the other grants")
}
