// Command connectormock serves the contract mock over HTTP.
//
//	go run ./cmd/connectormock                  # 127.0.0.1:8080, default seed and tokens
//	go run ./cmd/connectormock -addr :9000 -seed 42 -log-format json
//
// SIGINT or SIGTERM stops it gracefully: in-flight requests finish first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/connectormock/connectormock/mock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "connectormock:", err)
		os.Exit(2)
	}
}

// run serves until ctx is done, then shuts down gracefully: the listener closes at once and
// requests in flight get their full answers (for up to 30 s). It prints the address it listens
// on and the tokens it accepts to stdout, logs to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := load(args, stderr)
	if err != nil {
		return err
	}
	log := cfg.logger(stderr)
	srv, err := mock.New(cfg.options(log)...)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "connectormock listening on http://%s (vendors: %v, seed %d)\n", ln.Addr(), srv.Vendors(), srv.Seed())
	for _, p := range cfg.tokens {
		fmt.Fprintf(stdout, "  accepts Authorization: Bearer %s (%s)\n", p.Token, role(p))
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
