package productsup

import (
	"net/http"
	"strconv"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Runs are history: generated from the seed, one deterministic history per version on the
// platform of the generated connectors (fx.Runs), with the run_show page's run first. Nothing
// the API does adds a run, so the history is not part of the store's state: it is built once
// per process for each seed and count, on the first request for runs, and shared.

// runIndex is the run history of one seed and count.
type runIndex struct {
	all         []*fx.Run
	byID        map[string]*fx.Run
	byConnector map[string][]*fx.Run
}

func runsOf(cfg vendorapi.Config) *runIndex {
	return kit.Seeded(kit.SeedKey{Vendor: Name + "/runs", Seed: cfg.Seed, N: cfg.Connectors}, func() *runIndex {
		doc := fx.DocumentedRun()
		idx := &runIndex{all: []*fx.Run{&doc}, byID: map[string]*fx.Run{}, byConnector: map[string][]*fx.Run{}}
		for i := range cfg.Connectors {
			c := fx.Generated(cfg.Seed, i)
			for _, r := range fx.Runs(cfg.Seed, i, &c) {
				idx.all = append(idx.all, &r)
			}
		}
		for _, r := range idx.all {
			idx.byID[r.ID] = r
			idx.byConnector[r.ConnectorID] = append(idx.byConnector[r.ConnectorID], r)
		}
		return idx
	})
}

// RunFilter selects runs; zero values select everything.
type RunFilter struct {
	ID, ConnectorID, ConnectorVersion, SiteID, State, ProcessID string
}

// runs lists the runs f selects, from offset from, at most limit, and how many match. Only
// the connector filter is indexed; the others scan (the unfiltered list is a slice).
func (s *Store) runs(f RunFilter, from, limit int) ([]*fx.Run, int) {
	idx := runsOf(s.config())
	list := idx.all
	if f.ConnectorID != "" {
		list = idx.byConnector[f.ConnectorID]
	}
	if f.ID != "" {
		list = nil
		if r := idx.byID[f.ID]; r != nil {
			list = []*fx.Run{r}
		}
	}
	out := []*fx.Run{}
	total := 0
	for _, r := range list {
		if f.ConnectorID != "" && r.ConnectorID != f.ConnectorID ||
			f.ConnectorVersion != "" && r.ConnectorVersion != f.ConnectorVersion ||
			f.SiteID != "" && strconv.FormatInt(r.SiteID, 10) != f.SiteID ||
			f.State != "" && r.State != f.State ||
			f.ProcessID != "" && r.ProcessID != f.ProcessID {
			continue
		}
		if total >= from && len(out) < limit {
			out = append(out, r)
		}
		total++
	}
	return out, total
}

// Run returns the run with the given id.
func (s *Store) Run(id string) (fx.Run, error) {
	r, err := s.run(id)
	if err != nil {
		return fx.Run{}, err
	}
	return *r, nil
}

func (s *Store) run(id string) (*fx.Run, error) {
	if r := runsOf(s.config()).byID[id]; r != nil {
		return r, nil
	}
	return nil, &StateNotFoundError{msgRunNotFound}
}

type runBody struct {
	Message string  `json:"message"`
	Data    *fx.Run `json:"data"`
}

type runListBody struct {
	Data     []*fx.Run    `json:"data"`
	Metadata listMetadata `json:"metadata"`
	Message  string       `json:"message"`
	Resource string       `json:"resource"`
}

func (a *API) showRun(w http.ResponseWriter, _ *http.Request, c *vendorapi.Call) {
	r, err := a.store.run(c.Params["runId"])
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	kit.WriteJSON(w, http.StatusOK, runBody{"run", r})
}

func (a *API) listRuns(w http.ResponseWriter, r *http.Request, _ *vendorapi.Call) {
	q := r.URL.Query()
	f := RunFilter{ID: q.Get("id"), ConnectorID: q.Get("connector-id"), ConnectorVersion: q.Get("connector-version"),
		SiteID: q.Get("site-id"), State: q.Get("state"), ProcessID: q.Get("process-id")}
	from, limit := intParam(q.Get("from"), 0), intParam(q.Get("limit"), 20)
	page, total := a.store.runs(f, from, limit)
	md := listMetadata{From: from, Limit: limit, Count: len(page), Total: total}
	if next := from + len(page); next < total {
		md.Next = &next
	}
	kit.WriteJSON(w, http.StatusOK, runListBody{page, md, msgSuccessful, "run"})
}
