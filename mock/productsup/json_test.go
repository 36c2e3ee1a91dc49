package productsup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// tricky is every kind of character encoding/json escapes, or must not.
const tricky = "a\"b\\c/d\b\f\n\r\t\x00\x1f\x7f<>&é\u2028\u2029😀\xff\xc3"

// full returns a connector with every field set (pointers, lists of two, strings to s, raw
// values not compacted, numbers to n): a field added to the fixtures shows up in it, written.
func full(s string, n int64) fx.Connector {
	var c fx.Connector
	fill(reflect.ValueOf(&c).Elem(), s, n)
	return c
}

func fill(v reflect.Value, s string, n int64) {
	if v.Type() == reflect.TypeFor[fixtures.RawJSON]() {
		v.SetBytes([]byte(`{ "k" : [1, "x y", null] ,"s":"` + "\\u2028<&>" + `"}`))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(n)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s, n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), s, n+int64(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), s, n)
		}
	default:
		panic(fmt.Sprintf("fill: a %s field: teach fill and the encoder", v.Type()))
	}
}

// TestEncoderMatchesEncodingJSON: every success body the encoder writes is byte for byte the
// one kit.WriteJSON writes with encoding/json, for generated, documented, built and fully set
// values, nil lists and values included.
func TestEncoderMatchesEncodingJSON(t *testing.T) {
	values := append([]fx.Connector{fx.Documented(), full(tricky, -7), full("", 1<<62), {}},
		fx.Connectors(fixtures.DefaultSeed, 100)...)
	values = append(values, fx.NewConnector(fx.WithReleased(), fx.WithTargets([]int64{1}, nil, []int64{2, 3})))
	empty := full("x", 1)
	empty.Versions[0].Config.Buckets, empty.Versions[0].PlatformProdReference.TargetSites = nil, nil
	empty.Versions[1].Config.Application, empty.Versions[1].Config.Individuals[0] = nil, fixtures.RawJSON{}
	values = append(values, empty)

	var bodies []kit.Appender
	var page []*fx.Connector
	for i := range values {
		c := &values[i]
		bodies = append(bodies, connectorBody{msgSuccessful, resourceConnector, c})
		for j := range c.Versions {
			bodies = append(bodies, versionBody{msgUpdatedAccess, resourceVersion, &c.Versions[j]},
				versionBody{Message: msgSuccessful, Data: &c.Versions[j]})
		}
		page = append(page, c)
	}
	next := 20
	bodies = append(bodies,
		listBody{page, listMetadata{From: 0, Limit: 100, Count: len(page), Total: 1000, Next: &next}, msgSuccessful, resourceConnector},
		listBody{[]*fx.Connector{}, listMetadata{From: 5, Limit: 20}, tricky, tricky},
		listBody{Data: nil}, connectorBody{}, versionBody{})

	for i, b := range bodies {
		want := httptest.NewRecorder()
		kit.WriteJSON(want, http.StatusOK, b)
		got := httptest.NewRecorder()
		writeOK(got, b)
		require.Equal(t, want.Body.String(), got.Body.String(), "body %d (%T)", i, b)
		assert.Equal(t, want.Header(), got.Header(), "body %d", i)
		assert.Equal(t, want.Code, got.Code)
	}
}

// TestEncoderRefusesInvalidRaw: a raw value that is not JSON (the store refuses one, so only a
// bug gets here) panics; the server answers that 500.
func TestEncoderRefusesInvalidRaw(t *testing.T) {
	c := fx.Documented()
	c.Versions[0].ProdConfig = fixtures.RawJSON(`{"a": nope}`)
	assert.PanicsWithValue(t, `productsup: a stored raw value is not JSON (invalid character 'o' in literal null (expecting 'u')): {"a": nope}`, func() {
		writeOK(httptest.NewRecorder(), connectorBody{msgSuccessful, resourceConnector, &c})
	})
}

// FuzzEncoderStrings: any string, in any string field, is written as encoding/json writes it.
func FuzzEncoderStrings(f *testing.F) {
	for _, s := range []string{"", tricky, "plain", "\u2027\u202a", "\xed\xa0\x80", "\U0010ffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := full(s, 3)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(connectorBody{s, s, &c}))
		got := httptest.NewRecorder()
		writeOK(got, connectorBody{s, s, &c})
		if want.String() != got.Body.String() {
			t.Fatalf("string %q:\nwant %s\n got %s", s, want.String(), got.Body.String())
		}
	})
}
