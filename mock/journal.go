package mock

import (
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// DefaultJournalSize bounds the request journal unless WithJournalSize says otherwise.
const DefaultJournalSize = 1000

// DefaultJournalBodyBytes is how much of each request and response body the journal keeps
// unless WithJournalBodyBytes says otherwise: enough for every documented body of the three
// APIs and a short page of a list, small enough that a full journal of the default size holds
// at most about 56 MiB (two bodies, and journalHeaderBytes three times, per entry).
const DefaultJournalBodyBytes = 16 << 10

// journalHeaderBytes bounds the headers the journal keeps of each request and of each answer,
// and the text of its refusal (reason and fields): like the bodies, they come from the client
// and could be large, and the journal's memory must not depend on what clients send.
const journalHeaderBytes = 8 << 10

// Request is one journal entry: what came in and how the mock answered it. Secrets are masked
// (see Server.Requests). Its headers and Fields are shared by every copy of the entry: read
// them, do not change them.
type Request struct {
	// ID numbers the entries of a server from 1 in the order they were journaled; clearing
	// the journal does not restart it, so "the entries after ID n" is always meaningful.
	ID uint64 `json:"id"`
	// Time is when the request arrived, by the wall clock: the journal observes the mock, it
	// is not part of its state, so the mock's clock (WithClock) does not apply.
	Time time.Time `json:"time"`
	// Method and Path are as received; Query is the raw query string, without "?".
	Method string `json:"method"`
	Path   string `json:"path"`
	Query  string `json:"query,omitempty"`
	// Vendor is the vendor whose paths the request was under, "" for none.
	Vendor string `json:"vendor,omitempty"`
	// OperationID is the operation the request matched, "" when it matched none.
	OperationID string `json:"operationId,omitempty"`
	// Principal names who the bearer token belongs to, "" when none was accepted.
	Principal string `json:"principal,omitempty"`
	// Status is the HTTP status answered.
	Status int `json:"status"`
	// Error says why the request was refused (no operation, authentication, validation,
	// a scripted fault), "" when it was served.
	Error string `json:"error,omitempty"`
	// Fields are the offending parts of a refused request, as its 400 lists them.
	Fields []FieldError `json:"fields,omitempty"`
	// Forced is set when a scripted fault or the Prefer header chose the answer; ForcedBy says
	// which ("scripted fault: status 503", "Prefer: code=404").
	Forced   bool   `json:"forced,omitempty"`
	ForcedBy string `json:"forcedBy,omitempty"`
	// Prefer is the request's Prefer header, which may have chosen or shaped the answer.
	Prefer string `json:"prefer,omitempty"`
	// Preflight marks a CORS preflight (an OPTIONS request a browser sends before a
	// cross-origin call), answered by the mock's CORS layer (see WithCORSOrigins).
	Preflight bool `json:"preflight,omitempty"`
	// Duration is how long the answer took.
	Duration time.Duration `json:"durationNs"`
	// RequestHeaders and ResponseHeaders are the headers, secrets masked, kept up to 8 KiB
	// each; HeadersTruncated is set when some were left out.
	RequestHeaders   http.Header `json:"requestHeaders,omitempty"`
	ResponseHeaders  http.Header `json:"responseHeaders,omitempty"`
	HeadersTruncated bool        `json:"headersTruncated,omitempty"`
	// RequestBody and ResponseBody are the bodies as sent, kept up to the journal's body size
	// (WithJournalBodyBytes); the Truncated flags are set when more was sent than kept, and
	// the Size fields say how much was sent (for a request body the pipeline did not read to
	// its end, the larger of what it read and its Content-Length). A request body is kept as
	// far as the mock read it: a body refused for its size is kept up to the journal's bound.
	RequestBody           string `json:"requestBody,omitempty"`
	RequestBodySize       int64  `json:"requestBodySize,omitempty"`
	RequestBodyTruncated  bool   `json:"requestBodyTruncated,omitempty"`
	ResponseBody          string `json:"responseBody,omitempty"`
	ResponseBodySize      int64  `json:"responseBodySize,omitempty"`
	ResponseBodyTruncated bool   `json:"responseBodyTruncated,omitempty"`

	// masked is set once the secrets of the query and the bodies have been masked and the
	// headers built from reqHeaders and respHeaders: on the entry's first read, not on the
	// request's way, and once.
	masked bool
	// reqHeaders and respHeaders are the headers as kept on the request's way, until the first
	// read turns them into RequestHeaders and ResponseHeaders (see flatHeaders).
	reqHeaders, respHeaders flatHeaders
	// respBuf is the journal's own memory behind ResponseBody (see journal.add), given to a
	// later entry when this one leaves the ring.
	respBuf []byte
}

// FieldError is one offending part of a refused request, as the journal shows it.
type FieldError struct {
	// In is where the field is: "path", "query", "header" or "body".
	In string `json:"in"`
	// Field names it: a parameter name or a body path ("connectionVariables[0].name"); ""
	// for the body as a whole.
	Field string `json:"field,omitempty"`
	// Message says what is wrong with it.
	Message string `json:"message"`
}

// Unmatched reports whether the request matched no operation or failed validation: what a
// client under test should never send. An answer a fault or Prefer forced is not unmatched,
// nor is a CORS preflight, which the browser sends and the client does not.
func (r Request) Unmatched() bool {
	return !r.Forced && !r.Preflight && (r.OperationID == "" || r.Status == 400 && r.Error != "")
}

// journal is a ring buffer of the last size requests: memory stays flat under load. It grows
// to its bound as requests come, so an idle server costs nothing.
//
// A response body is the largest thing an entry keeps (up to the body bound, 16 KiB by
// default: a list page fills it), and copying it into fresh memory for every request was most
// of the garbage a list page made, the GC's work under load. So the ring recycles that memory:
// an entry's ResponseBody is a view of its respBuf, which the entry that overwrites it in the
// ring reuses. Its bytes change then, so no view may leave the journal: since hands out
// copies of those bodies (reads are rare; requests are not).
type journal struct {
	size    int
	mu      sync.Mutex // guards entries, next and lastID
	entries []Request
	next    int    // where the next entry goes once entries is full
	lastID  uint64 // the ID of the last entry added
}

func newJournal(size int) *journal {
	return &journal{size: max(size, 0)}
}

// add appends r, with resp, the start of the response body as the exchange captured it (the
// exchange's memory, only lent), as its ResponseBody.
func (j *journal) add(r Request, resp []byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lastID++
	r.ID = j.lastID
	switch {
	case j.size == 0:
	case len(j.entries) < j.size:
		r.keepResponse(nil, resp)
		j.entries = append(j.entries, r)
	default:
		old := &j.entries[j.next]
		r.keepResponse(old.respBuf, resp)
		*old = r
		j.next = (j.next + 1) % j.size
	}
}

// keepResponse copies resp into buf, or into new memory when buf is too small for it or much
// larger than it needs (a ring that once kept large bodies does not keep their memory for
// small ones), and makes it the entry's ResponseBody.
func (r *Request) keepResponse(buf, resp []byte) {
	if len(resp) == 0 {
		r.ResponseBody, r.respBuf = "", buf[:0]
		return
	}
	if cap(buf) < len(resp) || cap(buf) > 2*len(resp)+1024 {
		buf = make([]byte, 0, len(resp))
	}
	buf = append(buf[:0], resp...)
	r.respBuf, r.ResponseBody = buf, unsafe.String(unsafe.SliceData(buf), len(buf))
}

// since returns a copy of the entries after ID after, oldest first, their bodies masked, and
// the last ID given. Each body is masked once, when it is first read, so that requests do not
// pay for it, nor a test that reads the journal after every call.
func (j *journal) since(after uint64) ([]Request, uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Request, 0, len(j.entries))
	for _, part := range [][]Request{j.entries[j.next:], j.entries[:j.next]} {
		for i := range part {
			e := &part[i]
			if e.ID <= after {
				continue
			}
			if !e.masked {
				e.RequestHeaders, e.ResponseHeaders = e.reqHeaders.header(requestSecrets), e.respHeaders.header(responseSecrets)
				e.reqHeaders, e.respHeaders = nil, nil // the copies need not keep the secrets
				e.Query = maskQuery(e.Query)
				e.RequestBody = maskBody(e.RequestBody, e.RequestHeaders)
				e.ResponseBody = maskBody(e.ResponseBody, e.ResponseHeaders)
				e.masked = true
			}
			c := *e
			c.respBuf = nil
			if len(e.respBuf) > 0 && unsafe.StringData(e.ResponseBody) == unsafe.SliceData(e.respBuf) {
				c.ResponseBody = strings.Clone(e.ResponseBody) // the ring will reuse respBuf
			}
			out = append(out, c)
		}
	}
	return out, j.lastID
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.next = nil, 0
}

