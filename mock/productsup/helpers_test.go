package productsup

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestListHelpers checks the list helpers against plain scans, on lists both sides of
// shortSet. The lists they are given may be stored, and stored values are never changed in
// place: they must not change them, even with spare capacity to append into; and an unchanged
// answer is the list itself (so that a request that changes nothing stores nothing).
func TestListHelpers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	list := func(n int) []int64 {
		out := make([]int64, n, n+8) // spare capacity: an append in place would not show in out
		for i := range out {
			out[i] = int64(1 + r.IntN(2*n+1))
		}
		return out
	}
	distinct := func(l []int64) []int64 {
		var out []int64
		for _, id := range l {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		return out
	}
	for _, n := range []int{0, 1, 3, shortSet, shortSet + 1, 40, 200} {
		for range 20 {
			have, ids := distinct(list(n)), list(n+r.IntN(5))
			have = append(make([]int64, 0, len(have)+8), have...)
			orig := slices.Clone(have)

			want := slices.Clone(orig)
			for _, id := range ids {
				if !slices.Contains(want, id) {
					want = append(want, id)
				}
			}
			assert.Equal(t, want, with(have, ids), "with")
			assert.Equal(t, orig, have, "with changed its input")

			want = slices.DeleteFunc(slices.Clone(orig), func(id int64) bool { return slices.Contains(ids, id) })
			assert.Equal(t, want, without(have, ids), "without")
			assert.Equal(t, orig, have, "without changed its input")

			want = slices.DeleteFunc(slices.Clone(orig), func(id int64) bool { return !slices.Contains(ids, id) })
			assert.Equal(t, want, keepOnly(have, ids), "keepOnly")
			assert.Equal(t, orig, have, "keepOnly changed its input")

			want = distinct(slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(orig, id) }))
			assert.Equal(t, want, missing(ids, have), "missing")

			if len(have) > 0 {
				assert.Same(t, &have[0], &with(have, have)[0], "with, nothing new: have itself")
				assert.Same(t, &have[0], &without(have, []int64{-1})[0], "without, nothing to drop: have itself")
				assert.Same(t, &have[0], &keepOnly(have, have)[0], "keepOnly, all kept: have itself")
			}
		}
	}
}

func TestIDSetGrows(t *testing.T) {
	var s idSet
	for i := range int64(3 * shortSet) {
		assert.False(t, s.has(i))
		s.add(i)
		assert.True(t, s.has(i))
	}
	for i := range int64(3 * shortSet) {
		assert.True(t, s.has(i), "%d", i)
	}
	assert.False(t, s.has(-1))
}
