package versori

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The error codes of the contract's Error body. Versori publishes none; these stable
// lowercase codes are the mock's choice, one per HTTP status.
const (
	CodeBadRequest       = "bad_request"        // 400
	CodeUnauthorized     = "unauthorized"       // 401
	CodeForbidden        = "forbidden"          // 403
	CodeNotFound         = "not_found"          // 404
	CodeMethodNotAllowed = "method_not_allowed" // 405
	CodeConflict         = "conflict"           // 409
	// CodePreconditionFailed is a 412: a definition to delete is still referred to.
	CodePreconditionFailed = "precondition_failed"
	CodeInternal           = "internal" // 500
)

var codes = map[vendorapi.Kind]string{
	vendorapi.KindBadRequest:       CodeBadRequest,
	vendorapi.KindUnauthenticated:  CodeUnauthorized,
	vendorapi.KindForbidden:        CodeForbidden,
	vendorapi.KindNotFound:         CodeNotFound,
	vendorapi.KindMethodNotAllowed: CodeMethodNotAllowed,
	vendorapi.KindConflict:         CodeConflict,
	vendorapi.KindInternal:         CodeInternal,
}

// Every message this package sends, in one place: the default of each kind, then the texts of
// the store's rules (formats take the values they name).
const (
	msgBadRequest       = "The request is invalid; fields lists every offending field."
	msgUnauthorized     = "Authentication is required."
	msgForbidden        = "The token may not do this."
	msgNotFoundDefault  = "The resource does not exist."
	msgMethodNotAllowed = "The method is not allowed on this path."
	msgConflict         = "The resource's state forbids this change."
	msgInternal         = "connectormock failed unexpectedly; this is a bug in the mock."

	msgOrganisation = "The token may not act in organisation %s."

	msgPathMismatch             = "must equal the path's %[2]s %[3]q, got %[1]q"
	msgProtocolChange           = "cannot change: the connector's protocol is %q, got %q"
	msgUnknownAuthSchemeConfig  = "names no auth scheme config of this connector: %q"
	msgRepeatedAuthSchemeConfig = "repeats auth scheme config %q"
	msgDatasetRequired          = "is required: a BigQuery connector needs its dataset"
	msgRepeatedConnection       = "repeats connection name %q; names are unique within a connector"
	msgRepeatedVersion          = "repeats version name %q; names are unique within a connector"
	msgBadTag                   = "tag %q has no key; want key:value or key, comma-separated"
	msgVersionNameEmpty         = "must not be empty"
	msgVersionNameReserved      = "%q is a reserved version name (latest and default are)"
	msgNoSuchFromVersion        = "names no version of this connector: %q"
	msgReadOnly                 = "is read-only: it is %s"
	msgReadOnlyName             = "is read-only: it is %q"
	msgPublishedAtFixed         = "is set when the version is published and cannot change: it is %s (send null to unpublish)"
	msgSortColumn               = "cannot sort by %q; columns are %s"
	msgSortDirection            = "direction %q of %s is neither asc nor desc"
	msgBadCursor                = "is not a cursor this API issued"
	msgCursorSort               = "was issued for sort %q, the request sorts by %q"

	msgPublishNoActions   = "an http connector's version needs at least one action to be published"
	msgDanglingRef        = "refers to definition %s, which was deleted"
	msgDanglingLink       = "links definition %s, which was deleted"
	msgTypeProtocol       = "a %s of type %q does not fit the connector's protocol %q"
	msgActionPath         = "is required: an http action needs its path"
	msgUnknownDefinition  = "names no definition of this version: %q"
	msgMediaTypeTwice     = "links a second definition for media type %q; one definition per media type"
	msgResponseTwice      = "repeats another response's status; statuses are unique (one default, without status)"
	msgItemName           = "must match %s"
	msgSchemaContentType  = "is %q; the mock keeps JSON Schema documents only (application/schema+json)"
	msgSchemaJSON         = "is not a JSON Schema document (a JSON object or boolean)"
	msgUnknownRef         = "refers to %q, which names no definition of this version"
	msgRepeatedDefinition = "repeats definition name %q"
	msgSchemaRequired     = "is required when creating a definition"
	msgAllExclusive       = "excludes ids and names"
	msgNothingToDelete    = "names nothing to delete: give ids, names or all"
	msgDefinitionTwice    = "names definition %q a second time"

	msgUnknownCategory  = "%q is no category; categories are %s"
	msgRepeatedCategory = "repeats category %q"

	msgNotULID = "is not a ULID: %q"

	msgUploadTooLarge      = "is larger than the 1 MiB an upload URL takes"
	msgUploadContentType   = "is %q; the upload URL was issued for %q"
	msgUploadContentLength = "is %d bytes; the upload URL was issued for %d"
	msgUploadEmpty         = "is empty: nothing to upload"
	msgUploadUsed          = "The upload URL was used already; it takes one PUT. Ask GetProtocolUploadURL for another."
	msgUploadExpired       = "The upload URL expired (it is valid for 5 minutes). Ask GetProtocolUploadURL for another."

	msgImportInvalid    = "The document cannot be imported; messages say why."
	msgImportParse      = "The file is not an OpenAPI document (JSON or YAML)."
	msgImportVersion    = "The file is OpenAPI %q; the mock imports OpenAPI 3.x only."
	msgImportInvalidDoc = "The OpenAPI document is invalid."
	msgImportNoServer   = "The document names no server: the connector's baseUrl is \"/\"; set it with UpdateConnector."
	msgImportScheme     = "Security scheme %q (%s) was not imported: the mock imports apiKey and http basic schemes."
	msgImportStatus     = "Response %q of %s was not imported: not a status code."
	msgImportNotHTTP    = "is a %s connector; only an http connector imports OpenAPI documents"
	msgImportNoFile     = "is required: the multipart body has no file part"
	msgImportNoVersion  = "is required: the version to create"
	msgMultipart        = "cannot read the multipart body: %v"
	msgMetadata         = "is not the JSON metadata object: %v"
	msgNotOurURL        = "is not a URL GetProtocolUploadURL issued: the mock fetches no other URL"
	msgNothingUploaded  = "names an upload URL that holds no file (no PUT yet, or not issued)"

	msgNotAbsolute         = "is not an absolute URL: %q"
	msgBadQuery            = "is not a URL-encoded query string: %v"
	msgParamConflict       = "sets %q, which the API sets itself"
	msgNoSuchCredential    = "names no credential of this connector's connections: %q"
	msgNotOAuth2Credential = "names a credential whose auth scheme config is not oauth2: %q"
	msgUnknownState        = "is not a state InitialiseOAuth2Connection issued, or it was used already or expired"
	msgProviderRefused     = "the provider refused: %s %s"
	msgClientMismatch      = "was issued for client_id %q, but the credential holds client %q"
	msgNoOAuthRoute        = "No OAuth 2.0 endpoint at %s; the mock serves /authorize, /token and /callback."

	msgConnectionNameEmpty          = "must not be empty"
	msgUnknownConnectionCredential  = "names no connection credential of this kind in the connection: %q"
	msgRepeatedConnectionCredential = "repeats connection credential %q"
	msgSchemeTypeChange             = "cannot change: the credential's scheme type is %q, the config named is %q"
)

