package mock_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// Concurrency: goroutines x calls mixed writes and shared reads against one server. Under the
// race detector (CI) each goroutine makes 500 calls: the detector watches the calls overlap,
// which 8 x 500 do as well as 8 x 2000, and 32,000 calls and their replay took a minute of
// the suite's time under it (4,000 take a quarter of that).
const goroutines = 8

var callsEach = map[bool]int{false: 2000, true: 500}[mock.RaceDetector]

// vendors whose creates take their ids from a per-store counter.
const (
	createdC1      = "conductorone"
	createdVersori = "versori"
)

// call is one request a goroutine made and how it was answered.
type call struct {
	method, path, op string
	body             []byte
	status           int
	sum              [32]byte // of the answer's body
	// created names the vendor whose id counter a successful create advanced, with the id it
	// handed out; k is that id's place in the counter's sequence, found after the run.
	created, id string
	k           int
}

func (c call) write() bool { return c.method != "GET" }
func (c call) ok() bool    { return c.status >= 200 && c.status < 300 }

// own are the resources of one goroutine: no other goroutine writes them, so the calls of
// different goroutines commute.
type own struct {
	g            int
	productsup   string // connector id
	c1App        string
	c1Live       []string // connector ids of c1App
	versoriLive  []string
	versoriProto map[string]string // protocol of each live Versori connector
	versoriInUse map[string]bool   // whether it has connections
	rng          *rand.Rand
	calls        []call
}

// setup puts every goroutine's own resources into s by typed access, in a fixed order, so
// a replay server built the same way holds the same state.
func setup(t *testing.T, s *mock.Server) []*own {
	t.Helper()
	var all []*own
	for g := range goroutines {
		o := &own{g: g, rng: rand.New(rand.NewPCG(uint64(g), 7)), versoriProto: map[string]string{}, versoriInUse: map[string]bool{}}

		p := productsup.Documented()
		p.ID = fmt.Sprintf("c0ffee00-0000-4000-8000-%012d", g)
		ref := &p.Versions[0].PlatformProdReference
		ref.TargetAccounts, ref.TargetProjects, ref.TargetSites = []int64{1, 2, 3}, []int64{1, 2, 3}, []int64{1, 2, 3}
		ref.EnabledForAccounts, ref.EnabledForProjects, ref.EnabledForSites = []int64{1}, []int64{1}, []int64{1}
		require.NoError(t, s.Productsup().Store().Put(p))
		o.productsup = p.ID

		app := conductorone.DocumentedApp()
		app.ID = fmt.Sprintf("hardeningApp%02d", g)
		require.NoError(t, s.ConductorOne().Store().PutApp(app))
		o.c1App = app.ID
		for i := range 3 {
			c := conductorone.Documented()
			c.ID, c.AppID = fmt.Sprintf("hardeningConnector%02d%02d", g, i), app.ID
			require.NoError(t, s.ConductorOne().Store().Put(c))
			o.c1Live = append(o.c1Live, c.ID)
		}

		for i := range 2 {
			c := versori.Documented()
			c.ID = versori.ID(1, "hardening", g*10+i)
			require.NoError(t, s.Versori().Store().Put(c))
			o.versoriLive = append(o.versoriLive, c.ID)
			o.versoriProto[c.ID], o.versoriInUse[c.ID] = "http", true
		}
		all = append(all, o)
	}
	return all
}

// do sends one call and records it.
func (o *own) do(t *testing.T, s *mock.Server, method, path, op string, body []byte) (call, testkit.Response) {
	res := testkit.Do(t, s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: bodyOrNil(body)})
	c := call{method: method, path: path, op: op, body: body, status: res.Status, sum: sha256.Sum256(res.Body)}
	return c, res
}

func bodyOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

func (o *own) pick(list []string) string { return list[o.rng.IntN(len(list))] }

// ids is a random subset of 1..4, as a JSON list.
func (o *own) ids() string {
	var out []int
	for id := 1; id <= 4; id++ {
		if o.rng.IntN(2) == 0 {
			out = append(out, id)
		}
	}
	b, _ := json.Marshal(append([]int{}, out...))
	return string(b)
}

