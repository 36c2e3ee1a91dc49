package mock_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	c1fixtures "github.com/connectormock/connectormock/fixtures/conductorone"
	vfixtures "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/productsup"
	"github.com/connectormock/connectormock/mock/versori"
)

// chromiumPath is where Debian's chromium package installs the browser (.ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// browserTestsEnv, set to 1 (as .ci/run does), makes a missing browser a failure instead of a
// skip: CI must never pass by not running the browser tests.
const browserTestsEnv = "CONNECTORMOCK_BROWSER_TESTS"

// screenshotsEnv names a folder the browser tests save their screenshots to (the README's are
// made so: CONNECTORMOCK_SCREENSHOTS=$PWD/testdata/inspector go test ./mock -run Browser).
const screenshotsEnv = "CONNECTORMOCK_SCREENSHOTS"

// browserLimit bounds a browser test: it waits for the page by polling the DOM, and a page
// that never shows what is awaited must fail the test, not hang it. It is no timing: a
// passing test takes what it takes.
const browserLimit = 2 * time.Minute

// page is a headless Chromium tab, with the console errors and uncaught exceptions it saw.
type page struct {
	ctx    context.Context
	mu     sync.Mutex // guards errors
	errors []string
}

// newPage starts a headless Chromium (a fresh profile, no network beyond loopback) and opens
// a tab. Without the browser the test is skipped, unless browserTestsEnv says it must run.
func newPage(t *testing.T) *page {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv(browserTestsEnv) == "1" {
			t.Fatalf("%s=1 but there is no browser at %s (apt-get install -y chromium): %v", browserTestsEnv, chromiumPath, err)
		}
		t.Skipf("browser tests need Chromium at %s (apt-get install -y chromium); .ci/run installs it and sets %s=1", chromiumPath, browserTestsEnv)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1600, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	ctx, cancel := context.WithTimeout(context.Background(), browserLimit)
	t.Cleanup(cancel)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	p := &page{ctx: bctx}
	// Console subscribes now: the browser starts, and no message of the page is lost.
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.errors = append(p.errors, m.String()+" at "+m.URL)
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// run runs the actions in the page's tab, in order.
func (p *page) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, actions...))
}

// read runs an action that reads a value.
func read[T any](t *testing.T, p *page, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	require.NoError(t, err)
	return v
}

func (p *page) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// screenshot saves the page when screenshotsEnv names a folder.
func (p *page) screenshot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		return
	}
	png := read(t, p, chromedp.CaptureScreenshot())
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), png, 0o644))
}

// choose picks an option of a <select> as a user does: the change event follows.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q;
		s.dispatchEvent(new Event('change', { bubbles: true })); })()`, sel, value))
}

// rowStatuses lists the statuses of the request rows the page shows, top first.
func rowStatuses(t *testing.T, p *page) []string {
	t.Helper()
	return read(t, p, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#requests tbody tr')].map(tr => tr.dataset.status)`))
}

// browserCall sends one request to the mock, as a client under test does.
func browserCall(t *testing.T, base, method, path, token, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, res.Body.Close())
	return res
}

// Paths the browser tests call, one list per vendor, of the documented data set.
var (
	browserPupList = "/connectors?limit=5"
	browserC1List  = "/api/v1/apps/" + c1fixtures.DocumentedAppID + "/connectors"
	browserVList   = "/api/connect/v1/o/" + vfixtures.DocumentedOrganisationID + "/connectors?first=5"
	browserCreate  = "/connectors" // Productsup's connector_create
)

