package versori

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// TestWriteDerivesEntries: the entry a write builds (which holds its connectors itself and
// takes the keys of the entry it replaces where their fields are unchanged) is the entry
// newEntry derives from the same connector: the same values, the same keys; a change of
// name, of createdAt or of updatedAt, to another instant or the same in another zone, moves
// the keys along.
func TestWriteDerivesEntries(t *testing.T) {
	schemas, err := loadSchemas()
	require.NoError(t, err)
	s := newStore(vendorapi.Config{Seed: fixtures.DefaultSeed, Connectors: 3, Clock: time.Now}, schemas)
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fx.DocumentedConnectorID
	steps := map[string]func(c *fx.Connector){
		"nothing":   func(*fx.Connector) {},
		"name":      func(c *fx.Connector) { c.Name = "Renamed ÄÖ" },
		"createdAt": func(c *fx.Connector) { c.CreatedAt = c.CreatedAt.Add(-time.Hour) },
		"updatedAt": func(c *fx.Connector) { c.UpdatedAt = c.UpdatedAt.Add(time.Nanosecond) },
		"both times, another zone": func(c *fx.Connector) {
			z := time.FixedZone("", 3600)
			c.CreatedAt, c.UpdatedAt = c.CreatedAt.In(z), c.UpdatedAt.In(z)
		},
		"all": func(c *fx.Connector) { c.Name, c.CreatedAt, c.UpdatedAt = "x", c.UpdatedAt, c.CreatedAt },
	}
	for _, step := range []string{"nothing", "name", "createdAt", "updatedAt", "both times, another zone", "all", "name"} {
		old, err := s.lookup(fx.DocumentedOrganisationID, id)
		require.NoError(t, err)
		c := *old.stored
		steps[step](&c)
		want := newEntry(&c)
		got := s.write(&c)
		assert.Equal(t, *want.stored, *got.stored, step)
		assert.Equal(t, *want.shown, *got.shown, step)
		assert.Equal(t, [3]string{want.createdAt, want.updatedAt, want.lowerName}, [3]string{got.createdAt, got.updatedAt, got.lowerName}, step)
		assert.Equal(t, string(want.body()), string(got.body()), step)
		now, err := s.lookup(fx.DocumentedOrganisationID, id)
		require.NoError(t, err)
		assert.Same(t, got, now, step)
	}
}
