package conductorone

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The @type of each kind of expanded object.
const (
	typeApp  = "type.googleapis.com/c1.api.app.v1.App"
	typeUser = "type.googleapis.com/c1.api.user.v1.User"
)

// expandQuery is the query parameter of Get and List that carries expand mask paths (a mock
// extension: the vendor's Get and List take none).
const expandQuery = "expand_mask.paths"

// connectorView is a connector and the places of its related objects in the answer's
// expanded array; the writer spells them as the vendor's JSONPaths, appPath "expanded[i]" and
// usersPath "expanded[i]" or, for several users, the union "expanded[i,j]" (see json.go).
type connectorView struct {
	connector *fx.Connector // a stored value, rendered as it is
	app       int           // the app's place; -1: not expanded (no appPath)
	users     []int         // the users' places, each once; nil: not expanded (no usersPath)
}

type expandedApp struct {
	Type string `json:"@type"`
	*fx.App
}

type expandedUser struct {
	Type string `json:"@type"`
	fx.User
	json []byte // the user as appendUser writes it, for a user kept in users; else nil
}

type expandMask struct {
	Paths []string `json:"paths"`
}

type updateRequest struct {
	Connector  patch      `json:"connector"`
	ExpandMask expandMask `json:"expandMask"`
	UpdateMask *string    `json:"updateMask"`
}

// decodeUpdate reads an Update body (already validated; none leaves every field zero). What
// the schema lets through but Go cannot hold is a *ValueError, worded as encoding/json words
// it. The connector's object is kept as it is in data (patch), so data must not change while
// the result is used.
func decodeUpdate(data []byte) (updateRequest, error) {
	return decodeUpdateOf(data, false)
}

// decodeValidated is decodeUpdate of a body the pipeline has read and validated (Call.Body):
// its first JSON value is known to be valid, so readUpdate does not check it again.
func decodeValidated(data []byte) (updateRequest, error) {
	return decodeUpdateOf(data, true)
}

func decodeUpdateOf(data []byte, validated bool) (updateRequest, error) {
	var in updateRequest
	if len(bytes.TrimSpace(data)) == 0 {
		return in, nil
	}
	// Whatever follows the first value (trailing data the pipeline let through) is ignored
	// by readUpdate as by decodeJSON, which reads the first value only.
	if (validated || json.Valid(data)) && readUpdate(data, &in) {
		return in, nil
	}
	return decodeUpdateJSON(data)
}

// decodeUpdateJSON is decodeUpdate by encoding/json, for the bodies readUpdate leaves to it.
// (A function of its own, so that decodeUpdateOf's result, handed to encoding/json here,
// needs no allocation on the usual way.)
func decodeUpdateJSON(data []byte) (updateRequest, error) {
	var in updateRequest
	err := decodeJSON(data, &in)
	if in.Connector.invalid {
		// A connector that is not an object. The body used to be decoded with the connector
		// as a map; that decoding failed, and its error (this one, or an earlier field's) is
		// what the client is told. Only a body nobody sends gets here.
		type updateRequest struct { // named so, for the error's wording
			Connector  map[string]any `json:"connector"`
			ExpandMask expandMask     `json:"expandMask"`
			UpdateMask *string        `json:"updateMask"`
		}
		var asMap updateRequest
		if err = decodeJSON(data, &asMap); err == nil {
			err = errors.New("connector: not an object")
		}
	}
	if err != nil {
		return in, &ValueError{Err: err}
	}
	return in, nil
}

// readUpdate reads a body of the usual shape without encoding/json's reflection: a JSON
// object (valid: the caller knows it is) of connector (an object or null), updateMask (a
// string or null) and expandMask (null, or an object of paths: an array of strings or null),
// each key exactly so and once. It gives what decodeUpdate's decoding gives; false for
// anything else, which that decoding reads.
func readUpdate(data []byte, in *updateRequest) bool {
	var seen [3]bool
	for it := kit.ObjectMembers(data); ; {
		key, val, ok := it.Next()
		if !ok {
			return kit.IsObject(data)
		}
		i := -1
		switch string(key) {
		case "connector":
			i = 0
		case "updateMask":
			i = 1
		case "expandMask":
			i = 2
		}
		if i < 0 || seen[i] {
			return false
		}
		seen[i] = true
		switch null := string(val) == "null"; {
		case null:
		case i == 0:
			if !kit.IsObject(val) {
				return false
			}
			in.Connector.one = val // data's: see decodeUpdate
		case i == 1:
			s, ok := kit.DecodeString(val)
			if !ok || val[0] != '"' {
				return false
			}
			in.UpdateMask = &s
		default:
			if !in.readExpandMask(val) {
				return false
			}
		}
	}
}

