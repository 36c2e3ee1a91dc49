package openapi_test

import (
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/openapi"
)

func TestEmbeddedSpecsLoadOnce(t *testing.T) {
	names := openapi.Names()
	require.Contains(t, names, "productsup")
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			spec, err := openapi.Load(name)
			require.NoError(t, err)
			again, err := openapi.Load(name)
			require.NoError(t, err)
			assert.Same(t, spec, again, "a spec is parsed once per process")
			assert.Equal(t, name+".yaml", spec.File)
			assert.Equal(t, "3.0.3", spec.Doc.OpenAPI, "our specs are OpenAPI 3.0.3")
			for _, s := range spec.Doc.Servers {
				assert.Equal(t, spec.BasePath, s.URL, "servers are reduced to their path")
			}
			raw, err := openapi.Raw(name)
			require.NoError(t, err)
			assert.NotEmpty(t, raw)
		})
	}
	_, err := openapi.Load("nope")
	assert.ErrorContains(t, err, `no embedded spec "nope"`)
}

// TestEmbeddedSpecsValid validates each embedded spec as Parse does: Load leaves it out at run
// time (see parse), so this test is what keeps a spec kin-openapi finds invalid out of the
// binary. The document Load gives is the one Parse gives.
func TestEmbeddedSpecsValid(t *testing.T) {
	for _, name := range openapi.Names() {
		raw, err := openapi.Raw(name)
		require.NoError(t, err)
		validated, err := openapi.Parse(name+".yaml", raw)
		require.NoError(t, err, name)
		loaded := openapi.MustLoad(name)
		assert.Equal(t, validated.OperationIDs, loaded.OperationIDs, name)
		assert.Equal(t, validated.BasePath, loaded.BasePath, name)
		want, err := validated.Doc.MarshalJSON()
		require.NoError(t, err)
		got, err := loaded.Doc.MarshalJSON()
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got), name)
	}
	// The embedded path reports a document it cannot load, as Parse does.
	_, err := openapi.ParseEmbedded("broken.yaml", []byte("openapi: [3"))
	assert.ErrorContains(t, err, "openapi: broken.yaml: cannot load")
}

// TestExamplesMatchTheirSchemas checks every example of every spec against its own schema,
// explicitly, whatever the loader's defaults are.
func TestExamplesMatchTheirSchemas(t *testing.T) {
	for _, name := range openapi.Names() {
		t.Run(name, func(t *testing.T) {
			spec := openapi.MustLoad(name)
			checked := 0
			check := func(where string, schema *openapi3.SchemaRef, example any, examples openapi3.Examples) {
				t.Helper()
				if schema == nil || schema.Value == nil {
					return
				}
				values := map[string]any{}
				if example != nil {
					values["example"] = example
				}
				for n, ex := range examples {
					if ex != nil && ex.Value != nil {
						values["examples/"+n] = ex.Value.Value
					}
				}
				for label, v := range values {
					checked++
					assert.NoError(t, schema.Value.VisitJSON(v, openapi3.MultiErrors()), "%s %s", where, label)
				}
			}
			for path, item := range spec.Doc.Paths.Map() {
				for method, op := range item.Operations() {
					where := method + " " + path
					for _, p := range append(item.Parameters, op.Parameters...) {
						check(where+" parameter "+p.Value.Name, p.Value.Schema, p.Value.Example, p.Value.Examples)
					}
					if op.RequestBody != nil {
						for ct, mt := range op.RequestBody.Value.Content {
							check(where+" request "+ct, mt.Schema, mt.Example, mt.Examples)
						}
					}
					for code, resp := range op.Responses.Map() {
						for ct, mt := range resp.Value.Content {
							check(where+" response "+code+" "+ct, mt.Schema, mt.Example, mt.Examples)
						}
					}
				}
			}
			assert.Greater(t, checked, 5, "the spec documents its examples")
		})
	}
}

func TestParseErrorsNameFileAndPointer(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: x, version: '1'}\n"
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"bad parameter type", head + `paths:
  /a/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: strin}}
      responses: {'200': {description: ok}}
`, []string{"broken.yaml", "/paths/~1a~1{id}/get", `unsupported 'type' value "strin"`}},
		{"example against its schema", head + `paths:
  /a:
    get:
      responses: {'200': {description: ok, content: {application/json: {schema: {type: integer}, example: x}}}}
`, []string{"broken.yaml", "/paths/~1a/get", "invalid example"}},
		{"bad component schema", head + `paths: {}
components:
  schemas:
    Thing: {type: object, properties: {n: {type: intger}}}
`, []string{"broken.yaml", "/components/schemas/Thing"}},
		{"unresolvable ref", head + `paths:
  /a:
    get:
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Nope'}}}}}
`, []string{"broken.yaml", "#/components/schemas/Nope"}},
		{"not YAML", "openapi: [", []string{"broken.yaml", "cannot load"}},
		{"servers with different paths", head + `servers: [{url: 'https://a.example/v1'}, {url: 'https://b.example/v2'}]
paths: {}
`, []string{"broken.yaml", "/servers/1/url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openapi.Parse("broken.yaml", []byte(tt.doc))
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestBasePathFromServers(t *testing.T) {
	spec, err := openapi.Parse("x.yaml", []byte(`openapi: 3.0.3
info: {title: x, version: '1'}
servers:
  - url: 'https://{tenant}.example.com/api/v1/'
    variables: {tenant: {default: acme}}
  - url: 'https://staging.example.com/api/v1'
paths:
  /things:
    get:
      responses: {'200': {description: ok}}
`))
	require.NoError(t, err)
	assert.Equal(t, "/api/v1", spec.BasePath)
	assert.True(t, strings.HasPrefix(spec.Doc.Servers[0].URL, "/api/v1"))
}

// BenchmarkParse measures what a vendor's first request waits for in a fresh process (there
// colder: about three times this): loading and routing its embedded spec ("embedded", what
// Load does), and the same validated as Parse does ("validated").
func BenchmarkParse(b *testing.B) {
	for _, name := range openapi.Names() {
		data, err := openapi.Raw(name)
		require.NoError(b, err)
		for _, p := range []struct {
			name  string
			parse func(string, []byte) (*openapi.Spec, error)
		}{{"embedded", openapi.ParseEmbedded}, {"validated", openapi.Parse}} {
			b.Run(name+"/"+p.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := p.parse(name+".yaml", data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestUnsecured: every operation has its copy without security requirement, the same in all
// else, so validating against it checks the same parameters and body.
func TestUnsecured(t *testing.T) {
	for _, name := range openapi.Names() {
		spec := openapi.MustLoad(name)
		require.Len(t, spec.Unsecured, len(spec.OperationIDs), name)
		for _, id := range spec.OperationIDs {
			op := spec.Operations[id]
			c := spec.Unsecured[op]
			require.NotNil(t, c, "%s %s", name, id)
			assert.NotSame(t, op, c, "a copy: the spec's operation keeps its requirement")
			require.NotNil(t, c.Security)
			assert.Empty(t, *c.Security, "%s %s", name, id)
			withSecurity := *c
			withSecurity.Security = op.Security
			assert.Equal(t, *op, withSecurity, "%s %s: the same but for its security", name, id)
		}
	}
}
