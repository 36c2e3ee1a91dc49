package versori_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

// orderSorts are sorts whose orders the tests below have the store keep: the default, one
// column each way, several columns, and columns repeated or after id (which share an order
// with a shorter sort).
var orderSorts = []string{"", "name:asc", "name:desc", "protocol:desc,createdAt:asc", "createdAt:asc,name:desc",
	"id:desc", "updatedAt:asc", "name:asc,name:desc", "id:asc,name:desc"}

// TestListOrdersFollowWrites: the orders an organisation keeps, built on a first list and
// then kept by every write (creates, full replaces, deletes, version changes, Put moving a
// connector to another organisation), list what sorting the organisation afresh lists, page
// by page both ways; and the writes of one server leave another server seeded alike as it
// was (the seeded state is shared, copied on write).
//
// Responses are not checked against the specs here (the other tests do): the walks send
// hundreds of lists.
func TestListOrdersFollowWrites(t *testing.T) {
	s := plainServer(t)
	other := plainServer(t) // shares the seeded state
	before := map[string][]string{}
	for _, sortBy := range orderSorts {
		before[sortBy] = listIDs(t, s, docOrg, sortBy) // builds the order
		assert.Equal(t, freshOrder(t, s.Versori().Store(), docOrg, sortBy), before[sortBy], "sort %q", sortBy)
	}

	r := rand.New(rand.NewPCG(3, 4))
	ids := before[""]
	for step := range 120 {
		id := ids[r.IntN(len(ids))]
		switch r.IntN(6) {
		case 0:
			res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/connectors", map[string]any{
				"name": fmt.Sprintf("%c created %d", 'A'+r.IntN(26), step), "baseUrl": "https://a", "authSchemeConfigs": []any{}, "connections": []any{}})
			require.Equal(t, 201, res.Status, "%s", res.Body)
			var c fx.Connector
			res.JSON(t, &c)
			ids = append(ids, c.ID)
		case 1:
			c, err := s.Versori().Store().Connector(docOrg, id)
			if err != nil {
				continue // deleted or moved
			}
			body := map[string]any{"id": c.ID, "organisationId": c.OrganisationID, "name": fmt.Sprintf("%c renamed %d", 'a'+r.IntN(26), step), "protocol": c.Protocol}
			if c.Protocol == "http" {
				body["baseUrl"] = "https://b"
			} else {
				body["datasetId"] = "p.d"
			}
			require.Equal(t, 200, do(t, s, "PUT", connectorPath(docOrg, id), body).Status)
		case 2:
			do(t, s, "DELETE", connectorPath(docOrg, id)+"?force=true", nil)
		case 3:
			do(t, s, "POST", connectorPath(docOrg, id)+"/versions", map[string]any{"name": fmt.Sprint("9.", step)})
		case 4:
			do(t, s, "DELETE", connectorPath(docOrg, id)+"/versions/latest?force=true", nil)
		case 5: // Put: a new time, and now and then another organisation
			c, err := s.Versori().Store().Connector(docOrg, id)
			if err != nil {
				continue
			}
			c.UpdatedAt = c.UpdatedAt.Add(time.Duration(r.IntN(2000)-1000) * time.Hour)
			if r.IntN(3) == 0 {
				c.OrganisationID = fx.Organisations(1)[1]
			}
			require.NoError(t, s.Versori().Store().Put(c))
		}
		if step%20 == 19 {
			for _, sortBy := range orderSorts {
				want := freshOrder(t, s.Versori().Store(), docOrg, sortBy)
				require.Equal(t, want, listIDs(t, s, docOrg, sortBy), "sort %q after step %d", sortBy, step)
				require.Equal(t, want, walkIDs(t, s, docOrg, sortBy, "after"), "sort %q after step %d, forwards", sortBy, step)
				require.Equal(t, want, walkIDs(t, s, docOrg, sortBy, "before"), "sort %q after step %d, backwards", sortBy, step)
			}
		}
	}
	for _, sortBy := range orderSorts {
		assert.Equal(t, before[sortBy], listIDs(t, other, docOrg, sortBy), "the other server's sort %q", sortBy)
	}
	assert.Equal(t, before[""], listIDs(t, plainServer(t), docOrg, ""), "a new server starts from the seed")
}

// plainServer is a mock with 60 generated connectors and no response validation.
func plainServer(t *testing.T) *mock.Server {
	t.Helper()
	s, err := mock.New(mock.WithConnectors(60), mock.WithClock(func() time.Time { return testkit.Clock }))
	require.NoError(t, err)
	return s
}

// listIDs is the organisation's connectors in one page, sorted.
func listIDs(t *testing.T, s *mock.Server, org, sortBy string) []string {
	t.Helper()
	q := url.Values{"first": {"1000"}}
	if sortBy != "" {
		q.Set("sort", sortBy)
	}
	var page versori.ConnectorPage
	res := do(t, s, "GET", listPath(org, q), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &page)
	require.Equal(t, len(page.Connectors), page.TotalCount)
	ids := []string{}
	for _, c := range page.Connectors {
		ids = append(ids, c.ID)
	}
	return ids
}

