package versori

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// This file is GetProtocolUploadURL and the upload URLs it hands out: the mock plays the
// object storage a signed URL points at. An upload URL takes one PUT within 5 minutes of the
// mock's clock, with the declared Content-Type and Content-Length when the request for the
// URL declared them; the same URL (url) then downloads the file, and ImportHTTPConnector and
// ImportHTTPConnectorVersion accept it as schemaURL. Uploads live beside the connectors, are
// not part of the snapshot, and go with a reset.

// uploadsPath is where upload URLs point (a raw route, outside the spec).
const uploadsPath = apiBase + "/uploads/"

// uploadValidity is how long an upload URL takes its PUT, as the contract says.
const uploadValidity = 5 * time.Minute

// maxUpload is the largest file an upload URL takes, the mock's body limit.
const maxUpload = 1 << 20

// upload is one issued upload URL.
type upload struct {
	org           string
	contentType   string // "" when not declared
	contentLength int64  // 0 when not declared
	expires       time.Time
	data          []byte // nil until the PUT
	dataType      string
}

// SignedURL is a SignedURL body.
type SignedURL struct {
	UploadURL string `json:"uploadUrl"`
	URL       string `json:"url"`
}

func (a *API) getUploadURL(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	slug := c.Params["protocol_slug"]
	if _, ok := authSchemes[slug]; !ok {
		a.writeError(w, failure(&NotFoundError{Kind: "protocol", Name: slug}))
		return
	}
	q := r.URL.Query()
	length, _ := strconv.ParseInt(q.Get("content_length"), 10, 64) // validated against the spec
	id := a.store.newUpload(c.Params["organisation_id"], q.Get("content_type"), length)
	u := vendorapi.BaseURL(r) + uploadsPath + id
	a.answer(w, http.StatusOK, SignedURL{UploadURL: u, URL: u}, nil)
}

// MaxPendingUploads bounds the upload URLs issued and not used yet, in one store: a client
// that asks for URLs it never uses (a retry loop, a fuzzer) makes the mock hold at most this
// many; past it the oldest unused one is forgotten (its PUT is then a 404, as an unknown URL).
// Used ones hold their file, which the file budget (-max-blob-bytes) bounds.
const MaxPendingUploads = 1000

// newUpload issues an upload id for the organisation.
func (s *Store) newUpload(org, contentType string, length int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newID()
	if s.uploads == nil {
		s.uploads = map[string]*upload{}
	}
	s.uploads[id] = &upload{org: strings.ToUpper(org), contentType: contentType, contentLength: length, expires: s.now().Add(uploadValidity)}
	s.issued = append(s.issued, id)
	s.unused++
	for s.unused > MaxPendingUploads {
		oldest := s.issued[0]
		s.issued = s.issued[1:]
		if u := s.uploads[oldest]; u != nil && u.data == nil {
			delete(s.uploads, oldest)
			s.unused--
		}
	}
	return id
}

// serveUpload is the raw route of upload URLs: PUT stores the file once, GET reads it back.
func (a *API) serveUpload(w http.ResponseWriter, r *http.Request) {
	_, id, _ := strings.Cut(r.URL.Path, uploadsPath)
	id = strings.ToUpper(id)
	switch r.Method {
	case http.MethodPut:
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpload))
		if err != nil {
			a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindBadRequest, Fields: []vendorapi.FieldError{{In: "body", Message: msgUploadTooLarge}}})
			return
		}
		if err := a.store.putUpload(id, r.Header.Get("Content-Type"), r.ContentLength, data); err != nil {
			a.writeError(w, failure(err))
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodGet:
		data, ct, err := a.store.uploaded(id)
		if err != nil {
			a.writeError(w, failure(err))
			return
		}
		// The bytes are the uploader's, with the type they declared ("text/html" is allowed),
		// served from the mock's origin: opened as a page they must run nothing there (the
		// admin API trusts its own origin), so the policy sandboxes them and they download.
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Disposition", "attachment")
		_, _ = w.Write(data) // the client went away: nothing to do
	default:
		w.Header().Set("Allow", "GET, PUT")
		a.writeError(w, &vendorapi.Error{Kind: vendorapi.KindMethodNotAllowed, Allow: []string{"GET", "PUT"}})
	}
}

// putUpload stores the file of an upload URL: once, before it expires, with the declared
// content type and length.
func (s *Store) putUpload(id, contentType string, length int64, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	bad := &InvalidError{}
	switch {
	case u == nil:
		return &NotFoundError{Kind: "upload URL", Name: id}
	case u.data != nil:
		return &ConflictError{Reason: msgUploadUsed}
	case s.now().After(u.expires):
		return &ConflictError{Reason: msgUploadExpired}
	case u.contentType != "" && !strings.EqualFold(contentType, u.contentType):
		bad.add("Content-Type", msgUploadContentType, contentType, u.contentType)
	case u.contentLength != 0 && (length != u.contentLength || int64(len(data)) != u.contentLength):
		bad.add("Content-Length", msgUploadContentLength, len(data), u.contentLength)
	case len(data) == 0:
		bad.add("body", msgUploadEmpty)
	}
	if err := bad.orNil(); err != nil {
		return err
	}
	if !s.blobs.Reserve(int64(len(data))) {
		return &ConflictError{Reason: s.blobs.FullMessage(int64(len(data)))}
	}
	u.data, u.dataType = data, contentType
	s.unused--
	return nil
}

// dropUploads gives the uploaded files' bytes back to the file budget before a reset or a
// restore drops them. Callers hold mu for writing.
func (s *Store) dropUploads() {
	for _, u := range s.uploads {
		s.blobs.Release(int64(len(u.data)))
	}
	s.issued, s.unused = nil, 0
}

// uploaded is the file of an upload URL; a URL without its PUT yet is not found.
func (s *Store) uploaded(id string) ([]byte, string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.uploads[id]
	if u == nil || u.data == nil {
		return nil, "", &NotFoundError{Kind: "uploaded file", Name: id}
	}
	return u.data, u.dataType, nil // never written again
}

// RawRoutes implements vendorapi.RawRouter: the upload URLs, and the OAuth 2.0 provider and
// callback (oauth2.go).
func (a *mounted) RawRoutes() []vendorapi.RawRoute {
	return []vendorapi.RawRoute{
		{Prefix: strings.TrimSuffix(uploadsPath, "/"), Name: "versori.upload", Handler: http.HandlerFunc(a.serveUpload)},
		{Prefix: oauthPrefix, Name: "versori.oauth2", Handler: http.HandlerFunc(a.serveOAuth)},
		{Prefix: wellKnown, Name: "versori.oauth2.metadata", Handler: http.HandlerFunc(a.metadata)},
	}
}
