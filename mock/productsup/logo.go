package productsup

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Logos: POST .../logo uploads an SVG (multipart/form-data, the file in the part "logo"); the
// version's "logo" becomes a URL on the mock where the file is served (GET
// /logos/connectors/{publicId}/{major}/logo.svg, outside the spec, as the vendor's storage
// serves it), built from the URL the client reached the mock at (vendorapi.BaseURL). The file
// is kept in the store's state, so a snapshot carries it.

// logoPrefix is where the uploaded logos are served.
const logoPrefix = "/logos/"

// maxLogo is the largest logo accepted: an icon.
const maxLogo = 512 << 10

func logoKey(id string, major int) string { return id + "/" + strconv.Itoa(major) }

// readLogo reads the "logo" part of a multipart body and checks that it is an SVG image.
func readLogo(r *http.Request, body []byte) ([]byte, error) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return nil, fieldRule("logo", msgLogoMissing)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return nil, fieldRule("logo", msgLogoMissing) // io.EOF or a broken body: no logo part
		}
		if p.FormName() != "logo" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, maxLogo+1))
		switch {
		case err != nil:
			return nil, fieldRule("logo", msgLogoMissing)
		case len(data) > maxLogo:
			return nil, fieldRule("logo", "The file is too large. Allowed maximum size is 512 KiB.")
		case !bytes.Contains(data, []byte("<svg")):
			return nil, fieldRule("logo", "This file is not a valid SVG image.")
		}
		return data, nil
	}
}

func (a *API) uploadLogo(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	data, err := readLogo(r, c.Body)
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	base := vendorapi.BaseURL(r)
	v, _, err := a.store.step(c.Params["publicId"], c.Params["connectorVersion"], c.Principal.Name,
		func(e *stepEnv, conn *fx.Connector, i int) (*Work, error) {
			v := &conn.Versions[i]
			major := fx.Major(v.Version)
			url := base + logoPrefix + "connectors/" + conn.ID + "/" + strconv.Itoa(major) + "/logo.svg"
			key, blobs := logoKey(conn.ID, major), e.s.cfg.Blobs
			replaced := int64(len(e.st.logos[key])) // its room counts for the new one
			blobs.Release(replaced)
			if !blobs.Reserve(int64(len(data))) {
				blobs.Charge(replaced)
				return nil, fieldRule("logo", blobs.FullMessage(int64(len(data))))
			}
			v.Logo, v.UpdatedAt = &url, fx.Time(e.s.clock())
			e.st.logos[key] = data
			return nil, nil
		})
	if err != nil {
		a.writeError(w, failure(err))
		return
	}
	writeOK(w, versionBody{msgLogoUploaded, resourceVersion, v})
}

// Logo returns the logo uploaded for a version (by major number), or an error.
func (s *Store) Logo(id string, major int) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	data, ok := s.st.logos[logoKey(id, major)]
	if !ok {
		return nil, errors.New("no logo")
	}
	return bytes.Clone(data), nil
}

// RawRoutes implements vendorapi.RawRouter: the uploaded logos.
func (a *mounted) RawRoutes() []vendorapi.RawRoute {
	return []vendorapi.RawRoute{{Prefix: logoPrefix, Name: "productsup.logo", Handler: http.HandlerFunc(a.serveLogo)}}
}

// serveLogo serves GET /logos/connectors/{publicId}/{major}/logo.svg.
func (a *mounted) serveLogo(w http.ResponseWriter, r *http.Request) {
	rest, _ := strings.CutPrefix(r.URL.Path, logoPrefix+"connectors/")
	id, tail, _ := strings.Cut(rest, "/")
	majorText, file, _ := strings.Cut(tail, "/")
	major, err := strconv.Atoi(majorText)
	var data []byte
	if err == nil && file == "logo.svg" {
		data, err = a.store.Logo(id, major)
	} else {
		err = errors.New("no such logo")
	}
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		kit.WriteJSON(w, http.StatusMethodNotAllowed, message{msgMethod})
	case err != nil:
		kit.WriteJSON(w, http.StatusNotFound, message{"Logo not found."})
	default:
		// An uploaded SVG is the uploader's markup, served from the mock's own origin: opened
		// as a page, its script would run there and pass the admin API's same-origin rules.
		// The policy lets it render as an image (inline styles) and run nothing; nosniff keeps
		// browsers from reading it as anything but an image.
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(data) // the client went away: nothing to do
		}
	}
}

// logoBytes is what the state's logos hold, as charged to the file budget
// (vendorapi.Config.Blobs): released when a reset or a restore replaces the state.
func (st *state) logoBytes() int64 {
	if st == nil {
		return 0
	}
	n := 0
	for _, data := range st.logos {
		n += len(data)
	}
	return int64(n)
}
