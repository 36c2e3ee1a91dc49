package conductorone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The apps (c1.api.app.v1.Apps: List, Create, Get, Update, Delete) and the app search
// (c1.api.app.v1.AppSearch.Search), and their part of the store. The apps are the ones the
// connectors live in: what Apps.Get answers is what a connector's expanded app is.

// appSchema is the spec's name of the app message; its properties are the paths an app's
// update mask may name.
const appSchema = "c1.api.app.v1.App"

// appFieldSet is the app's fields as an update mask sees them: true for writable ones, false
// for output-only ones. "@type" (the expanded form's) is none of them.
type appFieldSet map[string]bool

func appFields(doc *openapi3.T) (appFieldSet, error) {
	ref := doc.Components.Schemas[appSchema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("conductorone: the spec has no schema %s", appSchema)
	}
	out := appFieldSet{}
	for name, p := range ref.Value.Properties {
		if name != "@type" {
			out[name] = p.Value == nil || !p.Value.ReadOnly
		}
	}
	return out, nil
}

// NewApp is what Apps.Create stores (c1.api.app.v1.CreateAppRequest). Owners are accepted and
// not kept: the mock does not model app owners.
type NewApp struct {
	CertifyPolicyID                     string   `json:"certifyPolicyId"`
	Description                         string   `json:"description"`
	DisplayName                         string   `json:"displayName"`
	GrantPolicyID                       string   `json:"grantPolicyId"`
	IdentityMatching                    string   `json:"identityMatching"`
	Instructions                        string   `json:"instructions"`
	MonthlyCostUsd                      int      `json:"monthlyCostUsd"`
	Owners                              []string `json:"owners"`
	RevokePolicyID                      string   `json:"revokePolicyId"`
	StrictAccessEntitlementProvisioning bool     `json:"strictAccessEntitlementProvisioning"`
}

// CreateApp stores a new app, created and updated now, with no connectors. Its id derives
// from the seed and the number of apps created so far. A displayName is required.
func (s *Store) CreateApp(in NewApp) (fx.App, error) {
	if in.DisplayName == "" {
		return fx.App{}, &RequiredError{Field: "displayName"}
	}
	if in.IdentityMatching == "" {
		in.IdentityMatching = "APP_USER_IDENTITY_MATCHING_UNSPECIFIED"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.own()
	var id string
	for {
		id = fx.CreatedAppID(st.seed, st.appsMade)
		st.appsMade++
		if _, taken := st.apps[id]; !taken {
			break
		}
	}
	now := fx.Time(s.clock())
	app := &fx.App{
		ID:                                  id,
		CertifyPolicyID:                     in.CertifyPolicyID,
		CreatedAt:                           now,
		Description:                         in.Description,
		DisplayName:                         in.DisplayName,
		GrantPolicyID:                       in.GrantPolicyID,
		IdentityMatching:                    in.IdentityMatching,
		Instructions:                        in.Instructions,
		IsManuallyManaged:                   true, // "a new manual app without a connector"
		MonthlyCostUsd:                      in.MonthlyCostUsd,
		RevokePolicyID:                      in.RevokePolicyID,
		StrictAccessEntitlementProvisioning: in.StrictAccessEntitlementProvisioning,
		UpdatedAt:                           now,
		UserCount:                           "0",
	}
	st.putApp(app)
	return *app, nil
}

// UpdateApp changes the app id: it copies the fields that mask names (an update mask in its
// JSON form, comma-separated camelCase paths; nil or "" for every field changes holds; "*"
// for every writable field, those changes lacks set to their zero value) from changes, the
// request's app as JSON, and moves updatedAt to now when something changed. Output-only fields
// of changes are ignored unless the mask names them, which is a *MaskError, as an unknown path
// is. Nothing changes on error.
func (s *Store) UpdateApp(id string, changes json.RawMessage, mask *string) (fx.App, error) {
	a, err := s.updateApp(id, changes, mask)
	if err != nil {
		return fx.App{}, err
	}
	return *a, nil
}

func (s *Store) updateApp(id string, changes json.RawMessage, mask *string) (*fx.App, error) {
	body := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(changes)) > 0 && string(bytes.TrimSpace(changes)) != "null" {
		if err := json.Unmarshal(changes, &body); err != nil {
			return nil, &ValueError{Err: err}
		}
	}
	paths, all, err := s.appMask(body, mask)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.st.apps[id]
	if !ok {
		return nil, &NotFoundError{AppID: id}
	}
	clear := all || mask != nil && strings.TrimSpace(*mask) != ""
	app, ok := maskedApp(old, body, paths, clear)
	if !ok {
		var err error
		if app, err = maskedAppRoundTrip(old, body, paths, clear); err != nil {
			return nil, err
		}
	}
	app.ID = old.ID
	if app.IdentityMatching == "" {
		app.IdentityMatching = "APP_USER_IDENTITY_MATCHING_UNSPECIFIED" // the enum's zero value
	}
	if app == *old {
		return old, nil
	}
	app.UpdatedAt = fx.Time(s.clock())
	if err := s.checkApp(&app); err != nil {
		return nil, err
	}
	s.own().putApp(&app)
	return &app, nil
}

