package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	fxc "github.com/connectormock/connectormock/fixtures/conductorone"
	fxp "github.com/connectormock/connectormock/fixtures/productsup"
	fxv "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/openapi"
)

// pathValues fill the path parameters of every operation, by name: documented ids, so that
// valid bodies reach the handlers; a parameter not listed gets "x".
var pathValues = map[string]string{
	"publicId":           fxp.DocumentedID,
	"connectorVersion":   "1",
	"app_id":             fxc.DocumentedAppID,
	"id":                 fxc.DocumentedConnectorID,
	"organisation_id":    fxv.DocumentedOrganisationID,
	"connector_id":       fxv.DocumentedConnectorID,
	"version":            fxv.DocumentedVersionID,
	"authSchemeConfigId": fxv.DocumentedAuthSchemeConfigID,
}

// reports collects what response validation reports, in order.
type reports struct {
	mu   sync.Mutex
	errs []string
}

func (r *reports) add(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err.Error())
}

func (r *reports) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.errs
	r.errs = nil
	return out
}

// TestFastPathAnswersAsKinOpenAPI sends the same requests, in the same order, to two servers:
// one with the Checkers (body.go), one where kin-openapi checks every request body and every
// response itself, as before them. Every body of every operation of every vendor (the spec's
// examples and their mutations: values replaced, keys dropped and added, duplicate keys,
// trailing data, truncation, other content types) must get the same answer from both, byte
// for byte, the same journal entry and the same response-validation reports.
func TestFastPathAnswersAsKinOpenAPI(t *testing.T) {
	clock := WithClock(func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) })
	var fastReports, refReports reports
	fast, err := New(clock, WithResponseValidation(fastReports.add))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := New(clock, WithResponseValidation(refReports.add), func(c *config) { c.noCheckers = true })
	if err != nil {
		t.Fatal(err)
	}
	t.Parallel()
	rounds := 16
	if testing.Short() || raceDetector {
		rounds = 8
	}
	rnd := rand.New(rand.NewPCG(12, 1))
	sent := 0
	for _, name := range openapi.Names() {
		spec := openapi.MustLoad(name)
		for _, id := range spec.OperationIDs {
			op := spec.Operations[id]
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			method, path := operationPath(spec, op)
			mt := op.RequestBody.Value.Content.Get("application/json")
			if mt == nil {
				continue
			}
			var seeds [][]byte
			for _, ex := range mediaExamples(mt) {
				data, err := json.Marshal(ex)
				if err != nil {
					t.Fatal(err)
				}
				seeds = append(seeds, data)
			}
			for range 3 {
				data, err := json.Marshal(generateValue(rnd, mt.Schema.Value, 0))
				if err != nil {
					t.Fatal(err)
				}
				seeds = append(seeds, data)
			}
			for _, seed := range seeds {
				for r := range rounds {
					body, ct := seed, "application/json"
					if r > 0 {
						body, ct = mutateRequest(rnd, seed)
					}
					sent++
					compareAnswers(t, fast, ref, &fastReports, &refReports, method, path, ct, body)
				}
			}
		}
	}
	t.Logf("%d requests, by status %v", sent, statuses)
}

var statuses = map[int]int{}

func compareAnswers(t *testing.T, fast, ref *Server, fastReports, refReports *reports, method, path, ct string, body []byte) {
	t.Helper()
	do := func(s *Server) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+AdminToken)
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	got, want := do(fast), do(ref)
	statuses[got.Code]++
	where := fmt.Sprintf("%s %s (%s)\n%s", method, path, ct, body)
	if got.Code != want.Code || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
		t.Fatalf("%s:\nwith Checkers %d %s\nkin-openapi   %d %s", where, got.Code, got.Body, want.Code, want.Body)
	}
	if g, w := got.Header().Get("Content-Type"), want.Header().Get("Content-Type"); g != w {
		t.Fatalf("%s: Content-Type %q, kin-openapi %q", where, g, w)
	}
	gj, wj := fast.Requests(), ref.Requests()
	g, w := gj[len(gj)-1], wj[len(wj)-1]
	if g.Error != w.Error || g.OperationID != w.OperationID || g.Status != w.Status || g.Forced != w.Forced {
		t.Fatalf("%s: journal %+v, kin-openapi %+v", where, g, w)
	}
	if g, w := fastReports.take(), refReports.take(); !slices.Equal(g, w) {
		t.Fatalf("%s: response validation reported\n%q\nkin-openapi alone\n%q", where, g, w)
	}
}

// operationPath is the operation's method and a path to it, parameters filled.
func operationPath(spec *openapi.Spec, op *openapi3.Operation) (string, string) {
	for path, item := range spec.Doc.Paths.Map() {
		for method, o := range item.Operations() {
			if o != op {
				continue
			}
			p := spec.BasePath + path
			for {
				i := strings.IndexByte(p, '{')
				if i < 0 {
					break
				}
				j := strings.IndexByte(p[i:], '}')
				v, ok := pathValues[p[i+1:i+j]]
				if !ok {
					v = "x"
				}
				p = p[:i] + v + p[i+j+1:]
			}
			return method, p
		}
	}
	panic("operation not in its spec")
}

