package productsup

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// A version's configuration: secrets, authentications, individual configs, the Container API
// it runs against, its production runtime. Every change moves the version to updating until
// its background work (update_configuration) completes, then updated, as the pages say
// ("This will move the connector version to updating/updated state"); the runtime's update
// is background work of its own (update_to_docker_wrapper_version) whose effect lands when it
// completes.

// authentications are the authentications a version may register, by id, with the fields
// each asks for: the two the connector_version_show_authentication page shows.
var authentications = map[int64][]string{
	20: {"pup-auth-etsy_refresh_token"},
	30: {"pup-auth-ssl_cert", "pup-auth-ssl_cert_password", "pup-auth-ssl_cert_type"},
}

// configChange is a change of the version's configuration: it applies edit to the version,
// then the version is updating until its work completes.
func configChange(edit func(v *fx.Version)) change {
	return func(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
		v := &c.Versions[i]
		edit(v)
		w := e.start(actionUpdateConfig, c, i, v.State)
		v.State = stateUpdating
		return w, nil
	}
}

// rawStrings is the list as JSON strings.
func rawStrings(l []string) []fixtures.RawJSON {
	out := make([]fixtures.RawJSON, len(l))
	for i, s := range l {
		out[i], _ = json.Marshal(s) // a string always marshals
	}
	return out
}

// SecretRegistrations is the body of PUT .../secret-registrations.
type SecretRegistrations struct {
	Names []string `json:"secret-registrations"`
}

func (a *API) updateSecrets(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in SecretRegistrations
	if !a.decode(w, r, &in) {
		return
	}
	regs := rawStrings(in.Names)
	a.configStep(w, c, configChange(func(v *fx.Version) { v.Config.SecretRegistrations = regs }), message{msgSecretsUpdated})
}

// configStep runs a configuration change and answers body.
func (a *API) configStep(w http.ResponseWriter, c *vendorapi.Call, ch change, body any) {
	if _, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name, ch); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, body)
}

// AuthenticationRegistrations is the body of PUT .../authentication-registrations. The ids
// are read as any JSON value: the vendor answers values that are no integers with a sentence
// of its own, not the contract's.
type AuthenticationRegistrations struct {
	IDs              []json.RawMessage `json:"authentication-registrations"`
	AdditionalFields []string          `json:"authentication-registrations-additional-fields"`
}

// authIDs reads the ids: every value that is no integer is named in the vendor's sentence,
// `Given values are not int: "1","2"`; an id no authentication has is refused too.
func (in AuthenticationRegistrations) authIDs() ([]int64, error) {
	var ids []int64
	var bad []string
	for _, raw := range in.IDs {
		var id int64
		if err := json.Unmarshal(raw, &id); err != nil || strings.ContainsAny(string(raw), ".eE") {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw)
			}
			bad = append(bad, strconv.Quote(s))
			continue
		}
		ids = append(ids, id)
	}
	if len(bad) > 0 {
		return nil, fieldRule("authentication-registrations", msgNotInt+strings.Join(bad, ","))
	}
	for _, id := range ids {
		if _, ok := authentications[id]; !ok {
			return nil, fieldRule("authentication-registrations", fmt.Sprintf(msgNoAuthentication, id))
		}
	}
	return ids, nil
}

func (a *API) updateAuthentications(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in AuthenticationRegistrations
	if !a.decode(w, r, &in) {
		return
	}
	ids, err := in.authIDs()
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	regs := make([]fixtures.RawJSON, len(ids))
	for i, id := range ids {
		regs[i] = strconv.AppendInt(nil, id, 10)
	}
	extra := rawStrings(in.AdditionalFields)
	a.configStep(w, c, configChange(func(v *fx.Version) {
		v.Config.AuthenticationRegistrations, v.Config.AuthenticationRegistrationsAdditionalFields = regs, extra
	}), message{msgAuthUpdated})
}

// authenticationView is one registered authentication as GET .../authentication-registrations
// shows it.
type authenticationView struct {
	ID               int64    `json:"id"`
	Fields           []string `json:"fields"`
	AdditionalFields []string `json:"additional-fields"`
}

type authenticationsBody struct {
	Message  string               `json:"message"`
	Resource string               `json:"resource"`
	Data     []authenticationView `json:"data"`
}

