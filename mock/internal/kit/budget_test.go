package kit_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectormock/connectormock/mock/internal/kit"
)

// TestByteBudget: reservations stop at the root's limit, children count in the root, a
// closed child gives all it held back, and racing reservations never pass the limit.
func TestByteBudget(t *testing.T) {
	root := kit.NewByteBudget(100)
	a, b := root.Child(), root.Child()
	assert.True(t, a.Reserve(60))
	assert.False(t, b.Reserve(41), "60 + 41 > 100")
	assert.True(t, b.Reserve(40))
	assert.Equal(t, int64(100), root.Used())
	assert.Equal(t, int64(100), b.Limit())
	a.Release(10)
	assert.True(t, root.Reserve(10))
	a.Close()
	assert.Equal(t, int64(50), root.Used(), "a's 50 came back")
	assert.False(t, a.Reserve(1), "a closed child takes nothing")
	a.Release(50)
	assert.Equal(t, int64(50), root.Used(), "nor gives back twice")
	b.Charge(1000)
	assert.False(t, b.Reserve(1), "charged past the limit: refused until room comes back")
	b.Release(1000)

	var nilBudget *kit.ByteBudget
	assert.True(t, nilBudget.Reserve(1<<40), "nil bounds nothing")
	assert.True(t, kit.NewByteBudget(0).Reserve(1<<40), "0 bounds nothing")

	race := kit.NewByteBudget(1000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := 0
	for range 8 {
		wg.Go(func() {
			c := race.Child()
			for range 100 {
				if c.Reserve(7) {
					mu.Lock()
					got += 7
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, got, 1000)
	assert.Equal(t, int64(got), race.Used())
}