func msgNotFound(e *NotFoundError) string {
	switch {
	case e.Kind != "" && e.Version != "":
		return fmt.Sprintf("Version %q of connector %s has no %s %q.", e.Version, e.Connector, e.Kind, e.Name)
	case e.Kind != "" && e.Connector == "":
		return fmt.Sprintf("There is no %s %q.", e.Kind, e.Name)
	case e.Kind != "":
		return fmt.Sprintf("Connector %s has no %s %q.", e.Connector, e.Kind, e.Name)
	}
	if e.Version != "" {
		return fmt.Sprintf("Connector %s has no version %q.", e.Connector, e.Version)
	}
	return fmt.Sprintf("Connector %s does not exist in this organisation.", e.Connector)
}

func msgConnectorInUse(connections int) string {
	return fmt.Sprintf("The connector has %d connection(s) and is in use; delete them first or pass force=true.", connections)
}

func msgVersionReadOnly(name string) string {
	return fmt.Sprintf("Version %q is published and read-only; unpublish it to change its actions, triggers or definitions.", name)
}

func msgAlreadyPublished(name string) string {
	return fmt.Sprintf("Version %q is published already.", name)
}

func msgNotPublished(name string) string {
	return fmt.Sprintf("Version %q is a draft; only a published version can be unpublished.", name)
}

func msgItemExists(kind, name string) string {
	return fmt.Sprintf("The version already has a %s %q; names are unique within a version.", kind, name)
}

func msgDefinitionInUse(name string, refs int) string {
	return fmt.Sprintf("Definition %q is referred to by %d other item(s); pass force=true to delete it anyway.", name, refs)
}

func msgSchemeTypeInUse(id, schemeType string) string {
	return fmt.Sprintf("Auth scheme config %s is used by connection credentials of scheme type %q; its scheme type cannot change.", id, schemeType)
}

func msgConnectionInUse(name string) string {
	return fmt.Sprintf("Connection %q is in use by another product; pass force=true to delete it anyway.", name)
}

