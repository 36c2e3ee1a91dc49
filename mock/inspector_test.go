package mock_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
)

// last is the journal's newest entry.
func last(t *testing.T, s interface{ Requests() []mock.Request }) mock.Request {
	t.Helper()
	reqs := s.Requests()
	require.NotEmpty(t, reqs)
	return reqs[len(reqs)-1]
}

// TestJournalKeepsTheExchange: a refused request is journaled with what the inspector shows:
// both bodies as sent, the headers with the token masked, the principal, and the offending
// field of the 400.
func TestJournalKeepsTheExchange(t *testing.T) {
	s := testkit.New(t)
	body := `{"connector-type":"nope","connector-name":"omdb"}`
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors?dry=1", Token: mock.AdminToken, Body: body})
	require.Equal(t, 400, res.Status)

	e := last(t, s)
	assert.Positive(t, e.ID)
	assert.Equal(t, "connector_create", e.OperationID)
	assert.Equal(t, "admin", e.Principal)
	assert.Equal(t, "dry=1", e.Query)
	assert.True(t, e.Unmatched())
	assert.Equal(t, body, e.RequestBody)
	assert.Equal(t, int64(len(body)), e.RequestBodySize)
	assert.False(t, e.RequestBodyTruncated)
	assert.Equal(t, string(res.Body), e.ResponseBody, "the answer as the client got it")
	assert.Equal(t, int64(len(res.Body)), e.ResponseBodySize)
	assert.Equal(t, "Bearer ••••••", e.RequestHeaders.Get("Authorization"))
	assert.Equal(t, "application/json", e.ResponseHeaders.Get("Content-Type"))
	require.Len(t, e.Fields, 1)
	assert.Equal(t, mock.FieldError{In: "body", Field: "connector-type", Message: e.Fields[0].Message}, e.Fields[0])
	assert.Contains(t, e.Fields[0].Message, "allowed values")

	// Served requests keep their answer too.
	res = testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors?limit=1", Token: mock.ReadOnlyToken})
	require.Equal(t, 200, res.Status)
	e = last(t, s)
	assert.Equal(t, "readonly", e.Principal)
	assert.Empty(t, e.RequestBody)
	assert.Equal(t, string(res.Body), e.ResponseBody)
	assert.Empty(t, e.Fields)
}

// TestJournalBodyOfARefusalBeforeValidation: a request refused before its body is read (no
// token, no such route) is journaled with its body all the same.
func TestJournalBodyOfARefusalBeforeValidation(t *testing.T) {
	s := testkit.New(t)
	body := `{"connector-type":"export","connector-name":"omdb"}`
	require.Equal(t, 401, testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Body: body}).Status)
	assert.Equal(t, body, last(t, s).RequestBody)
	require.Equal(t, 404, testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors/x/y/z", Token: mock.AdminToken, Body: body}).Status)
	assert.Equal(t, body, last(t, s).RequestBody)
	assert.Equal(t, "", last(t, s).Principal, "refused before authentication")
}

func TestJournalBodyBytes(t *testing.T) {
	s := testkit.New(t, mock.WithJournalBodyBytes(10))
	body := `{"connector-type":"nope","connector-name":"` + strings.Repeat("a", 100) + `"}`
	res := testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: body})
	e := last(t, s)
	assert.Equal(t, body[:10], e.RequestBody)
	assert.True(t, e.RequestBodyTruncated)
	assert.Equal(t, int64(len(body)), e.RequestBodySize)
	assert.Equal(t, string(res.Body[:10]), e.ResponseBody)
	assert.True(t, e.ResponseBodyTruncated)
	assert.Equal(t, int64(len(res.Body)), e.ResponseBodySize)

	off := testkit.New(t, mock.WithJournalBodyBytes(0))
	testkit.Do(t, off, testkit.Request{Method: "POST", Path: "/connectors", Token: mock.AdminToken, Body: body})
	e = last(t, off)
	assert.Empty(t, e.RequestBody)
	assert.Empty(t, e.ResponseBody)
	assert.Equal(t, int64(len(body)), e.RequestBodySize, "the size is still known")
	assert.Equal(t, 400, e.Status)
}

