package productsup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/connectormock/connectormock/fixtures"
	fx "github.com/connectormock/connectormock/fixtures/productsup"
	"github.com/connectormock/connectormock/mock/internal/kit"
)

// The success bodies are written by hand, not by encoding/json: its reflection was the largest
// cost of a request the store serves (a third of a list page's CPU, an allocation per raw
// config value). The bytes are exactly encoding/json's, as kit.WriteJSON writes them (no HTML
// escaping, a final newline): TestEncoderMatchesEncodingJSON compares the two on generated
// values and on values with every field set, so a field added to the fixtures and forgotten
// here fails it. The body structs keep their JSON tags: they are what the encoder writes. Each
// implements kit.Appender; kit.WriteAppended writes it with WriteJSON's buffers and headers.

// writeOK writes body as a 200 answer.
func writeOK[B kit.Appender](w http.ResponseWriter, body B) {
	kit.WriteAppended(w, http.StatusOK, body)
}

func (v versionBody) AppendJSON(b []byte) []byte {
	b = append(b, `{"message":`...)
	b = kit.AppendString(b, v.Message)
	if v.Resource != "" {
		b = append(b, `,"resource":`...)
		b = kit.AppendString(b, v.Resource)
	}
	b = append(b, `,"data":`...)
	b = appendVersion(b, v.Data)
	return append(b, '}')
}

func (c connectorBody) AppendJSON(b []byte) []byte {
	b = append(b, `{"message":`...)
	b = kit.AppendString(b, c.Message)
	b = append(b, `,"resource":`...)
	b = kit.AppendString(b, c.Resource)
	b = append(b, `,"data":`...)
	b = appendConnector(b, c.Data)
	return append(b, '}')
}

func (l listBody) AppendJSON(b []byte) []byte {
	b = append(b, `{"data":`...)
	if l.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range l.Data {
			if i > 0 {
				b = append(b, ',')
			}
			b = storedJSON.append(b, c)
		}
		b = append(b, ']')
	}
	m := l.Metadata
	b = append(b, `,"metadata":{"from":`...)
	b = strconv.AppendInt(b, int64(m.From), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(m.Limit), 10)
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, int64(m.Count), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(m.Total), 10)
	b = append(b, `,"next":`...)
	b = appendIntPtr(b, m.Next)
	b = append(b, `},"message":`...)
	b = kit.AppendString(b, l.Message)
	b = append(b, `,"resource":`...)
	b = kit.AppendString(b, l.Resource)
	return append(b, '}')
}

// storedJSON keeps the JSON of the connectors list pages write, by stored value. A list page
// is 20 whole connectors with their versions and configs (about 100 KB with the default
// data), and writing it was 42 % of the server's CPU under load; from the cache it is a copy.
// A stored connector is never changed in place (a write stores a new value), so its bytes
// never go stale, and the key, the stored pointer, is the same for every store and sandbox
// that shares the seed's state. The map holds its keys alive, so no other connector can take
// a cached one's address. It is bounded in bytes, oldest first out: the connectors of pages
// not asked for lately are written again when next asked for. listBody.AppendJSON is its only
// user, and the values it is given are always stored ones (Store.list).
var storedJSON = connectorCache{max: 16 << 20}

type connectorCache struct {
	mu    sync.Mutex
	m     map[*fx.Connector][]byte
	fifo  []*fx.Connector // insertion order, from head on
	head  int
	bytes int
	max   int // bytes kept at most; a connector larger than it is never kept
}

// append writes c as appendConnector does, from the cache when it holds c.
func (k *connectorCache) append(b []byte, c *fx.Connector) []byte {
	if c == nil {
		return appendConnector(b, c)
	}
	k.mu.Lock()
	j, ok := k.m[c]
	k.mu.Unlock()
	if ok {
		return append(b, j...)
	}
	start := len(b)
	b = appendConnector(b, c)
	k.put(c, b[start:])
	return b
}

func (k *connectorCache) put(c *fx.Connector, j []byte) {
	if len(j) > k.max {
		return
	}
	j = bytes.Clone(j)
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[c]; ok {
		return // another request wrote it meanwhile
	}
	if k.m == nil {
		k.m = map[*fx.Connector][]byte{}
	}
	for k.bytes+len(j) > k.max {
		old := k.fifo[k.head]
		k.fifo[k.head] = nil
		k.head++
		k.bytes -= len(k.m[old])
		delete(k.m, old)
	}
	if k.head > len(k.fifo)/2 { // move the live part down, and let go of what was dropped
		n := copy(k.fifo, k.fifo[k.head:])
		clear(k.fifo[n:])
		k.fifo, k.head = k.fifo[:n], 0
	}
	k.m[c] = j
	k.fifo = append(k.fifo, c)
	k.bytes += len(j)
}

