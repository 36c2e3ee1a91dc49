package kit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// marshal is encoding/json's encoding of v as WriteJSON writes it, without the newline.
func marshal(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

var awkwardStrings = []string{
	"", "plain", `"quoted" \ back`, "<string> & more", "tab\tnew\nline\r\b\f", "\x00\x01\x1f\x7f",
	"é ü 日本 🙂", "\u2028 and \u2029", "bad \xff utf-8 \xc3", "\xed\xa0\x80 surrogate",
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range awkwardStrings {
		assert.Equal(t, string(marshal(t, s)), string(AppendString(nil, s)), "%q", s)
	}
}

// TestAppendStringEveryByte: each of the 256 bytes alone, and between letters, as
// encoding/json writes it (the table of plain ASCII bytes among them).
func TestAppendStringEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string([]byte{byte(c)}), "ab" + string([]byte{byte(c)}) + "cd"} {
			assert.Equal(t, string(marshal(t, s)), string(AppendString(nil, s)), "%q", s)
		}
	}
}

func TestIsCompact(t *testing.T) {
	for c := range 256 {
		raw := []byte{'[', '1', byte(c), '2', ']'}
		assert.Equal(t, !bytes.ContainsAny(raw, " \t\n\r"), IsCompact(raw), "byte %#x", c)
	}
	assert.True(t, IsCompact(nil))
	assert.True(t, IsCompact([]byte(`{"a":[1,"b"]}`)))
	assert.False(t, IsCompact([]byte(`{"a": 1}`)))
}

// BenchmarkAppendString writes the strings of a Productsup list page's kind: names, ids,
// free text.
func BenchmarkAppendString(b *testing.B) {
	strs := []string{"497f6eca-6276-4993-bfeb-53cbbbba6f08", "Google Shopping export", "A connector that exports the feed to a marketplace, with a longer description of what it does.", "caf\u00e9 \"quoted\""}
	b.ReportAllocs()
	buf := make([]byte, 0, 1024)
	for b.Loop() {
		buf = buf[:0]
		for _, s := range strs {
			buf = AppendString(buf, s)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range awkwardStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := AppendString(nil, s), marshal(t, s); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %s, encoding/json %s", s, got, want)
		}
	})
}

func TestAppendTimeMatchesMarshalJSON(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Date(2025, 3, 31, 9, 14, 2, 0, time.UTC),
		time.Date(2026, 12, 1, 8, 2, 13, 533932000, time.UTC),
		time.Date(2026, 12, 1, 8, 2, 13, 1, time.FixedZone("x", 5*3600+1800)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("y", -7*3600)),
	} {
		want, err := tm.MarshalJSON()
		require.NoError(t, err)
		assert.Equal(t, string(want), string(AppendTime(nil, tm)))
	}
	_, err := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).MarshalJSON()
	require.Error(t, err, "encoding/json refuses it")
	assert.Equal(t, "null", string(AppendTime(nil, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))))
}

func TestReaderOfValidJSON(t *testing.T) {
	doc := []byte(` { "a" : [1, {"x":"}"}, "s\""] , "b\u00e9":"v\n" ,"c":null, "d": -1.5e3, "e":true } `)
	type kv struct{ k, v string }
	var got []kv
	for it := ObjectMembers(doc); ; {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		got = append(got, kv{string(k), string(v)})
	}
	assert.Equal(t, []kv{{"a", `[1, {"x":"}"}, "s\""]`}, {"bé", `"v\n"`}, {"c", "null"}, {"d", "-1.5e3"}, {"e", "true"}}, got)

	it, ok := ArrayElements([]byte(`[1, {"x":"]"}, "s"]`))
	require.True(t, ok)
	var els []string
	for {
		v, more := it.Next()
		if !more {
			break
		}
		els = append(els, string(v))
	}
	assert.Equal(t, []string{"1", `{"x":"]"}`, `"s"`}, els)

	_, ok = ArrayElements([]byte(`{}`))
	assert.False(t, ok)
	it2 := ObjectMembers([]byte(`[1]`))
	_, _, ok = it2.Next()
	assert.False(t, ok, "an array has no members")
	assert.True(t, IsObject([]byte(" {}")))
	assert.False(t, IsObject([]byte(`"{"`)))

	for _, raw := range []string{`"plain"`, `"esc\u00e9\n"`, `"bad \xff"`, `12`, `null`} {
		var want string
		werr := json.Unmarshal([]byte(raw), &want)
		s, ok := DecodeString([]byte(raw))
		assert.Equal(t, werr == nil, ok, raw)
		if ok {
			assert.Equal(t, want, s, raw)
		}
	}
	ss, ok := DecodeStrings([]byte(`["a", "b\"", null]`))
	require.True(t, ok)
	assert.Equal(t, []string{"a", `b"`, ""}, ss)
	_, ok = DecodeStrings([]byte(`["a", 1]`))
	assert.False(t, ok)
}
