// Package kit holds the plumbing the server and the vendor packages share and users need
// not see: the one JSON response writer, the stores' fill-on-first-use mutex and their strict
// snapshot decoding, and the pieces that keep a request's cost flat and small.
//
// What keeps it flat in the store's size: Sorted, a list order kept at write time, so that a
// list page is a binary search and a slice whatever the store holds, and no page sorts or
// re-derives keys. What keeps it small for every server of a process: Seeded, the seed state
// of a (seed, count) built once per process and shared by every store seeded alike until its
// first write, which copies what it changes (maps and orders of pointers; stored values are
// immutable in every vendor). What keeps a request's own work small: answers written by hand
// into pooled buffers (AppendString, AppendTime and the vendors' encoders over them,
// WriteAppended), held byte for byte to encoding/json by differential tests and fuzz targets,
// and a reader of JSON the pipeline has already validated (ObjectMembers, ArrayElements,
// DecodeString) that takes out what a handler needs without decoding the rest. ByteBudget
// bounds the files a process's stores hold. The figures are in the README's
// "Benchmarks"; each change's own measurement is in its commit message.
package kit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// WriteJSON writes v as the JSON body of a response with the given status. HTML characters are
// not escaped (vendors write "<string>" as is) and Content-Length is set.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(buf)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a programming error (an unsupported type) gets here.
		http.Error(w, `{"message":"connectormock: cannot encode response"}`, http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// jsonBuffers recycles WriteJSON's buffers: a fresh buffer per response was the largest
// allocation of a request (the body, grown to size), and allocation drives the GC, a fifth of
// the CPU time under load. A pooled buffer holds no state between responses: WriteJSON resets
// it, and a ResponseWriter does not keep what it is given after Write returns.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledJSONBuffer bounds the buffers kept for reuse, so one huge answer does not pin its
// memory: a list page of 100 Productsup connectors (about 450 KB) is kept, a larger answer is
// not. A smaller bound would miss everyday answers (a page of 20 is about 90 KB) and grow a new
// buffer for each; an idle pool is emptied by the garbage collector anyway.
const maxPooledJSONBuffer = 512 << 10

// Appender is a body that writes its JSON itself, exactly as encoding/json would (a vendor
// whose reflection cost mattered writes its success bodies so).
type Appender interface {
	AppendJSON(b []byte) []byte
}

// WriteAppended is WriteJSON for a body that appends its own JSON: the same buffers, headers
// and final newline, without reflection.
func WriteAppended[B Appender](w http.ResponseWriter, status int, body B) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer putJSONBuffer(buf)
	buf.Write(append(body.AppendJSON(buf.AvailableBuffer()), '\n')) // appends in place: no copy
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func putJSONBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledJSONBuffer {
		return
	}
	b.Reset()
	jsonBuffers.Put(b)
}

// SeededMutex is the RWMutex of a store that fills itself on first use, so that a server whose
// test never touches a vendor never pays for generating its data: the first Lock or RLock runs
// the seed function (once, given to Init) before locking, unless Skip came first (an explicit
// Reset). The seed function takes the lock itself, with LockUnseeded.
type SeededMutex struct {
	mu   sync.RWMutex
	once sync.Once
	seed func()
}

// Init sets the seed function; call it once, before the mutex is used.
func (m *SeededMutex) Init(seed func()) { m.seed = seed }

// Skip marks the store seeded without running the seed function.
func (m *SeededMutex) Skip() { m.once.Do(func() {}) }

// Lock seeds the store if nobody has yet, then locks for writing.
func (m *SeededMutex) Lock() {
	m.once.Do(m.seed)
	m.mu.Lock()
}

// Unlock unlocks for writing.
func (m *SeededMutex) Unlock() { m.mu.Unlock() }

// RLock seeds the store if nobody has yet, then locks for reading.
func (m *SeededMutex) RLock() {
	m.once.Do(m.seed)
	m.mu.RLock()
}

// RUnlock unlocks for reading.
func (m *SeededMutex) RUnlock() { m.mu.RUnlock() }

// LockUnseeded locks for writing without seeding: for the seed function and Reset.
func (m *SeededMutex) LockUnseeded() { m.mu.Lock() }

// DecodeSnapshot reads a vendor's state snapshot strictly (an unknown key is an error, so a
// snapshot of another version or vendor is refused rather than half read); the error names
// the vendor.
func DecodeSnapshot(vendor string, data json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s state: %w", vendor, err)
	}
	return nil
}