// TestBrowserInspector loads the inspector in Chromium: it shows a refused request made before
// it loaded, with the offending field, its body and a masked token; one made while it is open;
// filters by status class, vendor and operation; clears; and adds a fault through its form.
// The page logs no console error.
func TestBrowserInspector(t *testing.T) {
	s, err := mock.New()
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	p := newPage(t)

	// A refused request, made a moment before the page loads.
	bad := `{"connector-type":"nope","connector-name":"omdb"}`
	require.Equal(t, 400, browserCall(t, srv.URL, "POST", browserCreate, mock.AdminToken, bad).StatusCode)
	require.Equal(t, 200, browserCall(t, srv.URL, "GET", browserPupList, mock.ReadOnlyToken, "").StatusCode)
	require.Equal(t, 200, browserCall(t, srv.URL, "GET", browserC1List, mock.ReadOnlyToken, "").StatusCode)

	type css = chromedp.CSS
	p.run(t,
		chromedp.Navigate(srv.URL+"/__admin/ui"), // the redirect adds the slash the page's URLs need
		chromedp.WaitVisible(css(`#requests tbody tr[data-status="400"]`)),
		chromedp.Click(css(`#requests tbody tr[data-status="400"]`)),
		chromedp.WaitVisible(css(`#detail-fields`)),
	)
	fields := read(t, p, chromedp.Text(css(`#detail-fields`)))
	reqBody := read(t, p, chromedp.Text(css(`#detail-request-body`)))
	detail := read(t, p, chromedp.Text(css(`#detail`)))
	assert.Contains(t, fields, "connector-type", "the validation error names the offending field")
	assert.Contains(t, reqBody, `"nope"`, "the body as sent")
	assert.Contains(t, detail, "connector_create")
	assert.Contains(t, detail, "Bearer ••••••", "the token is masked")
	assert.NotContains(t, detail, mock.AdminToken)
	marked := read(t, p, chromedp.Text(css(`#detail-request-body mark`)))
	assert.Contains(t, marked, `"connector-type"`, "the offending field's line is marked in the body")
	p.screenshot(t, "requests.png")

	// A request made while the page is open shows up on its own.
	require.Equal(t, 200, browserCall(t, srv.URL, "GET", browserVList, mock.ReadOnlyToken, "").StatusCode)
	p.run(t, chromedp.WaitVisible(chromedp.Search(`//td[contains(., "ListConnectors")]`)))

	assert.Equal(t, []string{"200", "200", "200", "400"}, rowStatuses(t, p), "newest first")
	p.run(t, choose(`#filter-status`, "4"))
	assert.Equal(t, []string{"400"}, rowStatuses(t, p), "4xx only")
	p.run(t, choose(`#filter-status`, ""), choose(`#filter-vendor`, conductorone.Name))
	assert.Equal(t, []string{"200"}, rowStatuses(t, p), "ConductorOne only")
	p.run(t, choose(`#filter-vendor`, ""), choose(`#filter-operation`, "connector_list"))
	assert.Equal(t, []string{"200"}, rowStatuses(t, p), "one operation")
	assert.Equal(t, "connector_list", read(t, p, chromedp.Text(css(`#requests tbody tr td.op`))))

	// Clear empties the journal and the list.
	p.run(t, choose(`#filter-operation`, ""), chromedp.Click(css(`#clear`)),
		chromedp.WaitNotPresent(css(`#requests tbody tr`)))
	assert.Empty(t, s.Requests())

	// A fault added through the form is listed, and scripted.
	p.run(t,
		chromedp.Click(css(`#tab-state`)),
		chromedp.WaitVisible(css(`#state details`)),
		choose(`#fault-operation`, "connector_list"),
		chromedp.SetValue(css(`#fault-status`), "403"),
		chromedp.SetValue(css(`#fault-count`), "2"),
		chromedp.Click(css(`#fault-add`)),
		chromedp.WaitVisible(chromedp.Search(`//table[@id="faults"]//td[.="connector_list"]`)),
	)
	assert.Equal(t, []mock.Fault{{OperationID: "connector_list", Status: 403, Count: 2}}, s.Faults())
	assert.Empty(t, p.consoleErrors(), "the page logs no error")
	// A fault the admin API refuses shows why (the browser logs the 400 it got, and that only).
	p.run(t,
		chromedp.SetValue(css(`#fault-status`), "418"),
		chromedp.Click(css(`#fault-add`)),
		chromedp.WaitVisible(css(`#fault-error`)),
	)
	assert.Contains(t, read(t, p, chromedp.Text(css(`#fault-error`))), "status 418 is not documented")
	stateText := read(t, p, chromedp.Text(css(`#state`)))
	for _, v := range mock.VendorNames() {
		assert.Contains(t, stateText, v, "the state view lists every vendor")
	}
	p.screenshot(t, "state.png")
	for _, e := range p.consoleErrors() {
		assert.Contains(t, e, "status of 400 (Bad Request) at "+srv.URL+"/__admin/faults")
	}
}

// TestBrowserInspectorToken: with an admin token, the page asks for it, keeps it in the tab's
// sessionStorage (never in the URL), and then shows the journal.
func TestBrowserInspectorToken(t *testing.T) {
	s, err := mock.New(mock.WithAdminToken("sesame"))
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	p := newPage(t)
	require.Equal(t, 200, browserCall(t, srv.URL, "GET", browserPupList, mock.ReadOnlyToken, "").StatusCode)

	type css = chromedp.CSS
	p.run(t,
		chromedp.Navigate(srv.URL+"/__admin/ui/"),
		chromedp.WaitVisible(css(`#banner`)),
	)
	assert.Contains(t, read(t, p, chromedp.Text(css(`#banner`))), "needs a token")
	p.run(t,
		chromedp.SendKeys(css(`#token`), "sesame"),
		chromedp.Click(css(`#token-save`)),
		chromedp.WaitVisible(css(`#requests tbody tr[data-status="200"]`)),
		chromedp.WaitNotVisible(css(`#banner`)),
	)
	assert.NotContains(t, read(t, p, chromedp.Location()), "sesame")
	assert.Equal(t, "sesame", read(t, p, chromedp.Evaluate[string](`sessionStorage.getItem('connectormock.adminToken')`)))
}

