package fakes_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/bouquet/bouquettest"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/fakes"
	"github.com/oasuite/sdk/procurios/procuriostest"
)

// The options every fake has, with one signature (checked by the compiler).
var (
	_ func(*fakes.Coverage) bidcoretest.Option   = bidcoretest.WithCoverage
	_ func(*fakes.Coverage) bqecoretest.Option   = bqecoretest.WithCoverage
	_ func(*fakes.Coverage) bouquettest.Option   = bouquettest.WithCoverage
	_ func(*fakes.Coverage) beproducttest.Option = beproducttest.WithCoverage
	_ func(*fakes.Coverage) procuriostest.Option = procuriostest.WithCoverage

	_ func(func() time.Time) bidcoretest.Option   = bidcoretest.WithClock
	_ func(func() time.Time) bqecoretest.Option   = bqecoretest.WithClock
	_ func(func() time.Time) bouquettest.Option   = bouquettest.WithClock
	_ func(func() time.Time) beproducttest.Option = beproducttest.WithClock
	_ func(func() time.Time) procuriostest.Option = procuriostest.WithClock

	// Every fake with an authorization-code flow (BidCore has none).
	_ func(...string) bqecoretest.Option   = bqecoretest.WithRedirectURLs
	_ func(...string) bouquettest.Option   = bouquettest.WithRedirectURLs
	_ func(...string) beproducttest.Option = beproducttest.WithRedirectURLs
	_ func(...string) procuriostest.Option = procuriostest.WithRedirectURLs
)

// servers are the five fakes' Server types; codeFlow marks those with an
// authorization-code flow.
var servers = []struct {
	name     string
	t        reflect.Type
	codeFlow bool
}{
	{"bidcoretest", reflect.TypeFor[*bidcoretest.Server](), false},
	{"bqecoretest", reflect.TypeFor[*bqecoretest.Server](), true},
	{"bouquettest", reflect.TypeFor[*bouquettest.Server](), true},
	{"beproducttest", reflect.TypeFor[*beproducttest.Server](), true},
	{"procuriostest", reflect.TypeFor[*procuriostest.Server](), true},
}

// common are the methods every Server has, for the same job.
var common = []string{
	"BaseURL", "Origin", "Client", "Close", "ServeHTTP",
	"AddFault", "FailNext", "ClearFaults", "FaultsFired",
	"ExpireTokens", "Requests", "TokensIssued", "Tamper", "ClearTampers",
}

// TestOneShape: the five fakes have the same methods with the same
// signatures for the same jobs, and no exported method or field of theirs
// mentions an internal package (but the deprecated fields kept for one
// release, listed here).
func TestOneShape(t *testing.T) {
	for _, m := range append(common, "Authorize") {
		var first reflect.Type
		var firstName string
		for _, s := range servers {
			meth, ok := s.t.MethodByName(m)
			if !ok {
				if m != "Authorize" || s.codeFlow {
					t.Errorf("%s.Server has no %s", s.name, m)
				}
				continue
			}
			sig := withoutReceiver(meth.Type)
			if first == nil {
				first, firstName = sig, s.name
				continue
			}
			if sig != first {
				t.Errorf("%s.Server.%s is %v; %s's is %v", s.name, m, sig, firstName, first)
			}
		}
	}
	deprecatedFields := map[string]bool{"beproducttest.OAuth": true}
	for _, s := range servers {
		for i := 0; i < s.t.NumMethod(); i++ {
			m := s.t.Method(i)
			if p := internalIn(m.Type); p != "" {
				t.Errorf("%s.Server.%s mentions %s", s.name, m.Name, p)
			}
		}
		st := s.t.Elem()
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if !f.IsExported() || deprecatedFields[s.name+"."+f.Name] {
				continue
			}
			if p := internalIn(f.Type); p != "" {
				t.Errorf("%s.Server.%s mentions %s", s.name, f.Name, p)
			}
		}
	}
}

func withoutReceiver(ft reflect.Type) reflect.Type {
	in := make([]reflect.Type, 0, ft.NumIn()-1)
	for i := 1; i < ft.NumIn(); i++ {
		in = append(in, ft.In(i))
	}
	out := make([]reflect.Type, 0, ft.NumOut())
	for i := 0; i < ft.NumOut(); i++ {
		out = append(out, ft.Out(i))
	}
	return reflect.FuncOf(in, out, ft.IsVariadic())
}

// internalIn returns the internal package a type mentions ("" none).
func internalIn(t reflect.Type) string {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type) string
	walk = func(t reflect.Type) string {
		if seen[t] {
			return ""
		}
		seen[t] = true
		if p := t.PkgPath(); strings.Contains(p, "/internal/") || strings.HasSuffix(p, "/internal") {
			return p
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			return walk(t.Elem())
		case reflect.Map:
			if p := walk(t.Key()); p != "" {
				return p
			}
			return walk(t.Elem())
		case reflect.Func:
			for i := 0; i < t.NumIn(); i++ {
				if p := walk(t.In(i)); p != "" {
					return p
				}
			}
			for i := 0; i < t.NumOut(); i++ {
				if p := walk(t.Out(i)); p != "" {
					return p
				}
			}
		}
		return ""
	}
	return walk(t)
}
