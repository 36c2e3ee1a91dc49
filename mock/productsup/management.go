package productsup

import (
	"net/http"
	"slices"
	"strings"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Management: connector metadata (one record per connector, kept by the store beside it) and
// organisations (their members and default targets).

// Metadata is a connector's metadata ("resource": "connector-metadata"), in the documented
// key order.
type Metadata struct {
	UUID                  string            `json:"uuid"`
	ChannelOwner          string            `json:"channel-owner"`
	Confidence            *string           `json:"confidence"`
	HelpCenter            *string           `json:"help-center"`
	InternalDocumentation *string           `json:"internal-documentation"`
	Notes                 *string           `json:"notes"`
	LastReviewedAt        *string           `json:"last-reviewed-at"`
	LastUpdatedBy         string            `json:"last-updated-by"`
	CreatedAt             string            `json:"created-at"`
	UpdatedAt             string            `json:"updated-at"`
	Connector             MetadataConnector `json:"connector"`
}

// MetadataConnector is the connector a metadata record is about.
type MetadataConnector struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// DocumentedMetadataID is the uuid of the seeded metadata record (the one the
// add_metadata_to_connector page's example answers), on the first generated connector.
const DocumentedMetadataID = "ad28e043-223e-427f-9137-bf10ad2b9f43"

// documentedMetadata is the add_metadata_to_connector page's record for connector c: the page's
// request, added when the connector was created, by its owner.
func documentedMetadata(c *fx.Connector) *Metadata {
	str := func(s string) *string { return &s }
	at := c.Versions[0].CreatedAt
	return &Metadata{
		UUID: DocumentedMetadataID, ChannelOwner: "Third Party", Confidence: str("Semi Confident"),
		HelpCenter: str("http://help.center"), InternalDocumentation: str("http://docs.internal"), Notes: str("some notes"),
		LastUpdatedBy: c.Owner, CreatedAt: at, UpdatedAt: at,
		Connector: MetadataConnector{c.ID, c.Name, c.Type},
	}
}

// MetadataInput is the body of POST and PUT /metadata/connectors/{connectorUuid}.
type MetadataInput struct {
	ChannelOwner          string  `json:"channel-owner"`
	Confidence            *string `json:"confidence"`
	HelpCenter            *string `json:"help-center"`
	InternalDocumentation *string `json:"internal-documentation"`
	Notes                 *string `json:"notes"`
}

// SetMetadata adds (update false) or updates a connector's metadata, as principal. Adding
// metadata a connector has already, or updating metadata it has not, is a *RuleError; a
// channel owner the pages do not list is refused with their sentence.
func (s *Store) SetMetadata(id string, in MetadataInput, update bool, principal string) (Metadata, error) {
	m, err := s.setMetadata(id, in, update, principal)
	if err != nil {
		return Metadata{}, err
	}
	return *m, nil
}

func (s *Store) setMetadata(id string, in MetadataInput, update bool, principal string) (*Metadata, error) {
	if !slices.Contains(channelOwners, in.ChannelOwner) {
		return nil, fieldRule("channel-owner", msgChannelOwner)
	}
	s.lock()
	defer s.mu.Unlock()
	r, ok := s.st.connectors[id]
	if !ok || r.binned {
		return nil, &NotFoundError{ID: id}
	}
	old := s.st.metadata[id]
	switch {
	case update && old == nil:
		return nil, &RuleError{Message: msgNoMetadata}
	case !update && old != nil:
		return nil, &RuleError{Message: msgHasMetadata}
	}
	st := s.own()
	now := fx.Time(s.clock())
	m := &Metadata{
		ChannelOwner: in.ChannelOwner, Confidence: in.Confidence, HelpCenter: in.HelpCenter,
		InternalDocumentation: in.InternalDocumentation, Notes: in.Notes,
		LastUpdatedBy: fx.OwnerID(st.seed, principal), CreatedAt: now, UpdatedAt: now,
		Connector: MetadataConnector{r.c.ID, r.c.Name, r.c.Type},
	}
	if old != nil {
		m.UUID, m.CreatedAt, m.LastReviewedAt = old.UUID, old.CreatedAt, &now
	} else {
		m.UUID = fx.MetadataID(st.seed, st.metadataCount)
		st.metadataCount++
	}
	st.metadata[id] = m
	return m, nil
}

type metadataBody struct {
	Message  string    `json:"message"`
	Resource string    `json:"resource"`
	Data     *Metadata `json:"data"`
}

func (a *API) metadataHandler(update bool, msg string) vendorapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
		var in MetadataInput
		if !a.decode(w, r, &in) {
			return
		}
		m, err := a.store.setMetadata(c.Params["connectorUuid"], in, update, c.Principal.Name)
		if err != nil {
			a.writeError(w, failure(err))
			return
		}
		kit.WriteJSON(w, http.StatusOK, metadataBody{msg, "connector-metadata", m})
	}
}

