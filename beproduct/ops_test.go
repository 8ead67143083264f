package beproduct_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/gen/beproductapi"
)

// P is the query parameters of a generated call, by their JSON names.
type P map[string]any

// ops calls generated operations by name, so that the same script runs on
// every master: strings are path parameters, a P the parameters struct, a
// beproduct.File a streamed multipart body (through Client.Multipart), and
// any other value the JSON body.
type ops struct {
	t   *testing.T
	c   *beproduct.Client
	ctx context.Context
}

func newOps(t *testing.T, c *beproduct.Client) ops { return ops{t: t, c: c, ctx: context.Background()} }

// call invokes <method>WithResponse and returns its JSON200 as generic JSON.
func (o ops) call(method string, args ...any) (any, error) {
	o.t.Helper()
	var editors []reflect.Value
	var in []any
	for _, a := range args {
		if f, ok := a.(beproduct.File); ok {
			ct, body, edit := o.c.Multipart(f)
			in = append(in, ct, body)
			editors = append(editors, reflect.ValueOf(edit))
			method += "WithBody"
			continue
		}
		in = append(in, a)
	}
	m := reflect.ValueOf(o.c.ClientWithResponses).MethodByName(method + "WithResponse")
	if !m.IsValid() {
		o.t.Fatalf("no generated method %sWithResponse", method)
	}
	mt := m.Type()
	vals := []reflect.Value{reflect.ValueOf(o.ctx)}
	for i, a := range in {
		want := mt.In(i + 1)
		switch v := a.(type) {
		case P:
			ptr := reflect.New(want.Elem())
			b, _ := json.Marshal(v)
			if err := json.Unmarshal(b, ptr.Interface()); err != nil {
				o.t.Fatalf("%s: params: %v", method, err)
			}
			vals = append(vals, ptr)
		case string:
			vals = append(vals, reflect.ValueOf(v).Convert(want))
		default:
			if want.Kind() == reflect.Interface {
				vals = append(vals, reflect.ValueOf(v))
				continue
			}
			ptr := reflect.New(want)
			b, _ := json.Marshal(v)
			if err := json.Unmarshal(b, ptr.Interface()); err != nil {
				o.t.Fatalf("%s: body: %v", method, err)
			}
			vals = append(vals, ptr.Elem())
		}
	}
	if len(vals) != mt.NumIn()-1 {
		o.t.Fatalf("%s takes %d arguments, got %d", method, mt.NumIn()-2, len(vals)-1)
	}
	vals = append(vals, editors...)
	out := m.Call(vals)
	if err, _ := out[1].Interface().(error); err != nil {
		return nil, err
	}
	j := reflect.Indirect(out[0]).FieldByName("JSON200")
	if j.IsNil() {
		return nil, fmt.Errorf("%s: no JSON200", method)
	}
	b, _ := json.Marshal(j.Interface())
	var v any
	_ = json.Unmarshal(b, &v)
	return v, nil
}

// ok calls and fails the test on an error.
func (o ops) ok(method string, args ...any) any {
	o.t.Helper()
	v, err := o.call(method, args...)
	if err != nil {
		o.t.Fatalf("%s: %v", method, err)
	}
	return v
}

// done calls a write and wants {"error": false}; it returns the message.
func (o ops) done(method string, args ...any) string {
	o.t.Helper()
	v := o.ok(method, args...)
	if jget(v, "error") != false {
		o.t.Fatalf("%s refused: %v", method, v)
	}
	return fmt.Sprint(jget(v, "message"))
}

// refused calls a write and wants {"error": true}; it returns the message.
func (o ops) refused(method string, args ...any) string {
	o.t.Helper()
	v := o.ok(method, args...)
	if jget(v, "error") != true {
		o.t.Fatalf("%s accepted: %v", method, v)
	}
	return fmt.Sprint(jget(v, "message"))
}

// jget reads a dotted path ("result.0.id") of generic JSON; nil when absent.
func jget(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		if k == "" {
			continue
		}
		switch t := v.(type) {
		case map[string]any:
			v = t[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

func jlen(v any) int {
	if l, ok := v.([]any); ok {
		return len(l)
	}
	return -1
}

// idIn returns the id after "… <id> created" in a write answer's message.
func idIn(msg string) string {
	f := strings.Fields(msg)
	for i, w := range f {
		if w == "created" && i > 0 {
			return f[i-1]
		}
	}
	return ""
}

var _ = beproductapi.Record{}
