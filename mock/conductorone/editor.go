package conductorone

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// ValidateHTTPConnectorConfig: the editor markers of an HTTP connector's config text.

// Marker is one problem of a config text (c1.api.editor.v1.EditorMarker): where it is, lines
// and columns from 1, the end exclusive, and what it is.
type Marker struct {
	EndColumn       int    `json:"endColumn"`
	EndLineNumber   int    `json:"endLineNumber"`
	Message         string `json:"message"`
	Severity        string `json:"severity"`
	StartColumn     int    `json:"startColumn"`
	StartLineNumber int    `json:"startLineNumber"`
}

// The texts of the markers.
const (
	markEmpty     = "the config is empty"
	markNotMap    = "the config must be a mapping of keys to values, not %s"
	markDuplicate = "key %q is already defined at line %d"
)

// ValidateConfig parses an HTTP connector's config text, a YAML document (JSON is YAML too),
// and returns one ERROR marker per problem: a syntax error where the parser stopped (JSON's
// with its exact column), a document that is not a mapping, a key defined twice in one
// mapping. A valid config has none (an empty list).
func ValidateConfig(text string) []Marker {
	if strings.TrimSpace(text) == "" {
		return []Marker{lineMarker(text, 1, 1, markEmpty)}
	}
	if t := strings.TrimSpace(text); t[0] == '{' || t[0] == '[' {
		if m, bad := jsonMarker(text); bad {
			return []Marker{m}
		}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return []Marker{yamlMarker(text, err)}
	}
	if len(doc.Content) == 0 {
		return []Marker{lineMarker(text, 1, 1, markEmpty)}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return []Marker{lineMarker(text, root.Line, root.Column, fmt.Sprintf(markNotMap, kindName(root)))}
	}
	out := []Marker{}
	duplicates(text, root, &out)
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	case yaml.AliasNode:
		return "an alias"
	default:
		return "a document"
	}
}

// duplicates adds a marker for each key that repeats one before it in the same mapping, at
// every depth.
func duplicates(text string, n *yaml.Node, out *[]Marker) {
	if n.Kind == yaml.MappingNode {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if line, ok := seen[k.Value]; ok && k.Kind == yaml.ScalarNode {
				*out = append(*out, Marker{
					StartLineNumber: k.Line, StartColumn: k.Column,
					EndLineNumber: k.Line, EndColumn: k.Column + utf8.RuneCountInString(k.Value),
					Message: fmt.Sprintf(markDuplicate, k.Value, line), Severity: "ERROR",
				})
			} else if k.Kind == yaml.ScalarNode {
				seen[k.Value] = k.Line
			}
		}
	}
	for _, c := range n.Content {
		duplicates(text, c, out)
	}
}

// jsonMarker is the marker of a JSON syntax error, at the byte where the decoder stopped.
func jsonMarker(text string) (Marker, bool) {
	d := json.NewDecoder(strings.NewReader(text))
	var v any
	err := d.Decode(&v)
	if err == nil {
		if _, err2 := d.Token(); err2 == nil {
			off := d.InputOffset()
			line, col := position(text, int(off))
			return lineMarker(text, line, col, "unexpected content after the JSON document"), true
		}
		return Marker{}, false
	}
	var se *json.SyntaxError
	off := len(text)
	msg := err.Error()
	if errors.As(err, &se) {
		off = int(se.Offset)
		if off > 0 {
			off-- // Offset counts the offending byte
		}
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "unexpected end of JSON input"
	}
	line, col := position(text, off)
	return lineMarker(text, line, col, msg), true
}

// position is the line and column (from 1, in characters) of byte offset off of text.
func position(text string, off int) (line, col int) {
	off = min(max(off, 0), len(text))
	before := text[:off]
	line = strings.Count(before, "\n") + 1
	start := strings.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCountInString(before[start:]) + 1
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?: `)

// yamlMarker is the marker of a YAML syntax error: the parser names a line, sometimes a
// column; without one, the marker covers the line.
func yamlMarker(text string, err error) Marker {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 1, 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			col, _ = strconv.Atoi(m[2])
		}
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return lineMarker(text, line, col, msg)
}

// lineMarker is an ERROR marker from (line, col) to the end of that line.
func lineMarker(text string, line, col int, msg string) Marker {
	lines := strings.Split(text, "\n")
	line = min(max(line, 1), len(lines))
	end := utf8.RuneCountInString(strings.TrimRight(lines[line-1], "\r")) + 1
	col = max(col, 1)
	return Marker{StartLineNumber: line, StartColumn: col, EndLineNumber: line, EndColumn: max(end, col+1), Message: msg, Severity: "ERROR"}
}

type editorRequest struct {
	Text string `json:"text"`
}

// validateConfig serves POST /api/v1/apps/connectors/validate_config/http.
func (a *API) validateConfig(w http.ResponseWriter, r *http.Request, c *vendorapi.Call) {
	var in editorRequest
	if !a.decode(w, c, &in) {
		return
	}
	kit.WriteJSON(w, http.StatusOK, struct {
		Markers []Marker `json:"markers"`
	}{ValidateConfig(in.Text)})
}