// maskedApp is old with the fields paths names taken from body (a value that is absent or null
// is the zero value when clear, else the field stays), copied field by field: what
// maskedAppRoundTrip does through JSON, which cost Apps.Update a hundred allocations. It says
// false where it might not give the round trip's result: a value it does not read as
// encoding/json would (a number that is no plain integer, a string with escapes it leaves to
// DecodeString's fallback is fine, anything of another type), or a stored string that is not
// valid UTF-8 (the round trip writes U+FFFD for it); the caller then takes the round trip,
// which words any error as before.
func maskedApp(old *fx.App, body map[string]json.RawMessage, paths []string, clear bool) (fx.App, bool) {
	app := *old
	v := reflect.ValueOf(&app).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String && !utf8.ValidString(f.String()) {
			return app, false
		}
	}
	index := appFieldIndex()
	for _, p := range paths {
		i, ok := index[p]
		if !ok {
			continue // a field of the spec's App the mock does not keep: the round trip drops it too
		}
		f := v.Field(i)
		raw, sent := body[p]
		if !sent || string(raw) == "null" {
			if clear {
				f.SetZero()
			}
			continue
		}
		switch f.Kind() {
		case reflect.String:
			s, ok := kit.DecodeString(raw)
			if !ok || raw[0] != '"' {
				return app, false
			}
			f.SetString(s)
		case reflect.Bool:
			switch string(raw) {
			case "true":
				f.SetBool(true)
			case "false":
				f.SetBool(false)
			default:
				return app, false
			}
		case reflect.Int:
			n, err := strconv.ParseInt(string(raw), 10, 64)
			if err != nil {
				return app, false
			}
			f.SetInt(n)
		default:
			return app, false
		}
	}
	return app, true
}

// appFieldIndex is fx.App's fields by their JSON names.
var appFieldIndex = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[fx.App]()
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[name] = i
	}
	return out
})

// maskedAppRoundTrip is maskedApp through JSON: old as a map, the named fields replaced or
// removed, decoded again. It is what Apps.Update always did, and decides the cases maskedApp
// leaves to it, errors included.
func maskedAppRoundTrip(old *fx.App, body map[string]json.RawMessage, paths []string, clear bool) (fx.App, error) {
	data, err := json.Marshal(old)
	if err != nil {
		return fx.App{}, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &m); err != nil {
		return fx.App{}, err
	}
	for _, p := range paths {
		if v, ok := body[p]; ok && string(v) != "null" {
			m[p] = v
		} else if clear {
			delete(m, p) // named and absent (or null): the zero value
		}
	}
	if data, err = json.Marshal(m); err != nil {
		return fx.App{}, err
	}
	var app fx.App
	if err := decodeJSON(data, &app); err != nil {
		return fx.App{}, &ValueError{Err: err}
	}
	return app, nil
}

