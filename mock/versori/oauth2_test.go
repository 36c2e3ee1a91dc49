package versori_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/versori"
)

// local is the path and query of a URL the mock handed out (its host is the request's).
func local(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return u.RequestURI()
}

func get(t *testing.T, s http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	return w
}

// TestOAuth2Flow: the whole authorization-code flow against the mock alone, discovered
// through RFC 8414 metadata, ends with the connection holding an OAuth2 token credential; a
// wrong or reused state is refused.
func TestOAuth2Flow(t *testing.T) {
	s := newServer(t)
	c := fx.NewConnector(fx.WithOrganisation(docOrg), fx.WithAuthSchemes("oauth2"), fx.WithConnections("production"))
	require.NoError(t, s.Versori().Store().Put(c))
	cred := c.Connections[0].Credentials.Action[0].Credential

	w := get(t, s, "/.well-known/oauth-authorization-server")
	require.Equal(t, 200, w.Code, "%s", w.Body)
	var meta struct{ Issuer, AuthorizationEndpoint, TokenEndpoint string }
	meta.AuthorizationEndpoint = jsonField(t, w.Body.Bytes(), "authorization_endpoint")
	meta.TokenEndpoint = jsonField(t, w.Body.Bytes(), "token_endpoint")
	assert.Equal(t, "http://example.com/api/connect/v1/oauth2/authorize", meta.AuthorizationEndpoint)
	assert.Equal(t, 200, get(t, s, "/.well-known/oauth-authorization-server/api/connect/v1/oauth2").Code, "RFC 8414's form for an issuer with a path")

	init := func() string {
		res := do(t, s, "POST", connectorPath(docOrg, c.ID)+"/oauth2/initialise", map[string]any{
			"credential": map[string]any{"id": cred.ID, "organisationId": docOrg}, "authorizeUrl": meta.AuthorizationEndpoint + "?audience=api",
			"clientId": "cid", "scopes": []string{"read"}, "additionalParams": "foo=bar"})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		return jsonField(t, res.Body, "url")
	}
	authURL, err := url.Parse(init())
	require.NoError(t, err)
	q := authURL.Query()
	assert.Equal(t, "cid", q.Get("client_id"))
	assert.Equal(t, "http://example.com/api/connect/v1/oauth2/callback", q.Get("redirect_uri"))
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "read offline_access", q.Get("scope"))
	assert.Equal(t, "login", q.Get("prompt"))
	assert.Equal(t, "bar", q.Get("foo"))
	assert.Equal(t, "api", q.Get("audience"), "the authorize URL's own query is kept")
	require.NotEmpty(t, q.Get("state"))

	w = get(t, s, local(t, authURL.String()))
	require.Equal(t, http.StatusFound, w.Code, "%s", w.Body)
	back := w.Header().Get("Location")
	require.True(t, strings.HasPrefix(back, q.Get("redirect_uri")+"?"), back)
	w = get(t, s, local(t, back))
	require.Equal(t, 200, w.Code, "%s", w.Body)
	assert.Contains(t, w.Body.String(), `"type":"oauth2-token"`)
	assert.Contains(t, w.Body.String(), `"accessToken":"REDACTED"`)
	got, err := s.Versori().Store().Connection(docOrg, c.ID, c.Connections[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "oauth2-token", got.Credentials.Action[0].Credential.Type)
	assert.JSONEq(t, `{"accessToken":"REDACTED","refreshToken":"REDACTED","scopes":["read","offline_access"]}`, string(got.Credentials.Action[0].Credential.Data))
	require.NotNil(t, got.Credentials.Action[0].Credential.ExpiresAt)

	w = get(t, s, local(t, back))
	assert.Equal(t, 400, w.Code, "a state is used once")
	assert.Contains(t, w.Body.String(), `"field":"state"`)
	w = get(t, s, "/api/connect/v1/oauth2/callback?state=nope&code=x")
	assert.Equal(t, 400, w.Code)
	// A right state with a code the provider did not issue is refused too, and uses the state up.
	other, err := url.Parse(init())
	require.NoError(t, err)
	w = get(t, s, "/api/connect/v1/oauth2/callback?code=forged&state="+other.Query().Get("state"))
	assert.Equal(t, 400, w.Code)
	assert.Contains(t, w.Body.String(), `"field":"code"`)

	// A credential holding another client id fails at the redirect, as the contract says.
	conn := c.Connections[0]
	conn.Credentials.Action[0].Credential.Type = "oauth2-client"
	conn.Credentials.Action[0].Credential.Data = []byte(`{"clientId":"other","clientSecret":"REDACTED","authorizeUrl":"https://a.example/authorize","tokenUrl":"https://a.example/token"}`)
	c.Connections = []fx.Connection{conn}
	require.NoError(t, s.Versori().Store().Put(c))
	w = get(t, s, local(t, get(t, s, local(t, init())).Header().Get("Location")))
	assert.Equal(t, 400, w.Code)
	assert.Contains(t, w.Body.String(), `but the credential holds client \"other\"`)

	res := do(t, s, "POST", connectorPath(docOrg, c.ID)+"/oauth2/initialise", map[string]any{
		"credential": map[string]any{"id": unknown, "organisationId": otherOrg}, "authorizeUrl": "https://x/a", "clientId": "c", "additionalParams": "state=x"})
	assert.Equal(t, []string{"credential.organisationId", "additionalParams", "credential.id"}, fieldsOf(t, res.Body))
}

