package beproduct

import (
	"fmt"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
)

// Built-in filter fields of header lists; any field id of the folder schema
// (e.g. "header_number") may be used as well.
const (
	FieldModifiedAt   = "ModifiedAt"
	FieldCreatedAt    = "CreatedAt"
	FieldHeaderNumber = "header_number"
	FieldHeaderName   = "header_name"
)

// Filters is a list of header-list filters; BeProduct ANDs them. Build one
// with Where:
//
//	f := beproduct.Where(beproduct.FieldModifiedAt).Gte(since).
//		And("header_name").Contains("Dress")
//
// Values of type time.Time are sent in RFC 3339 (UTC). Several values (In,
// NotIn, Any, or a slice given to Eq) are sent as the SDKs send them: one
// string joined with ValueSeparator, never a JSON array.
type Filters []beproductapi.Filter

// ValueSeparator joins the values of a multi-value filter into one string:
// "■" (U+25A0), as BeProduct.Python.SDK (helpers/parsers.py) and the
// TypeScript SDK (src/helpers.ts dictToFilters) send them.
const ValueSeparator = "■"

// JoinValues is the one string a multi-value filter sends for vs.
func JoinValues(vs ...any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = scalar(v)
	}
	return strings.Join(parts, ValueSeparator)
}

func scalar(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case time.Time:
		return t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// Condition is a field waiting for its comparison; see Where.
type Condition struct {
	prev  Filters
	field string
}

// Where starts a filter list with a condition on field.
func Where(field string) Condition { return Condition{field: field} }

// And adds a condition on field to the list.
func (f Filters) And(field string) Condition { return Condition{prev: f, field: field} }

func (c Condition) add(op beproductapi.FilterOperator, v any) Filters {
	out := make(Filters, len(c.prev), len(c.prev)+1)
	copy(out, c.prev)
	return append(out, beproductapi.Filter{Field: c.field, Operator: op, Value: filterValue(v)})
}

func filterValue(v any) any {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format(time.RFC3339)
	case []any:
		return JoinValues(t...)
	case []string:
		parts := make([]any, len(t))
		for i, s := range t {
			parts[i] = s
		}
		return JoinValues(parts...)
	}
	return v
}

// Eq keeps records whose field equals v.
func (c Condition) Eq(v any) Filters { return c.add(beproductapi.Eq, v) }

// Neq keeps records whose field differs from v.
func (c Condition) Neq(v any) Filters { return c.add(beproductapi.Neq, v) }

// Gt keeps records whose field is greater than v.
func (c Condition) Gt(v any) Filters { return c.add(beproductapi.Gt, v) }

// Gte keeps records whose field is greater than or equal to v.
func (c Condition) Gte(v any) Filters { return c.add(beproductapi.Gte, v) }

// Lt keeps records whose field is less than v.
func (c Condition) Lt(v any) Filters { return c.add(beproductapi.Lt, v) }

// Lte keeps records whose field is less than or equal to v.
func (c Condition) Lte(v any) Filters { return c.add(beproductapi.Lte, v) }

// Contains keeps records whose field contains the text s.
func (c Condition) Contains(s string) Filters { return c.add(beproductapi.Contains, s) }

// In keeps records whose field is one of vs (sent joined with
// ValueSeparator).
func (c Condition) In(vs ...any) Filters { return c.add(beproductapi.In, JoinValues(vs...)) }

// NotIn keeps records whose field is none of vs (sent joined with
// ValueSeparator).
func (c Condition) NotIn(vs ...any) Filters { return c.add(beproductapi.NotIn, JoinValues(vs...)) }

// Any keeps records whose field is one of vs, or, for a list field, has one
// of them (the swagger's Any operator; sent joined with ValueSeparator).
func (c Condition) Any(vs ...any) Filters { return c.add(beproductapi.Any, JoinValues(vs...)) }

// ptr returns the filters as the generated request wants them (nil for none).
func (f Filters) ptr() *[]beproductapi.Filter {
	if len(f) == 0 {
		return nil
	}
	s := []beproductapi.Filter(f)
	return &s
}
