package mock_test

import (
	"strconv"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// pupIntegratorToken is a Productsup integrator's token: it owns none of the seeded
// connectors, so acting on one, a read included, is answered 403.
const pupIntegratorToken = "statuses-productsup-integrator-token"

// Reasons for the Productsup reads no request gets 403 on.
const (
	whyPupList = "a list is never refused: an integrator's holds what it owns, an admin's everything, and the read-only token may read"
	whyPupRuns = "runs belong to no owner on the pages: any known token may read them"
)

// pupLogo is an upload of a logo (an SVG unless told otherwise) as the logo operation takes it.
func pupLogo(path, token, content string) testkit.Request {
	body := "--pupboundary\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"logo.svg\"\r\n" +
		"Content-Type: image/svg+xml\r\n\r\n" + content + "\r\n--pupboundary--\r\n"
	return testkit.Request{Method: "POST", Path: path, Token: token, Body: body, ContentType: "multipart/form-data; boundary=pupboundary"}
}

const pupSVG = `<svg xmlns="http://www.w3.org/2000/svg"/>`

// pupGenerated is the path of the first generated version (default seed and count) that ok
// accepts: the lifecycle's statuses need versions in given states, which the generator
// spreads over its connectors.
func pupGenerated(ok func(v productsup.Version) bool) string {
	for _, c := range productsup.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		for _, v := range c.Versions {
			if ok(v) {
				return "/connectors/" + c.ID + "/versions/" + strconv.Itoa(productsup.Major(v.Version))
			}
		}
	}
	panic("no generated productsup version fits a status case")
}

// pupOfType is the path of the latest version of the first generated connector of the type.
func pupOfType(typ string) string {
	for _, c := range productsup.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		if c.Type == typ {
			return "/connectors/" + c.ID + "/versions/latest"
		}
	}
	panic("no generated productsup connector of type " + typ)
}

func pupInState(state string) string {
	return pupGenerated(func(v productsup.Version) bool { return v.State == state && !v.PlatformProdReference.Released })
}

var (
	pupUpdated     = pupInState("updated")
	pupCreated     = pupInState("created")
	pupSyncedProd  = pupInState("synchronized-to-prod")
	pupReleased    = pupGenerated(func(v productsup.Version) bool { return v.PlatformProdReference.Released })
	pupMigration   = pupGenerated(func(v productsup.Version) bool { return v.Config.Migration != nil })
	pupUnknownVers = "/connectors/" + pupUnknown + "/versions/1"
	pupUnused      = pupUnusedConnector()
	pupExport      = pupOfType("export")
)

// pupUnusedConnector is the first generated connector no version of which is used on the
// platform (released, granted, assigned): one that may move to the bin.
func pupUnusedConnector() string {
	for _, c := range productsup.Connectors(fixtures.DefaultSeed, mock.DefaultConnectors) {
		used := false
		for _, v := range c.Versions {
			p := v.PlatformProdReference
			used = used || p.Released || len(p.EnabledForAccounts)+len(p.EnabledForProjects)+len(p.EnabledForSites)+len(p.AssignedToSites) > 0
		}
		if !used {
			return c.ID
		}
	}
	panic("every generated productsup connector is used on the platform")
}

