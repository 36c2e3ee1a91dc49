package mock

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/openapi"
)

// paramCandidates are values every parameter is tried with, besides its schema's own (enum,
// example, default) and the documented ids: kin-openapi's edge cases for each type.
var paramCandidates = []string{
	"", " ", "0", "1", "-1", "01", "+1", "1.0", "1.5", "-0", "1e3", "1E+2", ".5", "5.", "0x10", "1_000",
	"20", "100", "101", "1000", "1001", "2147483647", "2147483648", "999999999999999", "9999999999999999",
	"12345678901234567890", "NaN", "Inf", "true", "false", "TRUE", "t", "null", "abc", "a b", "a\"b", `a\b`,
	"ä", "\x01", "name:asc", "updatedAt:desc", "x%2Fy", "00000000-0000-0000-0000-000000000000",
	"497f6eca-6276-4993-bfeb-53cbbbba6f08", "497F6ECA-6276-4993-BFEB-53CBBBBA6F08", "497f6eca-6276-4993-bfeb-53cbbbba6f0",
	"01JTJJEWXWNVE4XGCY2G7A878P", "01jtjjewxwnve4xgcy2g7a878p", "81JTJJEWXWNVE4XGCY2G7A878P", "01JTJJEWXWNVE4XGCY2G7A878",
	"2026-11-24T12:00:00Z", "2026-11-24", strings.Repeat("x", 300),
}

// TestParamsFastPathAgreesWithKinOpenAPI: for every parameter of every operation the fast
// path plans (validate.go), and every candidate value, in its place (path, query, header) and
// for query and header parameters also absent and given twice, the fast path's "valid" is
// kin-openapi's ValidateParameter's verdict too. The fast path must also say "valid" for the
// documented ids and at least a few values of every plannable parameter, or it would be dead.
func TestParamsFastPathAgreesWithKinOpenAPI(t *testing.T) {
	opts := &openapi3filter.Options{SkipSettingDefaults: true, MultiError: true,
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SchemaValidationOptions: []openapi3.SchemaValidationOption{contract.Formats}}
	planned, total, fast, checked := 0, 0, 0, 0
	for _, name := range openapi.Names() {
		spec := openapi.MustLoad(name)
		for path, item := range spec.Doc.Paths.Map() {
			for method, op := range item.Operations() {
				total++
				route := &routers.Route{Spec: spec.Doc, Path: path, PathItem: item, Method: method, Operation: op}
				plan := planFor(route)
				if plan == nil {
					continue
				}
				planned++
				for _, pp := range plan.params {
					var param *openapi3.Parameter
					if param = op.Parameters.GetByInAndName(pp.in, pp.name); param == nil {
						param = item.Parameters.GetByInAndName(pp.in, pp.name)
					}
					values := append([]string{}, paramCandidates...)
					if v, ok := pathValues[pp.name]; ok {
						values = append(values, v)
					}
					s := param.Schema.Value
					for _, e := range s.Enum {
						values = append(values, fmt.Sprint(e))
					}
					for _, e := range []any{s.Example, s.Default, param.Example} {
						if e != nil {
							values = append(values, fmt.Sprint(e))
						}
					}
					if s.Min != nil {
						values = append(values, fmt.Sprint(*s.Min), fmt.Sprint(*s.Min-1), fmt.Sprint(*s.Min+1))
					}
					if s.Max != nil {
						values = append(values, fmt.Sprint(*s.Max), fmt.Sprint(*s.Max+1), fmt.Sprint(*s.Max-1))
					}
					one := &paramPlan{params: []planParam{pp}, query: pp.in == openapi3.ParameterInQuery}
					accepted := 0
					try := func(what string, r *http.Request, pathParams map[string]string) {
						checked++
						ok, _ := one.valid(r, pathParams, nil)
						input := &openapi3filter.RequestValidationInput{Request: r, PathParams: pathParams, Route: route, Options: opts}
						err := openapi3filter.ValidateParameter(context.Background(), input, param)
						if ok {
							fast++
							accepted++
							assert.NoError(t, err, "%s %s %s: %s %q: the fast path said valid", name, method, path, pp.in, what)
						}
					}
					for _, v := range values {
						switch pp.in {
						case openapi3.ParameterInPath:
							try(v, httptest.NewRequest(method, "/", nil), map[string]string{pp.name: v})
						case openapi3.ParameterInQuery:
							q := pp.name + "=" + url.QueryEscape(v)
							try(v, httptest.NewRequest(method, "/?"+q, nil), nil)
							try(v+" twice", httptest.NewRequest(method, "/?"+q+"&"+q, nil), nil)
							try(v+" raw", httptest.NewRequest(method, "/?"+pp.name+"="+strings.ReplaceAll(url.PathEscape(v), "&", "%26"), nil), nil)
						case openapi3.ParameterInHeader:
							r := httptest.NewRequest(method, "/", nil)
							r.Header.Set(pp.name, v)
							try(v, r, nil)
						}
					}
					if pp.in != openapi3.ParameterInPath {
						try("absent", httptest.NewRequest(method, "/?other=1", nil), nil)
						try("broken query", httptest.NewRequest(method, "/?"+pp.name+"=%zz", nil), nil)
					}
					if v, ok := pathValues[pp.name]; ok && pp.in == openapi3.ParameterInPath {
						ok, _ := one.valid(httptest.NewRequest(method, "/", nil), map[string]string{pp.name: v}, nil)
						assert.True(t, ok, "%s %s %s: the documented %s %q takes the fast path", name, method, path, pp.name, v)
					}
					assert.Positive(t, accepted, "%s %s %s: the fast path accepts no value of %s %s", name, method, path, pp.in, pp.name)
				}
			}
		}
	}
	t.Logf("%d of %d operations planned, %d of %d requests found valid by the fast path", planned, total, fast, checked)
	assert.GreaterOrEqual(t, planned*10, total*9, "nine operations in ten or more take the fast path")
}
