package mock

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// validationError turns what openapi3filter.ValidateRequest returned into a 400 that lists
// every offending field it found, each with a message that names the problem.
func validationError(err error) *vendorapi.Error {
	e := &vendorapi.Error{Kind: vendorapi.KindBadRequest, Message: "the request does not match the API contract", Err: err}
	collect(err, &e.Fields)
	if len(e.Fields) == 0 {
		e.Fields = []vendorapi.FieldError{{In: "body", Message: err.Error()}}
	}
	return e
}

func collect(err error, out *[]vendorapi.FieldError) {
	var me openapi3.MultiError
	if errors.As(err, &me) && !isRequestError(err) {
		for _, e := range me {
			collect(e, out)
		}
		return
	}
	var re *openapi3filter.RequestError
	if !errors.As(err, &re) {
		*out = append(*out, vendorapi.FieldError{In: "body", Message: err.Error()})
		return
	}
	if p := re.Parameter; p != nil {
		for _, m := range contract.Causes(re.Err) {
			*out = append(*out, vendorapi.FieldError{In: p.In, Field: p.Name, Message: paramMessage(re, m)})
		}
		return
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(re.Err, &tooLarge):
		*out = append(*out, vendorapi.FieldError{In: "body", Message: fmt.Sprintf("request body is larger than %d bytes", tooLarge.Limit)})
	case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
		ct := re.Input.Request.Header.Get("Content-Type")
		want := "application/json"
		if rb := re.RequestBody; rb != nil && len(rb.Content) > 0 && rb.Content.Get(want) == nil {
			want = strings.Join(slices.Sorted(maps.Keys(rb.Content)), " or ") // an upload's multipart/form-data
		}
		*out = append(*out, vendorapi.FieldError{In: "header", Field: "Content-Type",
			Message: fmt.Sprintf("must be %s, got %q", want, ct)})
	case errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
		*out = append(*out, vendorapi.FieldError{In: "body", Message: "request body is required"})
	case re.Reason == "failed to decode request body":
		what := "not valid JSON"
		if ct := re.Input.Request.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/") {
			what = "not the multipart/form-data the operation takes" // kin-openapi says "part x: undefined" of a part the schema lacks
		}
		*out = append(*out, vendorapi.FieldError{In: "body", Message: "request body is " + what + ": " + decodeReason(re.Err)})
	default:
		for _, m := range contract.Causes(re.Err) {
			var se *openapi3.SchemaError
			if errors.As(m, &se) {
				*out = append(*out, contract.Field(se))
				continue
			}
			*out = append(*out, vendorapi.FieldError{In: "body", Message: cmpMsg(re.Reason, m)})
		}
	}
}

func isRequestError(err error) bool {
	_, ok := err.(*openapi3filter.RequestError)
	return ok
}

func paramMessage(re *openapi3filter.RequestError, cause error) string {
	var se *openapi3.SchemaError
	var pe *openapi3filter.ParseError
	switch {
	case errors.As(cause, &se):
		msg := se.Reason
		if v, ok := contract.Describe(se.Value); ok {
			msg += ", got " + v
		}
		return msg
	case errors.As(cause, &pe):
		return "cannot be parsed: " + pe.Error()
	case errors.Is(cause, openapi3filter.ErrInvalidRequired):
		return "is required"
	case errors.Is(cause, openapi3filter.ErrInvalidEmptyValue):
		return "must not be empty"
	}
	return cmpMsg(re.Reason, cause)
}

func cmpMsg(reason string, err error) string {
	switch {
	case err == nil:
		return reason
	case reason == "":
		return err.Error()
	}
	return reason + ": " + err.Error()
}

// decodeReason shortens the JSON decoder's error to its own words.
func decodeReason(err error) string {
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) && pe.Cause != nil {
		return pe.Cause.Error()
	}
	if err == nil {
		return "empty body"
	}
	return err.Error()
}

