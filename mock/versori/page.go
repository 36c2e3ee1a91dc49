package versori

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/versori"
)

// PageQuery is the contract's paging: first (default 20), the after and before cursors, and
// for connectors a sort.
type PageQuery struct {
	First         int
	After, Before string
	Sort          string
}

// column is a column lists are sorted by.
type column int

const (
	colID column = iota
	colName
	colProtocol
	colCreatedAt
	colUpdatedAt
)

// sortable are the columns a connector list may be sorted by, by their names in a sort.
var sortable = []string{colID: "id", colName: "name", colProtocol: "protocol", colCreatedAt: "createdAt", colUpdatedAt: "updatedAt"}

// sortColumn is one "column:direction" of a sort.
type sortColumn struct {
	col  column
	desc bool
}

// sorting is a list's order, with what paging needs of it, derived once per request.
type sorting struct {
	order []sortColumn // as the query gives it, id appended: what cursors carry
	name  string       // sortString(order): what cursors name
	// canonical is the shortest order that sorts alike (see canonical), canonicalName its
	// string: the key of the order an organisation keeps for it.
	canonical     []sortColumn
	canonicalName string
}

func newSorting(order []sortColumn) *sorting {
	c := canonical(order)
	return &sorting{order: order, name: sortString(order), canonical: c, canonicalName: sortString(c)}
}

// defaultSorting is the vendor's documented order, most recently updated first, with id
// appended: the order every organisation keeps from the start.
var defaultSorting = newSorting([]sortColumn{{colUpdatedAt, true}, {colID, false}})

// versionSorting is the fixed order of version lists: most recently updated first.
var versionSorting = newSorting([]sortColumn{{colUpdatedAt, true}, {colID, false}})

// parseSort reads "col:dir,col:dir" and appends id:asc, so that every order is total and a
// cursor names exactly one position. No sort is the default (updatedAt:desc).
func parseSort(q string) (*sorting, error) {
	if q == "" {
		return defaultSorting, nil
	}
	var out []sortColumn
	for part := range strings.SplitSeq(q, ",") {
		name, dir, _ := strings.Cut(part, ":")
		col := slices.Index(sortable, name)
		if col < 0 {
			return nil, &InvalidError{Fields: []FieldError{{"sort", fmt.Sprintf(msgSortColumn, name, strings.Join(sortable, ", "))}}}
		}
		if dir != "asc" && dir != "desc" {
			return nil, &InvalidError{Fields: []FieldError{{"sort", fmt.Sprintf(msgSortDirection, dir, name)}}}
		}
		out = append(out, sortColumn{column(col), dir == "desc"})
	}
	if !slices.ContainsFunc(out, func(c sortColumn) bool { return c.col == colID }) {
		out = append(out, sortColumn{colID, false})
	}
	return newSorting(out), nil
}

// canonical is the shortest sort that orders connectors as order does: a column's second
// mention is reached only when the first compared equal, so it is dropped, and nothing after
// id is ever reached (ids are unique). "name:asc,name:desc" and "name:asc,id:asc,protocol:desc"
// share the index of "name:asc,id:asc". Cursors still carry the order as given.
func canonical(order []sortColumn) []sortColumn {
	var out []sortColumn
	for _, c := range order {
		if slices.ContainsFunc(out, func(o sortColumn) bool { return o.col == c.col }) {
			continue
		}
		out = append(out, c)
		if c.col == colID {
			break
		}
	}
	return out
}

func sortString(order []sortColumn) string {
	parts := make([]string, len(order))
	for i, c := range order {
		dir := "asc"
		if c.desc {
			dir = "desc"
		}
		parts[i] = sortable[c.col] + ":" + dir
	}
	return strings.Join(parts, ",")
}

// keyTime writes a time so that strings compare as the times do: in UTC, as the layout
// keyLayout writes it. Years 0 to 9999 are written by hand (Format's general layout walk
// was a tenth of a write's store time); TestKeyTime holds the two equal.
func keyTime(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(keyLayout)
	}
	hour, minute, sec := t.Clock()
	var b [len(keyLayout)]byte
	put := func(at, n, v int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 4, year)
	b[4] = '-'
	put(5, 2, int(month))
	b[7] = '-'
	put(8, 2, day)
	b[10] = 'T'
	put(11, 2, hour)
	b[13] = ':'
	put(14, 2, minute)
	b[16] = ':'
	put(17, 2, sec)
	b[19] = '.'
	put(20, 9, t.Nanosecond())
	b[29] = 'Z'
	return string(b[:])
}

// keyLayout is how keyTime writes a time.
const keyLayout = "2006-01-02T15:04:05.000000000Z"

