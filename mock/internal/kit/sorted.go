package kit

import "slices"

// Sorted is a list order kept at write time: the keys of a store's entities, sorted by cmp,
// which must be a total order (end every key with the entity's id). A list page is a binary
// search for its start and a slice of the page's length, so its cost does not grow with the
// store; a write is a binary search and one memmove. Keys carry what the order compares,
// derived once when the entity is written (lower-cased names, times), never per page.
//
// A Sorted may be shared by stores that copy on write: Clone before the first change.
type Sorted[K any] struct {
	cmp  func(a, b K) int
	keys []K
}

// NewSorted returns an empty order.
func NewSorted[K any](cmp func(a, b K) int) *Sorted[K] { return &Sorted[K]{cmp: cmp} }

// NewSortedFrom returns the order of keys (sorted here; keys is taken over).
func NewSortedFrom[K any](cmp func(a, b K) int, keys []K) *Sorted[K] {
	slices.SortFunc(keys, cmp)
	return &Sorted[K]{cmp: cmp, keys: keys}
}

// Clone returns a copy that shares no keys slice with s.
func (s *Sorted[K]) Clone() *Sorted[K] {
	return &Sorted[K]{cmp: s.cmp, keys: slices.Clone(s.keys)}
}

// Len is the number of keys.
func (s *Sorted[K]) Len() int { return len(s.keys) }

// Insert adds k at its place. A key equal to k already there is replaced.
func (s *Sorted[K]) Insert(k K) {
	i, found := slices.BinarySearchFunc(s.keys, k, s.cmp)
	if found {
		s.keys[i] = k
		return
	}
	s.keys = slices.Insert(s.keys, i, k)
}

// Delete removes the key equal to k, if there is one.
func (s *Sorted[K]) Delete(k K) {
	if i, found := slices.BinarySearchFunc(s.keys, k, s.cmp); found {
		s.keys = slices.Delete(s.keys, i, i+1)
	}
}

// Search is the position of the first key not before k (Len if every key is before it).
func (s *Sorted[K]) Search(k K) int {
	i, _ := slices.BinarySearchFunc(s.keys, k, s.cmp)
	return i
}

// Page returns at most n keys from position from on; the slice is the order's own: read it
// under the store's lock, do not keep or change it.
func (s *Sorted[K]) Page(from, n int) []K {
	from = min(max(from, 0), len(s.keys))
	return s.keys[from:min(from+max(n, 0), len(s.keys))]
}

// All is every key, in order; the same rules as Page.
func (s *Sorted[K]) All() []K { return s.keys }
