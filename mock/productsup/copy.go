package productsup

import (
	"encoding/json"
	"net/http"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// ConnectorImport is the body of POST /connectors/copy: a connector as GET
// /connectors/{publicId} writes it (its "data"); what the copy does not take is ignored.
type ConnectorImport struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Description *string         `json:"description"`
	Readme      *string         `json:"readme"`
	Flow        string          `json:"flow"`
	Versions    []importVersion `json:"versions"`
}

type importVersion struct {
	Config importConfig `json:"config"`
}

// importConfig is the part of a version's configuration a copy takes, as the page lists it:
// VCS, application config, individual config, authentications and secrets.
type importConfig struct {
	VCS                         fixtures.RawJSON   `json:"vcs"`
	Application                 fixtures.RawJSON   `json:"application"`
	Individuals                 []fixtures.RawJSON `json:"individuals"`
	AuthenticationRegistrations []fixtures.RawJSON `json:"authentication-registrations"`
	AdditionalFields            []fixtures.RawJSON `json:"authentication-registrations-additional-fields"`
	SecretRegistrations         []fixtures.RawJSON `json:"secret-registrations"`
}

// copySuffix is what the page says a copy's name ends with.
const copySuffix = " - Copy"

// Copy creates a new connector from an imported one, owned by principal: its name with the
// " - Copy" suffix, its type, description, readme and flow, and version 1.0.0 (state created)
// with the configuration of the import's last version. Nothing else is taken: the copy is not
// on the platform and has no targets.
func (s *Store) Copy(in ConnectorImport, principal string) fx.Connector {
	return s.copyConnector(in, principal).Clone()
}

func (s *Store) copyConnector(in ConnectorImport, principal string) *fx.Connector {
	s.lock()
	defer s.mu.Unlock()
	nc := NewConnector{Type: in.Type, Name: in.Name + copySuffix, Description: in.Description, Readme: in.Readme}
	return s.createLocked(nc, principal, func(c *fx.Connector) {
		if in.Flow != "" {
			c.Flow = in.Flow
		}
		if n := len(in.Versions); n > 0 {
			from, cfg := in.Versions[n-1].Config, &c.Versions[0].Config
			cfg.VCS, cfg.Application = storedVCS(from.VCS), from.Application
			cfg.Individuals = orEmpty(from.Individuals)
			cfg.AuthenticationRegistrations = orEmpty(from.AuthenticationRegistrations)
			cfg.AuthenticationRegistrationsAdditionalFields = orEmpty(from.AdditionalFields)
			cfg.SecretRegistrations = orEmpty(from.SecretRegistrations)
		}
	})
}

// storedVCS is an imported VCS config as a version stores it (the rollback page's example:
// authorization, url, branch, username, deploy-key-public, latest-commit), without its token:
// the VCS config guide keeps the token in a vault and never returns it, and the import page
// says a copy's "VCS will need to be updated with the proper authentication". A value that is
// no object is kept as it came.
func storedVCS(raw fixtures.RawJSON) fixtures.RawJSON {
	var in struct {
		Authorization   json.RawMessage `json:"authorization"`
		URL             json.RawMessage `json:"url"`
		Branch          json.RawMessage `json:"branch"`
		Username        json.RawMessage `json:"username"`
		DeployKeyPublic json.RawMessage `json:"deploy-key-public"`
		LatestCommit    json.RawMessage `json:"latest-commit"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &in) != nil {
		return raw
	}
	out, _ := json.Marshal(struct { // values that came as JSON always marshal
		Authorization   nullable `json:"authorization"`
		URL             nullable `json:"url"`
		Branch          nullable `json:"branch"`
		Username        nullable `json:"username"`
		DeployKeyPublic nullable `json:"deploy-key-public"`
		LatestCommit    nullable `json:"latest-commit"`
	}{nullable(in.Authorization), nullable(in.URL), nullable(in.Branch), nullable(in.Username), nullable(in.DeployKeyPublic), nullable(in.LatestCommit)})
	return out
}

// nullable is a JSON value that is written null when absent.
type nullable json.RawMessage

// MarshalJSON implements json.Marshaler.
func (n nullable) MarshalJSON() ([]byte, error) {
	if len(n) == 0 {
		return []byte("null"), nil
	}
	return n, nil
}

// orEmpty is l, or an empty list for null: the API writes config lists as [].
func orEmpty(l []fixtures.RawJSON) []fixtures.RawJSON {
	if l == nil {
		return []fixtures.RawJSON{}
	}
	return l
}

func (a *API) copyConnector(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in ConnectorImport
	if !a.decode(w, r, &in) {
		return
	}
	writeOK(w, connectorBody{msgCreated, resourceConnector, a.store.copyConnector(in, c.Principal.Name)})
}
