package conductorone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/conductorone"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// The connector answers (Update, Get, List, Create, CreateDelegated) are written by hand, not
// by encoding/json: its reflection was 45 % of an Update's handler and the larger part of a
// Get's. The bytes are exactly encoding/json's as kit.WriteJSON writes them (no HTML escaping,
// a final newline): TestEncoderMatchesEncodingJSON holds viewAnswer and listAnswer to
// encoding/json's encoding of viewBody and listBody (their reference form, below) over
// generated, documented and fully set values, nil and empty lists, awkward strings and odd
// expansions, so a field added to the fixtures and forgotten here fails it.
//
// A view does not hold its JSONPaths as strings: it holds the positions of its app and users
// in the answer's expanded array, and the writer spells "expanded[i]" and "expanded[i,j]"
// (what connectorView's AppPath and UsersPath held) as it goes.
//
// The expanded objects change less than the connectors: a stored app is immutable and a user
// is derived from the seed alone, so each is written once and its bytes kept (appJSON, and
// expandedUser.json for the users kept in users), both bounded.

// viewAnswer is the answer of Update, Get, Create and CreateDelegated.
type viewAnswer struct {
	view     connectorView
	expanded []expandedItem
}

// listAnswer is the answer of List.
type listAnswer struct {
	expanded []expandedItem
	list     []connectorView
	next     string
}

// writeAnswer writes body as a 200 answer.
func writeAnswer[B kit.Appender](w http.ResponseWriter, body B) {
	kit.WriteAppended(w, http.StatusOK, body)
}

func (v viewAnswer) AppendJSON(b []byte) []byte {
	b = append(b, `{"connectorView":`...)
	b = appendView(b, &v.view)
	b = append(b, `,"expanded":`...)
	b = appendExpanded(b, v.expanded)
	return append(b, '}')
}

