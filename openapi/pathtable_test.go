package openapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// routeMethods are the methods the router comparisons try: every one the specs use, one they
// do not, and a lowercase one (operations are looked up case-sensitively).
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, "get"}

// segmentValues stand in for path parameters: plain, escaped, dot segments, empty (which makes
// a double slash), and text that looks like a template.
var segmentValues = []string{"x", "497f6eca-6276-4993-bfeb-53cbbbba6f08", "01JQQEESWY391NGMH0BV4G0BAV",
	"1", "latest", "a%20b", "a%2Fb", "%C3%BC", "ü", "..", ".", "a.json", "{id}", "create", "versions", ""}

// routeTargets derives request targets from the spec's templates: each parameter replaced by
// each value, and the result with a slash added, a segment added, removed or changed, a prefix,
// and a query.
func routeTargets(spec *Spec) []string {
	targets := []string{"", "/", "*", "//", spec.BasePath, spec.BasePath + "/", "/connectors?x=1", "/CONNECTORS"}
	for _, path := range spec.Doc.Paths.InMatchingOrder() {
		segs := strings.Split(spec.BasePath+path, "/")
		var params []int
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				params = append(params, i)
			}
		}
		fill := func(value func(param int) string) string {
			out := append([]string(nil), segs...)
			for k, i := range params {
				out[i] = value(k)
			}
			return strings.Join(out, "/")
		}
		var filled []string
		for _, v := range segmentValues {
			filled = append(filled, fill(func(int) string { return v }))
			for only := range params {
				filled = append(filled, fill(func(k int) string {
					if k == only {
						return v
					}
					return "x"
				}))
			}
		}
		for _, p := range filled {
			last := strings.LastIndex(p, "/")
			targets = append(targets, p, p+"/", p+"/extra", p[:last], "/x"+p, strings.ToUpper(p), p+"?q=1&r=%2F", p+".json")
		}
	}
	return targets
}

// kinRouter is the spec's kin-openapi router, which the path table must agree with.
func kinRouter(t testing.TB, spec *Spec) routers.Router {
	t.Helper()
	r, err := gorillamux.NewRouter(spec.Doc)
	require.NoError(t, err)
	return r
}

// assertSameRoute checks that table answers the request as the spec's kin router does.
func assertSameRoute(t *testing.T, spec *Spec, ref routers.Router, table *pathTable, r *http.Request) {
	t.Helper()
	want, wantVars, wantErr := ref.FindRoute(r)
	got, gotVars, gotErr := table.FindRoute(r)
	where := spec.Name + " " + r.Method + " " + r.URL.String()
	if !assert.Equal(t, wantErr, gotErr, where) || want == nil {
		return
	}
	require.NotNil(t, got, where)
	assert.Equal(t, want.Path, got.Path, where)
	assert.Equal(t, want.Method, got.Method, where)
	assert.True(t, want.Spec == got.Spec, "%s: another document", where)
	assert.True(t, want.Server == got.Server, "%s: another server", where)
	assert.True(t, want.PathItem == got.PathItem, "%s: another path item", where)
	assert.True(t, want.Operation == got.Operation, "%s: another operation", where)
	assert.Equal(t, wantVars, gotVars, where)
}

// TestPathTableMatchesRouter holds the fast router to the spec's own on every vendor spec: the
// same route, parameters and error for paths derived from every template.
func TestPathTableMatchesRouter(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			spec := MustLoad(name)
			table, ref := newPathTable(spec), kinRouter(t, spec)
			require.NotNil(t, table, "every template of %s is literal segments and whole parameters", spec.File)
			matched := 0
			for _, target := range routeTargets(spec) {
				u, err := url.Parse(target)
				if err != nil {
					continue
				}
				for _, method := range routeMethods {
					r := &http.Request{Method: method, URL: u, Header: http.Header{}}
					assertSameRoute(t, spec, ref, table, r)
					if _, _, err := table.FindRoute(r); err == nil {
						matched++
					}
				}
			}
			// The comparison must cover matches, not only misses.
			assert.Greater(t, matched, 100)
		})
	}
}

// TestPathTableFallsBack: a spec with a template the table cannot judge keeps the spec's
// router.
func TestPathTableFallsBack(t *testing.T) {
	for _, path := range []string{"/connectors/{id}.json", "/connectors/{id:[0-9]+}", "/connectors/x{id}"} {
		spec, err := Parse("t.yaml", []byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  "`+path+`":
    get:
      operationId: get
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`))
		require.NoError(t, err, path)
		assert.Nil(t, newPathTable(spec), path)
	}
}

// FuzzPathTable compares the fast router with the spec's own on arbitrary targets and methods.
func FuzzPathTable(f *testing.F) {
	f.Add("POST", "/connectors/497f6eca-6276-4993-bfeb-53cbbbba6f08/versions/1/access/prod/disable")
	f.Add("GET", "/api/v1/apps/2fNYt5ovfagQ9ArtVtVeIULrWrf/connectors/create")
	f.Add("PUT", "/api/connect/v1/o/01JTJJEWXWNVE4XGCY2G7A878P/connectors/01JQQEESWY391NGMH0BV4G0BAV")
	f.Add("DELETE", "/api/connect/v1/o/a%2Fb/connectors//versions/1.0.0")
	f.Add("GET", "/connectors/%7Bid%7D/../x")
	type pair struct {
		table *pathTable
		ref   routers.Router
	}
	specs := make(map[*Spec]pair)
	for _, name := range Names() {
		spec := MustLoad(name)
		specs[spec] = pair{newPathTable(spec), kinRouter(f, spec)}
	}
	f.Fuzz(func(t *testing.T, method, target string) {
		u, err := url.Parse(target)
		if err != nil {
			return
		}
		for spec, p := range specs {
			assertSameRoute(t, spec, p.ref, p.table, &http.Request{Method: method, URL: u, Header: http.Header{}})
		}
	})
}
