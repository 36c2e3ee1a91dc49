package versori_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/versori"
)

// BenchmarkUpdateConnector serves the seed page's UpdateConnector (a full-replace PUT of the
// documented connector, with the documented organisation, connector and auth scheme config ids)
// b.N times through the whole pipeline: routing, auth, validation, the replace with its rule
// checks, store and encoding. It fails unless every answer is 200.
func BenchmarkUpdateConnector(b *testing.B) {
	body, err := os.ReadFile(testkit.Testdata("versori", "update-connector-request.json"))
	if err != nil {
		b.Fatal(err)
	}
	testkit.Bench(b, http.MethodPut, connectorPath(docOrg, docID), body, http.StatusOK)
}

// BenchmarkGetConnector serves GetConnector of the documented connector through the whole
// pipeline.
func BenchmarkGetConnector(b *testing.B) {
	testkit.Bench(b, http.MethodGet, connectorPath(docOrg, docID), nil, http.StatusOK)
}

// BenchmarkListConnectors serves a page of 20 of one organisation holding 1,000 and then
// 100,000 connectors, through the whole pipeline: the first page in the default order
// (updatedAt:desc) and sorted by name, and the page after a cursor from the middle of the
// name order. A page's cost should not grow with the organisation.
func BenchmarkListConnectors(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		s := orgServer(b, n)
		middle := middleCursor(b, s, "name:asc")
		for _, c := range []struct{ name, query string }{
			{"default", ""},
			{"name", "sort=name:asc"},
			{"name,after", "sort=name:asc&after=" + url.QueryEscape(middle)},
		} {
			b.Run(fmt.Sprintf("%s/%d", c.name, n), func(b *testing.B) {
				serve(b, s, http.MethodGet, listPath(docOrg, nil)+"?"+c.query, nil, http.StatusOK)
			})
		}
	}
}

