package productsup_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// pipeline is an HTTP client of one connector version, for the lifecycle tests.
type pipeline struct {
	t     *testing.T
	s     *testkit.Server
	id    string
	owner string // the connector's owner, the user the token belongs to
	path  string // /connectors/{id}/versions/1
}

func (p *pipeline) do(method, path string, body any) testkit.Response {
	p.t.Helper()
	return testkit.Do(p.t, p.s, testkit.Request{Method: method, Path: path, Token: mock.AdminToken, Body: body})
}

// ok sends the request and decodes its 200 answer.
func (p *pipeline) ok(method, path string, body any) map[string]any {
	p.t.Helper()
	res := p.do(method, path, body)
	require.Equal(p.t, 200, res.Status, "%s %s: %s", method, path, res.Body)
	var out map[string]any
	res.JSON(p.t, &out)
	return out
}

// state is the version's state as GET /connectors/{id} shows it.
func (p *pipeline) state() string {
	p.t.Helper()
	c := p.ok("GET", "/connectors/"+p.id, nil)
	return c["data"].(map[string]any)["versions"].([]any)[0].(map[string]any)["state"].(string)
}

// refused sends the request and checks the documented transition refusal.
func (p *pipeline) refused(method, path string, body any, state string) {
	p.t.Helper()
	res := p.do(method, path, body)
	assert.Equal(p.t, 400, res.Status)
	assert.JSONEq(p.t, `{"message":"Transition is not allowed, entity is `+state+`.","errors":[]}`, string(res.Body))
}

// workStatus is the status of a state, by GET /states/{id}.
func (p *pipeline) workStatus(id string) string {
	p.t.Helper()
	return p.ok("GET", "/states/"+id, nil)["data"].(map[string]any)["status"].(string)
}

// latest is the last state of an action on the version, by GET .../states/{action}.
func (p *pipeline) latest(action string) map[string]any {
	p.t.Helper()
	return p.ok("GET", p.path+"/states/"+action, nil)["data"].(map[string]any)
}

func stateUUID(body map[string]any) string {
	return body["data"].(map[string]any)["state"].(map[string]any)["uuid"].(string)
}

func newPipeline(t *testing.T, s *testkit.Server) *pipeline {
	p := &pipeline{t: t, s: s}
	created := p.ok("POST", "/connectors", `{"connector-type":"datasource","connector-name":"pipeline"}`)
	p.id = created["data"].(map[string]any)["id"].(string)
	p.owner = created["data"].(map[string]any)["owner"].(string)
	p.path = "/connectors/" + p.id + "/versions/1"
	return p
}

// pipelineVCS is the VCS config the pipelines give their version (the vcs-config guide's
// public repository example).
const pipelineVCS = `{"authorization":"public","url":"https://github.com/productsupcom/connector-quickstart"}`

// configureVCS gives the version a VCS config, as the Dev Portal's VCS config step does,
// through the admin API (no documented API call sets it).
func (p *pipeline) configureVCS() {
	p.t.Helper()
	p.ok("PUT", "/__admin/vendors/productsup"+p.path+"/vcs", pipelineVCS)
}

// joinOrganization makes the connector's owner a member of the documented organisation and
// gives the organisation dev defaults (account 1, project 2) and production defaults, as a
// team sets up before its first pipeline.
func (p *pipeline) joinOrganization() {
	p.t.Helper()
	p.ok("PUT", "/organizations/"+fx.DocumentedOrganizationID+"/members/"+p.owner, nil)
	p.ok("PUT", "/defaults/organizations/"+fx.DocumentedOrganizationID,
		`{"dev-defaults":{"account":1,"project":2},"prod-defaults":{"accounts":[11,12],"projects":[],"sites":[31]}}`)
}

