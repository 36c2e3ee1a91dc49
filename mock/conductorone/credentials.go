package conductorone

import (
	"net/http"
	"slices"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// The connectors' credentials: RotateCredential, GetCredentials and RevokeCredential, and
// their part of the store. The store never keeps a secret: RotateCredential's answer is the
// only place it appears.

// RotateCredential creates a new credential for the connector and returns it with its
// clientSecret, which nothing returns again. Earlier credentials stay valid until revoked, so
// a client can roll the new one out before revoking the old one.
func (s *Store) RotateCredential(appID, connectorID string) (fx.Credential, error) {
	switch {
	case appID == "":
		return fx.Credential{}, &RequiredError{Field: "appId"}
	case connectorID == "":
		return fx.Credential{}, &RequiredError{Field: "connectorId"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.st.lookup(appID, connectorID); err != nil {
		return fx.Credential{}, err
	}
	st := s.own()
	var cred fx.Credential
	for {
		cred = fx.GeneratedCredential(st.seed, st.credsMade, appID, connectorID, s.clock())
		st.credsMade++
		if _, taken := st.creds[cred.ID]; !taken {
			break
		}
	}
	stored := cred
	stored.ClientSecret = ""
	st.creds[cred.ID] = &stored
	st.connCreds[connectorID] = appendID(st.connCreds[connectorID], cred.ID)
	return cred, nil
}

// Credential returns the connector's credential id, without its secret; a revoked one has
// deletedAt set. A credential of another connector or app is not found.
func (s *Store) Credential(appID, connectorID, id string) (fx.Credential, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, err := s.st.credential(appID, connectorID, id)
	if err != nil {
		return fx.Credential{}, err
	}
	return *c, nil
}

// Credentials returns the connector's credentials, oldest first, revoked ones included.
func (s *Store) Credentials(appID, connectorID string) ([]fx.Credential, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, err := s.st.lookup(appID, connectorID); err != nil {
		return nil, err
	}
	ids := s.st.connCreds[connectorID]
	out := make([]fx.Credential, len(ids))
	for i, id := range ids {
		out[i] = *s.st.creds[id]
	}
	return out, nil
}

func (st *state) credential(appID, connectorID, id string) (*fx.Credential, error) {
	if _, err := st.lookup(appID, connectorID); err != nil {
		return nil, err
	}
	c, ok := st.creds[id]
	if !ok || c.ConnectorID != connectorID {
		return nil, &CredentialNotFoundError{AppID: appID, ConnectorID: connectorID, CredentialID: id}
	}
	return c, nil
}

// RevokeCredential revokes the connector's credential id: deletedAt and updatedAt are now.
// Revoking a revoked credential changes nothing.
func (s *Store) RevokeCredential(appID, connectorID, id string) (fx.Credential, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.st.credential(appID, connectorID, id)
	if err != nil {
		return fx.Credential{}, err
	}
	if c.DeletedAt != "" {
		return *c, nil
	}
	n := *c
	n.DeletedAt = fx.Time(s.clock())
	n.UpdatedAt = n.DeletedAt
	s.own().creds[id] = &n
	return n, nil
}

type credentialBody struct {
	Credential fx.Credential `json:"credential"`
}

type rotateRequest struct {
	AppID       string `json:"appId"`
	ConnectorID string `json:"connectorId"`
}

// rotateCredential serves POST /api/v1/apps/connectors/credentials.
func (a *API) rotateCredential(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in rotateRequest
	if !a.decode(w, c, &in) {
		return
	}
	cred, err := a.store.RotateCredential(in.AppID, in.ConnectorID)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, credentialBody{cred})
}

// getCredentials serves GET /api/v1/apps/{app_id}/connectors/{connector_id}/credentials/{id}.
func (a *API) getCredentials(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	cred, err := a.store.Credential(c.Params["app_id"], c.Params["connector_id"], c.Params["id"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, credentialBody{cred})
}

// revokeCredential serves POST /api/v1/apps/{app_id}/connectors/{connector_id}/credentials/{id}.
func (a *API) revokeCredential(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	if _, err := a.store.RevokeCredential(c.Params["app_id"], c.Params["connector_id"], c.Params["id"]); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct{}{})
}

// PutCredential stores a copy of c (fixtures/conductorone.NewCredential builds one),
// replacing any credential with the same id. One the store could not hold is refused with an
// *InvalidError, and nothing changes: one without an id, of a connector the store does not
// hold, or with a clientSecret (the store keeps none).
func (s *Store) PutCredential(c fx.Credential) error {
	var bad []FieldError
	if c.ID == "" {
		bad = append(bad, FieldError{"id", msgEmpty})
	}
	if c.ClientSecret != "" {
		bad = append(bad, FieldError{"clientSecret", msgNoSecret})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.st.lookup(c.AppID, c.ConnectorID); err != nil {
		bad = append(bad, FieldError{"connectorId", err.Error()})
	}
	if len(bad) > 0 {
		return &InvalidError{Fields: bad}
	}
	st := s.own()
	if old, ok := st.creds[c.ID]; !ok || old.ConnectorID != c.ConnectorID {
		if ok {
			st.connCreds[old.ConnectorID] = slices.DeleteFunc(slices.Clone(st.connCreds[old.ConnectorID]), func(id string) bool { return id == c.ID })
		}
		st.connCreds[c.ConnectorID] = appendID(st.connCreds[c.ConnectorID], c.ID)
	}
	st.creds[c.ID] = &c
	return nil
}