func versionKey(v *fx.Version, col column) string {
	if col == colUpdatedAt {
		return keyTime(v.UpdatedAt)
	}
	return v.ID
}

// cursor is what an opaque page cursor holds: the order it was issued for and the sort key of
// the item it points at. Keys, not offsets: a cursor stays valid, and points at the same
// place, when items are added or removed elsewhere.
type cursor struct {
	Sort string   `json:"s"`
	Key  []string `json:"k"`
}

func encodeCursor(srt *sorting, key []string) string {
	data, _ := json.Marshal(cursor{srt.name, key})
	return base64.RawURLEncoding.EncodeToString(data)
}

func decodeCursor(param, s string, srt *sorting) ([]string, error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil || len(c.Key) != len(srt.order) {
		return nil, &InvalidError{Fields: []FieldError{{param, msgBadCursor}}}
	}
	if c.Sort != srt.name {
		return nil, &InvalidError{Fields: []FieldError{{param, fmt.Sprintf(msgCursorSort, c.Sort, srt.name)}}}
	}
	return c.Key, nil
}

// pageInfo is the PageInfo of an answer.
type pageInfo struct {
	total      int
	next, prev string
}

// paginate cuts the page p asks for from items, which are in order already: after a cursor,
// before one (the last First items before it), or from the start. next and prev are set when
// items lie beyond the page on that side. The page is found by binary search, so its cost
// grows with the log of len(items), not with len(items); it is a subslice of items.
//
// The search compares an item with a cursor by the order as given (every column, as strings):
// that keeps the answer to a cursor whose later columns are arbitrary (a column after id,
// a hand-made cursor) exactly what comparing every item would give. The search is sound
// because items are sorted by the same lexicographic comparison (canonical drops only columns
// that never decide between two items).
func paginate[T any](items []T, srt *sorting, key func(T, column) string, p PageQuery) ([]T, pageInfo, error) {
	order := srt.order
	var after, before []string
	var err error
	if p.After != "" {
		if after, err = decodeCursor("after", p.After, srt); err != nil {
			return nil, pageInfo{}, err
		}
	}
	if p.Before != "" {
		if before, err = decodeCursor("before", p.Before, srt); err != nil {
			return nil, pageInfo{}, err
		}
	}
	lo, hi := 0, len(items)
	if after != nil {
		lo = sort.Search(len(items), func(i int) bool { return compareKey(order, items[i], key, after) > 0 })
	}
	if before != nil {
		hi = sort.Search(len(items), func(i int) bool { return compareKey(order, items[i], key, before) >= 0 })
	}
	hi = max(hi, lo)
	first := p.First
	if first <= 0 {
		first = 20
	}
	if hi-lo > first {
		if before != nil && after == nil {
			lo = hi - first
		} else {
			hi = lo + first
		}
	}
	info := pageInfo{total: len(items)}
	if lo < hi {
		// An item lies before the page when the first item's key is before the page's
		// first; compared, not assumed from lo > 0, so that items with equal keys (versions
		// Put gave one id) are no exception.
		if lo > 0 {
			if k := itemKey(order, items[lo], key); compareKey(order, items[0], key, k) < 0 {
				info.prev = encodeCursor(srt, k)
			}
		}
		if hi < len(items) {
			if k := itemKey(order, items[hi-1], key); compareKey(order, items[len(items)-1], key, k) > 0 {
				info.next = encodeCursor(srt, k)
			}
		}
	}
	return items[lo:hi], info, nil
}

// compareKey compares an item with a key (one string per column of order, as a cursor
// holds it): strings compared as strings, times as keyTime writes them.
func compareKey[T any](order []sortColumn, it T, key func(T, column) string, k []string) int {
	for i, c := range order {
		if n := strings.Compare(key(it, c.col), k[i]); n != 0 {
			if c.desc {
				return -n
			}
			return n
		}
	}
	return 0
}

// itemKey is an item's key in order, what its cursor carries.
func itemKey[T any](order []sortColumn, it T, key func(T, column) string) []string {
	k := make([]string, len(order))
	for i, c := range order {
		k[i] = key(it, c.col)
	}
	return k
}

// sortItems sorts a short list (a connector's versions) by order, each item's key built
// once.
func sortItems[T any](items []T, order []sortColumn, key func(T, column) string) {
	type keyed struct {
		item T
		key  []string
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{it, itemKey(order, it, key)}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return compareKeys(order, a.key, b.key) })
	for i := range ks {
		items[i] = ks[i].item
	}
}

// compareKeys compares two keys built by itemKey for order.
func compareKeys(order []sortColumn, a, b []string) int {
	for i, c := range order {
		if n := strings.Compare(a[i], b[i]); n != 0 {
			if c.desc {
				return -n
			}
			return n
		}
	}
	return 0
}
