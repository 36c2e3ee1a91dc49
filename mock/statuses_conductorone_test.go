package mock_test

// conductoroneStatusCases are the cases of ConductorOne: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func conductoroneStatusCases() map[string]statusCase {
	return map[string]statusCase{
		"c1.api.app.v1.ConnectorService.Get 200": {req: get(c1Doc, roTok)},
		"c1.api.app.v1.ConnectorService.Get 400": {req: get(c1Doc+"?expand_mask.paths=users", roTok), reason: "invalid expand mask path"},
		"c1.api.app.v1.ConnectorService.Get 401": {req: get(c1Doc, "")},
		"c1.api.app.v1.ConnectorService.Get 403": preferred(get(c1Doc, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.ConnectorService.Get 404": {req: get(c1List+"/"+c1Unknown, roTok)},
		"c1.api.app.v1.ConnectorService.Get 500": preferred(get(c1Doc, roTok), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.List 200": {req: get(c1List+"?page_size=10", roTok)},
		"c1.api.app.v1.ConnectorService.List 400": {req: get(c1List+"?page_size=-1", roTok), reason: "page_size"},
		"c1.api.app.v1.ConnectorService.List 401": {req: get(c1List, "nope")},
		"c1.api.app.v1.ConnectorService.List 403": preferred(get(c1List, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.ConnectorService.List 404": {req: get("/api/v1/apps/"+c1NoApp+"/connectors", roTok)},
		"c1.api.app.v1.ConnectorService.List 500": preferred(get(c1List, roTok), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.Update 200": {req: send("POST", c1Doc, adminTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.Update 400": {req: send("POST", c1Doc, adminTok, `{"connector":{"status":{"status":"DONE"}}}`), reason: "connector.status.status"},
		"c1.api.app.v1.ConnectorService.Update 401": {req: send("POST", c1Doc, "", c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.Update 403": {req: send("POST", c1Doc, roTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.Update 404": {req: send("POST", c1List+"/"+c1Unknown, adminTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.Update 500": preferred(send("POST", c1Doc, adminTok, c1UpdateBody), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.Create 200": {req: send("POST", c1List+"/create", adminTok, `{"catalogId":"c","description":"made by a test"}`)},
		"c1.api.app.v1.ConnectorService.Create 400": {req: send("POST", c1List+"/create", adminTok, `{"description":"no catalog"}`), reason: "catalogId is required"},
		"c1.api.app.v1.ConnectorService.Create 401": {req: send("POST", c1List+"/create", "", `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.Create 403": {req: send("POST", c1List+"/create", roTok, `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.Create 404": {req: send("POST", "/api/v1/apps/"+c1NoApp+"/connectors/create", adminTok, `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.Create 500": preferred(send("POST", c1List+"/create", adminTok, `{"catalogId":"c"}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.CreateDelegated 200": {req: send("POST", c1List, adminTok, `{"catalogId":"c","displayName":"Pending"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 400": {req: send("POST", c1List, adminTok, `{"catalogId":"c","userIds":"u"}`), reason: "userIds"},
		"c1.api.app.v1.ConnectorService.CreateDelegated 401": {req: send("POST", c1List, "nope", `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 403": {req: send("POST", c1List, roTok, `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 404": {req: send("POST", "/api/v1/apps/"+c1NoApp+"/connectors", adminTok, `{"catalogId":"c"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 500": preferred(send("POST", c1List, adminTok, `{"catalogId":"c"}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.Delete 200": {req: send("DELETE", c1Doc, adminTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 400": {req: send("DELETE", c1Doc, adminTok, `[]`), reason: "must be an object"},
		"c1.api.app.v1.ConnectorService.Delete 401": {req: send("DELETE", c1Doc, "", "")},
		"c1.api.app.v1.ConnectorService.Delete 403": {req: send("DELETE", c1Doc, roTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 404": {req: send("DELETE", c1List+"/"+c1Unknown, adminTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 500": preferred(send("DELETE", c1Doc, adminTok, ""), 500, whyInternal),
	}
}
