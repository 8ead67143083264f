package ogenpeer

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bytedance/sonic"
	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
	goccy "github.com/goccy/go-json"

	"github.com/oasuite/sdk/bench/benchkit"
	"github.com/oasuite/sdk/bench/ogenpeer/api"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fastjson"
)

// The decoder comparison of docs/PERFORMANCE.md (issue 20): the 200-record
// BeProduct page into the suite's generated types (beproductapi.HeaderPage)
// by each candidate, with no HTTP. TestDecodersAgree checks that each
// candidate decodes exactly what encoding/json does.
var decoders = []struct {
	name   string
	decode func([]byte, any) error
}{
	{"encoding-json", json.Unmarshal},
	{"json-experiment-v1opts", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v, jsonv1.DefaultOptionsV1()) }},
	{"json-experiment", func(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }},
	{"goccy", goccy.Unmarshal},
	{"suite-fastjson", fastjson.Unmarshal}, // goccy, encoding/json on error
	{"sonic", sonic.Unmarshal},
	{"sonic-std", sonic.ConfigStd.Unmarshal},
}

func BenchmarkDecoders(b *testing.B) {
	srv := benchkit.NewServer(b)
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(srv.Page)))
			defer benchkit.MeasureCPU(b)()
			for b.Loop() {
				var p beproductapi.HeaderPage
				if err := d.decode(srv.Page, &p); err != nil || len(p.Result) != benchkit.PageSize {
					b.Fatal(err)
				}
			}
		})
	}
	// For reference: ogen's generated jx decoder into its own types.
	b.Run("ogen-jx", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(srv.Page)))
		defer benchkit.MeasureCPU(b)()
		for b.Loop() {
			var p api.HeaderPage
			if err := p.UnmarshalJSON(srv.Page); err != nil || len(p.Result) != benchkit.PageSize {
				b.Fatal(err)
			}
		}
	})
}

func TestDecodersAgree(t *testing.T) {
	srv := benchkit.NewServer(t)
	var want beproductapi.HeaderPage
	if err := json.Unmarshal(srv.Page, &want); err != nil {
		t.Fatal(err)
	}
	for _, d := range decoders[1:] {
		var got beproductapi.HeaderPage
		if err := d.decode(srv.Page, &got); err != nil {
			t.Errorf("%s: %v", d.name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s decodes differently from encoding/json", d.name)
		}
	}
}
