package productsup_test

import (
	"testing"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// TestRuns: the run_show page's run answers its documented body; the generated history is the
// same for the same seed, filters by connector, and pages.
func TestRuns(t *testing.T) {
	s := testkit.New(t)
	p := &pipeline{t: t, s: s}
	res := p.do("GET", "/runs/"+fx.DocumentedRunID, nil)
	require.Equal(t, 200, res.Status)
	testkit.Golden(t, "productsup/run-show-200.json", res.Body)
	res = p.do("GET", "/runs/"+unknown, nil)
	assert.Equal(t, 404, res.Status)
	assert.JSONEq(t, `{"message":"Run not found."}`, string(res.Body))

	all := p.ok("GET", "/runs?limit=100", nil)
	total := all["metadata"].(map[string]any)["total"].(float64)
	assert.Greater(t, total, 5.0, "a history for the generated connectors")
	first := all["data"].([]any)[1].(map[string]any)
	byConnector := p.ok("GET", "/runs?limit=100&connector-id="+first["connector-id"].(string), nil)["data"].([]any)
	require.NotEmpty(t, byConnector)
	for _, r := range byConnector {
		assert.Equal(t, first["connector-id"], r.(map[string]any)["connector-id"])
	}
	again := testkit.Do(t, testkit.New(t), testkit.Request{Method: "GET", Path: "/runs?limit=100", Token: mock.AdminToken})
	assert.JSONEq(t, string(p.do("GET", "/runs?limit=100", nil).Body), string(again.Body), "same seed, same history")
	page := p.ok("GET", "/runs?from=1&limit=2", nil)
	assert.Equal(t, all["data"].([]any)[1:3], page["data"])
}

// TestMetadata: the pages' add and update; the channel owner refusal with their sentence;
// adding twice or updating nothing is refused and changes nothing.
func TestMetadata(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	path := "/metadata/connectors/" + p.id
	res := p.do("PUT", path, readFile(t, "productsup", "metadata-update-request.json"))
	assert.JSONEq(t, `{"message":"Connector has no metadata.","errors":[]}`, string(res.Body))
	added := p.ok("POST", path, readFile(t, "productsup", "metadata-add-request.json"))
	assert.Equal(t, "Successfully added metadata for connector.", added["message"])
	data := added["data"].(map[string]any)
	assert.Equal(t, "Third Party", data["channel-owner"])
	assert.Nil(t, data["last-reviewed-at"])
	assert.Equal(t, map[string]any{"id": p.id, "name": "pipeline", "type": "datasource"}, data["connector"])
	res = p.do("POST", path, readFile(t, "productsup", "metadata-add-request.json"))
	assert.JSONEq(t, `{"message":"Connector already has metadata.","errors":[]}`, string(res.Body))

	updated := p.ok("PUT", path, readFile(t, "productsup", "metadata-update-request.json"))["data"].(map[string]any)
	assert.Equal(t, data["uuid"], updated["uuid"])
	assert.Equal(t, "Feature Team", updated["channel-owner"])
	assert.Equal(t, "2026-11-24T14:00:00+02:00", updated["last-reviewed-at"])

	// The page's add request, on the documented connector, answers the page's shape; the first
	// generated connector has the page's record, which the update page's request changes.
	doc := p.ok("POST", "/metadata/connectors/"+docID, readFile(t, "productsup", "metadata-add-request.json"))["data"].(map[string]any)
	assert.Equal(t, "some notes", doc["notes"])
	first := fx.Generated(fixtures.DefaultSeed, 0).ID
	gen := p.ok("PUT", "/metadata/connectors/"+first, readFile(t, "productsup", "metadata-update-request.json"))["data"].(map[string]any)
	assert.Equal(t, productsup.DocumentedMetadataID, gen["uuid"])
	assert.Equal(t, "some updated notes", gen["notes"])

	before, _ := s.Productsup().Store().Snapshot()
	res = p.do("PUT", path, `{"channel-owner":"Nobody"}`)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/metadata-400.json", res.Body)
	after, _ := s.Productsup().Store().Snapshot()
	assert.Equal(t, string(before), string(after))
}

// TestOrganizations: the page's organisation gains a member (once), default targets are set,
// and what is not a positive integer is refused under dotted keys.
func TestOrganizations(t *testing.T) {
	s := testkit.New(t)
	p := &pipeline{t: t, s: s}
	member := "019e6e75-ffff-7000-8000-000000000001"
	path := "/organizations/" + fx.DocumentedOrganizationID + "/members/" + member
	org := p.ok("PUT", path, nil)["data"].(map[string]any)
	assert.Len(t, org["members"], 4)
	org = p.ok("PUT", path, nil)["data"].(map[string]any)
	assert.Len(t, org["members"], 4, "a member once")
	res := p.do("PUT", "/organizations/"+unknown+"/members/"+member, nil)
	assert.JSONEq(t, `{"message":"Organization not found."}`, string(res.Body))

	defaults := "/defaults/organizations/" + fx.DocumentedOrganizationID
	org = p.ok("PUT", defaults, `{"dev-defaults":{"account":1,"project":2},"prod-defaults":{"accounts":[3],"projects":[],"sites":[5,6]}}`)["data"].(map[string]any)
	assert.Equal(t, map[string]any{"account": 1.0, "project": 2.0}, org["dev-defaults"])
	assert.Equal(t, map[string]any{"accounts": []any{3.0}, "projects": []any{}, "sites": []any{5.0, 6.0}}, org["prod-defaults"])
	res = p.do("PUT", defaults, `{"dev-defaults":{"account":0,"project":1.5},"prod-defaults":{"sites":[1,-2]}}`)
	assert.Equal(t, 400, res.Status)
	testkit.Golden(t, "productsup/organization-defaults-400.json", res.Body)
}
