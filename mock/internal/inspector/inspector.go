// Package inspector is the mock's request inspector: one web page and its script, embedded in
// the binary (no build step, nothing fetched from elsewhere), that reads the admin API of the
// server that serves it. Every URL the page calls is relative to the page ("../requests"),
// so that the same page works under any base path the admin API is served at (a sandbox's).
package inspector

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

//go:embed static
var files embed.FS

// static is the page's files at their served paths.
var static, _ = fs.Sub(files, "static")

// contentTypes are the types of the files served; the page has no other kinds.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

// Handler serves the page at "/" and its files by name. The request's path must have been cut
// to what follows the page's own URL ("/", "/app.js"). The page shows data a client sent, so
// its Content-Security-Policy lets it run its own script only, load nothing from elsewhere and
// not be framed: a journaled body cannot turn into script.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the inspector only serves GET", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean(r.URL.Path)
		if name == "/" {
			name = "/index.html"
		}
		data, err := fs.ReadFile(static, name[1:])
		ct, known := contentTypes[path.Ext(name)]
		if err != nil || !known {
			http.Error(w, "no inspector file "+r.URL.Path, http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ct)
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(data)
		}
	})
}