// TestJournalMasksSecrets: credentials in headers, the query and JSON bodies are masked when
// the journal is read; page tokens stay.
func TestJournalMasksSecrets(t *testing.T) {
	s := testkit.New(t)
	body := `{"connector-type":"nope","connector-name":"omdb","password":"hunter2"}`
	testkit.Do(t, s, testkit.Request{Method: "POST", Path: "/connectors?access_token=abc&pageToken=p1", Token: mock.AdminToken, Body: body,
		Header: http.Header{"Cookie": {"session=s3cr3t"}}})
	e := last(t, s)
	assert.Equal(t, `{"connector-type":"nope","connector-name":"omdb","password":"••••••"}`, e.RequestBody)
	assert.Equal(t, "access_token=••••••&pageToken=p1", e.Query)
	assert.Equal(t, "••••••", e.RequestHeaders.Get("Cookie"))
	res := admin(t, s, "GET", "/requests", nil)
	for _, secret := range []string{"hunter2", "abc&", "s3cr3t", mock.AdminToken} {
		assert.NotContains(t, string(res.Body), secret)
	}
}

// TestJournalForcedBy: the journal says what forced an answer.
func TestJournalForcedBy(t *testing.T) {
	s := testkit.New(t)
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: mock.ReadOnlyToken, Header: http.Header{"Prefer": {"code=403"}}})
	e := last(t, s)
	assert.True(t, e.Forced)
	assert.Equal(t, "Prefer: code=403", e.ForcedBy)
	assert.Equal(t, "code=403", e.Prefer)
	assert.False(t, e.Unmatched())

	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_list", Status: 401}))
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/connectors", Token: mock.ReadOnlyToken})
	e = last(t, s)
	assert.Equal(t, "scripted fault: status 401", e.ForcedBy)
	assert.Empty(t, e.Prefer)
}

// TestAdminRequestsAfter: the inspector asks for the requests after the last it has.
func TestAdminRequestsAfter(t *testing.T) {
	s := testkit.New(t)
	for range 3 {
		testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/nowhere"})
	}
	var all struct {
		Requests []mock.Request `json:"requests"`
		LastID   uint64         `json:"lastId"`
	}
	admin(t, s, "GET", "/requests?after=0", nil).JSON(t, &all)
	require.Len(t, all.Requests, 3)
	assert.Equal(t, all.Requests[2].ID, all.LastID)

	var next struct {
		Requests []mock.Request `json:"requests"`
		LastID   uint64         `json:"lastId"`
	}
	admin(t, s, "GET", fmt.Sprintf("/requests?after=%d", all.Requests[0].ID), nil).JSON(t, &next)
	assert.Equal(t, all.Requests[1:], next.Requests)

	s.ClearRequests()
	testkit.Do(t, s, testkit.Request{Method: "GET", Path: "/nowhere"})
	admin(t, s, "GET", fmt.Sprintf("/requests?after=%d", all.LastID), nil).JSON(t, &next)
	require.Len(t, next.Requests, 1, "IDs go on after a clear")
	assert.Equal(t, all.LastID+1, next.Requests[0].ID)

	res := admin(t, s, "GET", "/requests?after=x", nil)
	assert.Equal(t, 400, res.Status)
	assert.Contains(t, string(res.Body), "after=x")
}

func TestAdminOperations(t *testing.T) {
	s := testkit.New(t)
	var got struct{ Operations []mock.Operation }
	admin(t, s, "GET", "/operations", nil).JSON(t, &got)
	require.Len(t, got.Operations, len(s.OperationIDs()))
	var create mock.Operation
	for _, o := range got.Operations {
		if o.OperationID == "connector_create" {
			create = o
		}
		for _, st := range o.Statuses {
			if st >= 400 {
				assert.NoError(t, s.AddFault(mock.Fault{OperationID: o.OperationID, Status: st}), "%s %d: every status listed can be a fault", o.OperationID, st)
			}
		}
	}
	assert.Equal(t, mock.Operation{Vendor: "productsup", OperationID: "connector_create", Method: "POST", Path: "/connectors", Statuses: create.Statuses}, create)
	assert.Contains(t, create.Statuses, 400)
}