// record adds a request the mount did not serve (a path no vendor serves) to the journal;
// start is when it arrived.
func (s *Server) record(r *http.Request, vendor, op string, status int, start time.Time, err error) {
	if s.journal.size == 0 {
		return
	}
	e := s.entry(r, vendor, op, status, start, err)
	s.journal.add(e, nil)
}

// entry is the journal entry of a request, without what only the mount knows (bodies,
// principal, the answer's headers).
func (s *Server) entry(r *http.Request, vendor, op string, status int, start time.Time, err error) Request {
	e := Request{
		Time:        start,
		Method:      r.Method,
		Path:        r.URL.Path,
		Query:       r.URL.RawQuery, // masked on the entry's first read
		Vendor:      vendor,
		OperationID: op,
		Status:      status,
		Duration:    time.Since(start),
		Prefer:      r.Header.Get("Prefer"),
	}
	e.reqHeaders, e.HeadersTruncated = keepHeaders(r.Header)
	if err != nil {
		e.Error = clip(err.Error(), journalHeaderBytes)
		var forced *forcedError
		if errors.As(err, &forced) {
			e.Forced, e.ForcedBy = true, forced.why
		}
		var ve *vendorapi.Error
		if errors.As(err, &ve) && len(ve.Fields) > 0 {
			room := journalHeaderBytes
			e.Fields = make([]FieldError, 0, len(ve.Fields))
			for _, f := range ve.Fields {
				if room -= len(f.Field) + len(f.Message); room < 0 {
					break
				}
				e.Fields = append(e.Fields, FieldError{In: f.In, Field: f.Field, Message: f.Message})
			}
		}
	}
	return e
}

