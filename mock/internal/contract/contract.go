// Package contract words what breaks a vendor's contract, once for the whole mock: how a
// schema error names the offending field and says what is wrong with it
// ("versions[0].version: string doesn't match the regular expression ..., got \"1\""), and
// which string formats the specs' schemas are checked for.
package contract

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/connectormock/connectormock/mock/internal/vendorapi"
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
