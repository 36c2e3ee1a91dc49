package versori

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	fx "github.com/connectormock/connectormock/fixtures/versori"
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
	if !a.decode(w, r, c, &in) {
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
	if !a.decode(w, r, c, &in) {
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

func (a *API) importPublicVersion(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id, ver := versionIDs(c)
	e, err := a.store.importPublic(org, id, ver)
	a.answerConnector(w, http.StatusOK, e, err)
}

// ImportPublicVersion copies a version of a public connector (of any organisation) into org
// as a new connector: the public one's fields, auth scheme configs and the version, as a
// draft with its actions, triggers and definitions; no connections, not public. Each import
// makes a new connector. A connector that is not public is not found.
func (s *Store) ImportPublicVersion(org, connector, version string) (fx.Connector, error) {
	e, err := s.importPublic(org, connector, version)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

func (s *Store) importPublic(org, connector, version string) (*entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	src, ok := s.st.connectors[strings.ToUpper(connector)]
	if !ok || !src.stored.Public {
		return nil, &NotFoundError{Kind: "public connector", Name: connector}
	}
	i, err := resolve(src.stored, version)
	if err != nil {
		return nil, err
	}
	now := s.now()
	c := src.stored.Clone()
	from := c.Versions[i]
	c.ID, c.OrganisationID, c.Public, c.Categories = s.newID(), strings.ToUpper(org), false, nil
	c.Connections = []fx.Connection{}
	c.Versions = []fx.Version{{ID: s.newID(), Name: from.Name, Description: from.Description, CreatedAt: now, UpdatedAt: now}}
	c.CreatedAt, c.UpdatedAt = now, now
	e := s.write(&c)
	s.copyContent(from.ID, c.Versions[0].ID)
	return e, nil
}