// TestBuildAndDeployPipeline walks the build-and-deploy guide over HTTP, from POST /connectors
// to a released version, checking the version's state at each step, that each background step
// is pending until its work completes (from Go and from the admin API), and that each step is
// refused before its time with the documented sentence.
func TestBuildAndDeployPipeline(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	assert.Equal(t, "created", p.state())
	p.refused("POST", "/builds/connectors", map[string]string{"connector": p.id}, "created")
	p.refused("POST", p.path+"/sync-runtime", nil, "created")

	// Configuration: updating until its work completes, then updated.
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["amazon/seller"]}`)
	assert.Equal(t, "updating", p.state())
	p.refused("POST", "/builds/connectors", map[string]string{"connector": p.id}, "updating")
	assert.Equal(t, "pending", p.latest("update_configuration")["status"])
	assert.Equal(t, 1, s.CompleteWork())
	assert.Equal(t, "updated", p.state())
	assert.Equal(t, "done", p.latest("update_configuration")["status"])

	// A build pulls from the VCS config's repository: none yet.
	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	res := p.do("POST", "/builds/connectors", map[string]string{"connector": p.id, "version": "1"})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"VCS config is not valid.","errors":[]}`, string(res.Body))
	after, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "a refused build starts nothing")
	assert.Equal(t, 400, p.do("GET", p.path+"/vcs-configs/validate", nil).Status)
	p.configureVCS()
	assert.Equal(t, "updated", p.state(), "the VCS step moves no state")
	assert.JSONEq(t, `{"message":"VCS config is valid."}`, string(p.do("GET", p.path+"/vcs-configs/validate", nil).Body))

	// Build.
	build := p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id, "version": "1"})
	buildID := stateUUID(build)
	assert.Equal(t, "pending", p.workStatus(buildID))
	assert.Equal(t, "updated", p.state(), "the effect lands when the work completes")
	p.refused("POST", p.path+"/sync-runtime", nil, "updated")
	s.CompleteWork()
	assert.Equal(t, "done", p.workStatus(buildID))
	assert.Equal(t, "built", p.state())

	// Sync with runtime, then the dev site: needs the runtime sync done first.
	p.refused("POST", p.path+"/platform-dev-site", nil, "built")
	res = p.do("POST", p.path+"/sync-runtime", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	testkit.Golden(t, "productsup/sync-runtime-200.json", res.Body)
	p.refused("POST", p.path+"/sync-runtime", nil, "built")
	res = p.do("POST", "/__admin/work/complete", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{"completed":1}`, string(res.Body))
	assert.Equal(t, "done", p.latest("sync_runtime")["status"])

	p.refused("POST", p.path+"/assign-to-sites/dev", nil, "built")
	res = p.do("POST", p.path+"/platform-dev-site", nil)
	assert.JSONEq(t, `{"message":"Dev account is missing.","errors":[]}`, string(res.Body), "no dev defaults yet")
	p.joinOrganization()
	site := p.ok("POST", p.path+"/platform-dev-site", nil)
	assert.Equal(t, "Platform Site will be created in the background.", site["message"])
	s.CompleteWork()
	assert.Equal(t, "done", p.workStatus(stateUUID(site)))
	assigned := p.ok("POST", p.path+"/assign-to-sites/dev", nil)
	assert.Equal(t, "Connector assigned to dev site.", assigned["message"])
	v := assigned["data"].(map[string]any)
	assert.Equal(t, "synchronized-to-dev", v["state"])
	dev := v["platform_dev_reference"].(map[string]any)
	assert.Equal(t, []any{1.0, 2.0, 3.0, 4.0}, []any{dev["account"], dev["project"], dev["site"], dev["platform-connector"]},
		"the documented example's dev reference: account 1, project 2, site 3, platform-connector 4")

	// Release before production is refused.
	p.refused("POST", p.path+"/release", nil, "synchronized-to-dev")

	// Sync to production.
	p.ok("POST", p.path+"/sync-runtime", nil)
	assert.Equal(t, "synchronized-to-dev", p.state(), "the previous deployment stays until the sync completes")
	s.CompleteWork()
	assert.Equal(t, "synchronized-to-prod", p.state())
	assert.Equal(t, "done", p.latest("sync_to_prod")["status"])

	// Targets (the organisation's production defaults, set by the sync), access, release.
	targets := p.ok("POST", p.path+"/targets", `{"target-sites":[31,32]}`)["data"].(map[string]any)["platform_prod_reference"].(map[string]any)
	assert.Equal(t, []any{11.0, 12.0}, targets["target-accounts"], "from the production defaults")
	assert.Equal(t, []any{31.0, 32.0}, targets["target-sites"])
	enabled := p.ok("POST", p.path+"/access/prod/enable", `{"accounts":[11],"sites":[31]}`)
	prod := enabled["data"].(map[string]any)["platform_prod_reference"].(map[string]any)
	assert.Equal(t, []any{11.0}, prod["enabled-for-accounts"])
	assert.NotNil(t, prod["platform-connector"])

	released := p.ok("POST", p.path+"/release", nil)
	prod = released["data"].(map[string]any)["platform_prod_reference"].(map[string]any)
	assert.Equal(t, true, prod["released"])
	assert.Equal(t, []any{}, prod["enabled-for-accounts"], "release clears every grant")
	assert.Equal(t, []any{}, prod["enabled-for-sites"])
	assert.Equal(t, []any{11.0, 12.0}, prod["target-accounts"], "targets stay")
	c := p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)
	assert.Equal(t, 1.0, c["main-version-number"])
	require.NotNil(t, c["main"])
	assert.Equal(t, "synchronized-to-prod", c["main"].(map[string]any)["state"])
	res = p.do("POST", p.path+"/release", nil)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"version":"Connector is already released."}}`, string(res.Body))
	// "A one-way transition — if you need to go back to limited access, you'll need to
	// unrelease first and then re-enable specific access." (the release guide)
	res = p.do("POST", p.path+"/access/prod/enable", `{"accounts":[11]}`)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"version":"Connector is already released."}}`, string(res.Body))
	assert.Equal(t, 200, p.do("POST", p.path+"/access/prod/disable", `{"accounts":[11]}`).Status, "revoking stays allowed")

	// Unrelease: grants are not restored; specific access can be enabled again.
	un := p.ok("POST", p.path+"/unrelease", nil)
	prod = un["data"].(map[string]any)["platform_prod_reference"].(map[string]any)
	assert.Equal(t, false, prod["released"])
	assert.Equal(t, []any{}, prod["enabled-for-accounts"])
	again := p.ok("POST", p.path+"/access/prod/enable", `{"accounts":[11]}`)
	assert.Equal(t, []any{11.0}, again["data"].(map[string]any)["platform_prod_reference"].(map[string]any)["enabled-for-accounts"])
	assert.Nil(t, p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)["main-version-number"])
	res = p.do("POST", p.path+"/unrelease", nil)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/unrelease-400.json", res.Body)

	// A re-sync passes through resynchronizing-to-prod and refuses another sync meanwhile.
	p.ok("POST", p.path+"/sync-runtime", nil)
	assert.Equal(t, "resynchronizing-to-prod", p.state())
	res = p.do("POST", p.path+"/sync-runtime", nil)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/sync-runtime-400.json", res.Body)
	s.CompleteWork()
	assert.Equal(t, "synchronized-to-prod", p.state())

	list := p.ok("GET", p.path+"/states?limit=3", nil)
	assert.Equal(t, "state", list["resource"])
	md := list["metadata"].(map[string]any)
	assert.Equal(t, []any{3.0, 6.0, 3.0}, []any{md["count"], md["total"], md["next"]})
}

// TestWorkCompletesOnTheClock: work is pending until the mock's clock passes its start plus
// the work duration, then done, with its effect; nothing sleeps: the clock is moved.
func TestWorkCompletesOnTheClock(t *testing.T) {
	var mu sync.Mutex
	now := testkit.Clock
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := testkit.New(t, mock.WithClock(clock), mock.WithWorkDuration(time.Minute))
	p := newPipeline(t, s)
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["a/b"]}`)
	st := p.latest("update_configuration")
	assert.Equal(t, "pending", st["status"])
	advance(59 * time.Second)
	assert.Equal(t, "pending", p.workStatus(st["id"].(string)))
	assert.Equal(t, "updating", p.state())
	advance(time.Second)
	assert.Equal(t, "done", p.workStatus(st["id"].(string)))
	assert.Equal(t, "updated", p.state())
	assert.Equal(t, 0, s.CompleteWork(), "nothing left")
}

