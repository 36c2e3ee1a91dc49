package conductorone

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The gRPC status codes of google.rpc.Status that this package answers with (google.rpc.Code).
const (
	codeInvalidArgument  = 3
	codeNotFound         = 5
	codePermissionDenied = 7
	codeAborted          = 10
	codeUnimplemented    = 12
	codeInternal         = 13
	codeUnauthenticated  = 16
)

// code is the gRPC code a kind of error is answered with; each HTTP status maps to the code
// grpc-gateway maps back to that status.
func code(k vendorapi.Kind) int {
	switch k {
	case vendorapi.KindBadRequest:
		return codeInvalidArgument
	case vendorapi.KindUnauthenticated:
		return codeUnauthenticated
	case vendorapi.KindForbidden:
		return codePermissionDenied
	case vendorapi.KindNotFound:
		return codeNotFound
	case vendorapi.KindMethodNotAllowed:
		return codeUnimplemented
	case vendorapi.KindConflict:
		return codeAborted
	default:
		return codeInternal
	}
}

// The texts of every error this package writes, in one place.
const (
	msgMaskPath        = "invalid field mask path %q: %s"
	reasonUnknownField = "no such field in c1.api.app.v1.Connector"
	reasonOutputOnly   = "the field is output only"
	reasonImmutable    = "the field cannot be changed"
	reasonBelowLeaf    = "the field has no subfields"
	reasonStarAlone    = `"*" must be the only path`
	msgExpandPath      = `invalid expand mask path %q: the paths are "app_id" and "*"`
	msgConnector       = "connector %q not found in app %q"
	msgApp             = "app %q not found"
	msgPageToken       = "invalid page_token %q: not a token of this list"
	msgRequired        = "%s is required"
	msgBody            = "invalid request body: %s"
	msgEmpty           = "must not be empty"

	// Fallbacks for errors raised outside this package that carry no message.
	msgInvalid      = "invalid argument"
	msgUnauthorized = "unauthenticated"
	msgForbidden    = "permission denied"
	msgNotFound     = "not found"
	msgMethod       = "method not allowed"
	msgInternal     = "internal error"
)

// status is the error body: google.rpc.Status in its JSON form.
type status struct {
	Code    int      `json:"code"`
	Message string   `json:"message"`
	Details []detail `json:"details"`
}

// detail is a google.protobuf.Any of Status.details; the mock sends none.
type detail map[string]any

// WriteError implements vendorapi.Vendor.
func (a *mounted) WriteError(w http.ResponseWriter, e *vendorapi.Error) { a.writeError(w, e) }

// writeError writes e as a google.rpc.Status with the gRPC code of its kind and a message
// that names the field or path at fault.
func (a *API) writeError(w http.ResponseWriter, e *vendorapi.Error) {
	if e.Kind == vendorapi.KindMethodNotAllowed {
		w.Header().Set("Allow", strings.Join(e.Allow, ", "))
	}
	kit.WriteJSON(w, e.Status(), status{Code: code(e.Kind), Message: message(e), Details: []detail{}})
}

// message is e's text: the offending fields of a validation error ("page_size: number must be
// at least 0, got -1"), else e's own message, else the kind's fallback.
func message(e *vendorapi.Error) string {
	if len(e.Fields) > 0 {
		parts := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			parts[i] = f.Message
			if f.Field != "" {
				parts[i] = f.Field + ": " + f.Message
			}
		}
		return strings.Join(parts, "; ")
	}
	if e.Message != "" {
		return e.Message
	}
	switch e.Kind {
	case vendorapi.KindBadRequest:
		return msgInvalid
	case vendorapi.KindUnauthenticated:
		return msgUnauthorized
	case vendorapi.KindForbidden:
		return msgForbidden
	case vendorapi.KindNotFound:
		return msgNotFound
	case vendorapi.KindMethodNotAllowed:
		return msgMethod
	default:
		return msgInternal
	}
}

// ErrNotFound is matched (errors.Is) by every lookup of an unknown app, or of a connector
// that is not in the app asked for.
var ErrNotFound = errors.New("not found")

// NotFoundError names what was not found: the app itself (ConnectorID "") or a connector of it.
type NotFoundError struct {
	AppID, ConnectorID string
}

func (e *NotFoundError) Error() string {
	if e.ConnectorID == "" {
		return fmt.Sprintf(msgApp, e.AppID)
	}
	return fmt.Sprintf(msgConnector, e.ConnectorID, e.AppID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ErrInvalid is matched (errors.Is) by every error about a request's content.
var ErrInvalid = errors.New("invalid argument")

// FieldError is one offending field of a refused value: its path in the value as the API
// writes it ("status.status", "config") and what is wrong with it, in the words of request
// validation.
type FieldError struct {
	Field, Message string
}

// InvalidError lists every offending field of a connector or an app that a write refused: one
// the server could not serve within its contract. The write changed nothing.
type InvalidError struct {
	Fields []FieldError
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// invalid is the *InvalidError of the fields found, or nil.
func invalid(fields []vendorapi.FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	e := &InvalidError{Fields: make([]FieldError, len(fields))}
	for i, f := range fields {
		e.Fields[i] = FieldError{f.Field, f.Message}
	}
	return e
}

// MaskError is an update mask path that is unknown, read-only or misplaced.
type MaskError struct {
	Path, Reason string
}

func (e *MaskError) Error() string { return fmt.Sprintf(msgMaskPath, e.Path, e.Reason) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *MaskError) Is(target error) bool { return target == ErrInvalid }

// ExpandError is an expand mask path other than "app_id" and "*".
type ExpandError struct {
	Path string
}

func (e *ExpandError) Error() string { return fmt.Sprintf(msgExpandPath, e.Path) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ExpandError) Is(target error) bool { return target == ErrInvalid }

// PageTokenError is a page_token that no List of this app handed out.
type PageTokenError struct {
	Token string
}

func (e *PageTokenError) Error() string { return fmt.Sprintf(msgPageToken, e.Token) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *PageTokenError) Is(target error) bool { return target == ErrInvalid }

// RequiredError is a missing field that the operation needs.
type RequiredError struct {
	Field string
}

func (e *RequiredError) Error() string { return fmt.Sprintf(msgRequired, e.Field) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *RequiredError) Is(target error) bool { return target == ErrInvalid }

// failure maps a Go error onto its one status: invalid input 400, unknown app or connector 404,
// anything else (a bug) 500.
func failure(err error) *vendorapi.Error {
	switch {
	case errors.Is(err, ErrInvalid):
		return &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: err.Error(), Err: err}
	case errors.Is(err, ErrNotFound):
		return &vendorapi.Error{Kind: vendorapi.KindNotFound, Message: err.Error(), Err: err}
	default:
		return &vendorapi.Error{Kind: vendorapi.KindInternal, Err: err}
	}
}

// ValueError is a request value that the schema allows but that the mock cannot hold.
type ValueError struct {
	Err error
}

func (e *ValueError) Error() string { return fmt.Sprintf(msgBody, e.Err) }

// Unwrap returns the decoding error.
func (e *ValueError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValueError) Is(target error) bool { return target == ErrInvalid }