// step makes one random call of the goroutine's mix.
func (o *own) step(t *testing.T, s *mock.Server, i int) {
	const c1 = "c1.api.app.v1.ConnectorService."
	const vo = "/api/connect/v1/o/" + versori.DocumentedOrganisationID
	pv := "/connectors/" + o.productsup + "/versions/1"
	var c call
	var res testkit.Response
	want := []int{200} // the statuses the goroutine's own model allows
	switch o.rng.IntN(16) {
	case 0:
		want = []int{200, 400} // 400 when an id is not in the version's target lists
		c, res = o.do(t, s, "POST", pv+"/access/prod/enable", "connector_enable_prod_access",
			fmt.Appendf(nil, `{"accounts":%s,"projects":%s,"sites":%s}`, o.ids(), o.ids(), o.ids()))
	case 1:
		want = []int{200, 400}
		c, res = o.do(t, s, "POST", pv+"/access/prod/disable", "connector_disable_prod_access",
			fmt.Appendf(nil, `{"accounts":%s,"sites":%s}`, o.ids(), o.ids()))
	case 2:
		c, res = o.do(t, s, "POST", pv+"/targets", "connector_targets_add", fmt.Appendf(nil, `{"target-accounts":%s,"target-projects":%s}`, o.ids(), o.ids()))
	case 3:
		c, res = o.do(t, s, "PUT", pv+"/targets", "connector_targets_update", fmt.Appendf(nil, `{"target-sites":%s,"target-accounts":%s}`, o.ids(), o.ids()))
	case 4, 5, 6:
		updates := []struct{ connector, mask string }{
			{`{"displayName":"g%d-%d"}`, `"displayName"`},
			{`{"description":"g%d-%d","displayName":"not copied"}`, `"description"`},
			{`{"displayName":"g%d","description":"%d"}`, `"displayName,description"`},
			{`{"status":{"lastError":"g%d-%d","status":"SYNC_STATUS_DONE"}}`, `"status.lastError"`},
			{`{"profileAllowList":["g%d","%d"]}`, `"profileAllowList"`},
			{`{"displayName":"implicit g%d-%d"}`, `""`},
			{`{"displayName":"g%d-%d"}`, `"createdAt"`}, // refused: output only
		}
		u := updates[o.rng.IntN(len(updates))]
		if u.mask == `"createdAt"` {
			want = []int{400}
		}
		expand := []string{`{"paths":[]}`, `{"paths":["*"]}`, `{"paths":["app_id"]}`}[o.rng.IntN(3)]
		body := fmt.Appendf(nil, `{"connector":`+u.connector+`,"updateMask":%s,"expandMask":%s}`, o.g, i, u.mask, expand)
		c, res = o.do(t, s, "POST", "/api/v1/apps/"+o.c1App+"/connectors/"+o.pick(o.c1Live), c1+"Update", body)
	case 7:
		if o.rng.IntN(2) == 0 {
			c, res = o.do(t, s, "POST", "/api/v1/apps/"+o.c1App+"/connectors/create", c1+"Create",
				fmt.Appendf(nil, `{"catalogId":"catalogId","description":"g%d","config":{"@type":"type.googleapis.com/x","n":%d},"userIds":["u%d"]}`, o.g, i, o.g))
		} else {
			c, res = o.do(t, s, "POST", "/api/v1/apps/"+o.c1App+"/connectors", c1+"CreateDelegated",
				fmt.Appendf(nil, `{"catalogId":"catalogId","description":"g%d","displayName":"pending g%d-%d"}`, o.g, o.g, i))
		}
		if res.Status == 200 {
			var b struct {
				ConnectorView struct{ Connector struct{ ID string } }
			}
			if err := json.Unmarshal(res.Body, &b); err != nil {
				t.Errorf("create answered %s: %v", res.Body, err)
			}
			c.created, c.id = createdC1, b.ConnectorView.Connector.ID
			o.c1Live = append(o.c1Live, c.id)
		}
	case 8:
		if len(o.c1Live) < 2 {
			return // keep one to update
		}
		id := o.pick(o.c1Live)
		c, res = o.do(t, s, "DELETE", "/api/v1/apps/"+o.c1App+"/connectors/"+id, c1+"Delete", nil)
		if res.Status == 200 {
			o.c1Live = slices.DeleteFunc(o.c1Live, func(x string) bool { return x == id })
		}
	case 9, 10:
		id := o.pick(o.versoriLive)
		m := map[string]any{"id": id, "organisationId": versori.DocumentedOrganisationID, "name": fmt.Sprintf("g%d-%d", o.g, i),
			"protocol": o.versoriProto[id], "public": i%2 == 0, "tags": map[string][]string{"g": {fmt.Sprint(o.g)}}}
		if o.versoriProto[id] == "http" {
			m["baseUrl"] = fmt.Sprintf("https://g%d.example/%d", o.g, i)
			m["connectionVariables"] = []map[string]string{{"name": "i", "value": fmt.Sprint(i)}}
		} else {
			m["datasetId"] = fmt.Sprintf("p.g%d", i)
		}
		body, _ := json.Marshal(m)
		c, res = o.do(t, s, "PUT", vo+"/connectors/"+id, "UpdateConnector", body)
	case 11:
		want = []int{201}
		proto, op, body := "http", "CreateHTTPConnector", fmt.Sprintf(`{"name":"g%d-%d","baseUrl":"https://x","authSchemeConfigs":[],"connections":[`, o.g, i)
		if o.rng.IntN(2) == 0 {
			proto, op, body = "bigquery", "CreateBigQueryConnector", fmt.Sprintf(`{"name":"g%d-%d","datasetId":"p.d","connections":[`, o.g, i)
		}
		inUse := o.rng.IntN(2) == 0
		if inUse {
			body += `{"name":"c","variables":[],"credentials":{"action":[]}}`
		}
		c, res = o.do(t, s, "POST", vo+"/protocols/"+proto+"/connectors", op, []byte(body+"]}"))
		if res.Status == 201 {
			var b struct{ ID string }
			if err := json.Unmarshal(res.Body, &b); err != nil {
				t.Errorf("create answered %s: %v", res.Body, err)
			}
			c.created, c.id = createdVersori, b.ID
			o.versoriLive = append(o.versoriLive, b.ID)
			o.versoriProto[b.ID], o.versoriInUse[b.ID] = proto, inUse
		}
	case 12:
		if len(o.versoriLive) < 2 {
			return
		}
		id := o.pick(o.versoriLive)
		q := ""
		want = []int{204}
		if o.rng.IntN(2) == 0 {
			q = "?force=true"
		} else if o.versoriInUse[id] {
			want = []int{409} // connections and no force
		}
		c, res = o.do(t, s, "DELETE", vo+"/connectors/"+id+q, "DeleteConnector", nil)
		if res.Status == 204 {
			o.versoriLive = slices.DeleteFunc(o.versoriLive, func(x string) bool { return x == id })
		}
	case 13:
		c, res = o.do(t, s, "GET", "/connectors?limit=5", "connector_list", nil)
	case 14:
		c, res = o.do(t, s, "GET", "/api/v1/apps/"+conductorone.DocumentedAppID+"/connectors?page_size=5&expand_mask.paths=*", c1+"List", nil)
	case 15:
		c, res = o.do(t, s, "GET", vo+"/connectors?first=5&sort=name:asc", "ListConnectors", nil)
	}
	if c.method == "" {
		return
	}
	if !slices.Contains(want, c.status) {
		t.Errorf("%s %s answered %d, want one of %v: %s", c.method, c.path, c.status, want, res.Body)
	}
	o.calls = append(o.calls, c)
}