// Parameters without kin-openapi.
//
// kin-openapi's ValidateParameter decodes each parameter into a fresh value and visits its
// schema with fresh settings: about ten allocations per parameter, a third of what a GET
// allocates in the mount. When every parameter of an operation is a primitive (a string, an
// integer, a number or a boolean, in the path, the query or a header, in the default style)
// whose schema a Checker implements, and each value is one a Checker reads as kin-openapi
// would decode it (see paramJSON), the parameters are checked by the Checkers on the value
// written as JSON, and kin-openapi is not asked. Anything else (a value missing, empty, given
// twice or unusual, a Checker's no) goes to kin-openapi as before, which judges and words the
// 400: the fast path only ever says "valid", and TestParamsFastPathAgreesWithKinOpenAPI holds
// it to kin-openapi's verdicts.

// paramPlan is how an operation's parameters are checked without kin-openapi; nil when one of
// them cannot be.
type paramPlan struct {
	params []planParam
	query  bool // some parameter is in the query
}

// planParam is one parameter: where and what it is, and its schema's Checker.
type planParam struct {
	name, in string
	required bool
	typ      string // the schema's one type: string, integer, number or boolean
	int32    bool   // an integer of format int32
	checker  *contract.Checker
	// absentOnly marks an optional array in the query (ConductorOne's expand_mask.paths,
	// Versori's categories): valid when absent, as kin-openapi finds nothing to check then;
	// a request that gives it goes to kin-openapi.
	absentOnly bool
}

// paramPlans memoises each operation's plan, by operation and path item: specs are loaded once
// per process, so the keys are shared by every server.
var paramPlans sync.Map // planKey -> *paramPlan (nil when the operation has none)

type planKey struct {
	op   *openapi3.Operation
	item *openapi3.PathItem
}

// planFor returns the plan of the route's operation, nil when kin-openapi must check its
// parameters.
func planFor(route *routers.Route) *paramPlan {
	k := planKey{route.Operation, route.PathItem}
	if p, ok := paramPlans.Load(k); ok {
		return p.(*paramPlan)
	}
	p := newParamPlan(route)
	actual, _ := paramPlans.LoadOrStore(k, p)
	return actual.(*paramPlan)
}

// newParamPlan builds the plan of the parameters ValidateRequest would check: the path item's
// that the operation does not override, then the operation's.
func newParamPlan(route *routers.Route) *paramPlan {
	if route.Spec != nil && route.Spec.IsOpenAPI31OrLater() {
		return nil // kin-openapi visits with JSON Schema 2020 rules there
	}
	var all []*openapi3.Parameter
	for _, ref := range route.PathItem.Parameters {
		if p := ref.Value; p != nil && route.Operation.Parameters.GetByInAndName(p.In, p.Name) == nil {
			all = append(all, p)
		}
	}
	for _, ref := range route.Operation.Parameters {
		all = append(all, ref.Value)
	}
	plan := &paramPlan{}
	for _, p := range all {
		if p == nil {
			return nil
		}
		if p.Schema == nil && p.Content == nil {
			continue // kin-openapi checks nothing
		}
		if p.Content != nil || p.Schema.Value == nil || p.AllowEmptyValue {
			return nil
		}
		if s := p.Schema.Value; p.In == openapi3.ParameterInQuery && !p.Required && (p.Style == "" || p.Style == openapi3.SerializationForm) &&
			s.Type != nil && len(*s.Type) == 1 && (*s.Type)[0] == openapi3.TypeArray && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 && s.Not == nil {
			plan.params = append(plan.params, planParam{name: p.Name, in: p.In, absentOnly: true})
			plan.query = true
			continue
		}
		if p.Explode != nil && *p.Explode != (p.In == openapi3.ParameterInQuery) {
			return nil
		}
		switch p.In {
		case openapi3.ParameterInPath, openapi3.ParameterInHeader:
			if p.Style != "" && p.Style != openapi3.SerializationSimple {
				return nil
			}
		case openapi3.ParameterInQuery:
			if p.Style != "" && p.Style != openapi3.SerializationForm {
				return nil
			}
			plan.query = true
		default:
			return nil
		}
		s := p.Schema.Value
		if len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.Not != nil || s.Type == nil || len(*s.Type) != 1 {
			return nil
		}
		typ := (*s.Type)[0]
		switch typ {
		case openapi3.TypeString, openapi3.TypeInteger, openapi3.TypeNumber, openapi3.TypeBoolean:
		default:
			return nil
		}
		c := contract.CheckerFor(contract.CheckerKey{Schema: s, Direction: contract.AsRequest})
		if c == nil {
			return nil
		}
		plan.params = append(plan.params, planParam{name: p.Name, in: p.In, required: p.Required, typ: typ,
			int32: typ == openapi3.TypeInteger && s.Format == "int32", checker: c})
	}
	return plan
}

