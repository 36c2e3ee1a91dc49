package mock_test

import (
	"bytes"
	"maps"
	"mime/multipart"
	"net/textproto"
	"strings"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// versoriStatusCases are the cases of Versori: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func versoriStatusCases() map[string]statusCase {
	cases := versoriBaseCases()
	for _, more := range []map[string]statusCase{
		operationCases("Action", "getWeather", vActionBody), operationCases("Trigger", "weatherAlert", vTriggerBody),
	} {
		maps.Copy(cases, more)
	}
	return cases
}

// versoriBaseCases are the cases written out one by one.
func versoriBaseCases() map[string]statusCase {
	return map[string]statusCase{
		"ListConnectors 200": {req: get(vBase+"/connectors?first=5", roTok)},
		"ListConnectors 400": {req: get(vBase+"/connectors?first=0", roTok), reason: `"field":"first"`},
		"ListConnectors 401": {req: get(vBase+"/connectors", "")},
		"ListConnectors 403": {req: get(vBase+"/connectors", foreignToken)},
		"ListConnectors 404": preferred(get(vBase+"/connectors", roTok), 404, whyOrgImplicit),

		"GetConnector 200": {req: get(vDoc, roTok)},
		"GetConnector 400": {req: get(vBase+"/connectors/not-a-ulid", roTok), reason: `"field":"connector_id"`},
		"GetConnector 401": {req: get(vDoc, "nope")},
		"GetConnector 403": {req: get(vDoc, foreignToken)},
		"GetConnector 404": {req: get("/api/connect/v1/o/"+foreignOrg+"/connectors/"+vConn, roTok)},

		"UpdateConnector 200": {req: send("PUT", vDoc, adminTok, vUpdateBody)},
		"UpdateConnector 400": {req: send("PUT", vDoc, adminTok, strings.Replace(vUpdateBody, `"public":true`, `"public":"yes"`, 1)), reason: `"field":"public"`},
		"UpdateConnector 401": {req: send("PUT", vDoc, "", vUpdateBody)},
		"UpdateConnector 403": {req: send("PUT", vDoc, roTok, vUpdateBody)},
		"UpdateConnector 404": {req: send("PUT", "/api/connect/v1/o/"+foreignOrg+"/connectors/"+vConn, adminTok, vUpdateBody)},

		"DeleteConnector 204": {req: send("DELETE", vDoc+"?force=true", adminTok, "")},
		"DeleteConnector 400": {req: send("DELETE", vDoc+"?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteConnector 401": {req: send("DELETE", vDoc+"?force=true", "", "")},
		"DeleteConnector 403": {req: send("DELETE", vDoc+"?force=true", roTok, "")},
		"DeleteConnector 404": {req: send("DELETE", vBase+"/connectors/"+vUnknown, adminTok, "")},
		"DeleteConnector 409": {req: send("DELETE", vDoc, adminTok, ""), reason: "connection(s) and is in use"}, // it has a connection

		"CreateHTTPConnector 201": {req: send("POST", vBase+"/protocols/http/connectors", adminTok, vHTTPBody)},
		"CreateHTTPConnector 400": {req: send("POST", vBase+"/protocols/http/connectors", adminTok, `{"name":"n","authSchemeConfigs":[],"connections":[]}`), reason: `"field":"baseUrl"`},
		"CreateHTTPConnector 401": {req: send("POST", vBase+"/protocols/http/connectors", "", vHTTPBody)},
		"CreateHTTPConnector 403": {req: send("POST", vBase+"/protocols/http/connectors", foreignToken, vHTTPBody)},
		"CreateHTTPConnector 404": preferred(send("POST", vBase+"/protocols/http/connectors", adminTok, vHTTPBody), 404, whyOrgImplicit),

		"CreateBigQueryConnector 201": {req: send("POST", vBase+"/protocols/bigquery/connectors", adminTok, vBigQueryBody)},
		"CreateBigQueryConnector 400": {req: send("POST", vBase+"/protocols/bigquery/connectors", adminTok, `{"name":"n","connections":[]}`), reason: `"field":"datasetId"`},
		"CreateBigQueryConnector 401": {req: send("POST", vBase+"/protocols/bigquery/connectors", "nope", vBigQueryBody)},
		"CreateBigQueryConnector 403": {req: send("POST", vBase+"/protocols/bigquery/connectors", roTok, vBigQueryBody)},
		"CreateBigQueryConnector 404": preferred(send("POST", vBase+"/protocols/bigquery/connectors", adminTok, vBigQueryBody), 404, whyOrgImplicit),

		"ListConnectorVersions 200": {req: get(vVersions+"?first=5", roTok)},
		"ListConnectorVersions 400": {req: get(vVersions+"?first=x", roTok), reason: `"field":"first"`},
		"ListConnectorVersions 401": {req: get(vVersions, "")},
		"ListConnectorVersions 403": {req: get(vVersions, foreignToken)},
		"ListConnectorVersions 404": {req: get(vBase+"/connectors/"+vUnknown+"/versions", roTok)},

		"CreateConnectorVersion 201": {req: send("POST", vVersions, adminTok, `{"name":"2.0.0","fromVersion":"latest"}`)},
		"CreateConnectorVersion 400": {req: send("POST", vVersions, adminTok, `{"name":"latest"}`), reason: "reserved version name"},
		"CreateConnectorVersion 401": {req: send("POST", vVersions, "", `{"name":"2.0.0"}`)},
		"CreateConnectorVersion 403": {req: send("POST", vVersions, foreignToken, `{"name":"2.0.0"}`)},
		"CreateConnectorVersion 404": {req: send("POST", vBase+"/connectors/"+vUnknown+"/versions", adminTok, `{"name":"2.0.0"}`)},
		"CreateConnectorVersion 409": {req: send("POST", vVersions, adminTok, `{"name":"1.0.0"}`), reason: "already has a version"}, // the name is taken

		"GetConnectorVersion 200": {req: get(vVersions+"/1.0.0", roTok)},
		"GetConnectorVersion 400": {req: get(vBase+"/connectors/not-a-ulid/versions/1.0.0", roTok), reason: `"field":"connector_id"`},
		"GetConnectorVersion 401": {req: get(vVersions+"/latest", "nope")},
		"GetConnectorVersion 403": {req: get(vVersions+"/default", foreignToken)},
		"GetConnectorVersion 404": {req: get(vVersions+"/9.9.9", roTok)},

		"UpdateConnectorVersion 200": {req: send("PUT", vVersions+"/1.0.0", adminTok, vVersionBody)},
		"UpdateConnectorVersion 400": {req: send("PUT", vVersions+"/1.0.0", adminTok, strings.Replace(vVersionBody, `"name":"1.0.0"`, `"name":"other"`, 1)), reason: `"field":"name"`},
		"UpdateConnectorVersion 401": {req: send("PUT", vVersions+"/1.0.0", "", vVersionBody)},
		"UpdateConnectorVersion 403": {req: send("PUT", vVersions+"/1.0.0", roTok, vVersionBody)},
		"UpdateConnectorVersion 404": {req: send("PUT", vVersions+"/9.9.9", adminTok, vVersionBody)},
		// A published version is immutable.
		"UpdateConnectorVersion 409": {req: send("PUT", vVersions+"/1.0.0", adminTok, strings.Replace(vVersionBody, `"First release"`, `"changed"`, 1)), reason: "is published and cannot be edited"},

		"DeleteConnectorVersion 204":   {req: send("DELETE", vVersions+"/1.0.0?force=true", adminTok, "")},
		"DeleteConnectorVersion 400":   {req: send("DELETE", vVersions+"/1.0.0?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteConnectorVersion 401":   {req: send("DELETE", vVersions+"/1.0.0?force=true", "nope", "")},
		"DeleteConnectorVersion 403":   {req: send("DELETE", vVersions+"/1.0.0?force=true", foreignToken, "")},
		"DeleteConnectorVersion 404":   {req: send("DELETE", vVersions+"/9.9.9?force=true", adminTok, "")},
		"DeleteConnectorVersion 409":   {req: send("DELETE", vVersions+"/1.0.0", adminTok, ""), reason: "pass force=true to delete it"}, // published: force needed
		"ListConnectorConnections 200": {req: get(vConns+"?first=5", roTok)},
		"ListConnectorConnections 400": {req: get(vConns+"?after=nope", roTok), reason: `"field":"after"`},
		"ListConnectorConnections 401": {req: get(vConns, "")},
		"ListConnectorConnections 403": {req: get(vConns, foreignToken)},
		"ListConnectorConnections 404": {req: get(vBase+"/connectors/"+vUnknown+"/connections", roTok)},

		"CreateConnectorConnection 200": {req: send("POST", vConns, adminTok, vConnectionBody)},
		"CreateConnectorConnection 400": {req: send("POST", vConns, adminTok, `{"name":"x","credentials":{}}`), reason: `"field":"variables"`},
		"CreateConnectorConnection 401": {req: send("POST", vConns, "", vConnectionBody)},
		"CreateConnectorConnection 403": {req: send("POST", vConns, roTok, vConnectionBody)},
		"CreateConnectorConnection 404": {req: send("POST", vBase+"/connectors/"+vUnknown+"/connections", adminTok, vConnectionBody)},
		"CreateConnectorConnection 409": {req: send("POST", vConns, adminTok, strings.Replace(vConnectionBody, "staging", "production", 1)), reason: "already has a connection"},

		"GetConnection 200": {req: get(vConn1, roTok)},
		"GetConnection 400": {req: get(vConns+"/not-a-ulid", roTok), reason: `"field":"connection_id"`},
		"GetConnection 401": {req: get(vConn1, "nope")},
		"GetConnection 403": {req: get(vConn1, foreignToken)},
		"GetConnection 404": {req: get(vConns+"/"+vUnknown, roTok)},

		"UpdateConnection 200": {req: send("PUT", vConn1, adminTok, vConnectionUpdate)},
		"UpdateConnection 400": {req: send("PUT", vConn1, adminTok, `{"id":"`+vUnknown+`","name":"p"}`), reason: `"field":"id"`},
		"UpdateConnection 401": {req: send("PUT", vConn1, "", vConnectionUpdate)},
		"UpdateConnection 403": {req: send("PUT", vConn1, roTok, vConnectionUpdate)},
		"UpdateConnection 404": {req: send("PUT", vConns+"/"+vUnknown, adminTok, vConnectionUpdate)},

		"DeleteConnection 204": {req: send("DELETE", vConn1+"?force=true", adminTok, "")},
		"DeleteConnection 400": {req: send("DELETE", vConn1+"?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteConnection 401": {req: send("DELETE", vConn1, "nope", "")},
		"DeleteConnection 403": {req: send("DELETE", vConn1, roTok, "")},
		"DeleteConnection 404": {req: send("DELETE", vConns+"/"+vUnknown, adminTok, "")},
		"DeleteConnection 409": preferred(send("DELETE", vConn1, adminTok, ""), 409, whyConnectionInUse),
		"DeleteConnection 412": {req: send("DELETE", vConn1, adminTok, ""), reason: "is in use by another product"}, // the documented connection is in use

		"PublishConnector 200": {req: send("POST", vDraft+"/publish", adminTok, "")},
		"PublishConnector 400": {req: send("POST", vBase+"/connectors/not-a-ulid/versions/1.1.0/publish", adminTok, ""), reason: `"field":"connector_id"`},
		"PublishConnector 401": {req: send("POST", vDraft+"/publish", "", "")},
		"PublishConnector 403": {req: send("POST", vDraft+"/publish", roTok, "")},
		"PublishConnector 404": {req: send("POST", vVersions+"/9.9.9/publish", adminTok, "")},

		"UnpublishConnector 200": {req: send("POST", vPublished+"/unpublish", adminTok, "")},
		"UnpublishConnector 400": {req: send("POST", vBase+"/connectors/not-a-ulid/versions/1.0.0/unpublish", adminTok, ""), reason: `"field":"connector_id"`},
		"UnpublishConnector 401": {req: send("POST", vPublished+"/unpublish", "nope", "")},
		"UnpublishConnector 403": {req: send("POST", vPublished+"/unpublish", foreignToken, "")},
		"UnpublishConnector 404": {req: send("POST", vVersions+"/9.9.9/unpublish", adminTok, "")},

		"GetDefinitions 200": {req: get(vDraft+"/definitions?name=weath", roTok)},
		"GetDefinitions 400": {req: get(vDraft+"/definitions?first=0", roTok), reason: `"field":"first"`},
		"GetDefinitions 401": {req: get(vDraft+"/definitions", "")},
		"GetDefinitions 403": {req: get(vDraft+"/definitions", foreignToken)},
		"GetDefinitions 404": {req: get(vVersions+"/9.9.9/definitions", roTok)},

		"CreateDefinitions 201": {req: send("POST", vDraft+"/definitions", adminTok, vDefinitionsBody)},
		"CreateDefinitions 400": {req: send("POST", vDraft+"/definitions", adminTok, `{"definitions":[{"name":"x y","accept":[]}]}`), reason: `"field":"definitions[0].name"`},
		"CreateDefinitions 401": {req: send("POST", vDraft+"/definitions", "", vDefinitionsBody)},
		"CreateDefinitions 403": {req: send("POST", vDraft+"/definitions", roTok, vDefinitionsBody)},
		"CreateDefinitions 404": {req: send("POST", vVersions+"/9.9.9/definitions", adminTok, vDefinitionsBody)},

		"DeleteDefinitions 204": {req: send("DELETE", vDraft+"/definitions?force=true", adminTok, `{"all":true}`)},
		"DeleteDefinitions 400": {req: send("DELETE", vDraft+"/definitions", adminTok, `{}`), reason: `"field":"body"`},
		"DeleteDefinitions 401": {req: send("DELETE", vDraft+"/definitions", "", `{"all":true}`)},
		"DeleteDefinitions 403": {req: send("DELETE", vDraft+"/definitions", roTok, `{"all":true}`)},
		"DeleteDefinitions 404": {req: send("DELETE", vVersions+"/9.9.9/definitions", adminTok, `{"all":true}`)},
		"DeleteDefinitions 409": {req: send("DELETE", vPublished+"/definitions?force=true", adminTok, `{"all":true}`), reason: "is published and read-only"},
		"DeleteDefinitions 412": {req: send("DELETE", vDraft+"/definitions", adminTok, `{"names":["Weather"]}`), reason: "pass force=true"},

		"GetDefinition 200": {req: get(vDraft+"/definitions/Weather", roTok)},
		"GetDefinition 400": {req: get(vBase+"/connectors/x/versions/1.1.0/definitions/Weather", roTok), reason: `"field":"connector_id"`},
		"GetDefinition 401": {req: get(vDraft+"/definitions/Weather", "nope")},
		"GetDefinition 403": {req: get(vDraft+"/definitions/Weather", foreignToken)},
		"GetDefinition 404": {req: get(vDraft+"/definitions/Nope", roTok)},

		"UpdateDefinition 200": {req: send("PUT", vDraft+"/definitions/Weather", adminTok, vDefinitionUpdate)},
		"UpdateDefinition 400": {req: send("PUT", vDraft+"/definitions/Weather", adminTok, `{"id":"`+versori.DocumentedDefinitionID+`","name":"Weather"}`), reason: `"field":"accept"`},
		"UpdateDefinition 401": {req: send("PUT", vDraft+"/definitions/Weather", "", vDefinitionUpdate)},
		"UpdateDefinition 403": {req: send("PUT", vDraft+"/definitions/Weather", roTok, vDefinitionUpdate)},
		"UpdateDefinition 404": {req: send("PUT", vDraft+"/definitions/Nope", adminTok, vDefinitionUpdate)},

		"DeleteDefinition 204": {req: send("DELETE", vDraft+"/definitions/Weather?force=true", adminTok, "")},
		"DeleteDefinition 400": {req: send("DELETE", vDraft+"/definitions/Weather?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteDefinition 401": {req: send("DELETE", vDraft+"/definitions/Weather", "nope", "")},
		"DeleteDefinition 403": {req: send("DELETE", vDraft+"/definitions/Weather", roTok, "")},
		"DeleteDefinition 404": {req: send("DELETE", vDraft+"/definitions/Nope", adminTok, "")},
		"DeleteDefinition 409": {req: send("DELETE", vPublished+"/definitions/Weather?force=true", adminTok, ""), reason: "is published and read-only"},
		"DeleteDefinition 412": {req: send("DELETE", vDraft+"/definitions/Weather", adminTok, ""), reason: "pass force=true"},

		"GetRawSchema 200": {req: get(vBase+"/schemas/"+vConn+"/1.1.0/"+versori.DocumentedDefinitionID+".json", roTok)},
		"GetRawSchema 400": {req: get(vBase+"/schemas/not-a-ulid/1.1.0/Weather.json", roTok), reason: `"field":"connector_id"`},
		"GetRawSchema 401": {req: get(vBase+"/schemas/"+vConn+"/1.1.0/Weather.json", "")},
		"GetRawSchema 403": {req: get(vBase+"/schemas/"+vConn+"/1.1.0/Weather.json", foreignToken)},
		"GetRawSchema 404": {req: get(vBase+"/schemas/"+vConn+"/1.1.0/Nope.json", roTok)},

		"ListPublicConnectors 200": {req: get(vPublic+"?first=5&sort=name:asc", roTok)},
		"ListPublicConnectors 400": {req: get(vPublic+"?first=0", roTok), reason: `"field":"first"`},
		"ListPublicConnectors 401": {req: get(vPublic, "")},
		"ListPublicConnectors 403": preferred(get(vPublic, roTok), 403, whyReadNoScope+"; the public library belongs to no organisation, so no organisation scope refuses it"),

		"ListCategories 200": {req: get("/api/connect/v1/categories", foreignToken)},
		"ListCategories 400": unhonourable(get("/api/connect/v1/categories", roTok), "ListCategories"),
		"ListCategories 401": {req: get("/api/connect/v1/categories", "nope")},
		"ListCategories 403": preferred(get("/api/connect/v1/categories", roTok), 403, whyReadNoScope+"; the categories belong to no organisation"),

		"UpdateConnectorTags 204": {req: send("PUT", vDoc+"/tags", adminTok, `{"tags":{"tier":["gold"]}}`)},
		"UpdateConnectorTags 400": {req: send("PUT", vDoc+"/tags", adminTok, `{"tags":{"tier":"gold"}}`), reason: `"field":"tags.tier"`},
		"UpdateConnectorTags 401": {req: send("PUT", vDoc+"/tags", "", `{"tags":{}}`)},
		"UpdateConnectorTags 403": {req: send("PUT", vDoc+"/tags", roTok, `{"tags":{}}`)},
		"UpdateConnectorTags 404": {req: send("PUT", vBase+"/connectors/"+vUnknown+"/tags", adminTok, `{"tags":{}}`)},

		"UpdateConnectorCategories 204": {req: send("PUT", vDoc+"/categories", adminTok, `{"categories":["CRM","ERP"]}`)},
		"UpdateConnectorCategories 400": {req: send("PUT", vDoc+"/categories", adminTok, `{"categories":["CRM","CRM"]}`), reason: `"field":"categories[1]"`},
		"UpdateConnectorCategories 401": {req: send("PUT", vDoc+"/categories", "nope", `{"categories":[]}`)},
		"UpdateConnectorCategories 403": {req: send("PUT", vDoc+"/categories", foreignToken, `{"categories":[]}`)},
		"UpdateConnectorCategories 404": {req: send("PUT", vBase+"/connectors/"+vUnknown+"/categories", adminTok, `{"categories":[]}`)},

		"ListProtocols 200": {req: get(vBase+"/protocols?first=1", roTok)},
		"ListProtocols 400": {req: get(vBase+"/protocols?first=0", roTok), reason: `"field":"first"`},
		"ListProtocols 401": {req: get(vBase+"/protocols", "")},
		"ListProtocols 403": {req: get(vBase+"/protocols", foreignToken)},
		"ListProtocols 404": preferred(get(vBase+"/protocols", roTok), 404, whyOrgImplicit),

		"ListAuthSchemes 200": {req: get(vBase+"/protocols/http/auth-schemes", roTok)},
		"ListAuthSchemes 400": {req: get("/api/connect/v1/o/not-a-ulid/protocols/http/auth-schemes", roTok), reason: `"field":"organisation_id"`},
		"ListAuthSchemes 401": {req: get(vBase+"/protocols/http/auth-schemes", "nope")},
		"ListAuthSchemes 403": {req: get(vBase+"/protocols/http/auth-schemes", foreignToken)},
		"ListAuthSchemes 404": {req: get(vBase+"/protocols/ftp/auth-schemes", roTok)},

		"UpsertAuthSchemeConfig 200": {req: send("PUT", vConfigs+"/01JV8TMEFKPCQ0K4HJXA885KEY", adminTok, vConfigBody)},
		"UpsertAuthSchemeConfig 400": {req: send("PUT", vConfigs+"/01JV8TMEFKPCQ0K4HJXA885KEY", adminTok, strings.Replace(vConfigBody, `"header"`, `"body"`, 1)), reason: `"field":"in"`},
		"UpsertAuthSchemeConfig 401": {req: send("PUT", vConfigs+"/01JV8TMEFKPCQ0K4HJXA885KEY", "", vConfigBody)},
		"UpsertAuthSchemeConfig 403": {req: send("PUT", vConfigs+"/01JV8TMEFKPCQ0K4HJXA885KEY", roTok, vConfigBody)},
		"UpsertAuthSchemeConfig 404": {req: send("PUT", vBase+"/connectors/"+vUnknown+"/auth-scheme-configs/01JV8TMEFKPCQ0K4HJXA885KEY", adminTok, vConfigBody)},

		"DeleteAuthSchemeConfig 200": {req: send("DELETE", vConfigs+"/"+versori.DocumentedAuthSchemeConfigID, adminTok, "")},
		"DeleteAuthSchemeConfig 400": {req: send("DELETE", vBase+"/connectors/x/auth-scheme-configs/"+versori.DocumentedAuthSchemeConfigID, adminTok, ""), reason: `"field":"connector_id"`},
		"DeleteAuthSchemeConfig 401": {req: send("DELETE", vConfigs+"/"+versori.DocumentedAuthSchemeConfigID, "nope", "")},
		"DeleteAuthSchemeConfig 403": {req: send("DELETE", vConfigs+"/"+versori.DocumentedAuthSchemeConfigID, foreignToken, "")},
		"DeleteAuthSchemeConfig 404": {req: send("DELETE", vConfigs+"/"+vUnknown, adminTok, "")},

		"ImportPublicConnectorVersion 200": {req: send("POST", vPublicVersion()+"/library/import", adminTok, "")},
		"ImportPublicConnectorVersion 400": {req: send("POST", vBase+"/connectors/x/versions/1.0.0/library/import", adminTok, ""), reason: `"field":"connector_id"`},
		"ImportPublicConnectorVersion 401": {req: send("POST", vPublicVersion()+"/library/import", "", "")},
		"ImportPublicConnectorVersion 403": {req: send("POST", vPublicVersion()+"/library/import", roTok, "")},
		"ImportPublicConnectorVersion 404": {req: send("POST", vVersions+"/1.0.0/library/import", adminTok, "")}, // the documented connector is not public

		"GetProtocolUploadURL 200": {req: get(vBase+"/protocols/http/upload-url?content_type=application/yaml&content_length=100", adminTok)},
		"GetProtocolUploadURL 400": {req: get(vBase+"/protocols/http/upload-url?content_length=0", adminTok), reason: `"field":"content_length"`},
		"GetProtocolUploadURL 401": {req: get(vBase+"/protocols/http/upload-url", "")},
		"GetProtocolUploadURL 403": {req: get(vBase+"/protocols/http/upload-url", foreignToken)},
		"GetProtocolUploadURL 404": {req: get(vBase+"/protocols/ftp/upload-url", adminTok)},

		"ImportHTTPConnector 201": {req: vImport(vBase+"/protocols/http/import", adminTok, vOpenAPI, `{"format":"openapi"}`)},
		"ImportHTTPConnector 400": {req: vImport(vBase+"/protocols/http/import", adminTok, "openapi: 3.0.3\npaths: {}\n", `{"format":"openapi"}`), reason: `"messages":[{"text":"The OpenAPI document is invalid."`},
		"ImportHTTPConnector 401": {req: vImport(vBase+"/protocols/http/import", "", vOpenAPI, `{"format":"openapi"}`)},
		"ImportHTTPConnector 403": {req: vImport(vBase+"/protocols/http/import", roTok, vOpenAPI, `{"format":"openapi"}`)},
		"ImportHTTPConnector 404": preferred(vImport(vBase+"/protocols/http/import", adminTok, vOpenAPI, `{"format":"openapi"}`), 404, whyOrgImplicit),

		"ImportHTTPConnectorVersion 201": {req: vImport(vBase+"/connector/"+vConn+"/http/import", adminTok, vOpenAPI, `{"format":"openapi","version":"3.0.0"}`)},
		"ImportHTTPConnectorVersion 400": {req: send("POST", vBase+"/connector/"+vConn+"/http/import", adminTok, `{"schemaURL":"https://example.com/openapi.yaml","format":"openapi","version":"3.0.0"}`), reason: `"field":"schemaURL"`},
		"ImportHTTPConnectorVersion 401": {req: vImport(vBase+"/connector/"+vConn+"/http/import", "nope", vOpenAPI, `{"format":"openapi","version":"3.0.0"}`)},
		"ImportHTTPConnectorVersion 403": {req: vImport(vBase+"/connector/"+vConn+"/http/import", foreignToken, vOpenAPI, `{"format":"openapi","version":"3.0.0"}`)},
		"ImportHTTPConnectorVersion 404": {req: vImport(vBase+"/connector/"+vUnknown+"/http/import", adminTok, vOpenAPI, `{"format":"openapi","version":"3.0.0"}`)},
		"ImportHTTPConnectorVersion 409": {req: vImport(vBase+"/connector/"+vConn+"/http/import", adminTok, vOpenAPI, `{"format":"openapi","version":"1.0.0"}`), reason: "already has a version"},

		"InitialiseOAuth2Connection 200": {req: send("POST", vOAuth2Connector()+"/oauth2/initialise", adminTok, vOAuth2Body(vOAuth2Credential()))},
		"InitialiseOAuth2Connection 400": {req: send("POST", vOAuth2Connector()+"/oauth2/initialise", adminTok, vOAuth2Body(versori.DocumentedCredentialID)), reason: `"field":"credential.id"`},
		"InitialiseOAuth2Connection 401": {req: send("POST", vOAuth2Connector()+"/oauth2/initialise", "", vOAuth2Body(vOAuth2Credential()))},
		"InitialiseOAuth2Connection 403": {req: send("POST", vOAuth2Connector()+"/oauth2/initialise", roTok, vOAuth2Body(vOAuth2Credential()))},
		"InitialiseOAuth2Connection 404": {req: send("POST", vBase+"/connectors/"+vUnknown+"/oauth2/initialise", adminTok, vOAuth2Body(vOAuth2Credential()))},
	}
}

// operationCases are the cases of the action or trigger operations (twins): kind "Action" or
// "Trigger", name the documented one's, body a valid create.
func operationCases(kind, name, body string) map[string]statusCase {
	list := vDraft + "/" + strings.ToLower(kind) + "s"
	one := list + "/" + name
	update := map[string]string{ // full replaces of the documented items
		"Action":  `{"id":"` + versori.DocumentedActionID + `","type":"http","name":"getWeather","method":"GET","path":"/v2/weather","parameters":[],"responses":[]}`,
		"Trigger": `{"id":"` + versori.DocumentedTriggerID + `","type":"http","name":"weatherAlert","method":"PUT","parameters":[],"requestBody":{"required":false,"definitions":[]},"responses":[]}`,
	}[kind]
	return map[string]statusCase{
		"Get" + kind + "s 200": {req: get(list+"?name=e&first=1", roTok)},
		"Get" + kind + "s 400": {req: get(list+"?first=-1", roTok), reason: `"field":"first"`},
		"Get" + kind + "s 401": {req: get(list, "")},
		"Get" + kind + "s 403": {req: get(list, foreignToken)},
		"Get" + kind + "s 404": {req: get(vVersions+"/9.9.9/"+strings.ToLower(kind)+"s", roTok)},

		"Create" + kind + " 201": {req: send("POST", list, adminTok, body)},
		"Create" + kind + " 400": {req: send("POST", list, adminTok, strings.Replace(body, `"method":"`, `"method":"FETCH`, 1)), reason: `"field":"method"`},
		"Create" + kind + " 401": {req: send("POST", list, "", body)},
		"Create" + kind + " 403": {req: send("POST", list, roTok, body)},
		"Create" + kind + " 404": {req: send("POST", vVersions+"/9.9.9/"+strings.ToLower(kind)+"s", adminTok, body)},

		"Get" + kind + " 200": {req: get(one, roTok)},
		"Get" + kind + " 400": {req: get(vBase+"/connectors/x/versions/1.1.0/"+strings.ToLower(kind)+"s/"+name, roTok), reason: `"field":"connector_id"`},
		"Get" + kind + " 401": {req: get(one, "nope")},
		"Get" + kind + " 403": {req: get(one, foreignToken)},
		"Get" + kind + " 404": {req: get(list+"/nope", roTok)},

		"Update" + kind + " 200": {req: send("PUT", one, adminTok, update)},
		"Update" + kind + " 400": {req: send("PUT", one, adminTok, body), reason: `"field":"id"`},
		"Update" + kind + " 401": {req: send("PUT", one, "", update)},
		"Update" + kind + " 403": {req: send("PUT", one, roTok, update)},
		"Update" + kind + " 404": {req: send("PUT", list+"/nope", adminTok, update)},

		"Delete" + kind + " 204": {req: send("DELETE", one, adminTok, "")},
		"Delete" + kind + " 400": {req: send("DELETE", vBase+"/connectors/x/versions/1.1.0/"+strings.ToLower(kind)+"s/"+name, adminTok, ""), reason: `"field":"connector_id"`},
		"Delete" + kind + " 401": {req: send("DELETE", one, "nope", "")},
		"Delete" + kind + " 403": {req: send("DELETE", one, roTok, "")},
		"Delete" + kind + " 404": {req: send("DELETE", list+"/nope", adminTok, "")},
	}
}

// vPublicVersion is a version of a public generated connector of the default seed, under the
// documented organisation (where it is imported to).
func vPublicVersion() string {
	for _, c := range versori.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		if c.Public && len(c.Versions) > 0 {
			return vBase + "/connectors/" + c.ID + "/versions/" + c.Versions[0].Name
		}
	}
	panic("the default seed generates no public connector with a version")
}

// vImport is a multipart import request: the document as its file part, metadata as its
// metadata part.
func vImport(path, token, doc, metadata string) testkit.Request {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "openapi.yaml")
	fw.Write([]byte(doc))
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Disposition": {`form-data; name="metadata"`}, "Content-Type": {"application/json"}})
	pw.Write([]byte(metadata))
	mw.Close()
	return testkit.Request{Method: "POST", Path: path, Token: token, Body: b.Bytes(), ContentType: mw.FormDataContentType()}
}

// vOpenAPI is a one-operation OpenAPI document to import.
const vOpenAPI = "openapi: 3.0.3\ninfo: {title: Ping, version: 2.0.0}\nservers: [{url: 'https://ping.example.com'}]\n" +
	"paths: {/ping: {get: {operationId: ping, responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}}}}\n"

// vOAuth2 is a generated connector of the default seed in the documented organisation whose
// connection's credential satisfies an oauth2 auth scheme config, and that credential.
func vOAuth2() (versori.Connector, string) {
	for _, c := range versori.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		if c.OrganisationID != vOrg {
			continue
		}
		for _, conn := range c.Connections {
			if cc := conn.Credentials.Action[0]; cc.AuthSchemeConfig.SchemeType == "oauth2" {
				return c, cc.Credential.ID
			}
		}
	}
	panic("the default seed generates no oauth2 connection in the documented organisation")
}

func vOAuth2Connector() string  { c, _ := vOAuth2(); return vBase + "/connectors/" + c.ID }
func vOAuth2Credential() string { _, id := vOAuth2(); return id }

// vOAuth2Body is an InitialiseOAuth2Connection request for the credential.
func vOAuth2Body(credential string) string {
	return `{"credential":{"id":"` + credential + `","organisationId":"` + vOrg + `"},"authorizeUrl":"https://auth.example.com/authorize","clientId":"cid","scopes":["read"]}`
}

// Paths and bodies of the Versori operations added for issue 14.
const (
	vConns            = vDoc + "/connections"
	vConn1            = vConns + "/" + versori.DocumentedConnectionID
	vConnectionBody   = `{"name":"staging","variables":[],"credentials":{"action":[{"authSchemeConfig":{"id":"` + versori.DocumentedAuthSchemeConfigID + `","schemeType":"none","description":"x"},"credential":{"name":"none","type":"none","data":{}}}]}}`
	vConnectionUpdate = `{"id":"` + versori.DocumentedConnectionID + `","name":"prod","variables":[{"name":"region","value":"us"}]}`

	vPublic           = "/api/connect/v1/connectors"
	vConfigs          = vDoc + "/auth-scheme-configs"
	vConfigBody       = `{"id":"01JV8TMEFKPCQ0K4HJXA885KEY","description":"key","schemeType":"api-key","name":"X-Key","in":"header"}`
	vPublished        = vVersions + "/1.0.0"
	vDraft            = vVersions + "/1.1.0"
	vDefinitionsBody  = `{"definitions":[{"name":"City","accept":["application/json"],"schema":{"contentType":"application/schema+json","content":"{\"type\":\"object\",\"properties\":{\"weather\":{\"$ref\":\"#/$defs/Weather\"}}}"}}]}`
	vDefinitionUpdate = `{"id":"` + versori.DocumentedDefinitionID + `","name":"Weather","accept":["application/json"],"description":"Current weather"}`
	vActionBody       = `{"type":"http","name":"listCities","method":"GET","path":"/cities","parameters":[],"responses":[{"status":200,"definitions":[{"definition":{"name":"Weather"}}]}]}`
	vTriggerBody      = `{"type":"http","name":"cityAdded","method":"POST","parameters":[],"requestBody":{"required":true,"definitions":[{"definition":{"id":"` + versori.DocumentedDefinitionID + `"}}]},"responses":[]}`

	whyConnectionInUse = "the contract answers a connection in use with its 412, which the documented one reaches; nothing else about a connection conflicts, so force's 409 has no cause"
)