func appendConnector(b []byte, c *fx.Connector) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = kit.AppendString(b, c.ID)
	b = append(b, `,"type":`...)
	b = kit.AppendString(b, c.Type)
	b = append(b, `,"name":`...)
	b = kit.AppendString(b, c.Name)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, c.Description)
	b = append(b, `,"readme":`...)
	b = appendStringPtr(b, c.Readme)
	b = append(b, `,"flow":`...)
	b = kit.AppendString(b, c.Flow)
	b = append(b, `,"main-version-number":`...)
	b = appendIntPtr(b, c.MainVersionNumber)
	b = append(b, `,"owner":`...)
	b = kit.AppendString(b, c.Owner)
	b = append(b, `,"integrator":`...)
	b = kit.AppendString(b, c.Integrator)
	b = append(b, `,"versions":`...)
	if c.Versions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range c.Versions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendVersion(b, &c.Versions[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"main":`...)
	b = appendVersion(b, c.Main)
	return append(b, '}')
}

func appendVersion(b []byte, v *fx.Version) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"name":`...)
	b = kit.AppendString(b, v.Name)
	b = append(b, `,"description":`...)
	b = appendStringPtr(b, v.Description)
	b = append(b, `,"readme":`...)
	b = appendStringPtr(b, v.Readme)
	b = append(b, `,"version":`...)
	b = kit.AppendString(b, v.Version)
	b = append(b, `,"logo":`...)
	b = appendStringPtr(b, v.Logo)
	b = append(b, `,"created-at":`...)
	b = kit.AppendString(b, v.CreatedAt)
	b = append(b, `,"updated-at":`...)
	b = kit.AppendString(b, v.UpdatedAt)
	b = append(b, `,"deleted-at":`...)
	b = appendStringPtr(b, v.DeletedAt)
	b = append(b, `,"state":`...)
	b = kit.AppendString(b, v.State)
	b = append(b, `,"config":`...)
	b = appendConfig(b, &v.Config)
	b = append(b, `,"platform_dev_reference":`...)
	b = appendDevReference(b, &v.PlatformDevReference)
	b = append(b, `,"platform_prod_reference":`...)
	b = appendProdReference(b, &v.PlatformProdReference)
	b = append(b, `,"prod_config":`...)
	b = appendRaw(b, v.ProdConfig)
	b = append(b, `,"dev_config":`...)
	b = appendRaw(b, v.DevConfig)
	return append(b, '}')
}

func appendConfig(b []byte, c *fx.Config) []byte {
	b = append(b, `{"update-progress":`...)
	b = appendRaws(b, c.UpdateProgress)
	b = append(b, `,"secret-registrations":`...)
	b = appendRaws(b, c.SecretRegistrations)
	b = append(b, `,"authentication-registrations":`...)
	b = appendRaws(b, c.AuthenticationRegistrations)
	b = append(b, `,"authentication-registrations-additional-fields":`...)
	b = appendRaws(b, c.AuthenticationRegistrationsAdditionalFields)
	b = append(b, `,"application":`...)
	b = appendRaw(b, c.Application)
	b = append(b, `,"vcs":`...)
	b = appendRaw(b, c.VCS)
	b = append(b, `,"docker":{"image-name":`...)
	b = appendStringPtr(b, c.Docker.ImageName)
	b = append(b, `,"image-tag":`...)
	b = appendStringPtr(b, c.Docker.ImageTag)
	b = append(b, `,"registry-url":`...)
	b = appendStringPtr(b, c.Docker.RegistryURL)
	b = append(b, `},"individuals":`...)
	b = appendRaws(b, c.Individuals)
	b = append(b, `,"migration":`...)
	b = appendRaw(b, c.Migration)
	x := &c.Execution
	b = append(b, `,"execution":{"execution-mode":`...)
	b = kit.AppendString(b, x.ExecutionMode)
	b = append(b, `,"container-api-image":`...)
	b = kit.AppendString(b, x.ContainerAPIImage)
	b = append(b, `,"docker-host":`...)
	b = appendStringPtr(b, x.DockerHost)
	b = append(b, `,"container-api":{"image":`...)
	b = appendStringPtr(b, x.ContainerAPI.Image)
	b = append(b, `,"version-constraint":`...)
	b = kit.AppendString(b, x.ContainerAPI.VersionConstraint)
	b = append(b, `}},"export":`...)
	b = appendRaw(b, c.Export)
	b = append(b, `,"data-service":`...)
	b = appendRaw(b, c.DataService)
	b = append(b, `,"datasource":`...)
	b = appendRaw(b, c.Datasource)
	b = append(b, `,"buckets":`...)
	b = appendRaws(b, c.Buckets)
	b = append(b, `,"feature-flags":`...)
	b = appendRaws(b, c.FeatureFlags)
	b = append(b, `,"container-api-config":`...)
	b = appendRaw(b, c.ContainerAPIConfig)
	return append(b, '}')
}