func msgConnectionExists(name string) string {
	return fmt.Sprintf("The connector already has a connection %q; names are unique within a connector.", name)
}

func msgVersionExists(name string) string {
	return fmt.Sprintf("The connector already has a version %q.", name)
}

func msgVersionImmutable(name string) string {
	return fmt.Sprintf("Version %q is published and cannot be edited; unpublish it (publishedAt null) or create a new version.", name)
}

func msgDraftDefault(name string) string {
	return fmt.Sprintf("Version %q is a draft; only a published version can be the default.", name)
}

func msgVersionPublished(name string) string {
	return fmt.Sprintf("Version %q is published; pass force=true to delete it anyway.", name)
}

// errorBody is the contract's Error.
type errorBody struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Fields  []errorField `json:"fields,omitempty"`
	Details string       `json:"details,omitempty"`
}

// errorField is the contract's ErrorField.
type errorField struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// WriteError implements vendorapi.Vendor.
func (a *mounted) WriteError(w http.ResponseWriter, e *vendorapi.Error) { a.writeError(w, e) }

// writeError writes e as the contract's Error: the kind's code, e's message (or the kind's
// default), and one fields entry per offending field, named as the contract names them
// ("connectionVariables[0].name"; a parameter by its name; "body" for the body as a whole).
func (a *API) writeError(w http.ResponseWriter, e *vendorapi.Error) {
	body := errorBody{Code: codes[e.Kind], Message: e.Message}
	if body.Message == "" || e.Kind == vendorapi.KindInternal {
		body.Message = defaultMessage(e.Kind)
	}
	if e.Kind == vendorapi.KindBadRequest && len(e.Fields) > 0 {
		body.Message = msgBadRequest
	}
	for _, f := range e.Fields {
		name := f.Field
		if name == "" {
			name = "body"
		}
		if ef := (errorField{name, f.Message}); !slices.Contains(body.Fields, ef) {
			// kin-openapi reports some failures once per oneOf branch; say each once.
			body.Fields = append(body.Fields, ef)
		}
	}
	if e.Kind == vendorapi.KindMethodNotAllowed {
		allow := strings.Join(e.Allow, ", ")
		w.Header().Set("Allow", allow)
		body.Details = "Allowed: " + allow
	}
	kit.WriteJSON(w, e.Status(), body)
}

func defaultMessage(k vendorapi.Kind) string {
	switch k {
	case vendorapi.KindBadRequest:
		return msgBadRequest
	case vendorapi.KindUnauthenticated:
		return msgUnauthorized
	case vendorapi.KindForbidden:
		return msgForbidden
	case vendorapi.KindNotFound:
		return msgNotFoundDefault
	case vendorapi.KindMethodNotAllowed:
		return msgMethodNotAllowed
	case vendorapi.KindConflict:
		return msgConflict
	}
	return msgInternal
}

// failure maps a store error onto its one status.
func failure(err error) *vendorapi.Error {
	var invalid *InvalidError
	switch {
	case errors.As(err, &invalid):
		e := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Err: err}
		for _, f := range invalid.Fields {
			in := "body"
			switch f.Field {
			case "sort", "after", "before", "tags":
				in = "query"
			case "auth_scheme_config_id":
				in = "path"
			}
			e.Fields = append(e.Fields, vendorapi.FieldError{In: in, Field: f.Field, Message: f.Message})
		}
		return e
	case errors.Is(err, ErrNotFound):
		return &vendorapi.Error{Kind: vendorapi.KindNotFound, Message: err.Error(), Err: err}
	case errors.Is(err, ErrConflict):
		return &vendorapi.Error{Kind: vendorapi.KindConflict, Message: err.Error(), Err: err}
	default:
		return &vendorapi.Error{Kind: vendorapi.KindInternal, Err: err}
	}
}

// The error_description of the mock's own OAuth2 provider (RFC 6749 error bodies), and the
// prefix of a body that does not parse as JSON.
const (
	msgJSONBody = "cannot read the JSON body: "

	oauthRedirectNotAbsolute = "redirect_uri must be an absolute URL"
	oauthClientIDRequired    = "client_id is required"
	oauthResponseType        = "the mock's provider grants authorization codes only (response_type=code)"
	oauthNotAForm            = "the body is not a form: "
	oauthGrantType           = "the mock's provider grants authorization_code and refresh_token"
	oauthUnknownCode         = "the code was not issued by the mock's provider, or was used already"
	oauthCodeExpired         = "the code expired"
	oauthOtherClient         = "the code was issued to another client"
	oauthRedirectDiffers     = "redirect_uri differs from the authorization request's"
	oauthUnknownRefresh      = "the refresh token was not issued by the mock's provider, or was used already"
)
