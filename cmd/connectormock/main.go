// Command connectormock serves the contract mock over HTTP.
//
//	go run ./cmd/connectormock                  # 127.0.0.1:8080, default seed and tokens
//	go run ./cmd/connectormock -addr :9000 -seed 42 -log-format json
//
// SIGINT or SIGTERM stops it gracefully: in-flight requests finish first (exit status 0, or 1
// if they outlast the grace period); a second signal stops it at once (status 128 + the
// signal's number, 130 for Ctrl-C). A usage error exits 2.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/connectormock/connectormock/mock"
)

// version is set at build time (-ldflags "-X main.version=v1.2.3"); otherwise the module
// version from the build info is printed.
var version string

// defaultMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT sets one. At
// every limit's default (-max-entities for each vendor, -max-blob-bytes) the live heap is about
// 450 MB; without a limit the collector lets the heap grow to twice that before it runs (948 MB
// of RSS measured), with it RSS stays near 800 MB (see the README's "Limits").
const defaultMemoryLimit = 768 << 20

// generatedHeapPerConnector is the heap one -connectors step holds, the three vendors'
// generated connectors together (measured 2026-12-01: 667 MB live at -connectors 100000).
const generatedHeapPerConnector = 8 << 10

// memoryLimit is the soft memory limit the command sets: defaultMemoryLimit, raised by what
// -connectors generates beyond the default. Generated data is not bounded by -max-entities,
// and a limit below the live heap makes the collector run without pause: at -connectors
// 100000 under 768 MiB it took a quarter of the CPU, and the last vendor's seeding ran 2.7
// times as long (5.8 s against 2.1 s; the three first list pages 10.2 s after the exec
// instead of 7.0 s).
func memoryLimit(connectors int) int64 {
	return defaultMemoryLimit + int64(max(0, connectors-mock.DefaultConnectors))*generatedHeapPerConnector
}

// limitMemory makes run set the soft memory limit (memoryLimit) unless GOMEMLIMIT is set:
// the command's, not a test's calling run.
var limitMemory = false

func main() {
	limitMemory = true
	err := run(stopOnSignal(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "connectormock:", err)
	}
	os.Exit(exitStatus(err))
}

// exitStatus is the process's exit status once run has returned err: 0 on success and for -h,
// 2 for a usage error (as package flag does), 1 for any other failure (a socket that cannot be
// opened, a broken spec, a shutdown past its grace period, a failed -healthcheck).
func exitStatus(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		return 2
	default:
		return 1
	}
}

// stopOnSignal returns a context that the first SIGINT or SIGTERM cancels, which starts the
// graceful shutdown. A second signal ends the process at once, with 128 + the signal's number
// as its status (130 for Ctrl-C, 143 for SIGTERM): what a shell reports for a process that
// signal killed.
func stopOnSignal() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel()
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "connectormock: %v again: stopping without waiting for the requests in flight\n", sig)
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
	return ctx
}