func (a *API) showAuthentications(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	v, err := a.store.version(c.Params["publicId"], c.Params["connectorVersion"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	extra := []string{}
	for _, raw := range v.Config.AuthenticationRegistrationsAdditionalFields {
		var f string
		if json.Unmarshal(raw, &f) == nil {
			extra = append(extra, "pup-auth-"+f)
		}
	}
	body := authenticationsBody{msgSuccessful, "authentication-registrations", []authenticationView{}}
	for _, raw := range v.Config.AuthenticationRegistrations {
		var id int64
		if json.Unmarshal(raw, &id) != nil {
			continue // a value a snapshot stored that is no id
		}
		body.Data = append(body.Data, authenticationView{id, slices.Clone(authentications[id]), extra})
	}
	kit.WriteJSON(w, http.StatusOK, body)
}

// version is the stored version a reference names (the HTTP side's read, rendered without a
// copy).
func (s *Store) version(id, ref string) (*fx.Version, error) {
	s.settleDue()
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, err
	}
	return &c.Versions[i], nil
}

// ContainerAPI is the body of PUT .../execution-config/container-api.
type ContainerAPI struct {
	Image             *string `json:"image"`
	VersionConstraint string  `json:"version-constraint"`
}

func (a *API) updateContainerAPI(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in ContainerAPI
	if !a.decode(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.VersionConstraint) == "" {
		a.writeError(w, failure(fieldRule("version-constraint", msgBlank)))
		return
	}
	v, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name, configChange(func(v *fx.Version) {
		v.Config.Execution.ContainerAPI = fx.ContainerAPI{Image: in.Image, VersionConstraint: in.VersionConstraint}
	}))
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, versionBody{Message: msgSuccessful, Data: v})
}

// IndividualConfig is the body of POST .../individual-configs: one form field end-users fill
// in.
type IndividualConfig struct {
	CommandOption     string `json:"command-option"`
	FieldType         string `json:"field-type"`
	FieldName         string `json:"field-name"`
	FieldRequired     bool   `json:"field-required"`
	FieldPlaceholder  string `json:"field-placeholder"`
	FieldDescription  string `json:"field-description"`
	FieldDefaultValue string `json:"field-default-value"`
	FieldConfig       string `json:"field-config"`
	Order             *int   `json:"order"`
	CreatedAt         string `json:"created-at"`
	UpdatedAt         string `json:"updated-at"`
}

// commandOption is what the individual-config guide allows: a letter first, then letters,
// digits, dashes and underscores.
var commandOption = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// check refuses blank required fields with the documented sentence, keys in the documented
// order, and a command option the guide does not allow.
func (in *IndividualConfig) check() error {
	var fields []FieldError
	for _, f := range []struct{ key, value string }{
		{"command-option", in.CommandOption}, {"field-type", in.FieldType}, {"field-name", in.FieldName},
	} {
		if strings.TrimSpace(f.value) == "" {
			fields = append(fields, FieldError{f.key, msgBlank})
		}
	}
	if in.CommandOption != "" && !commandOption.MatchString(in.CommandOption) {
		fields = append(fields, FieldError{"command-option", msgNotValid})
	}
	if len(fields) > 0 {
		return &RuleError{Fields: fields}
	}
	return nil
}

func (a *API) addIndividualConfig(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in IndividualConfig
	if !a.decode(w, r, &in) {
		return
	}
	if err := in.check(); err != nil {
		a.writeError(w, failure(err))
		return
	}
	now := fx.Time(a.store.clock())
	in.CreatedAt, in.UpdatedAt = now, now
	a.configStep(w, c, configChange(func(v *fx.Version) {
		add := in
		if add.Order == nil {
			n := len(v.Config.Individuals) + 1
			add.Order = &n
		}
		raw, _ := json.Marshal(add) // plain fields always marshal
		v.Config.Individuals = append(slices.Clip(v.Config.Individuals), raw)
	}), message{msgIndividualAdded})
}