func (in *updateRequest) readExpandMask(obj []byte) bool {
	seen := false
	for it := kit.ObjectMembers(obj); ; {
		key, val, ok := it.Next()
		switch {
		case !ok:
			return kit.IsObject(obj)
		case string(key) != "paths" || seen:
			return false
		}
		seen = true
		if string(val) != "null" {
			paths, ok := kit.DecodeStrings(val)
			if !ok {
				return false
			}
			in.ExpandMask.Paths = paths
		}
	}
}

type createRequest struct {
	NewConnector
	ExpandMask expandMask `json:"expandMask"`
}

// expander collects the expanded objects of one answer: each app and user once, however many
// views refer to it.
type expander struct {
	api   *API
	want  expansion
	items []expandedItem
	// index finds an item's place once there are too many for a look along items.
	index map[expandedKey]int
	// places holds the users' places of every view so far: each view's users is a piece of it.
	places []int
	seed   uint64 // the store's seed, which users derive from; read at the first user
	seeded bool
}

// expandedItem is one object of the expanded array: an app, or a user.
type expandedItem struct {
	app  *fx.App // a stored value
	user *expandedUser
}

// expandedKey names an expanded object: an app or a user (user true) of that id.
type expandedKey struct {
	user bool
	id   string
}

// linearItems is how many items are looked for along the slice before an index is built: a
// single connector's answer (its app and a few users) never builds one.
const linearItems = 16

func (a *API) expander(paths []string) (expander, error) {
	want, err := parseExpand(paths)
	if err != nil {
		return expander{}, err
	}
	return expander{api: a, want: want}, nil
}

// view builds c's view, expanding what was asked for; c is a stored value.
func (x *expander) view(c *fx.Connector) (connectorView, error) {
	v := connectorView{connector: c, app: -1}
	if x.want.app {
		i, ok := x.find(expandedKey{id: c.AppID})
		if !ok {
			app, err := x.api.store.app(c.AppID)
			if err != nil {
				return v, err
			}
			i = x.add(expandedKey{id: c.AppID}, expandedItem{app: app}, c)
		}
		v.app = i
	}
	if x.want.users && len(c.UserIDs) > 0 {
		start := len(x.places)
		for _, id := range c.UserIDs {
			i, ok := x.find(expandedKey{user: true, id: id})
			if !ok {
				if !x.seeded {
					x.seed, x.seeded = x.api.store.Seed(), true
				}
				i = x.add(expandedKey{user: true, id: id}, expandedItem{user: userFor(x.seed, id)}, c)
			}
			if !slices.Contains(x.places[start:], i) {
				x.places = append(x.places, i)
			}
		}
		v.users = x.places[start:] // later views append after it
	}
	return v, nil
}

// find returns the place of the item key names, if it is there.
func (x *expander) find(key expandedKey) (int, bool) {
	if x.index != nil {
		i, ok := x.index[key]
		return i, ok
	}
	for i, it := range x.items {
		if key.user && it.user != nil && it.user.ID == key.id || !key.user && it.app != nil && it.app.ID == key.id {
			return i, true
		}
	}
	return 0, false
}

// add appends item, which c's view expands.
func (x *expander) add(key expandedKey, item expandedItem, c *fx.Connector) int {
	if x.items == nil {
		// Room for what the first view can expand: one connector's answer grows it no more.
		x.items = make([]expandedItem, 0, 1+len(c.UserIDs))
	}
	x.items = append(x.items, item)
	i := len(x.items) - 1
	switch {
	case x.index != nil:
		x.index[key] = i
	case len(x.items) > linearItems:
		x.index = make(map[expandedKey]int, 2*len(x.items))
		for j, it := range x.items {
			if it.user != nil {
				x.index[expandedKey{user: true, id: it.user.ID}] = j
			} else {
				x.index[expandedKey{id: it.app.ID}] = j
			}
		}
	}
	return i
}

// users holds the users expanded so far, by seed and id: UserFor draws each from a faker of
// its own, which cost more than all the rest of an Update answer. It is bounded (the ids are
// the clients'): past maxUsers, a user is drawn for each answer again.
var users struct {
	sync.Map // userKey -> *expandedUser, immutable
	n        atomic.Int64
}

const maxUsers = 10_000

type userKey struct {
	seed uint64
	id   string
}

func userFor(seed uint64, id string) *expandedUser {
	key := userKey{seed, id}
	if u, ok := users.Load(key); ok {
		return u.(*expandedUser)
	}
	u := &expandedUser{Type: typeUser, User: fx.UserFor(seed, id)}
	if users.n.Add(1) <= maxUsers {
		u.json = appendUser(nil, u) // written once, for every answer that expands it
		users.Store(key, u)
	}
	return u
}