// run serves until ctx is done, then shuts down gracefully: the listener closes at once and
// requests in flight get their full answers (for up to shutdownGrace). It prints the address
// it listens on and the tokens it accepts to stdout, logs to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadEnv(args, os.LookupEnv, stderr)
	if err != nil {
		return usageError{err}
	}
	switch {
	case cfg.version:
		fmt.Fprintln(stdout, "connectormock", buildVersion())
		return nil
	case cfg.health != "":
		return healthcheck(ctx, healthURL(cfg.health, cfg.addr))
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); limitMemory && !set {
		debug.SetMemoryLimit(memoryLimit(cfg.connectors))
	}
	log := cfg.logger(stderr)
	opts := append(cfg.options(log), mock.WithLazyLoading())
	if cfg.stateFile != "" {
		st, err := readState(cfg.stateFile)
		if err != nil {
			return err
		}
		// The state is restored into every vendor by New: a file that does not fit the
		// contracts stops the command before it listens.
		opts = append(opts, mock.WithInitialState(st))
	}
	// With lazy loading New parses no spec, so the socket serves as soon as the flags are
	// parsed; a vendor's first request builds that vendor only (and the rest are built below).
	srv, err := mock.New(opts...)
	if err != nil {
		if cfg.stateFile != "" {
			return fmt.Errorf("-state %s: %w", cfg.stateFile, err)
		}
		return err
	}
	if cfg.adminToken == "" && !cfg.noAdmin && scoped(cfg.tokens) {
		log.Warn("tokens are scoped to Versori organisations, but the admin API is open: anyone reaching it reads every organisation's data; set -admin-token or -no-admin")
	}
	go expireSandboxes(ctx, srv)
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	handler, answered := notifyFirst(srv)
	hs := newHTTPServer(handler, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "connectormock listening on http://%s (vendors: %v, seed %d)\n", ln.Addr(), srv.Vendors(), srv.Seed())
	for _, p := range cfg.tokens {
		fmt.Fprintf(stdout, "  accepts Authorization: Bearer %s (%s)\n", p.Token, role(p))
	}
	// Build every vendor (and so check every spec) once the first answer is out or loadDelay
	// has passed, whichever comes first, unless the command is already stopping: on a small
	// machine, building the vendors nobody asked for yet would take the CPU from the first
	// request (measured on 2 busy vCPUs, a client polling from process start got its first
	// answer after 35 ms at the median this way, 47 ms when Load started at once, and 59 ms
	// when every vendor was built before serving). A broken spec still stops the process.
	select {
	case <-answered:
	case <-time.After(loadDelay):
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	if ctx.Err() == nil {
		if err := srv.Load(); err != nil {
			hs.Close()
			return err
		}
		log.Debug("all vendors built")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Warn("shutting down: finishing in-flight requests (a second signal stops at once)")
	// Shutdown closes the socket at once, so new connections are refused, and waits for the
	// requests in flight.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err = hs.Shutdown(shutdownCtx)
	if err != nil {
		hs.Close()
		err = fmt.Errorf("shutdown: requests still in flight after %s were cut: %w", shutdownGrace, err)
	}
	if cfg.saveState != "" {
		// After the requests in flight: the file holds every change they made.
		if serr := saveState(srv, cfg.saveState); serr != nil {
			return errors.Join(err, serr)
		}
		log.Warn("state saved", "file", cfg.saveState)
	}
	return err
}

// readState reads a state file strictly; an error names the file and, for JSON that does not
// parse or does not fit State, the line and column.
func readState(path string) (mock.State, error) {
	var st mock.State
	data, err := os.ReadFile(path)
	if err != nil {
		return st, fmt.Errorf("-state: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&st)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON value")
	}
	if err != nil {
		return st, fmt.Errorf("-state %s: %s: %v", path, place(data, err, dec.InputOffset()), err)
	}
	if st.Vendors == nil {
		return st, fmt.Errorf("-state %s: no \"vendors\" object: not a state (GET %s/state writes one)", path, mock.AdminPrefix)
	}
	return st, nil
}

// place is "line L, column C" of a decoding error in data.
func place(data []byte, err error, fallback int64) string {
	off := fallback
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	off = min(max(off, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// saveState writes the state to path through a temporary file in the same directory, renamed
// over it once complete: a crash mid-write leaves the old file, never half a state. The file
// keeps the mode of the one it replaces, else gets 0644: the state holds what the vendor APIs
// serve to any token holder, nothing secret, and a team's state.json saved by a container's
// user must stay readable by the host's (CreateTemp's 0600 would lock them out).
func saveState(srv *mock.Server, path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("-save-state: %w", err)
	}
	defer os.Remove(f.Name()) // gone after the rename; cleans up after a failure
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("-save-state %s: %w", path, err)
	}
	if err := srv.WriteState(f); err != nil {
		f.Close()
		return fmt.Errorf("-save-state %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("-save-state %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("-save-state: %w", err)
	}
	return nil
}

// healthURL is what -healthcheck asks: the URL as given, or a path alone asked of the listen
// address (a wildcard host is asked on loopback). The image's HEALTHCHECK gives a path, so it
// follows CONNECTORMOCK_ADDR, which its command line shares.
func healthURL(target, addr string) string {
	if !strings.HasPrefix(target, "/") {
		return target
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + target
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + target
}

// scoped reports whether a token is limited to Versori organisations.
func scoped(ps []mock.Principal) bool {
	for _, p := range ps {
		if len(p.Organisations) > 0 {
			return true
		}
	}
	return false
}

// expireSandboxes deletes idle sandboxes once a minute until ctx is done: expiry is otherwise
// settled when a sandbox is looked at, and nobody may look at an abandoned one again.
func expireSandboxes(ctx context.Context, srv *mock.Server) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			srv.ExpireSandboxes()
		}
	}
}

// shutdownGrace bounds how long a graceful shutdown waits for the requests in flight. A
// variable for tests.
var shutdownGrace = 30 * time.Second

// loadDelay bounds how long the command waits for its first answer before it builds every
// vendor. A variable for tests.
var loadDelay = 100 * time.Millisecond

// notifyFirst returns h and a channel that is closed once h has answered its first request.
func notifyFirst(h http.Handler) (http.Handler, <-chan struct{}) {
	done := make(chan struct{})
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		once.Do(func() { close(done) })
	}), done
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// healthcheck GETs url and succeeds only on a 200: the container image has no curl.
func healthcheck(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", url, resp.Status)
	}
	return nil
}

// newHTTPServer bounds what a client can hold: slow headers, slow bodies, idle connections and
// header floods all end at a limit.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second, // above mock.MaxDelay: a Prefer delay must not be cut
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
