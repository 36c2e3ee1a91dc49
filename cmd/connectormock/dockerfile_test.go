package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stage is one FROM ... section of a Dockerfile: its base, name and instructions (continuation
// lines joined).
type stage struct {
	from, name string
	lines      []string
}

func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var (
		stages []stage
		cur    string
	)
	for _, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cur += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, cur = cur+line, ""
		fields := strings.Fields(line)
		if strings.EqualFold(fields[0], "FROM") {
			s := stage{from: fields[1]}
			if len(fields) == 4 && strings.EqualFold(fields[2], "AS") {
				s.name = fields[3]
			}
			stages = append(stages, s)
			continue
		}
		require.NotEmpty(t, stages, "instruction before FROM: %s", line)
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, line)
	}
	return stages
}

func find(lines []string, re string) (int, string) {
	r := regexp.MustCompile(re)
	for i, l := range lines {
		if r.MatchString(l) {
			return i, l
		}
	}
	return -1, ""
}

// TestDockerfile checks the image's properties without a Docker engine (none runs on our
// machines): stages, layer order, static build, non-root runtime, port, health check, smoke run.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "../../Dockerfile")
	require.GreaterOrEqual(t, len(stages), 2, "multi-stage")
	build, final := stages[0], stages[len(stages)-1]

	assert.Regexp(t, `^golang:1\.26`, build.from, "builds with the module's Go")
	download, _ := find(build.lines, `^RUN go mod download$`)
	copyMods, _ := find(build.lines, `^COPY go\.mod go\.sum \./$`)
	copyAll, _ := find(build.lines, `^COPY \. \.$`)
	require.True(t, copyMods >= 0 && download > copyMods && copyAll > download,
		"go.mod/go.sum copied, modules downloaded in their own layer, then the source")
	_, goBuild := find(build.lines, `go build`)
	assert.Contains(t, goBuild, "CGO_ENABLED=0", "a static binary")
	assert.Contains(t, goBuild, "./cmd/connectormock")
	smoke, _ := find(build.lines, `^RUN /out/connectormock -h$`)
	assert.Greater(t, smoke, 0, "a build-time smoke run of connectormock -h")

	assert.Regexp(t, `distroless/static|^scratch$|alpine`, final.from, "a minimal runtime image")
	_, user := find(final.lines, `^USER `)
	require.NotEmpty(t, user)
	assert.NotRegexp(t, `^USER (root|0)(:|$)`, user, "runs as a non-root user")
	_, expose := find(final.lines, `^EXPOSE 8080$`)
	assert.NotEmpty(t, expose)
	_, health := find(final.lines, `^HEALTHCHECK `)
	assert.Contains(t, health, `"/__health"`, "the health endpoint that needs no admin token and exists with -no-admin")
	assert.Contains(t, health, "-healthcheck", "the image has no curl: the binary checks itself")
	_, env := find(final.lines, `^ENV `)
	assert.Equal(t, "ENV CONNECTORMOCK_ADDR=0.0.0.0:8080", env, "listens on all interfaces inside the container, by default only")
	_, entry := find(final.lines, `^ENTRYPOINT `)
	assert.Equal(t, `ENTRYPOINT ["/connectormock"]`, entry, "no -addr on the command line: CONNECTORMOCK_ADDR is honoured")
	_, cp := find(final.lines, `^COPY --from=`+build.name+` `)
	assert.NotEmpty(t, cp, "the runtime stage takes only the binary from the build stage")

	// CI builds the binary with the image's exact command (no Docker engine there either).
	ci, err := os.ReadFile("../../.ci/run")
	require.NoError(t, err)
	cmd := strings.TrimPrefix(goBuild, "RUN ")
	cmd = cmd[:strings.Index(cmd, " -o ")]
	assert.Contains(t, string(ci), cmd, ".ci/run must run the Dockerfile's go build")
}
