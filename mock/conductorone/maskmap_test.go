package conductorone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
)

// The update mask as it was first applied: to the connector as a map (the stored connector as
// JSON, the request's values copied in path by path, the result decoded back). It is kept
// here as the reference the typed apply must match, answer for answer and error for error.

// mapUpdate is Update as it was: body is the request's body, old the stored connector.
func mapUpdate(root *field, old fx.Connector, body []byte, now time.Time) (fx.Connector, error) {
	type updateRequest struct { // the request as it was decoded
		Connector  map[string]any `json:"connector"`
		ExpandMask expandMask     `json:"expandMask"`
		UpdateMask *string        `json:"updateMask"`
	}
	var in updateRequest
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := decodeJSON(body, &in); err != nil {
			return fx.Connector{}, &ValueError{Err: err}
		}
	}
	m, err := parseMask(root, in.UpdateMask)
	if err != nil {
		return fx.Connector{}, err
	}
	paths := make([][]string, len(m.paths))
	for i, p := range m.paths {
		paths[i] = []string{p.top.name}
		if p.sub != nil {
			paths[i] = append(paths[i], p.sub.name)
		}
	}
	doc, err := toMap(old)
	if err != nil {
		return fx.Connector{}, err
	}
	mapApply(root, m.all, paths, doc, in.Connector)
	c, err := fromMap(doc)
	if err != nil {
		return fx.Connector{}, err
	}
	c.ID, c.AppID = old.ID, old.AppID
	normaliseTimes(&c)
	c.UpdatedAt = fx.Time(now)
	return c.Clone(), nil
}

// mapApply copies the fields the mask names from src (the request's connector) to dst (the
// stored one, as JSON): a named field that src lacks or sets to null is cleared.
func mapApply(root *field, all bool, paths [][]string, dst, src map[string]any) {
	switch {
	case all:
		for name, f := range root.children {
			if f.mutable() {
				paths = append(paths, []string{name})
			}
		}
	case len(paths) == 0:
		paths = mapPresent(root, src, nil)
	}
	for _, p := range paths {
		if v, ok := mapLookup(src, p); ok && v != nil {
			mapSet(dst, p, v)
		} else {
			mapUnset(dst, p)
		}
	}
}

// mapPresent is the implicit mask of src: the paths of the leaves it sets (not to null).
func mapPresent(node *field, src map[string]any, prefix []string) [][]string {
	var out [][]string
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, name := range keys {
		f, v := node.children[name], src[name]
		if f == nil || !f.mutable() || v == nil {
			continue
		}
		path := append(slices.Clone(prefix), name)
		if obj, ok := v.(map[string]any); ok && f.children != nil {
			out = append(out, mapPresent(f, obj, path)...)
			continue
		}
		out = append(out, path)
	}
	return out
}

func mapLookup(m map[string]any, path []string) (any, bool) {
	var v any = m
	for _, seg := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[seg]; !ok {
			return nil, false
		}
	}
	return v, true
}

