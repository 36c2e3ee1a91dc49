package conductorone_test

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