func (l listAnswer) AppendJSON(b []byte) []byte {
	b = append(b, `{"expanded":`...)
	b = appendExpanded(b, l.expanded)
	b = append(b, `,"list":`...)
	if l.list == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range l.list {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendView(b, &l.list[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"nextPageToken":`...)
	b = kit.AppendString(b, l.next)
	return append(b, '}')
}

// appendExpanded writes the expanded array: [] when nothing was expanded (nil too), never null.
func appendExpanded(b []byte, items []expandedItem) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		switch {
		case it.user != nil && it.user.json != nil:
			b = append(b, it.user.json...)
		case it.user != nil:
			b = appendUser(b, it.user)
		default:
			b = appendStoredApp(b, it.app)
		}
	}
	return append(b, ']')
}

func appendView(b []byte, v *connectorView) []byte {
	b = append(b, '{')
	if v.app >= 0 {
		b = append(b, `"appPath":"expanded[`...)
		b = strconv.AppendInt(b, int64(v.app), 10)
		b = append(b, `]",`...)
	}
	b = append(b, `"connector":`...)
	b = appendConnector(b, v.connector)
	if v.users != nil {
		b = append(b, `,"usersPath":"expanded[`...)
		for i, u := range v.users {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(u), 10)
		}
		b = append(b, `]"`...)
	}
	return append(b, '}')
}

func appendConnector(b []byte, c *fx.Connector) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = kit.AppendString(b, c.ID)
	b = append(b, `,"appId":`...)
	b = kit.AppendString(b, c.AppID)
	b = appendOptBool(b, `,"canResumeSync":`, c.CanResumeSync)
	b = append(b, `,"catalogId":`...)
	b = kit.AppendString(b, c.CatalogID)
	if len(c.Config) > 0 {
		b = append(b, `,"config":`...)
		b = appendRaw(b, c.Config)
	}
	if s := c.ConnectorSyncCronSchedule; s != nil {
		b = append(b, `,"connectorSyncCronSchedule":{`...)
		sep := false
		b, sep = appendOptMember(b, sep, `"cronSpec":`, s.CronSpec)
		b, sep = appendOptMember(b, sep, `"start":`, s.Start)
		b, _ = appendOptMember(b, sep, `"timezone":`, s.Timezone)
		b = append(b, '}')
	}
	b = appendOptString(b, `,"createdAt":`, c.CreatedAt)
	b = appendOptString(b, `,"deletedAt":`, c.DeletedAt)
	b = append(b, `,"description":`...)
	b = kit.AppendString(b, c.Description)
	b = appendOptBool(b, `,"disableCheckBadSync":`, c.DisableCheckBadSync)
	b = append(b, `,"displayName":`...)
	b = kit.AppendString(b, c.DisplayName)
	b = appendOptString(b, `,"downloadUrl":`, c.DownloadURL)
	b = append(b, `,"oauthAuthorizedAs":{`...)
	sep := false
	b, sep = appendOptMember(b, sep, `"authEmail":`, c.OAuthAuthorizedAs.AuthEmail)
	b, _ = appendOptMember(b, sep, `"authorizedAt":`, c.OAuthAuthorizedAs.AuthorizedAt)
	b = append(b, `},"profileAllowList":`...)
	b = appendStrings(b, c.ProfileAllowList)
	b = append(b, `,"profileIgnoreList":`...)
	b = appendStrings(b, c.ProfileIgnoreList)
	st := &c.Status
	b = append(b, `,"status":{`...)
	if st.CompletedAt != "" {
		b = append(b, `"completedAt":`...)
		b = kit.AppendString(b, st.CompletedAt)
		b = append(b, ',')
	}
	b = append(b, `"lastError":`...)
	b = kit.AppendString(b, st.LastError)
	b = appendOptString(b, `,"startedAt":`, st.StartedAt)
	b = append(b, `,"status":`...)
	b = kit.AppendString(b, st.Status)
	b = appendOptString(b, `,"updatedAt":`, st.UpdatedAt)
	b = append(b, '}')
	if sc := c.SyncConfig; sc != nil {
		b = append(b, `,"syncConfig":{"syncResourceTypeIds":`...)
		b = appendStrings(b, sc.SyncResourceTypeIDs)
		b = append(b, '}')
	}
	b = appendOptString(b, `,"syncDisabledAt":`, c.SyncDisabledAt)
	b = append(b, `,"syncDisabledCategory":`...)
	b = kit.AppendString(b, c.SyncDisabledCategory)
	b = append(b, `,"syncDisabledReason":`...)
	b = kit.AppendString(b, c.SyncDisabledReason)
	b = appendOptString(b, `,"updatedAt":`, c.UpdatedAt)
	b = append(b, `,"userIds":`...)
	b = appendStrings(b, c.UserIDs)
	return append(b, '}')
}

