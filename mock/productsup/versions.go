package productsup

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// New versions. The versions guide creates them in the Dev Portal ("Add version"), through no
// documented API call, so the mock offers it as typed access (Store.NewVersion) and on its
// admin API (POST /__admin/vendors/productsup/connectors/{publicId}/versions), never on the
// vendor's paths.

// NewVersion adds the next major version to a connector, copied from its latest version as the
// versions guide says: name, description, readme, every configuration and the dev account,
// project and site are copied; the version number (the next major, N.0.0), the state
// (updated, ready to build) and the production references start afresh.
func (s *Store) NewVersion(id string) (fx.Version, error) {
	s.lock()
	defer s.mu.Unlock()
	old, last, err := s.resolve(id, "latest")
	if err != nil {
		return fx.Version{}, err
	}
	from := old.Versions[last].Clone()
	now := fx.Time(s.clock())
	v := fx.CreatedVersion(from.Name, from.Description, from.Readme, fx.Major(from.Version)+1, now)
	v.State = stateUpdated
	v.Config = from.Config
	v.Config.UpdateProgress = []fixtures.RawJSON{}
	d := from.PlatformDevReference
	v.PlatformDevReference.Account, v.PlatformDevReference.Project, v.PlatformDevReference.Site = d.Account, d.Project, d.Site
	c := *old
	c.Versions = append(c.Versions[:len(c.Versions):len(c.Versions)], v) // the append copies
	s.own().put(&c)
	return v.Clone(), nil
}

// adminNewVersion serves POST /connectors/{publicId}/versions of the admin API.
func (a *mounted) adminNewVersion(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		kit.WriteJSON(w, http.StatusMethodNotAllowed, message{"use POST"})
		return
	}
	v, err := a.store.NewVersion(id)
	if err != nil {
		kit.WriteJSON(w, http.StatusNotFound, message{fmt.Sprintf("connector %q not found", id)})
		return
	}
	kit.WriteJSON(w, http.StatusOK, versionBody{Message: "Version " + v.Version + " created.", Resource: resourceVersion, Data: &v})
}

// adminConnectorVersions matches /connectors/{publicId}/versions.
func adminConnectorVersions(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/connectors/")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, "/versions")
	return id, ok && id != "" && !strings.Contains(id, "/")
}