// BenchmarkFirstRequest is what a test that starts a mock and talks to Versori pays, after the
// first server of the process: mock.New, then one GetConnector (the store seeds on first use).
// "no request" is mock.New alone, for the difference.
func BenchmarkFirstRequest(b *testing.B) {
	get := func(s http.Handler) {
		r := httptest.NewRequest(http.MethodGet, connectorPath(docOrg, docID), nil)
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	for _, c := range []struct {
		name    string
		request bool
	}{{"no request", false}, {"GetConnector", true}} {
		b.Run(c.name, func(b *testing.B) {
			first, err := mock.New()
			if err != nil {
				b.Fatal(err)
			}
			get(first)
			b.ReportAllocs()
			for b.Loop() {
				s, err := mock.New()
				if err != nil {
					b.Fatal(err)
				}
				if c.request {
					get(s)
				}
			}
		})
	}
}

// BenchmarkPut stores a builder's connector through typed access, checked against the spec's
// Connector as the API writes it and against the rules the API keeps.
func BenchmarkPut(b *testing.B) {
	s := testkit.New(b)
	c := fx.NewConnector()
	for b.Loop() {
		if err := s.Versori().Store().Put(c); err != nil {
			b.Fatal(err)
		}
	}
}

// serve sends the same request to s for as long as the benchmark loops, failing it unless
// every answer has the status.
func serve(b *testing.B, s http.Handler, method, path string, body []byte, status int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != status {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// orgServer is a default mock whose documented organisation holds n more connectors.
func orgServer(b *testing.B, n int) *mock.Server {
	b.Helper()
	s, err := mock.New(mock.WithVendors(versori.Name))
	if err != nil {
		b.Fatal(err)
	}
	s.Versori().Store().PutUnchecked(orgConnectors(n))
	return s
}

// generatedForBench are 1,000 generated connectors, drawn once: generating 100,000 would
// take longer than the benchmarks.
var generatedForBench = sync.OnceValue(func() []fx.Connector { return fx.Connectors(1, 1_000) })

// orgConnectors are n connectors of the documented organisation: the generated ones over and
// over, each copy with its own id and times (copies share their lists, which nothing changes).
func orgConnectors(n int) []fx.Connector {
	gen := generatedForBench()
	out := make([]fx.Connector, n)
	for i := range out {
		c := gen[i%len(gen)]
		var id [16]byte
		binary.BigEndian.PutUint64(id[8:], uint64(i))
		id[0] = 1
		c.ID = fx.EncodeULID(id)
		c.OrganisationID = docOrg
		shift := time.Duration(i/len(gen)) * time.Second
		c.CreatedAt, c.UpdatedAt = c.CreatedAt.Add(shift), c.UpdatedAt.Add(shift)
		out[i] = c
	}
	return out
}

// middleCursor is the next cursor of the page in the middle of the order.
func middleCursor(b *testing.B, s http.Handler, sort string) string {
	b.Helper()
	var all versori.ConnectorPage
	res := testkit.Do(b, s, testkit.Request{Method: http.MethodGet, Token: mock.AdminToken,
		Path: listPath(docOrg, url.Values{"sort": {sort}, "first": {"1"}})})
	res.JSON(b, &all)
	q := url.Values{"sort": {sort}, "first": {fmt.Sprint(all.TotalCount / 2)}}
	var half versori.ConnectorPage
	testkit.Do(b, s, testkit.Request{Method: http.MethodGet, Token: mock.AdminToken, Path: listPath(docOrg, q)}).JSON(b, &half)
	if half.Next == "" {
		b.Fatal("no cursor in the middle of the order")
	}
	return half.Next
}

// BenchmarkCreateConnectorConnection creates a connection (one api-key credential, a variable)
// on the documented connector through the whole pipeline, then deletes it through the store,
// so that every iteration writes a connector of the same size.
func BenchmarkCreateConnectorConnection(b *testing.B) {
	s, err := mock.New(mock.WithVendors(versori.Name))
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"name":"bench","variables":[{"name":"region","value":"eu"}],"credentials":{"action":[{"authSchemeConfig":{"id":"` +
		docASC + `","description":"d","schemeType":"none"},"credential":{"name":"c","type":"none","data":{}}}]}}`)
	var conn fx.Connection
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, connectorPath(docOrg, docID)+"/connections", bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+mock.AdminToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if err := json.Unmarshal(w.Body.Bytes(), &conn); err != nil {
			b.Fatal(err)
		}
		if err := s.Versori().Store().DeleteConnection(docOrg, docID, conn.ID, false); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetConnection serves GetConnection of the documented connection through the whole
// pipeline.
func BenchmarkGetConnection(b *testing.B) {
	testkit.Bench(b, http.MethodGet, connectorPath(docOrg, docID)+"/connections/"+fx.DocumentedConnectionID, nil, http.StatusOK)
}

// BenchmarkGetActions serves a page of GetActions of a draft version holding 20 actions linking
// 20 definitions, through the whole pipeline.
func BenchmarkGetActions(b *testing.B) {
	s, err := mock.New(mock.WithVendors(versori.Name))
	if err != nil {
		b.Fatal(err)
	}
	var vc fx.VersionContent
	for i := range 20 {
		name := fmt.Sprintf("Res%d", i)
		vc.Definitions = append(vc.Definitions, fx.NewDefinition(name, `{"type":"object","properties":{"id":{"type":"string"}}}`, fx.WithSeed(1, i)))
		vc.Actions = append(vc.Actions, fx.NewAction(fmt.Sprintf("get%d", i), "GET", "/res", []string{name}, fx.WithSeed(1, i)))
	}
	if err := s.Versori().Store().PutVersionContent(docOrg, docID, "1.1.0", vc); err != nil {
		b.Fatal(err)
	}
	serve(b, s, http.MethodGet, connectorPath(docOrg, docID)+"/versions/1.1.0/actions?first=20", nil, http.StatusOK)
}
