package conductorone

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
)

// appValues are JSON values of every kind an app field may be sent: each field's own type,
// the other types, awkward strings, numbers that are no plain integers, null.
var appValues = []string{
	`"x"`, `""`, `"<string>"`, `"esc \" \\ \n \u00e9 \u2028"`, "\"bad \xff utf-8\"", `"\ud800"`,
	`true`, `false`, `0`, `-0`, `7`, `-12`, `1.5`, `1e2`, `99999999999999999999`, `null`, `{}`, `[]`, `["a"]`,
}

// oldApps are stored apps to update: generated, documented, and one with every string awkward.
func oldApps() []fx.App {
	apps := append(fx.Apps(1), fx.Apps(7)...)
	apps = append(apps, fx.DocumentedApp(), fx.App{})
	odd := fx.DocumentedApp()
	odd.Description, odd.ParentAppID, odd.Instructions = "bad \xff", "parent", "<b>\u2028"
	return append(apps, odd)
}

// TestMaskedAppIsTheRoundTrip holds maskedApp to the JSON round trip it replaces: wherever it
// answers, it answers the same app.
func TestMaskedAppIsTheRoundTrip(t *testing.T) {
	var names []string
	for name := range appFieldIndex() {
		names = append(names, name)
	}
	names = append(names, "notAField")
	rng := rand.New(rand.NewPCG(1, 2))
	fast := 0
	apps := oldApps()
	for n := range 20_000 {
		old := &apps[n%len(apps)]
		body := map[string]json.RawMessage{}
		var paths []string
		for _, name := range names {
			if rng.IntN(3) == 0 {
				body[name] = json.RawMessage(appValues[rng.IntN(len(appValues))])
			}
			if rng.IntN(3) == 0 {
				paths = append(paths, name)
			}
		}
		clear := rng.IntN(2) == 0
		got, ok := maskedApp(old, body, paths, clear)
		want, err := maskedAppRoundTrip(old, body, paths, clear)
		if !ok {
			continue
		}
		fast++
		require.NoError(t, err, "maskedApp answered where the round trip refuses: %v %v", body, paths)
		require.Equal(t, want, got, "body %v, paths %v, clear %v", body, paths, clear)
	}
	require.Greater(t, fast, 1_000, "the fast way is exercised")
}

func FuzzMaskedApp(f *testing.F) {
	f.Add("displayName", `"Renamed"`, "description", `null`, true)
	f.Add("monthlyCostUsd", `12`, "isDirectory", `true`, false)
	f.Add("monthlyCostUsd", `1.0`, "displayName", "\"\xff\"", true)
	f.Fuzz(func(t *testing.T, p1, v1, p2, v2 string, clear bool) {
		if !json.Valid([]byte(v1)) || !json.Valid([]byte(v2)) {
			return
		}
		body := map[string]json.RawMessage{p1: json.RawMessage(strings.TrimSpace(v1)), p2: json.RawMessage(strings.TrimSpace(v2))}
		for _, old := range oldApps()[:3] {
			got, ok := maskedApp(&old, body, []string{p1, p2}, clear)
			want, err := maskedAppRoundTrip(&old, body, []string{p1, p2}, clear)
			if ok && (err != nil || !reflect.DeepEqual(got, want)) {
				t.Fatalf("body %v: fast %+v, round trip %+v (%v)", body, got, want, err)
			}
		}
	})
}
