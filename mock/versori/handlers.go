package versori

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

func formatOrg(org string) string { return fmt.Sprintf(msgOrganisation, org) }

// ids are the path's organisation and connector.
func ids(c *vendorapi.Call) (org, connector string) {
	return c.Params["organisation_id"], c.Params["connector_id"]
}

func (a *API) getConnector(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	e, err := a.store.connector(org, id)
	a.answerConnector(w, http.StatusOK, e, err)
}

func (a *API) updateConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in ConnectorUpdate
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	e, err := a.store.update(org, id, in)
	a.answerConnector(w, http.StatusOK, e, err)
}

func (a *API) deleteConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	a.answerNoContent(w, a.store.Delete(org, id, boolParam(r, "force")))
}

func (a *API) createHTTPConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.create(w, r, c, "http")
}

func (a *API) createBigQueryConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.create(w, r, c, "bigquery")
}

func (a *API) create(w http.ResponseWriter, r *http.Request, c *vendorapi.Call, protocol string) {
	var in NewConnector
	if !a.decode(w, r, c, &in) {
		return
	}
	e, err := a.store.create(c.Params["organisation_id"], protocol, in)
	a.answerConnector(w, http.StatusCreated, e, err)
}

// listConnectors serves ListConnectors. The query has been validated against the spec, so
// first parses and sort has the col:dir shape.
func (a *API) listConnectors(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.listIn(w, r, strings.ToUpper(c.Params["organisation_id"]))
}

// writeConnectorPage writes a ConnectorPage of stored entries: their JSON, encoded once per
// entry (see entry.body), written one after the other, byte for byte what kit.WriteJSON
// writes for a ConnectorPage. The page is never copied into one buffer.
func writeConnectorPage(w http.ResponseWriter, page connectorPage) {
	var head []byte
	head = append(head, `{"totalCount":`...)
	head = strconv.AppendInt(head, int64(page.total), 10)
	// Cursors are base64url: nothing in them needs escaping.
	if page.next != "" {
		head = append(append(append(head, `,"next":"`...), page.next...), '"')
	}
	if page.prev != "" {
		head = append(append(append(head, `,"prev":"`...), page.prev...), '"')
	}
	head = append(head, `,"connectors":[`...)
	n := len(head) + len(pageTail)
	for i, e := range page.entries {
		body := e.body()
		if body == nil { // cannot be encoded: kit.WriteJSON answers the 500
			kit.WriteJSON(w, http.StatusOK, e.shown)
			return
		}
		n += len(body) - 1 // without the newline
		if i > 0 {
			n++ // the comma
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(http.StatusOK)
	w.Write(head)
	for i, e := range page.entries {
		body := e.body()
		if i > 0 {
			w.Write(comma)
		}
		w.Write(body[:len(body)-1])
	}
	w.Write(pageTail)
}

// What writeConnectorPage writes between entries and after them (read only).
var comma, pageTail = []byte(","), []byte("]}\n")

func (a *API) listVersions(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	page, err := a.store.versions(org, id, pageQuery(r.URL.Query()))
	a.answer(w, http.StatusOK, page, err)
}

func (a *API) createVersion(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in NewVersion
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	v, err := a.store.createVersion(org, id, in)
	a.answer(w, http.StatusCreated, v, err)
}

func (a *API) getVersion(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	v, err := a.store.version(org, id, c.Params["version"])
	a.answer(w, http.StatusOK, v, err)
}

func (a *API) updateVersion(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in fx.Version
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	v, err := a.store.updateVersion(org, id, c.Params["version"], in)
	a.answer(w, http.StatusOK, v, err)
}

func (a *API) deleteVersion(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	a.answerNoContent(w, a.store.DeleteVersion(org, id, c.Params["version"], boolParam(r, "force")))
}

func pageQuery(q url.Values) PageQuery {
	p := PageQuery{First: 20, After: q.Get("after"), Before: q.Get("before"), Sort: q.Get("sort")}
	if n, err := strconv.Atoi(q.Get("first")); err == nil {
		p.First = n
	}
	return p
}

// boolParam reads a validated boolean query parameter; absent is false.
func boolParam(r *http.Request, name string) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get(name))
	return b
}

// answerConnector writes a stored connector, or the error.
func (a *API) answerConnector(w http.ResponseWriter, status int, e *entry, err error) {
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	body := e.body()
	if body == nil { // cannot be encoded: kit.WriteJSON answers the 500
		kit.WriteJSON(w, status, e.shown)
		return
	}
	writeBody(w, status, body)
}

// writeBody writes JSON already encoded, with the headers kit.WriteJSON sets. Both values
// come from one string and one list of two, capped (Header.Set allocates a list per value, and
// strconv.Itoa the length).
func writeBody(w http.ResponseWriter, status int, body []byte) {
	const ct = "application/json"
	var buf [len(ct) + 20]byte
	s := string(strconv.AppendInt(append(buf[:0], ct...), int64(len(body)), 10))
	vals := make([]string, 2)
	vals[0], vals[1] = s[:len(ct)], s[len(ct):]
	h := w.Header()
	h["Content-Type"], h["Content-Length"] = vals[0:1:1], vals[1:2:2]
	w.WriteHeader(status)
	w.Write(body)
}

func (a *API) answer(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, status, v)
}

func (a *API) answerNoContent(w http.ResponseWriter, err error) {
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
