package contract_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	productsup "github.com/connectormock/connectormock/fixtures/productsup"
	versori "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/contract"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
	"github.com/connectormock/connectormock/openapi"
)

func schema(t *testing.T, find func(*openapi.Spec, string) (*contract.Schema, error), vendor, name string) *contract.Schema {
	t.Helper()
	s, err := find(openapi.MustLoad(vendor), name)
	require.NoError(t, err)
	return s
}

// TestCheck: a value is checked as it is written, every offending field named as request
// validation names it (a nested path, the discriminator's property), each once.
func TestCheck(t *testing.T) {
	psConnector := schema(t, contract.Response, "productsup", "Connector")
	vConnector := schema(t, contract.Response, "versori", "Connector")
	create := schema(t, contract.Request, "productsup", "ConnectorCreate")
	body := func(field, msg string) vendorapi.FieldError {
		return vendorapi.FieldError{In: "body", Field: field, Message: msg}
	}

	tests := []struct {
		name   string
		schema *contract.Schema
		value  func() any
		want   []vendorapi.FieldError
	}{
		{"valid", psConnector, func() any { return productsup.NewConnector() }, nil},
		{"id and nested version", psConnector, func() any {
			c := productsup.NewConnector(productsup.WithID("x"))
			c.Versions[0].Version = "1"
			return c
		}, []vendorapi.FieldError{
			body("id", `string doesn't match the format "uuid" (string doesn't match pattern "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"), got "x"`),
			body("versions[0].version", `string doesn't match the regular expression "^\d+\.\d+\.\d+$", got "1"`),
		}},
		{"discriminator named by its property", vConnector, func() any {
			c := versori.NewConnector()
			c.Protocol = "ftp"
			return c
		}, []vendorapi.FieldError{body("protocol", `discriminator property "protocol" has invalid value, got "ftp"`)}},
		{"oneOf branch", vConnector, func() any {
			c := versori.NewConnector()
			c.OrganisationID = "nope"
			return c
		}, []vendorapi.FieldError{body("organisationId", `string doesn't match the format "ulid" (string doesn't match pattern "^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$"), got "nope"`)}},
		{"request body", create, func() any {
			return map[string]any{"connector-type": "export", "connector-name": "", "extra": 1}
		}, []vendorapi.FieldError{
			body("connector-name", `minimum string length is 1, got ""`),
			body("extra", "unknown property"),
		}},
		{"not JSON", psConnector, func() any { return func() {} }, []vendorapi.FieldError{body("", "json: unsupported type: func()")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.schema.Check(tt.value()))
		})
	}
}

func TestUnknownSchema(t *testing.T) {
	_, err := contract.Response(openapi.MustLoad("versori"), "Nope")
	assert.EqualError(t, err, `openapi: versori.yaml has no schema "Nope"`)
}
