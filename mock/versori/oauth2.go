package versori

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is the OAuth 2.0 authorization-code flow: InitialiseOAuth2Connection, the
// redirect endpoint Versori receives the code at (the callback), and an OAuth 2.0 provider the
// mock plays itself (authorize and token endpoints, discoverable through RFC 8414 metadata at
// /.well-known/oauth-authorization-server), so that a client completes the whole flow against
// the mock alone:
//
//  1. InitialiseOAuth2Connection names a connection credential of the connector whose auth
//     scheme config is oauth2, and the provider's authorize URL; it answers that URL with
//     client_id, redirect_uri (the callback), state, prompt, scope and response_type=code.
//  2. The user agent follows it. The mock's authorize endpoint redirects at once (302) to
//     redirect_uri with a code and the state.
//  3. The callback takes the state (once, within 10 minutes: a wrong or reused state is a
//     400) and exchanges the code with the mock's provider (the mock fetches no other URL):
//     the connection credential becomes an oauth2-token credential (secrets redacted, as
//     always), and the callback answers the connection.
//
// States, codes and tokens are not state a snapshot keeps; they go with a reset.

// oauthPrefix is where the mock's provider and the callback live (raw routes).
const oauthPrefix = apiBase + "/oauth2"

// wellKnown is the RFC 8414 metadata path (also served with the issuer's path appended).
const wellKnown = "/.well-known/oauth-authorization-server"

// oauthValidity is how long a state and a code stay usable.
const oauthValidity = 10 * time.Minute

// oauthState is a pending InitialiseOAuth2Connection.
type oauthState struct {
	org, connector, connection, credential string
	clientID, redirectURI, scope           string
	expires                                time.Time
}

// oauthCode is a code the mock's authorize endpoint issued.
type oauthCode struct {
	clientID, redirectURI, scope string
	expires                      time.Time
}

// oauth is the flow's bookkeeping; Store.mu guards it.
type oauth struct {
	states bounded[*oauthState]
	codes  bounded[*oauthCode]
	tokens bounded[string] // refresh token -> scope
}

// MaxOAuthEntries bounds each kind of OAuth bookkeeping a store holds (flows started, codes
// issued, refresh tokens): the authorize endpoint answers anyone, so a client looping on it
// would otherwise grow the mock without end. Past the bound the oldest entry is forgotten
// (using it is then refused as unknown).
const MaxOAuthEntries = 1000

// bounded is a map that forgets its oldest entries past MaxOAuthEntries.
type bounded[V any] struct {
	m     map[string]V
	order []string // keys in insertion order; some may be gone from m already
}

func (b *bounded[V]) put(k string, v V) {
	if b.m == nil {
		b.m = map[string]V{}
	}
	b.m[k] = v
	b.order = append(b.order, k)
	for len(b.m) > MaxOAuthEntries {
		delete(b.m, b.order[0])
		b.order = b.order[1:]
	}
	if len(b.order) > 2*MaxOAuthEntries { // drop the keys used up since, so order stays bounded too
		live := b.order[:0:0]
		for _, k := range b.order {
			if _, ok := b.m[k]; ok {
				live = append(live, k)
			}
		}
		b.order = live
	}
}

// OAuth2Initialise is an InitialiseOAuth2ConnectionRequest.
type OAuth2Initialise struct {
	Credential struct {
		ID             string `json:"id"`
		OrganisationID string `json:"organisationId"`
	} `json:"credential"`
	AuthorizeURL         string   `json:"authorizeUrl"`
	ClientID             string   `json:"clientId"`
	Scopes               []string `json:"scopes"`
	DisableOfflineAccess bool     `json:"disableOfflineAccess"`
	Prompt               *string  `json:"prompt"`
	AdditionalParams     string   `json:"additionalParams"`
}

// standardParams are the authorize parameters the API sets; additionalParams may not.
var standardParams = []string{"client_id", "redirect_uri", "state", "prompt", "scope", "response_type"}