// valid reports whether kin-openapi would accept the request's parameters; false means
// "ask kin-openapi", not "invalid". params are the path parameters as validation gets them
// (unescaped); scratch is a buffer to reuse, returned grown.
func (p *paramPlan) valid(r *http.Request, params map[string]string, scratch []byte) (bool, []byte) {
	var query url.Values
	if p.query {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return false, scratch // kin-openapi reads what url.Query keeps of it
		}
		query = q
	}
	for i := range p.params {
		pp := &p.params[i]
		var raw string
		switch pp.in {
		case openapi3.ParameterInPath:
			v, ok := params[pp.name]
			if !ok {
				return false, scratch
			}
			raw = v
		case openapi3.ParameterInQuery:
			vs := query[pp.name]
			if pp.absentOnly {
				if len(vs) > 0 {
					return false, scratch
				}
				continue
			}
			if len(vs) == 0 && !pp.required {
				continue
			}
			if len(vs) != 1 {
				return false, scratch
			}
			raw = vs[0]
		case openapi3.ParameterInHeader:
			vs := r.Header.Values(pp.name)
			if len(vs) == 0 && !pp.required {
				continue
			}
			if len(vs) != 1 {
				return false, scratch
			}
			raw = vs[0]
		}
		var ok bool
		if scratch, ok = paramJSON(scratch[:0], raw, pp.typ, pp.int32); !ok {
			return false, scratch
		}
		if end, ok := pp.checker.Check(scratch); !ok || end != len(scratch) {
			return false, scratch
		}
	}
	return true, scratch
}

// paramsValid reports whether the route's parameters are valid without asking kin-openapi:
// false means "ask it".
func (m *mount) paramsValid(x *exchange, r *http.Request, route *routers.Route, params map[string]string) bool {
	if m.server.cfg.noCheckers {
		return false
	}
	plan := planFor(route)
	if plan == nil {
		return false
	}
	ok, scratch := plan.valid(r, params, x.scratch)
	x.scratch = scratch
	return ok
}

// paramJSON appends raw as the JSON value a Checker reads as kin-openapi decodes it for the
// type, and reports whether it can: an empty value (kin-openapi's "required" or "empty"
// cases), a string with bytes JSON would escape or outside printable ASCII, a number not in
// JSON's grammar, an integer strconv.ParseInt and float64 might read differently (more than
// 15 digits; 9 for int32), a boolean other than true or false (ParseBool takes "1", "T", ...)
// are left to kin-openapi.
func paramJSON(b []byte, raw, typ string, int32 bool) ([]byte, bool) {
	if raw == "" {
		return b, false
	}
	switch typ {
	case openapi3.TypeString:
		for i := 0; i < len(raw); i++ {
			if c := raw[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				return b, false
			}
		}
		b = append(b, '"')
		b = append(b, raw...)
		return append(b, '"'), true
	case openapi3.TypeInteger:
		digits := strings.TrimPrefix(raw, "-")
		limit := 15
		if int32 {
			limit = 9
		}
		if digits == "" || len(digits) > limit || digits[0] == '0' && len(digits) > 1 || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) {
			return b, false
		}
		return append(b, raw...), true
	case openapi3.TypeNumber:
		if !jsonNumber(raw) {
			return b, false
		}
		return append(b, raw...), true
	case openapi3.TypeBoolean:
		if raw != "true" && raw != "false" {
			return b, false
		}
		return append(b, raw...), true
	}
	return b, false
}

// jsonNumber reports whether s is a number in JSON's grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?.
// strconv.ParseFloat reads those as encoding/json does.
func jsonNumber(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
