package versori

import (
	"net/http"
	"slices"
	"strings"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the protocols and auth schemes: what Versori supports (ListProtocols,
// ListAuthSchemes, both fixed lists), and a connector's auth scheme configs
// (UpsertAuthSchemeConfig, DeleteAuthSchemeConfig).

// Protocol is a Protocol.
type Protocol struct {
	ID          string `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IconURL     string `json:"iconURL"`
}

// Protocols are the protocols the mock (and its contract) knows, by slug.
var Protocols = []Protocol{
	{ID: "01JQQE0000PR0T0C0LHTTP0000", Slug: "http", Name: "HTTP", Description: "Communicate with external systems via HTTP requests.", IconURL: "https://cdn.example.com/versori/protocols/http.svg"},
	{ID: "01JQQE0000PR0T0C0LB1GQVERY", Slug: "bigquery", Name: "BigQuery", Description: "Communicate with BigQuery datasets via the BigQuery API.", IconURL: "https://cdn.example.com/versori/protocols/bigquery.svg"},
}

// AuthScheme is an AuthScheme.
type AuthScheme struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// authSchemes are the auth schemes of each protocol: an http connector authenticates in any
// way an HTTP API does; BigQuery takes a Google service account, or OAuth 2.0.
var authSchemes = map[string][]AuthScheme{
	"http": {
		{"01JQQE0000A5CHEME000N0NE00", "none", "None", "No authentication."},
		{"01JQQE0000A5CHEME00AP1KEY0", "api-key", "API key", "A key sent in a header, the query or a cookie."},
		{"01JQQE0000A5CHEME0BAS1CA00", "basic-auth", "Basic auth", "A username and a password (RFC 7617)."},
		{"01JQQE0000A5CHEME000AVTH20", "oauth2", "OAuth 2.0", "An OAuth 2.0 access token, refreshed by the platform."},
		{"01JQQE0000A5CHEME00000HMAC", "hmac", "HMAC", "A signature of the request computed with a shared secret."},
		{"01JQQE0000A5CHEME00JWTBEAR", "jwt-bearer", "JWT bearer", "A signed JWT exchanged for an access token (RFC 7523)."},
		{"01JQQE0000A5CHEME0CVSTMFN0", "custom-function", "Custom function", "A function of the user's that produces the credentials."},
		{"01JQQE0000A5CHEME0CERT1F1C", "certificate", "Certificate", "A client certificate (mutual TLS)."},
	},
	"bigquery": {
		{"01JQQE0000A5CHEME0G00GSA00", "google-service-account", "Google service account", "A service account key of the Google Cloud project."},
		{"01JQQE0000A5CHEME0BQAVTH20", "oauth2", "OAuth 2.0", "An OAuth 2.0 access token of a Google account."},
	},
}

// ProtocolPage is a ProtocolPage body.
type ProtocolPage struct {
	TotalCount int        `json:"totalCount"`
	Next       string     `json:"next,omitempty"`
	Prev       string     `json:"prev,omitempty"`
	Protocols  []Protocol `json:"protocols"`
}

// AuthSchemePage is an AuthSchemePage body: one page holds them all (the operation takes no
// paging parameters).
type AuthSchemePage struct {
	TotalCount  int          `json:"totalCount"`
	AuthSchemes []AuthScheme `json:"authSchemes"`
}

func protocolKey(p *Protocol, col column) string {
	if col == colName {
		return p.Slug
	}
	return p.ID
}

func (a *API) listProtocols(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
	all := make([]*Protocol, len(Protocols))
	for i := range Protocols {
		all[i] = &Protocols[i]
	}
	sortItems(all, itemSorting.order, protocolKey)
	page, info, err := paginate(all, itemSorting, protocolKey, pageQuery(r.URL.Query()))
	out := ProtocolPage{TotalCount: info.total, Next: info.next, Prev: info.prev, Protocols: make([]Protocol, len(page))}
	for i, p := range page {
		out.Protocols[i] = *p
	}
	a.answer(w, http.StatusOK, out, err)
}

func (a *API) listAuthSchemes(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	slug := c.Params["protocol_slug"]
	schemes, ok := authSchemes[slug]
	if !ok {
		a.writeError(w, failure(&NotFoundError{Kind: "protocol", Name: slug}))
		return
	}
	a.answer(w, http.StatusOK, AuthSchemePage{TotalCount: len(schemes), AuthSchemes: schemes}, nil)
}

func (a *API) upsertAuthSchemeConfig(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in fx.AuthSchemeConfig
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	e, err := a.store.upsertAuthSchemeConfig(org, id, c.Params["auth_scheme_config_id"], in)
	a.answerConnector(w, http.StatusOK, e, err)
}

func (a *API) deleteAuthSchemeConfig(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	org, id := ids(c)
	e, err := a.store.deleteAuthSchemeConfig(org, id, c.Params["auth_scheme_config_id"])
	a.answerConnector(w, http.StatusOK, e, err)
}

// UpsertAuthSchemeConfig adds the config to the connector, or replaces the config of its id
// (the path's: the body's id must be it, or the body may leave it out). validationMessages
// sent are ignored. A config that connection credentials use keeps its scheme type (409
// otherwise: their credentials are of that type). The connector's updatedAt moves.
func (s *Store) UpsertAuthSchemeConfig(org, connector, id string, in fx.AuthSchemeConfig) (fx.Connector, error) {
	e, err := s.upsertAuthSchemeConfig(org, connector, id, in.Clone())
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

func (s *Store) upsertAuthSchemeConfig(org, connector, id string, in fx.AuthSchemeConfig) (*entry, error) {
	bad := &InvalidError{}
	if in.ID != "" && !strings.EqualFold(in.ID, id) {
		bad.add("id", msgPathMismatch, in.ID, "auth_scheme_config_id", id)
	}
	checkULID(bad, "auth_scheme_config_id", id)
	if err := bad.orNil(); err != nil {
		return nil, err
	}
	in.ID, in.ValidationMessages = strings.ToUpper(id), nil
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, connector)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	c.AuthSchemeConfigs = slices.Clone(c.AuthSchemeConfigs)
	if i := slices.IndexFunc(c.AuthSchemeConfigs, func(a fx.AuthSchemeConfig) bool { return a.ID == in.ID }); i >= 0 {
		if was := c.AuthSchemeConfigs[i].SchemeType; was != in.SchemeType && credentialsUse(&c, in.ID) {
			return nil, &ConflictError{Reason: msgSchemeTypeInUse(in.ID, was)}
		}
		c.AuthSchemeConfigs[i] = in
	} else {
		c.AuthSchemeConfigs = append(c.AuthSchemeConfigs, in)
	}
	c.UpdatedAt = s.now()
	return s.write(&c), nil
}

// credentialsUse reports whether a connection credential of c uses the config.
func credentialsUse(c *fx.Connector, configID string) bool {
	for _, conn := range c.Connections {
		for _, cc := range append(slices.Clip(conn.Credentials.Action), conn.Credentials.Trigger...) {
			if strings.EqualFold(cc.AuthSchemeConfig.ID, configID) {
				return true
			}
		}
	}
	return false
}

// DeleteAuthSchemeConfig removes a config from the connector. Connections created through it
// remain, as the contract says: their credentials keep the config as it last was (it is
// what they show from then on). The connector's updatedAt moves.
func (s *Store) DeleteAuthSchemeConfig(org, connector, id string) (fx.Connector, error) {
	e, err := s.deleteAuthSchemeConfig(org, connector, id)
	if err != nil {
		return fx.Connector{}, err
	}
	return e.shown.Clone(), nil
}

func (s *Store) deleteAuthSchemeConfig(org, connector, id string) (*entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.lookup(org, connector)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	i := slices.IndexFunc(c.AuthSchemeConfigs, func(a fx.AuthSchemeConfig) bool { return strings.EqualFold(a.ID, id) })
	if i < 0 {
		return nil, &NotFoundError{Connector: c.ID, Kind: "auth scheme config", Name: id}
	}
	gone := c.AuthSchemeConfigs[i]
	c.AuthSchemeConfigs = slices.Delete(slices.Clone(c.AuthSchemeConfigs), i, i+1)
	if credentialsUse(&c, gone.ID) {
		c.Connections = slices.Clone(c.Connections)
		for j := range c.Connections {
			conn := &c.Connections[j]
			keep := func(list []fx.ConnectionCredential) []fx.ConnectionCredential {
				if list == nil {
					return nil
				}
				list = slices.Clone(list)
				for k := range list {
					if list[k].AuthSchemeConfig.ID == gone.ID {
						list[k].AuthSchemeConfig = gone
					}
				}
				return list
			}
			conn.Credentials.Action, conn.Credentials.Trigger = keep(conn.Credentials.Action), keep(conn.Credentials.Trigger)
		}
	}
	c.UpdatedAt = s.now()
	return s.write(&c), nil
}

// checkULID adds a value that is no ULID (26 Crockford base32 characters) to bad: the path's
// auth_scheme_config_id is a plain string in the contract, but becomes a config's id.
func checkULID(bad *InvalidError, field, id string) {
	ok := len(id) == 26
	for _, r := range strings.ToUpper(id) {
		if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
			ok = false
		}
	}
	if !ok {
		bad.add(field, msgNotULID, id)
	}
}
