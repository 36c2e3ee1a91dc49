package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/connectormock/connectormock/fixtures"
	"github.com/connectormock/connectormock/mock"
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
	// journalBody is -journal-body-bytes; corsOrigins and noCORS are -cors-origins and -no-cors.
	journalBody int
	corsOrigins string
	noCORS      bool
	vendors     string
	version     bool
	health      string

	workDuration time.Duration
	stateFile    string
	saveState    string
	maxEntities  int
	maxFaults    int
	maxSandboxes int
	sandboxIdle  time.Duration
	maxAdminBody int64
	maxBlobBytes int64
	// adminHosts is -admin-hosts: comma-separated dotted names the admin API answers under.
	adminHosts string
}

// usageError is a mistake in the command line or the environment: the command exits 2 for it,
// as package flag does.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// envPrefix prefixes the environment variable of every flag: -journal-size is
// CONNECTORMOCK_JOURNAL_SIZE. A flag on the command line wins over its variable.
const envPrefix = "CONNECTORMOCK_"

// defaultAddr is the listen address when neither -addr nor CONNECTORMOCK_ADDR gives one.
const defaultAddr = "127.0.0.1:8080"

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// tokenFlags collects repeated -token TOKEN=ROLE[:ORG1,ORG2] flags.
type tokenFlags []mock.Principal

// tokenForms lists the forms -token accepts, for its error messages.
const tokenForms = "want TOKEN=admin or TOKEN=readonly (or TOKEN=integrator, a Productsup integrator), optionally scoped to Versori organisations as TOKEN=admin:ORG1,ORG2"

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

// Set parses one TOKEN=ROLE[:ORG1,ORG2]. The role is required: a bare TOKEN would otherwise
// have to default to a role, and silently making it admin is a trap.
func (t *tokenFlags) Set(v string) error {
	token, r, ok := strings.Cut(v, "=")
	switch {
	case !ok:
		return fmt.Errorf("no role: %s", tokenForms)
	case token == "":
		return fmt.Errorf("empty token: %s", tokenForms)
	}
	p := mock.Principal{Name: token, Token: token}
	r, orgs, scoped := strings.Cut(r, ":")
	if scoped {
		for _, o := range strings.Split(orgs, ",") {
			if o == "" {
				return fmt.Errorf("empty organisation in %q: %s", orgs, tokenForms)
			}
			p.Organisations = append(p.Organisations, o)
		}
	}
	switch r {
	case "admin":
	case "readonly":
		p.ReadOnly = true
	case "integrator":
		// Productsup's other role: writes, but lists and sees only the connectors it owns.
		p.Integrator = true
	default:
		return fmt.Errorf("role %q is none of admin, readonly, integrator: %s", r, tokenForms)
	}
	*t = append(*t, p)
	return nil
}

func role(p mock.Principal) string {
	switch {
	case p.ReadOnly:
		return "readonly"
	case p.Integrator:
		return "integrator"
	}
	return "admin"
}

// load parses args (without the program name), ignoring the environment. It returns
// flag.ErrHelp for -h.
func load(args []string, stderr io.Writer) (config, error) {
	return loadEnv(args, func(string) (string, bool) { return "", false }, stderr)
}

