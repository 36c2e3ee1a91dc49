package versori

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// decodeBodies are bodies the fast reader takes, and bodies it must leave to encoding/json.
var decodeBodies = []string{
	`{}`, ` {} `, `{"name":"a"}`, `{"name":null}`, `{"public":null}`, `{"public":false}`,
	`{"tags":null}`, `{"tags":{}}`, `{"tags":{"a":null,"b":[],"c":["x",null,"y"],"a":["z"]}}`,
	`{"authSchemeConfigIds":[]}`, `{"authSchemeConfigIds":null}`, `{"authSchemeConfigIds":["a",null]}`,
	`{"connectionVariables":[]}`, `{"connectionVariables":[{}]}`, `{"connectionVariables":[{"name":null,"value":"v"}]}`,
	`{"baseUrl":"\u003cstring\u003e","documentationURL":"\ud83d\ude00","imageURL":"\ufffd\u2028","datasetId":"d"}`,
	"{\"na\\u006de\":\"\xff\xfe\"}", `{"name":"\"\\\/\b\f\n\r\t"}`,
	`{"id":"01JQQEESWY391NGMH0BV4G0BAV","organisationId":"01JTJJEWXWNVE4XGCY2G7A878P","protocol":"bigquery"}`,
	`{"id":"a\\b","organisationId":"a\"b","protocol":"\u0068ttp"}`, "{\"id\":\"\xff\",\"organisationId\":\"\u2028\"}",
	`{"id":"\u00e9","organisationId":"é","protocol":""}`,
	// encoding/json's to decide:
	`null`, `[]`, `"x"`, `1`, `{"NAME":"a"}`, `{"Name":"a","name":"b"}`, `{"name":"a","name":"b"}`, `{"name":"a","name":null}`,
	`{"documentationURL":"a","documentationURL":null}`, `{"tags":{"a":["x"]},"tags":{"b":null}}`,
	`{"name":1}`, `{"name":true}`, `{"name":{}}`, `{"public":"true"}`, `{"public":1}`,
	`{"tags":[]}`, `{"tags":{"a":"x"}}`, `{"tags":{"a":[1]}}`, `{"authSchemeConfigIds":"a"}`,
	`{"authSchemeConfigIds":[1]}`, `{"connectionVariables":{}}`, `{"connectionVariables":[null]}`,
	`{"connectionVariables":[{"name":"a","name":"b"}]}`, `{"connectionVariables":[{"Name":"a"}]}`,
	`{"connectionVariables":[{"other":"a"}]}`, `{"connectionVariables":[1]}`, `{"other":1}`,
	`{"baseUrl":1}`, `{"datasetId":[]}`, `{"id":1e400}`,
	// data after the value (a Content-Type other than application/json lets it through):
	`{"name":"a"} trailing`, `{"name":"a"}{"name":"b"}`, `{"name":1} x`, `{} `,
}

// seedBody is the seed page's UpdateConnector body (package testkit, which finds testdata,
// imports this package).
const seedBody = "../../testdata/versori/update-connector-request.json"

// knownStrings are what decodeFast is told to expect (the path's ids, in the server): some
// that a body can only hold escaped or replaced.
var knownStrings = []string{"01JQQEESWY391NGMH0BV4G0BAV", "01JTJJEWXWNVE4XGCY2G7A878P", `a\b`, `a"b`, "\xff", "\u2028", "é", `\u00e9`, "", "bigquery"}

// decodeAsBefore is how a body was decoded before: a json.Decoder over r.Body.
func decodeAsBefore(body []byte) (ConnectorUpdate, error) {
	var u ConnectorUpdate
	err := json.NewDecoder(bytes.NewReader(body)).Decode(&u)
	return u, err
}

// firstValueValid is what the pipeline guarantees of a body before the handler reads it: its
// first JSON value is valid.
func firstValueValid(body []byte) bool {
	var raw json.RawMessage
	return json.NewDecoder(bytes.NewReader(body)).Decode(&raw) == nil
}

// checkDecode holds decodeFast and decodeBody to json.Decoder: when the fast reader takes a
// body, encoding/json decodes it without error to the same value; decodeBody answers the
// same value or the same error. It reports whether the fast reader took it.
func checkDecode(t *testing.T, body []byte) bool {
	t.Helper()
	want, wantErr := decodeAsBefore(body)
	var fast ConnectorUpdate
	took := fast.decodeFast(body, [2]string{})
	for i := 0; i+1 < len(knownStrings); i += 2 { // told to expect other strings: the same
		var u ConnectorUpdate
		require.Equal(t, took, u.decodeFast(body, [2]string{knownStrings[i], knownStrings[i+1]}), "body %q", body)
		require.Equal(t, fast, u, "body %q, told to expect %q", body, knownStrings[i:i+2])
	}
	if took {
		require.NoError(t, wantErr, "the fast reader takes %q, encoding/json refuses it", body)
		require.Equal(t, want, fast, "body %q", body)
	} else {
		require.Equal(t, ConnectorUpdate{}, fast, "the fast reader changed what it refused: %q", body)
	}
	var got ConnectorUpdate
	r := httptest.NewRequest("PUT", "/", bytes.NewReader(body))
	err := decodeBody(r, body, &got)
	if wantErr != nil {
		require.EqualError(t, err, wantErr.Error(), "body %q", body)
		return took
	}
	require.NoError(t, err, "body %q", body)
	require.Equal(t, want, got, "body %q", body)
	// Every other body goes to json.Unmarshal: the same.
	var m, mWant map[string]any
	mErr := json.NewDecoder(bytes.NewReader(body)).Decode(&mWant)
	err = decodeBody(r, body, &m)
	if mErr != nil {
		require.EqualError(t, err, mErr.Error())
	} else {
		require.Equal(t, mWant, m)
	}
	return took
}

// TestDecodeConnectorUpdate: the seed body, the bodies above, and encoding/json's own
// writing of random ConnectorUpdates (nil and empty lists and maps, awkward strings, indented
// or not) decode as json.Decoder decodes them; the fast reader takes the plain ones.
func TestDecodeConnectorUpdate(t *testing.T) {
	seed, err := os.ReadFile(seedBody)
	require.NoError(t, err)
	require.True(t, checkDecode(t, seed), "the seed body is not read by hand")
	for _, b := range decodeBodies {
		checkDecode(t, []byte(b))
	}
	for seed := range uint64(2000) {
		r := rand.New(rand.NewPCG(seed, 13))
		var u ConnectorUpdate
		filler{r: r}.fill(reflect.ValueOf(&u).Elem())
		body, err := json.Marshal(u)
		require.NoError(t, err)
		if seed%2 == 1 {
			var buf bytes.Buffer
			require.NoError(t, json.Indent(&buf, body, " ", "\t"))
			body = buf.Bytes()
		}
		require.True(t, checkDecode(t, body), "encoding/json's writing of seed %d is not read by hand: %s", seed, body)
	}
}

// FuzzDecodeConnectorUpdate: whatever body the pipeline lets through (its first JSON value
// valid), the fast reader takes it only as encoding/json decodes it, and decodeBody answers
// as json.Decoder did (value or error message).
func FuzzDecodeConnectorUpdate(f *testing.F) {
	seed, err := os.ReadFile(seedBody)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, b := range decodeBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !firstValueValid(body) {
			return // refused before the handler
		}
		checkDecode(t, body)
	})
}
