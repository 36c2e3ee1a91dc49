package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/mock"
	"github.com/connectormock/connectormock/mock/vendorapi"
)

// config is the command line, parsed. It holds no global state: load builds it from args.
type config struct {
	addr       string
	seed       uint64
	connectors int
	tokens     tokenFlags
	logFormat  string
	logLevel   slog.Level
	adminToken string
	noAdmin    bool
	journal    int
}

// tokenFlags collects repeated -token TOKEN=ROLE[:ORG1,ORG2] flags.
type tokenFlags []vendorapi.Principal

func (t *tokenFlags) String() string {
	parts := make([]string, len(*t))
	for i, p := range *t {
		parts[i] = p.Token + "=" + role(p)
		if len(p.Organisations) > 0 {
			parts[i] += ":" + strings.Join(p.Organisations, ",")
		}
	}
	return strings.Join(parts, ",")
}

func (t *tokenFlags) Set(v string) error {
	token, r, ok := strings.Cut(v, "=")
	if !ok {
		r = "admin"
	}
	if token == "" {
		return errors.New("empty token")
	}
	p := vendorapi.Principal{Name: token, Token: token}
	// An optional ":ORG1,ORG2" scopes the token to those (Versori) organisations.
	r, orgs, scoped := strings.Cut(r, ":")
	if scoped {
		for _, o := range strings.Split(orgs, ",") {
			if o == "" {
				return fmt.Errorf("token %s: empty organisation in %q", token, orgs)
			}
			p.Organisations = append(p.Organisations, o)
		}
	}
	switch r {
	case "admin":
	case "readonly":
		p.ReadOnly = true
	default:
		return fmt.Errorf("role %q is neither admin nor readonly", r)
	}
	*t = append(*t, p)
	return nil
}

func role(p vendorapi.Principal) string {
	if p.ReadOnly {
		return "readonly"
	}
	return "admin"
}

// load parses args (without the program name). It returns flag.ErrHelp for -h.
func load(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("connectormock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.Uint64Var(&c.seed, "seed", fixtures.DefaultSeed, "seed of the generated data (0 means the default)")
	fs.IntVar(&c.connectors, "connectors", mock.DefaultConnectors, "generated connectors per vendor, next to the documented ones")
	fs.Var(&c.tokens, "token", "accepted bearer token as TOKEN=admin or TOKEN=readonly, optionally scoped to Versori organisations as TOKEN=admin:ORG1,ORG2; repeat it for more (replaces the defaults "+mock.AdminToken+" and "+mock.ReadOnlyToken+")")
	fs.StringVar(&c.adminToken, "admin-token", "", "bearer token the admin API ("+mock.AdminPrefix+") requires; empty leaves it open")
	fs.BoolVar(&c.noAdmin, "no-admin", false, "switch the admin API off")
	fs.IntVar(&c.journal, "journal-size", mock.DefaultJournalSize, "requests kept in the journal ("+mock.AdminPrefix+"/requests); 0 keeps none")
	fs.StringVar(&c.logFormat, "log-format", "text", "request log format: text or json")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info (one line per request), warn or error")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: connectormock [flags]\n\nA contract mock of the Productsup CDE connector API.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("-log-format %q: want text or json", c.logFormat)
	}
	if c.journal < 0 {
		return c, fmt.Errorf("-journal-size %d: must not be negative", c.journal)
	}
	if c.connectors < 0 {
		return c, fmt.Errorf("-connectors %d: must not be negative", c.connectors)
	}
	if len(c.tokens) == 0 {
		c.tokens = mock.DefaultPrincipals()
	}
	return c, nil
}

func (c config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.logLevel}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func (c config) options(log *slog.Logger) []mock.Option {
	opts := []mock.Option{
		mock.WithSeed(c.seed),
		mock.WithConnectors(c.connectors),
		mock.WithPrincipals(c.tokens...),
		mock.WithLogger(log),
		mock.WithJournalSize(c.journal),
		mock.WithAdminToken(c.adminToken),
	}
	if c.noAdmin {
		opts = append(opts, mock.WithoutAdmin())
	}
	return opts
}
