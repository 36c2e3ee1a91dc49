package conductorone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The reference: the answers as they were written before json.go, by encoding/json, with the
// expander that built them (its views held their JSONPaths as strings, its expanded array
// held the objects as encoding/json writes them). The encoder and the expander are held to it
// together, byte for byte.

type refView struct {
	AppPath   string        `json:"appPath,omitempty"`
	Connector *fx.Connector `json:"connector"`
	UsersPath string        `json:"usersPath,omitempty"`
}

type refViewBody struct {
	ConnectorView refView `json:"connectorView"`
	Expanded      []any   `json:"expanded"`
}

type refListBody struct {
	Expanded      []any     `json:"expanded"`
	List          []refView `json:"list"`
	NextPageToken string    `json:"nextPageToken"`
}

type refExpander struct {
	api   *API
	want  expansion
	items []any
	index map[expandedKey]int
}

func (x *refExpander) view(c *fx.Connector) (refView, error) {
	v := refView{Connector: c}
	if x.want.app {
		i, ok := x.index[expandedKey{id: c.AppID}]
		if !ok {
			app, err := x.api.store.app(c.AppID)
			if err != nil {
				return v, err
			}
			i = x.add(expandedKey{id: c.AppID}, expandedApp{typeApp, app})
		}
		v.AppPath = "expanded[" + strconv.Itoa(i) + "]"
	}
	if x.want.users && len(c.UserIDs) > 0 {
		idx := make([]string, 0, len(c.UserIDs))
		for _, id := range c.UserIDs {
			i, ok := x.index[expandedKey{user: true, id: id}]
			if !ok {
				i = x.add(expandedKey{user: true, id: id}, &expandedUser{Type: typeUser, User: fx.UserFor(x.api.store.Seed(), id)})
			}
			if s := strconv.Itoa(i); !slices.Contains(idx, s) {
				idx = append(idx, s)
			}
		}
		v.UsersPath = "expanded[" + strings.Join(idx, ",") + "]"
	}
	return v, nil
}

func (x *refExpander) add(key expandedKey, item any) int {
	if x.index == nil {
		x.index = map[expandedKey]int{}
	}
	x.items = append(x.items, item)
	x.index[key] = len(x.items) - 1
	return len(x.items) - 1
}

func (x *refExpander) expanded() []any {
	if x.items == nil {
		return []any{}
	}
	return x.items
}

// refAnswer is the reference's answer of one connector: (*API).answer as it was.
func refAnswer(w http.ResponseWriter, a *API, want expansion, c *fx.Connector) {
	x := refExpander{api: a, want: want}
	v, err := x.view(c)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, refViewBody{ConnectorView: v, Expanded: x.expanded()})
}

// refList is the reference's answer of a page: (*API).list's loop as it was.
func refList(w http.ResponseWriter, a *API, want expansion, page []*fx.Connector, next string) {
	x := refExpander{api: a, want: want}
	body := refListBody{List: make([]refView, len(page)), NextPageToken: next}
	for i, c := range page {
		var err error
		if body.List[i], err = x.view(c); err != nil {
			a.writeError(w, failure(err))
			return
		}
	}
	body.Expanded = x.expanded()
	kit.WriteJSON(w, http.StatusOK, body)
}

// newAnswer and newList are the same answers as the handlers write them now.
func newAnswer(w http.ResponseWriter, a *API, want expansion, c *fx.Connector) {
	x := expander{api: a, want: want}
	a.answer(w, &x, c)
}

func newList(w http.ResponseWriter, a *API, want expansion, page []*fx.Connector, next string) {
	x := expander{api: a, want: want}
	body := listAnswer{list: make([]connectorView, len(page)), next: next}
	for i, c := range page {
		var err error
		if body.list[i], err = x.view(c); err != nil {
			a.writeError(w, failure(err))
			return
		}
	}
	body.expanded = x.items
	writeAnswer(w, body)
}

// tricky is every kind of character encoding/json escapes, or must not.
const tricky = "a\"b\\c/d\b\f\n\r\t\x00\x1f\x7f<string>&é\u2028\u2029😀\xff\xc3"

