package conductorone_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// clock is a mock's clock that a test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// clocked is a server on a clock the test moves, whose syncs take a minute.
func clocked(t *testing.T, opts ...mock.Option) (*testkit.Server, *clock) {
	t.Helper()
	c := &clock{now: testkit.Clock}
	s := newServer(t, append([]mock.Option{mock.WithClock(c.Now), mock.WithWorkDuration(time.Minute)}, opts...)...)
	return s, c
}

func connectorOf(t *testing.T, s http.Handler, app, id string) fx.Connector {
	t.Helper()
	res := do(t, s, "GET", connectorPath(app, id), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var b updateBody
	res.JSON(t, &b)
	return b.ConnectorView.Connector
}

// pausedConnector is a generated connector whose syncing is disabled.
func pausedConnector(t *testing.T, s *testkit.Server) fx.Connector {
	t.Helper()
	for _, app := range s.ConductorOne().Store().Apps() {
		cs, err := s.ConductorOne().Store().Connectors(app.ID)
		require.NoError(t, err)
		for _, c := range cs {
			if c.Status.Status == "SYNC_STATUS_DISABLED" {
				return c
			}
		}
	}
	t.Fatal("no paused connector in the seeded state")
	return fx.Connector{}
}

func opPath(app, id, op string) string { return connectorPath(app, id) + "/" + op }

// TestSyncLifecycle: ForceSync starts a sync that Get shows running and then, once the work
// duration has passed on the mock's clock, done; its file can be downloaded.
func TestSyncLifecycle(t *testing.T) {
	s, clk := clocked(t)
	before := connectorOf(t, s, appID, connID)

	res := do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	syncID := res.Header.Get("Connectormock-Sync-Id")
	assert.Equal(t, fx.SyncID(fixtures.DefaultSeed, 0), syncID)
	started := fx.Time(clk.Now())

	c := connectorOf(t, s, appID, connID)
	assert.Equal(t, fx.ConnectorStatus{Status: "SYNC_STATUS_RUNNING", StartedAt: started, UpdatedAt: started}, c.Status)
	assert.Equal(t, before.UpdatedAt, c.UpdatedAt, "a sync is no change of the connector")

	res = do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`)
	require.Equal(t, 400, res.Status)
	assert.JSONEq(t, statusJSON(9, fmt.Sprintf("connector %q of app %q: a sync is already running (sync %q)", connID, appID, syncID)), string(res.Body))

	res = do(t, s, "GET", opPath(appID, connID, "syncs/"+syncID+"/download_url"), nil)
	require.Equal(t, 400, res.Status)
	assert.JSONEq(t, statusJSON(9, fmt.Sprintf("sync %q: the sync is still running", syncID)), string(res.Body))

	clk.Add(time.Minute - time.Millisecond)
	assert.Equal(t, "SYNC_STATUS_RUNNING", connectorOf(t, s, appID, connID).Status.Status, "not yet")
	clk.Add(time.Hour) // looked at late: it completed on time all the same
	done := fx.Time(testkit.Clock.Add(time.Minute))
	c = connectorOf(t, s, appID, connID)
	assert.Equal(t, fx.ConnectorStatus{Status: "SYNC_STATUS_DONE", StartedAt: started, CompletedAt: done, UpdatedAt: done}, c.Status)
	assert.Equal(t, before.UpdatedAt, c.UpdatedAt)

	res = do(t, s, "GET", opPath(appID, connID, "syncs/"+syncID+"/download_url"), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var dl struct {
		DownloadURL string `json:"downloadUrl"`
	}
	res.JSON(t, &dl)
	assert.Equal(t, "http://example.com/api/v1/apps/-/sync_files/"+syncID, dl.DownloadURL, "the mock's own URL, as the client reached it")
	file := testkit.Do(t, s, testkit.Request{Method: "GET", Path: strings.TrimPrefix(dl.DownloadURL, "http://example.com")})
	require.Equal(t, 200, file.Status, "no token needed: %s", file.Body)
	sy, err := s.ConductorOne().Store().Sync(syncID)
	require.NoError(t, err)
	assert.Equal(t, fx.SyncFile(sy), file.Body)
	assert.Contains(t, string(file.Body), `"syncId": "`+syncID+`"`)

	res = do(t, s, "POST", opPath(appID, connID, "confirm_sync_valid/"+syncID), `{}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	sy, err = s.ConductorOne().Store().Sync(syncID)
	require.NoError(t, err)
	assert.True(t, sy.Confirmed)

	// A second sync gets the next id, and both are the connector's.
	res = do(t, s, "POST", opPath(appID, connID, "force_sync"), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	syncs, err := s.ConductorOne().Store().Syncs(appID, connID)
	require.NoError(t, err)
	ids := []string{}
	for _, sy := range syncs {
		ids = append(ids, sy.ID)
	}
	assert.Equal(t, []string{fx.SyncID(fixtures.DefaultSeed, 1), syncID, fx.DocumentedFailedSyncID, fx.DocumentedSyncID}, ids, "newest first")
}

// TestSyncDefaultDuration: with the default work duration, a client polling Get on the real
// clock sees its sync done; here the clock is moved past it instead of waited for.
func TestSyncDefaultDuration(t *testing.T) {
	c := &clock{now: testkit.Clock}
	s := newServer(t, mock.WithClock(c.Now))
	require.Equal(t, 200, do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`).Status)
	c.Add(mock.DefaultWorkDuration)
	got := connectorOf(t, s, appID, connID)
	assert.Equal(t, "SYNC_STATUS_DONE", got.Status.Status)
	assert.Equal(t, fx.Time(testkit.Clock.Add(mock.DefaultWorkDuration)), got.Status.CompletedAt)
}

// TestSyncOnDemand: a running sync completes or fails when told, from Go or the admin API,
// before its time.
func TestSyncOnDemand(t *testing.T) {
	s, _ := clocked(t)
	store := s.ConductorOne().Store()
	start := func() string {
		t.Helper()
		res := do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`)
		require.Equal(t, 200, res.Status, "%s", res.Body)
		return res.Header.Get("Connectormock-Sync-Id")
	}

	id := start()
	sy, err := store.FailSync(id, "rate limited by Okta")
	require.NoError(t, err)
	assert.Equal(t, fx.SyncError, sy.Status)
	c := connectorOf(t, s, appID, connID)
	assert.Equal(t, "SYNC_STATUS_ERROR", c.Status.Status)
	assert.Equal(t, "rate limited by Okta", c.Status.LastError)
	res := do(t, s, "GET", opPath(appID, connID, "syncs/"+id+"/download_url"), nil)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, statusJSON(9, fmt.Sprintf("sync %q: the sync failed and produced no file", id)), string(res.Body))
	_, err = store.CompleteSync(id)
	assert.ErrorIs(t, err, conductorone.ErrFailedPrecondition, "no longer running")

	id = start()
	sy, err = store.CompleteSync(id)
	require.NoError(t, err)
	assert.Equal(t, fx.SyncDone, sy.Status)
	assert.Equal(t, "SYNC_STATUS_DONE", connectorOf(t, s, appID, connID).Status.Status)
	assert.Empty(t, connectorOf(t, s, appID, connID).Status.LastError)

	admin := func(method, path, body string) testkit.Response {
		return testkit.Do(t, s, testkit.Request{Method: method, Path: "/__admin/vendors/conductorone" + path, Body: body})
	}
	id = start()
	res = admin("GET", "/syncs/"+id, "")
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Contains(t, string(res.Body), `"status":"SYNC_STATUS_RUNNING"`)
	res = admin("POST", "/syncs/"+id+"/fail", `{"message":"boom"}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Equal(t, "boom", connectorOf(t, s, appID, connID).Status.LastError)
	res = admin("POST", "/syncs/"+id+"/complete", "")
	assert.Equal(t, 409, res.Status)
	assert.JSONEq(t, adminJSON(fmt.Sprintf("sync %q: the sync is not running", id)), string(res.Body))
	res = admin("POST", "/syncs/nope/complete", "")
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, adminJSON(`sync "nope" not found`), string(res.Body))

	id = start()
	res = admin("POST", "/syncs/"+id+"/complete", "")
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res = admin("GET", "/apps/"+appID+"/connectors/"+connID+"/syncs", "")
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.Equal(t, 6, strings.Count(string(res.Body), `"id":`), "two documented syncs and four started")
	assert.True(t, strings.HasPrefix(string(res.Body), `{"syncs":[{"id":"`+id+`"`), "newest first: %s", res.Body)

	// Server.CompleteWork and the admin API's work/complete complete every running sync.
	start()
	assert.Equal(t, 1, s.CompleteWork())
	assert.Equal(t, "SYNC_STATUS_DONE", connectorOf(t, s, appID, connID).Status.Status)
	assert.Equal(t, 0, s.CompleteWork())
	start()
	res = testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/__admin/work/complete"})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{"completed":1}`, string(res.Body))
}

// TestPauseResume: PauseSync disables syncing, ResumeSync enables it again; forcing a paused
// connector, pausing it twice, resuming one that is not paused are FAILED_PRECONDITION.
func TestPauseResume(t *testing.T) {
	s, clk := clocked(t)
	res := do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`)
	require.Equal(t, 200, res.Status)
	syncID := res.Header.Get("Connectormock-Sync-Id")
	clk.Add(time.Second)
	now := fx.Time(clk.Now())

	res = do(t, s, "POST", opPath(appID, connID, "pause"), `{}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	c := connectorOf(t, s, appID, connID)
	assert.Equal(t, now, c.SyncDisabledAt)
	assert.Equal(t, "SYNC_DISABLED_CATEGORY_USER", c.SyncDisabledCategory)
	assert.Equal(t, "paused through the API", c.SyncDisabledReason)
	assert.Equal(t, "SYNC_STATUS_DISABLED", c.Status.Status)
	require.NotNil(t, c.CanResumeSync)
	assert.True(t, *c.CanResumeSync)
	assert.Equal(t, now, c.UpdatedAt)
	assert.Equal(t, "sync cancelled: syncing was paused", c.Status.LastError, "the running sync was cancelled")
	sy, err := s.ConductorOne().Store().Sync(syncID)
	require.NoError(t, err)
	assert.Equal(t, fx.SyncError, sy.Status)
	clk.Add(time.Hour)
	assert.Equal(t, "SYNC_STATUS_DISABLED", connectorOf(t, s, appID, connID).Status.Status, "a cancelled sync never completes")

	refused := []struct{ op, reason string }{
		{"force_sync", "syncing is paused; resume it first"},
		{"pause", "syncing is already paused"},
	}
	for _, r := range refused {
		before := state(t, s)
		res = do(t, s, "POST", opPath(appID, connID, r.op), `{}`)
		assert.Equal(t, 400, res.Status, r.op)
		assert.JSONEq(t, statusJSON(9, fmt.Sprintf("connector %q of app %q: %s", connID, appID, r.reason)), string(res.Body))
		assert.Equal(t, before, state(t, s))
	}

	clk.Add(time.Second)
	res = do(t, s, "POST", opPath(appID, connID, "resume"), `{}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	c = connectorOf(t, s, appID, connID)
	assert.Empty(t, c.SyncDisabledAt)
	assert.Empty(t, c.SyncDisabledCategory)
	assert.Empty(t, c.SyncDisabledReason)
	assert.Nil(t, c.CanResumeSync)
	assert.Equal(t, "SYNC_STATUS_ERROR", c.Status.Status, "what the last sync left")
	assert.Equal(t, fx.Time(clk.Now()), c.UpdatedAt)

	before := state(t, s)
	res = do(t, s, "POST", opPath(appID, connID, "resume"), `{}`)
	assert.Equal(t, 400, res.Status)
	assert.JSONEq(t, statusJSON(9, fmt.Sprintf("connector %q of app %q: syncing is not paused", connID, appID)), string(res.Body))
	assert.Equal(t, before, state(t, s))
	assert.Equal(t, 200, do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`).Status, "resumed: it syncs again")

	// A connector generated paused resumes too; one that never synced is unspecified after.
	p := pausedConnector(t, s)
	res = do(t, s, "POST", opPath(p.AppID, p.ID, "resume"), nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.NotEqual(t, "SYNC_STATUS_DISABLED", connectorOf(t, s, p.AppID, p.ID).Status.Status)
}

// TestCredentials: RotateCredential creates a credential and shows its secret once;
// GetCredentials never does; RevokeCredential revokes it; another connector's is 404.
func TestCredentials(t *testing.T) {
	s, clk := clocked(t)
	rotate := func(app, conn string) testkit.Response {
		return do(t, s, "POST", "/api/v1/apps/connectors/credentials", fmt.Sprintf(`{"appId":%q,"connectorId":%q}`, app, conn))
	}
	res := rotate(appID, connID)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var rotated struct {
		Credential fx.Credential `json:"credential"`
	}
	res.JSON(t, &rotated)
	cred := rotated.Credential
	want := fx.GeneratedCredential(fixtures.DefaultSeed, 0, appID, connID, clk.Now())
	assert.Equal(t, want, cred)
	assert.True(t, strings.HasPrefix(cred.ClientSecret, "secret-token:"), cred.ClientSecret)

	credPath := opPath(appID, connID, "credentials/"+cred.ID)
	res = do(t, s, "GET", credPath, nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.NotContains(t, string(res.Body), "clientSecret", "the secret is shown once")
	var got struct {
		Credential fx.Credential `json:"credential"`
	}
	res.JSON(t, &got)
	want.ClientSecret = ""
	assert.Equal(t, want, got.Credential)

	// A second rotation is a second credential; the first stays valid.
	res = rotate(appID, connID)
	require.Equal(t, 200, res.Status)
	creds, err := s.ConductorOne().Store().Credentials(appID, connID)
	require.NoError(t, err)
	require.Len(t, creds, 3, "the documented one and two rotated")
	for _, c := range creds {
		assert.Empty(t, c.ClientSecret)
		assert.Empty(t, c.DeletedAt)
	}

	// Not found: another connector's, another app's, an unknown one.
	other := otherApp(t, s)
	cs, err := s.ConductorOne().Store().Connectors(other)
	require.NoError(t, err)
	require.NotEmpty(t, cs)
	for _, p := range []string{
		opPath(other, cs[0].ID, "credentials/"+cred.ID),
		opPath(other, connID, "credentials/"+cred.ID),
		opPath(appID, connID, "credentials/nope"),
	} {
		before := state(t, s)
		for _, method := range []string{"GET", "POST"} {
			res = do(t, s, method, p, nil)
			assert.Equal(t, 404, res.Status, "%s %s", method, p)
		}
		assert.Equal(t, before, state(t, s))
	}
	res = do(t, s, "GET", opPath(other, cs[0].ID, "credentials/"+cred.ID), nil)
	assert.JSONEq(t, statusJSON(5, fmt.Sprintf("credential %q not found for connector %q of app %q", cred.ID, cs[0].ID, other)), string(res.Body))

	clk.Add(time.Hour)
	revokedAt := fx.Time(clk.Now())
	res = do(t, s, "POST", credPath, `{}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	res = do(t, s, "GET", credPath, nil)
	require.Equal(t, 200, res.Status)
	res.JSON(t, &got)
	assert.Equal(t, revokedAt, got.Credential.DeletedAt, "a revoked credential is reported as such")
	assert.Equal(t, revokedAt, got.Credential.UpdatedAt)
	clk.Add(time.Hour)
	res = do(t, s, "POST", credPath, nil)
	require.Equal(t, 200, res.Status, "revoking again is no error")
	res = do(t, s, "GET", credPath, nil)
	res.JSON(t, &got)
	assert.Equal(t, revokedAt, got.Credential.DeletedAt, "and changes nothing")

	// Rotating needs both ids, and a connector.
	for body, msg := range map[string]string{
		`{"connectorId":"x"}`: statusJSON(3, "appId is required"),
		`{"appId":"x"}`:       statusJSON(3, "connectorId is required"),
		fmt.Sprintf(`{"appId":%q,"connectorId":"nope"}`, appID): statusJSON(5, fmt.Sprintf("connector \"nope\" not found in app %q", appID)),
	} {
		before := state(t, s)
		res = do(t, s, "POST", "/api/v1/apps/connectors/credentials", body)
		assert.JSONEq(t, msg, string(res.Body), body)
		assert.Equal(t, before, state(t, s))
	}

	// A deleted connector's credentials are gone with it.
	require.Equal(t, 200, do(t, s, "DELETE", connectorPath(appID, connID), nil).Status)
	_, err = s.ConductorOne().Store().Credential(appID, connID, cred.ID)
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
}

// TestSchedule: UpdateConnectorSchedule checks and stores the cron schedule, which Get shows.
func TestSchedule(t *testing.T) {
	s, clk := clocked(t)
	path := opPath(appID, connID, "schedule")
	clk.Add(time.Hour)
	res := do(t, s, "POST", path, `{"cron":{"cronSpec":"*/15 9-17 * * MON-FRI","timezone":"America/New_York"}}`)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	assert.JSONEq(t, `{}`, string(res.Body))
	c := connectorOf(t, s, appID, connID)
	assert.Equal(t, &fx.CronSchedule{CronSpec: "*/15 9-17 * * MON-FRI", Timezone: "America/New_York"}, c.ConnectorSyncCronSchedule)
	assert.Equal(t, fx.Time(clk.Now()), c.UpdatedAt)

	clk.Add(time.Hour)
	require.Equal(t, 200, do(t, s, "POST", path, `{"cron":{"cronSpec":"*/15 9-17 * * MON-FRI","timezone":"America/New_York"}}`).Status)
	assert.Equal(t, c.UpdatedAt, connectorOf(t, s, appID, connID).UpdatedAt, "the same schedule is no change")

	for _, spec := range []string{"@hourly", "0 0 1 1 *", "0,30 * ? * 0-7", "5 4 * JAN-dec sun"} {
		res = do(t, s, "POST", path, fmt.Sprintf(`{"cron":{"cronSpec":%q}}`, spec))
		assert.Equal(t, 200, res.Status, "%s: %s", spec, res.Body)
	}

	bad := []struct{ body, msg string }{
		{`{"cron":{"cronSpec":"* * * *"}}`, `cron.cronSpec "* * * *": expected 5 fields (minute hour day-of-month month day-of-week), got 4`},
		{`{"cron":{"cronSpec":"0 24 * * *"}}`, `cron.cronSpec "0 24 * * *": field 2 (hour) "24": "24" is not a value between 0 and 23`},
		{`{"cron":{"cronSpec":"*/0 * * * *"}}`, `cron.cronSpec "*/0 * * * *": field 1 (minute) "*/0": step "0" is not a number between 1 and 59`},
		{`{"cron":{"cronSpec":"0 0 * FOO *"}}`, `cron.cronSpec "0 0 * FOO *": field 4 (month) "FOO": "FOO" is not a value between 1 and 12`},
		{`{"cron":{"cronSpec":"0 5-1 * * *"}}`, `cron.cronSpec "0 5-1 * * *": field 2 (hour) "5-1": range 5-1 is backwards`},
		{`{"cron":{"cronSpec":"@sometimes"}}`, `cron.cronSpec "@sometimes": unknown descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)`},
		{`{"cron":{"cronSpec":""}}`, `cron.cronSpec is required`},
		{`{"cron":{"cronSpec":"@daily","timezone":"Mars/Olympus"}}`, `cron.timezone "Mars/Olympus": not an IANA time zone`},
		{`{"cron":{"cronSpec":"@daily","timezone":"Local"}}`, `cron.timezone "Local": not an IANA time zone`},
	}
	for _, b := range bad {
		before := state(t, s)
		res = do(t, s, "POST", path, b.body)
		assert.Equal(t, 400, res.Status, b.body)
		assert.JSONEq(t, statusJSON(3, b.msg), string(res.Body), b.body)
		assert.Equal(t, before, state(t, s))
	}

	res = do(t, s, "POST", path, `{"cron":null}`)
	require.Equal(t, 200, res.Status)
	assert.Nil(t, connectorOf(t, s, appID, connID).ConnectorSyncCronSchedule, "no cron clears the schedule")
}

// TestValidateConfig: the editor markers of a config text.
func TestValidateConfig(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name, text string
		want       []conductorone.Marker
	}{
		{"valid YAML", "baseUrl: https://api.example.com\nauth:\n  type: bearer\n", []conductorone.Marker{}},
		{"valid JSON", `{"baseUrl":"https://api.example.com","resources":[{"id":"users"}]}`, []conductorone.Marker{}},
		{"JSON syntax error", "{\n  \"baseUrl\": \"x\",\n  \"auth\" \"bearer\"\n}", []conductorone.Marker{
			{StartLineNumber: 3, StartColumn: 10, EndLineNumber: 3, EndColumn: 18, Severity: "ERROR", Message: "invalid character '\"' after object key"}}},
		{"truncated JSON", `{"baseUrl":`, []conductorone.Marker{
			{StartLineNumber: 1, StartColumn: 12, EndLineNumber: 1, EndColumn: 13, Severity: "ERROR", Message: "unexpected end of JSON input"}}},
		{"YAML syntax error", "baseUrl: x\nauth:\n\ttype: bearer\n", []conductorone.Marker{
			{StartLineNumber: 3, StartColumn: 1, EndLineNumber: 3, EndColumn: 14, Severity: "ERROR", Message: "found character that cannot start any token"}}},
		{"not a mapping", "- a\n- b\n", []conductorone.Marker{
			{StartLineNumber: 1, StartColumn: 1, EndLineNumber: 1, EndColumn: 4, Severity: "ERROR", Message: "the config must be a mapping of keys to values, not a list"}}},
		{"duplicate key", "baseUrl: x\nauth:\n  type: a\n  type: b\n", []conductorone.Marker{
			{StartLineNumber: 4, StartColumn: 3, EndLineNumber: 4, EndColumn: 7, Severity: "ERROR", Message: `key "type" is already defined at line 3`}}},
		{"empty", "  \n", []conductorone.Marker{
			{StartLineNumber: 1, StartColumn: 1, EndLineNumber: 1, EndColumn: 3, Severity: "ERROR", Message: "the config is empty"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, s, "POST", "/api/v1/apps/connectors/validate_config/http", map[string]string{"text": tt.text})
			require.Equal(t, 200, res.Status, "%s", res.Body)
			var body struct {
				Markers []conductorone.Marker `json:"markers"`
			}
			res.JSON(t, &body)
			assert.Equal(t, tt.want, body.Markers)
		})
	}
}

// TestSyncFileRoute: the download URLs' route serves completed syncs' files alone.
func TestSyncFileRoute(t *testing.T) {
	s := newServer(t)
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/api/v1/apps/-/sync_files/" + fx.DocumentedSyncID})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	sy, err := s.ConductorOne().Store().Sync(fx.DocumentedSyncID)
	require.NoError(t, err)
	assert.Equal(t, fx.SyncFile(sy), res.Body)
	for _, id := range []string{fx.DocumentedFailedSyncID, "nope", ""} {
		res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/api/v1/apps/-/sync_files/" + id})
		assert.Equal(t, 404, res.Status, id)
		assert.JSONEq(t, statusJSON(5, fmt.Sprintf("sync file %q not found", id)), string(res.Body))
	}
	res = testkit.Do(t, s, testkit.Request{Method: "DELETE", Path: "/api/v1/apps/-/sync_files/" + fx.DocumentedSyncID})
	assert.Equal(t, 405, res.Status)

	// Through a listener the URL names the listener's address.
	srv := httptest.NewServer(s)
	defer srv.Close()
	req, err := http.NewRequest("GET", srv.URL+opPath(appID, connID, "syncs/"+fx.DocumentedSyncID+"/download_url"), nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+mock.ReadOnlyToken)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.JSONEq(t, `{"downloadUrl":"`+srv.URL+`/api/v1/apps/-/sync_files/`+fx.DocumentedSyncID+`"}`, string(body))
	resp, err = srv.Client().Get(srv.URL + "/api/v1/apps/-/sync_files/" + fx.DocumentedSyncID)
	require.NoError(t, err)
	file, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, fx.SyncFile(sy), file)
}

// TestSnapshotKeepsSyncsAndCredentials: Restore(Snapshot()) gives the same state back,
// running syncs included, which still complete on time.
func TestSnapshotKeepsSyncsAndCredentials(t *testing.T) {
	s, clk := clocked(t)
	res := do(t, s, "POST", opPath(appID, connID, "force_sync"), `{}`)
	require.Equal(t, 200, res.Status)
	require.Equal(t, 200, do(t, s, "POST", "/api/v1/apps/connectors/credentials", fmt.Sprintf(`{"appId":%q,"connectorId":%q}`, appID, connID)).Status)
	snap, err := s.ConductorOne().Store().Snapshot()
	require.NoError(t, err)

	t2, _ := clocked(t)
	require.NoError(t, t2.ConductorOne().Store().Restore(snap))
	again, err := t2.ConductorOne().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(snap), string(again))
	creds, err := t2.ConductorOne().Store().Credentials(appID, connID)
	require.NoError(t, err)
	assert.Len(t, creds, 2)

	require.NoError(t, s.ConductorOne().Store().Restore(snap))
	clk.Add(time.Minute)
	assert.Equal(t, "SYNC_STATUS_DONE", connectorOf(t, s, appID, connID).Status.Status)

	corrupt := func(list, key string, v any) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(snap, &m))
		m[list].([]any)[0].(map[string]any)[key] = v
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	}
	before, err := s.ConductorOne().Store().Snapshot()
	require.NoError(t, err)
	for name, bad := range map[string][]byte{
		"secret":         corrupt("credentials", "clientSecret", "x"),
		"unknown owner":  corrupt("syncs", "connectorId", "nope"),
		"unknown status": corrupt("syncs", "status", "SYNC_STATUS_DISABLED"),
		"no start":       corrupt("syncs", "startedAt", "yesterday"),
	} {
		assert.Error(t, s.ConductorOne().Store().Restore(bad), name)
		after, err := s.ConductorOne().Store().Snapshot()
		require.NoError(t, err)
		assert.JSONEq(t, string(before), string(after), "a refused snapshot changes nothing")
	}

	// A schedule UpdateConnectorSchedule refuses (the spec types it as strings only).
	var m map[string]any
	require.NoError(t, json.Unmarshal(snap, &m))
	m["connectors"].([]any)[0].(map[string]any)["connector"].(map[string]any)["connectorSyncCronSchedule"] = map[string]any{"cronSpec": "99 * * * *"}
	bad, err := json.Marshal(m)
	require.NoError(t, err)
	err = s.ConductorOne().Store().Restore(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `connectors[0]: invalid: connectorSyncCronSchedule.cronSpec: field 1 (minute) "99"`)
	after, err := s.ConductorOne().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "a refused snapshot changes nothing")
}

// adminJSON is the admin API's error body.
func adminJSON(message string) string {
	b, _ := json.Marshal(map[string]string{"message": message})
	return string(b)
}

// TestPutSyncAndCredential: built syncs and credentials go into the store, and the API
// answers about them; values the store could not hold are refused whole.
func TestPutSyncAndCredential(t *testing.T) {
	s, clk := clocked(t)
	store := s.ConductorOne().Store()

	done := fx.NewSync()
	require.NoError(t, store.PutSync(done))
	res := do(t, s, "GET", opPath(appID, connID, "syncs/"+done.ID+"/download_url"), nil)
	assert.Equal(t, 200, res.Status, "%s", res.Body)

	running := fx.NewSync(fx.WithStatus(fx.SyncRunning))
	running.StartedAt = fx.Time(clk.Now())
	require.NoError(t, store.PutSync(running))
	clk.Add(time.Minute)
	sy, err := store.Sync(running.ID)
	require.NoError(t, err)
	assert.Equal(t, fx.SyncDone, sy.Status, "a running sync put is pending work")

	cred := fx.NewCredential()
	require.NoError(t, store.PutCredential(cred))
	res = do(t, s, "GET", opPath(appID, connID, "credentials/"+cred.ID), nil)
	assert.Equal(t, 200, res.Status, "%s", res.Body)

	before := state(t, s)
	snap, err := store.Snapshot()
	require.NoError(t, err)
	other := fx.NewSync(fx.WithStatus(fx.SyncRunning))
	other.StartedAt = fx.Time(clk.Now()) // started long ago, it would be done at once
	two := fx.NewSync(fx.WithStatus(fx.SyncRunning))
	require.NoError(t, store.PutSync(other))
	for name, bad := range map[string]fx.Sync{
		"no id":            {AppID: appID, ConnectorID: connID, Status: fx.SyncDone, StartedAt: clockTime},
		"unknown status":   {ID: "x", AppID: appID, ConnectorID: connID, Status: "SYNC_STATUS_DISABLED", StartedAt: clockTime},
		"no start":         {ID: "x", AppID: appID, ConnectorID: connID, Status: fx.SyncDone},
		"unknown owner":    {ID: "x", AppID: appID, ConnectorID: "nope", Status: fx.SyncDone, StartedAt: clockTime},
		"a second running": two,
	} {
		err := store.PutSync(bad)
		assert.ErrorIs(t, err, conductorone.ErrInvalid, name)
	}
	withSecret := fx.NewCredential()
	withSecret.ClientSecret = "s"
	assert.ErrorIs(t, store.PutCredential(withSecret), conductorone.ErrInvalid)
	assert.ErrorIs(t, store.PutCredential(fx.NewCredential(fx.WithAppID("nope"))), conductorone.ErrInvalid)
	_, err = store.Sync(two.ID)
	assert.ErrorIs(t, err, conductorone.ErrNotFound)
	require.NoError(t, store.Restore(snap))
	assert.Equal(t, before, state(t, s))
}

// TestConcurrentLifecycle: syncs forced, completed and read, credentials rotated and apps
// created from many goroutines at once, with syncs settling under them, keep every id unique
// and every answer documented (run with -race).
func TestConcurrentLifecycle(t *testing.T) {
	s, clk := clocked(t)
	var conns []fx.Connector
	for _, app := range s.ConductorOne().Store().Apps() {
		cs, err := s.ConductorOne().Store().Connectors(app.ID)
		require.NoError(t, err)
		for _, c := range cs {
			if c.Status.Status != "SYNC_STATUS_DISABLED" {
				conns = append(conns, c)
			}
		}
	}
	require.GreaterOrEqual(t, len(conns), 8)
	type result struct{ syncs, creds, apps []string }
	done := make(chan result)
	for g := range 8 {
		c := conns[g]
		go func() {
			var r result
			for i := range 5 {
				res := do(t, s, "POST", opPath(c.AppID, c.ID, "force_sync"), `{}`)
				if assert.Equal(t, 200, res.Status, "%s", res.Body) {
					r.syncs = append(r.syncs, res.Header.Get("Connectormock-Sync-Id"))
				}
				clk.Add(time.Minute) // every goroutine's sync is due: whoever looks next settles it
				res = do(t, s, "POST", "/api/v1/apps/connectors/credentials", fmt.Sprintf(`{"appId":%q,"connectorId":%q}`, c.AppID, c.ID))
				assert.Equal(t, 200, res.Status)
				var cred struct {
					Credential fx.Credential `json:"credential"`
				}
				res.JSON(t, &cred)
				r.creds = append(r.creds, cred.Credential.ID)
				res = do(t, s, "POST", "/api/v1/apps", fmt.Sprintf(`{"displayName":"g%d-%d"}`, g, i))
				assert.Equal(t, 200, res.Status)
				var app appAnswer
				res.JSON(t, &app)
				r.apps = append(r.apps, app.App.ID)
				assert.Equal(t, 200, do(t, s, "GET", "/api/v1/apps?page_size=3", nil).Status)
				assert.Equal(t, 200, do(t, s, "GET", listPath(c.AppID), nil).Status)
			}
			done <- r
		}()
	}
	seen := map[string]bool{}
	for range 8 {
		r := <-done
		for _, id := range append(append(r.syncs, r.creds...), r.apps...) {
			assert.False(t, seen[id], "id %s handed out twice", id)
			seen[id] = true
		}
	}
	assert.Len(t, seen, 8*5*3)
	assert.Equal(t, 0, s.CompleteWork(), "every sync was due and settled")
}

// TestSyncsSettleInDueOrder: syncs of several connectors, one cancelled and started again,
// complete each at its own due and not before, whatever else started or ended in between: a
// cancelled sync's due (the earliest here) completes nothing, and the restarted sync is due
// from its own start.
func TestSyncsSettleInDueOrder(t *testing.T) {
	s, clk := clocked(t)
	store := s.ConductorOne().Store()
	other := generatedConnector(t, s)
	start := clk.Now()
	first, err := store.ForceSync(appID, connID) // due +60s, then cancelled
	require.NoError(t, err)
	clk.Add(10 * time.Second)
	_, err = store.PauseSync(appID, connID)
	require.NoError(t, err)
	_, err = store.ResumeSync(appID, connID)
	require.NoError(t, err)
	clk.Add(10 * time.Second)
	again, err := store.ForceSync(appID, connID) // due +80s
	require.NoError(t, err)
	clk.Add(10 * time.Second)
	third, err := store.ForceSync(other.AppID, other.ID) // due +90s
	require.NoError(t, err)

	status := func(id string) fx.Sync {
		sy, err := store.Sync(id)
		require.NoError(t, err)
		return sy
	}
	clk.Add(31 * time.Second) // +61s: past the cancelled sync's due only
	assert.Equal(t, fx.SyncError, status(first.ID).Status, "cancelled by the pause")
	assert.Equal(t, fx.SyncRunning, status(again.ID).Status)
	assert.Equal(t, fx.SyncRunning, status(third.ID).Status)
	clk.Add(24 * time.Second) // +85s
	done := status(again.ID)
	assert.Equal(t, fx.SyncDone, done.Status)
	assert.Equal(t, fx.Time(start.Add(80*time.Second)), done.CompletedAt)
	assert.Equal(t, fx.SyncRunning, status(third.ID).Status)
	clk.Add(10 * time.Second) // +95s
	done = status(third.ID)
	assert.Equal(t, fx.SyncDone, done.Status)
	assert.Equal(t, fx.Time(start.Add(90*time.Second)), done.CompletedAt)
}

// generatedConnector is a generated connector whose syncing is enabled and not running.
func generatedConnector(t *testing.T, s *testkit.Server) fx.Connector {
	t.Helper()
	for _, app := range s.ConductorOne().Store().Apps() {
		cs, err := s.ConductorOne().Store().Connectors(app.ID)
		require.NoError(t, err)
		for _, c := range cs {
			if c.ID != connID && c.Status.Status != "SYNC_STATUS_DISABLED" && c.Status.Status != fx.SyncRunning && c.SyncDisabledAt == "" {
				return c
			}
		}
	}
	t.Fatal("no generated connector that can sync in the seeded state")
	return fx.Connector{}
}
