package contract

import (
	"fmt"
	"regexp"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Formats checks the string formats the vendors' specs use, per validation: kin-openapi
// checks only the formats it is given, and its global registry is process-wide state that a
// library must not touch. Built once (the regexps compile once); read-only afterwards.
var Formats = openapi3.WithStringFormatValidators(formatValidators)

// formatValidators are the validators Formats gives; a Checker uses them as kin-openapi would.
var formatValidators = map[string]openapi3.StringFormatValidator{
	// Any RFC 9562 layout, v7 included: the vendors' own examples use v4 and v7 ids.
	"uuid": openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
	// Crockford base32, 26 characters, first one at most 7 (128 bits).
	"ulid":      openapi3.NewRegexpFormatValidator(`^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`),
	"date-time": openapi3.NewCallbackValidator(parseDateTime),
}

var dateTimeShape = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)

func parseDateTime(s string) error {
	if !dateTimeShape.MatchString(s) {
		return fmt.Errorf("not an RFC 3339 date-time")
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("not an RFC 3339 date-time: %v", err)
	}
	return nil
}
