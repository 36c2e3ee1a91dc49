package kit

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// ByteBudget bounds the bytes of files clients store (Productsup logos, Versori uploads):
// the entity cap counts entities, and one entity can carry a large file. A server holds the
// root budget, which has the limit; each of its sandboxes holds a child, whose bytes count in
// the root's, so that deleting the sandbox (Close) gives them all back at once. A nil budget
// or a limit of 0 or less bounds nothing.
type ByteBudget struct {
	parent *ByteBudget
	limit  int64
	used   atomic.Int64
	mu     sync.Mutex // serialises Close with the reservations of a child
	closed bool
}

// NewByteBudget is a root budget of limit bytes (0 or less: no limit, only counting).
func NewByteBudget(limit int64) *ByteBudget { return &ByteBudget{limit: limit} }

// Child is a budget whose bytes count in b's.
func (b *ByteBudget) Child() *ByteBudget { return &ByteBudget{parent: b} }

// Limit is the root's limit.
func (b *ByteBudget) Limit() int64 {
	for b.parent != nil {
		b = b.parent
	}
	return b.limit
}

// Used is what b holds (a root: with its children).
func (b *ByteBudget) Used() int64 { return b.used.Load() }

// Reserve takes n bytes from the budget, and reports false (taking nothing) when that would
// pass the root's limit or b has been closed.
func (b *ByteBudget) Reserve(n int64) bool {
	if b == nil || n <= 0 {
		return true
	}
	if b.parent == nil {
		for {
			used := b.used.Load()
			if b.limit > 0 && used+n > b.limit {
				return false
			}
			if b.used.CompareAndSwap(used, used+n) {
				return true
			}
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || !b.parent.Reserve(n) {
		return false
	}
	b.used.Add(n)
	return true
}

// Charge takes n bytes whatever the limit: for a state restored by the admin API or a reset,
// which must not fail half-way (the next Reserve is refused until room comes back).
func (b *ByteBudget) Charge(n int64) {
	if b == nil || n <= 0 {
		return
	}
	if b.parent == nil {
		b.used.Add(n)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.parent.Charge(n)
		b.used.Add(n)
	}
}

// Release gives n bytes back.
func (b *ByteBudget) Release(n int64) {
	if b == nil || n <= 0 {
		return
	}
	if b.parent == nil {
		b.used.Add(-n)
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.parent.Release(n)
		b.used.Add(-n)
	}
}

// Close gives every byte of a child back to its parent (its sandbox was deleted); the child
// takes no more.
func (b *ByteBudget) Close() {
	if b == nil || b.parent == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		b.parent.Release(b.used.Swap(0))
	}
}

// FullMessage is the refusal of a file of n bytes that Reserve did not take, naming the limit:
// the mock's own sentence, the same in every vendor's shape.
func (b *ByteBudget) FullMessage(n int64) string {
	root := b
	for root.parent != nil {
		root = root.parent
	}
	return fmt.Sprintf("the mock's file storage is full: files stored hold %d bytes (sandboxes included), and %d more would pass the limit (-max-blob-bytes %d); reset the mock or delete sandboxes",
		root.Used(), n, root.limit)
}
