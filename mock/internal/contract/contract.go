// Package contract words what breaks a vendor's contract, once for the whole mock: how a
// schema error names the offending field and says what is wrong with it
// ("versions[0].version: string doesn't match the regular expression ..., got \"1\""), and
// which string formats the specs' schemas are checked for. Request validation (package mock)
// words its 400s with it, and the stores check the values they are given with a Schema, so
// that a store refuses what its server could not serve, in the same words.
//
// It also decides fast what kin-openapi would accept. A Checker is a body schema compiled
// once per process (CheckerFor memoises by schema) into nodes that read the JSON bytes
// directly, in one pass that allocates nothing, and answer only "valid" or "ask kin-openapi".
// The server checks every request body and (with response validation) every response with
// it, and Schema.Check every stored value; kin-openapi, which loads the specs, runs on
// every "ask" and words every refusal, so it stays the authority. The Checker's rules are
// kin-openapi's 3.0 visit read off its source (v0.153.0), over what encoding/json would
// decode; TestCheckerAgreesWithKinOpenAPI and FuzzChecker hold the two to the same verdict
// on every schema of every spec, and a schema using what the Checker does not reproduce is
// not compiled (kin-openapi then checks it alone). Upgrading kin-openapi means reading its
// visit again: the differential test is the alarm.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

// unsupportedProperty matches kin-openapi's reason for a property that additionalProperties:
// false forbids; its path names the enclosing object, the reason the property.
var unsupportedProperty = regexp.MustCompile(`^property "(.*)" is unsupported$`)

// discriminator matches kin-openapi's reason for a discriminator value no branch maps; it
// reports it on the object, the field at fault is the property.
var discriminator = regexp.MustCompile(`^discriminator property "([^"]+)" has invalid value`)

// Causes flattens a MultiError into its parts; nil is one nil cause.
func Causes(err error) []error {
	if err == nil {
		return []error{nil}
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []error
		for _, e := range me {
			out = append(out, Causes(e)...)
		}
		return out
	}
	return []error{err}
}

// Field names the field a schema error is about, as a body path (connectionVariables[0].name),
// and says what is wrong with it, with the offending value when it is a short scalar.
func Field(se *openapi3.SchemaError) vendorapi.FieldError {
	path := se.JSONPointer()
	reason := se.Reason
	if m := unsupportedProperty.FindStringSubmatch(reason); m != nil {
		path = append(path, m[1])
		reason = "unknown property"
	}
	if m := discriminator.FindStringSubmatch(reason); m != nil {
		path = append(path, m[1])
	}
	if v, ok := Describe(se.Value); ok && !strings.Contains(reason, "missing") && se.SchemaField != "additionalProperties" {
		reason += ", got " + v
	}
	return vendorapi.FieldError{In: "body", Field: fieldPath(path), Message: reason}
}

// fieldPath writes a JSON pointer as field1.field2[0].field3.
func fieldPath(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if _, err := strconv.Atoi(s); err == nil && b.Len() > 0 {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Describe renders a short scalar value for a message; objects and arrays are left out.
func Describe(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		if len(v) > 64 {
			v = v[:64] + "..."
		}
		return strconv.Quote(v), true
	case float64, bool:
		return fmt.Sprint(v), true
	case nil:
		return "null", true
	}
	return "", false
}

// Schema is a component schema of a loaded spec, for checking Go values against it: a store
// refuses what it could not serve (a response schema) or what the HTTP side would refuse (a
// request body's schema). The spec is parsed once per process (package openapi); a Schema only
// points into it, and checking a value re-reads nothing.
type Schema struct {
	schema *openapi3.Schema
	opts   []openapi3.SchemaValidationOption
	dir    Direction
}

// Response finds the component schema name of spec, to check values as the server writes them
// in answers: read-only properties allowed, write-only ones refused.
func Response(spec *openapi.Spec, name string) (*Schema, error) {
	return find(spec, name, AsResponse)
}

// Request finds the component schema name of spec, to check values as request validation
// checks a body.
func Request(spec *openapi.Spec, name string) (*Schema, error) {
	return find(spec, name, AsRequest)
}

func find(spec *openapi.Spec, name string, dir Direction) (*Schema, error) {
	as := openapi3.VisitAsRequest()
	if dir == AsResponse {
		as = openapi3.VisitAsResponse()
	}
	ref := spec.Doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("openapi: %s has no schema %q", spec.File, name)
	}
	// MultiErrors: every offending field, as the vendors' own request validation reports them.
	return &Schema{schema: ref.Value, opts: []openapi3.SchemaValidationOption{as, openapi3.MultiErrors(), Formats}, dir: dir}, nil
}

// Check renders v as JSON, as the mock writes it, and validates the result against the schema.
// It returns every offending field, each once, in the order they were found, named and worded
// as request validation names and words them; none when v is valid.
func (s *Schema) Check(v any) []vendorapi.FieldError {
	data, err := json.Marshal(v)
	if err != nil {
		return []vendorapi.FieldError{{In: "body", Message: err.Error()}} // only a type that cannot be written
	}
	// The Checker's "valid" is kin-openapi's (see Checker); anything else is worded by it.
	if c := CheckerFor(CheckerKey{Schema: s.schema, Direction: s.dir}); c != nil {
		if _, ok := c.Check(data); ok {
			return nil
		}
	}
	// Numbers stay json.Number, as request validation decodes bodies.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []vendorapi.FieldError{{In: "body", Message: err.Error()}}
	}
	err = s.schema.VisitJSON(doc, s.opts...)
	if err == nil {
		return nil
	}
	var out []vendorapi.FieldError
	for _, c := range Causes(err) {
		f := vendorapi.FieldError{In: "body", Message: c.Error()}
		var se *openapi3.SchemaError
		if errors.As(c, &se) {
			f = Field(se)
		}
		// kin-openapi reports some failures once per branch of a oneOf; say each once.
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
