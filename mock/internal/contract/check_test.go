package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/connectormock/connectormock/openapi"
)

// target is one schema of a spec as the mock checks it: a request body (with and without
// read-only properties accepted) or a response body.
type target struct {
	name    string
	schema  *openapi3.Schema
	key     CheckerKey
	checker *Checker
	seeds   [][]byte // the spec's examples, then generated values
}

// kinOpts are the options the mock validates with (see mock's mount and respcheck): the
// Checker must agree with kin-openapi under them.
func kinOpts(k CheckerKey) []openapi3.SchemaValidationOption {
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), Formats}
	if k.Direction == AsRequest {
		opts = append(opts, openapi3.VisitAsRequest())
		if k.IgnoreReadOnly {
			opts = append(opts, openapi3.DisableReadOnlyValidation())
		}
	} else {
		opts = append(opts, openapi3.VisitAsResponse())
	}
	return opts
}

// kinValid is kin-openapi's verdict on data as openapi3filter reaches it: the first JSON value
// decoded with numbers as json.Number, then visited. With exact, under the very options the
// mock uses; else with FailFast added, kin-openapi's own way to a verdict alone (IsMatching):
// the same verdict without the cost of wording every error, which dominates on invalid values.
func kinValid(k CheckerKey, data []byte, exact bool) (bool, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false, err
	}
	opts := kinOpts(k)
	if !exact {
		opts = append(opts, openapi3.FailFast())
	}
	err := k.Schema.VisitJSON(v, opts...)
	return err == nil, err
}

// targets compiles every JSON body schema of every embedded spec, request bodies both ways.
func targets(t testing.TB) []*target {
	var out []*target
	for _, name := range openapi.Names() {
		spec := openapi.MustLoad(name)
		for _, id := range spec.OperationIDs {
			op := spec.Operations[id]
			add := func(label string, mt *openapi3.MediaType, dir Direction, ignoreRO bool) {
				if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
					return
				}
				k := CheckerKey{Schema: mt.Schema.Value, Direction: dir, IgnoreReadOnly: ignoreRO}
				c, err := Compile(k.Schema, dir, ignoreRO)
				if err != nil {
					t.Fatalf("%s %s %s: %v", name, id, label, err) // the mock's specs must all compile
				}
				tg := &target{name: fmt.Sprintf("%s/%s/%s/ro=%v", name, id, label, ignoreRO), schema: k.Schema, key: k, checker: c}
				for _, ex := range examples(mt) {
					data, err := json.Marshal(ex)
					if err != nil {
						t.Fatal(err)
					}
					tg.seeds = append(tg.seeds, data)
				}
				rnd := rand.New(rand.NewPCG(uint64(len(out)), 7))
				for range 8 {
					data, err := json.Marshal(generate(rnd, k.Schema, 0))
					if err != nil {
						t.Fatal(err)
					}
					tg.seeds = append(tg.seeds, data)
				}
				out = append(out, tg)
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				mt := rb.Value.Content.Get("application/json")
				add("request", mt, AsRequest, false)
				add("request", mt, AsRequest, true)
			}
			codes := slices.Sorted(func(yield func(string) bool) {
				for code := range op.Responses.Map() {
					if !yield(code) {
						return
					}
				}
			})
			for _, code := range codes {
				if r := op.Responses.Value(code); r != nil && r.Value != nil {
					add("response-"+code, r.Value.Content.Get("application/json"), AsResponse, false)
				}
			}
		}
	}
	return out
}

