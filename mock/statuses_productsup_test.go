package mock_test

// productsupStatusCases are the cases of Productsup CDE: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func productsupStatusCases() map[string]statusCase {
	return map[string]statusCase{
		"connector_list 200": {req: get("/connectors?limit=5", roTok)},
		"connector_list 400": {req: get("/connectors?limit=0", roTok), reason: `"limit"`},
		"connector_list 401": {req: get("/connectors", "")},
		"connector_list 403": preferred(get("/connectors", roTok), 403, whyReadNoScope),

		"connector_create 200": {req: send("POST", "/connectors", adminTok, `{"connector-type":"export","connector-name":"omdb"}`)},
		"connector_create 400": {req: send("POST", "/connectors", adminTok, `{"connector-type":"nope","connector-name":"omdb"}`), reason: `"connector-type"`},
		"connector_create 401": {req: send("POST", "/connectors", "", `{"connector-type":"export","connector-name":"omdb"}`)},
		"connector_create 403": {req: send("POST", "/connectors", roTok, `{"connector-type":"export","connector-name":"omdb"}`)},

		"connector_show 200": {req: get("/connectors/"+pupID, roTok)},
		"connector_show 400": {req: get("/connectors/not-a-uuid", roTok), reason: `"publicId"`},
		"connector_show 401": {req: get("/connectors/"+pupID, "nope")},
		"connector_show 403": preferred(get("/connectors/"+pupID, roTok), 403, whyReadNoScope),
		"connector_show 404": {req: get("/connectors/"+pupUnknown, roTok)},

		"connector_disable_prod_access 200": {req: send("POST", pupVersion+"/access/prod/disable", adminTok, pupDisableBody)},
		"connector_disable_prod_access 400": {req: send("POST", pupVersion+"/access/prod/disable", adminTok, `{"accounts":["777"]}`), reason: "accounts[0]: value must be an integer"},
		"connector_disable_prod_access 401": {req: send("POST", pupVersion+"/access/prod/disable", "", pupDisableBody)},
		"connector_disable_prod_access 403": {req: send("POST", pupVersion+"/access/prod/disable", roTok, pupDisableBody)},
		"connector_disable_prod_access 404": {req: send("POST", "/connectors/"+pupID+"/versions/7/access/prod/disable", adminTok, pupDisableBody)},

		"connector_enable_prod_access 200": {req: send("POST", pupVersion+"/access/prod/enable", adminTok, pupDisableBody)},
		"connector_enable_prod_access 400": {req: send("POST", pupVersion+"/access/prod/enable", adminTok, `{"accounts":[999]}`), reason: "Account 999 does not belong to target list"},
		"connector_enable_prod_access 401": {req: send("POST", pupVersion+"/access/prod/enable", "nope", pupDisableBody)},
		"connector_enable_prod_access 403": {req: send("POST", pupVersion+"/access/prod/enable", roTok, pupDisableBody)},
		"connector_enable_prod_access 404": {req: send("POST", "/connectors/"+pupUnknown+"/versions/1/access/prod/enable", adminTok, pupDisableBody)},

		"connector_targets_add 200": {req: send("POST", pupVersion+"/targets", adminTok, `{"target-accounts":[1,2]}`)},
		"connector_targets_add 400": {req: send("POST", pupVersion+"/targets", adminTok, `{"accounts":[1]}`), reason: `"accounts":"Unknown property."`},
		"connector_targets_add 401": {req: send("POST", pupVersion+"/targets", "", `{"target-accounts":[1]}`)},
		"connector_targets_add 403": {req: send("POST", pupVersion+"/targets", roTok, `{"target-accounts":[1]}`)},
		"connector_targets_add 404": {req: send("POST", "/connectors/"+pupUnknown+"/versions/1/targets", adminTok, `{"target-accounts":[1]}`)},

		"connector_targets_update 200": {req: send("PUT", pupVersion+"/targets", adminTok, `{"target-accounts":[789,987]}`)},
		"connector_targets_update 400": {req: send("PUT", "/connectors/"+pupID+"/versions/1.0.0/targets", adminTok, `{"target-accounts":[1]}`), reason: `"connectorVersion"`},
		"connector_targets_update 401": {req: send("PUT", pupVersion+"/targets", "", `{"target-accounts":[1]}`)},
		"connector_targets_update 403": {req: send("PUT", pupVersion+"/targets", roTok, `{"target-accounts":[1]}`)},
		"connector_targets_update 404": {req: send("PUT", "/connectors/"+pupID+"/versions/main/targets", adminTok, `{"target-accounts":[1]}`)},
	}
}