// appJSON holds stored apps as appendApp writes them, by the stored value: an app is
// immutable (a write stores a new one), so its JSON never changes, and it is written once,
// not for every answer that expands it. It is bounded, as users is: past maxAppJSON apps, an
// app is written for each answer again.
var appJSON struct {
	sync.Map // *fx.App -> []byte, immutable
	n        atomic.Int64
}

const maxAppJSON = 1_000

// appendStoredApp is appendApp of a stored app, through appJSON.
func appendStoredApp(b []byte, a *fx.App) []byte {
	if a == nil {
		return appendApp(b, a)
	}
	if j, ok := appJSON.Load(a); ok {
		return append(b, j.([]byte)...)
	}
	start := len(b)
	b = appendApp(b, a)
	if appJSON.n.Add(1) <= maxAppJSON {
		appJSON.Store(a, bytes.Clone(b[start:]))
	}
	return b
}

// answer writes one connector's view; c is a stored value.
func (a *API) answer(w http.ResponseWriter, x *expander, c *fx.Connector) {
	v, err := x.view(c)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeAnswer(w, viewAnswer{view: v, expanded: x.items})
}

// update serves POST /api/v1/apps/{app_id}/connectors/{id}.
func (a *API) update(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	a.updateConnector(w, c.Body, c.Params["app_id"], c.Params["id"])
}

// updateDelegated serves POST /api/v1/apps/{connector_app_id}/connectors/{connector_id}/delegated:
// the same update of the same stored connector (a delegated connector is a connector).
func (a *API) updateDelegated(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	a.updateConnector(w, c.Body, c.Params["connector_app_id"], c.Params["connector_id"])
}

// updateConnector serves an Update of body, the request's (Call.Body: read and validated by
// the pipeline once, not read again here).
func (a *API) updateConnector(w http.ResponseWriter, body []byte, appID, id string) {
	in, err := decodeValidated(body)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	x, err := a.expander(in.ExpandMask.Paths)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	e, err := a.store.update(appID, id, &in.Connector, in.UpdateMask)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	a.answer(w, &x, &e.c)
}

// get serves GET /api/v1/apps/{app_id}/connectors/{id}.
func (a *API) get(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var paths []string
	if r.URL.RawQuery != "" { // parsing none would still allocate its map
		paths = r.URL.Query()[expandQuery]
	}
	x, err := a.expander(paths)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	e, err := a.store.get(c.Params["app_id"], c.Params["id"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	a.answer(w, &x, &e.c)
}

// list serves GET /api/v1/apps/{app_id}/connectors. page_size has been validated against the
// spec: an int32, not negative.
func (a *API) list(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	q := r.URL.Query()
	x, err := a.expander(q[expandQuery])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	size, _ := strconv.Atoi(q.Get("page_size"))
	page, next, err := a.store.page(c.Params["app_id"], size, q.Get("page_token"))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	body := listAnswer{list: make([]connectorView, len(page)), next: next}
	for i, e := range page {
		if body.list[i], err = x.view(&e.c); err != nil {
			a.writeError(w, failure(err))
			return
		}
	}
	body.expanded = x.items
	writeAnswer(w, body)
}

// create serves POST /api/v1/apps/{app_id}/connectors/create: a configured connector.
func (a *API) create(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in createRequest
	if !a.decode(w, c, &in) {
		return
	}
	in.DisplayName = "" // not a field of the Create request: the schema lets it through as unknown
	a.createWith(w, c, in)
}

// createDelegated serves POST /api/v1/apps/{app_id}/connectors: a connector pending its config.
func (a *API) createDelegated(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in createRequest
	if !a.decode(w, c, &in) {
		return
	}
	in.Config = nil // likewise not a field of CreateDelegated
	a.createWith(w, c, in)
}

func (a *API) createWith(w http.ResponseWriter, c *vendorapi.Call, in createRequest) {
	x, err := a.expander(in.ExpandMask.Paths)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	e, err := a.store.create(c.Params["app_id"], in.NewConnector)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	a.answer(w, &x, &e.c)
}

// delete serves DELETE /api/v1/apps/{app_id}/connectors/{id}; the answer is an empty object.
func (a *API) delete(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if err := a.store.Delete(c.Params["app_id"], c.Params["id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// decode reads the (already schema-validated, optional) JSON body into v: c.Body, the bytes
// the pipeline read, not r.Body again. No body leaves v zero. What the schema lets through but
// Go cannot hold is a 400 too, never a 500.
func (a *API) decode(w http.ResponseWriter, c *vendorapi.Call, v any) bool {
	var err error
	if len(bytes.TrimSpace(c.Body)) > 0 {
		err = decodeJSON(c.Body, v)
	}
	if err != nil {
		a.writeError(w, failure(&ValueError{Err: err}))
		return false
	}
	return true
}