// TestOAuth2Provider: the token endpoint redeems a code once, for its redirect URI, and
// refresh tokens once.
func TestOAuth2Provider(t *testing.T) {
	s := newServer(t)
	w := get(t, s, "/api/connect/v1/oauth2/authorize?client_id=c&response_type=code&redirect_uri=https://app.example/cb&state=s1")
	require.Equal(t, http.StatusFound, w.Code)
	loc, err := url.Parse(w.Header().Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "s1", loc.Query().Get("state"))
	code := loc.Query().Get("code")
	token := func(form url.Values) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/api/connect/v1/oauth2/token", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	w = token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://other.example/cb"}, "client_id": {"c"}})
	assert.Equal(t, 400, w.Code)
	assert.Contains(t, w.Body.String(), `"error":"invalid_grant"`)
	w = token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://app.example/cb"}, "client_id": {"c"}})
	require.Equal(t, 200, w.Code, "%s", w.Body)
	refresh := jsonField(t, w.Body.Bytes(), "refresh_token")
	assert.Equal(t, "Bearer", jsonField(t, w.Body.Bytes(), "token_type"))
	assert.Equal(t, 400, token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://app.example/cb"}}).Code, "once")
	require.Equal(t, 200, token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}).Code)
	assert.Equal(t, 400, token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}).Code, "once")
	assert.Equal(t, 400, token(url.Values{"grant_type": {"password"}}).Code)
	assert.Equal(t, 400, get(t, s, "/api/connect/v1/oauth2/authorize?client_id=c&response_type=token&redirect_uri=https://a/b").Code)
	assert.Equal(t, 404, get(t, s, "/api/connect/v1/oauth2/nope").Code)
}

// jsonField is one string field of a JSON object.
func jsonField(t *testing.T, body []byte, name string) string {
	t.Helper()
	v, _ := jsonMap(t, body)[name].(string)
	return v
}

// TestCookieAuthentication: the contract's second security scheme, the token in the cookie
// named "cookie", authenticates like a bearer token (roles and organisation scopes included);
// the Authorization header wins when both are sent; other vendors take no cookie.
func TestCookieAuthentication(t *testing.T) {
	s := newServer(t)
	send := func(method, path, cookie, header string) int {
		r := httptest.NewRequest(method, path, nil)
		if cookie != "" {
			r.AddCookie(&http.Cookie{Name: "cookie", Value: cookie})
		}
		if header != "" {
			r.Header.Set("Authorization", "Bearer "+header)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w.Code
	}
	doc := connectorPath(docOrg, docID)
	assert.Equal(t, 200, send("GET", doc, "mock-readonly-token", ""))
	assert.Equal(t, 403, send("DELETE", doc+"/versions/1.1.0", "mock-readonly-token", ""), "read-only")
	assert.Equal(t, 204, send("DELETE", doc+"/versions/1.1.0", "mock-admin-token", ""))
	assert.Equal(t, 401, send("GET", doc, "nope", ""))
	assert.Equal(t, 401, send("GET", doc, "mock-admin-token", "nope"), "the header wins")
	assert.Equal(t, 403, send("GET", connectorPath(otherOrg, docID), scopedToken, ""), "organisation scopes hold")
	assert.Equal(t, 200, send("GET", "/api/connect/v1/connectors", "mock-readonly-token", ""))
	assert.Equal(t, 401, send("GET", "/connectors/"+"497f6eca-6276-4993-bfeb-53cbbbba6f08", "mock-admin-token", ""), "Productsup documents no cookie")
}
