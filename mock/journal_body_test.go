package mock_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// TestJournalKeepsServedBodies: the journal shares a served request's body with the handler
// instead of copying it (see capture.result); each entry keeps its own request's bytes, however
// many requests follow, and the answer it got.
func TestJournalKeepsServedBodies(t *testing.T) {
	s := testkit.New(t)
	bodies := []string{
		`{"accounts":[777],"projects":[444],"sites":[666]}`,
		`{"projects":[444],"sites":[666]}  ` + "\n", // trailing blanks are kept as sent
		`{"accounts":[777]}`,
	}
	var answers []string
	for _, b := range bodies {
		res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: disable, Token: mock.AdminToken, Body: b})
		require.Equal(t, 200, res.Status, "%s", res.Body)
		answers = append(answers, string(res.Body))
	}
	reqs := s.Requests()
	require.Len(t, reqs, len(bodies))
	for i, e := range reqs {
		assert.Equal(t, bodies[i], e.RequestBody)
		assert.Equal(t, int64(len(bodies[i])), e.RequestBodySize)
		assert.False(t, e.RequestBodyTruncated)
		assert.Equal(t, answers[i], e.ResponseBody)
	}
}
