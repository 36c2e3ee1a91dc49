package contract

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// Formats checks the string formats the vendors' specs use, per validation: kin-openapi
// checks only the formats it is given, and its global registry is process-wide state that a
// library must not touch. Built once; read-only afterwards.
var Formats = openapi3.WithStringFormatValidators(formatValidators)

// The formats' definitions are regular expressions; each is checked by a hand-written
// matcher that accepts exactly what its expression matches (TestFormatMatchers holds them
// equal), and refuses in the words kin-openapi's regexp validator uses. An id is checked at
// every schema that reaches it, so the matchers run several times per body: a regexp was a
// third of a Checker's time on Versori's bodies.
const (
	// Any RFC 9562 layout, v7 included: the vendors' own examples use v4 and v7 ids.
	uuidPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`
	// Crockford base32, 26 characters, first one at most 7 (128 bits).
	ulidPattern = `^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$`
	// RFC 3339, as time.Parse(time.RFC3339Nano) then reads it.
	dateTimePattern = `^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`
)

// formatValidators are the validators Formats gives; a Checker uses them as kin-openapi would.
var formatValidators = map[string]openapi3.StringFormatValidator{
	"uuid":      matcher(uuidPattern, isUUID),
	"ulid":      matcher(ulidPattern, isULID),
	"date-time": openapi3.NewCallbackValidator(parseDateTime),
}

// matcher validates with match, refusing as openapi3.NewRegexpFormatValidator(pattern) does.
func matcher(pattern string, match func(string) bool) openapi3.StringFormatValidator {
	refusal := fmt.Errorf(`string doesn't match pattern "%s"`, regexp.MustCompile(pattern).String())
	return openapi3.NewCallbackValidator(func(s string) error {
		if !match(s) {
			return refusal
		}
		return nil
	})
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// crockford are the bytes of Crockford's base32, either case: 0-9 and the letters but I, L,
// O and U.
var crockford = func() (t [256]bool) {
	for _, c := range "0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz" {
		t[c] = true
	}
	return t
}()

func isULID(s string) bool {
	if len(s) != 26 || s[0] < '0' || s[0] > '7' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !crockford[s[i]] {
			return false
		}
	}
	return true
}

// isDateTimeShape matches dateTimePattern.
func isDateTimeShape(s string) bool {
	digits := func(from, n int) bool {
		if from+n > len(s) {
			return false
		}
		for i := from; i < from+n; i++ {
			if !isDigit(s[i]) {
				return false
			}
		}
		return true
	}
	if len(s) < 20 || !digits(0, 4) || s[4] != '-' || !digits(5, 2) || s[7] != '-' || !digits(8, 2) ||
		s[10] != 'T' && s[10] != 't' || !digits(11, 2) || s[13] != ':' || !digits(14, 2) || s[16] != ':' || !digits(17, 2) {
		return false
	}
	i := 19
	if s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	switch rest := s[i:]; {
	case rest == "Z" || rest == "z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-'):
		return digits(i+1, 2) && rest[3] == ':' && digits(i+4, 2)
	}
	return false
}

var errNotDateTime = errors.New("not an RFC 3339 date-time")

func parseDateTime(s string) error {
	if !isDateTimeShape(s) {
		return errNotDateTime
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("not an RFC 3339 date-time: %v", err)
	}
	return nil
}
