package productsup_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestAuthenticationRegistrations: the page's update, then the page's show body; values that
// are no integers are refused with the page's sentence and change nothing.
func TestAuthenticationRegistrations(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	path := p.path + "/authentication-registrations"
	assert.Equal(t, map[string]any{"message": "Authentication registration successfully updated."},
		p.ok("PUT", path, `{"authentication-registrations":[20,30],"authentication-registrations-additional-fields":["option-1","option-2","option-3"]}`))
	assert.Equal(t, "updating", p.state())
	s.CompleteWork()
	assert.Equal(t, "updated", p.state())
	res := p.do("GET", path, nil)
	require.Equal(t, 200, res.Status)
	testkit.Golden(t, "productsup/authentication-registrations-200.json", res.Body)

	before, _ := s.Productsup().Store().Snapshot()
	for body, want := range map[string]string{
		`{"authentication-registrations":["1","2"]}`: `{"message":"Bad request.","errors":{"authentication-registrations":"Given values are not int: \"1\",\"2\""}}`,
		`{"authentication-registrations":[30,1.5]}`:  `{"message":"Bad request.","errors":{"authentication-registrations":"Given values are not int: \"1.5\""}}`,
		`{"authentication-registrations":[99]}`:      `{"message":"Bad request.","errors":{"authentication-registrations":"Authentication 99 does not exist."}}`,
	} {
		res := p.do("PUT", path, body)
		assert.Equal(t, 400, res.Status, body)
		assert.JSONEq(t, want, string(res.Body), body)
	}
	res = p.do("PUT", path, `{"authentication-registrations":["1","2"]}`)
	testkit.Golden(t, "productsup/authentication-registrations-400.json", res.Body)
	after, _ := s.Productsup().Store().Snapshot()
	assert.Equal(t, string(before), string(after))
}

