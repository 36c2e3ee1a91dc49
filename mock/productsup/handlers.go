package productsup

import (
	"net/http"
	"strconv"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The success bodies. Their data are stored values, rendered as they are (see the package
// doc); json.go writes them, byte for byte as encoding/json would with these tags.

// versionBody is the documented success body of access changes; targets changes carry no
// "resource" key.
type versionBody struct {
	Message  string      `json:"message"`
	Resource string      `json:"resource,omitempty"`
	Data     *fx.Version `json:"data"`
}

type connectorBody struct {
	Message  string        `json:"message"`
	Resource string        `json:"resource"`
	Data     *fx.Connector `json:"data"`
}

type listBody struct {
	Data     []*fx.Connector `json:"data"`
	Metadata listMetadata    `json:"metadata"`
	Message  string          `json:"message"`
	Resource string          `json:"resource"`
}

type listMetadata struct {
	From  int  `json:"from"`
	Limit int  `json:"limit"`
	Count int  `json:"count"`
	Total int  `json:"total"`
	Next  *int `json:"next"`
}

func (a *API) enableAccess(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.setAccess(w, r, c, true)
}

func (a *API) disableAccess(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.setAccess(w, r, c, false)
}

func (a *API) setAccess(w http.ResponseWriter, r *http.Request, c *vendorapi.Call, enable bool) {
	var in Access
	if !a.decode(w, r, &in) {
		return
	}
	v, err := a.store.setAccess(c.Params["publicId"], c.Params["connectorVersion"], enable, in)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, versionBody{msgUpdatedAccess, resourceVersion, v})
}

func (a *API) addTargets(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.changeTargets(w, r, c, a.store.addTargets)
}

func (a *API) replaceTargets(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	a.changeTargets(w, r, c, a.store.replaceTargets)
}

func (a *API) changeTargets(w http.ResponseWriter, r *http.Request, c *vendorapi.Call,
	change func(id, ref string, t Targets) (*fx.Version, error)) {
	var in Targets
	if !a.decode(w, r, &in) {
		return
	}
	v, err := change(c.Params["publicId"], c.Params["connectorVersion"], in)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, versionBody{Message: msgSuccessful, Data: v})
}

func (a *API) showConnector(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	conn, err := a.store.connector(c.Params["publicId"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, connectorBody{msgSuccessful, resourceConnector, conn})
}

// listConnectors serves GET /connectors. The query has been validated against the spec, so
// the numbers parse and lie in their documented ranges.
func (a *API) listConnectors(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	q := r.URL.Query()
	f := Filter{Name: q.Get("name"), Type: q.Get("type"), Owner: q.Get("owners")}
	if s := q.Get("released"); s != "" {
		released := s == "true"
		f.Released = &released
	}
	from, limit := intParam(q.Get("from"), 0), intParam(q.Get("limit"), 20)
	page, total := a.store.list(a.store.visibleTo(f, c.Principal), from, limit)
	md := listMetadata{From: from, Limit: limit, Count: len(page), Total: total}
	if next := from + len(page); next < total {
		md.Next = &next
	}
	writeOK(w, listBody{page, md, msgSuccessful, resourceConnector})
}

func intParam(s string, def int) int {
	if s == "" {
		return def // without an Atoi error to allocate
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func (a *API) createConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in NewConnector
	if !a.decode(w, r, &in) {
		return
	}
	writeOK(w, connectorBody{msgCreated, resourceConnector, a.store.create(in, c.Principal.Name)})
}
