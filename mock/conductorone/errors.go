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
	// codeFailedPrecondition is a refusal because of the resource's state; grpc-gateway
	// answers it with HTTP 400, as INVALID_ARGUMENT.
	codeFailedPrecondition = 9
	codeAborted            = 10
	codeUnimplemented      = 12
	codeInternal           = 13
	codeUnauthenticated    = 16
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
	msgSync            = "sync %q not found for connector %q of app %q"
	msgSyncFile        = "sync file %q not found"
	msgSyncID          = "sync %q not found"
	msgCredential      = "credential %q not found for connector %q of app %q"
	msgCatalog         = "catalog entry %q not found"
	msgUnknownCatalog  = "catalogId %q: not an entry of the connector catalog"
	msgCron            = "cron.cronSpec %q: %s"
	msgTimezone        = "cron.timezone %q: " + msgNotIANA
	msgNotIANA         = "not an IANA time zone"
	msgConnectorState  = "connector %q of app %q: %s"
	msgSyncState       = "sync %q: %s"
	reasonPaused       = "syncing is paused; resume it first"
	reasonRunning      = "a sync is already running (sync %q)"
	reasonAlreadyPause = "syncing is already paused"
	reasonNotPaused    = "syncing is not paused"
	reasonSyncRunning  = "the sync is still running"
	reasonSyncFailed   = "the sync failed and produced no file"
	reasonSyncNotRun   = "the sync is not running"
	msgSyncCancelled   = "sync cancelled: syncing was paused"
	msgSyncFailedAdmin = "sync failed"
	msgPausedReason    = "paused through the API"
	reasonNoAppField   = "no such field in c1.api.app.v1.App"
	msgPageSizeRange   = "must be between 0 and 100, got %d"
	msgNegative        = "must not be negative, got %d"
	msgNoSecret        = "the store keeps no secret"
	reasonDescriptor   = "unknown descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)"
	reasonFieldCount   = "expected 5 fields (minute hour day-of-month month day-of-week), got %d"
	reasonCronField    = "field %d (%s) %q: %s"
	reasonCronStep     = "step %q is not a number between 1 and %d"
	reasonCronBackward = "range %s is backwards"
	reasonCronValue    = "%q is not a value between %d and %d"

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
	c := code(e.Kind)
	if errors.Is(e.Err, ErrFailedPrecondition) {
		c = codeFailedPrecondition
	}
	kit.WriteJSON(w, e.Status(), status{Code: c, Message: message(e), Details: []detail{}})
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
	case errors.Is(err, ErrInvalid), errors.Is(err, ErrFailedPrecondition):
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

// ErrFailedPrecondition is matched (errors.Is) by every refusal of an operation that the
// state of what it names does not allow now: forcing a sync of a paused connector, resuming
// one that is not paused, ... The API answers it as ConductorOne's gateway answers gRPC's
// FAILED_PRECONDITION: HTTP 400, code 9.
var ErrFailedPrecondition = errors.New("failed precondition")

// StateError is an operation that the state of a connector or a sync does not allow now.
type StateError struct {
	// AppID and ConnectorID name the connector; SyncID the sync, when the refusal is about one.
	AppID, ConnectorID, SyncID string
	Reason                     string
}

func (e *StateError) Error() string {
	if e.SyncID != "" {
		return fmt.Sprintf(msgSyncState, e.SyncID, e.Reason)
	}
	return fmt.Sprintf(msgConnectorState, e.ConnectorID, e.AppID, e.Reason)
}

// Is makes errors.Is(err, ErrFailedPrecondition) true.
func (e *StateError) Is(target error) bool { return target == ErrFailedPrecondition }

// SyncNotFoundError is a sync id that no sync of the connector has (ConnectorID "": no sync
// at all), or, File set, no sync with a file (one that completed).
type SyncNotFoundError struct {
	AppID, ConnectorID, SyncID string
	File                       bool
}

func (e *SyncNotFoundError) Error() string {
	switch {
	case e.File:
		return fmt.Sprintf(msgSyncFile, e.SyncID)
	case e.ConnectorID == "":
		return fmt.Sprintf(msgSyncID, e.SyncID)
	}
	return fmt.Sprintf(msgSync, e.SyncID, e.ConnectorID, e.AppID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *SyncNotFoundError) Is(target error) bool { return target == ErrNotFound }

// CredentialNotFoundError is a credential id that no credential of the connector has.
type CredentialNotFoundError struct {
	AppID, ConnectorID, CredentialID string
}

func (e *CredentialNotFoundError) Error() string {
	return fmt.Sprintf(msgCredential, e.CredentialID, e.ConnectorID, e.AppID)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *CredentialNotFoundError) Is(target error) bool { return target == ErrNotFound }

// CatalogNotFoundError is a catalogId that the connector catalog has no entry of.
type CatalogNotFoundError struct {
	CatalogID string
}

func (e *CatalogNotFoundError) Error() string { return fmt.Sprintf(msgCatalog, e.CatalogID) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *CatalogNotFoundError) Is(target error) bool { return target == ErrNotFound }

// UnknownCatalogError is a connector's catalogId (in Create or CreateDelegated) that the
// connector catalog has no entry of: invalid input, not a missing resource.
type UnknownCatalogError struct {
	CatalogID string
}

func (e *UnknownCatalogError) Error() string { return fmt.Sprintf(msgUnknownCatalog, e.CatalogID) }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *UnknownCatalogError) Is(target error) bool { return target == ErrInvalid }

// CronError is a schedule that does not parse: a malformed cron spec or an unknown time zone.
type CronError struct {
	Spec, Timezone, Reason string
}

func (e *CronError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf(msgTimezone, e.Timezone)
	}
	return fmt.Sprintf(msgCron, e.Spec, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *CronError) Is(target error) bool { return target == ErrInvalid }