// TestFailedWork: work made to fail through the admin API ends failed, its effect never lands
// and the version goes back to its state before.
func TestFailedWork(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["a/b"]}`)
	p.configureVCS()
	s.CompleteWork()
	build := stateUUID(p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id}))
	res := p.do("POST", "/__admin/vendors/productsup/states/"+build+"/fail", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	s.CompleteWork()
	assert.Equal(t, "failed", p.workStatus(build))
	assert.Equal(t, "updated", p.state())
	res = p.do("POST", "/__admin/vendors/productsup/states/"+build+"/fail", nil)
	assert.Equal(t, 409, res.Status, "no longer pending: %s", res.Body)
	res = p.do("POST", "/__admin/vendors/productsup/states/"+unknown+"/fail", nil)
	assert.Equal(t, 404, res.Status)
}

// TestStateRefusals: the documented 400 and 404 bodies of the state operations.
func TestStateRefusals(t *testing.T) {
	s := testkit.New(t)
	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{"/states/" + unknown, 404, `{"message":"State not found."}`},
		{versionPath(docID, "1", "states/nope"), 400, `{"message":"This background action does not exist.","errors":[]}`},
		{versionPath(docID, "1", "states/build_connector"), 404, `{"message":"Last state was not found based on query parameters."}`},
		{versionPath(unknown, "1", "states/sync_runtime"), 404, `{"message":"Connector not found."}`},
	} {
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: tt.path, Token: mock.ReadOnlyToken})
		assert.Equal(t, tt.status, res.Status, tt.path)
		assert.JSONEq(t, tt.body, string(res.Body), tt.path)
	}
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: versionPath(docID, "1", "platform-dev-site"), Token: mock.AdminToken})
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/platform-dev-site-400.json", res.Body)
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/builds/connectors", Token: mock.AdminToken, Body: `{"connector":"x"}`})
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/build-400.json", res.Body)
}

// TestLifecycleConcurrently runs pipelines side by side with readers and with work completed
// from another goroutine, for the race detector; each pipeline must still end released.
func TestLifecycleConcurrently(t *testing.T) {
	s := testkit.New(t, mock.WithWorkDuration(0))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // readers and a completer
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			s.CompleteWork()
			testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/states?limit=5", Token: mock.ReadOnlyToken})
			testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors?limit=5", Token: mock.ReadOnlyToken})
			_, _ = s.Productsup().Store().Snapshot()
		}
	}()
	t.Run("pipelines", func(t *testing.T) {
		for i := range 4 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				p := newPipeline(t, s)
				p.joinOrganization()
				// With work taking no time, each step's work is settled by the next look.
				p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["a/b"]}`)
				p.configureVCS()
				s.CompleteWork()
				p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id})
				s.CompleteWork()
				p.ok("POST", p.path+"/sync-runtime", nil)
				s.CompleteWork()
				p.ok("POST", p.path+"/platform-dev-site", nil)
				s.CompleteWork()
				p.ok("POST", p.path+"/assign-to-sites/dev", nil)
				p.ok("POST", p.path+"/sync-runtime", nil)
				s.CompleteWork()
				p.ok("POST", p.path+"/release", nil)
				assert.Equal(t, "synchronized-to-prod", p.state())
			})
		}
	})
	close(stop)
	wg.Wait()
}