// newConcurrencyServer is the server both runs use: a fixed clock, so a replayed write stamps
// the same updatedAt, and a journal with room for every call twice over, so that it cannot
// have dropped any. Responses are not validated against the specs (the vendors' tests and
// fuzz targets do that): it would double the run under -race, and the replay compares every
// accepted write's answer byte for byte instead.
func newConcurrencyServer(t *testing.T) *mock.Server {
	t.Helper()
	s, err := mock.New(mock.WithClock(func() time.Time { return testkit.Clock }), mock.WithConnectors(5),
		mock.WithJournalSize(2*goroutines*callsEach))
	require.NoError(t, err)
	return s
}

// TestConcurrentMixedCalls: 8 goroutines make 2000 mixed calls each against one server (run it
// with -race): Productsup enable/disable/targets, ConductorOne update (with masks), create and
// delete, Versori PUT, create and delete, and shared list reads. No call is lost or torn: a
// fresh server that replays the successful writes one at a time ends in the same State, and
// answers each replayed call with the same status and body.
//
// Replay order: every goroutine writes only its own resources (put in by typed access), so
// calls of different goroutines commute and only each goroutine's own order matters. Creates
// are the exception: ids (and ConductorOne's list order) come from a per-store counter shared
// by all goroutines. Each created id is found in its vendor's id sequence, which gives the
// order the store served the creates in, and the replay merges the goroutines' calls so that
// creates come in that order; a replayed create must then hand out the same id.
func TestConcurrentMixedCalls(t *testing.T) {
	s := newConcurrencyServer(t)
	owners := setup(t, s)
	done := make(chan struct{})
	for _, o := range owners {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; len(o.calls) < callsEach; i++ {
				o.step(t, s, i)
			}
		}()
	}
	for range owners {
		<-done
	}
	if t.Failed() {
		return
	}

	// The journal holds every call once, with the status its caller saw.
	want := map[string]int{}
	total := 0
	for _, o := range owners {
		require.Len(t, o.calls, callsEach)
		for _, c := range o.calls {
			want[fmt.Sprintf("%s %d", c.op, c.status)]++
			total++
		}
	}
	got := map[string]int{}
	reqs := s.Requests()
	for _, r := range reqs {
		got[fmt.Sprintf("%s %d", r.OperationID, r.Status)]++
	}
	assert.Len(t, reqs, total, "one journal entry per call")
	assert.Equal(t, want, got, "journal entries by operation and status")

	order := replayOrder(t, owners, s.Seed())
	replay := newConcurrencyServer(t)
	setup(t, replay)
	for _, c := range order {
		res := testkit.Do(t, replay, testkit.Request{Method: c.method, Path: c.path, Token: mock.AdminToken, Body: bodyOrNil(c.body)})
		if res.Status != c.status || sha256.Sum256(res.Body) != c.sum {
			t.Fatalf("replayed %s %s answered %d %s; the concurrent run answered %d (another body, a torn or lost write)",
				c.method, c.path, res.Status, res.Body, c.status)
		}
	}
	a, err := s.State()
	require.NoError(t, err)
	b, err := replay.State()
	require.NoError(t, err)
	assert.Equal(t, b.Seed, a.Seed)
	assert.Len(t, a.Vendors, 3)
	for _, v := range s.Vendors() {
		// Snapshots are deterministic (sorted), so equal states are equal bytes.
		assert.Equal(t, string(b.Vendors[v]), string(a.Vendors[v]), "%s: the concurrent run's state is the replay's", v)
	}

	writes, refused, created := 0, 0, 0
	for _, o := range owners {
		for _, c := range o.calls {
			switch {
			case c.write() && c.ok():
				writes++
			case c.write():
				refused++
			}
			if c.created != "" {
				created++
			}
		}
	}
	t.Logf("%d calls: %d accepted writes (%d creates), %d refused writes, %d reads", total, writes, created, refused, total-writes-refused)
	require.Greater(t, created, goroutines, "every goroutine creates")
	require.Greater(t, refused, 0, "refused writes are part of the mix")
}

