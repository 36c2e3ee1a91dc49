package kit

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSortedKeepsOrder: random inserts, replacements and deletes leave the same keys, in the
// same order, as sorting the set from scratch.
func TestSortedKeepsOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := NewSorted(cmp.Compare[int])
	want := map[int]bool{}
	for range 5000 {
		k := r.IntN(1000)
		if r.IntN(3) == 0 {
			s.Delete(k)
			delete(want, k)
		} else {
			s.Insert(k)
			want[k] = true
		}
	}
	keys := make([]int, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	assert.Equal(t, keys, s.All())
	require.Equal(t, len(keys), s.Len())
	if len(keys) > 10 {
		assert.Equal(t, keys[5:8], s.Page(5, 3))
		assert.Equal(t, 5, s.Search(keys[5]))
		assert.Equal(t, 6, s.Search(keys[5]+1), "the first key after keys[5] is keys[6]")
	}
	assert.Empty(t, s.Page(s.Len(), 20))
	assert.Empty(t, s.Page(-1, 0))
	assert.Equal(t, keys, NewSortedFrom(cmp.Compare[int], slices.Clone(keys)).All())
}

func TestSortedCloneIsIndependent(t *testing.T) {
	s := NewSortedFrom(cmp.Compare[int], []int{3, 1, 2})
	c := s.Clone()
	c.Insert(0)
	c.Delete(3)
	assert.Equal(t, []int{1, 2, 3}, s.All())
	assert.Equal(t, []int{0, 1, 2}, c.All())
}

func TestSeededBuildsOncePerKey(t *testing.T) {
	var builds atomic.Int32
	build := func() []int { builds.Add(1); return []int{1} }
	key := SeedKey{Vendor: "test", Seed: 7, N: 3}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { assert.Equal(t, []int{1}, Seeded(key, build)) })
	}
	wg.Wait()
	assert.Equal(t, int32(1), builds.Load())
	Seeded(SeedKey{Vendor: "test", Seed: 7, N: 4}, build)
	assert.Equal(t, int32(2), builds.Load(), "another count, another state")
}

func BenchmarkSortedPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		keys := make([]int, n)
		for i := range keys {
			keys[i] = i * 2
		}
		s := NewSortedFrom(cmp.Compare[int], keys)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				_ = s.Page(s.Search(n), 20)
			}
		})
	}
}
