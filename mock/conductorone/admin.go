package conductorone

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/kit"
)

// The vendor's admin endpoints, under /__admin/vendors/conductorone/ (vendorapi.AdminRouter):
//
//	GET  /syncs/{sync_id}            the sync
//	POST /syncs/{sync_id}/complete   complete the running sync now
//	POST /syncs/{sync_id}/fail       fail it now; body {"message": "..."} (optional) is its lastError
//	GET  /apps/{app_id}/connectors/{connector_id}/syncs   the connector's syncs, newest first
//
// Answers are the sync ({"sync": ...}) or the list ({"syncs": [...]}); errors the admin API's
// {"message": ...}: 404 for an unknown sync or connector, 409 for a sync that is not running.

// AdminHandler implements vendorapi.AdminRouter.
func (a *mounted) AdminHandler() http.Handler { return http.HandlerFunc(a.serveAdmin) }

func (a *API) serveAdmin(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "syncs":
		if r.Method != http.MethodGet {
			adminMethod(w, http.MethodGet)
			return
		}
		sy, err := a.store.Sync(parts[1])
		adminAnswer(w, map[string]any{"sync": sy}, err)
	case len(parts) == 3 && parts[0] == "syncs" && (parts[2] == "complete" || parts[2] == "fail"):
		if r.Method != http.MethodPost {
			adminMethod(w, http.MethodPost)
			return
		}
		if parts[2] == "complete" {
			sy, err := a.store.CompleteSync(parts[1])
			adminAnswer(w, map[string]any{"sync": sy}, err)
			return
		}
		var in struct {
			Message string `json:"message"`
		}
		data, err := io.ReadAll(r.Body)
		if err == nil && len(strings.TrimSpace(string(data))) > 0 {
			err = json.Unmarshal(data, &in)
		}
		if err != nil {
			kit.WriteJSON(w, http.StatusBadRequest, adminMessage{"invalid body: " + err.Error()})
			return
		}
		sy, err := a.store.FailSync(parts[1], in.Message)
		adminAnswer(w, map[string]any{"sync": sy}, err)
	case len(parts) == 5 && parts[0] == "apps" && parts[2] == "connectors" && parts[4] == "syncs":
		if r.Method != http.MethodGet {
			adminMethod(w, http.MethodGet)
			return
		}
		syncs, err := a.store.Syncs(parts[1], parts[3])
		adminAnswer(w, map[string]any{"syncs": syncs}, err)
	default:
		kit.WriteJSON(w, http.StatusNotFound, adminMessage{"no conductorone admin endpoint " + r.Method + " " + r.URL.Path})
	}
}

type adminMessage struct {
	Message string `json:"message"`
}

func adminMethod(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	kit.WriteJSON(w, http.StatusMethodNotAllowed, adminMessage{"method not allowed; use " + allow})
}

func adminAnswer(w http.ResponseWriter, body any, err error) {
	switch {
	case err == nil:
		kit.WriteJSON(w, http.StatusOK, body)
	case errors.Is(err, ErrNotFound):
		kit.WriteJSON(w, http.StatusNotFound, adminMessage{err.Error()})
	case errors.Is(err, ErrFailedPrecondition):
		kit.WriteJSON(w, http.StatusConflict, adminMessage{err.Error()})
	default:
		kit.WriteJSON(w, http.StatusInternalServerError, adminMessage{err.Error()})
	}
}