// TestBrowserInspectorUnderABasePath: the page's URLs are relative, so it works wherever the
// admin API is served, as under a sandbox's path.
func TestBrowserInspectorUnderABasePath(t *testing.T) {
	s, err := mock.New()
	require.NoError(t, err)
	const base = "/__sandboxes/sb1"
	srv := httptest.NewServer(http.StripPrefix(base, s))
	t.Cleanup(srv.Close)
	p := newPage(t)
	require.Equal(t, 200, browserCall(t, srv.URL+base, "GET", browserPupList, mock.ReadOnlyToken, "").StatusCode)
	p.run(t,
		chromedp.Navigate(srv.URL+base+"/__admin/ui"),
		chromedp.WaitVisible(chromedp.CSS(`#requests tbody tr[data-status="200"]`)),
	)
	assert.Equal(t, srv.URL+base+"/__admin/ui/", read(t, p, chromedp.Location()))
	assert.Empty(t, p.consoleErrors())
}

// TestBrowserInspectorOff: the admin API's off switch removes the page.
func TestBrowserInspectorOff(t *testing.T) {
	s, err := mock.New(mock.WithoutAdmin())
	require.NoError(t, err)
	res := httptest.NewRecorder()
	s.ServeHTTP(res, httptest.NewRequest("GET", mock.InspectorPath, nil))
	assert.Equal(t, 404, res.Code)
}

// crossOriginPage is a page of another origin that calls the mock at base with fetch: each
// vendor's list with a bearer token, a write with a JSON body (preflighted), and the admin
// API's reset. It records what each call gave in window.results.
const crossOriginPage = `<!doctype html><html><head><meta charset="utf-8"><title>app</title>
<link rel="icon" href="data:,"></head><body><script>
async function attempt(name, url, init) {
  try {
    const res = await fetch(url, init);
    const body = await res.json();
    return { name, status: res.status, body, exposed: res.headers.get('Content-Type') };
  } catch (e) {
    return { name, error: String(e) };
  }
}
window.run = async (base, token) => {
  const auth = { Authorization: 'Bearer ' + token };
  return Promise.all([
    attempt('productsup', base + %q, { headers: auth }),
    attempt('conductorone', base + %q, { headers: auth }),
    attempt('versori', base + %q, { headers: auth }),
    attempt('create', base + %q, { method: 'POST', headers: Object.assign({ 'Content-Type': 'application/json' }, auth),
      body: JSON.stringify({ 'connector-type': 'export', 'connector-name': 'omdb' }) }),
    attempt('reset', base + '/__admin/reset', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
  ]);
};
</script></body></html>`

// TestBrowserCORS: a page served from another origin calls every vendor with fetch and a
// bearer token and reads the answers; its call to the admin API's reset is refused by the
// browser, and the mock is not reset.
func TestBrowserCORS(t *testing.T) {
	s, err := mock.New()
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, crossOriginPage, browserPupList, browserC1List, browserVList, browserCreate)
	}))
	t.Cleanup(app.Close)
	require.NotEqual(t, srv.URL, app.URL, "two origins")
	require.NoError(t, s.AddFault(mock.Fault{OperationID: "connector_show", Status: 404}), "a fault that a reset would clear")
	p := newPage(t)

	type result struct {
		Name    string         `json:"name"`
		Status  int            `json:"status"`
		Body    map[string]any `json:"body"`
		Exposed string         `json:"exposed"`
		Error   string         `json:"error"`
	}
	p.run(t, chromedp.Navigate(app.URL))
	results := read(t, p, chromedp.Evaluate[[]result](fmt.Sprintf(`window.run(%q, %q)`, srv.URL, mock.AdminToken), chromedp.EvalAwaitPromise))
	byName := map[string]result{}
	for _, r := range results {
		byName[r.Name] = r
	}
	for _, v := range []string{productsup.Name, conductorone.Name, versori.Name} {
		r := byName[v]
		assert.Empty(t, r.Error, v)
		assert.Equal(t, 200, r.Status, v)
		assert.NotEmpty(t, r.Body, "%s: the page reads the answer", v)
	}
	assert.Equal(t, 200, byName["create"].Status, "a preflighted write: %+v", byName["create"])
	assert.Contains(t, byName["reset"].Error, "Failed to fetch", "the admin API does not answer other origins")
	assert.Len(t, s.Faults(), 1, "the mock was not reset")

	var preflights, unmatched int
	for _, r := range s.Requests() {
		if r.Preflight {
			preflights++
		}
		if r.Unmatched() {
			unmatched++
		}
	}
	assert.Positive(t, preflights, "the browser preflighted the calls with a token")
	assert.Zero(t, unmatched, "preflights are not unmatched")
}