func (a *API) initialiseOAuth2(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in OAuth2Initialise
	if !a.decode(w, r, c, &in) {
		return
	}
	org, id := ids(c)
	u, err := a.store.initialiseOAuth2(org, id, in, vendorapi.BaseURL(r)+oauthPrefix+"/callback")
	a.answer(w, http.StatusOK, map[string]string{"url": u}, err)
}

// InitialiseOAuth2 starts the flow for a connection credential of the connector (see this
// file's comment) and returns the URL to send the user to. redirectURI is the callback's URL
// as the client reaches the mock. Rules, all checked, every fault reported: credential.id names
// a connection credential of the connector whose config is oauth2; credential.organisationId
// is the path's; additionalParams parses and sets none of the standard parameters.
func (s *Store) InitialiseOAuth2(org, connector string, in OAuth2Initialise, redirectURI string) (string, error) {
	return s.initialiseOAuth2(org, connector, in, redirectURI)
}

func (s *Store) initialiseOAuth2(org, connector string, in OAuth2Initialise, redirectURI string) (string, error) {
	bad := &InvalidError{}
	if !strings.EqualFold(in.Credential.OrganisationID, org) {
		bad.add("credential.organisationId", msgPathMismatch, in.Credential.OrganisationID, "organisation_id", org)
	}
	authorize, err := url.Parse(in.AuthorizeURL)
	if err != nil || !authorize.IsAbs() {
		bad.add("authorizeUrl", msgNotAbsolute, in.AuthorizeURL)
	}
	extra, err := url.ParseQuery(in.AdditionalParams)
	if err != nil {
		bad.add("additionalParams", msgBadQuery, err)
	}
	for _, p := range standardParams {
		if extra.Has(p) {
			bad.add("additionalParams", msgParamConflict, p)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, err := s.lookup(org, connector)
	if err != nil {
		return "", err
	}
	conn, _, cc := findCredential(e.stored, in.Credential.ID)
	switch {
	case cc == nil:
		bad.add("credential.id", msgNoSuchCredential, in.Credential.ID)
	case schemeTypeOf(e.stored, cc.AuthSchemeConfig.ID) != "oauth2" && cc.AuthSchemeConfig.SchemeType != "oauth2":
		bad.add("credential.id", msgNotOAuth2Credential, in.Credential.ID)
	}
	if err := bad.orNil(); err != nil {
		return "", err
	}
	scopes := slices.Clone(in.Scopes)
	if !in.DisableOfflineAccess && !slices.Contains(scopes, "offline_access") {
		scopes = append(scopes, "offline_access")
	}
	prompt := "login"
	if in.Prompt != nil {
		prompt = *in.Prompt
	} else if extra.Has("approval_prompt") {
		prompt = ""
	}
	state := strings.ToLower(s.newID())
	st := &oauthState{org: e.stored.OrganisationID, connector: e.stored.ID, connection: conn.ID, credential: cc.Credential.ID,
		clientID: in.ClientID, redirectURI: redirectURI, scope: strings.Join(scopes, " "), expires: s.now().Add(oauthValidity)}
	s.flow().states.put(state, st)
	q := authorize.Query()
	for k, vs := range extra {
		q[k] = vs
	}
	q.Set("client_id", in.ClientID)
	q.Set("redirect_uri", redirectURI)
	q.Set("state", state)
	if prompt != "" {
		q.Set("prompt", prompt)
	}
	q.Set("scope", st.scope)
	q.Set("response_type", "code")
	authorize.RawQuery = q.Encode()
	return authorize.String(), nil
}

// flow is the store's OAuth bookkeeping, made on first use. Callers hold mu for writing.
func (s *Store) flow() *oauth {
	if s.oauth == nil {
		s.oauth = &oauth{}
	}
	return s.oauth
}

// findCredential is the connection, and its connection credential, whose credential (or
// connection credential) has the id.
func findCredential(c *fx.Connector, id string) (*fx.Connection, int, *fx.ConnectionCredential) {
	for i := range c.Connections {
		conn := &c.Connections[i]
		for _, list := range [][]fx.ConnectionCredential{conn.Credentials.Action, conn.Credentials.Trigger} {
			for j := range list {
				if strings.EqualFold(list[j].Credential.ID, id) || strings.EqualFold(list[j].ID, id) {
					return conn, i, &list[j]
				}
			}
		}
	}
	return nil, -1, nil
}

// oauthError writes an RFC 6749 error (section 5.2) of the mock's provider.
func oauthError(w http.ResponseWriter, code, description string) {
	kit.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// authorize is the mock's provider's authorize endpoint: it authorizes at once, redirecting to
// redirect_uri with a code and the state.
func (a *API) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case err != nil || !redirect.IsAbs():
		oauthError(w, "invalid_request", oauthRedirectNotAbsolute)
		return
	case q.Get("client_id") == "":
		oauthError(w, "invalid_request", oauthClientIDRequired)
		return
	case q.Get("response_type") != "code":
		oauthError(w, "unsupported_response_type", oauthResponseType)
		return
	}
	code := a.store.issueCode(q.Get("client_id"), redirect.String(), q.Get("scope"))
	rq := redirect.Query()
	rq.Set("code", code)
	if st := q.Get("state"); st != "" {
		rq.Set("state", st)
	}
	redirect.RawQuery = rq.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Store) issueCode(clientID, redirectURI, scope string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := "code-" + strings.ToLower(s.newID())
	s.flow().codes.put(code, &oauthCode{clientID: clientID, redirectURI: redirectURI, scope: scope, expires: s.now().Add(oauthValidity)})
	return code
}

// tokenResponse is an RFC 6749 access token response.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope,omitempty"`
}

