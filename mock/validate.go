package mock

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// validationError turns what openapi3filter.ValidateRequest returned into a 400 that lists
// every offending field it found, each with a message that names the problem.
func validationError(err error) *vendorapi.Error {
	e := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "the request does not match the API contract", Err: err}
	collect(err, &e.Fields)
	if len(e.Fields) == 0 {
		e.Fields = []vendorapi.FieldError{{In: "body", Message: err.Error()}}
	}
	return e
}

func collect(err error, out *[]vendorapi.FieldError) {
	var me openapi3.MultiError
	if errors.As(err, &me) && !isRequestError(err) {
		for _, e := range me {
			collect(e, out)
		}
		return
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		*out = append(*out, vendorapi.FieldError{In: "body", Message: err.Error()})
		return
	}
	if p := re.Parameter; p != nil {
		for _, m := range contract.Causes(re.Err) {
			*out = append(*out, vendorapi.FieldError{In: p.In, Field: p.Name, Message: paramMessage(re, m)})
		}
		return
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(re.Err, &tooLarge):
		*out = append(*out, vendorapi.FieldError{In: "body", Message: fmt.Sprintf("request body is larger than %d bytes", tooLarge.Limit)})
	case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
		ct := re.Input.Request.Header.Get("Content-Type")
		want := "application/json"
		if rb := re.RequestBody; rb != nil && len(rb.Content) > 0 && rb.Content.Get(want) == nil {
			want = strings.Join(slices.Sorted(maps.Keys(rb.Content)), " or ") // an upload's multipart/form-data
		}
		*out = append(*out, vendorapi.FieldError{In: "header", Field: "Content-Type",
			Message: fmt.Sprintf("must be %s, got %q", want, ct)})
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		*out = append(*out, vendorapi.FieldError{In: "body", Message: "request body is required"})
	case re.Reason == "failed to decode request body":
		what := "not valid JSON"
		if ct := re.Input.Request.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
			what = "not the multipart/form-data the operation takes" // kin-openapi says "part x: undefined" of a part the schema lacks
		}
		*out = append(*out, vendorapi.FieldError{In: "body", Message: "request body is " + what + ": " + decodeReason(re.Err)})
	default:
		for _, m := range contract.Causes(re.Err) {
			var se *openapi3.SchemaError
			if errors.As(m, &se) {
				*out = append(*out, contract.Field(se))
				continue
			}
			*out = append(*out, vendorapi.FieldError{In: "body", Message: cmpMsg(re.Reason, m)})
		}
	}
}

func isRequestError(err error) bool {
	_, ok := err.(*openapi3filter.RequestError)
	return ok
}

func paramMessage(re *openapi3filter.RequestError, cause error) string {
	var se *openapi3.SchemaError
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(cause, &se):
		msg := se.Reason
		if v, ok := contract.Describe(se.Value); ok {
			msg += ", got " + v
		}
		return msg
	case errors.As(cause, &pe):
		return "cannot be parsed: " + pe.Error()
	case errors.Is(cause, openapi3filter.ErrInvalidRequired):
		return "is required"
	case errors.Is(cause, openapi3filter.ErrInvalidEmptyValue):
		return "must not be empty"
	}
	return cmpMsg(re.Reason, cause)
}

func cmpMsg(reason string, err error) string {
	switch {
	case err == nil:
		return reason
	case reason == "":
		return err.Error()
	}
	return reason + ": " + err.Error()
}

// decodeReason shortens the JSON decoder's error to its own words.
func decodeReason(err error) string {
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) && pe.Cause != nil {
		return pe.Cause.Error()
	}
	if err == nil {
		return "empty body"
	}
	return err.Error()
}