// recordExchange journals a request the mount served, with its bodies and the answer's
// headers as the exchange kept them.
func (s *Server) recordExchange(r *http.Request, x *exchange, vendor string, status int, start time.Time, err error) {
	if s.journal.size == 0 {
		return
	}
	e := s.entry(r, vendor, x.call.OperationID, status, start, err)
	e.Principal = x.call.Principal.Name
	var truncated bool
	e.respHeaders, truncated = keepHeaders(x.rec.Header())
	e.HeadersTruncated = e.HeadersTruncated || truncated
	e.RequestBody, e.RequestBodySize, e.RequestBodyTruncated = x.reqBody.result(r.ContentLength, x.call.Body)
	resp, size, truncated := x.rec.kept.kept(-1)
	e.ResponseBodySize, e.ResponseBodyTruncated = size, truncated
	s.journal.add(e, resp)
}

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// The headers whose values the journal masks: credentials. Names are canonical.
var (
	requestSecrets  = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "X-Auth-Token"}
	responseSecrets = []string{"Set-Cookie"}
)

// masked replaces a secret; a bearer token keeps its scheme, so that the inspector shows that
// one was sent, and the principal it named is in the entry.
const (
	masked       = "••••••"
	maskedBearer = "Bearer " + masked
)

// flatHeaders is a header set as the journal keeps it on a request's way: names and values
// side by side in one slice ("Accept", "*/*", "Authorization", "Bearer …"), each value after
// its name, a name's values in a row. It is one allocation, where an http.Header's copy is a
// map (hashing every name) and its values: the map is built, and secrets masked, when the
// entry is first read, which most entries under load never are. The strings are shared with
// the request's header, which is safe as strings are immutable.
type flatHeaders []string

// keepHeaders copies h as far as it fits journalHeaderBytes, and reports whether headers were
// left out.
func keepHeaders(h http.Header) (flatHeaders, bool) {
	if len(h) == 0 {
		return nil, false
	}
	n, size := 0, 0
	for k, vs := range h {
		n += len(vs)
		size += len(k)
		for _, v := range vs {
			size += len(v)
		}
	}
	truncated := size > journalHeaderBytes
	out := make(flatHeaders, 0, 2*n)
	room := journalHeaderBytes
	for k, vs := range h {
		for _, v := range vs {
			if truncated {
				if room -= len(k) + len(v); room < 0 {
					break
				}
			}
			out = append(out, k, v)
		}
	}
	return out, truncated
}

