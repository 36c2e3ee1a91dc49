package productsup_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectormock/connectormock/mock/internal/testkit"
	"github.com/connectormock/connectormock/mock/productsup"
)

// TestKeptStatesBound: a version configured in a loop keeps at most 2*KeptStates states, its
// latest ones among them; the latest state of every action stays reachable (the build's, too,
// after many configurations), and a dropped state's id answers 404.
func TestKeptStatesBound(t *testing.T) {
	s := testkit.New(t)
	p := newPipeline(t, s)
	p.configureVCS()
	p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["amazon/seller"]}`)
	first := p.latest("update_configuration")["id"].(string)
	s.CompleteWork()
	build := stateUUID(p.ok("POST", "/builds/connectors", map[string]string{"connector": p.id, "version": "1"}))
	s.CompleteWork()
	var last string
	for range 5 * productsup.KeptStates {
		p.ok("PUT", p.path+"/secret-registrations", `{"secret-registrations":["amazon/seller"]}`)
		last = p.latest("update_configuration")["id"].(string)
		s.CompleteWork()
	}
	list := p.ok("GET", p.path+"/states?limit=100", nil)
	total := int(list["metadata"].(map[string]any)["total"].(float64))
	assert.LessOrEqual(t, total, 2*productsup.KeptStates, "bounded: %v", list["metadata"])
	assert.GreaterOrEqual(t, total, productsup.KeptStates)
	assert.Equal(t, last, p.latest("update_configuration")["id"], "the latest is kept")
	assert.Equal(t, "done", p.workStatus(last))
	assert.Equal(t, build, p.latest("build_connector")["id"], "the latest of another action is kept")
	assert.Equal(t, "done", p.workStatus(build))
	res := p.do("GET", "/states/"+first, nil)
	require.Equal(t, 404, res.Status, "an old finished state is dropped: %s", res.Body)
}
