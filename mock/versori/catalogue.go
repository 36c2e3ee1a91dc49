package versori

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the connectors' catalogue: the public library (ListPublicConnectors), the
// categories (ListCategories, UpdateConnectorCategories) and tags (UpdateConnectorTags).

// listPublicConnectors serves ListPublicConnectors: every organisation's public connectors,
// from the order the state keeps under publicKey, as ListConnectors pages an organisation's.
func (a *API) listPublicConnectors(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
	a.listIn(w, r, publicKey)
}

// listIn answers a connector list of one organisation, or of the public library.
func (a *API) listIn(w http.ResponseWriter, r *http.Request, org string) {
	q := r.URL.Query()
	f := ConnectorFilter{Name: q.Get("name"), Protocol: q.Get("protocol"), Tags: q.Get("tags"), Categories: q["categories"]}
	page, err := a.store.list(org, f, pageQuery(q))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeConnectorPage(w, page)
}

// PublicConnectors is ListPublicConnectors: a page of the public connectors of every
// organisation that match f, ordered by p.Sort (default most recently updated first).
func (s *Store) PublicConnectors(f ConnectorFilter, p PageQuery) (ConnectorPage, error) {
	return s.List(publicKey, f, p)
}

// Categories are the categories a connector may have: the contract's Category enum, in its
// order.
var Categories = []string{
	"Development & IT", "ERP", "Supply Chain & Logistics", "Communication", "Accounting", "Hospitality",
	"Productivity", "HR", "CRM", "AI/LLMs", "eCommerce", "Business Operations",
}

func (a *API) listCategories(w http.ResponseWriter, _ *http.Request, _ *vendorapi.Call) {
	a.answer(w, http.StatusOK, Categories, nil)
}

func (a *API) updateTags(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in struct {
		Tags map[string][]string `json:"tags"`
	}
	if !a.decode(w, r, &in) {
		return
	}
	org, id := ids(c)
	a.answerNoContent(w, a.store.UpdateTags(org, id, in.Tags))
}

// UpdateTags replaces the connector's tags (none, or an empty map, clears them) and moves its
// updatedAt.
func (s *Store) UpdateTags(org, id string, tags map[string][]string) error {
	if len(tags) == 0 {
		tags = nil
	} else {
		tags = fxClone(tags)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return err
	}
	c := *old.stored
	c.Tags, c.UpdatedAt = tags, s.now()
	s.write(&c)
	return nil
}

func fxClone(tags map[string][]string) map[string][]string {
	out := make(map[string][]string, len(tags))
	for k, v := range tags {
		out[k] = slices.Clone(v)
	}
	return out
}

func (a *API) updateCategories(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in struct {
		Categories []string `json:"categories"`
	}
	if !a.decode(w, r, &in) {
		return
	}
	org, id := ids(c)
	a.answerNoContent(w, a.store.UpdateCategories(org, id, in.Categories))
}

// UpdateCategories replaces the connector's categories (each one of Categories, none twice;
// none clears them) and moves its updatedAt. The API's Connector does not show them; the
// lists' categories filter reads them.
func (s *Store) UpdateCategories(org, id string, categories []string) error {
	bad := &InvalidError{}
	for i, c := range categories {
		field := fmt.Sprintf("categories[%d]", i)
		switch {
		case !slices.Contains(Categories, c):
			bad.add(field, msgUnknownCategory, c, strings.Join(Categories, ", "))
		case slices.Contains(categories[:i], c):
			bad.add(field, msgRepeatedCategory, c)
		}
	}
	if err := bad.orNil(); err != nil {
		return err
	}
	if len(categories) == 0 {
		categories = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, id)
	if err != nil {
		return err
	}
	c := *old.stored
	c.Categories, c.UpdatedAt = slices.Clone(categories), s.now()
	s.write(&c)
	return nil
}

// hasCategories reports whether the connector has every category asked for.
func hasCategories(c []string, want []string) bool {
	for _, w := range want {
		if !slices.Contains(c, w) {
			return false
		}
	}
	return true
}
