package productsup

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzIDLists: whatever readIDLists takes, encoding/json takes too, with the same lists
// (nil, empty or not); whatever it declines, it leaves alone.
func FuzzIDLists(f *testing.F) {
	for _, s := range []string{
		`{"accounts":[777],"projects":[444],"sites":[666]}`,
		` { "accounts" : [ 1 , -2 , 0 ] , "sites" : [ ] } `,
		"{\n\t\"projects\":[123456789012345678]\r}",
		`{"target-accounts":[1,2,2],"target-sites":[]}`,
		`{}`, `{"accounts":null}`, `{"accounts":[1e3]}`, `{"accounts":[1.0]}`, `{"accounts":[01]}`,
		`{"Accounts":[1]}`, `{"acc\u006funts":[1]}`, `{"accounts":[1],"accounts":[2]}`,
		`{"accounts":[1234567890123456789]}`, `{"accounts":[-]}`, `{"accounts":[1,]}`, `{"accounts":[1]}x`,
		`{"other":[1]}`, `[]`, ``, `{"accounts":[1]`, `{"accounts":["1"]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fresh := range []func() idLists{func() idLists { return new(Access) }, func() idLists { return new(Targets) }} {
			got, want := fresh(), fresh()
			if !readIDLists([]byte(s), got) {
				assert.Equal(t, fresh(), got, "declined, yet changed")
				continue
			}
			require.NoError(t, json.NewDecoder(bytes.NewReader([]byte(s))).Decode(want), "taken by readIDLists: %q", s)
			require.Equal(t, want, got, "%q", s)
		}
	})
}

// TestIDListsTakesTheUsualBodies: the bodies the documented examples send take the fast way.
func TestIDListsTakesTheUsualBodies(t *testing.T) {
	var a Access
	require.True(t, readIDLists([]byte(`{"accounts":[777],"projects":[444],"sites":[666]}`), &a))
	assert.Equal(t, Access{Accounts: []int64{777}, Projects: []int64{444}, Sites: []int64{666}}, a)
	var tg Targets
	require.True(t, readIDLists([]byte(`{"target-accounts":[1,2,2],"target-sites":[]}`), &tg))
	assert.Equal(t, Targets{Accounts: []int64{1, 2, 2}, Sites: []int64{}}, tg)
	assert.NotNil(t, tg.Sites, "[] is an empty list")
}
