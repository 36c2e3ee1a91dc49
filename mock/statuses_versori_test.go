package mock_test

import (
	"strings"
)

// versoriStatusCases are the cases of Versori: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func versoriStatusCases() map[string]statusCase {
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

		"DeleteConnectorVersion 204": {req: send("DELETE", vVersions+"/1.0.0?force=true", adminTok, "")},
		"DeleteConnectorVersion 400": {req: send("DELETE", vVersions+"/1.0.0?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteConnectorVersion 401": {req: send("DELETE", vVersions+"/1.0.0?force=true", "nope", "")},
		"DeleteConnectorVersion 403": {req: send("DELETE", vVersions+"/1.0.0?force=true", foreignToken, "")},
		"DeleteConnectorVersion 404": {req: send("DELETE", vVersions+"/9.9.9?force=true", adminTok, "")},
		"DeleteConnectorVersion 409": {req: send("DELETE", vVersions+"/1.0.0", adminTok, ""), reason: "pass force=true to delete it"}, // published: force needed
	}
}