// Organization returns the organisation with the given id.
func (s *Store) Organization(id string) (fx.Organization, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.st.orgs[id]
	if !ok {
		return fx.Organization{}, &StateNotFoundError{msgOrgNotFound}
	}
	return o.Clone(), nil
}

// AddMember adds a member to an organisation (once: adding a member again changes nothing).
func (s *Store) AddMember(org, member string) (fx.Organization, error) {
	o, err := s.changeOrg(org, memberAdded(member))
	if err != nil {
		return fx.Organization{}, err
	}
	return o.Clone(), nil
}

// memberAdded adds member to an organisation's members, once.
func memberAdded(member string) func(o *fx.Organization) {
	return func(o *fx.Organization) {
		if !slices.Contains(o.Members, fx.Member{UUID: member}) {
			o.Members = append(slices.Clip(o.Members), fx.Member{UUID: member})
		}
	}
}

// changeOrg stores a changed copy of an organisation.
func (s *Store) changeOrg(id string, edit func(o *fx.Organization)) (*fx.Organization, error) {
	s.lock()
	defer s.mu.Unlock()
	old, ok := s.st.orgs[id]
	if !ok {
		return nil, &StateNotFoundError{msgOrgNotFound}
	}
	o := *old
	edit(&o)
	s.own().orgs[id] = &o
	return &o, nil
}

// OrganizationDefaults is the body of PUT /defaults/organizations/{organizationId}. Ids are
// read as any number so that the pages' sentences, not the contract's, refuse what is not a
// positive integer.
type OrganizationDefaults struct {
	Dev *struct {
		Account *float64 `json:"account"`
		Project *float64 `json:"project"`
	} `json:"dev-defaults"`
	Prod *struct {
		Accounts []float64 `json:"accounts"`
		Projects []float64 `json:"projects"`
		Sites    []float64 `json:"sites"`
	} `json:"prod-defaults"`
}

// defaults checks the body with the page's sentences under dotted keys and returns the
// values to store (nil: left as they are).
func (in OrganizationDefaults) defaults() (*fx.DevDefaults, *fx.ProdDefaults, error) {
	var fields []FieldError
	positive := func(n float64) bool { return n > 0 && n == float64(int64(n)) }
	var dev *fx.DevDefaults
	var prod *fx.ProdDefaults
	if in.Dev != nil {
		dev = &fx.DevDefaults{}
		for _, f := range []struct {
			key string
			n   *float64
			to  *int64
		}{{"dev-defaults.account", in.Dev.Account, &dev.Account}, {"dev-defaults.project", in.Dev.Project, &dev.Project}} {
			switch {
			case f.n == nil:
				fields = append(fields, FieldError{f.key, msgBlank})
			case !positive(*f.n):
				fields = append(fields, FieldError{f.key, msgGreaterThanZero})
			default:
				*f.to = int64(*f.n)
			}
		}
	}
	if in.Prod != nil {
		prod = &fx.ProdDefaults{Accounts: []int64{}, Projects: []int64{}, Sites: []int64{}}
		for _, f := range []struct {
			key string
			ns  []float64
			to  *[]int64
		}{{"prod-defaults.accounts", in.Prod.Accounts, &prod.Accounts}, {"prod-defaults.projects", in.Prod.Projects, &prod.Projects}, {"prod-defaults.sites", in.Prod.Sites, &prod.Sites}} {
			for _, n := range f.ns {
				if !positive(n) {
					fields = append(fields, FieldError{f.key, msgPositiveInts})
					break
				}
				*f.to = append(*f.to, int64(n))
			}
		}
	}
	if len(fields) > 0 {
		return nil, nil, &RuleError{Fields: fields}
	}
	return dev, prod, nil
}

type organizationBody struct {
	Message  string           `json:"message"`
	Resource string           `json:"resource"`
	Data     *fx.Organization `json:"data"`
}

func (a *API) addMember(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	member := strings.ToLower(c.Params["memberId"])
	o, err := a.store.changeOrg(strings.ToLower(c.Params["organizationId"]), memberAdded(member))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, organizationBody{msgSuccessful, "organization", o})
}

func (a *API) updateDefaults(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in OrganizationDefaults
	if !a.decode(w, r, &in) {
		return
	}
	dev, prod, err := in.defaults()
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	o, err := a.store.changeOrg(strings.ToLower(c.Params["organizationId"]), func(o *fx.Organization) {
		if dev != nil {
			o.DevDefaults = dev
		}
		if prod != nil {
			o.ProdDefaults = prod
		}
	})
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, organizationBody{msgSuccessful, "organization", o})
}
