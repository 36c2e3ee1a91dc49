package mock

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/connectormock/connectormock/mock/internal/inspector"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// InspectorPath is where the request inspector, a web page over the admin API, is served.
const InspectorPath = AdminPrefix + "/ui/"

// withInspector serves the inspector's page and script in front of the admin API's guard: they
// hold no data (the page asks the admin API for it, through the guard, with the token the user
// gives it), and a browser's navigation to the page cannot carry a bearer token. The admin
// API's off switch removes the page too.
func (s *Server) withInspector(next http.Handler) http.Handler {
	page := inspector.Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, AdminPrefix+"/ui")
		switch {
		case !ok || rest != "" && rest[0] != '/':
			next.ServeHTTP(w, r)
		case rest == "":
			// The page's URLs are relative ("../requests"): they need the trailing slash. The
			// redirect is relative too, so that it holds under any base path.
			// (http.Redirect would make it absolute.)
			w.Header().Set("Location", "ui/")
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			r2 := new(http.Request)
			*r2 = *r
			u := *r.URL
			u.Path, u.RawPath = rest, ""
			r2.URL = &u
			page.ServeHTTP(w, r2)
		}
	})
}

// adminRequests answers GET /__admin/requests: the journal, oldest first. With ?after=N it
// answers only the requests after ID N, and lastId, the ID of the last request journaled: what
// the inspector asks for next.
func (s *Server) adminRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has("after") {
		kit.WriteJSON(w, http.StatusOK, map[string]any{"requests": s.Requests()})
		return
	}
	after, err := strconv.ParseUint(q.Get("after"), 10, 64)
	if err != nil {
		adminError(w, http.StatusBadRequest, "after="+q.Get("after")+": want a request ID, a whole number")
		return
	}
	reqs, last := s.RequestsSince(after)
	kit.WriteJSON(w, http.StatusOK, map[string]any{"requests": reqs, "lastId": last})
}

// Operation describes one operation a server serves: what GET /__admin/operations lists.
type Operation struct {
	Vendor      string `json:"vendor"`
	OperationID string `json:"operationId"`
	Method      string `json:"method"`
	// Path is the operation's path template as the client sends it, base path included.
	Path string `json:"path"`
	// Statuses are the statuses the spec documents for it, in order; a default response adds
	// the error statuses the vendor's catalogue answers with.
	Statuses []int `json:"statuses"`
}

// defaultStatuses are the errors a default response documents (see documented).
var defaultStatuses = []int{400, 401, 403, 404, 409, 500}

// Operations lists every operation the server serves, by vendor then operationId.
func (s *Server) Operations() []Operation {
	var out []Operation
	for _, m := range s.loaded() {
		var ops []Operation
		for path, item := range m.spec.Doc.Paths.Map() {
			for method, op := range item.Operations() {
				o := Operation{Vendor: m.vendor.Name(), OperationID: op.OperationID, Method: method, Path: m.spec.BasePath + path}
				for code := range op.Responses.Map() {
					if n, err := strconv.Atoi(code); err == nil {
						o.Statuses = append(o.Statuses, n)
					}
				}
				if op.Responses.Default() != nil {
					for _, n := range defaultStatuses {
						if !slices.Contains(o.Statuses, n) && documented(op, n) {
							o.Statuses = append(o.Statuses, n)
						}
					}
				}
				slices.Sort(o.Statuses)
				ops = append(ops, o)
			}
		}
		slices.SortFunc(ops, func(a, b Operation) int { return strings.Compare(a.OperationID, b.OperationID) })
		out = append(out, ops...)
	}
	return out
}
