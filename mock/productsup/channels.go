package productsup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Platform channels (connector_platform_assign_channel, PUT V/channels): the export channels a
// connector supports, the type-specific config guide's "Channels" of the export configuration,
// which "applies to: Export and Export delta connectors" and whose channels "must ... match the
// connector type". No page lists the platform's channels; the page's example assigns 1 and 2
// and refuses 98 and 99 as delta channels to an export connector, so the mock's platform has
// exactly those two delta channels and takes every other id as a full channel. An export-delta
// connector takes any channel (the page documents the export refusal only); another type takes
// none (the guide: the channels are export configuration).

// DeltaChannels are the platform's delta channels in the mock: the ones the page's refusal
// names.
var DeltaChannels = []int64{98, 99}

// Channels is the body of PUT .../channels.
type Channels struct {
	Channels []int64 `json:"channels"`
}

// AssignChannels replaces the channels of the version's export configuration (its
// config.export "channels", other keys kept) with ids, in order, each once. An export
// connector refuses delta channels with the page's sentence, and a connector of a type other
// than export or export-delta every channel, with a *RuleError on "channels"; nothing changes
// then. The version's state and updated-at do not move: the page says nothing of either. Ids
// the HTTP side would refuse (none, or one below 1) are an *InvalidError.
func (s *Store) AssignChannels(id, ref string, ids []int64) (fx.Version, error) {
	if err := invalid(s.schemas.channels.Check(Channels{ids})); err != nil {
		return fx.Version{}, err
	}
	return cloned(s.assignChannels(id, ref, ids))
}

// assignChannels is AssignChannels for a body that validation has checked already.
func (s *Store) assignChannels(id, ref string, ids []int64) (*fx.Version, error) {
	ids = uniqueIDs(ids)
	s.lock()
	defer s.mu.Unlock()
	old, i, err := s.resolve(id, ref)
	if err != nil {
		return nil, err
	}
	switch old.Type {
	case "export":
		var delta []string
		for _, ch := range ids {
			if slices.Contains(DeltaChannels, ch) {
				delta = append(delta, strconv.FormatInt(ch, 10))
			}
		}
		if delta != nil {
			return nil, fieldRule("channels", msgDeltaChannels+strings.Join(delta, ","))
		}
	case "export-delta":
	default:
		return nil, fieldRule("channels", fmt.Sprintf(msgNoChannels, old.Type))
	}
	export := map[string]json.RawMessage{}
	if raw := old.Versions[i].Config.Export; len(raw) > 0 {
		// A stored export config that is no object (null) starts afresh.
		_ = json.Unmarshal(raw, &export)
		if export == nil {
			export = map[string]json.RawMessage{}
		}
	}
	export["channels"], _ = json.Marshal(ids) // a list of ints always marshals
	raw, _ := json.Marshal(export)            // raw JSON values always marshal
	if bytes.Equal(raw, old.Versions[i].Config.Export) {
		return &old.Versions[i], nil // the same channels again: nothing to store (the package doc)
	}
	c, v := withVersion(old, i)
	v.Config.Export = fixtures.RawJSON(raw)
	s.own().put(c)
	return v, nil
}

// uniqueIDs is ids without repeats, in first-seen order.
func uniqueIDs(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func (a *API) assignChannels(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in Channels
	if !a.decode(w, r, &in) {
		return
	}
	if _, err := a.store.assignChannels(c.Params["publicId"], c.Params["connectorVersion"], in.Channels); err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, message{msgChannelsAssigned})
}