// TestSnapshotCarriesTheLifecycle: a snapshot taken mid-pipeline (pending work, an
// organisation's defaults, metadata, a logo, a binned connector) restores into another server
// byte for byte, and the pending work completes there.
func TestSnapshotCarriesTheLifecycle(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	p.joinOrganization()
	body, ct := multipartLogo(t, "logo", svg)
	require.Equal(t, 200, testkit.Do(t, s, testkit.Request{Method: "POST", Path: p.path + "/logo", Token: mock.AdminToken, Body: body, ContentType: ct}).Status)
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["a/b"]}`)
	p.ok("POST", "/metadata/connectors/"+p.id, `{"channel-owner":"WG3"}`)
	other := newPipeline(t, s)
	other.ok("PATCH", "/connectors/"+other.id+"/move-to-bin", nil)

	snap, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	again := testkit.New(t)
	require.NoError(t, again.Productsup().Store().Restore(snap))
	back, err := again.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(back))

	q := &pipeline{t: t, s: again, id: p.id, owner: p.owner, path: p.path}
	assert.Equal(t, "updating", q.state())
	assert.Equal(t, 1, again.CompleteWork())
	assert.Equal(t, "updated", q.state())
	assert.Equal(t, 404, q.do("GET", "/connectors/"+other.id, nil).Status, "still in the bin")
	logo, err := again.Productsup().Store().Logo(p.id, 1)
	require.NoError(t, err)
	assert.Equal(t, svg, string(logo))
	res := q.do("POST", "/metadata/connectors/"+p.id, `{"channel-owner":"WG3"}`)
	assert.JSONEq(t, `{"message":"Connector already has metadata.","errors":[]}`, string(res.Body))

	// A snapshot naming an unknown action is refused whole.
	bad := strings.Replace(string(snap), `"update_configuration"`, `"nope"`, 1)
	assert.Error(t, again.Productsup().Store().Restore(json.RawMessage(bad)))
}

// TestEnableNeedsThePlatform: the enable page ("In order to perform this operation, the
// connector should have been created on the platform.") and the release guide's prerequisites
// ("Have a platform connector ID (created during the sync process)"): the page's example
// request on a version with targets but no production platform connector is refused and
// changes nothing; on the same version once synced to production it answers "Updated access.".
func TestEnableNeedsThePlatform(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(0))
	c := fx.NewConnector(fx.WithoutPlatform()) // created, targets set as connector_targets_add may set them
	c.Versions[0].PlatformProdReference.TargetAccounts = []int64{789, 987}
	c.Versions[0].PlatformProdReference.TargetProjects = []int64{321, 654}
	c.Versions[0].PlatformProdReference.TargetSites = []int64{123, 456}
	require.NoError(t, s.Productsup().Store().Put(c))
	page := `{"accounts":[789,987],"projects":[321,654],"sites":[123,456]}` // the enable page's request
	path := "/connectors/" + c.ID + "/versions/1/access/prod/enable"
	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)

	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: path, Token: mock.AdminToken, Body: page})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"Transition is not allowed, entity is created.","errors":[]}`, string(res.Body))
	after, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: strings.Replace(path, "enable", "disable", 1), Token: mock.AdminToken, Body: page})
	assert.Equal(t, 200, res.Status, "revoking needs no platform connector: %s", res.Body)

	on := fx.NewConnector(fx.WithTargets([]int64{789, 987}, []int64{321, 654}, []int64{123, 456}))
	require.NoError(t, s.Productsup().Store().Put(on))
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors/" + on.ID + "/versions/1/access/prod/enable", Token: mock.AdminToken, Body: page})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var body struct {
		Message string     `json:"message"`
		Data    fx.Version `json:"data"`
	}
	res.JSON(t, &body)
	assert.Equal(t, "Updated access.", body.Message)
	assert.Equal(t, []int64{789, 987}, body.Data.PlatformProdReference.EnabledForAccounts)
}