// appMask is the list of app fields an update copies, and whether the mask is "*".
func (s *Store) appMask(body map[string]json.RawMessage, mask *string) ([]string, bool, error) {
	fields := s.schemas.appFields
	if mask == nil || strings.TrimSpace(*mask) == "" {
		var out []string
		for k := range body {
			if fields[k] {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out, false, nil
	}
	n := strings.Count(*mask, ",") + 1
	var out []string
	for p := range strings.SplitSeq(*mask, ",") {
		p = strings.TrimSpace(p)
		if p == "*" {
			if n > 1 {
				return nil, false, &MaskError{Path: p, Reason: reasonStarAlone}
			}
			for k, w := range fields {
				if w {
					out = append(out, k)
				}
			}
			slices.Sort(out)
			return out, true, nil
		}
		head, _, nested := strings.Cut(p, ".")
		writable, known := fields[head]
		switch {
		case !known:
			return nil, false, &MaskError{Path: p, Reason: reasonNoAppField}
		case nested:
			return nil, false, &MaskError{Path: p, Reason: reasonBelowLeaf}
		case !writable:
			return nil, false, &MaskError{Path: p, Reason: reasonOutputOnly}
		}
		out = append(out, p)
	}
	return out, false, nil
}

// DeleteApp removes the app and every connector of it, with their syncs and credentials: a
// connector cannot outlive its app.
func (s *Store) DeleteApp(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	if _, ok := s.st.apps[id]; !ok {
		return &NotFoundError{AppID: id}
	}
	st := s.own()
	if l := st.lists[id]; l != nil {
		for _, k := range slices.Clone(l.All()) {
			st.deleteConnector(k.e)
		}
		delete(st.lists, id)
	}
	st.appList.Delete(appKey{seq: st.appSeqs[id]})
	delete(st.appSeqs, id)
	delete(st.apps, id)
	return nil
}

// The page tokens of Apps.List and AppSearch.Search name no app: these keys stand in for it.
const (
	appsTokenKey   = "-apps"
	searchTokenKey = "-search"
)

// AppPage returns one page of the apps, in the order they were stored: at most size of them
// (0 means DefaultPageSize, more than MaxPageSize means MaxPageSize), after the one the token
// points at ("" for the first page), and the token of the next page, "" on the last one.
func (s *Store) AppPage(size int, token string) ([]fx.App, string, error) {
	page, next, err := s.appPage(size, token)
	if err != nil {
		return nil, "", err
	}
	out := make([]fx.App, len(page))
	for i, a := range page {
		out[i] = *a
	}
	return out, next, nil
}

func (s *Store) appPage(size int, token string) ([]*fx.App, string, error) {
	size = pageSize(size, 1)
	after, err := afterToken(appsTokenKey, token)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.st.appList
	keys := l.Page(l.Search(appKey{seq: after + 1}), size+1)
	next := ""
	if len(keys) > size {
		keys = keys[:size]
		next = pageToken(appsTokenKey, keys[size-1].seq)
	}
	out := make([]*fx.App, len(keys))
	for i, k := range keys {
		out[i] = k.app
	}
	return out, next, nil
}

// pageSize is the size of a page asked for with n: DefaultPageSize for 0, at least least,
// at most MaxPageSize.
func pageSize(n, least int) int {
	if n == 0 {
		return DefaultPageSize
	}
	return min(max(n, least), MaxPageSize)
}

func afterToken(key, token string) (uint64, error) {
	if token == "" {
		return 0, nil
	}
	return parseToken(key, token)
}

// AppQuery is what AppSearch.Search looks for (c1.api.app.v1.SearchAppsRequest); every part
// given must match.
type AppQuery struct {
	// AppIDs, when given, are the only apps that match; ExcludeAppIDs never match.
	AppIDs, ExcludeAppIDs []string
	// DisplayName matches an app whose display name is equal, ignoring case.
	DisplayName string
	// Query matches an app whose display name or description contains every word of it,
	// ignoring case.
	Query string
	// OnlyDirectories matches directories alone.
	OnlyDirectories bool
	// PolicyIDs match an app whose certify, grant or revoke policy is one of them.
	PolicyIDs []string
}

func (q *AppQuery) match(a *fx.App) bool {
	switch {
	case len(q.AppIDs) > 0 && !slices.Contains(q.AppIDs, a.ID),
		slices.Contains(q.ExcludeAppIDs, a.ID),
		q.DisplayName != "" && !strings.EqualFold(q.DisplayName, a.DisplayName),
		q.OnlyDirectories && !a.IsDirectory,
		len(q.PolicyIDs) > 0 && !slices.ContainsFunc(q.PolicyIDs, func(id string) bool {
			return id != "" && (id == a.CertifyPolicyID || id == a.GrantPolicyID || id == a.RevokePolicyID)
		}):
		return false
	}
	text := strings.ToLower(a.DisplayName + "\n" + a.Description)
	for w := range strings.FieldsSeq(strings.ToLower(q.Query)) {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// SearchApps returns one page of the apps that match q, in the order they were stored:
// at most size of them (0 means DefaultPageSize, less than 10 means 10, more than MaxPageSize
// means MaxPageSize), and the token of the next page. A page is found by walking the apps
// from the token's place until it is full, so it costs the apps it skips, not the store.
func (s *Store) SearchApps(q AppQuery, size int, token string) ([]fx.App, string, error) {
	page, next, err := s.searchApps(q, size, token)
	if err != nil {
		return nil, "", err
	}
	out := make([]fx.App, len(page))
	for i, a := range page {
		out[i] = *a
	}
	return out, next, nil
}

func (s *Store) searchApps(q AppQuery, size int, token string) ([]*fx.App, string, error) {
	if size < 0 {
		return nil, "", &InvalidError{Fields: []FieldError{{Field: "pageSize", Message: fmt.Sprintf(msgPageSizeRange, size)}}}
	}
	size = pageSize(size, 10)
	after, err := afterToken(searchTokenKey, token)
	if err != nil {
		return nil, "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	l := s.st.appList
	out := []*fx.App{}
	next := ""
	for i := l.Search(appKey{seq: after + 1}); i < l.Len(); i++ {
		k := l.Page(i, 1)[0]
		if !q.match(k.app) {
			continue
		}
		if len(out) == size {
			next = pageToken(searchTokenKey, s.st.appSeqs[out[size-1].ID])
			break
		}
		out = append(out, k.app)
	}
	return out, next, nil
}

// The HTTP side.

type appBody struct {
	App *fx.App `json:"app"` // a stored value, rendered as it is
}

type appListBody struct {
	List          []*fx.App `json:"list"`
	NextPageToken string    `json:"nextPageToken"`
}

// listApps serves GET /api/v1/apps.
func (a *API) listApps(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
	q := r.URL.Query()
	size, _ := strconv.Atoi(q.Get("page_size"))
	if size < 0 {
		a.writeError(w, failure(&InvalidError{Fields: []FieldError{{Field: "page_size", Message: fmt.Sprintf(msgNegative, size)}}}))
		return
	}
	page, next, err := a.store.appPage(size, q.Get("page_token"))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, appListBody{page, next})
}

// createApp serves POST /api/v1/apps.
func (a *API) createApp(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in NewApp
	if !a.decode(w, c, &in) {
		return
	}
	app, err := a.store.CreateApp(in)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, appBody{&app})
}

// getApp serves GET /api/v1/apps/{id}.
func (a *API) getApp(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	app, err := a.store.app(c.Params["id"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, appBody{app})
}

type updateAppRequest struct {
	App        json.RawMessage `json:"app"`
	UpdateMask *string         `json:"updateMask"`
}

// updateApp serves POST /api/v1/apps/{id}.
func (a *API) updateApp(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in updateAppRequest
	if !a.decode(w, c, &in) {
		return
	}
	app, err := a.store.updateApp(c.Params["id"], in.App, in.UpdateMask)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, appBody{app})
}

// deleteApp serves DELETE /api/v1/apps/{id}.
func (a *API) deleteApp(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if err := a.store.DeleteApp(c.Params["id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

type searchRequest struct {
	AppIDs          []string `json:"appIds"`
	DisplayName     string   `json:"displayName"`
	ExcludeAppIDs   []string `json:"excludeAppIds"`
	OnlyDirectories bool     `json:"onlyDirectories"`
	PageSize        int      `json:"pageSize"`
	PageToken       string   `json:"pageToken"`
	PolicyRefs      []struct {
		ID string `json:"id"`
	} `json:"policyRefs"`
	Query string `json:"query"`
}

// searchApps serves POST /api/v1/search/apps.
func (a *API) searchApps(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in searchRequest
	if !a.decode(w, c, &in) {
		return
	}
	q := AppQuery{AppIDs: in.AppIDs, ExcludeAppIDs: in.ExcludeAppIDs, DisplayName: in.DisplayName, Query: in.Query, OnlyDirectories: in.OnlyDirectories}
	for _, p := range in.PolicyRefs {
		q.PolicyIDs = append(q.PolicyIDs, p.ID)
	}
	page, next, err := a.store.searchApps(q, in.PageSize, in.PageToken)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, appListBody{page, next})
}
