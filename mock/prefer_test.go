package mock_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestPreferFirstWins: of a preference given more than once, in one header line or across
// several, the first counts (RFC 7240, section 2); the later ones are not even checked.
func TestPreferFirstWins(t *testing.T) {
	for _, tt := range []struct {
		name   string
		lines  []string
		status int
	}{
		{"comma", []string{"code=404, code=401"}, 404},
		{"semicolon", []string{"code=404; code=401"}, 404},
		{"two lines", []string{"code=404", "code=401"}, 404},
		{"a later line is read", []string{"delay=1ms", "code=401"}, 401},
		{"a later malformed one is ignored", []string{"code=404, code=abc"}, 404},
		{"a later undocumented one is ignored", []string{"code=404", "code=418"}, 404},
		{"delay too", []string{"delay=1ms, delay=forever, code=403"}, 403},
		{"names are case-insensitive", []string{"Code=404, CODE=401"}, 404},
		{"a first malformed one is refused", []string{"code=abc", "code=404"}, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.New(t)
			res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: show, Token: mock.AdminToken, Header: http.Header{"Prefer": tt.lines}})
			assert.Equal(t, tt.status, res.Status, "%s", res.Body)
		})
	}

	s := testkit.New(t)
	res := testkit.Do(t, s, testkit.Request{Method: "GET", Path: vDoc, Token: mock.AdminToken,
		Header: http.Header{"Prefer": {"example=not_found", "example=bad_request"}}})
	assert.Equal(t, 404, res.Status, "%s", res.Body)
	assert.True(t, strings.Contains(string(res.Body), `"not_found"`), "%s", res.Body)
}
