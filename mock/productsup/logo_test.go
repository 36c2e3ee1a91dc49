package productsup_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`

// multipartLogo is a multipart body with one file part, and its content type.
func multipartLogo(t *testing.T, part, content string) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile(part, "logo.svg")
	require.NoError(t, err)
	_, err = io.WriteString(fw, content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return b.Bytes(), mw.FormDataContentType()
}

// TestUploadLogo: the uploaded SVG is served where the version's logo says, on the address the
// client used; what is no SVG or no "logo" part is refused and changes nothing.
func TestUploadLogo(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	body, ct := multipartLogo(t, "logo", svg)
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: p.path + "/logo", Token: mock.AdminToken, Body: body, ContentType: ct})
	require.Equal(t, 200, res.Status, "%s", res.Body)
	var got struct {
		Message, Resource string
		Data              struct{ Logo string }
	}
	res.JSON(t, &got)
	assert.Equal(t, "Logo has been uploaded successfully.", got.Message)
	assert.Equal(t, "connector-version", got.Resource)
	want := "http://example.com/logos/connectors/" + p.id + "/1/logo.svg"
	assert.Equal(t, want, got.Data.Logo, "httptest's host, as the client reached the mock")

	r := httptest.NewRequest("GET", strings.TrimPrefix(want, "http://example.com"), nil)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))
	assert.Equal(t, svg, w.Body.String())
	// The uploader's markup is served from the mock's origin: opened as a page it must run no
	// script (which would pass the admin API's same-origin rules).
	assert.Equal(t, "default-src 'none'; style-src 'unsafe-inline'; sandbox", w.Header().Get("Content-Security-Policy"))
	assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("GET", "/logos/connectors/"+docID+"/1/logo.svg", nil))
	assert.Equal(t, http.StatusNotFound, w.Code)

	before, _ := s.Productsup().Store().Snapshot()
	for name, tt := range map[string]struct{ part, content, want string }{
		"not an svg":   {"logo", "GIF89a", `{"message":"Bad request.","errors":{"logo":"This file is not a valid SVG image."}}`},
		"another part": {"file", svg, `{"message":"Bad request.","errors":{"logo":"This value should not be blank."}}`},
	} {
		body, ct := multipartLogo(t, tt.part, tt.content)
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: p.path + "/logo", Token: mock.AdminToken, Body: body, ContentType: ct})
		assert.Equal(t, 400, res.Status, name)
		if tt.part == "logo" {
			assert.JSONEq(t, tt.want, string(res.Body), name)
		}
	}
	after, _ := s.Productsup().Store().Snapshot()
	assert.Equal(t, string(before), string(after))
}
