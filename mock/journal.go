package mock

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// DefaultJournalSize bounds the request journal unless WithJournalSize says otherwise.
const DefaultJournalSize = 1000

// Request is one journal entry: what came in and how the mock answered it.
type Request struct {
	// Time is when the request arrived, by the wall clock: the journal observes the mock, it
	// is not part of its state, so the mock's clock (WithClock) does not apply.
	Time time.Time `json:"time"`
	// Method and Path are as received.
	Method string `json:"method"`
	Path   string `json:"path"`
	// Vendor is the vendor whose paths the request was under, "" for none.
	Vendor string `json:"vendor,omitempty"`
	// OperationID is the operation the request matched, "" when it matched none.
	OperationID string `json:"operationId,omitempty"`
	// Status is the HTTP status answered.
	Status int `json:"status"`
	// Error says why the request was refused (no operation, authentication, validation,
	// a scripted fault), "" when it was served.
	Error string `json:"error,omitempty"`
	// Forced is set when a scripted fault or the Prefer header chose the answer.
	Forced bool `json:"forced,omitempty"`
	// Duration is how long the answer took.
	Duration time.Duration `json:"durationNs"`
}

// Unmatched reports whether the request matched no operation or failed validation: what a
// client under test should never send. An answer a fault or Prefer forced is not unmatched.
func (r Request) Unmatched() bool {
	return !r.Forced && (r.OperationID == "" || r.Status == 400 && r.Error != "")
}

// journal is a ring buffer of the last size requests: memory stays flat under load. It grows
// to its bound as requests come, so an idle server costs nothing.
type journal struct {
	size    int
	mu      sync.Mutex // guards entries and next
	entries []Request
	next    int // where the next entry goes once entries is full
}

func newJournal(size int) *journal {
	return &journal{size: max(size, 0)}
}

func (j *journal) add(r Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.size == 0:
	case len(j.entries) < j.size:
		j.entries = append(j.entries, r)
	default:
		j.entries[j.next] = r
		j.next = (j.next + 1) % j.size
	}
}

// all returns a copy of the entries, oldest first.
func (j *journal) all() []Request {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Request, 0, len(j.entries))
	out = append(out, j.entries[j.next:]...)
	return append(out, j.entries[:j.next]...)
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.next = nil, 0
}

// record adds a request to the journal; start is when it arrived.
func (s *Server) record(r *http.Request, vendor, op string, status int, start time.Time, err error) {
	e := Request{
		Time:        start,
		Method:      r.Method,
		Path:        r.URL.Path,
		Vendor:      vendor,
		OperationID: op,
		Status:      status,
		Duration:    time.Since(start),
	}
	if err != nil {
		e.Error = err.Error()
		var forced *forcedError
		e.Forced = errors.As(err, &forced)
	}
	s.journal.add(e)
}

// Requests returns the journal, oldest first, as values.
func (s *Server) Requests() []Request { return s.journal.all() }

// ClearRequests empties the journal.
func (s *Server) ClearRequests() { s.journal.clear() }
