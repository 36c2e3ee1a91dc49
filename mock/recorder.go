package mock

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// exchange is what the mount needs for one request besides the handler's own data: the
// recorder (and, with response validation, the copy of the body it keeps), the Call, the
// route and input of request validation, and what the journal keeps of both bodies. They were
// five allocations per request, the kept body the largest, and allocation drives the GC; so
// exchanges are pooled. Nothing refers to one once the mount's ServeHTTP returns: handlers get
// the Call and the writer for the time of the call (vendorapi.HandlerFunc), kin-openapi's
// errors, which point at the input, are reduced to text for the log and the journal, the
// journal copies what it keeps, and response validation reports its own input, built afresh.
type exchange struct {
	rec   recorder
	call  vendorapi.Call
	route routers.Route
	input openapi3filter.RequestValidationInput
	// reqBody keeps the start of the request body as the pipeline reads it, through tee.
	reqBody capture
	tee     teeBody
	// scratch is where parameters are written as JSON for their Checkers (paramPlan.valid).
	scratch []byte
}

var exchanges = sync.Pool{New: func() any { return new(exchange) }}

// maxKeptBody bounds the kept-body buffers pooled, as kit's JSON buffers are bounded.
const maxKeptBody = 64 << 10

// newExchange starts an exchange; journalBody is how much of each body the journal keeps.
func newExchange(w http.ResponseWriter, r *http.Request, keepBody bool, journalBody int) *exchange {
	x := exchanges.Get().(*exchange)
	x.rec.ResponseWriter, x.rec.keepBody = w, keepBody
	x.rec.kept.limit, x.reqBody.limit = journalBody, journalBody
	if journalBody > 0 && r.Body != nil && r.Body != http.NoBody {
		x.tee = teeBody{ReadCloser: r.Body, c: &x.reqBody}
		r.Body = &x.tee
	}
	return x
}

// release clears the exchange (it must not keep the request, its body or its answer alive)
// and pools it.
func (x *exchange) release() {
	body, kept, req, scratch := x.rec.body, x.rec.kept.buf, x.reqBody.buf, x.scratch
	*x = exchange{}
	x.rec.body, x.rec.kept.buf, x.reqBody.buf = reuse(body), reuse(kept), reuse(req)
	if cap(scratch) <= maxKeptBody {
		x.scratch = scratch[:0]
	}
	exchanges.Put(x)
}

// reuse empties a buffer for the pool, or drops it if it grew past maxKeptBody.
func reuse(b bytes.Buffer) bytes.Buffer {
	b.Reset()
	if b.Cap() > maxKeptBody {
		return bytes.Buffer{}
	}
	return b
}

// drainRequest reads the start of a request body the pipeline refuses without reading (an
// unknown route, a refused token), so that the journal shows it too. It runs before the
// answer is written: net/http may discard the rest of the body once it has been.
func (x *exchange) drainRequest(r *http.Request) {
	if x.tee.c == nil || x.reqBody.total > 0 || x.reqBody.eof {
		return
	}
	_, _ = io.CopyN(io.Discard, &x.tee, int64(x.reqBody.limit))
}

// capture keeps the first limit bytes written to it and counts them all.
type capture struct {
	limit int
	buf   bytes.Buffer
	total int64
	eof   bool // the body was read to its end
}

func (c *capture) Write(p []byte) (int, error) {
	c.total += int64(len(p))
	if room := c.limit - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// result is what the journal keeps: the body's start, its size and whether it was cut. size
// is what the body claims to hold (a request's Content-Length), -1 when unknown: a body the
// pipeline did not read to its end is at least that large. whole is the body as the pipeline
// read it, nil when it did not: a whole body that fits is kept as it is, without a copy.
func (c *capture) result(size int64, whole []byte) (string, int64, bool) {
	total := c.total
	if !c.eof && size > total {
		total = size
	}
	if c.eof && len(whole) > 0 && int64(len(whole)) == total && len(whole) <= c.limit && bytes.Equal(whole, c.buf.Bytes()) {
		// whole is the request's Call.Body, read-only for everyone once read (see
		// vendorapi.Call), and allocated for this request alone (readBody, singleJSONValue):
		// the journal may share it.
		return unsafe.String(unsafe.SliceData(whole), len(whole)), total, false
	}
	return c.buf.String(), total, total > int64(c.buf.Len())
}

// kept is result without the copy: the start of the body as the capture holds it (memory the
// exchange reuses: the caller copies what it keeps), its size and whether it was cut.
func (c *capture) kept(size int64) ([]byte, int64, bool) {
	total := c.total
	if !c.eof && size > total {
		total = size
	}
	return c.buf.Bytes(), total, total > int64(c.buf.Len())
}

// teeBody copies what is read of a request body into the capture.
type teeBody struct {
	io.ReadCloser
	c *capture
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	_, _ = t.c.Write(p[:n])
	if err == io.EOF {
		t.c.eof = true
	}
	return n, err
}

// recorder passes a response through, remembering its status, what the journal keeps of its
// body and, when response validation is on, its whole body.
//
// It holds back the last byte written until the mount has journaled the request (finish): a
// client has its whole answer only once that byte has come, so a client that reads its
// answer and then asks the journal (mocktest's assertions, GET /__admin/requests) always finds
// the request there. Without it, a body larger than net/http's 4 KiB buffer reached the
// client before the journal had the request, and a quick client could ask too soon. A body
// without Content-Length ends with its last chunk, and one without a body with its headers,
// both sent when the handler has returned, after the journal: only the last byte needs
// holding. It costs one more write of a byte into net/http's buffer, no copy and no system
// call of its own.
type recorder struct {
	http.ResponseWriter
	status   int
	keepBody bool
	body     bytes.Buffer
	kept     capture
	held     [1]byte // the last byte written, when holding
	holding  bool
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if len(p) == 0 {
		return r.ResponseWriter.Write(p)
	}
	if r.keepBody {
		r.body.Write(p)
	}
	_, _ = r.kept.Write(p)
	if r.holding {
		if _, err := r.ResponseWriter.Write(r.held[:]); err != nil {
			r.holding = false
			return 0, err
		}
	}
	n, err := r.ResponseWriter.Write(p[:len(p)-1])
	if err != nil {
		r.holding = false
		return n, err
	}
	r.held[0], r.holding = p[len(p)-1], true
	return len(p), nil
}

// finish writes the byte Write held back; the mount calls it once the request is journaled.
func (r *recorder) finish() {
	if r.holding {
		r.holding = false
		_, _ = r.ResponseWriter.Write(r.held[:])
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