func examples(mt *openapi3.MediaType) []any {
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

// generate builds a value for s that is mostly valid: the mutations then break it in every way.
func generate(rnd *rand.Rand, s *openapi3.Schema, depth int) any {
	if depth > 6 {
		return nil
	}
	if s.Example != nil && rnd.IntN(3) == 0 {
		return s.Example
	}
	if len(s.Enum) > 0 {
		return s.Enum[rnd.IntN(len(s.Enum))]
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		branches := append(slices.Clone(s.OneOf), s.AnyOf...)
		b := branches[rnd.IntN(len(branches))]
		v := generate(rnd, b.Value, depth+1)
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
			if m, ok := generate(rnd, a.Value, depth+1).(map[string]any); ok {
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
		// In the properties' sorted order, not the map's: the same bodies on every run (a
		// random order drew other bodies each time, and the test's time varied with them).
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			if slices.Contains(s.Required, name) || rnd.IntN(3) > 0 {
				out[name] = generate(rnd, s.Properties[name].Value, depth+1)
			}
		}
		if ap := s.AdditionalProperties.Schema; ap != nil && ap.Value != nil && rnd.IntN(2) == 0 {
			out["extra"] = generate(rnd, ap.Value, depth+1)
		}
		return out
	case s.Type.Is(openapi3.TypeArray):
		var out []any
		for range rnd.IntN(4) {
			if s.Items != nil {
				out = append(out, generate(rnd, s.Items.Value, depth+1))
			}
		}
		return out
	case s.Type.Is(openapi3.TypeString):
		switch s.Format {
		case "uuid":
			return "497f6eca-6276-4993-bfeb-53cbbbba6f08"
		case "ulid":
			return "01JQQEESWY391NGMH0BV4G0BAV"
		case "date-time":
			return "2026-11-24T12:00:00Z"
		case "uri":
			return "https://example.com/x"
		}
		return []string{"x", "", "<string>", "http", "abc-DEF_1"}[rnd.IntN(5)]
	case s.Type.Is(openapi3.TypeInteger):
		return []any{0, 1, 777, -1, 2147483648}[rnd.IntN(5)]
	case s.Type.Is(openapi3.TypeNumber):
		return []any{0, 1.5, -3}[rnd.IntN(3)]
	case s.Type.Is(openapi3.TypeBoolean):
		return rnd.IntN(2) == 0
	}
	return "x"
}

// replacements are what the mutations put in a value's place.
var replacements = []any{nil, true, false, json.Number("0"), json.Number("-1"), json.Number("1.5"),
	json.Number("1e400"), json.Number("1e-400"), json.Number("2147483648"), json.Number("9223372036854775807"),
	json.Number("1e19"), "", "x", "<string>", "http", "bigquery", "oauth2", "none",
	"497f6eca-6276-4993-bfeb-53cbbbba6f08", "497F6ECA-6276-4993-BFEB-53CBBBBA6F0", "01JQQEESWY391NGMH0BV4G0BAV",
	"81JQQEESWY391NGMH0BV4G0BAV", "2026-11-24T12:00:00Z", "2026-02-30T12:00:00Z", "2026-11-24 12:00:00",
	"\u00e9t\u00e9", "\U0001F600", "a\u0000b", map[string]any{}, []any{}, []any{nil}, map[string]any{"x": nil}}

// replacement is a fresh copy of one of the replacements (mutations change maps in place).
func replacement(rnd *rand.Rand) any {
	switch v := replacements[rnd.IntN(len(replacements))].(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = x
		}
		return out
	case []any:
		return slices.Clone(v)
	default:
		return v
	}
}

// mutate changes one place of a decoded value: replaces it, deletes or adds a key, empties
// or grows an array.
func mutate(rnd *rand.Rand, v any) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		switch op := rnd.IntN(6); {
		case op == 0 && len(keys) > 0:
			delete(x, keys[rnd.IntN(len(keys))])
		case op == 1:
			x[[]string{"zzz", "id", "type", "name", "tags", "protocol", "kind", "readonly"}[rnd.IntN(8)]] = replacement(rnd)
		case len(keys) > 0 && op < 5:
			k := keys[rnd.IntN(len(keys))]
			x[k] = mutate(rnd, x[k])
		default:
			return replacement(rnd)
		}
		return x
	case []any:
		switch op := rnd.IntN(4); {
		case op == 0 && len(x) > 0:
			i := rnd.IntN(len(x))
			x[i] = mutate(rnd, x[i])
		case op == 1:
			return x[:0]
		case op == 2 && len(x) > 0:
			return append(x, x[0])
		default:
			return replacement(rnd)
		}
		return x
	}
	return replacement(rnd)
}