// header builds the http.Header the journal shows, secrets masked: a map and one slice for
// all values, as http.Header.Clone would allocate.
func (f flatHeaders) header(secrets []string) http.Header {
	if f == nil {
		return nil
	}
	keys := 0
	for i := 0; i < len(f); i += 2 {
		if i == 0 || f[i] != f[i-2] {
			keys++
		}
	}
	out := make(http.Header, keys)
	values := make([]string, len(f)/2)
	for i, start := 0, 0; i < len(f); i += 2 {
		values[i/2] = f[i+1]
		if i+2 == len(f) || f[i+2] != f[i] {
			out[f[i]] = values[start : i/2+1 : i/2+1]
			start = i/2 + 1
		}
	}
	for _, k := range secrets {
		vs := out[k]
		for i, v := range vs {
			scheme, _, ok := strings.Cut(v, " ")
			switch {
			case ok && scheme == "Bearer":
				vs[i] = maskedBearer // the usual case, without building a string
			case ok && (k == "Authorization" || k == "Proxy-Authorization"):
				vs[i] = scheme + " " + masked
			default:
				vs[i] = masked
			}
		}
	}
	return out
}

// secretName reports whether a JSON key or a form or query parameter names a secret:
// passwords, client secrets, API keys, access and refresh tokens. Page tokens are not secrets
// and stay readable.
func secretName(name string) bool {
	n := strings.ToLower(nameSeparators.Replace(name))
	switch {
	case strings.Contains(n, "pagetoken"):
		return false
	case strings.Contains(n, "secret"), strings.Contains(n, "password"), strings.Contains(n, "apikey"),
		strings.Contains(n, "privatekey"), strings.HasSuffix(n, "token"), n == "authorization", n == "assertion":
		return true
	}
	return false
}

// nameSeparators are what secretName ignores in a name ("client_secret", "X-Api-Key"); built
// once, as a Replacer's first use builds its tables.
var nameSeparators = strings.NewReplacer("_", "", "-", "")

// maskQuery masks the values of secret parameters in a raw query, leaving the rest as sent.
func maskQuery(q string) string {
	if q == "" || !strings.Contains(q, "=") {
		return q
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, p := range parts {
		if k, _, ok := strings.Cut(p, "="); ok && secretName(k) {
			parts[i], changed = k+"="+masked, true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}

// jsonSecret matches a JSON member whose value is a string; formSecret a form parameter. They
// work on text, so that a truncated body is masked too.
var (
	jsonSecret = regexp.MustCompile(`"((?:[^"\\]|\\.){1,80})"(\s*:\s*)"(?:[^"\\]|\\.)*("?)`)
	formSecret = regexp.MustCompile(`(^|&)([^=&]{1,80})=([^&]*)`)
)

// secretWords are what every name secretName picks contains, in lower case: a body without
// any of them is left as it is without a regexp pass.
var secretWords = []string{"secret", "password", "key", "token", "assertion", "authorization"}

// containsFold reports whether s contains word (lower-case ASCII), in any case.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for ; j < len(word); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[j] {
				break
			}
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// maskBody masks the secrets of a JSON or form body: the string values of members and
// parameters that secretName picks. Other bodies are left as they are.
func maskBody(body string, header http.Header) string {
	if body == "" || !slices.ContainsFunc(secretWords, func(w string) bool { return containsFold(body, w) }) {
		return body
	}
	ct := header.Get("Content-Type")
	switch {
	case strings.Contains(ct, "json") || ct == "" && strings.HasPrefix(strings.TrimSpace(body), "{"):
		return jsonSecret.ReplaceAllStringFunc(body, func(m string) string {
			sub := jsonSecret.FindStringSubmatch(m)
			if !secretName(sub[1]) {
				return m
			}
			return `"` + sub[1] + `"` + sub[2] + `"` + masked + sub[3]
		})
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return formSecret.ReplaceAllStringFunc(body, func(m string) string {
			sub := formSecret.FindStringSubmatch(m)
			if !secretName(sub[2]) {
				return m
			}
			return sub[1] + sub[2] + "=" + masked
		})
	}
	return body
}

// Requests returns the journal, oldest first, as copies. Secrets are masked: the values of
// credential headers (Authorization keeps its scheme), secret query parameters, and the
// string values of secret members of JSON and form bodies (passwords, client secrets, API
// keys, access and refresh tokens; page tokens stay).
func (s *Server) Requests() []Request {
	out, _ := s.RequestsSince(0)
	return out
}

// RequestsSince returns the journal entries after ID after (0 for all), oldest first, as
// Requests does, and the ID of the last request journaled: what a page polling for new
// requests asks next.
func (s *Server) RequestsSince(after uint64) ([]Request, uint64) {
	return s.journal.since(after)
}

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.clear() }

// journalBodyBytes is how much of each body the journal keeps: none when it keeps no entries.
func (s *Server) journalBodyBytes() int {
	if s.cfg.journalSize == 0 {
		return 0
	}
	return s.cfg.journalBody
}