// token is the mock's provider's token endpoint: authorization_code and refresh_token grants,
// form-encoded (RFC 6749 4.1.3, 6).
func (a *API) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindMethodNotAllowed, Allow: []string{"POST"}})
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, "invalid_request", oauthNotAForm+err.Error())
		return
	}
	f := r.PostForm
	var res tokenResponse
	var problem string
	switch f.Get("grant_type") {
	case "authorization_code":
		res, problem = a.store.exchange(f.Get("code"), f.Get("client_id"), f.Get("redirect_uri"))
	case "refresh_token":
		res, problem = a.store.refresh(f.Get("refresh_token"))
	default:
		oauthError(w, "unsupported_grant_type", oauthGrantType)
		return
	}
	if problem != "" {
		oauthError(w, "invalid_grant", problem)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	kit.WriteJSON(w, http.StatusOK, res)
}

// exchange redeems a code (once, before it expires, by the client and for the redirect URI
// it was issued to): the problem, or the tokens.
func (s *Store) exchange(code, clientID, redirectURI string) (tokenResponse, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exchangeLocked(code, clientID, redirectURI)
}

func (s *Store) exchangeLocked(code, clientID, redirectURI string) (tokenResponse, string) {
	c := s.flow().codes.m[code]
	switch {
	case c == nil:
		return tokenResponse{}, oauthUnknownCode
	case s.now().After(c.expires):
		delete(s.oauth.codes.m, code)
		return tokenResponse{}, oauthCodeExpired
	case clientID != "" && clientID != c.clientID:
		return tokenResponse{}, oauthOtherClient
	case redirectURI != c.redirectURI:
		return tokenResponse{}, oauthRedirectDiffers
	}
	delete(s.oauth.codes.m, code)
	return s.newTokens(c.scope), ""
}

func (s *Store) refresh(token string) (tokenResponse, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	scope, ok := s.flow().tokens.m[token]
	if !ok {
		return tokenResponse{}, oauthUnknownRefresh
	}
	delete(s.oauth.tokens.m, token)
	return s.newTokens(scope), ""
}

// newTokens issues an access token and a (one-use) refresh token. Callers hold mu.
func (s *Store) newTokens(scope string) tokenResponse {
	refresh := "refresh-" + strings.ToLower(s.newID())
	s.oauth.tokens.put(refresh, scope)
	return tokenResponse{AccessToken: "access-" + strings.ToLower(s.newID()), TokenType: "Bearer", ExpiresIn: 3600, RefreshToken: refresh, Scope: scope}
}