// textual mutations change the bytes: grammar, escapes, duplicate keys, trailing data.
func mutateText(rnd *rand.Rand, data []byte) []byte {
	d := slices.Clone(data)
	switch rnd.IntN(9) {
	case 0: // truncate
		return d[:rnd.IntN(len(d)+1)]
	case 1: // flip a byte
		if len(d) > 0 {
			const alphabet = "{}[],:\"\\ 0-1.eEtfnu\x01\xff"
			d[rnd.IntN(len(d))] = alphabet[rnd.IntN(len(alphabet))]
		}
		return d
	case 2: // repeat the first key with another value: a decoded map keeps the last
		if i := bytes.IndexByte(d, '{'); i >= 0 {
			if j := bytes.IndexByte(d[i:], ':'); j > 0 {
				key := d[i+1 : i+j]
				val := []string{`null`, `1`, `"x"`, `{}`, `[]`, `true`}[rnd.IntN(6)]
				if rnd.IntN(2) == 0 {
					return append(append(append(slices.Clone(d[:i+1]), key...), ":"+val+","...), d[i+1:]...)
				}
				if k := bytes.LastIndexByte(d, '}'); k > i {
					return append(append(append(append(slices.Clone(d[:k]), ","...), key...), ":"+val...), d[k:]...)
				}
			}
		}
		return d
	case 3: // escape a letter of a string
		for range 10 {
			if len(d) == 0 {
				break
			}
			i := rnd.IntN(len(d))
			if c := d[i]; c >= 'a' && c <= 'z' && bytes.Count(d[:i], []byte(`"`))%2 == 1 {
				return append(append(slices.Clone(d[:i]), fmt.Sprintf(`\u%04x`, c)...), d[i+1:]...)
			}
		}
		return d
	case 4: // trailing data, or whitespace
		return append(d, []string{" ", "\n\t", " x", "{}", "1", ","}[rnd.IntN(6)]...)
	case 5: // wrap deep, now and then past encoding/json's limit
		n := []int{1, 2, 10, 10000, 10001}[rnd.IntN(5)]
		return []byte(strings.Repeat("[", n) + string(d) + strings.Repeat("]", n))
	case 6: // invalid UTF-8 or a lone surrogate in a string
		if i := bytes.IndexByte(d, '"'); i >= 0 {
			return append(append(slices.Clone(d[:i+1]), []string{"\xff", `\ud800`, "\xc3", `\udc00\ud800`}[rnd.IntN(4)]...), d[i+1:]...)
		}
		return d
	case 7: // leading whitespace
		return append([]byte(" \r\n"), d...)
	}
	return d
}

func agree(t *testing.T, tg *target, data []byte, exact bool) (valid bool) {
	t.Helper()
	end, ok := tg.checker.Check(data)
	want, err := kinValid(tg.key, data, exact)
	if ok != want {
		t.Fatalf("%s: Checker says valid=%v, kin-openapi %v (%v) on\n%s", tg.name, ok, want, err, data)
	}
	if ok {
		// end is where encoding/json's decoder stopped: what remains is whitespace, or is
		// what json.Valid would refuse.
		rest := bytes.TrimLeft(data[end:], " \t\r\n")
		if (len(rest) == 0) != json.Valid(data) {
			t.Fatalf("%s: Checker ends the value at %d, json.Valid=%v, on\n%s", tg.name, end, json.Valid(data), data)
		}
	}
	return ok
}

