package versori

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// awkward are strings encoding/json escapes, or must not: quotes, control characters,
// HTML, invalid UTF-8, U+2028 and U+2029, the contract's "<string>".
var awkward = []string{"", "<string>", "plain", "a\"b\\c/d\b\f\n\r\t\x00\x1f\x7f<>&é\u2028\u2029😀\xff\xc3",
	"\u2027\u202a", "\xed\xa0\x80", "\U0010ffff", "01JQQEESWY391NGMH0BV4G0BAV", "key with space", "Z"}

// awkwardTimes are times encoding/json writes: zero, UTC, other zones (a minute's and a
// second's offsets), nanoseconds, the ends of the years it accepts.
var awkwardTimes = []time.Time{
	{},
	time.Date(2025, 3, 31, 9, 14, 2, 0, time.UTC),
	time.Date(2025, 3, 31, 9, 14, 2, 123456789, time.FixedZone("", 5*3600+30*60)),
	time.Date(2025, 3, 31, 9, 14, 2, 100, time.FixedZone("", -30)),
	time.Date(2025, 3, 31, 9, 14, 2, 1000, time.FixedZone("X", -(23*3600+59*60+59))),
	time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("", 23*3600)),
	time.Now(), // monotonic reading, local zone
}

// awkwardRaws are raw values encoding/json writes: compact or not, nested, with characters
// the HTML escaping would touch.
var awkwardRaws = []fixtures.RawJSON{
	nil, {}, fixtures.RawJSON("null"), fixtures.RawJSON(`{}`), fixtures.RawJSON(`{"a":1}`),
	fixtures.RawJSON(" { \"k\" : [1, \"x y\", null] ,\n\"s\":\"\\u2028<&>\u2028\"}\t"),
	fixtures.RawJSON(`"<string>"`), fixtures.RawJSON(`[1e3,-0.5,true,false]`),
}

// filler sets values at random, or fully (every pointer set, every list of two or three,
// strings to s, times in another zone, raw values not compacted).
type filler struct {
	r    *rand.Rand
	full bool
	s    string
}

// pick is an index into a list of k awkward values: at random, or the one given when full.
func (f filler) pick(k, full int) int {
	if f.full {
		return full
	}
	return f.r.IntN(k)
}

func (f filler) fill(v reflect.Value) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(awkwardTimes[f.pick(len(awkwardTimes), 2)]))
		return
	case reflect.TypeFor[fixtures.RawJSON]():
		v.SetBytes(awkwardRaws[f.pick(len(awkwardRaws), 5)])
		return
	}
	switch v.Kind() {
	case reflect.String:
		if f.full {
			v.SetString(f.s)
			return
		}
		v.SetString(awkward[f.r.IntN(len(awkward))])
	case reflect.Bool:
		v.SetBool(f.full || f.r.IntN(2) == 0)
	case reflect.Pointer:
		if !f.full && f.r.IntN(3) == 0 {
			return // nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem())
	case reflect.Slice:
		n := 2
		if !f.full {
			switch f.r.IntN(4) {
			case 0:
				return // nil
			case 1:
				n = 0 // empty
			default:
				n = 1 + f.r.IntN(3)
			}
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := range n {
			f.fill(v.Index(i))
		}
	case reflect.Map:
		n := 3
		if !f.full {
			switch f.r.IntN(4) {
			case 0:
				return // nil
			case 1:
				n = 0 // empty
			default:
				n = 1 + f.r.IntN(4)
			}
		}
		v.Set(reflect.MakeMap(v.Type()))
		for i := range n {
			k := reflect.New(v.Type().Key()).Elem()
			f.fill(k)
			if f.full {
				k.SetString(fmt.Sprint(2-i, f.s)) // distinct keys, not in order
			}
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f.fill(v.Field(i))
		}
	default:
		panic(fmt.Sprintf("fill: a %s field: teach fill and the encoder", v.Type()))
	}
}

// fullConnector is a connector with every field set, strings to s: a field added to the
// fixtures shows up in it.
func fullConnector(s string) fx.Connector {
	var c fx.Connector
	filler{full: true, s: s}.fill(reflect.ValueOf(&c).Elem())
	return c
}

// encodingJSON is what the server wrote with encoding/json (kit.WriteJSON's encoding).
func encodingJSON(c *fx.Connector) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(c)
	return buf.Bytes(), err
}

func checkEncoder(t *testing.T, name string, c *fx.Connector) {
	t.Helper()
	want, err := encodingJSON(c)
	got, ok := connectorJSON(c)
	if err != nil {
		require.False(t, ok, "%s: encoding/json refuses it (%v), the encoder wrote %s", name, err, got)
		return
	}
	require.True(t, ok, "%s: encoding/json writes it, the encoder refuses", name)
	if !bytes.Equal(want, got) {
		t.Fatalf("%s:\nwant %s\n got %s", name, want, got)
	}
	require.Equal(t, len(got), cap(got), "%s: the body is kept: exactly its size", name)
}

