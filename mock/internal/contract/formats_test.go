package contract

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// TestFormatMatchers holds each hand-written matcher to its regular expression, on valid
// strings and on every one-byte change, insertion and deletion of them.
func TestFormatMatchers(t *testing.T) {
	for _, f := range []struct {
		pattern string
		match   func(string) bool
		valid   []string
	}{
		{uuidPattern, isUUID, []string{"497f6eca-6276-4993-bfeb-53cbbbba6f08", "00000000-0000-0000-0000-000000000000", "ABCDEFab-cdef-0123-4567-89abcdefABCD"}},
		{ulidPattern, isULID, []string{"01JQQEESWY391NGMH0BV4G0BAV", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "0hjkmnpqrstvwxyzabcdefgHJK"}},
		{dateTimePattern, isDateTimeShape, []string{"2026-11-24T12:00:00Z", "2026-11-24t12:00:00.123456789+01:00", "0000-99-99T99:99:99.0-99:99", "2026-11-24T12:00:00z"}},
	} {
		re := regexp.MustCompile(f.pattern)
		check := func(s string) {
			if got, want := f.match(s), re.MatchString(s); got != want {
				t.Fatalf("%s on %q: matcher %v, regexp %v", f.pattern, s, got, want)
			}
		}
		const alphabet = "0123456789abcdefABCDEFGHIJKLMNOPQRSTUVWXYZghijklmnopqrstuvwxyz-:.+TtZz \x00\xff\u00e9\n"
		rnd := rand.New(rand.NewPCG(1, 2))
		for _, v := range f.valid {
			check(v)
			for i := 0; i <= len(v); i++ {
				check(v[:i] + v[min(i+1, len(v)):])
				for j := 0; j < len(alphabet); j++ {
					c := alphabet[j : j+1]
					check(v[:i] + c + v[i:])
					if i < len(v) {
						check(v[:i] + c + v[i+1:])
					}
				}
			}
			for range 2000 {
				b := []byte(v)
				for range 1 + rnd.IntN(3) {
					b[rnd.IntN(len(b))] = alphabet[rnd.IntN(len(alphabet))]
				}
				check(string(b))
			}
		}
	}
}
