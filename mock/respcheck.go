package mock

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// checkResponse validates a sent response against the spec when WithResponseValidation is on:
// its status must be documented for the operation, its body must match that response's schema.
// Answers to requests that matched no operation are checked for being JSON only.
func (m *mount) checkResponse(r *http.Request, route *routers.Route, call *vendorapi.Call, rec *recorder) {
	report := m.server.cfg.checkResp
	if report == nil {
		return
	}
	if route == nil {
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			report(fmt.Errorf("%s %s: unmatched request answered %d with Content-Type %q", r.Method, r.URL.Path, rec.status, ct))
		}
		return
	}
	if !m.server.cfg.noCheckers && m.responseValid(r, route, rec) {
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: call.Params, Route: route},
		Status:                 rec.status,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                m.respOptions,
	}
	if err := openapi3filter.ValidateResponse(r.Context(), input); err != nil {
		report(fmt.Errorf("%s %s (%s) answered %d against %s: %w", r.Method, r.URL.Path, call.OperationID, rec.status, m.spec.File, err))
	}
}

// responseValid reports whether kin-openapi's ValidateResponse accepts the response, in the
// cases it decides without it: the statuses and methods it does not check, responses without
// a body schema, and JSON bodies the operation's compiled Checker accepts (see body.go for
// why, and for the authority). False means "ask kin-openapi", which then judges and words
// its report; a response with documented headers always goes to it.
func (m *mount) responseValid(r *http.Request, route *routers.Route, rec *recorder) bool {
	if r.Method == http.MethodHead {
		return true
	}
	switch rec.status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return true
	}
	responses := route.Operation.Responses
	if responses.Len() == 0 {
		return true
	}
	ref := responses.Status(rec.status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil || len(ref.Value.Headers) > 0 {
		return false
	}
	content := ref.Value.Content
	if len(content) == 0 {
		return true
	}
	ct := rec.Header().Get("Content-Type")
	mt := content.Get(ct)
	if mt == nil || len(mt.Encoding) > 0 || !isJSON(ct) {
		return false
	}
	if mt.Schema == nil {
		return true
	}
	s := mt.Schema.Value
	if s == nil || s.Type.Is(openapi3.TypeString) && s.Format == "binary" {
		return false
	}
	c := contract.CheckerFor(contract.CheckerKey{Schema: s, Direction: contract.AsResponse})
	if c == nil {
		return false
	}
	_, ok := c.Check(rec.body.Bytes()) // kin-openapi decodes the first value only
	return ok
}