func mediaExamples(mt *openapi3.MediaType) []any {
	var out []any
	if mt.Example != nil {
		out = append(out, mt.Example)
	}
	names := make([]string, 0, len(mt.Examples))
	for n := range mt.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e := mt.Examples[n]; e != nil && e.Value != nil && e.Value.Value != nil {
			out = append(out, e.Value.Value)
		}
	}
	return out
}

var requestReplacements = []string{`null`, `true`, `0`, `-1`, `1.5`, `1e400`, `2147483648`, `""`, `"x"`, `"<string>"`,
	`"http"`, `"bigquery"`, `"497f6eca-6276-4993-bfeb-53cbbbba6f08"`, `"01JQQEESWY391NGMH0BV4G0BAV"`,
	`"2026-11-24T12:00:00Z"`, `"2026-02-30T12:00:00Z"`, `{}`, `[]`, `[1]`, `["x"]`, `{"x":1}`}

// mutateRequest changes a body: a value replaced, a key dropped or added, or its text broken;
// now and then it is sent with another content type.
func mutateRequest(rnd *rand.Rand, seed []byte) ([]byte, string) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(seed))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		panic(err)
	}
	for range rnd.IntN(3) {
		v = mutateValue(rnd, v)
	}
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	switch rnd.IntN(10) {
	case 0:
		data = data[:rnd.IntN(len(data)+1)]
	case 1:
		data = append(data, []string{" x", "{}", " \n", "1"}[rnd.IntN(4)]...)
	case 2:
		if i := bytes.IndexByte(data, ':'); i > 0 && data[0] == '{' {
			data = append(append(slices.Clone(data[:1]), data[1:i]...), append([]byte(":null,"), data[1:]...)...)
		}
	}
	ct := "application/json"
	switch rnd.IntN(12) {
	case 0:
		ct = "application/json; charset=utf-8"
	case 1:
		ct = "Application/JSON"
	case 2:
		ct = "text/plain"
	}
	return data, ct
}

func mutateValue(rnd *rand.Rand, v any) any {
	fresh := func() any {
		var x any
		dec := json.NewDecoder(strings.NewReader(requestReplacements[rnd.IntN(len(requestReplacements))]))
		dec.UseNumber()
		if err := dec.Decode(&x); err != nil {
			panic(err)
		}
		return x
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		switch op := rnd.IntN(5); {
		case op == 0 && len(keys) > 0:
			delete(x, keys[rnd.IntN(len(keys))])
		case op == 1:
			x[[]string{"zzz", "id", "name", "protocol", "createdAt"}[rnd.IntN(5)]] = fresh()
		case len(keys) > 0 && op < 4:
			k := keys[rnd.IntN(len(keys))]
			x[k] = mutateValue(rnd, x[k])
		default:
			return fresh()
		}
		return x
	case []any:
		if len(x) > 0 && rnd.IntN(2) == 0 {
			i := rnd.IntN(len(x))
			x[i] = mutateValue(rnd, x[i])
			return x
		}
		return fresh()
	}
	return fresh()
}

// generateValue builds a value for s that is mostly valid, so that many requests reach the
// handlers; the mutations then break them.
func generateValue(rnd *rand.Rand, s *openapi3.Schema, depth int) any {
	if depth > 6 {
		return nil
	}
	if s.Example != nil && rnd.IntN(2) == 0 {
		return s.Example
	}
	if len(s.Enum) > 0 {
		return s.Enum[rnd.IntN(len(s.Enum))]
	}
	if branches := append(slices.Clone(s.OneOf), s.AnyOf...); len(branches) > 0 {
		b := branches[rnd.IntN(len(branches))]
		v := generateValue(rnd, b.Value, depth+1)
		if m, ok := v.(map[string]any); ok && s.Discriminator != nil {
			for val, ref := range s.Discriminator.Mapping {
				if ref.Ref == b.Ref {
					m[s.Discriminator.PropertyName] = val
				}
			}
		}
		return v
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, a := range s.AllOf {
			if m, ok := generateValue(rnd, a.Value, depth+1).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	switch {
	case s.Type.Is(openapi3.TypeObject) || len(s.Properties) > 0:
		out := map[string]any{}
		for name, p := range s.Properties {
			if slices.Contains(s.Required, name) || !p.Value.ReadOnly && rnd.IntN(2) == 0 {
				out[name] = generateValue(rnd, p.Value, depth+1)
			}
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		var out []any
		for range rnd.IntN(3) {
			if s.Items != nil {
				out = append(out, generateValue(rnd, s.Items.Value, depth+1))
			}
		}
		return out
	case s.Type.Is(openapi3.TypeString):
		switch s.Format {
		case "uuid":
			return "497f6eca-6276-4993-bfeb-53cbbbba6f08"
		case "ulid":
			return fxv.DocumentedAuthSchemeConfigID
		case "date-time":
			return "2026-11-24T12:00:00Z"
		case "uri":
			return "https://example.com/x"
		}
		return []string{"x", "name", "<string>"}[rnd.IntN(3)]
	case s.Type.Is(openapi3.TypeInteger):
		return []any{1, 777, 444, 666}[rnd.IntN(4)]
	case s.Type.Is(openapi3.TypeNumber):
		return 1.5
	case s.Type.Is(openapi3.TypeBoolean):
		return rnd.IntN(2) == 0
	}
	return "x"
}
