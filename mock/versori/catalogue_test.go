package versori_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

const publicPath = "/api/connect/v1/connectors"

// TestPublicLibrary: ListPublicConnectors lists the public connectors of every organisation,
// most recently updated first, pages like ListConnectors, and follows writes that make a
// connector public or private. A token scoped to organisations may read it.
func TestPublicLibrary(t *testing.T) {
	s := newServer(t, mock.WithConnectors(40))
	var all versori.ConnectorPage
	res := do(t, s, "GET", publicPath+"?first=100", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &all)
	require.NotZero(t, all.TotalCount)
	orgs := map[string]bool{}
	for i, c := range all.Connectors {
		assert.True(t, c.Public, c.ID)
		orgs[c.OrganisationID] = true
		if i > 0 {
			assert.False(t, c.UpdatedAt.After(all.Connectors[i-1].UpdatedAt), "most recently updated first")
		}
	}
	assert.Greater(t, len(orgs), 1, "every organisation's")

	var first versori.ConnectorPage
	do(t, s, "GET", publicPath+"?first=2", nil).JSON(t, &first)
	var second versori.ConnectorPage
	do(t, s, "GET", publicPath+"?first=2&after="+url.QueryEscape(first.Next), nil).JSON(t, &second)
	require.Len(t, second.Connectors, 2)
	assert.Equal(t, all.Connectors[2].ID, second.Connectors[0].ID)

	c := fx.NewConnector(fx.WithOrganisation(otherOrg), fx.WithPublic(), fx.WithName("Zeta public"))
	require.NoError(t, s.Versori().Store().Put(c))
	var named versori.ConnectorPage
	do(t, s, "GET", publicPath+"?name=zeta%20PUB", nil).JSON(t, &named)
	require.Len(t, named.Connectors, 1)
	assert.Equal(t, c.ID, named.Connectors[0].ID)
	c.Public = false
	require.NoError(t, s.Versori().Store().Put(c))
	do(t, s, "GET", publicPath+"?name=zeta%20PUB", nil).JSON(t, &named)
	assert.Empty(t, named.Connectors, "private again")

	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: publicPath, Token: scopedToken})
	assert.Equal(t, 200, res.Status, "the library belongs to no organisation")
	assert.Equal(t, 401, testkit.Do(t, s, testkit.Request{Method: "GET", Path: publicPath}).Status)
	res = do(t, s, "GET", "/api/connect/v1/nope", nil)
	assert.Equal(t, 404, res.Status)
	assert.Contains(t, string(res.Body), `"code":"not_found"`, "Versori's shape, not the server's generic 404")
}

// TestTagsAndCategories: UpdateConnectorTags and UpdateConnectorCategories replace, move
// updatedAt, refuse unknown or repeated categories, and the list filters read them.
func TestTagsAndCategories(t *testing.T) {
	s := newServer(t)
	doc := connectorPath(docOrg, docID)
	before, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)

	res := do(t, s, "PUT", doc+"/categories", map[string]any{"categories": []string{"CRM", "Nope", "CRM"}})
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"categories[1]"}, fieldsOf(t, res.Body), "the spec's enum refuses Nope first")
	res = do(t, s, "PUT", doc+"/categories", map[string]any{"categories": []string{"CRM", "ERP", "CRM"}})
	require.Equal(t, 400, res.Status, "%s", res.Body)
	assert.Equal(t, []string{"categories[2]"}, fieldsOf(t, res.Body))
	after, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	require.Equal(t, 204, do(t, s, "PUT", doc+"/categories", map[string]any{"categories": []string{"CRM", "ERP"}}).Status)
	require.Equal(t, 204, do(t, s, "PUT", doc+"/tags", map[string]any{"tags": map[string][]string{"tier": {"gold"}}}).Status)
	var page versori.ConnectorPage
	do(t, s, "GET", listPath(docOrg, url.Values{"categories": {"CRM", "ERP"}, "tags": {"tier:gold"}}), nil).JSON(t, &page)
	require.Len(t, page.Connectors, 1)
	assert.Equal(t, docID, page.Connectors[0].ID)
	assert.Equal(t, map[string][]string{"tier": {"gold"}}, page.Connectors[0].Tags, "replaced")
	assert.True(t, page.Connectors[0].UpdatedAt.After(before.UpdatedAt))
	do(t, s, "GET", listPath(docOrg, url.Values{"categories": {"CRM", "HR"}}), nil).JSON(t, &page)
	assert.Empty(t, page.Connectors, "every category asked for")

	require.Equal(t, 204, do(t, s, "PUT", doc+"/tags", map[string]any{}).Status)
	got, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	assert.Nil(t, got.Tags, "no tags: cleared")

	var cats []string
	do(t, s, "GET", "/api/connect/v1/categories", nil).JSON(t, &cats)
	assert.Equal(t, versori.Categories, cats)
}

// TestImportPublicVersion: a public connector's version becomes a new draft connector of the
// importing organisation, with the version's actions and definitions; private ones are 404.
func TestImportPublicVersion(t *testing.T) {
	s := newServer(t)
	pub := fx.NewConnector(fx.WithOrganisation(otherOrg), fx.WithPublic(), fx.WithName("Lib"), fx.WithVersionName("2.0.0"), fx.WithConnections("prod"))
	require.NoError(t, s.Versori().Store().Put(pub))
	res := do(t, s, "POST", versionPath(docOrg, pub.ID, "2.0.0")+"/library/import", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var c fx.Connector
	res.JSON(t, &c)
	assert.NotEqual(t, pub.ID, c.ID)
	assert.Equal(t, docOrg, c.OrganisationID)
	assert.Equal(t, "Lib", c.Name)
	assert.False(t, c.Public)
	assert.Empty(t, c.Connections, "connections are the owner's")
	require.Len(t, c.Versions, 1)
	assert.Equal(t, "2.0.0", c.Versions[0].Name)
	assert.Nil(t, c.Versions[0].PublishedAt, "a draft copy")
	got, err := s.Versori().Store().Connector(docOrg, c.ID)
	require.NoError(t, err)
	assert.Equal(t, c.ID, got.ID)

	// The documented connector made public: its version's content comes along.
	doc, err := s.Versori().Store().Connector(docOrg, docID)
	require.NoError(t, err)
	doc.Public = true
	require.NoError(t, s.Versori().Store().Put(doc))
	res = do(t, s, "POST", versionPath(otherOrg, docID, "latest")+"/library/import", nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &c)
	assert.Equal(t, 200, do(t, s, "GET", versionPath(otherOrg, c.ID, "1.0.0")+"/actions/getWeather", nil).Status)
	assert.Equal(t, 201, do(t, s, "POST", versionPath(otherOrg, c.ID, "1.0.0")+"/actions", action("more")).Status, "a draft: editable")

	doc.Public = false
	require.NoError(t, s.Versori().Store().Put(doc))
	assert.Equal(t, 404, do(t, s, "POST", versionPath(otherOrg, docID, "latest")+"/library/import", nil).Status)
	assert.Equal(t, 404, do(t, s, "POST", versionPath(docOrg, pub.ID, "9.9.9")+"/library/import", nil).Status)
}