// replayOrder merges the goroutines' accepted writes: each goroutine's in its order, creates of
// each vendor in the order of their ids in the vendor's id sequence.
func replayOrder(t *testing.T, owners []*own, seed uint64) []call {
	t.Helper()
	creates := map[string]int{} // successful creates by vendor
	for _, o := range owners {
		for _, c := range o.calls {
			if c.created != "" {
				creates[c.created]++
			}
		}
	}
	// The k-th id of each sequence. A Versori create takes one id for the connector and one per
	// connection, the connector's first.
	place := map[string]map[string]int{createdC1: {}, createdVersori: {}}
	for k := range creates[createdC1] {
		place[createdC1][conductorone.CreatedID(seed, k)] = k
	}
	for k := range 2 * creates[createdVersori] {
		place[createdVersori][versori.ID(seed, "created", k)] = k
	}
	ks := map[string][]int{} // the places of the created ids, by vendor
	for _, o := range owners {
		for i := range o.calls {
			c := &o.calls[i]
			if c.created == "" {
				continue
			}
			k, ok := place[c.created][c.id]
			require.True(t, ok, "%s handed out id %s, which is not in its id sequence", c.created, c.id)
			c.k = k
			ks[c.created] = append(ks[c.created], k)
		}
	}
	for v := range ks {
		slices.Sort(ks[v])
		require.Len(t, slices.Compact(slices.Clone(ks[v])), len(ks[v]), "%s handed out an id twice", v)
	}

	var out []call
	next := make([]int, len(owners))
	for {
		progress, left := false, false
		for g, o := range owners {
			for next[g] < len(o.calls) {
				c := o.calls[next[g]]
				if c.created != "" {
					if ks[c.created][0] != c.k {
						break // another goroutine's create came first
					}
					ks[c.created] = ks[c.created][1:]
				}
				if c.write() && c.ok() {
					out = append(out, c)
				}
				next[g]++
				progress = true
			}
			left = left || next[g] < len(o.calls)
		}
		if !left {
			return out
		}
		require.True(t, progress, "no order of the calls explains the ids the creates handed out")
	}
}
