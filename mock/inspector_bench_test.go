package mock_test

import (
	"bytes"
	"net/http/httptest"
	"testing"

	"github.com/connectormock/connectormock/mock"
)

// BenchmarkJournal is what the journal costs a request through the whole pipeline: the seed
// operation (a disable) and a list page, with the journal keeping bodies (the default),
// keeping none, and off.
func BenchmarkJournal(b *testing.B) {
	for _, op := range []struct {
		name, method, path, body string
	}{
		{"disable", "POST", disable, `{"accounts":[777],"projects":[444],"sites":[666]}`},
		{"list", "GET", "/connectors?limit=20", ""},
	} {
		for _, j := range []struct {
			name string
			opts []mock.Option
		}{
			{"bodies", nil},
			{"no-bodies", []mock.Option{mock.WithJournalBodyBytes(0)}},
			{"off", []mock.Option{mock.WithJournalSize(0)}},
		} {
			b.Run(op.name+"/"+j.name, func(b *testing.B) {
				s, err := mock.New(j.opts...)
				if err != nil {
					b.Fatal(err)
				}
				body := []byte(op.body)
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest(op.method, op.path, bytes.NewReader(body))
					r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
					r.Header.Set("Content-Type", "application/json")
					w := httptest.NewRecorder()
					s.ServeHTTP(w, r)
					if w.Code != 200 {
						b.Fatalf("status %d: %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}

// BenchmarkCORSPreflight answers a browser's preflight.
func BenchmarkCORSPreflight(b *testing.B) {
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if w := preflight(s, appOrigin, "POST", disable, "authorization,content-type"); w.Code != 204 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkRequestsSince reads a full journal of 1000 requests with bodies, as
// GET /__admin/requests does (secrets masked on the way out).
func BenchmarkRequestsSince(b *testing.B) {
	s, err := mock.New()
	if err != nil {
		b.Fatal(err)
	}
	for range mock.DefaultJournalSize {
		r := httptest.NewRequest("POST", disable, bytes.NewReader([]byte(`{"accounts":[777],"projects":[444],"sites":[666]}`)))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(httptest.NewRecorder(), r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if reqs, _ := s.RequestsSince(0); len(reqs) != mock.DefaultJournalSize {
			b.Fatal(len(reqs))
		}
	}
}