// walkIDs is the organisation's connectors by pages of 7, following the next cursors from the
// first page (direction "after") or the prev cursors from the last (direction "before").
func walkIDs(t *testing.T, s *mock.Server, org, sortBy, direction string) []string {
	t.Helper()
	q := url.Values{"first": {"7"}}
	if sortBy != "" {
		q.Set("sort", sortBy)
	}
	if n := len(listIDs(t, s, org, sortBy)); direction == "before" && n > 7 {
		q.Set("after", lastCursor(t, s, org, sortBy, n)) // start on the last page
	}
	var pages [][]string
	for range 100 {
		var page versori.ConnectorPage
		res := do(t, s, "GET", listPath(org, q), nil)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		res.JSON(t, &page)
		var ids []string
		for _, c := range page.Connectors {
			ids = append(ids, c.ID)
		}
		pages = append(pages, ids)
		cursor := page.Next
		if direction == "before" {
			q.Del("after")
			cursor = page.Prev
		}
		if cursor == "" {
			if direction == "before" {
				slices.Reverse(pages)
			}
			return slices.Concat(pages...)
		}
		q.Set(direction, cursor)
	}
	t.Fatal("more than 100 pages")
	return nil
}

// lastCursor is the next cursor of a first page holding all but the last 7 connectors: after
// it lies the last page.
func lastCursor(t *testing.T, s *mock.Server, org, sortBy string, n int) string {
	t.Helper()
	q := url.Values{"first": {fmt.Sprint(n - 7)}}
	if sortBy != "" {
		q.Set("sort", sortBy)
	}
	var page versori.ConnectorPage
	do(t, s, "GET", listPath(org, q), nil).JSON(t, &page)
	require.NotEmpty(t, page.Next)
	return page.Next
}

// freshOrder sorts the organisation's stored connectors (from a snapshot) by the contract's
// rules: columns compared as strings, times as RFC 3339 with nanoseconds, id:asc appended.
func freshOrder(t *testing.T, store *versori.Store, org, sortBy string) []string {
	t.Helper()
	data, err := store.Snapshot()
	require.NoError(t, err)
	var snap struct{ Connectors []fx.Connector }
	require.NoError(t, json.Unmarshal(data, &snap))
	if sortBy == "" {
		sortBy = "updatedAt:desc"
	}
	cols := strings.Split(sortBy, ",")
	if !slices.ContainsFunc(cols, func(c string) bool { return strings.HasPrefix(c, "id:") }) {
		cols = append(cols, "id:asc")
	}
	key := func(c fx.Connector, col string) string {
		switch col {
		case "name":
			return c.Name
		case "protocol":
			return c.Protocol
		case "createdAt":
			return c.CreatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")
		case "updatedAt":
			return c.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000Z")
		}
		return c.ID
	}
	var cs []fx.Connector
	for _, c := range snap.Connectors {
		if c.OrganisationID == org {
			cs = append(cs, c)
		}
	}
	slices.SortFunc(cs, func(a, b fx.Connector) int {
		for _, c := range cols {
			col, dir, _ := strings.Cut(c, ":")
			if n := cmp.Compare(key(a, col), key(b, col)); n != 0 {
				if dir == "desc" {
					return -n
				}
				return n
			}
		}
		return 0
	})
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// TestConcurrentOrders lists with sorts never used before (orders built on first use, some in
// the shared seeded state) on two servers seeded alike while one of them writes: run with
// -race, it checks the locking of orders built under a read lock and of the copy on write.
func TestConcurrentOrders(t *testing.T) {
	servers := []*mock.Server{}
	for range 2 {
		// A seed and count no other test uses: the shared seeded state has no orders built yet
		// (but in a second run, -count 2).
		s, err := mock.New(mock.WithConnectors(41), mock.WithSeed(41))
		require.NoError(t, err)
		servers = append(servers, s)
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			s := servers[g%2]
			for i := range 30 {
				sortBy := orderSorts[(g+i)%len(orderSorts)]
				q := url.Values{"first": {"5"}}
				if sortBy != "" {
					q.Set("sort", sortBy)
				}
				assert.Equal(t, 200, do(t, s, "GET", listPath(docOrg, q), nil).Status)
				if g == 0 { // writes on server 0 only
					res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/bigquery/connectors",
						map[string]any{"name": fmt.Sprint("c", i), "datasetId": "p.d", "connections": []any{}})
					assert.Equal(t, 201, res.Status)
				}
			}
		})
	}
	wg.Wait()
	var page versori.ConnectorPage
	do(t, servers[1], "GET", listPath(docOrg, url.Values{"name": {"c"}, "protocol": {"big"}, "first": {"1000"}}), nil).JSON(t, &page)
	for _, c := range page.Connectors {
		assert.NotEqual(t, "c0", c.Name, "server 0's writes reached server 1")
	}
}

// TestKeptOrdersAreBounded: a client cycling through sorts keeps at most MaxOrders orders
// besides the default, dropping the least recently listed, and a dropped order lists as
// before when it comes back.
func TestKeptOrdersAreBounded(t *testing.T) {
	s := plainServer(t)
	sorts := []string{"name:asc", "name:desc", "protocol:asc", "protocol:desc", "createdAt:asc", "createdAt:desc", "id:desc"}
	first := map[string][]string{}
	for _, sortBy := range sorts {
		first[sortBy] = listIDs(t, s, docOrg, sortBy)
		assert.LessOrEqual(t, s.Versori().Store().KeptOrders(docOrg), 1+versori.MaxOrders)
	}
	assert.Equal(t, 1+versori.MaxOrders, s.Versori().Store().KeptOrders(docOrg))
	for _, sortBy := range sorts {
		assert.Equal(t, first[sortBy], listIDs(t, s, docOrg, sortBy), "sort %s, rebuilt or kept", sortBy)
	}
}
