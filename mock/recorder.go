package mock

import (
	"bytes"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// exchange is what the mount needs for one request besides the handler's own data: the
// recorder (and, with response validation, the copy of the body it keeps), the Call, and the
// route and input of request validation. They were five allocations per request, the kept
// body the largest, and allocation drives the GC; so exchanges are pooled. Nothing refers to
// one once the mount's ServeHTTP returns: handlers get the Call and the writer for the time of
// the call (vendorapi.HandlerFunc), kin-openapi's errors, which point at the input, are
// reduced to text for the log and the journal, and response validation reports its own
// input, built afresh.
type exchange struct {
	rec   recorder
	call  vendorapi.Call
	route routers.Route
	input openapi3filter.RequestValidationInput
}

var exchanges = sync.Pool{New: func() any { return new(exchange) }}

// maxKeptBody bounds the kept-body buffers pooled, as kit's JSON buffers are bounded.
const maxKeptBody = 64 << 10

func newExchange(w http.ResponseWriter, keepBody bool) *exchange {
	x := exchanges.Get().(*exchange)
	x.rec.ResponseWriter, x.rec.keepBody = w, keepBody
	return x
}

// release clears the exchange (it must not keep the request, its body or its answer alive)
// and pools it.
func (x *exchange) release() {
	body := x.rec.body
	body.Reset()
	if body.Cap() > maxKeptBody {
		body = bytes.Buffer{}
	}
	*x = exchange{}
	x.rec.body = body
	exchanges.Put(x)
}

// recorder passes a response through, remembering its status and, when response validation
// is on, its body.
type recorder struct {
	http.ResponseWriter
	status   int
	keepBody bool
	body     bytes.Buffer
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
	if r.keepBody {
		r.body.Write(p)
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
