package mock

import "testing"

// BenchmarkNew measures building a server after the first: specs are parsed once per process,
// so what remains is seeding the stores and wiring the routes.
func BenchmarkNew(b *testing.B) {
	if _, err := New(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewDocumentedOnly(b *testing.B) {
	if _, err := New(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(WithConnectors(0)); err != nil {
			b.Fatal(err)
		}
	}
}
