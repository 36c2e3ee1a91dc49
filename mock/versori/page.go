package versori

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
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

// sortColumn is one "column:direction" of a sort.
type sortColumn struct {
	column string
	desc   bool
}

// sortable are the columns a connector list may be sorted by.
var sortable = []string{"id", "name", "protocol", "createdAt", "updatedAt"}

// defaultSort is the vendor's documented order: most recently updated first.
const defaultSort = "updatedAt:desc"

// versionOrder is the fixed order of version lists: most recently updated first.
var versionOrder = []sortColumn{{"updatedAt", true}, {"id", false}}

// parseSort reads "col:dir,col:dir" and appends id:asc, so that every order is total and a
// cursor names exactly one position.
func parseSort(q string) ([]sortColumn, error) {
	if q == "" {
		q = defaultSort
	}
	var out []sortColumn
	for _, part := range strings.Split(q, ",") {
		col, dir, _ := strings.Cut(part, ":")
		if !slices.Contains(sortable, col) {
			return nil, &InvalidError{Fields: []FieldError{{"sort", fmt.Sprintf(msgSortColumn, col, strings.Join(sortable, ", "))}}}
		}
		if dir != "asc" && dir != "desc" {
			return nil, &InvalidError{Fields: []FieldError{{"sort", fmt.Sprintf(msgSortDirection, dir, col)}}}
		}
		out = append(out, sortColumn{col, dir == "desc"})
	}
	if !slices.ContainsFunc(out, func(c sortColumn) bool { return c.column == "id" }) {
		out = append(out, sortColumn{"id", false})
	}
	return out, nil
}

func sortString(order []sortColumn) string {
	parts := make([]string, len(order))
	for i, c := range order {
		dir := "asc"
		if c.desc {
			dir = "desc"
		}
		parts[i] = c.column + ":" + dir
	}
	return strings.Join(parts, ",")
}

// keyTime writes a time so that strings compare as the times do.
func keyTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func connectorKey(c *fx.Connector, column string) string {
	switch column {
	case "name":
		return c.Name
	case "protocol":
		return c.Protocol
	case "createdAt":
		return keyTime(c.CreatedAt)
	case "updatedAt":
		return keyTime(c.UpdatedAt)
	}
	return c.ID
}

func versionKey(v *fx.Version, column string) string {
	if column == "updatedAt" {
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

func encodeCursor(order []sortColumn, key []string) string {
	data, _ := json.Marshal(cursor{sortString(order), key})
	return base64.RawURLEncoding.EncodeToString(data)
}

func decodeCursor(param, s string, order []sortColumn) ([]string, error) {
	data, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(data, &c)
	}
	if err != nil || len(c.Key) != len(order) {
		return nil, &InvalidError{Fields: []FieldError{{param, msgBadCursor}}}
	}
	if c.Sort != sortString(order) {
		return nil, &InvalidError{Fields: []FieldError{{param, fmt.Sprintf(msgCursorSort, c.Sort, sortString(order))}}}
	}
	return c.Key, nil
}

// pageInfo is the PageInfo of an answer.
type pageInfo struct {
	total      int
	next, prev string
}

// paginate sorts items by order and cuts the page p asks for: after a cursor, before one (the
// last First items before it), or from the start. next and prev are set when items lie
// beyond the page on that side.
func paginate[T any](items []T, order []sortColumn, key func(T, string) string, p PageQuery) ([]T, pageInfo, error) {
	keyOf := func(it T) []string {
		k := make([]string, len(order))
		for i, c := range order {
			k[i] = key(it, c.column)
		}
		return k
	}
	compare := func(a, b []string) int {
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
	var after, before []string
	var err error
	if p.After != "" {
		if after, err = decodeCursor("after", p.After, order); err != nil {
			return nil, pageInfo{}, err
		}
	}
	if p.Before != "" {
		if before, err = decodeCursor("before", p.Before, order); err != nil {
			return nil, pageInfo{}, err
		}
	}
	// Each item's key is built once: the sort compares keys O(n log n) times.
	type keyed struct {
		item T
		key  []string
	}
	sorted := make([]keyed, len(items))
	for i, it := range items {
		sorted[i] = keyed{it, keyOf(it)}
	}
	slices.SortFunc(sorted, func(a, b keyed) int { return compare(a.key, b.key) })
	var window []keyed
	for _, k := range sorted {
		if after != nil && compare(k.key, after) <= 0 || before != nil && compare(k.key, before) >= 0 {
			continue
		}
		window = append(window, k)
	}
	first := p.First
	if first <= 0 {
		first = 20
	}
	if len(window) > first {
		if before != nil && after == nil {
			window = window[len(window)-first:]
		} else {
			window = window[:first]
		}
	}
	info := pageInfo{total: len(items)}
	page := make([]T, len(window))
	for i, k := range window {
		page[i] = k.item
	}
	if len(window) > 0 {
		lo, hi := window[0].key, window[len(window)-1].key
		if compare(sorted[0].key, lo) < 0 {
			info.prev = encodeCursor(order, lo)
		}
		if compare(sorted[len(sorted)-1].key, hi) > 0 {
			info.next = encodeCursor(order, hi)
		}
	}
	return page, info, nil
}
