package versori_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

// petstore is a small OpenAPI 3 document: two operations, a component schema referring to
// another, an inline response schema, an apiKey scheme.
const petstore = `openapi: 3.0.3
info: {title: Petstore, version: 2.1.0}
servers: [{url: "https://pets.example.com/v1"}]
components:
  securitySchemes:
    key: {type: apiKey, name: X-Key, in: header}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        owner: {$ref: "#/components/schemas/Owner"}
    Owner:
      type: object
      properties: {name: {type: string}}
paths:
  /pets:
    get:
      operationId: listPets
      parameters: [{name: limit, in: query, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses:
        "201": {description: created, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
        default: {description: error}
`

func raw(t *testing.T, s http.Handler, method, url, contentType string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, url, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// uploadURL asks for an upload URL and returns it, with its path on the mock.
func uploadURL(t *testing.T, s http.Handler, query string) (string, string) {
	t.Helper()
	res := do(t, s, "GET", "/api/connect/v1/o/"+docOrg+"/protocols/http/upload-url"+query, nil)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var u versori.SignedURL
	res.JSON(t, &u)
	assert.Equal(t, u.URL, u.UploadURL)
	path := u.UploadURL[strings.Index(u.UploadURL, "/api/"):]
	return u.UploadURL, path
}

// TestUploadURLs: one PUT, within 5 minutes, with the declared content type and length; the
// same URL reads the file back.
func TestUploadURLs(t *testing.T) {
	var now atomic.Int64
	now.Store(testkit.Clock.UnixNano())
	s := newServer(t, mock.WithClock(func() time.Time { return time.Unix(0, now.Load()) }))
	_, path := uploadURL(t, s, "?content_type=application/yaml&content_length=5")
	assert.Equal(t, 404, raw(t, s, "GET", path, "", nil).Code, "nothing uploaded yet")
	w := raw(t, s, "PUT", path, "text/plain", []byte("hello"))
	assert.Equal(t, 400, w.Code, "%s", w.Body)
	assert.Contains(t, w.Body.String(), `"field":"Content-Type"`)
	assert.Equal(t, 400, raw(t, s, "PUT", path, "application/yaml", []byte("hell")).Code, "the length")
	require.Equal(t, 200, raw(t, s, "PUT", path, "application/yaml", []byte("hello")).Code)
	w = raw(t, s, "PUT", path, "application/yaml", []byte("hello"))
	assert.Equal(t, 409, w.Code, "once: %s", w.Body)
	w = raw(t, s, "GET", path, "", nil)
	assert.Equal(t, "hello", w.Body.String())
	assert.Equal(t, "application/yaml", w.Header().Get("Content-Type"))
	// The uploader's bytes come from the mock's own origin: they must run nothing there.
	assert.Equal(t, "default-src 'none'; sandbox", w.Header().Get("Content-Security-Policy"))
	assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	assert.Equal(t, "attachment", w.Header().Get("Content-Disposition"))

	_, late := uploadURL(t, s, "")
	now.Add(int64(5*time.Minute + time.Second))
	w = raw(t, s, "PUT", late, "application/json", []byte("{}"))
	assert.Equal(t, 409, w.Code, "expired: %s", w.Body)
	assert.Contains(t, w.Body.String(), "expired")
	assert.Equal(t, 404, raw(t, s, "PUT", "/api/connect/v1/uploads/"+unknown, "", []byte("x")).Code)
	assert.Equal(t, 404, do(t, s, "GET", "/api/connect/v1/o/"+docOrg+"/protocols/ftp/upload-url", nil).Status)
}

// TestImportHTTPConnector: an uploaded OpenAPI document becomes a draft http connector with
// definitions and actions, by URL or multipart; an invalid one is ImportHTTPConnectorError;
// ImportHTTPConnectorVersion adds a version to an existing connector.
func TestImportHTTPConnector(t *testing.T) {
	s := newServer(t)
	url, path := uploadURL(t, s, "")
	require.Equal(t, 200, raw(t, s, "PUT", path, "application/yaml", []byte(petstore)).Code)
	res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/import", map[string]any{"schemaURL": url, "format": "openapi"})
	require.Equal(t, 201, res.Status, "%s", res.Body)
	var out versori.ImportResult
	res.JSON(t, &out)
	c := out.Connector
	assert.Equal(t, "Petstore", c.Name)
	assert.Equal(t, "https://pets.example.com/v1", *c.BaseURL)
	require.Len(t, c.AuthSchemeConfigs, 1)
	assert.Equal(t, "api-key", c.AuthSchemeConfigs[0].SchemeType)
	require.Len(t, c.Versions, 1)
	assert.Equal(t, "2.1.0", c.Versions[0].Name)
	assert.Nil(t, c.Versions[0].PublishedAt, "a draft")
	var names []string
	for _, d := range out.Definitions {
		names = append(names, d.Name)
	}
	assert.Equal(t, []string{"Owner", "Pet", "listPets_200"}, names)
	require.Len(t, out.Actions, 2)
	assert.Equal(t, "listPets", out.Actions[0].Name, "by path, then method")
	assert.JSONEq(t, `[{"name":"limit","in":"query","required":false,"type":"integer"}]`, string(out.Actions[0].Parameters))
	assert.Equal(t, "listPets_200", out.Actions[0].Responses[0].Definitions[0].Definition.Name)
	assert.Equal(t, "createPet", out.Actions[1].Name)
	assert.Equal(t, "Pet", out.Actions[1].RequestBody.Definitions[0].Definition.Name)
	schema, err := s.Versori().Store().RawSchema(docOrg, c.ID, "2.1.0", "Pet.json", "http://h/api/connect/v1")
	require.NoError(t, err)
	assert.Contains(t, string(schema), `"$ref":"http://h/api/connect/v1/o/`+docOrg+`/schemas/`+c.ID+`/2.1.0/`, "Owner, by the mock's URL")
	res = do(t, s, "POST", versionPath(docOrg, c.ID, "2.1.0")+"/publish", nil)
	assert.Equal(t, 200, res.Status, "an import can be published as it is: %s", res.Body)

	// Multipart, as a version of the connector just made.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "petstore.yaml")
	fw.Write([]byte(strings.Replace(petstore, "createPet", "addPet", 1)))
	mh := make(map[string][]string)
	mh["Content-Disposition"] = []string{`form-data; name="metadata"`}
	mh["Content-Type"] = []string{"application/json"}
	pw, _ := mw.CreatePart(mh)
	pw.Write([]byte(`{"format":"openapi","version":"3.0.0"}`))
	mw.Close()
	w := raw(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/connector/"+c.ID+"/http/import", mw.FormDataContentType(), body.Bytes())
	require.Equal(t, 201, w.Code, "%s", w.Body)
	v, err := s.Versori().Store().Connector(docOrg, c.ID)
	require.NoError(t, err)
	assert.Len(t, v.Versions, 2)
	assert.Equal(t, 200, do(t, s, "GET", versionPath(docOrg, c.ID, "3.0.0")+"/actions/addPet", nil).Status)
	w = raw(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/connector/"+c.ID+"/http/import", mw.FormDataContentType(), body.Bytes())
	assert.Equal(t, 409, w.Code, "the version exists: %s", w.Body)

	paths := map[string]string{}
	for name, doc := range map[string]string{
		"not openapi":  "just: [text",
		"swagger 2":    `{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{}}`,
		"invalid":      "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {/a: {get: {responses: {}}}}\n",
		"external ref": "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths: {/a: {get: {responses: {'200': {$ref: 'http://example.com/r.yaml'}}}}}\n",
	} {
		_, path := uploadURL(t, s, "")
		require.Equal(t, 200, raw(t, s, "PUT", path, "application/yaml", []byte(doc)).Code)
		paths[name] = path
	}
	before, err := s.Versori().Store().Snapshot()
	require.NoError(t, err)
	for name, path := range paths {
		res := do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/import", map[string]any{"schemaURL": "http://other" + path, "format": "openapi"})
		require.Equal(t, 400, res.Status, "%s: %s", name, res.Body)
		assert.Contains(t, string(res.Body), `"messages":[{"text":`, name)
	}
	res = do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/protocols/http/import", map[string]any{"schemaURL": "https://example.com/openapi.yaml", "format": "openapi"})
	require.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), "the mock fetches no other URL")
	res = do(t, s, "POST", "/api/connect/v1/o/"+docOrg+"/connector/"+docID+"/http/import", map[string]any{"schemaURL": url, "format": "openapi", "version": "latest"})
	assert.Equal(t, []string{"version"}, fieldsOf(t, res.Body))
	after, err := s.Versori().Store().Snapshot()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "refused imports change nothing")
}

// TestPendingUploadsBounded: a client that asks for upload URLs and never uses them makes the
// mock forget the oldest unused one past versori.MaxPendingUploads; used ones keep their file.
func TestPendingUploadsBounded(t *testing.T) {
	s := newServer(t)
	_, used := uploadURL(t, s, "")
	require.Equal(t, 200, raw(t, s, "PUT", used, "application/yaml", []byte("kept")).Code)
	_, oldest := uploadURL(t, s, "")
	_, second := uploadURL(t, s, "")
	for range versori.MaxPendingUploads - 1 {
		uploadURL(t, s, "")
	}
	assert.Equal(t, 404, raw(t, s, "PUT", oldest, "application/yaml", []byte("late")).Code, "the oldest unused URL is forgotten")
	assert.Equal(t, 200, raw(t, s, "PUT", second, "application/yaml", []byte("fits")).Code, "the others still take their PUT")
	assert.Equal(t, "kept", raw(t, s, "GET", used, "", nil).Body.String(), "a used URL keeps its file")
}
