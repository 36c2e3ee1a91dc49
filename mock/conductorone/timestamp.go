package conductorone

import (
	"time"

	fx "github.com/connectormock/connectormock/fixtures/conductorone"
)

// timestamp is fx.Time (protojson's google.protobuf.Timestamp: UTC, "Z", 0, 3, 6 or 9
// fractional digits, the shortest exact one) without time.Time.AppendFormat's layout
// interpretation, which was a fifth of an Update's apply of its mask: every Update stamps
// updatedAt. TestTimestampIsFxTime holds it to fx.Time.
func timestamp(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return fx.Time(t)
	}
	hour, minute, sec := t.Clock()
	var buf [30]byte
	b := buf[:0]
	b = append(b, byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10))
	b = appendTwo(append(b, '-'), int(month))
	b = appendTwo(append(b, '-'), day)
	b = appendTwo(append(b, 'T'), hour)
	b = appendTwo(append(b, ':'), minute)
	b = appendTwo(append(b, ':'), sec)
	ns := t.Nanosecond()
	digits := 9
	switch {
	case ns == 0:
		digits = 0
	case ns%1_000_000 == 0:
		ns, digits = ns/1_000_000, 3
	case ns%1_000 == 0:
		ns, digits = ns/1_000, 6
	}
	if digits > 0 {
		b = append(b, '.')
		start := len(b)
		b = append(b, "000000000"[:digits]...)
		for i := len(b) - 1; i >= start; i-- {
			b[i] = byte('0' + ns%10)
			ns /= 10
		}
	}
	return string(append(b, 'Z'))
}

// appendTwo appends n (0 to 99) in two digits.
func appendTwo(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
