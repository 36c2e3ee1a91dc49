package mock_test

import (
	"strings"

	"github.com/connectormock/connectormock/fixtures/versori"
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

		"DeleteConnection 204": {req: send("DELETE", vConn1, adminTok, "")},
		"DeleteConnection 400": {req: send("DELETE", vConn1+"?force=maybe", adminTok, ""), reason: `"field":"force"`},
		"DeleteConnection 401": {req: send("DELETE", vConn1, "nope", "")},
		"DeleteConnection 403": {req: send("DELETE", vConn1, roTok, "")},
		"DeleteConnection 404": {req: send("DELETE", vConns+"/"+vUnknown, adminTok, "")},
		"DeleteConnection 409": preferred(send("DELETE", vConn1, adminTok, ""), 409, whyConnectionUnused),
		"DeleteConnection 412": preferred(send("DELETE", vConn1, adminTok, ""), 412, whyConnectionUnused),
	}
}

// Paths and bodies of the Versori operations added for issue 14.
const (
	vConns            = vDoc + "/connections"
	vConn1            = vConns + "/" + versori.DocumentedConnectionID
	vConnectionBody   = `{"name":"staging","variables":[],"credentials":{"action":[{"authSchemeConfig":{"id":"` + versori.DocumentedAuthSchemeConfigID + `","schemeType":"none","description":"x"},"credential":{"name":"none","type":"none","data":{}}}]}}`
	vConnectionUpdate = `{"id":"` + versori.DocumentedConnectionID + `","name":"prod","variables":[{"name":"region","value":"us"}]}`

	whyConnectionUnused = "no other Versori product runs in the mock, so no connection is ever in use: DeleteConnection's 409 and 412 (in use, force not set) cannot happen"
)