// TestIndividualConfig: blank required fields get the page's three sentences in its order;
// an added field is in the version's config with its order.
func TestIndividualConfig(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	path := p.path + "/individual-configs"
	res := p.do("POST", path, `{"field-required":false}`)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/individual-configs-400.json", res.Body)
	res = p.do("POST", path, `{"command-option":"1x","field-type":"input","field-name":"X"}`)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"command-option":"This value is not valid."}}`, string(res.Body))

	assert.Equal(t, map[string]any{"message": "Individual configuration added."}, p.ok("POST", path, readFile(t, "productsup", "individual-configs-request.json")))
	s.CompleteWork()
	c := p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)
	individuals := c["versions"].([]any)[0].(map[string]any)["config"].(map[string]any)["individuals"].([]any)
	require.Len(t, individuals, 1)
	f := individuals[0].(map[string]any)
	assert.Equal(t, "new-option", f["command-option"])
	assert.Equal(t, 1.0, f["order"], "null order: the next place")
	assert.Equal(t, "2026-11-24T14:00:00+02:00", f["created-at"])
}

// TestContainerAPIAndRuntime: the container API change answers the version updating (as the
// page shows); the production runtime changes when its work completes; the page's refusal.
func TestContainerAPIAndRuntime(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	v := p.ok("PUT", p.path+"/execution-config/container-api", `{"image":"test.domain.docker/test/container-api-image:1.0.0","version-constraint":"^0.20"}`)
	assert.Nil(t, v["resource"], "as the page: no resource key")
	data := v["data"].(map[string]any)
	assert.Equal(t, "updating", data["state"])
	assert.Equal(t, "^0.20", data["config"].(map[string]any)["execution"].(map[string]any)["container-api"].(map[string]any)["version-constraint"])
	res := p.do("PUT", p.path+"/execution-config/container-api", `{"version-constraint":"^1"}`)
	assert.JSONEq(t, `{"message":"Transition is not allowed, entity is updating.","errors":[]}`, string(res.Body), "pending work")
	s.CompleteWork()
	res = p.do("PUT", p.path+"/execution-config/container-api", `{"version-constraint":" "}`)
	assert.JSONEq(t, `{"message":"Bad request.","errors":{"version-constraint":"This value should not be blank."}}`, string(res.Body))

	res = p.do("PUT", p.path+"/runtime/prod", `{"environment":"bin-docker-wrapper"}`)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/runtime-prod-400.json", res.Body)
	res = p.do("PUT", p.path+"/runtime/prod", readFile(t, "productsup", "runtime-prod-request.json"))
	require.Equal(t, 200, res.Status)
	testkit.Golden(t, "productsup/runtime-prod-200.json", res.Body)
	runtime := func() any {
		c := p.ok("GET", "/connectors/"+p.id, nil)["data"].(map[string]any)
		return c["versions"].([]any)[0].(map[string]any)["platform_prod_reference"].(map[string]any)["runtime"]
	}
	assert.Equal(t, map[string]any{"environment": "cre", "version": nil}, runtime(), "not before the work is done")
	assert.Equal(t, "pending", p.latest("update_to_docker_wrapper_version")["status"])
	s.CompleteWork()
	assert.Equal(t, map[string]any{"environment": "bin-docker-wrapper", "version": "12.10.0"}, runtime())
}

// TestValidateVCS: a version with a VCS url is valid (a copy's), one without is not.
func TestValidateVCS(t *testing.T) {
	s := testkit.New(t)
	p := &pipeline{t: t, s: s}
	c := p.ok("POST", "/connectors/copy", readFile(t, "productsup", "copy-request.json"))["data"].(map[string]any)
	res := p.do("GET", "/connectors/"+c["id"].(string)+"/versions/1/vcs-configs/validate", nil)
	require.Equal(t, 200, res.Status)
	testkit.Golden(t, "productsup/vcs-validate-200.json", res.Body)
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: versionPath(docID, "1", "vcs-configs/validate"), Token: mock.ReadOnlyToken})
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, `{"message":"VCS config is not valid.","errors":[]}`, string(res.Body))
}

// TestAdminVCS: the admin API's VCS config step answers the version with the config as a VCS
// config reads (no token), and refuses a form the guide would not save, an unknown version and
// another method, changing nothing.
func TestAdminVCS(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	admin := "/__admin/vendors/productsup" + p.path + "/vcs"
	before, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	for _, tt := range []struct {
		method, path, body string
		status             int
		message            string
	}{
		{"PUT", admin, `{"url":"https://github.com/x/y"}`, 400, "A VCS config needs an authorization type and a repository link."},
		{"PUT", admin, `{"authorization":"basic","url":"https://github.com/x/y","username":"me"}`, 400, "Basic auth needs a username and a token."},
		{"PUT", admin, `{"authorization":"public","url":"u","nope":1}`, 400, `the body is no VCS config: json: unknown field "nope"`},
		{"PUT", admin, `[]`, 400, "the body is no VCS config: json: cannot unmarshal array into Go value of type productsup.VCSConfig"},
		{"PUT", "/__admin/vendors/productsup/connectors/" + p.id + "/versions/9/vcs", pipelineVCS, 404, `connector "` + p.id + `" has no version "9"`},
		{"PUT", "/__admin/vendors/productsup/connectors/" + unknown + "/versions/1/vcs", pipelineVCS, 404, `connector "` + unknown + `" has no version "1"`},
		{"POST", admin, pipelineVCS, 405, "use PUT"},
	} {
		res := p.do(tt.method, tt.path, tt.body)
		assert.Equal(t, tt.status, res.Status, tt.body)
		assert.JSONEq(t, `{"message":`+strconv.Quote(tt.message)+`}`, string(res.Body), tt.body)
	}
	after, err := s.Productsup().Store().Snapshot()
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after))

	v := p.ok("PUT", admin, `{"authorization":"basic","url":"https://github.com/your-org/your-connector","branch":"dev","username":"me","token":"secret"}`)
	assert.Equal(t, "VCS config saved.", v["message"])
	assert.Equal(t, map[string]any{"authorization": "basic", "url": "https://github.com/your-org/your-connector", "branch": "dev",
		"username": "me", "deploy-key-public": nil, "latest-commit": nil}, v["data"].(map[string]any)["config"].(map[string]any)["vcs"])
	assert.Equal(t, "created", v["data"].(map[string]any)["state"])
	assert.Equal(t, 200, p.do("GET", p.path+"/vcs-configs/validate", nil).Status)
}
