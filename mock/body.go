package mock

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/connectormock/connectormock/mock/internal/contract"
)

// The request body's one read, and its fast check.
//
// kin-openapi's ValidateRequestBody reads the body, decodes it into maps and visits them; the
// trailing-data check read it once more, and the handler decoded it again into its own type.
// Now the mount reads it once (readBody) and asks the operation's compiled Checker (package
// contract) whether kin-openapi would accept it, trailing data included, in one pass over the
// bytes that allocates nothing. When the Checker says yes, the parameters are validated alone
// (by their own Checkers when the operation has a paramPlan, see validate.go, else by
// kin-openapi) and the handler gets the bytes (Call.Body, and r.Body as before). Anything
// else (the Checker says no, the content type is not plain JSON, the schema uses a keyword the
// Checker leaves to kin-openapi, the body could not be read) goes down the path every request
// took before, fed the same bytes (replay): kin-openapi judges and words the 400 itself. So
// kin-openapi stays the authority, and contract's differential test holds the Checker to its
// verdicts; TestFastPathAnswersAsKinOpenAPI holds the two paths to the same answers.

// readBody reads the whole body, as io.ReadAll does, into a buffer of the announced size.
func readBody(r *http.Request) ([]byte, error) {
	size := 512
	if n := r.ContentLength; n > 0 && n < 1<<30 {
		size = int(n) + 1 // the read that finds EOF needs room, or the buffer would grow
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Body.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			r.Body.Close()
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// replay gives back a body that was read: the same bytes, then the same error.
func replay(data []byte, err error) io.ReadCloser {
	if err == nil {
		return newBodyReader(data)
	}
	return io.NopCloser(io.MultiReader(bytes.NewReader(data), errReader{err}))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// putBack leaves the request as kin-openapi's ValidateRequestBody leaves it after reading data.
func putBack(r *http.Request, data []byte) {
	r.Body = nil
	if r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			r.Body = b
		}
	}
	if r.Body == nil {
		r.ContentLength = int64(len(data))
		r.GetBody = func() (io.ReadCloser, error) { return newBodyReader(data), nil }
		r.Body = newBodyReader(data)
	}
}

// bodyReader reads a body that was read already, again: io.NopCloser(bytes.NewReader(data))
// in one allocation instead of two.
type bodyReader struct{ bytes.Reader }

func newBodyReader(data []byte) *bodyReader {
	b := &bodyReader{}
	b.Reset(data)
	return b
}

// Close does nothing: the body is in memory.
func (*bodyReader) Close() error { return nil }

// bodyValid reports whether kin-openapi's ValidateRequestBody accepts data as op's body, and
// singleJSONValue finds nothing after its JSON value: the Checker's answer, in the cases where
// kin-openapi decodes the body as JSON (as ValidateRequestBody and decodeBody choose: a
// non-empty body, a content type the operation declares whose media type is application/json,
// a schema, no encoding). False means "ask kin-openapi", not "invalid".
func (m *mount) bodyValid(op *openapi3.Operation, r *http.Request, data []byte) bool {
	rb := op.RequestBody.Value
	if len(data) == 0 || rb == nil {
		return false
	}
	ct := r.Header.Get("Content-Type")
	mt := rb.Content.Get(ct)
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || len(mt.Encoding) > 0 || !isJSON(ct) {
		return false
	}
	if s := mt.Schema.Value; s.Type.Is(openapi3.TypeString) && s.Format == "binary" {
		return false // kin-openapi reads a binary schema's body as a file
	}
	c := contract.CheckerFor(contract.CheckerKey{Schema: mt.Schema.Value, Direction: contract.AsRequest, IgnoreReadOnly: m.ignoreReadOnly})
	if c == nil {
		return false
	}
	end, ok := c.Check(data)
	if !ok {
		return false
	}
	for _, b := range data[end:] {
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			return !trailingRefused(r)
		}
	}
	return true
}

// isJSON reports whether a Content-Type's media type is application/json, as kin-openapi's
// decodeBody reads it to choose a decoder (parameters dropped, case ignored).
func isJSON(ct string) bool {
	mediaType, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mediaType)) == "application/json"
}
