// Package openapi holds connectormock's own OpenAPI 3.0.3 contracts, one per vendor, embedded
// in the binary, and the one loader that turns them into validated documents and routers.
//
// Each spec is parsed once per process: the first [Load] of a vendor pays for it, every later
// call (from any goroutine, any server, any test) gets the same *Spec. Nothing on the request
// path reads a spec file again. The embedded specs are validated by this package's tests, not
// at run time (see parse): they cannot change after the build. [Parse] validates any other.
//
//	spec, err := openapi.Load("productsup")
//	if err != nil { ... }            // names the file and the JSON pointer at fault
//	route, params, err := spec.Router.FindRoute(req)
package openapi

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed *.yaml
var files embed.FS

// Spec is one vendor's loaded contract. It is shared by every server in the process and must be
// treated as read-only.
type Spec struct {
	// Name is the vendor name, the file name without ".yaml" ("productsup").
	Name string
	// File is the embedded file the spec was read from ("productsup.yaml").
	File string
	// BasePath is the path of the spec's first server ("" or "/api/connect/v1"); every
	// operation path is served under it.
	BasePath string
	// Doc is the parsed and validated document, servers reduced to BasePath.
	Doc *openapi3.T
	// Operations are the document's operations by operationId; OperationIDs lists them sorted.
	Operations   map[string]*openapi3.Operation
	OperationIDs []string
	// Unsecured maps each operation to a copy without security requirement, for validating
	// a request whose credentials were checked already: kin-openapi's own check of a
	// requirement reads the whole body once more.
	Unsecured map[*openapi3.Operation]*openapi3.Operation
	// Router matches requests to the document's operations, on the path alone: kin-openapi's
	// gorillamux router, or a path table that gives its answers faster (see newPathTable).
	Router routers.Router
}

// loaders memoises one load per embedded file; it is filled once at package initialisation and
// only read afterwards, and each entry's sync.OnceValues makes the load itself happen once.
var loaders = func() map[string]func() (*Spec, error) {
	entries, err := files.ReadDir(".")
	if err != nil {
		panic(err) // the embedded FS always lists its root
	}
	m := make(map[string]func() (*Spec, error), len(entries))
	for _, e := range entries {
		file := e.Name()
		m[strings.TrimSuffix(file, ".yaml")] = sync.OnceValues(func() (*Spec, error) {
			data, err := files.ReadFile(file)
			if err != nil {
				return nil, err
			}
			return parse(file, data, false)
		})
	}
	return m
}()

// Names lists the embedded vendor specs, sorted.
func Names() []string {
	names := make([]string, 0, len(loaders))
	for n := range loaders {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Load returns the embedded spec of the named vendor, parsing it on first use.
func Load(name string) (*Spec, error) {
	load, ok := loaders[name]
	if !ok {
		return nil, fmt.Errorf("openapi: no embedded spec %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return load()
}

// MustLoad is Load for specs that the module's own tests guarantee to be valid.
func MustLoad(name string) *Spec {
	s, err := Load(name)
	if err != nil {
		panic(err)
	}
	return s
}

// Raw returns the embedded bytes of the named vendor's spec (for serving or linting it).
func Raw(name string) ([]byte, error) {
	return files.ReadFile(name + ".yaml")
}

// Parse loads, validates and routes one spec. file names it in errors. Every error names the
// file and, for validation failures, the JSON pointer of the part at fault.
func Parse(file string, data []byte) (*Spec, error) {
	return parse(file, data, true)
}

// parse is Parse, validating the document when validate is set. The embedded specs are not
// validated at run time: they are fixed when the binary is built, and TestEmbeddedSpecsValid
// validates each of them as Parse does, so that validating them again at every start-up
// (about a fifth of a cold load: kin-openapi walks every schema and compiles its patterns)
// would only repeat the test. Request validation compiles a pattern when it first needs it.
func parse(file string, data []byte, validate bool) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: cannot load: %w", file, err)
	}
	if validate {
		if err := doc.Validate(context.Background()); err != nil {
			return nil, fmt.Errorf("openapi: %s: invalid at %s: %w", file, Pointer(err), err)
		}
	}
	base, err := basePath(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: %w", file, err)
	}
	// Routing must not depend on the host a client uses: keep only the servers' common path.
	doc.Servers = openapi3.Servers{{URL: base}}
	if base == "" {
		doc.Servers = nil
	}
	spec := &Spec{
		Name:     strings.TrimSuffix(file, ".yaml"),
		File:     file,
		BasePath: base,
		Doc:      doc,
	}
	spec.Operations = map[string]*openapi3.Operation{}
	spec.Unsecured = map[*openapi3.Operation]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			spec.Operations[op.OperationID] = op
			spec.OperationIDs = append(spec.OperationIDs, op.OperationID)
			c := *op
			c.Security = &openapi3.SecurityRequirements{}
			spec.Unsecured[op] = &c
		}
	}
	slices.Sort(spec.OperationIDs)
	// The path table gives the router's answers without its regular expressions (and without
	// compiling them); the spec's own router serves the shapes it does not handle.
	if t := newPathTable(spec); t != nil {
		spec.Router = t
		return spec, nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: cannot build router: %w", file, err)
	}
	spec.Router = router
	return spec, nil
}

// basePath reduces the servers to their path, which all must share.
func basePath(doc *openapi3.T) (string, error) {
	base := ""
	for i, s := range doc.Servers {
		raw := s.URL
		for name, v := range s.Variables {
			raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
		}
		u, err := url.Parse(raw)
		if err != nil {
			return "", fmt.Errorf("invalid at /servers/%d/url: %w", i, err)
		}
		p := strings.TrimSuffix(u.Path, "/")
		if i > 0 && p != base {
			return "", fmt.Errorf("invalid at /servers/%d/url: path %q differs from the first server's %q", i, p, base)
		}
		base = p
	}
	return base, nil
}

// Pointer turns kin-openapi's context-wrapped validation error into the JSON pointer of the
// deepest part of the document it names ("/paths/~1connectors/get"); "/" when it names none.
func Pointer(err error) string {
	var b strings.Builder
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch v := e.(type) {
		case *openapi3.SectionValidationError:
			b.WriteString("/" + escape(v.Section))
		case *openapi3.PathValidationError:
			b.WriteString("/" + escape(v.Path))
		case *openapi3.OperationValidationError:
			b.WriteString("/" + strings.ToLower(v.Method))
		case *openapi3.ComponentValidationError:
			b.WriteString("/" + componentBucket(v.Section) + "/" + escape(v.Name))
		}
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func componentBucket(section string) string {
	switch section {
	case "request body":
		return "requestBodies"
	case "security scheme":
		return "securitySchemes"
	default:
		return section + "s"
	}
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