func appendDevReference(b []byte, d *fx.DevReference) []byte {
	b = append(b, `{"account":`...)
	b = appendInt64Ptr(b, d.Account)
	b = append(b, `,"project":`...)
	b = appendInt64Ptr(b, d.Project)
	b = append(b, `,"executable":`...)
	b = appendInt64Ptr(b, d.Executable)
	b = append(b, `,"platform-connector":`...)
	b = appendInt64Ptr(b, d.PlatformConnector)
	b = append(b, `,"site":`...)
	b = appendInt64Ptr(b, d.Site)
	b = append(b, `,"site-processing-cluster":`...)
	b = appendInt64Ptr(b, d.SiteProcessingCluster)
	b = append(b, `,"assigned-to-site":`...)
	b = appendInt64Ptr(b, d.AssignedToSite)
	b = append(b, `,"assigned-to-channel":`...)
	b = appendInt64Ptr(b, d.AssignedToChannel)
	b = append(b, `,"assigned-to-channel-site":`...)
	b = appendInt64Ptr(b, d.AssignedToChannelSite)
	b = append(b, `,"assigned-to-channel-site-destination":`...)
	b = appendInt64Ptr(b, d.AssignedToChannelSiteDestination)
	b = append(b, `,"runtime":`...)
	b = appendRuntime(b, &d.Runtime)
	return append(b, '}')
}

func appendProdReference(b []byte, p *fx.ProdReference) []byte {
	b = append(b, `{"executable":`...)
	b = appendInt64Ptr(b, p.Executable)
	b = append(b, `,"platform-connector":`...)
	b = appendInt64Ptr(b, p.PlatformConnector)
	b = append(b, `,"target-accounts":`...)
	b = appendIDs(b, p.TargetAccounts)
	b = append(b, `,"target-projects":`...)
	b = appendIDs(b, p.TargetProjects)
	b = append(b, `,"target-sites":`...)
	b = appendIDs(b, p.TargetSites)
	b = append(b, `,"enabled-for-accounts":`...)
	b = appendIDs(b, p.EnabledForAccounts)
	b = append(b, `,"enabled-for-projects":`...)
	b = appendIDs(b, p.EnabledForProjects)
	b = append(b, `,"enabled-for-sites":`...)
	b = appendIDs(b, p.EnabledForSites)
	b = append(b, `,"assigned-to-sites":`...)
	b = appendIDs(b, p.AssignedToSites)
	b = append(b, `,"released":`...)
	b = strconv.AppendBool(b, p.Released)
	b = append(b, `,"version":`...)
	b = appendStringPtr(b, p.Version)
	b = append(b, `,"runtime":`...)
	b = appendRuntime(b, &p.Runtime)
	return append(b, '}')
}

func appendRuntime(b []byte, r *fx.Runtime) []byte {
	b = append(b, `{"environment":`...)
	b = kit.AppendString(b, r.Environment)
	b = append(b, `,"version":`...)
	b = appendStringPtr(b, r.Version)
	return append(b, '}')
}

func appendIntPtr(b []byte, n *int) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*n), 10)
}

func appendInt64Ptr(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

func appendIDs(b []byte, ids []int64) []byte {
	if ids == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return append(b, ']')
}

func appendRaws(b []byte, l []fixtures.RawJSON) []byte {
	if l == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, r := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendRaw(b, r)
	}
	return append(b, ']')
}

// appendRaw writes a raw value as encoding/json writes a json.Marshaler's answer: compacted
// (RawJSON.MarshalJSON answers null for no value). A stored raw value is valid JSON: Put and
// Restore refuse one that is not, so one that is not here is a bug, and panics (the server
// answers 500 and logs it).
func appendRaw(b []byte, r fixtures.RawJSON) []byte {
	if len(r) == 0 {
		return append(b, "null"...)
	}
	if kit.IsCompact(r) { // compact already: nothing to take out
		return append(b, r...)
	}
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, r); err != nil {
		panic(fmt.Sprintf("productsup: a stored raw value is not JSON (%v): %s", err, r))
	}
	return buf.Bytes()
}

func appendStringPtr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return kit.AppendString(b, *s)
}
