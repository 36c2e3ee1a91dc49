// Command sdkflow runs ConductorOne's Go SDK against a running connectormock: every Connector
// and Apps method, AppSearch.Search and ConnectorCatalog.ConfigurationSchema in one flow, the
// README's SDK row. It is no test of the module (testdata is outside ./...): the SDK is not a
// dependency of connectormock. Run it with the SDK extracted into ./sdk (see go.mod) against
// the mock's root or a sandbox's url, on a mock whose work does not finish by itself:
//
//	connectormock -addr 127.0.0.1:8080 -work-duration 1h &
//	go run . http://127.0.0.1:8080
//
// It prints one line per step and exits 1 if any failed.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	sdk "github.com/conductorone/conductorone-sdk-go"
	"github.com/conductorone/conductorone-sdk-go/pkg/models/operations"
	"github.com/conductorone/conductorone-sdk-go/pkg/models/shared"
)

var fails, n int

func step(name string, err error, info ...any) {
	n++
	if err != nil {
		fails++
		fmt.Println("FAIL", name, err)
		return
	}
	fmt.Println("ok  ", name, fmt.Sprint(info...))
}

func admin(base, path string) (int, string) {
	res, err := http.Post(base+path, "application/json", strings.NewReader("{}"))
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func main() {
	base := os.Args[1]
	ctx := context.Background()
	c := sdk.New(sdk.WithServerURL(base), sdk.WithSecurity(shared.Security{Oauth: "mock-admin-token"}))

	// Apps
	na, err := c.Apps.Create(ctx, &shared.CreateAppRequest{DisplayName: "SDK flow app", Description: sdk.String("made by the SDK")})
	step("Apps.Create", err)
	if err != nil {
		os.Exit(1)
	}
	app := *na.CreateAppResponse.App.ID
	ga, err := c.Apps.Get(ctx, operations.C1APIAppV1AppsGetRequest{ID: app})
	step("Apps.Get", err, ga != nil && ga.GetAppResponse != nil && *ga.GetAppResponse.App.DisplayName == "SDK flow app")
	_, err = c.Apps.Update(ctx, operations.C1APIAppV1AppsUpdateRequest{ID: app, UpdateAppRequest: &shared.UpdateAppRequest{App: &shared.AppInput{DisplayName: sdk.String("SDK flow app renamed")}, UpdateMask: sdk.String("displayName")}})
	step("Apps.Update", err)
	la, err := c.Apps.List(ctx, operations.C1APIAppV1AppsListRequest{PageSize: sdk.Int(2)})
	if err == nil {
		tok := ""
		if la.ListAppsResponse.NextPageToken != nil {
			tok = *la.ListAppsResponse.NextPageToken
		}
		la2, err2 := c.Apps.List(ctx, operations.C1APIAppV1AppsListRequest{PageSize: sdk.Int(2), PageToken: &tok})
		err = err2
		if err == nil {
			step("Apps.List (2 pages)", nil, len(la.ListAppsResponse.List), "+", len(la2.ListAppsResponse.List))
		}
	}
	if err != nil {
		step("Apps.List", err)
	}
	sr, err := c.AppSearch.Search(ctx, &shared.SearchAppsRequest{Query: sdk.String("renamed")})
	if err == nil {
		step("AppSearch.Search", nil, len(sr.SearchAppsResponse.List))
	} else {
		step("AppSearch.Search", err)
	}

	// Catalog and connectors
	cat := "2ZEJxUqDgkBJsBPUnHXBP1MzC3B"
	cs, err := c.ConnectorCatalog.ConfigurationSchema(ctx, &shared.ConnectorCatalogServiceConfigurationSchemaRequest{CatalogID: &cat})
	if err == nil {
		b, _ := json.Marshal(cs.ConnectorCatalogServiceConfigurationSchemaResponse)
		step("ConnectorCatalog.ConfigurationSchema", nil, string(b)[:min(120, len(b))])
	} else {
		step("ConnectorCatalog.ConfigurationSchema", err)
	}
	cr, err := c.Connector.Create(ctx, operations.C1APIAppV1ConnectorServiceCreateRequest{AppID: app, ConnectorServiceCreateRequest: &shared.ConnectorServiceCreateRequest{
		CatalogID: &cat, Description: sdk.String("okta"), Config: &shared.ConnectorServiceCreateRequestConfig{AtType: sdk.String("type.googleapis.com/c1.connector.okta.v1.Config")},
		ConnectorExpandMask: &shared.ConnectorExpandMask{Paths: []string{"*"}}}})
	step("Connector.Create", err)
	if err != nil {
		os.Exit(1)
	}
	conn := *cr.ConnectorServiceCreateResponse.ConnectorView.Connector.ID
	cd, err := c.Connector.CreateDelegated(ctx, operations.C1APIAppV1ConnectorServiceCreateDelegatedRequest{AppID: app, ConnectorServiceCreateDelegatedRequest: &shared.ConnectorServiceCreateDelegatedRequest{
		CatalogID: sdk.String("2ZEJxQ7VbqNnFqBIAZqtXJo7vPj"), DisplayName: sdk.String("GitHub delegated"), Description: sdk.String("d")}})
	step("Connector.CreateDelegated", err)
	lc, err := c.Connector.List(ctx, operations.C1APIAppV1ConnectorServiceListRequest{AppID: app, PageSize: sdk.Int(1)})
	if err == nil {
		step("Connector.List", nil, len(lc.ConnectorServiceListResponse.List))
	} else {
		step("Connector.List", err)
	}
	_, err = c.Connector.Update(ctx, operations.C1APIAppV1ConnectorServiceUpdateRequest{AppID: app, ID: conn, ConnectorServiceUpdateRequest: &shared.ConnectorServiceUpdateRequest{
		Connector: &shared.ConnectorInput{DisplayName: sdk.String("Okta prod"), Description: sdk.String("changed")}, UpdateMask: sdk.String("displayName,description")}})
	step("Connector.Update (mask)", err)
	if cd != nil && cd.ConnectorServiceCreateResponse != nil {
		did := *cd.ConnectorServiceCreateResponse.ConnectorView.Connector.ID
		_, err = c.Connector.UpdateDelegated(ctx, operations.C1APIAppV1ConnectorServiceUpdateDelegatedRequest{ConnectorAppID: app, ConnectorID: did,
			ConnectorServiceUpdateDelegatedRequest: &shared.ConnectorServiceUpdateDelegatedRequest{Connector: &shared.ConnectorInput{Description: sdk.String("delegated changed")}, UpdateMask: sdk.String("description")}})
		step("Connector.UpdateDelegated", err)
	}

	// Sync
	fs, err := c.Connector.ForceSync(ctx, operations.C1APIAppV1ConnectorServiceForceSyncRequest{AppID: app, ConnectorID: conn})
	step("Connector.ForceSync", err)
	syncID := ""
	if fs != nil {
		syncID = fs.RawResponse.Header.Get("Connectormock-Sync-Id")
	}
	g, err := c.Connector.Get(ctx, operations.C1APIAppV1ConnectorServiceGetRequest{AppID: app, ID: conn})
	if err == nil {
		step("Connector.Get (running)", nil, *g.ConnectorServiceGetResponse.ConnectorView.Connector.ConnectorStatus.Status)
	} else {
		step("Connector.Get", err)
	}
	code, body := admin(base, "/__admin/work/complete")
	fmt.Println("     work/complete", code, body)
	g, err = c.Connector.Get(ctx, operations.C1APIAppV1ConnectorServiceGetRequest{AppID: app, ID: conn})
	if err == nil {
		st := *g.ConnectorServiceGetResponse.ConnectorView.Connector.ConnectorStatus.Status
		if st != shared.ConnectorStatusStatusSyncStatusDone {
			err = fmt.Errorf("status %s after work/complete", st)
		}
		step("Connector.Get (done)", err, st)
	} else {
		step("Connector.Get", err)
	}
	dl, err := c.Connector.GetConnectorSyncDownloadURL(ctx, operations.C1APIAppV1ConnectorServiceGetConnectorSyncDownloadURLRequest{AppID: app, ConnectorID: conn, SyncID: syncID})
	step("Connector.GetConnectorSyncDownloadURL", err)
	if err == nil {
		u := *dl.GetConnectorSyncDownloadURLResponse.DownloadURL
		res, err := http.Get(u)
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				err = fmt.Errorf("%d %s", res.StatusCode, b)
			}
			step("download "+u, err, len(b), " bytes")
		} else {
			step("download", err)
		}
	}
	_, err = c.Connector.ConfirmSyncValid(ctx, operations.C1APIAppV1ConnectorServiceConfirmSyncValidRequest{AppID: app, ConnectorID: conn, SyncLifecycleID: syncID})
	step("Connector.ConfirmSyncValid", err)

	// Credentials
	rc, err := c.Connector.RotateCredential(ctx, &shared.ConnectorServiceRotateCredentialRequest{AppID: &app, ConnectorID: &conn})
	step("Connector.RotateCredential", err)
	if err == nil {
		cred := rc.ConnectorServiceRotateCredentialResponse.ConnectorCredential
		gc, err := c.Connector.GetCredentials(ctx, operations.C1APIAppV1ConnectorServiceGetCredentialsRequest{AppID: app, ConnectorID: conn, ID: *cred.ID})
		step("Connector.GetCredentials", err, err == nil && gc.ConnectorServiceGetCredentialsResponse.ConnectorCredential.ClientSecret == nil)
		_, err = c.Connector.RevokeCredential(ctx, operations.C1APIAppV1ConnectorServiceRevokeCredentialRequest{AppID: app, ConnectorID: conn, ID: *cred.ID})
		step("Connector.RevokeCredential", err)
	}

	// Schedule, pause/resume, validate
	_, err = c.Connector.UpdateConnectorSchedule(ctx, operations.C1APIAppV1ConnectorServiceUpdateConnectorScheduleRequest{AppID: app, ConnectorID: conn,
		UpdateConnectorScheduleRequest: &shared.UpdateConnectorScheduleRequest{ConnectorScheduleCron: &shared.ConnectorScheduleCron{CronSpec: sdk.String("30 2 * * 1-5"), Timezone: sdk.String("America/New_York")}}})
	step("Connector.UpdateConnectorSchedule", err)
	_, err = c.Connector.PauseSync(ctx, operations.C1APIAppV1ConnectorServicePauseSyncRequest{AppID: app, ConnectorID: conn})
	step("Connector.PauseSync", err)
	_, err = c.Connector.ForceSync(ctx, operations.C1APIAppV1ConnectorServiceForceSyncRequest{AppID: app, ConnectorID: conn})
	if err == nil {
		step("Connector.ForceSync while paused", fmt.Errorf("expected an error"))
	} else {
		step("Connector.ForceSync while paused (refused)", nil, err)
	}
	_, err = c.Connector.ResumeSync(ctx, operations.C1APIAppV1ConnectorServiceResumeSyncRequest{AppID: app, ConnectorID: conn})
	step("Connector.ResumeSync", err)
	text := "baseUrl: https://api.example.com\nauth:\n\tk: v\n"
	v, err := c.Connector.ValidateHTTPConnectorConfig(ctx, &shared.EditorValidateRequest{Text: &text})
	if err == nil {
		step("Connector.ValidateHTTPConnectorConfig", nil, len(v.EditorValidateResponse.Markers), " markers")
	} else {
		step("Connector.ValidateHTTPConnectorConfig", err)
	}

	// Clean up
	_, err = c.Connector.Delete(ctx, operations.C1APIAppV1ConnectorServiceDeleteRequest{AppID: app, ID: conn, ConnectorServiceDeleteRequest: &shared.ConnectorServiceDeleteRequest{}})
	step("Connector.Delete", err)
	_, err = c.Connector.Get(ctx, operations.C1APIAppV1ConnectorServiceGetRequest{AppID: app, ID: conn})
	if err == nil {
		step("Connector.Get after delete", fmt.Errorf("expected 404"))
	} else {
		step("Connector.Get after delete (404)", nil, err)
	}
	_, err = c.Apps.Delete(ctx, operations.C1APIAppV1AppsDeleteRequest{ID: app, DeleteAppRequest: &shared.DeleteAppRequest{}})
	step("Apps.Delete", err)
	fmt.Printf("%d steps, %d failed\n", n, fails)
	if fails > 0 {
		os.Exit(1)
	}
}
