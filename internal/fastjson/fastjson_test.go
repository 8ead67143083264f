package fastjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The shapes of the generated read models: value fields, pointers,
// nested structs and slices, free-form values, maps, times, RawMessage,
// named string types and a type with its own UnmarshalJSON.
type (
	fuzzLevel string
	fuzzInner struct {
		ID    string   `json:"id"`
		N     int32    `json:"n,omitempty"`
		U     uint8    `json:"u"`
		F     float64  `json:"f"`
		B     bool     `json:"b"`
		Tags  []string `json:"tags"`
		Value any      `json:"value"`
	}
	fuzzCustom struct{ raw string }
	fuzzRecord struct {
		ID        string                `json:"id"`
		Name      string                `json:"name,omitempty,omitzero"`
		Level     fuzzLevel             `json:"level"`
		Count     int64                 `json:"count"`
		Ptr       *string               `json:"ptr,omitempty"`
		IntPtr    *int                  `json:"intPtr"`
		At        time.Time             `json:"at"`
		AtPtr     *time.Time            `json:"atPtr"`
		Inner     fuzzInner             `json:"inner"`
		Inners    []fuzzInner           `json:"inners"`
		InnerPtrs *[]fuzzInner          `json:"innerPtrs"`
		Map       map[string]any        `json:"map"`
		Typed     map[string]fuzzInner  `json:"typed"`
		Raw       json.RawMessage       `json:"raw"`
		Any       any                   `json:"any"`
		Custom    fuzzCustom            `json:"custom"`
		Arr       [2]int                `json:"arr"`
		Bytes     []byte                `json:"bytes"`
		Str       int                   `json:"str,string"`
		Dash      string                `json:"-"`
		Embedded  map[fuzzLevel]float32 `json:"embedded"`
	}
	fuzzPage struct {
		Result []fuzzRecord `json:"result"`
		Total  int64        `json:"total"`
	}
)

func (c *fuzzCustom) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '[' {
		return errors.New("custom: no arrays")
	}
	c.raw = string(b)
	return nil
}

// sameAsEncodingJSON decodes data with Unmarshal and with encoding/json
// into a fresh value of each target type and reports the first difference:
// an error on one side only, another error text or type, another value.
func sameAsEncodingJSON(data []byte) error {
	for _, newV := range []func() any{
		func() any { return new(fuzzPage) },
		func() any { return new(fuzzRecord) },
		func() any { return new([]fuzzInner) },
		func() any { return new(any) },
		func() any { return new(map[string]any) },
		func() any { return new(string) },
		func() any { return new(int32) },
		func() any { return new(float64) },
	} {
		got, want := newV(), newV()
		gerr, werr := Unmarshal(data, got), json.Unmarshal(data, want)
		if (gerr == nil) != (werr == nil) || gerr != nil && (gerr.Error() != werr.Error() || reflect.TypeOf(gerr) != reflect.TypeOf(werr)) {
			return fmt.Errorf("%T: error %v (%T), encoding/json %v (%T)", want, gerr, gerr, werr, werr)
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Errorf("%T: decoded %#v, encoding/json %#v", want, got, want)
		}
	}
	return nil
}

var unmarshalSeeds = []string{
	`{"result":[{"id":"a","name":"n","level":"x","count":3,"ptr":"p","intPtr":4,"at":"2026-03-01T09:30:00Z","atPtr":"2026-03-01T09:30:00.5+02:00",
	  "inner":{"id":"i","n":7,"u":255,"f":1.5e3,"b":true,"tags":["a","b"],"value":{"k":[1,"2",null,true]}},
	  "inners":[{"id":"j"}],"innerPtrs":[{"id":"k"}],"map":{"a":1,"b":{"c":[]}},"typed":{"t":{"id":"z"}},"raw":{"x": [1, 2]},
	  "any":[1.0,-0,1e400],"custom":{"q":1},"arr":[1,2,3],"bytes":"aGVsbG8=","str":"12","-":"dash","embedded":{"e":1.5}}],"total":1}`,
	`{"RESULT":[{"ID":"case","Name":"insensitive","LEVEL":"l"}],"Total":2,"unknown":{"deep":[1,2,{"x":null}]}}`,
	`{"result":[{"id":"dup","id":"last"}],"total":1,"total":2}`,
	`{"result":null,"total":null}`,
	"{\"result\":[{\"custom\": { \"q\" :\t[ 1 , \"\\u00e9\" ] } , \"raw\" : [ 1 ,\n2 ] }]}",
	`{"result":[{"id":1}],"total":1}`,
	`{"result":[{"inner":{"n":2147483648}}]}`,
	`{"result":[{"inner":{"u":-1}}]}`,
	`{"result":[{"at":"not a time"}]}`,
	`{"result":[{"custom":[1]}]}`,
	`{"result":[{"str":12}]}`,
	`{"result":[{"bytes":"!!"}]}`,
	`{"result":[{"id":"\ud800\udc00 \u00e9 \ud800 \" \\ \/ \b\f\n\r\t"}]}`,
	"{\"result\":[{\"id\":\"\xff\xfe invalid utf-8\"}]}",
	`{"result":[{"id":"a"}],"total":1} trailing`,
	`{"result":[{"id":"a"}],"total":1`,
	`{"result":[{"id":"a",}]}`,
	`[{"id":"x","n":1},{"id":"y","value":1.25}]`,
	`"just a string"`, `12`, `-0.0`, `1e309`, `null`, `true`, ``, ` `, `{}`, `[]`, `{"a":}`, `01`, `1.`, `.5`, `"\u12"`,
}

// TestUnmarshalIsEncodingJSON pins Unmarshal to encoding/json on the seeds:
// same values, same errors (type and text), for every target type.
func TestUnmarshalIsEncodingJSON(t *testing.T) {
	for _, s := range unmarshalSeeds {
		if err := sameAsEncodingJSON([]byte(s)); err != nil {
			t.Errorf("input %q: %v", s, err)
		}
	}
}

// A list-page-sized input decodes to encoding/json's value, and one with a
// syntax error near its end, a type error or trailing data gets
// encoding/json's error.
func TestLargeInputs(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"result":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"r%d","name":"n\u00e9 %d","count":%d,"inner":{"tags":["a","b"],"value":{"k":[%d,true,null]}},"at":"2026-03-01T09:30:00Z"}`, i, i, i, i)
	}
	b.WriteString(`],"total":2000}`)
	page := b.String()
	for _, in := range []string{page, page + " \n", page + "x", page[:len(page)-1], page[:len(page)-40] + "!" + page[len(page)-39:], strings.Replace(page, `"count":1999`, `"count":"x"`, 1)} {
		if err := sameAsEncodingJSON([]byte(in)); err != nil {
			t.Errorf("input of %d bytes ending %q: %v", len(in), in[len(in)-20:], err)
		}
	}
}

// FuzzUnmarshalIsEncodingJSON is the same property on any input.
func FuzzUnmarshalIsEncodingJSON(f *testing.F) {
	for _, s := range unmarshalSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := sameAsEncodingJSON(data); err != nil {
			t.Fatal(err)
		}
	})
}
