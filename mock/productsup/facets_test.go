package productsup_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// matches is the filter's rule, stated plainly: what the indexed lists must agree with.
func matches(f productsup.Filter, c fx.Connector) bool {
	return (f.Name == "" || strings.Contains(strings.ToLower(c.Name), strings.ToLower(f.Name))) &&
		(f.Type == "" || c.Type == f.Type) &&
		(f.Owner == "" || c.Owner == f.Owner) &&
		(f.Visible == "" || c.Owner == f.Visible) &&
		(f.Released == nil || *f.Released == (c.MainVersionNumber != nil && fx.ReleasedVersion(&c) != nil))
}

// checkLists compares every filter's pages, in and out of the bin, with a plain scan of the
// unfiltered list.
func checkLists(t *testing.T, store *productsup.Store, owners []string) {
	t.Helper()
	all, total := store.List(productsup.Filter{}, 0, 1<<30)
	require.Len(t, all, total)
	binned, binTotal := store.ListBin(productsup.Filter{}, 0, 1<<30)
	require.Len(t, binned, binTotal)
	yes, no := true, false
	var filters []productsup.Filter
	for _, o := range append(owners, "00000000-0000-4000-8000-000000000000") {
		filters = append(filters, productsup.Filter{Owner: o}, productsup.Filter{Visible: o},
			productsup.Filter{Owner: o, Visible: o}, productsup.Filter{Owner: o, Visible: owners[0]},
			productsup.Filter{Visible: o, Released: &yes}, productsup.Filter{Visible: o, Type: "export", Name: "a"})
	}
	for _, typ := range []string{"export", "datasource", "nope"} {
		filters = append(filters, productsup.Filter{Type: typ}, productsup.Filter{Type: typ, Released: &no})
	}
	filters = append(filters, productsup.Filter{Released: &yes}, productsup.Filter{Released: &no}, productsup.Filter{Name: "E"})
	for _, f := range filters {
		var want, wantBin []string
		for _, c := range all {
			if matches(f, c) {
				want = append(want, c.ID)
			}
		}
		for _, c := range binned {
			if matches(f, c) {
				wantBin = append(wantBin, c.ID)
			}
		}
		for _, page := range [][2]int{{0, 1000}, {0, 2}, {3, 4}, {len(want), 5}} {
			got, n := store.List(f, page[0], page[1])
			assert.Equal(t, len(want), n, "total of %+v", f)
			assert.Equal(t, window(want, page[0], page[1]), idsOf(got), "page %v of %+v", page, f)
			if f.Type == "" && f.Released == nil { // what the bin filters by
				got, n = store.ListBin(f, page[0], page[1])
				assert.Equal(t, len(wantBin), n, "bin total of %+v", f)
				assert.Equal(t, window(wantBin, page[0], page[1]), idsOf(got), "bin page %v of %+v", page, f)
			}
		}
	}
}

func window(ids []string, from, n int) []string {
	from = min(from, len(ids))
	return append([]string{}, ids[from:min(from+n, len(ids))]...)
}

