package conductorone_test

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/connectormock/connectormock/mock/conductorone"
	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/openapi"
)

// servedServices are the vendor's services whose every operation the mock serves.
var servedServices = []string{
	"c1.api.app.v1.ConnectorService.",
	"c1.api.app.v1.Apps.",
	"c1.api.app.v1.AppSearch.",
	"c1.api.integration.connector.v1.ConnectorCatalogService.",
}

// fieldDeviations are the properties where our spec knowingly differs from the vendor's, by
// schema: "+name" is ours alone, "-name" the vendor's alone, "~name" a different type. The
// README lists each with its reason.
var fieldDeviations = map[string][]string{
	// The expanded form of an app is a google.protobuf.Any: "@type" names it.
	"c1.api.app.v1.App": {"+@type", "~appOwners", "~connectorVersion", "~userCount"},
	// The user the mock expands is the part of c1.api.user.v1.User a connector's owners need.
	"c1.api.user.v1.User": {"+@type", "-createdAt", "-delegatedUserId", "-deletedAt", "-department", "-departmentSources",
		"-directoryIds", "-directoryStatus", "-directoryStatusSources", "-emailSources", "-emails", "-employeeIdSources",
		"-employeeIds", "-employmentStatus", "-employmentStatusSources", "-employmentType", "-employmentTypeSources",
		"-jobTitle", "-jobTitleSources", "-managerIds", "-managerSources", "-origin", "-profile", "-roleIds", "-type",
		"-updatedAt", "-usernameSources", "-usernames"},
	// Any values are google.protobuf.Any, which requires "@type".
	"c1.api.app.v1.Connector":                          {"~config"},
	"c1.api.app.v1.ConnectorServiceCreateRequestInput": {"~config"},
	"c1.api.app.v1.ConnectorServiceCreateResponse":     {"~expanded"},
	"c1.api.app.v1.ConnectorServiceGetResponse":        {"~expanded"},
	"c1.api.app.v1.ConnectorServiceListResponse":       {"~expanded"},
	"c1.api.app.v1.ConnectorServiceUpdateResponse":     {"~expanded"},
}

func served(id string) bool {
	return slices.ContainsFunc(servedServices, func(p string) bool { return strings.HasPrefix(id, p) })
}

type opKey struct{ method, path string }

func specOperations(doc *openapi3.T) map[string]opKey {
	out := map[string]opKey{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if served(op.OperationID) {
				out[op.OperationID] = opKey{method, path}
			}
		}
	}
	return out
}

// TestServesEveryVendorOperation fails when the vendor's contract (the excerpt in testdata,
// refreshed from ConductorOne's) has a connector-management operation our spec lacks, or ours
// one the vendor's lacks, or the two disagree on its method or path.
func TestServesEveryVendorOperation(t *testing.T) {
	vendor := testkit.LoadSpec(t, testkit.Testdata("conductorone", "vendor-connectors.excerpt.yaml"))
	ours, err := openapi.Load(conductorone.Name)
	require.NoError(t, err)
	want, got := specOperations(vendor.Doc), specOperations(ours.Doc)
	require.Len(t, want, 17+5+1+1, "the excerpt holds the four services")
	assert.Equal(t, want, got)
}

// TestFieldsMatchVendor fails when a schema of these operations has properties (or property
// types) other than the vendor's, apart from fieldDeviations.
func TestFieldsMatchVendor(t *testing.T) {
	vendor := testkit.LoadSpec(t, testkit.Testdata("conductorone", "vendor-connectors.excerpt.yaml"))
	ours, err := openapi.Load(conductorone.Name)
	require.NoError(t, err)
	names := slices.Sorted(maps.Keys(vendor.Doc.Components.Schemas))
	checked := 0
	for _, name := range names {
		v := vendor.Doc.Components.Schemas[name].Value
		ref := ours.Doc.Components.Schemas[name]
		if !strings.HasPrefix(name, "c1.api.app.v1.") && !strings.HasPrefix(name, "c1.api.integration.") {
			continue // google.*, validate.*, c1.api.form.*, ...: messages these operations only nest
		}
		if !assert.NotNil(t, ref, "our spec has no schema %s", name) {
			continue
		}
		checked++
		o := ref.Value
		var diff []string
		for p := range v.Properties {
			if _, ok := o.Properties[p]; !ok {
				diff = append(diff, "-"+p)
			}
		}
		for p, op := range o.Properties {
			vp, ok := v.Properties[p]
			switch {
			case !ok:
				diff = append(diff, "+"+p)
			case typeOf(op) != typeOf(vp):
				diff = append(diff, "~"+p)
			}
		}
		sort.Strings(diff)
		want := slices.Clone(fieldDeviations[name])
		sort.Strings(want)
		assert.Equal(t, want, diff, "schema %s drifted from the vendor's", name)
	}
	assert.Greater(t, checked, 40)
}

// typeOf is a property's type as far as drift goes: the schema it refers to, or its type,
// format and item type.
func typeOf(s *openapi3.SchemaRef) string {
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	v := s.Value
	out := strings.Join(v.Type.Slice(), ",") + "/" + v.Format
	if v.Items != nil {
		out += "[" + typeOf(v.Items) + "]"
	}
	return out
}

// vendorContract is where ConductorOne's whole contract lies on a developer's machine (beside
// the repository, as the project's shared reference) or where CONNECTORMOCK_C1_CONTRACT says.
func vendorContract() string {
	if p := os.Getenv("CONNECTORMOCK_C1_CONTRACT"); p != "" {
		return p
	}
	return filepath.Join(testkit.Root(), "..", "shared", "reference", "conductorone", "openapi.full.yaml")
}

// TestExcerptIsCurrent holds the excerpt the other tests read to ConductorOne's whole contract,
// when it is on the machine: every operation of a connector-management service in it (any
// service named Connector..., the Apps and AppSearch services) is in the excerpt, with the same
// method and path, and the excerpt has no operation the contract lacks. A new vendor operation
// then fails here until the excerpt is refreshed (excerpt.py), and then fails
// TestServesEveryVendorOperation until it is served. The contract is 1.5 MB and not in the
// repository, so the test skips where it is absent (a clean clone alone).
func TestExcerptIsCurrent(t *testing.T) {
	path := vendorContract()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("ConductorOne's contract is not at %s (set CONNECTORMOCK_C1_CONTRACT)", path)
	}
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `yaml:"operationId"`
		} `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	connectorManagement := func(id string) bool {
		i := strings.LastIndexByte(id, '.')
		if i < 0 {
			return false
		}
		service := id[strings.LastIndexByte(id[:i], '.')+1 : i]
		return strings.HasPrefix(service, "Connector") || service == "Apps" || service == "AppSearch"
	}
	want := map[string]opKey{}
	for p, item := range doc.Paths {
		for method, op := range item {
			if connectorManagement(op.OperationID) {
				want[op.OperationID] = opKey{strings.ToUpper(method), p}
			}
		}
	}
	require.NotEmpty(t, want, "no connector-management operation found in %s", path)
	excerpt := testkit.LoadSpec(t, testkit.Testdata("conductorone", "vendor-connectors.excerpt.yaml"))
	got := map[string]opKey{}
	for p, item := range excerpt.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			got[op.OperationID] = opKey{method, p}
		}
	}
	assert.Equal(t, want, got, "refresh testdata/conductorone/vendor-connectors.excerpt.yaml with excerpt.py")
	for id := range want {
		assert.True(t, served(id), "%s: a connector-management service servedServices does not name", id)
	}
}