func (a *API) validateVCS(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	v, err := a.store.version(c.Params["publicId"], c.Params["connectorVersion"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	if !hasVCS(v) {
		a.writeError(w, failure(&RuleError{Message: msgVCSInvalid}))
		return
	}
	kit.WriteJSON(w, http.StatusOK, message{msgVCSValid})
}

// hasVCS reports whether the version names a repository to pull from: what validation checks
// and what a build needs ("Connects to the Git repository configured in VCS config").
func hasVCS(v *fx.Version) bool {
	var vcs struct {
		URL string `json:"url"`
	}
	return len(v.Config.VCS) > 0 && json.Unmarshal(v.Config.VCS, &vcs) == nil && vcs.URL != ""
}

// VCSConfig is the VCS config step of the Dev Portal (the vcs-config guide's form): how the
// Dev Portal authenticates with the repository (public, basic, deploy-key), the repository
// link, the branch (main when empty) and, for basic auth, a username and token.
type VCSConfig struct {
	Authorization string `json:"authorization"`
	URL           string `json:"url"`
	Branch        string `json:"branch,omitempty"`
	Username      string `json:"username,omitempty"`
	Token         string `json:"token,omitempty"`
}

// check is the form's rule: authorization and link required, username and token with basic
// auth. Its sentences are the mock's: the guide shows the form, not its refusals.
func (in VCSConfig) check() error {
	switch {
	case in.Authorization == "" || in.URL == "":
		return &RuleError{Message: msgVCSFormRequired}
	case in.Authorization == "basic" && (in.Username == "" || in.Token == ""):
		return &RuleError{Message: msgVCSBasicAuth}
	}
	return nil
}

// SetVCS stores the version's VCS config, as the Dev Portal's VCS config step does; no
// documented API call sets it (connector_import copies one), so the mock offers it as typed
// access and on its admin API (PUT /__admin/vendors/productsup/connectors/{publicId}/versions/
// {connectorVersion}/vcs). The token is kept nowhere: the guide stores it in a vault and never
// returns it. The version's state does not move. A form the guide would not save is a
// *RuleError; an unknown connector or version is ErrNotFound.
func (s *Store) SetVCS(id, ref string, in VCSConfig) (fx.Version, error) {
	if err := in.check(); err != nil {
		return fx.Version{}, err
	}
	if in.Branch == "" {
		in.Branch = "main"
	}
	var username *string
	if in.Username != "" {
		username = &in.Username
	}
	raw, _ := json.Marshal(struct { // plain fields always marshal
		Authorization   string  `json:"authorization"`
		URL             string  `json:"url"`
		Branch          string  `json:"branch"`
		Username        *string `json:"username"`
		DeployKeyPublic *string `json:"deploy-key-public"`
		LatestCommit    *string `json:"latest-commit"`
	}{Authorization: in.Authorization, URL: in.URL, Branch: in.Branch, Username: username})
	s.lock()
	defer s.mu.Unlock()
	old, i, err := s.resolve(id, ref)
	if err != nil {
		return fx.Version{}, err
	}
	c, v := withVersion(old, i)
	v.Config.VCS = raw
	s.own().put(c)
	return v.Clone(), nil
}

// adminSetVCS serves PUT /connectors/{publicId}/versions/{connectorVersion}/vcs of the admin
// API: the body is a VCSConfig, the answer the version.
func (a *mounted) adminSetVCS(w http.ResponseWriter, r *http.Request, id, ref string) {
	if r.Method != http.MethodPut {
		w.Header().Set("Allow", http.MethodPut)
		kit.WriteJSON(w, http.StatusMethodNotAllowed, message{"use PUT"})
		return
	}
	var in VCSConfig
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		kit.WriteJSON(w, http.StatusBadRequest, message{"the body is no VCS config: " + err.Error()})
		return
	}
	v, err := a.store.SetVCS(id, ref, in)
	switch {
	case errors.Is(err, ErrNotFound):
		kit.WriteJSON(w, http.StatusNotFound, message{fmt.Sprintf("connector %q has no version %q", id, ref)})
	case err != nil:
		kit.WriteJSON(w, http.StatusBadRequest, message{err.Error()})
	default:
		kit.WriteJSON(w, http.StatusOK, versionBody{Message: msgVCSSaved, Resource: resourceVersion, Data: &v})
	}
}

// adminVersionVCS matches /connectors/{publicId}/versions/{connectorVersion}/vcs.
func adminVersionVCS(path string) (id, ref string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/connectors/")
	if !ok {
		return "", "", false
	}
	rest, ok = strings.CutSuffix(rest, "/vcs")
	if !ok {
		return "", "", false
	}
	id, ref, ok = strings.Cut(rest, "/versions/")
	return id, ref, ok && id != "" && ref != "" && !strings.Contains(id, "/") && !strings.Contains(ref, "/")
}

// RuntimeUpdate is the body of PUT .../runtime/prod.
type RuntimeUpdate struct {
	Environment string  `json:"environment"`
	Version     *string `json:"version"`
}

func (a *API) updateProdRuntime(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in RuntimeUpdate
	if !a.decode(w, r, &in) {
		return
	}
	if in.Environment == "bin-docker-wrapper" && (in.Version == nil || *in.Version == "") {
		a.writeError(w, failure(&RuleError{Message: msgRuntimeVersionMissing}))
		return
	}
	v, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name,
		func(e *stepEnv, c *fx.Connector, i int) (*Work, error) {
			w := e.start(actionDockerWrapper, c, i, c.Versions[i].State)
			w.Runtime = &fx.Runtime{Environment: in.Environment, Version: in.Version} // not yet seen: still under the lock
			return w, nil
		})
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, message{fmt.Sprintf(msgRuntimeUpdated, v.Version)})
}
