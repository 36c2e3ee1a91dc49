package mock

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

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
