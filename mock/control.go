package mock

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// MaxDelay bounds the delays of Prefer headers and faults: a typo must not hang a test run.
const MaxDelay = 60 * time.Second

// Fault makes the next Count calls of an operation answer Status with the vendor's documented
// body for it, after waiting Delay. Status is an error (400 or above): a success is only ever
// the operation's own answer (see AddFault). Status 0 only delays; the call is then served as
// usual.
type Fault struct {
	OperationID string        `json:"operationId"`
	Status      int           `json:"status,omitempty"`
	Count       int           `json:"count,omitempty"`
	Delay       time.Duration `json:"-"`
}

// faultJSON is a Fault on the wire: delay as a Go duration string ("250ms").
type faultJSON struct {
	OperationID string `json:"operationId"`
	Status      int    `json:"status,omitempty"`
	Count       int    `json:"count,omitempty"`
	Delay       string `json:"delay,omitempty"`
}

// MarshalJSON writes the delay as a duration string.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{OperationID: f.OperationID, Status: f.Status, Count: f.Count}
	if f.Delay > 0 {
		j.Delay = f.Delay.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the delay as a duration string ("250ms") or a number of milliseconds.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var j struct {
		faultJSON
		Delay json.RawMessage `json:"delay"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault{OperationID: j.OperationID, Status: j.Status, Count: j.Count}
	if len(j.Delay) == 0 || string(j.Delay) == "null" {
		return nil
	}
	var ms float64
	if err := json.Unmarshal(j.Delay, &ms); err == nil {
		f.Delay = time.Duration(ms * float64(time.Millisecond))
		return nil
	}
	var s string
	if err := json.Unmarshal(j.Delay, &s); err != nil {
		return fmt.Errorf("delay: want a duration such as \"250ms\" or a number of milliseconds")
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("delay: %v", err)
	}
	f.Delay = d
	return nil
}

// faults holds the scripted faults of a server by operation, in the order they were added.
type faults struct {
	max  int        // WithMaxFaults; set once, before the server serves
	mu   sync.Mutex // guards byOp and n
	byOp map[string][]Fault
	n    int // faults held, all operations together
}

// add keeps flt, unless max faults are held already.
func (f *faults) add(flt Fault) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n >= f.max {
		return fmt.Errorf("%d faults are scripted already, the limit (-max-faults); clear them (DELETE %s/faults) or let them be consumed", f.max, AdminPrefix)
	}
	if f.byOp == nil {
		f.byOp = map[string][]Fault{}
	}
	f.byOp[flt.OperationID] = append(f.byOp[flt.OperationID], flt)
	f.n++
	return nil
}

// take consumes one call of the first fault of the operation.
func (f *faults) take(op string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.byOp[op]
	if len(q) == 0 {
		return Fault{}, false
	}
	flt := q[0]
	if q[0].Count--; q[0].Count == 0 {
		f.byOp[op] = q[1:]
		f.n--
	}
	return flt, true
}

func (f *faults) all() []Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Fault
	for _, q := range f.byOp {
		out = append(out, q...)
	}
	slices.SortStableFunc(out, func(a, b Fault) int { return strings.Compare(a.OperationID, b.OperationID) })
	if out == nil {
		out = []Fault{}
	}
	return out
}

func (f *faults) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byOp, f.n = nil, 0
}

// AddFault scripts a fault. The operation must exist and the status must be an error its spec
// documents (or 0 for a delay alone); Count defaults to 1. At most WithMaxFaults faults are
// held at once (a fault counts until its Count is used up). A success status is refused: an
// error changes nothing, so it can be answered without the store, but a made-up success would
// report a resource or a change the store does not hold.
func (s *Server) AddFault(f Fault) error {
	if f.Count == 0 {
		f.Count = 1
	}
	switch {
	case f.Count < 0:
		return fmt.Errorf("count %d: must be positive", f.Count)
	case f.Delay < 0 || f.Delay > MaxDelay:
		return fmt.Errorf("delay %s: must be between 0 and %s", f.Delay, MaxDelay)
	case f.Status == 0 && f.Delay == 0:
		return errors.New("a fault needs a status, a delay or both")
	case f.Status != 0 && f.Status < 400:
		return fmt.Errorf("status %d: a fault answers an error (400 or above); a success is the operation's own answer", f.Status)
	}
	op := s.operation(f.OperationID)
	if op == nil {
		return fmt.Errorf("no operation %q (operations: %s)", f.OperationID, strings.Join(s.OperationIDs(), ", "))
	}
	if f.Status != 0 && !documented(op, f.Status) {
		return fmt.Errorf("status %d is not documented for %s (documented: %s)", f.Status, f.OperationID, strings.Join(codes(op), ", "))
	}
	return s.faults.add(f)
}

// Faults lists the faults still scripted.
func (s *Server) Faults() []Fault { return s.faults.all() }

// ClearFaults removes every scripted fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// control applies the scripted faults and the Prefer header to a validated call. It reports
// whether the call has been answered (by a fault, by Prefer, or by the operation under a
// preferred success code), and why. The entity cap is checked only when the operation is
// about to run: a scripted fault or a preferred error or example is what the caller asked
// for, and it runs nothing, so it adds nothing to the stores.
func (m *mount) control(w http.ResponseWriter, r *http.Request, route *routers.Route, call *vendorapi.Call) (bool, error) {
	capped := func() (bool, error) {
		if e := m.overCap(r, route.Operation, call); e != nil {
			m.vendor.WriteError(w, e)
			return true, e
		}
		return false, nil
	}
	if f, ok := m.server.faults.take(call.OperationID); ok {
		if err := sleep(r.Context(), f.Delay); err != nil {
			return true, err
		}
		if f.Status != 0 {
			m.answer(w, route.Operation, f.Status, "", vendorapi.FieldError{In: "body", Message: "answer forced by a scripted fault"})
			return true, &forcedError{fmt.Sprintf("scripted fault: status %d", f.Status)}
		}
	}
	// Several Prefer lines are one list (RFC 9110, 5.3): the first line's preferences come
	// first, so they win over a repetition on a later line.
	lines := r.Header.Values("Prefer")
	if len(lines) == 0 {
		return capped()
	}
	p, err := parsePrefer(strings.Join(lines, ","))
	op := route.Operation
	if err == nil && p.code != 0 && !documented(op, p.code) {
		err = fmt.Errorf("code=%d is not documented for %s; documented: %s", p.code, call.OperationID, strings.Join(codes(op), ", "))
	}
	if err == nil && p.example != "" && m.findExample(op, p.example) == 0 {
		err = fmt.Errorf("no example %q for %s; examples: %s", p.example, call.OperationID, strings.Join(exampleNames(op), ", "))
	}
	if err != nil {
		e := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "invalid Prefer header",
			Fields: []vendorapi.FieldError{{In: "header", Field: "Prefer", Message: err.Error()}}}
		m.vendor.WriteError(w, e)
		return true, e
	}
	if err := sleep(r.Context(), p.delay); err != nil {
		return true, err
	}
	switch {
	case p.example != "":
		m.answer(w, op, m.findExample(op, p.example), p.example, vendorapi.FieldError{})
		return true, &forcedError{"Prefer: example=" + p.example}
	case p.code >= 400:
		m.answer(w, op, p.code, "", vendorapi.FieldError{In: "header", Field: "Prefer", Message: "code=" + strconv.Itoa(p.code) + " requested"})
		return true, &forcedError{"Prefer: code=" + strconv.Itoa(p.code)}
	case p.code != 0:
		if done, e := capped(); done {
			return done, e
		}
		return true, m.serveAs(w, r, call, p.code)
	}
	return capped()
}

// serveAs answers a Prefer code below 400 (a success): the operation serves the call as it
// would without the header, and its answer is kept if it has that status. A success is never
// made up: an error changes nothing, so any error can be answered without the store, but a
// success says what the store holds (or now holds, after a write), and only the operation
// knows that; a made-up body would name a resource that is not there, or a change that was
// not made. Otherwise the call is refused with a 400 saying what the operation answered: an
// error, which changed nothing.
func (m *mount) serveAs(w http.ResponseWriter, r *http.Request, call *vendorapi.Call, code int) error {
	buf := &bufferedResponse{header: http.Header{}}
	m.handlers[call.OperationID](buf, r, call)
	got := buf.statusCode()
	// A success of another status (not one the spec documents, so the response check reports
	// it) is kept too: a write it reports has happened, and a refusal would deny it.
	if got == code || got < 400 {
		buf.flushTo(w)
		return nil
	}
	msg := fmt.Sprintf("code=%d cannot be honoured: %s answers this request %d", code, call.OperationID, got)
	if why := errorText(buf.body.Bytes()); why != "" {
		msg += " (" + why + ")"
	}
	msg += "; a success code is answered by the operation itself, never made up"
	e := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "invalid Prefer header",
		Fields: []vendorapi.FieldError{{In: "header", Field: "Prefer", Message: msg}}}
	m.vendor.WriteError(w, e)
	return e
}

// errorText is what an error body says, in any vendor's shape: the texts of the fields it
// names (Productsup's errors, Versori's fields), which say more than a 400's message, else its
// message.
func errorText(body []byte) string {
	var e struct {
		Message string            `json:"message"`
		Errors  map[string]string `json:"errors"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	}
	_ = json.Unmarshal(body, &e) // what decodes is enough: the text only helps a reader
	var parts []string
	for _, k := range sortedKeys(e.Errors) {
		parts = append(parts, k+": "+e.Errors[k])
	}
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	if len(parts) == 0 {
		return e.Message
	}
	return strings.Join(parts, "; ")
}

