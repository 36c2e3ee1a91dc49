package productsup_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// TestListPagesFollowWrites: a list page read after each kind of write is the page
// encoding/json writes from the typed store then, so no page is written from a cached
// connector that a write has replaced.
func TestListPagesFollowWrites(t *testing.T) {
	s := testkit.New(t, mock.WithConnectors(3))
	store := s.Productsup().Store()
	// page is the connectors of the first page as the server wrote them, one per line.
	page := func() string {
		res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors?limit=100", Token: mock.AdminToken})
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		var body struct{ Data []json.RawMessage }
		res.JSON(t, &body)
		var out strings.Builder
		for _, c := range body.Data {
			out.Write(c)
			out.WriteByte('\n')
		}
		return out.String()
	}
	// want is the same connectors as encoding/json writes the typed store's values.
	want := func() string {
		list, _ := store.List(productsup.Filter{}, 0, 100)
		var out strings.Builder
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		for _, c := range list {
			require.NoError(t, enc.Encode(c))
		}
		return out.String()
	}
	require.Equal(t, want(), page())
	base := "/connectors/" + fx.DocumentedID + "/versions/1/"
	for _, w := range []struct{ method, path, body string }{
		{"POST", base + "access/prod/disable", `{"accounts":[777],"sites":[666]}`},
		{"POST", base + "access/prod/enable", `{"accounts":[777]}`},
		{"POST", base + "targets", `{"target-accounts":[1,2]}`},
		{"PUT", base + "secret-registrations", `{"secret-registrations":["amazon/seller"]}`},
		{"POST", base + "individual-configs", `{"command-option":"a-b","field-type":"input","field-name":"A","order":3,"field-config":"x"}`},
		{"PUT", base + "runtime/prod", `{"environment":"bin-docker-wrapper","version":"1.2.3"}`},
		{"POST", "/connectors", `{"connector-type":"export","connector-name":"new one"}`},
	} {
		res := testkit.Do(t, s, testkit.Request{Method: w.method, Path: w.path, Token: mock.AdminToken, Body: w.body})
		require.Less(t, res.Status, 300, "%s %s: %s", w.method, w.path, res.Body)
		s.CompleteWork()
		require.Equal(t, want(), page(), "after %s %s", w.method, w.path)
	}
	c, err := store.Connector(fx.DocumentedID)
	require.NoError(t, err)
	c.Name = "renamed through the store"
	require.NoError(t, store.Put(c))
	require.Equal(t, want(), page(), "after a Put")
	assert.Contains(t, page(), "renamed through the store")
}