// loadEnv parses args, then takes every flag not given from its environment variable (read
// through lookup, os.LookupEnv in main). -token's variable holds tokens separated by spaces.
func loadEnv(args []string, lookup func(string) (string, bool), stderr io.Writer) (config, error) {
	var c config
	fs := flagSet(&c, stderr)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := lookup(envName(f.Name))
		if !ok || given[f.Name] || envErr != nil {
			return
		}
		values := []string{v}
		if f.Name == "token" {
			values = strings.Fields(v)
		}
		for _, v := range values {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s=%q (-%s): %v", envName(f.Name), v, f.Name, err)
				return
			}
		}
	})
	if envErr != nil {
		return c, envErr
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
	if c.journalBody < 0 {
		return c, fmt.Errorf("-journal-body-bytes %d: must not be negative", c.journalBody)
	}
	for _, o := range c.corsList() {
		if err := checkOrigin(o); err != nil {
			return c, fmt.Errorf("-cors-origins (%s): %v", envName("cors-origins"), err)
		}
	}
	if c.connectors < 0 {
		return c, fmt.Errorf("-connectors %d: must not be negative", c.connectors)
	}
	for _, n := range []struct {
		name string
		v    int64
	}{{"max-entities", int64(c.maxEntities)}, {"max-faults", int64(c.maxFaults)}, {"max-sandboxes", int64(c.maxSandboxes)}, {"max-admin-body", c.maxAdminBody}, {"max-blob-bytes", c.maxBlobBytes}} {
		if n.v < 0 {
			return c, fmt.Errorf("-%s %d: must not be negative", n.name, n.v)
		}
	}
	if c.maxAdminBody == 0 {
		// It would refuse every admin body, {} included: never what was meant.
		return c, errors.New("-max-admin-body 0: must be at least 1 (it bounds admin bodies; 0 would refuse even {})")
	}
	if c.workDuration < 0 || c.sandboxIdle < 0 {
		return c, errors.New("-work-duration and -sandbox-idle must not be negative")
	}
	if len(c.tokens) == 0 {
		c.tokens = mock.DefaultPrincipals()
	}
	for _, v := range c.vendorList() {
		if !slices.Contains(mock.VendorNames(), v) {
			return c, fmt.Errorf("-vendors (%s): no vendor %q (vendors: %s)", envName("vendors"), v, strings.Join(mock.VendorNames(), ", "))
		}
	}
	if c.vendors != "" && len(c.vendorList()) == 0 {
		return c, errors.New("-vendors: name at least one vendor")
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
		mock.WithWorkDuration(c.workDuration),
		mock.WithMaxEntities(c.maxEntities),
		mock.WithMaxFaults(c.maxFaults),
		mock.WithMaxSandboxes(c.maxSandboxes),
		mock.WithSandboxIdleTime(c.sandboxIdle),
		mock.WithMaxAdminBodyBytes(c.maxAdminBody),
		mock.WithJournalBodyBytes(c.journalBody),
		mock.WithCORSOrigins(c.corsList()...),
		mock.WithAdminHosts(strings.Split(c.adminHosts, ",")...),
		mock.WithMaxBlobBytes(c.maxBlobBytes),
	}
	if c.noCORS {
		opts = append(opts, mock.WithoutCORS())
	}
	if c.noAdmin {
		opts = append(opts, mock.WithoutAdmin())
	}
	if c.vendors != "" {
		opts = append(opts, mock.WithVendors(c.vendorList()...))
	}
	return opts
}

func (c config) corsList() []string {
	var out []string
	for _, o := range strings.Split(c.corsOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// checkOrigin accepts "*" or an origin as a browser sends it: scheme, host and optional port,
// nothing after. Anything else would never match, silently.
func checkOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not an origin: want * or scheme://host[:port], such as http://localhost:3000", o)
	}
	return nil
}

