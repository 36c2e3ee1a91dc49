package versori

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"unicode/utf8"

	fx "github.com/connectormock/connectormock/fixtures/versori"
	"github.com/connectormock/connectormock/mock/internal/kit"
	"github.com/connectormock/connectormock/mock/internal/vendorapi"
)

// Request bodies are decoded from the bytes the pipeline read and validated (Call.Body), not
// read again from r.Body through a json.Decoder (its buffers, and a second scan, were a sixth
// of an UpdateConnector). The answers are encoding/json's, as before:
//
//   - UpdateConnector's body, the seed operation's, is read by hand (decodeFast) with kit's
//     reader of validated JSON when it is plainly a ConnectorUpdate: an object whose keys are
//     the fields' own names, each at most once, with values of the fields' JSON types (null
//     included). Anything else (a key in another case, which encoding/json would match, a
//     repeated key, a number where a string goes, a connection variable that is null, ...)
//     goes to encoding/json, which decides and words any error as before.
//   - Every other body, and those, go to json.Unmarshal. A body with data after its value
//     (which the pipeline lets through when the Content-Type is not literally
//     application/json) is refused by Unmarshal before it changes anything; it is decoded by
//     a json.Decoder then, which reads the first value and ignores the rest, as before.
//
// FuzzDecodeConnectorUpdate and TestDecodeConnectorUpdate hold both to json.Decoder's answers.

// decode reads the (already schema-validated) JSON body into v. What the schema lets through
// but Go cannot hold is a 400 too, never a 500.
func (a *API) decode(w http.ResponseWriter, r *http.Request, c *vendorapi.Call, v any) bool {
	if f, ok := v.(fastDecoder); ok && f.decodeFast(c.Body, [2]string{c.Params["connector_id"], c.Params["organisation_id"]}) {
		return true
	}
	if err := decodeBody(r, c.Body, v); err != nil {
		a.writeError(w, &vendorapi.Error{
			Kind:   vendorapi.KindBadRequest,
			Fields: []vendorapi.FieldError{{In: "body", Message: msgJSONBody + err.Error()}},
			Err:    err,
		})
		return false
	}
	return true
}

// fastDecoder is a body that can read itself without encoding/json, in the cases it is sure
// of; false means "ask encoding/json", having changed nothing. known are strings the body
// is likely to hold (the path's ids): a string equal to one is that string, not a copy.
type fastDecoder interface {
	decodeFast(body []byte, known [2]string) bool
}

// decodeBody decodes body, the request's (validated) body, into v as
// json.NewDecoder(r.Body).Decode(v) does; r.Body holds the same bytes. Without one (nil), it
// reads r.Body as before.
func decodeBody(r *http.Request, body []byte, v any) error {
	if body == nil {
		return json.NewDecoder(r.Body).Decode(v)
	}
	err := json.Unmarshal(body, v)
	if _, syntax := errors.AsType[*json.SyntaxError](err); syntax {
		// Unmarshal checks the whole body before decoding: v is untouched. Data after the
		// value: the first value counts, as it did.
		return json.NewDecoder(bytes.NewReader(body)).Decode(v)
	}
	return err
}

