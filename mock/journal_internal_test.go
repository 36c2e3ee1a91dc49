package mock

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "client_secret": true, "clientSecret": true, "apiKey": true, "X-Api-Key": true,
		"access_token": true, "refreshToken": true, "token": true, "privateKey": true, "assertion": true,
		"nextPageToken": false, "page_token": false, "name": false, "tokenType": false, "accounts": false,
	} {
		assert.Equal(t, want, secretName(name), name)
	}
}

func TestMaskBody(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		name, body string
		header     http.Header
		want       string
	}{
		{"JSON secrets", `{"name":"n","password":"hunter2","nested":{"client_secret": "s\"x"},"nextPageToken":"p2"}`, json,
			`{"name":"n","password":"` + masked + `","nested":{"client_secret": "` + masked + `"},"nextPageToken":"p2"}`},
		{"JSON cut inside a secret", `{"access_token":"abcdef`, json, `{"access_token":"` + masked},
		{"a number is no string", `{"token":12}`, json, `{"token":12}`},
		{"JSON without a content type", `{"apiKey":"k"}`, http.Header{}, `{"apiKey":"` + masked + `"}`},
		{"form", `grant_type=refresh_token&refresh_token=r1&client_secret=s&scope=a`, form,
			`grant_type=refresh_token&refresh_token=` + masked + `&client_secret=` + masked + `&scope=a`},
		{"other bodies as they are", `password=x`, http.Header{"Content-Type": {"text/plain"}}, `password=x`},
	} {
		assert.Equal(t, tc.want, maskBody(tc.body, tc.header), tc.name)
	}
}

func TestMaskQuery(t *testing.T) {
	assert.Equal(t, "limit=5&access_token="+masked+"&pageToken=p", maskQuery("limit=5&access_token=abc&pageToken=p"))
	assert.Equal(t, "limit=5", maskQuery("limit=5"))
	assert.Equal(t, "", maskQuery(""))
}

func TestKeepHeaders(t *testing.T) {
	h := http.Header{"Authorization": {"Bearer t0ken"}, "Cookie": {"a=b"}, "Accept": {"*/*"}}
	f, truncated := keepHeaders(h)
	got := f.header(requestSecrets)
	assert.False(t, truncated)
	assert.Equal(t, http.Header{"Authorization": {"Bearer " + masked}, "Cookie": {masked}, "Accept": {"*/*"}}, got)
	assert.Equal(t, "Bearer t0ken", h.Get("Authorization"), "the request's own headers are left alone")

	// Several values of a name stay together and in order, next to names of one value.
	multi := http.Header{"Accept": {"a/b", "c/d"}, "X-One": {"1"}, "Set-Cookie": {"s=1", "t=2"}, "Via": {"x", "y", "z"}}
	f, truncated = keepHeaders(multi)
	assert.False(t, truncated)
	assert.Equal(t, http.Header{"Accept": {"a/b", "c/d"}, "X-One": {"1"}, "Set-Cookie": {masked, masked}, "Via": {"x", "y", "z"}},
		f.header(responseSecrets))
	assert.Equal(t, []string{"s=1", "t=2"}, multi["Set-Cookie"], "masking changes the journal's copy only")
	f, _ = keepHeaders(nil)
	assert.Nil(t, f.header(requestSecrets))

	big := http.Header{"X-Big": {string(make([]byte, journalHeaderBytes))}, "Authorization": {"Bearer x"}}
	f, truncated = keepHeaders(big)
	got = f.header(requestSecrets)
	assert.True(t, truncated)
	size := 0
	for k, vs := range got {
		for _, v := range vs {
			size += len(k) + len(v)
		}
	}
	assert.LessOrEqual(t, size, journalHeaderBytes)
	if v := got.Get("Authorization"); v != "" {
		assert.Equal(t, "Bearer "+masked, v)
	}
}

// The ring reuses an evicted entry's response memory, and what since handed out before stays
// as it was.
func TestJournalRecyclesResponseMemory(t *testing.T) {
	j := newJournal(2)
	body := func(s string) []byte { return []byte(s) }
	j.add(Request{Method: "GET"}, body(`{"first":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`))
	j.add(Request{Method: "GET"}, body(`{"second":true}`))
	before, _ := j.since(0)
	require.Len(t, before, 2)
	first := &j.entries[0].respBuf[0]

	lent := body(`{"third":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}`)
	j.add(Request{Method: "GET"}, lent)
	lent[2] = 'X' // the exchange's memory is reused once add returns
	assert.Same(t, first, &j.entries[0].respBuf[0], "the third entry reuses the first one's memory")

	after, _ := j.since(0)
	require.Len(t, after, 2)
	assert.Equal(t, `{"second":true}`, after[0].ResponseBody)
	assert.Equal(t, `{"third":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}`, after[1].ResponseBody, "add copied the body")
	assert.Equal(t, `{"first":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`, before[0].ResponseBody,
		"a body handed out before is a copy: the reuse did not change it")
	assert.Nil(t, after[1].respBuf, "no view of the ring's memory leaves the journal")

	// A much smaller body does not keep a large buffer; no body keeps none.
	j.add(Request{}, body(`{}`))
	assert.LessOrEqual(t, cap(j.entries[1].respBuf), 1026)
	j.add(Request{}, nil)
	all, _ := j.since(0)
	assert.Equal(t, "", all[1].ResponseBody)
}

// answerWatcher is a ResponseWriter that notes, when the last byte of the answer (by its
// Content-Length) is written, whether the server's journal holds the request by then.
type answerWatcher struct {
	header    http.Header
	s         *Server
	before    int
	n         int
	complete  bool // the last byte came
	journaled bool // and the journal held the request when it came
}

func (w *answerWatcher) Header() http.Header { return w.header }
func (w *answerWatcher) WriteHeader(int)     {}
func (w *answerWatcher) Write(p []byte) (int, error) {
	w.n += len(p)
	if cl, err := strconv.Atoi(w.header.Get("Content-Length")); err == nil && len(p) > 0 && w.n == cl {
		w.complete, w.journaled = true, len(w.s.Requests()) > w.before
	}
	return len(p), nil
}

// TestJournalHoldsRequestBeforeAnswerEnds: a client that has its whole answer, then asks the
// journal, finds its request there, however large the answer: its last byte is written only
// once the request is journaled (recorder.finish). A list page of 20 Productsup connectors
// (about 100 KB) and a small answer (a GET of one connector, and a refusal).
func TestJournalHoldsRequestBeforeAnswerEnds(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	for _, path := range []string{"/connectors?limit=20", "/connectors/497f6eca-6276-4993-bfeb-53cbbbba6f08", "/connectors/nope"} {
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Authorization", "Bearer "+AdminToken)
		w := &answerWatcher{header: http.Header{}, s: s, before: len(s.Requests())}
		s.ServeHTTP(w, r)
		require.True(t, w.complete, "%s: the whole answer was written", path)
		assert.True(t, w.journaled, "%s: the journal held the request when the answer's last byte was written", path)
	}
}