// TestInspectorPage: the page and its files are served in front of the admin guard (they hold
// no data), with a policy that runs no script but their own; the data calls stay guarded.
func TestInspectorPage(t *testing.T) {
	s := testkit.New(t, mock.WithAdminToken("sesame"))
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	page := get(mock.InspectorPath)
	assert.Equal(t, 200, page.Code)
	assert.Equal(t, "text/html; charset=utf-8", page.Header().Get("Content-Type"))
	assert.Contains(t, page.Header().Get("Content-Security-Policy"), "script-src 'self'")
	assert.Equal(t, "DENY", page.Header().Get("X-Frame-Options"))
	assert.Contains(t, page.Body.String(), `src="app.js"`)
	for file, ct := range map[string]string{"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"} {
		w := get(mock.InspectorPath + file)
		assert.Equal(t, 200, w.Code, file)
		assert.Equal(t, ct, w.Header().Get("Content-Type"), file)
	}
	redirect := get(strings.TrimSuffix(mock.InspectorPath, "/"))
	assert.Equal(t, 301, redirect.Code)
	assert.Equal(t, "ui/", redirect.Header().Get("Location"), "relative: it holds under any base path")
	assert.Equal(t, 404, get(mock.InspectorPath+"nope.js").Code)
	assert.Equal(t, 404, get(mock.InspectorPath+"../health").Code, "nothing outside the page's files")
	assert.Equal(t, 401, get(mock.AdminPrefix+"/requests").Code, "the data stays behind the guard")
	assert.Equal(t, 401, get(mock.AdminPrefix+"/uifoo").Code)

	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest("POST", mock.InspectorPath, nil))
	assert.Equal(t, 405, w.Code)
}

// TestJournalMemoryBounded fills the journal with 1 MiB bodies, twice over: what it holds
// stays within its bound (entries x (two bodies of WithJournalBodyBytes + headers)), not the
// bodies' size. Measured on the live heap after a GC, as a bound; nothing is timed.
func TestJournalMemoryBounded(t *testing.T) {
	const entries = 64
	s, err := mock.New(mock.WithJournalSize(entries))
	require.NoError(t, err)
	big := `{"connector-type":"nope","connector-name":"` + strings.Repeat("a", 1<<20-100) + `"}`
	send := func(i int) {
		var req *http.Request
		switch i % 3 {
		case 0: // validated, refused: the error quotes the value
			req = httptest.NewRequest("POST", "/connectors", strings.NewReader(big))
			req.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		case 1: // refused before validation, the body read to the journal's bound
			req = httptest.NewRequest("POST", "/connectors", strings.NewReader(big))
		default: // no such operation, with 1 MiB of headers
			req = httptest.NewRequest("POST", "/connectors/a/b/c/d", strings.NewReader(big))
			req.Header.Set("X-Big", big)
		}
		req.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Two GCs each time: the first empties the sync.Pools into their victim caches, the second
	// frees those, so that no reading counts buffers kept for reuse.
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	send(0) // builds what the first request builds once
	base := heap()
	for i := range 2 * entries {
		send(i)
	}
	full := heap()
	reqs := s.Requests()
	require.Len(t, reqs, entries)
	kept := 0
	for _, e := range reqs {
		kept += len(e.RequestBody) + len(e.ResponseBody)
		assert.Equal(t, mock.DefaultJournalBodyBytes, len(e.RequestBody), "kept up to the bound")
		assert.LessOrEqual(t, len(e.RequestBody), mock.DefaultJournalBodyBytes)
		assert.LessOrEqual(t, len(e.ResponseBody), mock.DefaultJournalBodyBytes)
		assert.LessOrEqual(t, len(e.Error), 9<<10)
		assert.True(t, e.RequestBodyTruncated)
		assert.GreaterOrEqual(t, e.RequestBodySize, int64(len(big)))
	}
	perEntry := 2*mock.DefaultJournalBodyBytes + 4*(8<<10) // two bodies, two header sets, the refusal
	bound := int64(entries * perEntry)
	s.ClearRequests()
	held := full - heap() // what the journal held
	t.Logf("journal of %d entries after %d MiB of bodies: holds %d KiB, of which bodies %d KiB (bound %d KiB); the heap grew %d KiB",
		entries, 2*entries, held>>10, kept>>10, bound>>10, (full-base)>>10)
	assert.GreaterOrEqual(t, held, int64(kept), "the measure sees what the journal keeps")
	assert.Less(t, held, bound, "the journal keeps bodies, headers and errors up to their bounds only")
	assert.Less(t, full-base, bound+4<<20, "nothing else keeps the bodies (4 MiB for the mock's pools and caches)")
}