func mapSet(m map[string]any, path []string, v any) {
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[seg] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

func mapUnset(m map[string]any, path []string) {
	for _, seg := range path[:len(path)-1] {
		next, ok := m[seg].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, path[len(path)-1])
}

func toMap(c fx.Connector) (map[string]any, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	err = decodeJSON(data, &m)
	return m, err
}

func fromMap(m map[string]any) (fx.Connector, error) {
	var c fx.Connector
	data, err := json.Marshal(m)
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil {
		return c, &ValueError{Err: err}
	}
	return c, nil
}

// typedUpdate is Update as it is, on the same inputs.
func typedUpdate(root *field, old *entry, body []byte, now time.Time) (fx.Connector, error) {
	in, err := decodeUpdate(body)
	if err != nil {
		return fx.Connector{}, err
	}
	m, err := parseMask(root, in.UpdateMask)
	if err != nil {
		return fx.Connector{}, err
	}
	return m.update(root, old, &in.Connector, now)
}

// sameUpdate fails unless the typed apply gives what the map gave for body on old, then on
// the result again (an updated connector is stored as normal: normalise is skipped on it).
func sameUpdate(t *testing.T, root *field, old fx.Connector, body []byte) {
	t.Helper()
	sameRequest(t, body)
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	want, wantErr := mapUpdate(root, old, body, now)
	stored := old.Clone()
	normal := stored.Clone()
	got, err := typedUpdate(root, &entry{c: stored, normal: normalise(&normal) == nil && reflect.DeepEqual(normal, stored)}, body, now)
	checkSame(t, "update", body, old, want, wantErr, got, err)
	if !reflect.DeepEqual(stored, old.Clone()) {
		t.Fatalf("the update changed the stored value:\n%#v\nwas\n%#v\nbody %q", stored, old, body)
	}
	if err != nil {
		return
	}
	again, againErr := mapUpdate(root, want, body, now)
	stored = got.Clone()
	got, err = typedUpdate(root, &entry{c: stored, normal: true}, body, now)
	checkSame(t, "update of the updated", body, want, again, againErr, got, err)
	if !reflect.DeepEqual(stored, want) {
		t.Fatalf("the update changed the stored value:\n%#v\nwas\n%#v\nbody %q", stored, want, body)
	}
}

// sameRequest fails unless decodeUpdate reads body's masks as decoding it did, errors alike.
func sameRequest(t *testing.T, body []byte) {
	t.Helper()
	type updateRequest struct {
		Connector  map[string]any `json:"connector"`
		ExpandMask expandMask     `json:"expandMask"`
		UpdateMask *string        `json:"updateMask"`
	}
	var want updateRequest
	var wantErr error
	if len(strings.TrimSpace(string(body))) > 0 {
		if wantErr = decodeJSON(body, &want); wantErr != nil {
			wantErr = &ValueError{Err: wantErr}
		}
	}
	got, err := decodeUpdate(body)
	switch {
	case (wantErr == nil) != (err == nil) || wantErr != nil && wantErr.Error() != err.Error():
		t.Fatalf("decoding answered %v, decodeUpdate %v\nbody %q", wantErr, err, body)
	case err == nil && !reflect.DeepEqual(want.ExpandMask, got.ExpandMask):
		t.Fatalf("decoding read expandMask %#v, decodeUpdate %#v\nbody %q", want.ExpandMask, got.ExpandMask, body)
	case err == nil && !reflect.DeepEqual(want.UpdateMask, got.UpdateMask):
		t.Fatalf("decoding read updateMask %v, decodeUpdate %v\nbody %q", want.UpdateMask, got.UpdateMask, body)
	}
	sameValidated(t, body, got, err)
}

// sameValidated fails unless decodeValidated reads body as decodeUpdate did (got, err), when
// body is what the pipeline hands a handler: its first JSON value valid, whatever follows.
func sameValidated(t *testing.T, body []byte, got updateRequest, err error) {
	t.Helper()
	var first any
	if json.NewDecoder(bytes.NewReader(body)).Decode(&first) != nil {
		return // the pipeline refuses it: no handler sees it
	}
	vgot, verr := decodeValidated(body)
	switch {
	case (err == nil) != (verr == nil) || err != nil && (err.Error() != verr.Error() || reflect.TypeOf(err) != reflect.TypeOf(verr)):
		t.Fatalf("decodeUpdate answered %v, decodeValidated %v\nbody %q", err, verr, body)
	case err == nil && (!reflect.DeepEqual(got.ExpandMask, vgot.ExpandMask) || !reflect.DeepEqual(got.UpdateMask, vgot.UpdateMask) ||
		!reflect.DeepEqual(patchObjects(got.Connector), patchObjects(vgot.Connector)) || got.Connector.invalid != vgot.Connector.invalid):
		t.Fatalf("decodeUpdate read %#v, decodeValidated %#v\nbody %q", got, vgot, body)
	}
}

// patchObjects is p's connector objects in order, wherever p keeps them.
func patchObjects(p patch) [][]byte {
	if p.one != nil {
		return append([][]byte{p.one}, p.objs...)
	}
	return p.objs
}

// TestDecodeValidated: a body the pipeline let through with data after its JSON value (under
// a content type that does not refuse it) reads as encoding/json's decoding of its first value
// reads it, which is what decodeUpdate gives for it.
func TestDecodeValidated(t *testing.T) {
	root := testFields(t)
	bodies := append([]string{`[1]`, `"s"`, `null`, `true`, `{"connector":7}`}, oddBodies...)
	for _, seed := range updateSeeds {
		bodies = append(bodies, string(updateBody(seed[0], seed[1], seed[2])))
	}
	r := rand.New(rand.NewPCG(13, 2026))
	for range 1_000 {
		bodies = append(bodies, string(bodyGen{r: r, root: root}.body()))
	}
	n := 0
	for _, body := range bodies {
		for _, tail := range []string{"", " ", "\n x", "}", "{}", ` {"connector":null}`, "\t[1,", `"`} {
			b := []byte(" " + body + tail)
			got, err := decodeUpdate(b)
			sameValidated(t, b, got, err)
			n++
		}
	}
	t.Logf("%d bodies", n)
}

func checkSame(t *testing.T, what string, body []byte, old, want fx.Connector, wantErr error, got fx.Connector, err error) {
	t.Helper()
	switch {
	case (wantErr == nil) != (err == nil) || wantErr != nil && (wantErr.Error() != err.Error() || reflect.TypeOf(wantErr) != reflect.TypeOf(err)):
		t.Fatalf("%s: the map answered %T %v, the typed apply %T %v\nbody %q\nold %#v", what, wantErr, wantErr, err, err, body, old)
	case wantErr == nil && !reflect.DeepEqual(want, got):
		t.Fatalf("%s: the map gave\n%#v\nthe typed apply\n%#v\nbody %q\nold %#v", what, want, got, body, old)
	}
}

func testFields(t testing.TB) *field {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	return spec.fields
}

// updateSeeds are FuzzUpdate's seeds (connector, updateMask and expandMask fragments).
var updateSeeds = [][3]string{
	{`{"displayName":"displayName","description":"description","profileAllowList":["string"]}`, `"displayName,description,profileAllowList"`, `{"paths":["*"]}`},
	{`{"displayName":"x"}`, ``, ``},
	{`{"status":{"lastError":"boom","status":"SYNC_STATUS_DONE","startedAt":"2026-01-01T01:00:00+01:00"}}`, `"status.lastError,status.startedAt"`, `{"paths":["app_id"]}`},
	{`{}`, `"*"`, ``},
	{`{"config":{"@type":"type.googleapis.com/x","a":[1,{"b":null}]}}`, `"config"`, `{"paths":[]}`},
	{`{"connectorSyncCronSchedule":{"cronSpec":"0 * * * *","start":"2026-01-01T00:00:00Z"}}`, `"connectorSyncCronSchedule.cronSpec"`, ``},
	{`{"createdAt":"2020-01-01T00:00:00Z","id":"other","appId":"other"}`, ``, ``},
	{`{"displayName":"x"}`, `"createdAt"`, ``},
	{`{"displayName":"x"}`, `"appId"`, ``},
	{`{"displayName":"x"}`, `"displayName.sub"`, ``},
	{`{"displayName":"x"}`, `"*,displayName"`, ``},
	{`{"displayName":"x"}`, `",,"`, ``},
	{`{"displayName":"x"}`, `""`, `{"paths":["users"]}`},
	{`{"displayName":7}`, `5`, `null`},
	{`{"status":{"status":"DONE"}}`, ``, ``},
	{`{"config":{"a":1}}`, ``, ``},
	{`{"userIds":null,"profileAllowList":[null]}`, `"userIds"`, ``},
	{`{"status":{"completedAt":"not a time"}}`, `"status.completedAt"`, ``},
	{`{"oauthAuthorizedAs":{"authorizedAt":"2020-01-01T00:00:00Z"}}`, `"oauthAuthorizedAs"`, ``},
	{`{"description":"\u0000\ud800"}`, `"description"`, `{"paths":"*"}`},
	{`[`, ``, ``},
	{`null`, `null`, `{}`},
	// Odd bodies that the map read in its own way.
	{`{"status":{"LastError":"x","lastError":"y"}}`, `"status"`, ``},
	{`{"status":{"lastError":"y","LASTERROR":"x"}}`, `"status,status.lastError"`, ``},
	{`{"status":{"LastError":7}}`, `"*"`, ``},
	{`{"connectorSyncCronSchedule":{"ſtart":"2026-01-01T00:00:00Z","start":"x"}}`, `"connectorSyncCronSchedule"`, ``},
	{`{"syncConfig":{"SyncResourceTypeIds":["a"],"syncResourceTypeIds":null}}`, `"syncConfig,syncConfig.syncResourceTypeIds"`, ``},
	{`{"syncConfig":{"SyncResourceTypeIds":["a"],"syncResourceTypeIds":null}}`, `"syncConfig.syncResourceTypeIds,syncConfig"`, ``},
	{`{"syncConfig":{"syncResourceTypeIds":[7]}}`, `"syncConfig.syncResourceTypeIds"`, ``},
	{`{"status":{"lastError":"a","lastError":null}}`, ``, ``},
	{`{"status":{"lastError":"a","lastError":null}}`, `"status"`, ``},
	{`{"DisplayName":"x","displayName":"y","displayName":"z"}`, ``, ``},
	{`{"config":{"b":"<&>","a":1.50,"@type":"x"}}`, `"config"`, ``},
}

// oddBodies are whole bodies that no seed assembles: not objects, not JSON, repeated keys.
var oddBodies = []string{
	``, ` `, `null`, `[]`, `"x"`, `7`, `{}`, `{} trailing`, `{"connector":{}} {"x":1}`,
	`{"connector":{"a":tru}}`, `{"updateMask":"x",}`, `{"connector":{},"updateMask":"\x"}`, `{"connector":{"displayName":"a"}`,
	`{"expandMask":{"paths":["a"],"paths":null}}`, `{"expandMask":{"paths":["a"],"paths":["b"]}}`,
	`{"connector":{"displayName":"a"},"connector":{"description":"b"},"updateMask":"displayName,description"}`,
	`{"connector":{"displayName":"a"},"connector":null,"connector":{"description":"b"}}`,
	`{"connector":{"displayName":"a"},"Connector":7}`, `{"ExpandMask":5,"Connector":"x"}`, `{"Connector":[],"ExpandMask":5}`,
	`{"updateMask":"displayName","updateMask":null,"connector":{"displayName":"a"}}`, `{"\u0063onnector":{"displayName":"a"}}`,
}

// TestMaskMatchesMapApply: the typed apply gives what the map gave, on FuzzUpdate's seeds and
// on random masks, bodies (odd ones included) and stored connectors.
func TestMaskMatchesMapApply(t *testing.T) {
	root := testFields(t)
	olds := oddConnectors()
	for _, seed := range updateSeeds {
		body := updateBody(seed[0], seed[1], seed[2])
		for _, old := range olds {
			sameUpdate(t, root, old, body)
		}
	}
	for _, body := range oddBodies {
		for _, old := range olds {
			sameUpdate(t, root, old, []byte(body))
		}
	}
	// A few thousand bodies keep the race run short; go test -fuzz FuzzMaskMatchesMapApply
	// searches further.
	r := rand.New(rand.NewPCG(12, 2026))
	for range 3_000 {
		g := bodyGen{r: r, root: root}
		sameUpdate(t, root, olds[r.IntN(len(olds))], g.body())
	}
}

// FuzzMaskMatchesMapApply is TestMaskMatchesMapApply's check on fuzzed bodies.
func FuzzMaskMatchesMapApply(f *testing.F) {
	for _, seed := range updateSeeds {
		f.Add([]byte(updateBody(seed[0], seed[1], seed[2])), uint8(0))
	}
	for _, body := range oddBodies {
		f.Add([]byte(body), uint8(0))
	}
	root := testFields(f)
	olds := oddConnectors()
	f.Fuzz(func(t *testing.T, body []byte, old uint8) {
		sameUpdate(t, root, olds[int(old)%len(olds)], body)
	})
}

func updateBody(connector, mask, expand string) []byte {
	var parts []string
	for _, p := range [][2]string{{"connector", connector}, {"updateMask", mask}, {"expandMask", expand}} {
		if p[1] != "" {
			parts = append(parts, `"`+p[0]+`":`+p[1])
		}
	}
	return []byte("{" + strings.Join(parts, ",") + "}")
}

// oddConnectors are stored connectors to update: the documented and a generated one, and
// builder ones with what a Go caller may Put (invalid UTF-8, a config not in canonical form,
// empty and missing messages).
func oddConnectors() []fx.Connector {
	yes, no := true, false
	odd := fx.NewConnector(fx.WithSeed(1, 1))
	odd.DisplayName = "bad \xff\xfe utf-8"
	odd.ProfileAllowList = []string{"ok", "\xc3"}
	odd.Status.LastError = "\xed\xa0\x80"
	odd.DownloadURL = "https://x/\xff"
	odd.Config = fixtures.RawJSON(`{ "z" : [1, 2.50, {"y":null}], "@type" : "x<y>&" }`)
	odd.ConnectorSyncCronSchedule = &fx.CronSchedule{}
	odd.SyncConfig = &fx.SyncConfig{}
	odd.CanResumeSync, odd.DisableCheckBadSync = &yes, &no
	full := fx.NewConnector(fx.WithSeed(1, 2))
	full.ConnectorSyncCronSchedule = &fx.CronSchedule{CronSpec: "0 * * * *", Start: "2026-01-01T01:00:00+01:00", Timezone: "UTC"}
	full.SyncConfig = &fx.SyncConfig{SyncResourceTypeIDs: []string{"a", "b"}}
	full.OAuthAuthorizedAs = fx.OAuth2AuthorizedAs{AuthEmail: "a@b.c", AuthorizedAt: "2026-01-01T00:00:00Z"}
	full.DeletedAt, full.DownloadURL = "2026-01-02T00:00:00Z", "https://x/"
	full.Config = fixtures.RawJSON(`{"@type":"x"}`) // with the rest, as it reads back from JSON (normal)
	nulls := fx.NewConnector(fx.WithSeed(1, 3))
	nulls.Config = fixtures.RawJSON(`null`)
	bare := fx.Connector{ID: "bare", AppID: fx.DocumentedAppID}
	return []fx.Connector{
		fx.Documented().Clone(), bare.Clone(),
		fx.Generated(1, 7, fx.DocumentedAppID).Clone(),
		odd.Clone(), full.Clone(), nulls.Clone(),
	}
}

// bodyGen writes random Update bodies as text, so that they can repeat keys, mistype values
// and carry invalid UTF-8: what validation would refuse too, as the Go API does not validate.
type bodyGen struct {
	r    *rand.Rand
	root *field
}

func (g bodyGen) pick(n int) bool { return g.r.IntN(n) == 0 }

func (g bodyGen) body() []byte {
	var parts []string
	for range 1 + g.r.IntN(3) {
		switch g.r.IntN(8) {
		case 0, 1, 2, 3:
			parts = append(parts, g.key("connector")+":"+g.connector())
		case 4:
			parts = append(parts, g.key("connector")+":"+g.scalar())
		case 5:
			parts = append(parts, `"expandMask":`+[...]string{`{"paths":["*"]}`, `{"paths":[]}`, `{"paths":null}`, `null`,
				`{}`, `{"paths":["app_id",null]}`, `{"paths":[1]}`, `{"Paths":["*"]}`, `{"paths":["*"],"x":1}`, `{"paths":"*"}`}[g.r.IntN(10)])
		case 6:
			parts = append(parts, `"ExpandMask":`+g.scalar())
		}
	}
	if !g.pick(4) {
		parts = append(parts, g.key("updateMask")+":"+g.mask())
	}
	g.r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return []byte("{" + strings.Join(parts, ",") + "}")
}

// key is name, or now and then a spelling that encoding/json matches to it regardless of
// case but a map does not.
func (g bodyGen) key(name string) string {
	switch g.r.IntN(12) {
	case 0:
		return `"` + strings.ToUpper(name[:1]) + name[1:] + `"`
	case 1:
		return `"` + strings.ToUpper(name) + `"`
	case 2:
		return `"` + strings.ReplaceAll(name, "s", "ſ") + `"`
	case 3:
		return `"` + name + `x"`
	case 4:
		b, _ := json.Marshal(name) // escaped: the same key
		return `"\u00` + fmt.Sprintf("%x", name[0]) + string(b[2:])
	}
	return `"` + name + `"`
}

func (g bodyGen) mask() string {
	if g.pick(10) {
		return g.scalar()
	}
	if g.pick(8) {
		return `"*"`
	}
	var paths []string
	for range g.r.IntN(4) {
		f := g.root.sorted[g.r.IntN(len(g.root.sorted))]
		p := f.name
		if f.children != nil && g.pick(2) {
			p += "." + f.sorted[g.r.IntN(len(f.sorted))].name
		}
		if g.pick(10) {
			p = " " + p + " "
		}
		paths = append(paths, p)
	}
	if g.pick(20) {
		paths = append(paths, "nope")
	}
	return `"` + strings.Join(paths, ",") + `"`
}

// connector is a connector object: fields of the tree with values mostly of their type.
func (g bodyGen) connector() string {
	var members []string
	for range g.r.IntN(7) {
		f := g.root.sorted[g.r.IntN(len(g.root.sorted))]
		members = append(members, g.key(f.name)+":"+g.value(f))
	}
	if g.pick(5) {
		members = append(members, `"unknown":`+g.scalar())
	}
	return "{" + strings.Join(members, ",") + "}"
}

func (g bodyGen) value(f *field) string {
	if g.pick(8) {
		return "null"
	}
	if g.pick(25) {
		return g.scalar()
	}
	switch {
	case f.children != nil:
		var members []string
		for range g.r.IntN(4) {
			c := f.sorted[g.r.IntN(len(f.sorted))]
			members = append(members, g.key(c.name)+":"+g.value(c))
		}
		return "{" + strings.Join(members, ",") + "}"
	case f.kind == kindRaw:
		return g.config()
	case f.kind == kindBool:
		return [...]string{"true", "false"}[g.r.IntN(2)]
	case f.kind == kindStrings:
		var items []string
		for range g.r.IntN(3) {
			if g.pick(10) {
				items = append(items, "null")
			} else {
				items = append(items, g.str())
			}
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	return g.str()
}

func (g bodyGen) str() string {
	return [...]string{
		`""`, `"x"`, `"2026-01-01T01:00:00+01:00"`, `"2026-01-01T00:00:00.500Z"`, `"<a & b>"`,
		`"\u00e9\n\"q\""`, `"\ud800"`, "\"raw \xff bytes\"", `"SYNC_STATUS_DONE"`, `"日本"`,
	}[g.r.IntN(10)]
}

func (g bodyGen) scalar() string {
	return [...]string{`7`, `-0.5e3`, `true`, `"s"`, `[]`, `[1]`, `{}`, `{"a":1}`, `1e400`}[g.r.IntN(9)]
}

func (g bodyGen) config() string {
	return [...]string{
		`{"@type":"type.googleapis.com/x"}`,
		`{ "b" : 1.50 , "@type" : "x", "a": [1, {"z": null, "y": "<&>"}] }`,
		`{"@type":"x","@type":"y"}`,
		`{"n": 12345678901234567890, "f": 1e400, "e": "\u2028"}`,
		`{}`,
	}[g.r.IntN(5)]
}

// TestParsedMaskIsParseMask: a mask from the cache is the mask parseMask gives, the first
// time and after; a refused one is refused every time.
func TestParsedMaskIsParseMask(t *testing.T) {
	root := testFields(t)
	r := rand.New(rand.NewPCG(21, 2026))
	var masks []string
	for _, seed := range updateSeeds {
		if m := seed[1]; len(m) > 1 && m[0] == '"' {
			masks = append(masks, m[1:len(m)-1])
		}
	}
	for range 500 {
		m := bodyGen{r: r, root: root}.mask()
		if len(m) > 1 && m[0] == '"' {
			masks = append(masks, m[1:len(m)-1])
		}
	}
	masks = append(masks, "", " ", "*", "*,*", "nope", "status.nope", " displayName ,description")
	for range 3 {
		for _, s := range masks {
			want, wantErr := parseMask(root, &s)
			got, err := parsedMask(root, &s)
			if fmt.Sprint(wantErr) != fmt.Sprint(err) || !reflect.DeepEqual(want, got) {
				t.Fatalf("mask %q: parseMask gives %+v, %v; parsedMask %+v, %v", s, want, wantErr, got, err)
			}
		}
	}
	if got, err := parsedMask(root, nil); err != nil || !reflect.DeepEqual(got, updateMask{}) {
		t.Fatalf("no mask: %+v, %v", got, err)
	}
}
