package mock_test

import (
	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
)

// Paths of the documented connector's syncs and credential, and of the apps.
const (
	c1Sync       = c1Doc + "/syncs/" + conductorone.DocumentedSyncID + "/download_url"
	c1FailedSync = c1Doc + "/syncs/" + conductorone.DocumentedFailedSyncID + "/download_url"
	c1Confirm    = c1Doc + "/confirm_sync_valid/" + conductorone.DocumentedSyncID
	c1Cred       = c1Doc + "/credentials/" + conductorone.DocumentedCredentialID
	c1Apps       = "/api/v1/apps"
	c1AppPath    = c1Apps + "/" + c1App
	c1Rotate     = `{"appId":"` + c1App + `","connectorId":"` + c1Conn + `"}`
)

// c1Paused is the path of a generated connector whose syncing is disabled: the first of the
// default seed's.
var c1Paused = func() string {
	for _, c := range conductorone.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		if c.Status.Status == "SYNC_STATUS_DISABLED" {
			return "/api/v1/apps/" + c.AppID + "/connectors/" + c.ID
		}
	}
	panic("the default seed generates no paused connector")
}()

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

		"c1.api.app.v1.ConnectorService.Create 200": {req: send("POST", c1List+"/create", adminTok, `{"catalogId":"catalogId","description":"made by a test"}`)},
		"c1.api.app.v1.ConnectorService.Create 400": {req: send("POST", c1List+"/create", adminTok, `{"description":"no catalog"}`), reason: "catalogId is required"},
		"c1.api.app.v1.ConnectorService.Create 401": {req: send("POST", c1List+"/create", "", `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.Create 403": {req: send("POST", c1List+"/create", roTok, `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.Create 404": {req: send("POST", "/api/v1/apps/"+c1NoApp+"/connectors/create", adminTok, `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.Create 500": preferred(send("POST", c1List+"/create", adminTok, `{"catalogId":"catalogId"}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.CreateDelegated 200": {req: send("POST", c1List, adminTok, `{"catalogId":"catalogId","displayName":"Pending"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 400": {req: send("POST", c1List, adminTok, `{"catalogId":"catalogId","userIds":"u"}`), reason: "userIds"},
		"c1.api.app.v1.ConnectorService.CreateDelegated 401": {req: send("POST", c1List, "nope", `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 403": {req: send("POST", c1List, roTok, `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 404": {req: send("POST", "/api/v1/apps/"+c1NoApp+"/connectors", adminTok, `{"catalogId":"catalogId"}`)},
		"c1.api.app.v1.ConnectorService.CreateDelegated 500": preferred(send("POST", c1List, adminTok, `{"catalogId":"catalogId"}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.Delete 200": {req: send("DELETE", c1Doc, adminTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 400": {req: send("DELETE", c1Doc, adminTok, `[]`), reason: "must be an object"},
		"c1.api.app.v1.ConnectorService.Delete 401": {req: send("DELETE", c1Doc, "", "")},
		"c1.api.app.v1.ConnectorService.Delete 403": {req: send("DELETE", c1Doc, roTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 404": {req: send("DELETE", c1List+"/"+c1Unknown, adminTok, "")},
		"c1.api.app.v1.ConnectorService.Delete 500": preferred(send("DELETE", c1Doc, adminTok, ""), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.UpdateDelegated 200": {req: send("POST", c1Doc+"/delegated", adminTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.UpdateDelegated 400": {req: send("POST", c1Doc+"/delegated", adminTok, `{"updateMask":"createdAt"}`), reason: "the field is output only"},
		"c1.api.app.v1.ConnectorService.UpdateDelegated 401": {req: send("POST", c1Doc+"/delegated", "", c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.UpdateDelegated 403": {req: send("POST", c1Doc+"/delegated", roTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.UpdateDelegated 404": {req: send("POST", c1List+"/"+c1Unknown+"/delegated", adminTok, c1UpdateBody)},
		"c1.api.app.v1.ConnectorService.UpdateDelegated 500": preferred(send("POST", c1Doc+"/delegated", adminTok, c1UpdateBody), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.ForceSync 200": {req: send("POST", c1Doc+"/force_sync", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ForceSync 400": {req: send("POST", c1Paused+"/force_sync", adminTok, `{}`), reason: "syncing is paused"},
		"c1.api.app.v1.ConnectorService.ForceSync 401": {req: send("POST", c1Doc+"/force_sync", "", `{}`)},
		"c1.api.app.v1.ConnectorService.ForceSync 403": {req: send("POST", c1Doc+"/force_sync", roTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ForceSync 404": {req: send("POST", c1List+"/"+c1Unknown+"/force_sync", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ForceSync 500": preferred(send("POST", c1Doc+"/force_sync", adminTok, `{}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.PauseSync 200": {req: send("POST", c1Doc+"/pause", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.PauseSync 400": {req: send("POST", c1Paused+"/pause", adminTok, `{}`), reason: "syncing is already paused"},
		"c1.api.app.v1.ConnectorService.PauseSync 401": {req: send("POST", c1Doc+"/pause", "nope", `{}`)},
		"c1.api.app.v1.ConnectorService.PauseSync 403": {req: send("POST", c1Doc+"/pause", roTok, `{}`)},
		"c1.api.app.v1.ConnectorService.PauseSync 404": {req: send("POST", "/api/v1/apps/"+c1NoApp+"/connectors/"+c1Conn+"/pause", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.PauseSync 500": preferred(send("POST", c1Doc+"/pause", adminTok, `{}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.ResumeSync 200": {req: send("POST", c1Paused+"/resume", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ResumeSync 400": {req: send("POST", c1Doc+"/resume", adminTok, `{}`), reason: "syncing is not paused"},
		"c1.api.app.v1.ConnectorService.ResumeSync 401": {req: send("POST", c1Paused+"/resume", "", `{}`)},
		"c1.api.app.v1.ConnectorService.ResumeSync 403": {req: send("POST", c1Paused+"/resume", roTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ResumeSync 404": {req: send("POST", c1List+"/"+c1Unknown+"/resume", adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ResumeSync 500": preferred(send("POST", c1Paused+"/resume", adminTok, `{}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 200": {req: send("POST", c1Doc+"/schedule", adminTok, `{"cron":{"cronSpec":"0 */6 * * *","timezone":"Europe/Berlin"}}`)},
		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 400": {req: send("POST", c1Doc+"/schedule", adminTok, `{"cron":{"cronSpec":"61 * * * *"}}`), reason: `cron.cronSpec \"61 * * * *\": field 1 (minute)`},
		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 401": {req: send("POST", c1Doc+"/schedule", "", `{"cron":{"cronSpec":"@daily"}}`)},
		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 403": {req: send("POST", c1Doc+"/schedule", roTok, `{"cron":{"cronSpec":"@daily"}}`)},
		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 404": {req: send("POST", c1List+"/"+c1Unknown+"/schedule", adminTok, `{"cron":{"cronSpec":"@daily"}}`)},
		"c1.api.app.v1.ConnectorService.UpdateConnectorSchedule 500": preferred(send("POST", c1Doc+"/schedule", adminTok, `{"cron":{"cronSpec":"@daily"}}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.RotateCredential 200": {req: send("POST", "/api/v1/apps/connectors/credentials", adminTok, c1Rotate)},
		"c1.api.app.v1.ConnectorService.RotateCredential 400": {req: send("POST", "/api/v1/apps/connectors/credentials", adminTok, `{"appId":"`+c1App+`"}`), reason: "connectorId is required"},
		"c1.api.app.v1.ConnectorService.RotateCredential 401": {req: send("POST", "/api/v1/apps/connectors/credentials", "", c1Rotate)},
		"c1.api.app.v1.ConnectorService.RotateCredential 403": {req: send("POST", "/api/v1/apps/connectors/credentials", roTok, c1Rotate)},
		"c1.api.app.v1.ConnectorService.RotateCredential 404": {req: send("POST", "/api/v1/apps/connectors/credentials", adminTok, `{"appId":"`+c1App+`","connectorId":"`+c1Unknown+`"}`)},
		"c1.api.app.v1.ConnectorService.RotateCredential 500": preferred(send("POST", "/api/v1/apps/connectors/credentials", adminTok, c1Rotate), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.GetCredentials 200": {req: get(c1Cred, roTok)},
		"c1.api.app.v1.ConnectorService.GetCredentials 400": unhonourable(get(c1Cred, roTok), "c1.api.app.v1.ConnectorService.GetCredentials"),
		"c1.api.app.v1.ConnectorService.GetCredentials 401": {req: get(c1Cred, "")},
		"c1.api.app.v1.ConnectorService.GetCredentials 403": preferred(get(c1Cred, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.ConnectorService.GetCredentials 404": {req: get(c1Doc+"/credentials/"+c1Unknown, roTok)},
		"c1.api.app.v1.ConnectorService.GetCredentials 500": preferred(get(c1Cred, roTok), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.RevokeCredential 200": {req: send("POST", c1Cred, adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.RevokeCredential 400": {req: send("POST", c1Cred, adminTok, `[]`), reason: "must be an object"},
		"c1.api.app.v1.ConnectorService.RevokeCredential 401": {req: send("POST", c1Cred, "", `{}`)},
		"c1.api.app.v1.ConnectorService.RevokeCredential 403": {req: send("POST", c1Cred, roTok, `{}`)},
		"c1.api.app.v1.ConnectorService.RevokeCredential 404": {req: send("POST", c1Doc+"/credentials/"+c1Unknown, adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.RevokeCredential 500": preferred(send("POST", c1Cred, adminTok, `{}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 200": {req: send("POST", c1Confirm, adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 400": {req: send("POST", c1Confirm, adminTok, `"x"`), reason: "must be an object"},
		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 401": {req: send("POST", c1Confirm, "", `{}`)},
		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 403": {req: send("POST", c1Confirm, roTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 404": {req: send("POST", c1Doc+"/confirm_sync_valid/"+c1Unknown, adminTok, `{}`)},
		"c1.api.app.v1.ConnectorService.ConfirmSyncValid 500": preferred(send("POST", c1Confirm, adminTok, `{}`), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 200": {req: get(c1Sync, roTok)},
		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 400": {req: get(c1FailedSync, roTok), reason: "the sync failed and produced no file"},
		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 401": {req: get(c1Sync, "nope")},
		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 403": preferred(get(c1Sync, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 404": {req: get(c1Doc+"/syncs/"+c1Unknown+"/download_url", roTok)},
		"c1.api.app.v1.ConnectorService.GetConnectorSyncDownloadURL 500": preferred(get(c1Sync, roTok), 500, whyInternal),

		"c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig 200": {req: send("POST", "/api/v1/apps/connectors/validate_config/http", adminTok, `{"text":"baseUrl: https://api.example.com\n"}`)},
		"c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig 400": {req: send("POST", "/api/v1/apps/connectors/validate_config/http", adminTok, `{"text":7}`), reason: "text"},
		"c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig 401": {req: send("POST", "/api/v1/apps/connectors/validate_config/http", "", `{"text":""}`)},
		"c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig 403": {req: send("POST", "/api/v1/apps/connectors/validate_config/http", roTok, `{"text":""}`)},
		"c1.api.app.v1.ConnectorService.ValidateHTTPConnectorConfig 500": preferred(send("POST", "/api/v1/apps/connectors/validate_config/http", adminTok, `{"text":""}`), 500, whyInternal),

		"c1.api.app.v1.Apps.List 200": {req: get(c1Apps+"?page_size=2", roTok)},
		"c1.api.app.v1.Apps.List 400": {req: get(c1Apps+"?page_size=-1", roTok), reason: "page_size"},
		"c1.api.app.v1.Apps.List 401": {req: get(c1Apps, "")},
		"c1.api.app.v1.Apps.List 403": preferred(get(c1Apps, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.Apps.List 500": preferred(get(c1Apps, roTok), 500, whyInternal),

		"c1.api.app.v1.Apps.Create 200": {req: send("POST", c1Apps, adminTok, `{"displayName":"Okta","description":"made by a test"}`)},
		"c1.api.app.v1.Apps.Create 400": {req: send("POST", c1Apps, adminTok, `{"description":"no name"}`), reason: "displayName"},
		"c1.api.app.v1.Apps.Create 401": {req: send("POST", c1Apps, "", `{"displayName":"Okta"}`)},
		"c1.api.app.v1.Apps.Create 403": {req: send("POST", c1Apps, roTok, `{"displayName":"Okta"}`)},
		"c1.api.app.v1.Apps.Create 500": preferred(send("POST", c1Apps, adminTok, `{"displayName":"Okta"}`), 500, whyInternal),

		"c1.api.app.v1.Apps.Get 200": {req: get(c1AppPath, roTok)},
		"c1.api.app.v1.Apps.Get 400": unhonourable(get(c1AppPath, roTok), "c1.api.app.v1.Apps.Get"),
		"c1.api.app.v1.Apps.Get 401": {req: get(c1AppPath, "nope")},
		"c1.api.app.v1.Apps.Get 403": preferred(get(c1AppPath, roTok), 403, whyReadNoScope),
		"c1.api.app.v1.Apps.Get 404": {req: get(c1Apps+"/"+c1NoApp, roTok)},
		"c1.api.app.v1.Apps.Get 500": preferred(get(c1AppPath, roTok), 500, whyInternal),

		"c1.api.app.v1.Apps.Update 200": {req: send("POST", c1AppPath, adminTok, `{"app":{"displayName":"Renamed"},"updateMask":"displayName"}`)},
		"c1.api.app.v1.Apps.Update 400": {req: send("POST", c1AppPath, adminTok, `{"app":{},"updateMask":"userCount"}`), reason: "the field is output only"},
		"c1.api.app.v1.Apps.Update 401": {req: send("POST", c1AppPath, "", `{"app":{"displayName":"Renamed"}}`)},
		"c1.api.app.v1.Apps.Update 403": {req: send("POST", c1AppPath, roTok, `{"app":{"displayName":"Renamed"}}`)},
		"c1.api.app.v1.Apps.Update 404": {req: send("POST", c1Apps+"/"+c1NoApp, adminTok, `{"app":{"displayName":"Renamed"}}`)},
		"c1.api.app.v1.Apps.Update 500": preferred(send("POST", c1AppPath, adminTok, `{"app":{"displayName":"Renamed"}}`), 500, whyInternal),

		"c1.api.app.v1.Apps.Delete 200": {req: send("DELETE", c1AppPath, adminTok, "")},
		"c1.api.app.v1.Apps.Delete 400": {req: send("DELETE", c1AppPath, adminTok, `[]`), reason: "must be an object"},
		"c1.api.app.v1.Apps.Delete 401": {req: send("DELETE", c1AppPath, "", "")},
		"c1.api.app.v1.Apps.Delete 403": {req: send("DELETE", c1AppPath, roTok, "")},
		"c1.api.app.v1.Apps.Delete 404": {req: send("DELETE", c1Apps+"/"+c1NoApp, adminTok, "")},
		"c1.api.app.v1.Apps.Delete 500": preferred(send("DELETE", c1AppPath, adminTok, ""), 500, whyInternal),

		"c1.api.app.v1.AppSearch.Search 200": {req: send("POST", "/api/v1/search/apps", adminTok, `{"query":"displayName"}`)},
		"c1.api.app.v1.AppSearch.Search 400": {req: send("POST", "/api/v1/search/apps", adminTok, `{"pageSize":-1}`), reason: "pageSize"},
		"c1.api.app.v1.AppSearch.Search 401": {req: send("POST", "/api/v1/search/apps", "", `{}`)},
		"c1.api.app.v1.AppSearch.Search 403": {req: send("POST", "/api/v1/search/apps", roTok, `{}`)},
		"c1.api.app.v1.AppSearch.Search 500": preferred(send("POST", "/api/v1/search/apps", adminTok, `{}`), 500, whyInternal),

		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 200": {req: send("POST", "/api/v1/connectorcatalog", adminTok, `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3B"}`)},
		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 400": {req: send("POST", "/api/v1/connectorcatalog", adminTok, `{}`), reason: "catalogId (or appId and connectorId) is required"},
		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 401": {req: send("POST", "/api/v1/connectorcatalog", "", `{}`)},
		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 403": {req: send("POST", "/api/v1/connectorcatalog", roTok, `{"catalogId":"catalogId"}`)},
		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 404": {req: send("POST", "/api/v1/connectorcatalog", adminTok, `{"catalogId":"nope"}`)},
		"c1.api.integration.connector.v1.ConnectorCatalogService.ConfigurationSchema 500": preferred(send("POST", "/api/v1/connectorcatalog", adminTok, `{"catalogId":"catalogId"}`), 500, whyInternal),
	}
}