// callback is Versori's redirect endpoint: it takes the state, exchanges the code with the
// mock's provider and stores the token credential in the connection, which it answers.
func (a *API) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindBadRequest, Fields: []vendorapi.FieldError{{In: "query", Field: "error", Message: fmt.Sprintf(msgProviderRefused, e, q.Get("error_description"))}}})
		return
	}
	conn, err := a.store.completeOAuth2(q.Get("state"), q.Get("code"))
	if err != nil {
		f := failure(err)
		for i := range f.Fields {
			f.Fields[i].In = "query"
		}
		a.writeError(w, f)
		return
	}
	kit.WriteJSON(w, http.StatusOK, conn)
}

func (s *Store) completeOAuth2(state, code string) (*fx.Connection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.flow().states.m[state]
	switch {
	case st == nil:
		return nil, &InvalidError{Fields: []FieldError{{"state", msgUnknownState}}}
	case s.now().After(st.expires):
		delete(s.oauth.states.m, state)
		return nil, &InvalidError{Fields: []FieldError{{"state", msgUnknownState}}}
	}
	delete(s.oauth.states.m, state) // used once, whatever follows
	tokens, problem := s.exchangeLocked(code, st.clientID, st.redirectURI)
	if problem != "" {
		return nil, &InvalidError{Fields: []FieldError{{"code", problem}}}
	}
	old, err := s.lookup(st.org, st.connector)
	if err != nil {
		return nil, err
	}
	c := *old.stored
	_, i, cc := findCredential(&c, st.credential)
	if i < 0 {
		return nil, &NotFoundError{Connector: c.ID, Kind: "connection credential", Name: st.credential}
	}
	// The contract: the client_id must be the one stored in the credential, "otherwise the
	// handling of the redirect request will fail" (client ids are no secret: kept unredacted).
	var stored struct {
		ClientID string `json:"clientId"`
	}
	if json.Unmarshal(cc.Credential.Data, &stored) == nil && stored.ClientID != "" && stored.ClientID != st.clientID {
		return nil, &InvalidError{Fields: []FieldError{{"state", fmt.Sprintf(msgClientMismatch, st.clientID, stored.ClientID)}}}
	}
	now := s.now()
	c.Connections = slices.Clone(c.Connections)
	conn := &c.Connections[i]
	expires := now.Add(time.Duration(tokens.ExpiresIn) * time.Second)
	scopes, _ := json.Marshal(strings.Fields(tokens.Scope))
	set := func(list []fx.ConnectionCredential) []fx.ConnectionCredential {
		if list == nil {
			return nil
		}
		list = slices.Clone(list)
		for k := range list {
			if strings.EqualFold(list[k].Credential.ID, st.credential) || strings.EqualFold(list[k].ID, st.credential) {
				cred := list[k].Credential
				cred.Type, cred.ExpiresAt = "oauth2-token", &expires
				cred.Data = fixtures.RawJSON(`{"accessToken":"` + fx.Redacted + `","refreshToken":"` + fx.Redacted + `","scopes":` + string(scopes) + `}`)
				list[k].Credential = cred
			}
		}
		return list
	}
	conn.Credentials.Action, conn.Credentials.Trigger = set(conn.Credentials.Action), set(conn.Credentials.Trigger)
	conn.UpdatedAt, c.UpdatedAt = now, now
	shown := s.write(&c).shown
	return &shown.Connections[i], nil
}

// metadata is the mock's provider's RFC 8414 authorization server metadata.
func (a *API) metadata(w http.ResponseWriter, r *http.Request) {
	issuer := vendorapi.BaseURL(r) + oauthPrefix
	kit.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                issuer + "/authorize",
		"token_endpoint":                        issuer + "/token",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "none"},
	})
}

// serveOAuth routes the raw OAuth paths.
func (a *API) serveOAuth(w http.ResponseWriter, r *http.Request) {
	_, rest, _ := strings.Cut(r.URL.Path, oauthPrefix)
	switch rest {
	case "/authorize":
		a.authorize(w, r)
	case "/token":
		a.token(w, r)
	case "/callback":
		a.callback(w, r)
	default:
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindNotFound, Message: fmt.Sprintf(msgNoOAuthRoute, r.URL.Path)})
	}
}
