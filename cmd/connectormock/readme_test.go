package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shellWords splits a shell command the way the README's curl lines need: single and double
// quotes, backslash-newline continuations.
func shellWords(s string) []string {
	s = strings.ReplaceAll(s, "\\\n", " ")
	var (
		words []string
		cur   strings.Builder
		quote rune
		in    bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestREADMECurls runs every curl command of README.md, as printed, against the command's
// server, and expects a 2xx: the README's quick starts must stay true.
func TestREADMECurls(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(readme), -1)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, _, _, done := start(t, ctx, "-log-level", "warn")

	ran := 0
	for _, b := range blocks {
		words := shellWords(b[1])
		if len(words) == 0 || words[0] != "curl" {
			continue
		}
		ran++
		method, url, body := "GET", "", ""
		header := http.Header{}
		for i := 1; i < len(words); i++ {
			switch w := words[i]; w {
			case "-X", "--request":
				i++
				method = words[i]
			case "--url":
				i++
				url = words[i]
			case "-H", "--header":
				i++
				k, v, _ := strings.Cut(words[i], ":")
				header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			case "-d", "--data":
				i++
				body = words[i]
			default:
				require.True(t, strings.HasPrefix(w, "http"), "unknown curl argument %q", w)
				url = w
			}
		}
		require.True(t, strings.HasPrefix(url, "http://127.0.0.1:8080/"), "README curls target the default address: %s", url)
		t.Run(method+" "+url, func(t *testing.T) {
			req, err := http.NewRequest(method, base+strings.TrimPrefix(url, "http://127.0.0.1:8080"), strings.NewReader(body))
			require.NoError(t, err)
			req.Header = header
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			assert.Less(t, resp.StatusCode, 300, "%s", got)
		})
	}
	assert.GreaterOrEqual(t, ran, 3, "one quick-start curl per vendor")
	cancel()
	require.NoError(t, <-done)
}

// TestREADMEFlags holds the README's table of flags to the command's flag set: every flag is
// listed, with its environment variable and, where the flag has one, its default.
func TestREADMEFlags(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	type row struct{ env, def string }
	rows := map[string]row{}
	// | `-name ARG` | `CONNECTORMOCK_NAME` (note) | `default` | meaning |
	name := regexp.MustCompile("^`-([a-z-]+)")
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !name.MatchString(strings.TrimSpace(cells[1])) {
			continue
		}
		env, _, _ := strings.Cut(strings.TrimSpace(cells[2]), " ")
		rows[name.FindStringSubmatch(strings.TrimSpace(cells[1]))[1]] = row{strings.Trim(env, "`"), strings.Trim(strings.TrimSpace(cells[3]), "`")}
	}
	var c config
	var names []string
	flagSet(&c, io.Discard).VisitAll(func(f *flag.Flag) {
		names = append(names, f.Name)
		r, ok := rows[f.Name]
		if !assert.True(t, ok, "the README's table lacks -%s", f.Name) {
			return
		}
		assert.Equal(t, envName(f.Name), r.env, "-%s's variable", f.Name)
		if f.DefValue != "" && f.DefValue != "false" {
			assert.True(t, strings.EqualFold(f.DefValue, r.def), "-%s's default: %q in the README, %q in the command", f.Name, r.def, f.DefValue)
		}
	})
	for name := range rows {
		assert.Contains(t, names, name, "the README lists -%s, which the command does not have", name)
	}
}
