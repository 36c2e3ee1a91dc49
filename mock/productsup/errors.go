package productsup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The documented texts of the CDE API, in one place. Every body this package writes takes its
// message from here.
const (
	msgBadRequest    = "Bad request."
	msgUnauthorized  = "You have to be authorized to access this resource."
	msgForbidden     = "Access denied for user."
	msgNotFound      = "Connector not found."
	msgUpdatedAccess = "Updated access."
	msgSuccessful    = "successful operation"
	msgCreated       = "Connector created."
	msgMethod        = "Method not allowed."
	msgInternal      = "Internal server error."

	msgLogoUploaded      = "Logo has been uploaded successfully."
	msgLogoMissing       = "This value should not be blank." // no "logo" part in the body
	msgOrgNotFound       = "Organization not found."
	msgRunNotFound       = "Run not found."
	msgBlank             = "This value should not be blank."
	msgNotValid          = "This value is not valid."
	msgAuthUpdated       = "Authentication registration successfully updated."
	msgIndividualAdded   = "Individual configuration added."
	msgVCSValid          = "VCS config is valid."
	msgVCSInvalid        = "VCS config is not valid."                                        // the mock's: no page shows the refusal; a build without one too
	msgVCSSaved          = "VCS config saved."                                               // the mock's admin API
	msgVCSFormRequired   = "A VCS config needs an authorization type and a repository link." // the mock's: the guide's required fields
	msgVCSBasicAuth      = "Basic auth needs a username and a token."                        // the mock's: the guide's basic-auth fields
	msgUsedOnPlatform    = "Connector is actively used on the platform."
	msgMovedToBin        = "Connector has been moved to bin."
	msgRestoredFromBin   = "Connector has been restored from bin."
	msgNotUUID           = "This is not a valid UUID."
	msgStateNotFound     = "State not found."
	msgLastStateNotFound = "Last state was not found based on query parameters."
	msgNoAction          = "This background action does not exist."
	msgDevAccountMissing = "Dev account is missing."
	msgNotReleased       = "Connector is not released."
	msgSyncedRuntime     = "Successfully synchronized the version of the connector with runtime."
	msgDevSite           = "Platform Site will be created in the background."
	msgAssignedDev       = "Connector assigned to dev site."
	msgSecretsUpdated    = "Secret registrations successfully updated."
	msgUnreleased        = "The connector would not be available to all users."
	msgReleased          = "The connector is available to all users."              // inferred: no page shows it
	msgBuildTriggered    = "Build will be triggered in the background."            // inferred: the page shows no 200
	msgNoMigration       = "This connector version has no migration to roll back." // the mock's: the page shows no refusal
	msgAlreadyReleased   = "Connector is already released."                        // the mock's: no page shows it
	msgChannelsAssigned  = "Successfully assigned channel."
	msgDeltaChannels     = "You can not assign delta channels to export Connector: " // then the ids, as the page shows them: 98,99
	msgNoChannels        = "You can not assign channels to %s Connector."            // the mock's, after the page's: a type that is no export

	msgTransition            = "Transition is not allowed, entity is %s." // the state
	msgNotInt                = "Given values are not int: "               // then the values, quoted, comma-separated
	msgNoAuthentication      = "Authentication %d does not exist."        // the mock's: the page lists 20 and 30 only
	msgRuntimeVersionMissing = "Missing connector runtime version for runtime environment bin-docker-wrapper."
	msgRuntimeUpdated        = "Successfully updated connector prod runtime for version %s." // the version, 1.0.0
	msgNoMetadata            = "Connector has no metadata."                                  // the mock's: update before add
	msgHasMetadata           = "Connector already has metadata."                             // the mock's: add twice
	msgMetadataAdded         = "Successfully added metadata for connector."
	msgMetadataUpdated       = "Successfully updated metadata for connector."
	msgGreaterThanZero       = "This value should be greater than 0."
	msgPositiveInts          = "All values must be integers greater than 0."
	msgStateIs               = "State is %s." // the mock's admin API: failing work that is no longer pending

	resourceConnector = "connector"
	resourceVersion   = "connector-version"
	resourceState     = "state"
)

// channelOwners are the channel owners the metadata pages accept, in the order their refusal
// names them.
var channelOwners = []string{"Feature Team", "DromundKaas Team", "Channel Team", "Third Party", "API Team", "WG3"}

// msgChannelOwner is the metadata pages' refusal of any other channel owner.
var msgChannelOwner = `Invalid channel owner provided. Valid options are: "` + strings.Join(channelOwners, `", "`) + `".`

// forbidden is the documented 403.
var forbidden = &vendorapi.Error{Kind: vendorapi.KindForbidden, Message: msgForbidden}

// ruleBody is the documented refusal of a business rule or a transition: the sentence, and
// "errors": [] (an empty array, not an object).
type ruleBody struct {
	Message string   `json:"message"`
	Errors  []string `json:"errors"`
}

// message is the documented {"message": ...} body of 401, 403 and 404.
type message struct {
	Message string `json:"message"`
}

// badRequest is the documented 400 body: one key per offending field, in the order given.
type badRequest struct {
	Message string     `json:"message"`
	Errors  fieldTexts `json:"errors"`
}

// fieldTexts is an ordered JSON object of field -> text.
type fieldTexts []fieldText

type fieldText struct{ field, text string }