// productsupStatusCases are the cases of Productsup CDE: one per documented status of each of its operations (see
// statuses_test.go for the rule and the guard).
func productsupStatusCases() map[string]statusCase {
	return map[string]statusCase{
		"connector_list 200": {req: get("/connectors?limit=5", roTok)},
		"connector_list 400": {req: get("/connectors?limit=0", roTok), reason: `"limit"`},
		"connector_list 401": {req: get("/connectors", "")},
		"connector_list 403": preferred(get("/connectors", roTok), 403, whyPupList),

		"connector_create 200": {req: send("POST", "/connectors", adminTok, `{"connector-type":"export","connector-name":"omdb"}`)},
		"connector_create 400": {req: send("POST", "/connectors", adminTok, `{"connector-type":"nope","connector-name":"omdb"}`), reason: `"connector-type"`},
		"connector_create 401": {req: send("POST", "/connectors", "", `{"connector-type":"export","connector-name":"omdb"}`)},
		"connector_create 403": {req: send("POST", "/connectors", roTok, `{"connector-type":"export","connector-name":"omdb"}`)},

		"connector_show 200": {req: get("/connectors/"+pupID, roTok)},
		"connector_show 400": {req: get("/connectors/not-a-uuid", roTok), reason: `"publicId"`},
		"connector_show 401": {req: get("/connectors/"+pupID, "nope")},
		"connector_show 403": {req: get("/connectors/"+pupID, pupIntegratorToken)},
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

		"connector_import 200": {req: send("POST", "/connectors/copy", adminTok, `{"name":"Test Import","type":"datasource","versions":[{"config":{"authentication-registrations":[20,30]}}]}`)},
		"connector_import 400": {req: send("POST", "/connectors/copy", adminTok, `{"name":"Test Import"}`), reason: `"type"`},
		"connector_import 401": {req: send("POST", "/connectors/copy", "", `{"name":"x","type":"datasource"}`)},
		"connector_import 403": {req: send("POST", "/connectors/copy", roTok, `{"name":"x","type":"datasource"}`)},

		"connector_list_from_bin 200": {req: get("/connectors/bin", roTok)},
		"connector_list_from_bin 400": {req: get("/connectors/bin?owners=nope", roTok), reason: `"owners":"This is not a valid UUID."`},
		"connector_list_from_bin 401": {req: get("/connectors/bin", "")},
		"connector_list_from_bin 403": preferred(get("/connectors/bin", roTok), 403, whyPupList),

		"connector_move_to_bin 200": {req: send("PATCH", "/connectors/"+pupUnused+"/move-to-bin", adminTok, "")},
		"connector_move_to_bin 400": {req: send("PATCH", "/connectors/"+pupID+"/move-to-bin", adminTok, ""), reason: "Connector is actively used on the platform."},
		"connector_move_to_bin 401": {req: send("PATCH", "/connectors/"+pupID+"/move-to-bin", "", "")},
		"connector_move_to_bin 403": {req: send("PATCH", "/connectors/"+pupID+"/move-to-bin", roTok, "")},
		"connector_move_to_bin 404": {req: send("PATCH", "/connectors/"+pupUnknown+"/move-to-bin", adminTok, "")},

		"connector_restore_from_bin 200": {req: send("PATCH", "/connectors/"+productsup.DocumentedBinnedID+"/restore-from-bin", adminTok, "")},
		"connector_restore_from_bin 400": {req: send("PATCH", "/connectors/nope/restore-from-bin", adminTok, ""), reason: `"movedToBinPublicId":"This is not a valid UUID."`},
		"connector_restore_from_bin 401": {req: send("PATCH", "/connectors/"+productsup.DocumentedBinnedID+"/restore-from-bin", "", "")},
		"connector_restore_from_bin 403": {req: send("PATCH", "/connectors/"+productsup.DocumentedBinnedID+"/restore-from-bin", roTok, "")},
		"connector_restore_from_bin 404": {req: send("PATCH", "/connectors/"+pupID+"/restore-from-bin", adminTok, "")},

		"connector_version_show_authentication 200": {req: get(pupVersion+"/authentication-registrations", roTok)},
		"connector_version_show_authentication 400": {req: get("/connectors/"+pupID+"/versions/x/authentication-registrations", roTok), reason: `"connectorVersion"`},
		"connector_version_show_authentication 401": {req: get(pupVersion+"/authentication-registrations", "")},
		"connector_version_show_authentication 403": {req: get(pupVersion+"/authentication-registrations", pupIntegratorToken)},
		"connector_version_show_authentication 404": {req: get(pupUnknownVers+"/authentication-registrations", roTok)},

		"connector_update_authentication_registrations 200": {req: send("PUT", pupVersion+"/authentication-registrations", adminTok, `{"authentication-registrations":[30],"authentication-registrations-additional-fields":["option-1"]}`)},
		"connector_update_authentication_registrations 400": {req: send("PUT", pupVersion+"/authentication-registrations", adminTok, `{"authentication-registrations":["1","2"]}`), reason: `Given values are not int: \"1\",\"2\"`},
		"connector_update_authentication_registrations 401": {req: send("PUT", pupVersion+"/authentication-registrations", "", `{"authentication-registrations":[30]}`)},
		"connector_update_authentication_registrations 403": {req: send("PUT", pupVersion+"/authentication-registrations", roTok, `{"authentication-registrations":[30]}`)},
		"connector_update_authentication_registrations 404": {req: send("PUT", pupUnknownVers+"/authentication-registrations", adminTok, `{"authentication-registrations":[30]}`)},

		"connector_version_execution_config_update_container_api 200": {req: send("PUT", pupVersion+"/execution-config/container-api", adminTok, `{"image":"test.domain.docker/test/container-api-image:1.0.0","version-constraint":"^0.20"}`)},
		"connector_version_execution_config_update_container_api 400": {req: send("PUT", pupVersion+"/execution-config/container-api", adminTok, `{"version-constraint":""}`), reason: `"version-constraint":"This value should not be blank."`},
		"connector_version_execution_config_update_container_api 401": {req: send("PUT", pupVersion+"/execution-config/container-api", "", `{"version-constraint":"^1"}`)},
		"connector_version_execution_config_update_container_api 403": {req: send("PUT", pupVersion+"/execution-config/container-api", roTok, `{"version-constraint":"^1"}`)},
		"connector_version_execution_config_update_container_api 404": {req: send("PUT", pupUnknownVers+"/execution-config/container-api", adminTok, `{"version-constraint":"^1"}`)},

		"connector_individual_config_add 200": {req: send("POST", pupVersion+"/individual-configs", adminTok, `{"command-option":"new-option","field-type":"input","field-name":"New option"}`)},
		"connector_individual_config_add 400": {req: send("POST", pupVersion+"/individual-configs", adminTok, `{}`), reason: `"command-option":"This value should not be blank."`},
		"connector_individual_config_add 401": {req: send("POST", pupVersion+"/individual-configs", "", `{}`)},
		"connector_individual_config_add 403": {req: send("POST", pupVersion+"/individual-configs", roTok, `{}`)},
		"connector_individual_config_add 404": {req: send("POST", pupUnknownVers+"/individual-configs", adminTok, `{"command-option":"a","field-type":"input","field-name":"A"}`)},

		"connector_validate_vcs_config 200": {req: get(pupUpdated+"/vcs-configs/validate", roTok)},
		"connector_validate_vcs_config 400": {req: get(pupVersion+"/vcs-configs/validate", roTok), reason: "VCS config is not valid."},
		"connector_validate_vcs_config 401": {req: get(pupVersion+"/vcs-configs/validate", "")},
		"connector_validate_vcs_config 403": {req: get(pupVersion+"/vcs-configs/validate", pupIntegratorToken)},
		"connector_validate_vcs_config 404": {req: get(pupUnknownVers+"/vcs-configs/validate", roTok)},

		"connector_update_runtime_prod 200": {req: send("PUT", pupVersion+"/runtime/prod", adminTok, `{"environment":"bin-docker-wrapper","version":"12.10.0"}`)},
		"connector_update_runtime_prod 400": {req: send("PUT", pupVersion+"/runtime/prod", adminTok, `{"environment":"bin-docker-wrapper"}`), reason: "Missing connector runtime version for runtime environment bin-docker-wrapper."},
		"connector_update_runtime_prod 401": {req: send("PUT", pupVersion+"/runtime/prod", "", `{"environment":"cre"}`)},
		"connector_update_runtime_prod 403": {req: send("PUT", pupVersion+"/runtime/prod", roTok, `{"environment":"cre"}`)},
		"connector_update_runtime_prod 404": {req: send("PUT", pupUnknownVers+"/runtime/prod", adminTok, `{"environment":"cre"}`)},

		"run_list 200": {req: get("/runs?limit=5", roTok)},
		"run_list 400": {req: get("/runs?connector-id=nope", roTok), reason: `"connector-id":"This is not a valid UUID."`},
		"run_list 401": {req: get("/runs", "")},
		"run_list 403": preferred(get("/runs", roTok), 403, whyPupRuns),

		"run_show 200": {req: get("/runs/"+productsup.DocumentedRunID, roTok)},
		"run_show 400": {req: get("/runs/nope", roTok), reason: `"runId":"This is not a valid UUID."`},
		"run_show 401": {req: get("/runs/"+productsup.DocumentedRunID, "")},
		"run_show 403": preferred(get("/runs/"+productsup.DocumentedRunID, roTok), 403, whyPupRuns),
		"run_show 404": {req: get("/runs/"+pupUnknown, roTok), reason: "Run not found."},

		"add_metadata_to_connector 200": {req: send("POST", "/metadata/connectors/"+pupID, adminTok, `{"channel-owner":"Third Party","notes":"some notes"}`)},
		"add_metadata_to_connector 400": {req: send("POST", "/metadata/connectors/"+pupID, adminTok, `{"channel-owner":"Nobody"}`), reason: "Invalid channel owner provided."},
		"add_metadata_to_connector 401": {req: send("POST", "/metadata/connectors/"+pupID, "", `{"channel-owner":"WG3"}`)},
		"add_metadata_to_connector 403": {req: send("POST", "/metadata/connectors/"+pupID, roTok, `{"channel-owner":"WG3"}`)},
		"add_metadata_to_connector 404": {req: send("POST", "/metadata/connectors/"+pupUnknown, adminTok, `{"channel-owner":"WG3"}`)},

		"update_metadata_for_connector 200": {req: send("PUT", "/metadata/connectors/"+productsup.Generated(fixtures.DefaultSeed, 0).ID, adminTok, `{"channel-owner":"Feature Team"}`)},
		"update_metadata_for_connector 400": {req: send("PUT", "/metadata/connectors/"+pupID, adminTok, `{"channel-owner":"WG3"}`), reason: "Connector has no metadata."},
		"update_metadata_for_connector 401": {req: send("PUT", "/metadata/connectors/"+pupID, "", `{"channel-owner":"WG3"}`)},
		"update_metadata_for_connector 403": {req: send("PUT", "/metadata/connectors/"+pupID, roTok, `{"channel-owner":"WG3"}`)},
		"update_metadata_for_connector 404": {req: send("PUT", "/metadata/connectors/"+pupUnknown, adminTok, `{"channel-owner":"WG3"}`)},

		"add_member_to_organization 200": {req: send("PUT", "/organizations/"+productsup.DocumentedOrganizationID+"/members/"+pupUnknown, adminTok, "")},
		"add_member_to_organization 400": {req: send("PUT", "/organizations/"+productsup.DocumentedOrganizationID+"/members/nope", adminTok, ""), reason: `"memberId":"This is not a valid UUID."`},
		"add_member_to_organization 401": {req: send("PUT", "/organizations/"+productsup.DocumentedOrganizationID+"/members/"+pupUnknown, "", "")},
		"add_member_to_organization 403": {req: send("PUT", "/organizations/"+productsup.DocumentedOrganizationID+"/members/"+pupUnknown, roTok, "")},
		"add_member_to_organization 404": {req: send("PUT", "/organizations/"+pupUnknown+"/members/"+pupUnknown, adminTok, ""), reason: "Organization not found."},

		"update_organization_default_targets 200": {req: send("PUT", "/defaults/organizations/"+productsup.DocumentedOrganizationID, adminTok, `{"dev-defaults":{"account":1,"project":2}}`)},
		"update_organization_default_targets 400": {req: send("PUT", "/defaults/organizations/"+productsup.DocumentedOrganizationID, adminTok, `{"dev-defaults":{"account":0,"project":2}}`), reason: `"dev-defaults.account":"This value should be greater than 0."`},
		"update_organization_default_targets 401": {req: send("PUT", "/defaults/organizations/"+productsup.DocumentedOrganizationID, "", `{}`)},
		"update_organization_default_targets 403": {req: send("PUT", "/defaults/organizations/"+productsup.DocumentedOrganizationID, roTok, `{}`)},
		"update_organization_default_targets 404": {req: send("PUT", "/defaults/organizations/"+pupUnknown, adminTok, `{}`), reason: "Organization not found."},

		"connector_version_upload_logo 200": {req: pupLogo(pupVersion+"/logo", adminTok, pupSVG)},
		"connector_version_upload_logo 400": {req: pupLogo(pupVersion+"/logo", adminTok, "GIF89a"), reason: "This file is not a valid SVG image."},
		"connector_version_upload_logo 401": {req: pupLogo(pupVersion+"/logo", "", pupSVG)},
		"connector_version_upload_logo 403": {req: pupLogo(pupVersion+"/logo", roTok, pupSVG)},
		"connector_version_upload_logo 404": {req: pupLogo(pupUnknownVers+"/logo", adminTok, pupSVG)},

		"connector_update_secret_registrations 200": {req: send("PUT", pupVersion+"/secret-registrations", adminTok, `{"secret-registrations":["amazon/seller"]}`)},
		"connector_update_secret_registrations 400": {req: send("PUT", pupVersion+"/secret-registrations", adminTok, `{"secret-registrations":[""]}`), reason: `secret-registrations`},
		"connector_update_secret_registrations 401": {req: send("PUT", pupVersion+"/secret-registrations", "", `{"secret-registrations":[]}`)},
		"connector_update_secret_registrations 403": {req: send("PUT", pupVersion+"/secret-registrations", roTok, `{"secret-registrations":[]}`)},
		"connector_update_secret_registrations 404": {req: send("PUT", pupUnknownVers+"/secret-registrations", adminTok, `{"secret-registrations":[]}`)},

		"connector_build_trigger 200": {req: send("POST", "/builds/connectors", adminTok, `{"connector":"`+pupIDOf(pupUpdated)+`","version":"`+pupMajorOf(pupUpdated)+`"}`)},
		"connector_build_trigger 400": {req: send("POST", "/builds/connectors", adminTok, `{"connector":"x"}`), reason: `"connector":"This is not a valid UUID."`},
		"connector_build_trigger 401": {req: send("POST", "/builds/connectors", "", `{"connector":"`+pupID+`"}`)},
		"connector_build_trigger 403": {req: send("POST", "/builds/connectors", roTok, `{"connector":"`+pupID+`"}`)},
		"connector_build_trigger 404": {req: send("POST", "/builds/connectors", adminTok, `{"connector":"`+pupUnknown+`"}`)},

		"connector_sync_runtime 200": {req: send("POST", pupVersion+"/sync-runtime", adminTok, "")},
		"connector_sync_runtime 400": {req: send("POST", pupCreated+"/sync-runtime", adminTok, ""), reason: "Transition is not allowed, entity is created."},
		"connector_sync_runtime 401": {req: send("POST", pupVersion+"/sync-runtime", "", "")},
		"connector_sync_runtime 403": {req: send("POST", pupVersion+"/sync-runtime", roTok, "")},
		"connector_sync_runtime 404": {req: send("POST", pupUnknownVers+"/sync-runtime", adminTok, "")},

		"connector_create_platform_site 200": {req: send("POST", pupSyncedProd+"/platform-dev-site", adminTok, "")},
		"connector_create_platform_site 400": {req: send("POST", pupVersion+"/platform-dev-site", adminTok, ""), reason: "Dev account is missing."},
		"connector_create_platform_site 401": {req: send("POST", pupVersion+"/platform-dev-site", "", "")},
		"connector_create_platform_site 403": {req: send("POST", pupVersion+"/platform-dev-site", roTok, "")},
		"connector_create_platform_site 404": {req: send("POST", pupUnknownVers+"/platform-dev-site", adminTok, "")},

		"connector_assign_to_dev_site 200": {req: send("POST", pupSyncedProd+"/assign-to-sites/dev", adminTok, "")},
		"connector_assign_to_dev_site 400": {req: send("POST", pupVersion+"/assign-to-sites/dev", adminTok, ""), reason: "Transition is not allowed, entity is synchronized-to-dev."},
		"connector_assign_to_dev_site 401": {req: send("POST", pupVersion+"/assign-to-sites/dev", "", "")},
		"connector_assign_to_dev_site 403": {req: send("POST", pupVersion+"/assign-to-sites/dev", roTok, "")},
		"connector_assign_to_dev_site 404": {req: send("POST", pupUnknownVers+"/assign-to-sites/dev", adminTok, "")},

		"connector_release 200": {req: send("POST", pupSyncedProd+"/release", adminTok, "")},
		"connector_release 400": {req: send("POST", pupVersion+"/release", adminTok, ""), reason: "Transition is not allowed, entity is synchronized-to-dev."},
		"connector_release 401": {req: send("POST", pupVersion+"/release", "", "")},
		"connector_release 403": {req: send("POST", pupVersion+"/release", roTok, "")},
		"connector_release 404": {req: send("POST", pupUnknownVers+"/release", adminTok, "")},

		"connector_unrelease 200": {req: send("POST", pupReleased+"/unrelease", adminTok, "")},
		"connector_unrelease 400": {req: send("POST", pupVersion+"/unrelease", adminTok, ""), reason: `"version":"Connector is not released."`},
		"connector_unrelease 401": {req: send("POST", pupVersion+"/unrelease", "", "")},
		"connector_unrelease 403": {req: send("POST", pupVersion+"/unrelease", roTok, "")},
		"connector_unrelease 404": {req: send("POST", pupUnknownVers+"/unrelease", adminTok, "")},

		"connector_rollback_migration 200": {req: send("POST", pupMigration+"/migration/rollback", adminTok, "")},
		"connector_rollback_migration 400": {req: send("POST", pupVersion+"/migration/rollback", adminTok, ""), reason: "This connector version has no migration to roll back."},
		"connector_rollback_migration 401": {req: send("POST", pupMigration+"/migration/rollback", "", "")},
		"connector_rollback_migration 403": {req: send("POST", pupMigration+"/migration/rollback", pupIntegratorToken, "")},
		"connector_rollback_migration 404": {req: send("POST", pupUnknownVers+"/migration/rollback", adminTok, "")},

		"connector_platform_assign_channel 200": {req: send("PUT", pupExport+"/channels", adminTok, `{"channels":[1,2]}`)},
		"connector_platform_assign_channel 400": {req: send("PUT", pupExport+"/channels", adminTok, `{"channels":[98,99]}`), reason: "You can not assign delta channels to export Connector: 98,99"},
		"connector_platform_assign_channel 401": {req: send("PUT", pupExport+"/channels", "", `{"channels":[1,2]}`)},
		"connector_platform_assign_channel 403": {req: send("PUT", pupExport+"/channels", pupIntegratorToken, `{"channels":[1,2]}`)},
		"connector_platform_assign_channel 404": {req: send("PUT", pupUnknownVers+"/channels", adminTok, `{"channels":[1,2]}`)},

		"state_list 200": {req: get("/states?status=done", roTok)},
		"state_list 400": {req: get("/states?triggered_by=nope", roTok), reason: `"triggered_by":"This is not a valid UUID."`},
		"state_list 401": {req: get("/states", "")},
		"state_list 403": preferred(get("/states", roTok), 403, whyPupList),

		"state_show 200": {req: get("/states/"+productsup.DocumentedStateID, roTok)},
		"state_show 400": {req: get("/states/nope", roTok), reason: `"stateId":"This is not a valid UUID."`},
		"state_show 401": {req: get("/states/"+productsup.DocumentedStateID, "nope")},
		"state_show 403": {req: get("/states/"+productsup.DocumentedStateID, pupIntegratorToken)},
		"state_show 404": {req: get("/states/"+pupUnknown, roTok), reason: "State not found."},

		"connector_state_list 200": {req: get(pupVersion+"/states", roTok)},
		"connector_state_list 400": {req: get(pupVersion+"/states?limit=0", roTok), reason: `"limit"`},
		"connector_state_list 401": {req: get(pupVersion+"/states", "")},
		"connector_state_list 403": {req: get(pupVersion+"/states", pupIntegratorToken)},
		"connector_state_list 404": {req: get(pupUnknownVers+"/states", roTok)},

		"connector_version_show_latest_state 200": {req: get(pupVersion+"/states/sync_runtime", roTok)},
		"connector_version_show_latest_state 400": {req: get(pupVersion+"/states/nope", roTok), reason: "This background action does not exist."},
		"connector_version_show_latest_state 401": {req: get(pupVersion+"/states/sync_runtime", "")},
		"connector_version_show_latest_state 403": {req: get(pupVersion+"/states/sync_runtime", pupIntegratorToken)},
		"connector_version_show_latest_state 404": {req: get(pupVersion+"/states/build_connector", roTok), reason: "Last state was not found based on query parameters."},
	}
}

// pupIDOf and pupMajorOf split a version path into its public id and major number.
func pupIDOf(path string) string    { return path[len("/connectors/") : len("/connectors/")+36] }
func pupMajorOf(path string) string { return path[len("/connectors/")+36+len("/versions/"):] }