// bufferedResponse holds a handler's answer until serveAs decides whether to send it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// statusCode is the status the handler answered; one that wrote nothing answered 200, as
// net/http would send it.
func (b *bufferedResponse) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

func (b *bufferedResponse) flushTo(w http.ResponseWriter) {
	maps.Copy(w.Header(), b.header)
	w.WriteHeader(b.statusCode())
	w.Write(b.body.Bytes())
}

// answer writes the documented answer of op for status: the vendor's own body for an error
// status, else the spec's example (the named one, or the first). why says who asked for it,
// where the vendor's error shape has room for it.
func (m *mount) answer(w http.ResponseWriter, op *openapi3.Operation, status int, example string, why vendorapi.FieldError) {
	if kind, ok := kindOf(status); ok && example == "" {
		// No Message: the vendor writes its documented text for the status.
		m.vendor.WriteError(w, &vendorapi.Error{Kind: kind, Err: errors.New(why.Message), Fields: []vendorapi.FieldError{why}})
		return
	}
	resp := op.Responses.Status(status)
	if example != "" {
		for _, r := range op.Responses.Map() {
			if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Examples[example] != nil {
				resp = r
			}
		}
	}
	if resp == nil || resp.Value == nil {
		w.WriteHeader(status)
		return
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil {
		w.WriteHeader(status)
		return
	}
	value := mt.Example
	if example != "" {
		value = mt.Examples[example].Value.Value
	} else if value == nil {
		for _, name := range sortedKeys(mt.Examples) {
			value = mt.Examples[name].Value.Value
			break
		}
	}
	if value == nil {
		w.WriteHeader(status)
		return
	}
	kit.WriteJSON(w, status, value)
}

func kindOf(status int) (vendorapi.Kind, bool) {
	for k := vendorapi.KindBadRequest; k <= vendorapi.KindInternal; k++ {
		if k.Status() == status {
			return k, true
		}
	}
	return 0, false
}

// documented reports whether the spec documents status for op: by its code, its range
// ("4XX"), or, for an error status the vendors have a body for (not 405, which needs a route
// that does not exist), a default response (Versori documents errors that way).
func documented(op *openapi3.Operation, status int) bool {
	code := strconv.Itoa(status)
	if op.Responses.Value(code) != nil || op.Responses.Value(code[:1]+"XX") != nil {
		return true
	}
	kind, ok := kindOf(status)
	return ok && kind != vendorapi.KindMethodNotAllowed && op.Responses.Default() != nil
}

// forcedError says that a scripted fault or the Prefer header chose the answer: the journal
// shows why, and the request does not count as unmatched.
type forcedError struct{ why string }

func (e *forcedError) Error() string { return e.why }

// codes lists what op documents, for messages: its codes, and "default (any 4xx or 5xx)".
func codes(op *openapi3.Operation) []string {
	var out []string
	for code := range op.Responses.Map() {
		if code == "default" {
			continue
		}
		out = append(out, code)
	}
	slices.Sort(out)
	if op.Responses.Default() != nil {
		out = append(out, "default (400, 401, 403, 404, 409, 500)")
	}
	return out
}

// findExample returns the status of the response that has the named example, 0 for none. The
// examples of a default response are named by the vendor's error code, whose status the vendor
// knows (vendorapi.ExampleStatuser); 400 for a name that is no code.
func (m *mount) findExample(op *openapi3.Operation, name string) int {
	for code, resp := range op.Responses.Map() {
		mt := resp.Value.Content.Get("application/json")
		if mt == nil || mt.Examples[name] == nil {
			continue
		}
		if n, err := strconv.Atoi(code); err == nil {
			return n
		}
		if v, ok := m.vendor.(vendorapi.ExampleStatuser); ok {
			if status, ok := v.ExampleStatus(name); ok {
				return status
			}
		}
		return http.StatusBadRequest
	}
	return 0
}

func exampleNames(op *openapi3.Operation) []string {
	var out []string
	for _, resp := range op.Responses.Map() {
		if mt := resp.Value.Content.Get("application/json"); mt != nil {
			out = append(out, sortedKeys(mt.Examples)...)
		}
	}
	slices.Sort(out)
	if out == nil {
		return []string{"(none)"}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// prefer is a parsed Prefer header (RFC 7240), in Prism's vocabulary.
type prefer struct {
	code    int
	example string
	delay   time.Duration
}

// parsePrefer reads "code=404", "example=name", "delay=250ms" (or milliseconds), separated by
// commas or semicolons. As RFC 7240 (section 2) asks, preferences it does not know are ignored,
// and of a preference given more than once only the first is considered: the later ones are
// not even checked.
func parsePrefer(h string) (prefer, error) {
	var p prefer
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		v = strings.Trim(strings.TrimSpace(v), `"`)
		name := strings.ToLower(strings.TrimSpace(k))
		if seen[name] {
			continue
		}
		seen[name] = true
		switch name {
		case "code":
			n, err := strconv.Atoi(v)
			if err != nil || n < 100 || n > 599 {
				return p, fmt.Errorf("code=%s: want an HTTP status such as 404", v)
			}
			p.code = n
		case "example":
			if v == "" {
				return p, errors.New("example=: want the name of an example of the operation")
			}
			p.example = v
		case "delay":
			d, err := time.ParseDuration(v)
			if err != nil {
				ms, err2 := strconv.Atoi(v)
				if err2 != nil {
					return p, fmt.Errorf("delay=%s: want a duration such as 250ms", v)
				}
				d = time.Duration(ms) * time.Millisecond
			}
			if d < 0 || d > MaxDelay {
				return p, fmt.Errorf("delay=%s: must be between 0 and %s", v, MaxDelay)
			}
			p.delay = d
		}
	}
	return p, nil
}

// sleep waits d, or less if the client goes away.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// overCap refuses an operation that adds entities (Vendor.Creates) when the vendor's stores hold
// WithMaxEntities entities already (the sum of its Counts, over the server and every sandbox
// of it: sandboxes must not multiply the bound), in the vendor's shape: a 409 where the
// operation documents one (the store's state forbids the change), else a 400. Checked before
// the handler runs, so concurrent creates can pass the cap by at most the number of requests
// in flight; it bounds memory, it does not count exactly.
func (m *mount) overCap(r *http.Request, op *openapi3.Operation, call *vendorapi.Call) *vendorapi.Error {
	limit := m.server.cfg.maxEntities
	if limit <= 0 || !m.vendor.Creates(call.OperationID) {
		return nil
	}
	name := m.vendor.Name()
	n := m.server.entities(name)
	if n < limit {
		return nil
	}
	msg := fmt.Sprintf("the mock's %s stores are full: they hold %d entities (sandboxes included), the limit (-max-entities %d); delete some, reset the mock or delete sandboxes", name, n, limit)
	if documented(op, http.StatusConflict) {
		return &vendorapi.Error{Kind: vendorapi.KindConflict, Message: msg}
	}
	// A 400 names what is at fault; here that is the request as a whole.
	return &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: msg, Fields: []vendorapi.FieldError{{In: "body", Message: msg}}}
}

// entities is how many entities a vendor holds over the server's family (the server and its
// sandboxes). A vendor a sandbox has not used yet holds nothing of its own: it is not built
// for this.
func (s *Server) entities(vendor string) int {
	n := 0
	for _, srv := range s.family() {
		for _, sl := range srv.slots {
			if b := sl.built.Load(); b != nil && sl.name == vendor {
				for _, c := range b.vendor.Counts() {
					n += c
				}
			}
		}
	}
	return n
}