// TestConnectorEncoderMatchesEncodingJSON: the encoder writes every connector byte for byte as
// encoding/json does: generated ones of several seeds and their views (what the server
// answers), the documented one, fully set ones, random ones (nil and empty lists and maps,
// awkward strings, times and raw values) and the zero value.
func TestConnectorEncoderMatchesEncodingJSON(t *testing.T) {
	values := []fx.Connector{fx.Documented(), {}, fullConnector("<string>"), fullConnector(awkward[3]), fullConnector("")}
	for _, seed := range []uint64{fixtures.DefaultSeed, 1, 2, 3, 42} {
		values = append(values, fx.Connectors(seed, 200)...)
	}
	values = append(values, fx.NewConnector(fx.WithProtocol("bigquery"), fx.WithPublic(),
		fx.WithAuthSchemes("none", "api-key", "basic-auth", "oauth2", "hmac", "certificate"),
		fx.WithConnections("production", "staging"), fx.WithTags(map[string][]string{"b": {"x"}, "a": nil, "": {}})))
	for i := range values {
		checkEncoder(t, fmt.Sprintf("value %d", i), &values[i])
		checkEncoder(t, fmt.Sprintf("view of value %d", i), view(&values[i]))
	}
	for seed := range uint64(3000) {
		var c fx.Connector
		filler{r: rand.New(rand.NewPCG(seed, 12))}.fill(reflect.ValueOf(&c).Elem())
		checkEncoder(t, fmt.Sprintf("random %d", seed), &c)
		checkEncoder(t, fmt.Sprintf("view of random %d", seed), view(&c))
	}
}

// TestConnectorEncoderRefuses: what encoding/json refuses (a time MarshalJSON cannot write, a
// raw value that is not JSON), the encoder refuses too, and entry.body answers nil (the
// server's 500) as before.
func TestConnectorEncoderRefuses(t *testing.T) {
	tests := map[string]func(*fx.Connector){
		"year 10000":            func(c *fx.Connector) { c.UpdatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"year -1":               func(c *fx.Connector) { c.Versions[0].CreatedAt = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"offset of a day":       func(c *fx.Connector) { c.CreatedAt = c.CreatedAt.In(time.FixedZone("", 24*3600)) },
		"offset of minus a day": func(c *fx.Connector) { c.CreatedAt = c.CreatedAt.In(time.FixedZone("", -24*3600)) },
		"published in 10000": func(c *fx.Connector) {
			p := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			c.Versions[1].PublishedAt = &p
		},
		"expires in 10000": func(c *fx.Connector) {
			p := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			c.Connections[0].Credentials.Action[0].Credential.ExpiresAt = &p
		},
		"data not JSON": func(c *fx.Connector) {
			c.Connections[0].Credentials.Action[0].Credential.Data = fixtures.RawJSON(`{"a":nope}`)
		},
		"data not JSON, spaced": func(c *fx.Connector) {
			c.Connections[0].Credentials.Action[0].Credential.Data = fixtures.RawJSON(`{"a": nope}`)
		},
		"data two values": func(c *fx.Connector) {
			c.Connections[0].Credentials.Action[0].Credential.Data = fixtures.RawJSON(`1 2`)
		},
		"grant not JSON":      func(c *fx.Connector) { c.AuthSchemeConfigs[0].Grant = fixtures.RawJSON(`{`) },
		"connection in 10000": func(c *fx.Connector) { c.Connections[0].CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			c := fx.Documented()
			spoil(&c)
			_, err := encodingJSON(&c)
			require.Error(t, err, "encoding/json accepts it: the case tests nothing")
			_, ok := connectorJSON(&c)
			assert.False(t, ok)
			assert.Nil(t, newEntry(&c).body())
		})
	}
}

// TestWriteBodyAsWriteJSON: a connector written from its entry's body has kit.WriteJSON's
// status, headers and bytes; a header added afterwards changes nothing else.
func TestWriteBodyAsWriteJSON(t *testing.T) {
	for _, c := range []fx.Connector{fx.Documented(), {}, fullConnector(awkward[3])} {
		want := httptest.NewRecorder()
		kit.WriteJSON(want, http.StatusCreated, view(&c))
		got := httptest.NewRecorder()
		writeBody(got, http.StatusCreated, newEntry(&c).body())
		assert.Equal(t, want.Code, got.Code)
		assert.Equal(t, want.Header(), got.Header())
		assert.Equal(t, want.Body.String(), got.Body.String())
	}
	w := httptest.NewRecorder()
	writeBody(w, http.StatusOK, []byte("{}\n"))
	w.Header().Add("Content-Type", "text/plain")
	assert.Equal(t, http.Header{"Content-Type": {"application/json", "text/plain"}, "Content-Length": {"3"}}, w.Header())
}