// decodeFast reads a ConnectorUpdate written plainly (see the top of the file) into u, a
// zero value; false, u unchanged, for anything else. body is valid JSON up to the end of its
// first value (the pipeline validated it); what follows is ignored, as by json.Decoder. An id
// or organisationId equal to one of known, a protocol equal to a protocol's name, is that
// string: they are only compared with the stored ones.
func (u *ConnectorUpdate) decodeFast(body []byte, known [2]string) bool {
	if !kit.IsObject(body) {
		return false
	}
	var out ConnectorUpdate
	var seen uint16
	// What the pointer fields point to, in one allocation.
	var own *struct {
		strs   [4]string
		public bool
	}
	owned := func() {
		if own == nil {
			own = &struct {
				strs   [4]string
				public bool
			}{}
		}
	}
	strPtr := func(val []byte, i int, dst **string) bool {
		if string(val) == "null" {
			return true
		}
		s, ok := decodeString(val)
		if !ok {
			return false
		}
		owned()
		own.strs[i] = s
		*dst = &own.strs[i]
		return true
	}
	m := kit.ObjectMembers(body)
	for {
		key, val, more := m.Next()
		if !more {
			break
		}
		var bit uint16
		ok := true
		switch string(key) {
		case "id":
			bit = 1 << 0
			out.ID, ok = decodeKnown(val, known[:])
		case "organisationId":
			bit = 1 << 1
			out.OrganisationID, ok = decodeKnown(val, known[:])
		case "name":
			bit = 1 << 2
			out.Name, ok = decodeString(val)
		case "tags":
			bit = 1 << 3
			out.Tags, ok = decodeTags(val)
		case "protocol":
			bit = 1 << 4
			out.Protocol, ok = decodeKnown(val, protocolNames[:])
		case "authSchemeConfigIds":
			bit = 1 << 5
			out.AuthSchemeConfigIDs, ok = decodeStringsOrNull(val)
		case "public":
			bit = 1 << 6
			switch string(val) {
			case "true", "false":
				owned()
				own.public = string(val) == "true"
				out.Public = &own.public
			case "null":
			default:
				ok = false
			}
		case "documentationURL":
			bit = 1 << 7
			ok = strPtr(val, 0, &out.DocumentationURL)
		case "imageURL":
			bit = 1 << 8
			ok = strPtr(val, 1, &out.ImageURL)
		case "baseUrl":
			bit = 1 << 9
			ok = strPtr(val, 2, &out.BaseURL)
		case "connectionVariables":
			bit = 1 << 10
			out.ConnectionVariables, ok = decodeVariables(val)
		case "datasetId":
			bit = 1 << 11
			ok = strPtr(val, 3, &out.DatasetID)
		default:
			return false // unknown, or a field's name in another case: encoding/json matches it
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	*u = out
	return true
}

// decodeString decodes a JSON string, or null (""), into a string field as encoding/json
// does; false for any other value (kit.DecodeString leaves those to json.Unmarshal, which
// refuses them).
func decodeString(val []byte) (string, bool) {
	if string(val) == "null" {
		return "", true
	}
	return kit.DecodeString(val)
}

// protocolNames are the protocols a connector can have.
var protocolNames = [...]string{"http", "bigquery"}

// decodeKnown is decodeString, answering the string of known that the value equals (written
// without escapes) instead of a copy.
func decodeKnown(val []byte, known []string) (string, bool) {
	if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
		if inner := val[1 : len(val)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			for _, k := range known {
				if string(inner) == k {
					return k, true
				}
			}
		}
	}
	return decodeString(val)
}

// decodeStringsOrNull decodes a list of strings (null elements are "") or null (nil).
func decodeStringsOrNull(val []byte) ([]string, bool) {
	if string(val) == "null" {
		return nil, true
	}
	return kit.DecodeStrings(val)
}

// decodeTags decodes the tags: null (nil), or an object of lists of strings or nulls; a
// repeated key's last value wins, as in encoding/json.
func decodeTags(val []byte) (map[string][]string, bool) {
	if string(val) == "null" {
		return nil, true
	}
	if !kit.IsObject(val) {
		return nil, false
	}
	tags := map[string][]string{}
	m := kit.ObjectMembers(val)
	for {
		key, v, more := m.Next()
		if !more {
			return tags, true
		}
		l, ok := decodeStringsOrNull(v)
		if !ok {
			return nil, false
		}
		tags[string(key)] = l
	}
}

// decodeVariables decodes the connection variables: null (nil), or a list of objects with
// name and value, each at most once, strings or null.
func decodeVariables(val []byte) ([]fx.Variable, bool) {
	if string(val) == "null" {
		return nil, true
	}
	it, ok := kit.ArrayElements(val)
	if !ok {
		return nil, false
	}
	out := []fx.Variable{}
	for {
		el, more := it.Next()
		if !more {
			return out, true
		}
		if !kit.IsObject(el) {
			return nil, false
		}
		var v fx.Variable
		var seen uint8
		m := kit.ObjectMembers(el)
		for {
			key, s, more := m.Next()
			if !more {
				break
			}
			var bit uint8
			ok := true
			switch string(key) {
			case "name":
				bit = 1
				v.Name, ok = decodeString(s)
			case "value":
				bit = 2
				v.Value, ok = decodeString(s)
			default:
				return nil, false
			}
			if !ok || seen&bit != 0 {
				return nil, false
			}
			seen |= bit
		}
		out = append(out, v)
	}
}