// TestCheckerAgreesWithKinOpenAPI is the differential test the fast path stands on: every
// body schema of every spec, fed the spec's examples, generated values and their mutations
// (values replaced, keys dropped and added, duplicate keys, escapes, invalid UTF-8, trailing
// data, truncation, deep nesting); the Checker and kin-openapi must agree on each.
func TestCheckerAgreesWithKinOpenAPI(t *testing.T) {
	t.Parallel()
	rounds := 12
	if testing.Short() || raceDetector {
		rounds = 5
	}
	valid, total := 0, 0
	for _, tg := range targets(t) {
		rnd := rand.New(rand.NewPCG(uint64(len(tg.name)), 12))
		for _, seed := range tg.seeds {
			agree(t, tg, seed, true)
			for r := range rounds {
				var v any
				dec := json.NewDecoder(bytes.NewReader(seed))
				dec.UseNumber()
				if err := dec.Decode(&v); err != nil {
					t.Fatal(err)
				}
				for range 1 + rnd.IntN(3) {
					v = mutate(rnd, v)
				}
				data, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if rnd.IntN(3) == 0 {
					data = mutateText(rnd, data)
				}
				total++
				if agree(t, tg, data, r%16 == 0) {
					valid++
				}
			}
		}
	}
	// Both verdicts must be well represented, or the agreement says little.
	t.Logf("%d bodies, %d valid", total, valid)
	if valid < total/20 || valid > total*19/20 {
		t.Errorf("%d of %d mutated bodies are valid: the corpus no longer exercises both verdicts", valid, total)
	}
}

// FuzzChecker feeds arbitrary bytes to every schema: the Checker and kin-openapi must agree.
// `go test` runs the seeds; `go test -fuzz FuzzChecker ./mock/internal/contract` explores.
func FuzzChecker(f *testing.F) {
	tgs := targets(f)
	for i, tg := range tgs {
		for _, seed := range tg.seeds {
			f.Add(uint16(i), seed)
		}
	}
	f.Add(uint16(0), []byte(`{"a":1,"a":2}`))
	f.Add(uint16(1), []byte(`[`+strings.Repeat("[", 10001)))
	f.Add(uint16(2), []byte(`"\ud83d\ude00"`))
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		agree(t, tgs[int(which)%len(tgs)], data, true)
	})
}

// TestCheckerRefuses: schemas using what the Checker does not reproduce are left to
// kin-openapi, never half-checked.
func TestCheckerRefuses(t *testing.T) {
	yes := true
	one := 1.0
	for name, s := range map[string]*openapi3.Schema{
		"uniqueItems":   {Type: &openapi3.Types{"array"}, UniqueItems: true},
		"multipleOf":    {Type: &openapi3.Types{"number"}, MultipleOf: &one},
		"boolean":       {Always: &yes},
		"prefixItems":   {PrefixItems: openapi3.SchemaRefs{{Value: &openapi3.Schema{}}}},
		"bad pattern":   {Type: &openapi3.Types{"string"}, Pattern: `(?<=x)`},
		"nested refuse": {Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{"a": {Value: &openapi3.Schema{UniqueItems: true}}}},
	} {
		if _, err := Compile(s, AsRequest, false); err == nil {
			t.Errorf("%s: compiled", name)
		}
	}
}

// BenchmarkCheck compares a Checker with kin-openapi (decode, then visit) on the seed
// operations' documented answers, checked as responses.
func BenchmarkCheck(b *testing.B) {
	for _, c := range []struct{ vendor, op, code, file string }{
		{"productsup", "connector_disable_prod_access", "200", "productsup/disable-200.json"},
		{"conductorone", "c1.api.app.v1.ConnectorService.Update", "200", "conductorone/update-200.json"},
		{"versori", "UpdateConnector", "200", "versori/update-connector-200.json"},
	} {
		spec := openapi.MustLoad(c.vendor)
		op := spec.Operations[c.op]
		if op == nil {
			b.Fatalf("no operation %s in %s", c.op, c.vendor)
		}
		s := op.Responses.Value(c.code).Value.Content.Get("application/json").Schema.Value
		raw, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", c.file))
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		k := CheckerKey{Schema: s, Direction: AsResponse}
		b.Run(c.vendor+"/checker", func(b *testing.B) {
			ch := CheckerFor(k)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, ok := ch.Check(data); !ok {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(c.vendor+"/kin-openapi", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if ok, err := kinValid(k, data, true); !ok {
					b.Fatal(err)
				}
			}
		})
	}
}
