package conductorone_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
)

// TestSDKRequests replays, byte for byte, the requests ConductorOne's Go SDK
// (github.com/conductorone/conductorone-sdk-go at 2eb88f84) sends for the operations issue 13
// added, as recorded from the SDK pointed at the mock: no body and no Content-Type for the
// operations whose request message is empty (ForceSync, PauseSync, ResumeSync,
// ConfirmSyncValid, RevokeCredential), JSON with only the fields set otherwise, and the
// SDK's own token header (shared.Security{Oauth: token}). {sync}, {cred} and {app} stand for
// the ids earlier answers handed out.
func TestSDKRequests(t *testing.T) {
	s, _ := clocked(t)
	doc := connectorPath(appID, connID)
	ids := map[string]string{}
	steps := []struct {
		method, path, body string
		status             int
		key                string // the id the answer hands out, if any
	}{
		{"POST", doc + "/force_sync", "", 200, "sync"},
		{"GET", doc, "", 200, ""},
		{"POST", doc + "/pause", "", 200, ""},
		{"POST", doc + "/force_sync", "", 400, ""},
		{"POST", doc + "/resume", "", 200, ""},
		{"POST", doc + "/schedule", `{"cron":{"cronSpec":"0 */6 * * *","timezone":"Europe/Berlin"}}`, 200, ""},
		{"POST", "/api/v1/apps/connectors/credentials", `{"appId":"` + appID + `","connectorId":"` + connID + `"}`, 200, "cred"},
		{"GET", doc + "/credentials/{cred}", "", 200, ""},
		{"POST", doc + "/credentials/{cred}", "", 200, ""},
		{"POST", "/api/v1/apps/connectors/validate_config/http", `{"text":"baseUrl: x\nauth:\n\tk: v\n"}`, 200, ""},
		{"POST", doc + "/delegated", `{"connector":{"description":"Desc"},"updateMask":"description"}`, 200, ""},
		{"POST", "/api/v1/apps", `{"displayName":"New app"}`, 200, "app"},
		{"GET", "/api/v1/apps/{app}", "", 200, ""},
		{"POST", "/api/v1/apps/{app}", `{"app":{"displayName":"Renamed"},"updateMask":"displayName"}`, 200, ""},
		{"GET", "/api/v1/apps?page_size=2", "", 200, ""},
		{"POST", "/api/v1/search/apps", `{"query":"renamed"}`, 200, ""},
		{"POST", "/api/v1/connectorcatalog", `{"catalogId":"2ZEJxUqDgkBJsBPUnHXBP1MzC3B"}`, 200, ""},
		{"DELETE", "/api/v1/apps/{app}", "", 200, ""},
		{"GET", doc + "/syncs/" + fx.DocumentedSyncID + "/download_url", "", 200, ""},
		{"POST", doc + "/confirm_sync_valid/" + fx.DocumentedSyncID, "", 200, ""},
	}
	for _, st := range steps {
		path := st.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		r := httptest.NewRequest(st.method, path, strings.NewReader(st.body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Accept", "application/json")
		r.Header.Set("User-Agent", "speakeasy-sdk/go")
		if st.body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		require.Equal(t, st.status, w.Code, "%s %s: %s", st.method, path, w.Body)
		switch st.key {
		case "sync":
			ids["sync"] = w.Header().Get("Connectormock-Sync-Id")
		case "cred", "app":
			var b map[string]map[string]any
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b))
			for _, v := range b {
				ids[st.key], _ = v["id"].(string)
			}
		}
	}
	assert.Len(t, ids, 3)
}
