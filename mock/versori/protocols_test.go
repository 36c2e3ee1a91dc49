package versori_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/versori"
)

// TestProtocolsAndAuthSchemes: the fixed lists, paged by slug; an unknown protocol is a 404.
func TestProtocolsAndAuthSchemes(t *testing.T) {
	s := newServer(t)
	base := "/api/connect/v1/o/" + docOrg + "/protocols"
	var page versori.ProtocolPage
	do(t, s, "GET", base+"?first=1", nil).JSON(t, &page)
	assert.Equal(t, 2, page.TotalCount)
	require.Len(t, page.Protocols, 1)
	assert.Equal(t, "bigquery", page.Protocols[0].Slug, "by slug")
	require.NotEmpty(t, page.Next)
	do(t, s, "GET", base+"?first=1&after="+page.Next, nil).JSON(t, &page)
	assert.Equal(t, "http", page.Protocols[0].Slug)

	var schemes versori.AuthSchemePage
	do(t, s, "GET", base+"/http/auth-schemes", nil).JSON(t, &schemes)
	var types []string
	for _, a := range schemes.AuthSchemes {
		types = append(types, a.Type)
	}
	assert.Subset(t, types, []string{"none", "api-key", "basic-auth", "oauth2", "hmac", "certificate"}, "every scheme an http connector's configs use")
	res := do(t, s, "GET", base+"/ftp/auth-schemes", nil)
	assert.Equal(t, 404, res.Status)
	assert.Contains(t, string(res.Body), `There is no protocol \"ftp\".`)
}

// TestAuthSchemeConfigs: upsert adds, then replaces; a used config keeps its scheme type;
// delete removes it, the connections keep showing it; unknown ones are 404.
func TestAuthSchemeConfigs(t *testing.T) {
	s := newServer(t)
	path := connectorPath(docOrg, docID) + "/auth-scheme-configs/"
	key := map[string]any{"id": "01JV8TMEFKPCQ0K4HJXA885KEY", "description": "key", "schemeType": "api-key", "name": "X-Key", "in": "header",
		"validationMessages": []any{map[string]any{"text": "ignored", "severity": "info"}}}
	res := do(t, s, "PUT", path+"01jv8tmefkpcq0k4hjxa885key", key)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var c fx.Connector
	res.JSON(t, &c)
	require.Len(t, c.AuthSchemeConfigs, 2)
	assert.Equal(t, "01JV8TMEFKPCQ0K4HJXA885KEY", c.AuthSchemeConfigs[1].ID)
	assert.Nil(t, c.AuthSchemeConfigs[1].ValidationMessages, "validationMessages sent are ignored")

	key["in"] = "query"
	res = do(t, s, "PUT", path+"01JV8TMEFKPCQ0K4HJXA885KEY", key)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &c)
	assert.Equal(t, "query", c.AuthSchemeConfigs[1].In, "replaced")

	res = do(t, s, "PUT", path+docASC, key)
	assert.Equal(t, 400, res.Status, "the body names another config: %s", res.Body)
	assert.Equal(t, []string{"id"}, fieldsOf(t, res.Body))
	key["id"] = docASC
	res = do(t, s, "PUT", path+docASC, key)
	assert.Equal(t, 409, res.Status, "the documented connection's credential uses it as none: %s", res.Body)
	res = do(t, s, "PUT", path+"not-a-ulid", map[string]any{"id": "not-a-ulid", "description": "d", "schemeType": "none"})
	assert.Equal(t, []string{"id"}, fieldsOf(t, res.Body), "ids are ULIDs")

	res = do(t, s, "DELETE", path+docASC, nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	res.JSON(t, &c)
	require.Len(t, c.AuthSchemeConfigs, 1)
	cc := c.Connections[0].Credentials.Action[0]
	assert.Equal(t, docASC, cc.AuthSchemeConfig.ID, "the connection remains, with the config as it was")
	assert.Equal(t, "none", cc.AuthSchemeConfig.SchemeType)
	assert.Equal(t, 404, do(t, s, "DELETE", path+docASC, nil).Status)
	assert.Equal(t, 404, do(t, s, "DELETE", connectorPath(otherOrg, docID)+"/auth-scheme-configs/"+docASC, nil).Status)
}