func (c config) vendorList() []string {
	var out []string
	for _, v := range strings.Split(c.vendors, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// flagSet defines the command's flags, writing into c.
func flagSet(c *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("connectormock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", defaultAddr, "listen address")
	fs.Uint64Var(&c.seed, "seed", fixtures.DefaultSeed, "seed of the generated data (0 means the default)")
	fs.IntVar(&c.connectors, "connectors", mock.DefaultConnectors, "generated connectors per vendor, next to the documented ones")
	fs.Var(&c.tokens, "token", "accepted bearer token as TOKEN=admin, TOKEN=readonly or TOKEN=integrator (a Productsup integrator: sees only the connectors it creates), optionally scoped to Versori organisations as TOKEN=admin:ORG1,ORG2; repeat it for more (replaces the defaults "+mock.AdminToken+" and "+mock.ReadOnlyToken+")")
	fs.StringVar(&c.adminToken, "admin-token", "", "bearer token the admin API ("+mock.AdminPrefix+") requires; empty leaves it open")
	fs.BoolVar(&c.noAdmin, "no-admin", false, "switch the admin API off")
	fs.IntVar(&c.journal, "journal-size", mock.DefaultJournalSize, "requests kept in the journal ("+mock.AdminPrefix+"/requests); 0 keeps none")
	fs.IntVar(&c.journalBody, "journal-body-bytes", mock.DefaultJournalBodyBytes, "bytes of each request and response body the journal keeps (longer ones are truncated); 0 keeps none")
	fs.StringVar(&c.corsOrigins, "cors-origins", "*", "comma-separated origins whose browser pages may call the vendor APIs (CORS), such as http://localhost:3000; * allows any")
	fs.BoolVar(&c.noCORS, "no-cors", false, "switch CORS off: no preflight answers, no Access-Control-* headers")
	fs.StringVar(&c.vendors, "vendors", "", "comma-separated vendors to serve (default all: "+strings.Join(mock.VendorNames(), ",")+")")
	fs.StringVar(&c.logFormat, "log-format", "text", "request log format: text or json")
	fs.TextVar(&c.logLevel, "log-level", slog.LevelInfo, "log level: debug, info (one line per request), warn or error")
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.StringVar(&c.health, "healthcheck", "", "GET this URL and exit 0 if it answers 200, 1 otherwise (for container health checks); a path alone (/__health) is asked of -addr")
	fs.DurationVar(&c.workDuration, "work-duration", mock.DefaultWorkDuration, "how long background work (syncs, builds) takes on the mock's clock; 0 completes it at its next look")
	fs.StringVar(&c.stateFile, "state", "", "start from this state file (what GET "+mock.AdminPrefix+"/state answers); "+mock.AdminPrefix+"/reset returns to it")
	fs.StringVar(&c.saveState, "save-state", "", "write the state to this file on a graceful shutdown (the same file as -state: a stub that remembers)")
	fs.IntVar(&c.maxEntities, "max-entities", mock.DefaultMaxEntities, "entities each vendor may store; creates beyond are refused in the vendor's shape (0: no limit)")
	fs.IntVar(&c.maxFaults, "max-faults", mock.DefaultMaxFaults, "scripted faults held at once (0 refuses every fault)")
	fs.IntVar(&c.maxSandboxes, "max-sandboxes", mock.DefaultMaxSandboxes, "sandboxes alive at once (0 switches them off)")
	fs.DurationVar(&c.sandboxIdle, "sandbox-idle", mock.DefaultSandboxIdle, "a sandbox without a request for this long is deleted (0: never)")
	fs.Int64Var(&c.maxAdminBody, "max-admin-body", mock.DefaultMaxAdminBodyBytes, "bytes an admin request body may hold (PUT "+mock.AdminPrefix+"/state, a sandbox's state); larger ones are refused unread (at least 1)")
	fs.Int64Var(&c.maxBlobBytes, "max-blob-bytes", mock.DefaultMaxBlobBytes, "bytes the files clients store (Productsup logos, Versori uploads) may hold, over the mock and its sandboxes; files beyond are refused in the vendor's shape (0: no limit)")
	fs.StringVar(&c.adminHosts, "admin-hosts", "", "comma-separated dotted host names (mock.ci.internal) the admin API answers under, besides localhost, IP addresses and single-label names: any other dotted name is refused, as DNS rebinding would send it")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: connectormock [flags]\n\nA contract mock of connector-management APIs (%s).\n"+
			"Every flag can also be set by its environment variable, %sFLAG_NAME; the flag wins.\n\nFlags:\n",
			strings.Join(mock.VendorNames(), ", "), envPrefix)
		fs.VisitAll(func(f *flag.Flag) { f.Usage += " [" + envName(f.Name) + "]" })
		fs.PrintDefaults()
	}
	return fs
}
