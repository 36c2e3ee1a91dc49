package kit

import (
	"bytes"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// JSON by hand, shared by the vendor packages whose answers and bodies are hot: writing values
// exactly as encoding/json writes them (AppendString, AppendTime), and reading JSON that the
// pipeline has already validated against the spec without decoding what is not needed
// (ObjectMembers, ArrayElements, DecodeString). Each vendor's encoder is held to
// encoding/json's bytes by a test of its own over generated values.

// AppendString writes s as a JSON string exactly as encoding/json does without HTML escaping:
// the short escapes for \b \f \n \r \t " and \, \u00XX for the other control characters,
// \ufffd for each byte of invalid UTF-8, and U+2028 and U+2029 escaped.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// IsCompact reports whether raw holds none of JSON's four whitespace bytes, so that
// json.Compact has nothing to take out and a stored raw value can be written as it is (a space
// inside a string counts too: such a value goes through json.Compact, to the same bytes). A
// loop, not bytes.ContainsAny, which builds its byte set on every call: raw config values
// are written many times per list page.
func IsCompact(raw []byte) bool {
	for _, c := range raw {
		if c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			return false
		}
	}
	return true
}

// AppendTime writes t as time.Time's MarshalJSON does (RFC 3339 with nanoseconds, quoted);
// a time MarshalJSON refuses (a year outside [0,9999]) is written as "null", where
// encoding/json would fail the whole value.
func AppendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// IsObject reports whether raw, a JSON value, is an object.
func IsObject(raw []byte) bool {
	i := SkipSpace(raw, 0)
	return i < len(raw) && raw[i] == '{'
}

// A small reader of JSON that is known to be valid (the request was decoded before it gets
// here): it finds the Members of an object and the Elements of an array without decoding
// anything else, and so allocates nothing. On anything that is not valid JSON it stops,
// yielding nothing more.

// Members iterates over the Members of a JSON object.
type Members struct {
	b []byte
	i int
}

// ObjectMembers iterates over obj's Members; none if obj is not an object.
func ObjectMembers(obj []byte) Members {
	i := SkipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return Members{}
	}
	return Members{b: obj, i: i + 1}
}

// next returns the next member: its key as encoding/json reads it (unescaped, invalid UTF-8
// replaced) and its raw value.
func (m *Members) Next() (key, val []byte, ok bool) {
	i := SkipSpace(m.b, m.i)
	if i < len(m.b) && m.b[i] == ',' {
		i = SkipSpace(m.b, i+1)
	}
	if i >= len(m.b) || m.b[i] != '"' {
		m.i = len(m.b)
		return nil, nil, false
	}
	end := skipString(m.b, i)
	quoted := m.b[i:end]
	i = SkipSpace(m.b, end)
	if i >= len(m.b) || m.b[i] != ':' {
		m.i = len(m.b)
		return nil, nil, false
	}
	i = SkipSpace(m.b, i+1)
	vend := SkipValue(m.b, i)
	m.i = vend
	return Unquote(quoted), m.b[i:vend], true
}

// Elements iterates over the Elements of a JSON array.
type Elements struct {
	b []byte
	i int
}

// ArrayElements iterates over arr's Elements; ok is false if arr is not an array.
func ArrayElements(arr []byte) (it Elements, ok bool) {
	i := SkipSpace(arr, 0)
	if i >= len(arr) || arr[i] != '[' {
		return Elements{}, false
	}
	return Elements{b: arr, i: i + 1}, true
}

func (e *Elements) Next() (val []byte, ok bool) {
	i := SkipSpace(e.b, e.i)
	if i < len(e.b) && e.b[i] == ',' {
		i = SkipSpace(e.b, i+1)
	}
	if i >= len(e.b) || e.b[i] == ']' {
		e.i = len(e.b)
		return nil, false
	}
	end := SkipValue(e.b, i)
	e.i = end
	return e.b[i:end], true
}

// Unquote returns the text of a JSON string as encoding/json decodes it; nil if it is none.
func Unquote(quoted []byte) []byte {
	if len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
		return nil
	}
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner // the common case: no escapes, nothing to replace
	}
	var s string
	if json.Unmarshal(quoted, &s) != nil {
		return nil
	}
	return []byte(s)
}

func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the end of the string that starts at b[i] (a quote).
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// SkipValue returns the end of the value that starts at b[i].
func SkipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	default: // a number, true, false or null
		j := i
		for j < len(b) && !delimiter(b[j]) {
			j++
		}
		return j
	}
}

// delimiter reports a byte that ends a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// DecodeString decodes a JSON string as encoding/json does; false if raw is not one.
func DecodeString(raw []byte) (string, bool) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		inner := raw[1 : len(raw)-1]
		if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			return string(inner), true
		}
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// DecodeStrings decodes a JSON array of strings as encoding/json does (a null element is "");
// false if raw is not one.
func DecodeStrings(raw []byte) ([]string, bool) {
	it, ok := ArrayElements(raw)
	if !ok {
		return nil, false
	}
	out := []string{}
	for {
		v, more := it.Next()
		if !more {
			return out, true
		}
		s, ok := DecodeString(v)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
}
