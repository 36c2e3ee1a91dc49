// Package mock is connectormock's server: the connector-management APIs of Productsup CDE,
// ConductorOne and Versori Connect v1 on their native paths, every request routed and
// validated against the vendor's OpenAPI contract, over in-memory state seeded from one seed.
//
// A Server is an http.Handler; it listens nowhere by itself. In Go tests, package
// mock/mocktest starts one per test; in a program:
//
//	s, err := mock.New(mock.WithSeed(42), mock.WithConnectors(100))
//	if err != nil {
//		log.Fatal(err)
//	}
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", s))
//
// Beside the vendor paths, the server has an admin API under /__admin (health, state, reset,
// the request journal, scripted faults, sandboxes) and the same operations as Go methods:
// State, SetState, Reset, Requests, AddFault, CreateSandbox. A sandbox is an isolated mock
// inside the server, served under /__sandboxes/<id>, for clients that share one process;
// /__health answers container health checks without a token. Typed access to each vendor's state goes through its accessor,
// s.Productsup().Store(), s.ConductorOne().Store() and s.Versori().Store(), with the values of
// packages fixtures/productsup, fixtures/conductorone and fixtures/versori.
//
// A request flows one way: router, authentication (401 and 403 before anything else),
// validation against the spec, the Prefer header and faults, the vendor's handler, its store,
// and a response in the vendor's documented shape. Operations are named by the vendor's own
// operationIds everywhere: in the journal, faults, Prefer and mocktest's assertions.
//
// The shared path is built to cost little per request: the body is read once and
// checked in one pass by the operation's compiled Checker (package internal/contract, with
// kin-openapi as the authority on everything it does not accept; see body.go), the handler
// gets those bytes as Call.Body, simple path, query and header parameters are checked by
// their schemas' Checkers too (validate.go; kin-openapi words every refusal), response
// validation asks a Checker first, and the per-request bookkeeping (recorder, Call,
// validation input) comes from a pool. The journal keeps headers flat and masks secrets when
// an entry is first read, not on the request's way, and copies the start of each answer into
// memory its ring reuses, so that a served request leaves no garbage for it (journal.go).
// TestAllocationsPerOperation holds every operation of the three vendors to at most 160
// allocations per request (the two OpenAPI imports, which parse a document, to 1,000);
// BenchmarkEveryOperation times them all.
package mock
