package mock_test

// productsupStatusCases are the cases of Productsup CDE: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func productsupStatusCases() map[string]statusCase {
	return map[string]statusCase{
		"listConnectors 200": {req: get("/connectors?limit=5", roTok)},
		"listConnectors 400": {req: get("/connectors?limit=0", roTok), reason: `"limit"`},
		"listConnectors 401": {req: get("/connectors", "")},
		"listConnectors 403": preferred(get("/connectors", roTok), 403, whyReadNoScope),

		"createConnector 200": {req: send("POST", "/connectors", adminTok, `{"connector-type":"export","connector-name":"omdb"}`)},
		"createConnector 400": {req: send("POST", "/connectors", adminTok, `{"connector-type":"nope","connector-name":"omdb"}`), reason: `"connector-type"`},
		"createConnector 401": {req: send("POST", "/connectors", "", `{"connector-type":"export","connector-name":"omdb"}`)},
		"createConnector 403": {req: send("POST", "/connectors", roTok, `{"connector-type":"export","connector-name":"omdb"}`)},

		"showConnector 200": {req: get("/connectors/"+pupID, roTok)},
		"showConnector 400": {req: get("/connectors/not-a-uuid", roTok), reason: `"publicId"`},
		"showConnector 401": {req: get("/connectors/"+pupID, "nope")},
		"showConnector 403": preferred(get("/connectors/"+pupID, roTok), 403, whyReadNoScope),
		"showConnector 404": {req: get("/connectors/"+pupUnknown, roTok)},

		"disableConnectorVersionProdAccess 200": {req: send("POST", pupVersion+"/access/prod/disable", adminTok, pupDisableBody)},
		"disableConnectorVersionProdAccess 400": {req: send("POST", pupVersion+"/access/prod/disable", adminTok, `{"accounts":["777"]}`), reason: "accounts[0]: value must be an integer"},
		"disableConnectorVersionProdAccess 401": {req: send("POST", pupVersion+"/access/prod/disable", "", pupDisableBody)},
		"disableConnectorVersionProdAccess 403": {req: send("POST", pupVersion+"/access/prod/disable", roTok, pupDisableBody)},
		"disableConnectorVersionProdAccess 404": {req: send("POST", "/connectors/"+pupID+"/versions/7/access/prod/disable", adminTok, pupDisableBody)},

		"enableConnectorVersionProdAccess 200": {req: send("POST", pupVersion+"/access/prod/enable", adminTok, pupDisableBody)},
		"enableConnectorVersionProdAccess 400": {req: send("POST", pupVersion+"/access/prod/enable", adminTok, `{"accounts":[999]}`), reason: "Account 999 does not belong to target list"},
		"enableConnectorVersionProdAccess 401": {req: send("POST", pupVersion+"/access/prod/enable", "nope", pupDisableBody)},
		"enableConnectorVersionProdAccess 403": {req: send("POST", pupVersion+"/access/prod/enable", roTok, pupDisableBody)},
		"enableConnectorVersionProdAccess 404": {req: send("POST", "/connectors/"+pupUnknown+"/versions/1/access/prod/enable", adminTok, pupDisableBody)},

		"addConnectorVersionTargets 200": {req: send("POST", pupVersion+"/targets", adminTok, `{"target-accounts":[1,2]}`)},
		"addConnectorVersionTargets 400": {req: send("POST", pupVersion+"/targets", adminTok, `{"accounts":[1]}`), reason: `"accounts":"Unknown property."`},
		"addConnectorVersionTargets 401": {req: send("POST", pupVersion+"/targets", "", `{"target-accounts":[1]}`)},
		"addConnectorVersionTargets 403": {req: send("POST", pupVersion+"/targets", roTok, `{"target-accounts":[1]}`)},
		"addConnectorVersionTargets 404": {req: send("POST", "/connectors/"+pupUnknown+"/versions/1/targets", adminTok, `{"target-accounts":[1]}`)},

		"replaceConnectorVersionTargets 200": {req: send("PUT", pupVersion+"/targets", adminTok, `{"target-accounts":[789,987]}`)},
		"replaceConnectorVersionTargets 400": {req: send("PUT", "/connectors/"+pupID+"/versions/1.0.0/targets", adminTok, `{"target-accounts":[1]}`), reason: `"connectorVersion"`},
		"replaceConnectorVersionTargets 401": {req: send("PUT", pupVersion+"/targets", "", `{"target-accounts":[1]}`)},
		"replaceConnectorVersionTargets 403": {req: send("PUT", pupVersion+"/targets", roTok, `{"target-accounts":[1]}`)},
		"replaceConnectorVersionTargets 404": {req: send("PUT", "/connectors/"+pupID+"/versions/main/targets", adminTok, `{"target-accounts":[1]}`)},
	}
}