// appendApp writes an app as expandedApp: its @type first.
func appendApp(b []byte, a *fx.App) []byte {
	b = append(b, `{"@type":"`+typeApp+`"`...)
	if a == nil {
		return append(b, '}') // an embedded nil pointer: its fields are left out
	}
	b = append(b, `,"id":`...)
	b = kit.AppendString(b, a.ID)
	b = append(b, `,"appAccountId":`...)
	b = kit.AppendString(b, a.AppAccountID)
	b = append(b, `,"appAccountName":`...)
	b = kit.AppendString(b, a.AppAccountName)
	b = append(b, `,"certifyPolicyId":`...)
	b = kit.AppendString(b, a.CertifyPolicyID)
	b = append(b, `,"connectorVersion":`...)
	b = strconv.AppendInt(b, int64(a.ConnectorVersion), 10)
	b = append(b, `,"createdAt":`...)
	b = kit.AppendString(b, a.CreatedAt)
	b = append(b, `,"defaultRequestCatalogId":`...)
	b = kit.AppendString(b, a.DefaultRequestCatalogID)
	b = append(b, `,"description":`...)
	b = kit.AppendString(b, a.Description)
	b = append(b, `,"displayName":`...)
	b = kit.AppendString(b, a.DisplayName)
	b = append(b, `,"enableConnectorSourcedOwnership":`...)
	b = strconv.AppendBool(b, a.EnableConnectorSourcedOwnership)
	b = append(b, `,"grantPolicyId":`...)
	b = kit.AppendString(b, a.GrantPolicyID)
	b = append(b, `,"iconUrl":`...)
	b = kit.AppendString(b, a.IconURL)
	b = append(b, `,"identityMatching":`...)
	b = kit.AppendString(b, a.IdentityMatching)
	b = append(b, `,"instructions":`...)
	b = kit.AppendString(b, a.Instructions)
	b = append(b, `,"isDirectory":`...)
	b = strconv.AppendBool(b, a.IsDirectory)
	b = append(b, `,"isManuallyManaged":`...)
	b = strconv.AppendBool(b, a.IsManuallyManaged)
	b = append(b, `,"logoUri":`...)
	b = kit.AppendString(b, a.LogoURI)
	b = append(b, `,"monthlyCostUsd":`...)
	b = strconv.AppendInt(b, int64(a.MonthlyCostUsd), 10)
	b = appendOptString(b, `,"parentAppId":`, a.ParentAppID)
	b = append(b, `,"revokePolicyId":`...)
	b = kit.AppendString(b, a.RevokePolicyID)
	b = append(b, `,"strictAccessEntitlementProvisioning":`...)
	b = strconv.AppendBool(b, a.StrictAccessEntitlementProvisioning)
	b = append(b, `,"updatedAt":`...)
	b = kit.AppendString(b, a.UpdatedAt)
	b = append(b, `,"userCount":`...)
	b = kit.AppendString(b, a.UserCount)
	return append(b, '}')
}

// appendUser writes an expandedUser.
func appendUser(b []byte, u *expandedUser) []byte {
	b = append(b, `{"@type":`...)
	b = kit.AppendString(b, u.Type)
	b = append(b, `,"id":`...)
	b = kit.AppendString(b, u.ID)
	b = append(b, `,"displayName":`...)
	b = kit.AppendString(b, u.DisplayName)
	b = append(b, `,"email":`...)
	b = kit.AppendString(b, u.Email)
	b = append(b, `,"status":`...)
	b = kit.AppendString(b, u.Status)
	b = append(b, `,"username":`...)
	b = kit.AppendString(b, u.Username)
	return append(b, '}')
}

// appendOptString writes an omitempty string member after others: key (",\"name\":") and s,
// unless s is empty.
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return kit.AppendString(append(b, key...), s)
}

// appendOptMember writes an omitempty string member of an object that may have none before
// it: sep says one was written, and is returned updated.
func appendOptMember(b []byte, sep bool, key, s string) ([]byte, bool) {
	if s == "" {
		return b, sep
	}
	if sep {
		b = append(b, ',')
	}
	return kit.AppendString(append(b, key...), s), true
}

func appendOptBool(b []byte, key string, v *bool) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendBool(append(b, key...), *v)
}

func appendStrings(b []byte, l []string) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = kit.AppendString(b, s)
	}
	return append(b, ']')
}

// appendRaw writes a raw value (not empty) as encoding/json writes a json.Marshaler's answer:
// compacted. A stored raw value is valid JSON: Put and Restore refuse one that is not (its
// schema check encodes it), Create and Update store what a validated request held, so one
// that is not is a bug, and panics (the server answers 500 and logs it).
func appendRaw(b []byte, r fixtures.RawJSON) []byte {
	if kit.IsCompact(r) { // compact already: nothing to take out
		return append(b, r...)
	}
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, r); err != nil {
		panic(fmt.Sprintf("conductorone: a stored raw value is not JSON (%v): %s", err, r))
	}
	return buf.Bytes()
}