// fill sets every field v holds (pointers, lists of two, strings to s, numbers to n, raw
// values not compacted): a field added to the fixtures shows up, written.
func fill(v reflect.Value, s string, n int64) {
	if v.Type() == reflect.TypeFor[fixtures.RawJSON]() {
		v.SetBytes([]byte("{ \"@type\" : \"x y\", \"k\" : [1, 2.50, null, {\"z\":\"\\u2028<&>\u2028\"}] }"))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		v.SetInt(n)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s, n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), s+strconv.Itoa(i), n+int64(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), s, n)
		}
	default:
		panic(fmt.Sprintf("fill: a %s field: teach fill and the encoder", v.Type()))
	}
}

// encoderAPI is an API whose store holds, beside the default seed's apps, apps with every
// field set (to tricky strings among them) and one with no field but its id.
func encoderAPI(t testing.TB) (*API, []string) {
	t.Helper()
	v, err := newVendor(vendorapi.Config{Seed: fixtures.DefaultSeed, Connectors: 10, Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	a := v.(*mounted).API
	var apps []fx.App
	for i, s := range []string{tricky, "", "plain", "\u2028", "<string>"} {
		var app fx.App
		fill(reflect.ValueOf(&app).Elem(), s, int64(i)-2)
		app.ID = "app-" + strconv.Itoa(i) + s
		apps = append(apps, app)
	}
	apps = append(apps, fx.App{ID: "bare-app"})
	for _, seed := range []uint64{1, 2, 3} {
		apps = append(apps, fx.Apps(seed)...)
	}
	a.store.mu.Lock()
	st := a.store.own()
	for i := range apps {
		st.putApp(&apps[i])
	}
	var ids []string
	for id := range st.apps {
		ids = append(ids, id)
	}
	a.store.mu.Unlock()
	slices.Sort(ids)
	return a, ids
}

// encoderConnectors are connectors to write: generated ones of many seeds, the documented one,
// ones with every field set, with nil and empty lists, with odd configs, and none set.
func encoderConnectors(r *rand.Rand, appIDs []string) []fx.Connector {
	var out []fx.Connector
	for seed := range uint64(30) {
		out = append(out, fx.Connectors(seed+1, 20)...)
	}
	out = append(out, fx.Documented(), fx.Documented().Clone(), fx.NewConnector(fx.WithSeed(9, 9)))
	for i, s := range []string{tricky, "", "x", "\u2028\u2029", "<string>", "\xed\xa0\x80"} {
		var c fx.Connector
		fill(reflect.ValueOf(&c).Elem(), s, int64(i))
		out = append(out, c)
	}
	empty := fx.Connector{ProfileAllowList: []string{}, ProfileIgnoreList: []string{}, UserIDs: []string{},
		SyncConfig: &fx.SyncConfig{SyncResourceTypeIDs: []string{}}, ConnectorSyncCronSchedule: &fx.CronSchedule{}}
	out = append(out, empty, fx.Connector{}, fx.Connector{SyncConfig: &fx.SyncConfig{}})
	for i, cfg := range []string{`{}`, `{"@type":"a b"}`, "{\n\t\"@type\" : \"x\" ,\r\n \"n\": 1e400 }", `{"@type":"\u003c"}`, "[ ]", `"s"`, `null`} {
		c := fx.NewConnector(fx.WithSeed(4, i))
		c.Config = fixtures.RawJSON(cfg)
		out = append(out, c)
	}
	for i, at := range []string{"", "2019-12-27T18:11:19.117Z", "2026-01-01T01:00:00+01:00"} {
		c := fx.NewConnector(fx.WithSeed(5, i))
		c.CreatedAt, c.UpdatedAt, c.Status.CompletedAt, c.Status.StartedAt, c.Status.UpdatedAt = at, at, at, at, at
		c.OAuthAuthorizedAs = fx.OAuth2AuthorizedAs{AuthorizedAt: at}
		c.ConnectorSyncCronSchedule = &fx.CronSchedule{Start: at, Timezone: at}
		out = append(out, c)
	}
	// Users: repeated within a connector and across them, and ids to escape.
	users := []string{"u1", "u2", "u3", tricky, "<string>", "\u2028"}
	for i := range out {
		c := &out[i]
		c.AppID = appIDs[r.IntN(len(appIDs))]
		switch r.IntN(4) {
		case 0:
			c.UserIDs = nil
		case 1:
			c.UserIDs = []string{}
		case 2:
			c.UserIDs = nil
			for range 1 + r.IntN(4) {
				c.UserIDs = append(c.UserIDs, users[r.IntN(len(users))])
			}
		}
	}
	return out
}

// TestEncoderMatchesEncodingJSON: every connector answer (a view, a page) is byte for byte
// what the expander and encoding/json wrote before, headers included, for every expansion.
func TestEncoderMatchesEncodingJSON(t *testing.T) {
	a, appIDs := encoderAPI(t)
	r := rand.New(rand.NewPCG(7, 2026))
	values := encoderConnectors(r, appIDs)
	unknown := fx.Documented()
	unknown.AppID = "no-such-app" // a 404 from the expander, alike
	values = append(values, unknown)
	wants := []expansion{{}, {app: true}, {users: true}, {app: true, users: true}}

	same := func(what string, ref, got *httptest.ResponseRecorder) {
		t.Helper()
		if ref.Body.String() != got.Body.String() || ref.Code != got.Code || !reflect.DeepEqual(ref.Header(), got.Header()) {
			t.Fatalf("%s: encoding/json wrote %d %v\n%s\nthe encoder %d %v\n%s", what, ref.Code, ref.Header(), ref.Body, got.Code, got.Header(), got.Body)
		}
	}
	for i := range values {
		for _, want := range wants {
			ref, got := httptest.NewRecorder(), httptest.NewRecorder()
			refAnswer(ref, a, want, &values[i])
			newAnswer(got, a, want, &values[i])
			same(fmt.Sprintf("connector %d, %+v", i, want), ref, got)
		}
	}
	nexts := []string{"", "bmV4dA", tricky}
	for n := range 300 {
		page := make([]*fx.Connector, r.IntN(40))
		for i := range page {
			page[i] = &values[r.IntN(len(values)-1)]
		}
		if n%50 == 0 {
			page = append(page, &values[len(values)-1]) // one of an unknown app
		}
		want, next := wants[r.IntN(len(wants))], nexts[r.IntN(len(nexts))]
		ref, got := httptest.NewRecorder(), httptest.NewRecorder()
		refList(ref, a, want, page, next)
		newList(got, a, want, page, next)
		same(fmt.Sprintf("page %d of %d, %+v", n, len(page), want), ref, got)
	}
	// Every stored connector's page with everything expanded: many users, past linearItems.
	var page []*fx.Connector
	for i := range values[:len(values)-1] {
		page = append(page, &values[i])
	}
	ref, got := httptest.NewRecorder(), httptest.NewRecorder()
	refList(ref, a, wants[3], page, "")
	newList(got, a, wants[3], page, "")
	same("every connector", ref, got)
	// A nil list, and an app item with no app (neither is built by the handlers).
	ref, got = httptest.NewRecorder(), httptest.NewRecorder()
	kit.WriteJSON(ref, http.StatusOK, refListBody{Expanded: []any{expandedApp{typeApp, nil}, expandedApp{typeApp, &fx.App{}}}})
	writeAnswer(got, listAnswer{expanded: []expandedItem{{}, {app: &fx.App{}}}})
	same("nil list", ref, got)
}

// FuzzEncoderStrings: any string, in any string field of a connector, its app or a user id,
// and any raw config that is JSON, is written as encoding/json writes it.
func FuzzEncoderStrings(f *testing.F) {
	for _, s := range []string{"", tricky, "plain", "\u2027\u202a", "\xed\xa0\x80", "\U0010ffff", "<string>"} {
		f.Add(s, []byte(`{"@type":"x"}`))
	}
	f.Add("", []byte("{ \"a\" : [ 1 , \"\u2028 \" ] }\n"))
	f.Fuzz(func(t *testing.T, s string, config []byte) {
		var c fx.Connector
		fill(reflect.ValueOf(&c).Elem(), s, 3)
		if json.Valid(config) {
			c.Config = config
		}
		app := fx.App{ID: s}
		fill(reflect.ValueOf(&app).Elem(), s, 4)
		user := &expandedUser{Type: typeUser, User: fx.User{ID: s, DisplayName: s, Email: s, Status: s, Username: s}}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		ref := refListBody{Expanded: []any{expandedApp{typeApp, &app}, user},
			List: []refView{{AppPath: "expanded[0]", Connector: &c, UsersPath: "expanded[1]"}}, NextPageToken: s}
		if err := enc.Encode(ref); err != nil {
			t.Fatal(err)
		}
		got := listAnswer{expanded: []expandedItem{{app: &app}, {user: user}},
			list: []connectorView{{connector: &c, app: 0, users: []int{1}}}, next: s}
		if b := append(got.AppendJSON(nil), '\n'); !bytes.Equal(b, want.Bytes()) {
			t.Fatalf("encoding/json wrote\n%s\nthe encoder\n%s", want.Bytes(), b)
		}
	})
}

// TestEncoderRefusesInvalidRaw: a config that is not JSON (the store refuses one, so only a
// bug gets here) panics; the server answers that 500.
func TestEncoderRefusesInvalidRaw(t *testing.T) {
	c := fx.Documented()
	c.Config = fixtures.RawJSON(`{"a": nope}`)
	defer func() {
		if p := recover(); p == nil || !strings.Contains(fmt.Sprint(p), "not JSON") {
			t.Fatalf("recovered %v, want the encoder's panic", p)
		}
	}()
	writeAnswer(httptest.NewRecorder(), viewAnswer{view: connectorView{connector: &c, app: -1}})
}

// TestStorableIsClone: storable gives what Clone gives, on connectors whose every list and
// pointer is, at random, nil, empty or set (so a field Clone learns to treat fails here too),
// and with the status unset or set.
func TestStorableIsClone(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 2026))
	values := encoderConnectors(r, []string{"app"})
	values = append(values, oddConnectors()...)
	for i := range 2_000 {
		var c fx.Connector
		fill(reflect.ValueOf(&c).Elem(), strconv.Itoa(i), int64(i))
		v := reflect.ValueOf(&c).Elem()
		for j := range v.NumField() {
			f := v.Field(j)
			switch f.Kind() {
			case reflect.Slice, reflect.Pointer:
				switch r.IntN(3) {
				case 0:
					f.SetZero()
				case 1:
					if f.Kind() == reflect.Slice {
						f.Set(reflect.MakeSlice(f.Type(), 0, 0))
					}
				}
			}
		}
		if c.SyncConfig != nil && r.IntN(2) == 0 {
			c.SyncConfig.SyncResourceTypeIDs = nil
		}
		if r.IntN(2) == 0 {
			c.Status.Status = ""
		}
		values = append(values, c)
	}
	for i, c := range values {
		want := c.Clone()
		got := c
		storable(&got)
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("value %d: Clone gives\n%#v\nstorable\n%#v", i, want, got)
		}
	}
}

// TestTimestampIsFxTime: timestamp writes what fx.Time writes, at every precision, in any
// location, for years of one to four digits and beyond.
func TestTimestampIsFxTime(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	zones := []*time.Location{time.UTC, time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -11*3600), time.Local}
	times := []time.Time{{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(999, 1, 2, 3, 4, 5, 6, time.UTC)}
	for range 100_000 {
		ns := r.IntN(1_000_000_000)
		switch r.IntN(4) {
		case 0:
			ns = 0
		case 1:
			ns -= ns % 1_000_000
		case 2:
			ns -= ns % 1_000
		}
		sec := r.Int64N(400*365*86400) - 100*365*86400 // 1870 to 2370
		if r.IntN(20) == 0 {
			sec = r.Int64N(1<<40) - 1<<39
		}
		times = append(times, time.Unix(sec, int64(ns)).In(zones[r.IntN(len(zones))]))
	}
	for _, tm := range times {
		if got, want := timestamp(tm), fx.Time(tm); got != want {
			t.Fatalf("%v: fx.Time writes %q, timestamp %q", tm, want, got)
		}
	}
}