func idsOf(cs []fx.Connector) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestFilteredListsFollowWrites: the filtered lists (owner, an integrator's own, type,
// released, and their combinations with a name) are indexes kept at write time; after
// creates, puts that move a connector between owners, types and released, moves to the bin
// and back, they list exactly what a scan finds. A store seeded like another shares its
// indexes until it writes, and its writes never show in the other's lists.
func TestFilteredListsFollowWrites(t *testing.T) {
	s, other := testkit.New(t, mock.WithConnectors(60)), testkit.New(t, mock.WithConnectors(60))
	store := s.Productsup().Store()
	seeded, _ := store.List(productsup.Filter{}, 0, 1<<30)
	owners := []string{fx.OwnerID(0, "a"), fx.OwnerID(0, "b"), seeded[3].Owner, seeded[0].Owner}
	otherBefore, _ := other.Productsup().Store().List(productsup.Filter{Owner: seeded[3].Owner}, 0, 100)
	checkLists(t, store, owners)

	r := rand.New(rand.NewPCG(7, 8))
	var mine []string
	for i := range 120 {
		switch op := r.IntN(6); {
		case op == 0: // create, as one of the principals
			c, err := store.Create(productsup.NewConnector{Type: []string{"export", "datasource"}[r.IntN(2)], Name: "made"}, []string{"a", "b"}[r.IntN(2)])
			require.NoError(t, err)
			mine = append(mine, c.ID)
		case op <= 2: // put a new or changed connector: another owner, type, released or not
			var c fx.Connector
			if len(mine) > 0 && r.IntN(2) == 0 {
				var err error
				c, err = store.Connector(mine[r.IntN(len(mine))])
				if err != nil {
					continue // in the bin
				}
			} else {
				c = fx.NewConnector(fx.WithSeed(9, i))
				mine = append(mine, c.ID)
			}
			c.Owner, c.Type = owners[r.IntN(len(owners))], []string{"export", "datasource"}[r.IntN(2)]
			released := r.IntN(2) == 0 && c.Versions[0].PlatformProdReference.PlatformConnector != nil
			c.Versions[0].PlatformProdReference.Released, c.MainVersionNumber = released, nil
			if released {
				major := fx.Major(c.Versions[0].Version)
				c.MainVersionNumber = &major
			}
			require.NoError(t, store.Put(c))
		case op == 3 && len(mine) > 0:
			store.MoveToBin(mine[r.IntN(len(mine))]) // refused while used on the platform: fine
		case op == 4 && len(mine) > 0:
			store.RestoreFromBin(mine[r.IntN(len(mine))]) // not found unless binned: fine
		case op == 5:
			store.MoveToBin(seeded[r.IntN(len(seeded))].ID)
		}
		if i%10 == 9 {
			checkLists(t, store, owners)
		}
	}
	otherAfter, _ := other.Productsup().Store().List(productsup.Filter{Owner: seeded[3].Owner}, 0, 100)
	assert.Equal(t, otherBefore, otherAfter, "another store seeded alike does not see these writes")
	checkLists(t, other.Productsup().Store(), owners)
	assert.True(t, slices.ContainsFunc(owners, func(o string) bool {
		n, _ := store.List(productsup.Filter{Visible: o}, 0, 1)
		return len(n) > 0
	}))
}

// TestStateListsByOwner: an integrator's state list and triggered_by are lists kept per user
// as work starts; they list exactly what a scan of every state finds, in start order, with a
// status filter on top, and an integrator asking for another user's states gets none.
func TestStateListsByOwner(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(3), mock.WithPrincipals(append(mock.DefaultPrincipals(),
		mock.Principal{Name: "dev-a", Token: "dev-a", Integrator: true}, mock.Principal{Name: "dev-b", Token: "dev-b", Integrator: true})...))
	type state struct{ ID, Status, Owner string }
	list := func(token, query string) ([]state, float64) {
		t.Helper()
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/states?limit=100&" + query, Token: token})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		var body struct {
			Data     []state `json:"data"`
			Metadata struct {
				Total float64 `json:"total"`
			} `json:"metadata"`
		}
		res.JSON(t, &body)
		return body.Data, body.Metadata.Total
	}
	owners := map[string]string{} // token -> the user id its connectors are owned by
	for i, token := range []string{"dev-a", "dev-b", "dev-a", mock.AdminToken, "dev-b", "dev-a"} {
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: token, Body: `{"connector-type":"export","connector-name":"c"}`})
		require.Equal(t, 200, res.Status)
		var created struct {
			Data fx.Connector `json:"data"`
		}
		res.JSON(t, &created)
		owners[token] = created.Data.Owner
		res = testkit.Do(t, s, testkit.Request{Method: "PUT", Path: "/connectors/" + created.Data.ID + "/versions/1/secret-registrations",
			Token: token, Body: `{"secret-registrations":["amazon/seller"]}`})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		if i == 2 {
			s.CompleteWork() // some done, some pending
		}
	}
	all, total := list(mock.AdminToken, "")
	require.Len(t, all, int(total))
	for _, who := range []string{"dev-a", "dev-b", mock.AdminToken} {
		owner := owners[who]
		var want, wantPending []state
		for _, st := range all {
			if st.Owner == owner {
				want = append(want, st)
				if st.Status == "pending" {
					wantPending = append(wantPending, st)
				}
			}
		}
		require.NotEmpty(t, want)
		got, n := list(mock.AdminToken, "triggered_by="+owner)
		assert.Equal(t, want, got, "triggered_by %s", who)
		assert.EqualValues(t, len(want), n)
		got, _ = list(mock.AdminToken, "status=pending&triggered_by="+owner)
		assert.Equal(t, wantPending, got)
		if who != mock.AdminToken {
			got, n = list(who, "")
			assert.Equal(t, want, got, "%s's own list", who)
			assert.EqualValues(t, len(want), n)
			got, n = list(who, "from=1")
			assert.Equal(t, want[1:], got)
			assert.EqualValues(t, len(want), n)
			got, n = list(who, "triggered_by="+owners[mock.AdminToken])
			assert.Empty(t, got, "another user's states")
			assert.Zero(t, n)
		}
	}
	// A restored snapshot lists the same.
	mine, _ := list("dev-a", "")
	snap, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	s.Reset(fixtures.DefaultSeed)
	gone, _ := list("dev-a", "")
	assert.Empty(t, gone)
	require.NoError(t, s.Productsup().Store().Restore(snap))
	again, _ := list("dev-a", "")
	assert.Equal(t, mine, again)
}
