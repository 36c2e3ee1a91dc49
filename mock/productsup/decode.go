package productsup

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Request bodies: enable, disable and the targets operations send an object of id lists. A
// reader of exactly that shape takes them without encoding/json, whose reflection cost as
// much as the rest of the handler (14 allocations for a body of three short lists); anything
// it does not take (null, 1e3, a key in another case, a repeated key, ...) goes to
// encoding/json, which decides as before. FuzzIDLists holds the two to the same answers.

// idLists is a body whose keys each name a list of ids.
type idLists interface {
	idLists() (keys *[3]string, lists [3]*[]int64)
}

var accessKeys = [3]string{"accounts", "projects", "sites"}

func (a *Access) idLists() (*[3]string, [3]*[]int64) {
	return &accessKeys, [3]*[]int64{&a.Accounts, &a.Projects, &a.Sites}
}

var targetsKeys = [3]string{"target-accounts", "target-projects", "target-sites"}

func (t *Targets) idLists() (*[3]string, [3]*[]int64) {
	return &targetsKeys, [3]*[]int64{&t.Accounts, &t.Projects, &t.Sites}
}

// bodies recycles the buffers request bodies are read into (never kept: decoding copies).
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// decode reads the (already schema-validated) JSON body into v. What the schema lets through
// but Go cannot hold (a number beyond int64, say) is a 400 too, never a 500.
func (a *API) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	buf := bodies.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 {
			buf.Reset()
			bodies.Put(buf)
		}
	}()
	_, err := buf.ReadFrom(r.Body)
	if err == nil {
		if l, ok := v.(idLists); ok && readIDLists(buf.Bytes(), l) {
			return true
		}
		err = json.NewDecoder(bytes.NewReader(buf.Bytes())).Decode(v)
	}
	if err != nil {
		a.writeError(w, &vendorapi.Error{
			Kind:   vendorapi.KindBadRequest,
			Fields: []vendorapi.FieldError{{In: "body", Message: "cannot read the JSON body: " + err.Error()}},
			Err:    err,
		})
		return false
	}
	return true
}

// readIDLists reads data into v when data is nothing but an object whose keys are v's, each
// at most once and written without escapes, and whose values are arrays of integers of at
// most 18 digits (so they fit an int64), JSON white space allowed between tokens. It reads
// them as encoding/json does: a list absent stays nil, [] is an empty list. It answers false,
// having changed nothing, for anything else.
func readIDLists(data []byte, v idLists) bool {
	keys, lists := v.idLists()
	p := idReader{data: data}
	var got [3][]int64
	var seen [3]bool
	if !p.next('{') {
		return false
	}
	if !p.next('}') {
		for {
			k := p.key(keys)
			if k < 0 || seen[k] || !p.next(':') {
				return false
			}
			l, ok := p.ids()
			if !ok {
				return false
			}
			got[k], seen[k] = l, true
			if p.next(',') {
				continue
			}
			if p.next('}') {
				break
			}
			return false
		}
	}
	p.space()
	if p.i != len(data) {
		return false
	}
	for k, l := range lists {
		if seen[k] {
			*l = got[k]
		}
	}
	return true
}

type idReader struct {
	data []byte
	i    int
}

// space skips JSON white space.
func (p *idReader) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// next skips white space and then c, if c is next; it says whether it was.
func (p *idReader) next(c byte) bool {
	p.space()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

// key reads a key without escapes and answers its index in keys, or -1.
func (p *idReader) key(keys *[3]string) int {
	if !p.next('"') {
		return -1
	}
	start := p.i
	for p.i < len(p.data) && p.data[p.i] != '"' {
		if p.data[p.i] == '\\' {
			return -1
		}
		p.i++
	}
	if p.i == len(p.data) {
		return -1
	}
	key := p.data[start:p.i]
	p.i++
	for k, want := range keys {
		if string(key) == want {
			return k
		}
	}
	return -1
}

// ids reads an array of integers.
func (p *idReader) ids() ([]int64, bool) {
	if !p.next('[') {
		return nil, false
	}
	out := []int64{} // [] is an empty list, as encoding/json reads it
	if p.next(']') {
		return out, true
	}
	for {
		p.space()
		n, ok := p.int()
		if !ok {
			return nil, false
		}
		out = append(out, n)
		if p.next(',') {
			continue
		}
		if p.next(']') {
			return out, true
		}
		return nil, false
	}
}

// int reads an integer as JSON writes it (no leading zero, no fraction, no exponent: what
// follows is checked by the caller) of at most 18 digits.
func (p *idReader) int() (int64, bool) {
	neg := p.i < len(p.data) && p.data[p.i] == '-'
	if neg {
		p.i++
	}
	start := p.i
	var n int64
	for p.i < len(p.data) && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		n = n*10 + int64(p.data[p.i]-'0')
		p.i++
	}
	digits := p.i - start
	if digits == 0 || digits > 18 || digits > 1 && p.data[start] == '0' {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
