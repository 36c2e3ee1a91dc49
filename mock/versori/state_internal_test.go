package versori

import (
	"math/rand/v2"
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

// TestKeyTime: keyTime writes what Format writes with its layout, in UTC, for times of every
// year Format writes (the ones keyTime writes by hand and the others), every zone and
// nanosecond.
func TestKeyTime(t *testing.T) {
	times := []time.Time{{}, time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 23, 59, 59, 1, time.UTC), time.Date(0, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), time.Now()}
	r := rand.New(rand.NewPCG(7, 8))
	for range 10000 {
		zone := time.FixedZone("", r.IntN(48*3600)-24*3600)
		times = append(times, time.Unix(r.Int64N(1<<37)-1<<36, r.Int64N(1e9)).In(zone))
	}
	for _, tm := range times {
		require.Equal(t, tm.UTC().Format(keyLayout), keyTime(tm), "%v", tm)
	}
}