// MarshalJSON writes the fields in order, as the documented bodies do.
func (f fieldTexts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.field)
		v, _ := json.Marshal(e.text)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// add appends text to field's entry (sentences joined by one space), creating it if needed.
func (f fieldTexts) add(field, text string) fieldTexts {
	for i := range f {
		if f[i].field == field {
			f[i].text += " " + text
			return f
		}
	}
	return append(f, fieldText{field, text})
}

// WriteError implements vendorapi.Vendor.
func (a *mounted) WriteError(w http.ResponseWriter, e *vendorapi.Error) { a.writeError(w, e) }

// writeError writes e in the CDE API's documented shape.
func (a *API) writeError(w http.ResponseWriter, e *vendorapi.Error) {
	status := e.Status()
	var transition *TransitionError
	var rule *RuleError
	switch {
	case errors.As(e.Err, &transition):
		kit.WriteJSON(w, status, ruleBody{transition.Error(), []string{}})
		return
	case errors.As(e.Err, &rule) && len(rule.Fields) == 0:
		kit.WriteJSON(w, status, ruleBody{rule.Message, []string{}})
		return
	case errors.As(e.Err, &rule):
		var texts fieldTexts
		for _, f := range rule.Fields {
			texts = texts.add(f.Field, f.Message)
		}
		kit.WriteJSON(w, status, badRequest{msgBadRequest, texts})
		return
	}
	switch e.Kind {
	case vendorapi.KindBadRequest:
		var texts fieldTexts
		for _, f := range e.Fields {
			texts = texts.add(fieldKey(f), sentence(f))
		}
		if len(texts) == 0 {
			texts = texts.add("body", e.Message)
		}
		kit.WriteJSON(w, status, badRequest{msgBadRequest, texts})
		return
	case vendorapi.KindUnauthenticated:
		kit.WriteJSON(w, status, message{msgUnauthorized})
	case vendorapi.KindForbidden:
		kit.WriteJSON(w, status, message{msgForbidden})
	case vendorapi.KindNotFound:
		kit.WriteJSON(w, status, message{orDefault(e.Message, msgNotFound)})
	case vendorapi.KindMethodNotAllowed:
		w.Header().Set("Allow", strings.Join(e.Allow, ", "))
		kit.WriteJSON(w, status, message{msgMethod})
	default:
		kit.WriteJSON(w, status, message{orDefault(e.Message, msgInternal)})
	}
}

func orDefault(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// fieldKey is the key of the errors object: the top-level field a body path starts with
// ("accounts" for accounts[0]), the parameter name otherwise.
func fieldKey(f vendorapi.FieldError) string {
	if f.Field == "" {
		return "body"
	}
	if i := strings.IndexAny(f.Field, ".["); i > 0 && f.In == "body" {
		return f.Field[:i]
	}
	return f.Field
}

// sentence makes a field error read like the CDE API's own texts: one sentence, full stop.
// A nested body field ("accounts[0]") is named in front of the message.
func sentence(f vendorapi.FieldError) string {
	msg := f.Message
	// The vendor's own sentences (its framework's) for what the pages show them for.
	topLevel := f.Field == fieldKey(f)
	switch {
	case strings.Contains(msg, `format "uuid"`):
		msg = msgNotUUID
	case topLevel && (strings.HasPrefix(msg, "property ") && strings.HasSuffix(msg, " is missing") ||
		strings.HasPrefix(msg, "minimum string length is 1,")):
		msg = msgBlank
	case topLevel && f.In == "body" && strings.HasPrefix(msg, "value must be an array"):
		msg = "This value does not have valid array."
	}
	if msg == "" {
		msg = "is invalid"
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	if f.In == "body" && f.Field != "" && f.Field != fieldKey(f) {
		return f.Field + ": " + msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// accessFailure turns an *AccessError into the documented 400: one sentence per id, keys in the
// documented order sites, accounts, projects.
func accessFailure(e *AccessError) *vendorapi.Error {
	verb := "disable"
	if e.Enable {
		verb = "enable"
	}
	out := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "ids outside the target lists", Err: e}
	for _, l := range []struct {
		key, noun string
		ids       []int64
	}{{"sites", "Site", e.Sites}, {"accounts", "Account", e.Accounts}, {"projects", "Project", e.Projects}} {
		for _, id := range l.ids {
			out.Fields = append(out.Fields, vendorapi.FieldError{
				In:      "body",
				Field:   l.key,
				Message: fmt.Sprintf("%s %d does not belong to target list and you can not %s access to it.", l.noun, id, verb),
			})
		}
	}
	return out
}

// failure maps a store error onto its one documented status.
func failure(err error) *vendorapi.Error {
	var access *AccessError
	switch {
	case errors.As(err, &access):
		return accessFailure(access)
	case errors.Is(err, ErrTransition):
		return &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: err.Error(), Err: err}
	case errors.As(err, new(*RuleError)):
		return &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: err.Error(), Err: err}
	case errors.As(err, new(*StateNotFoundError)):
		return &vendorapi.Error{Kind: vendorapi.KindNotFound, Message: err.Error(), Err: err}
	case errors.Is(err, ErrNotFound):
		return &vendorapi.Error{Kind: vendorapi.KindNotFound, Err: err}
	default:
		return &vendorapi.Error{Kind: vendorapi.KindInternal, Err: err}
	}
}
