package beproducttest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
)

// matchHeader applies header filters (ANDed) and colorway filters (a header
// matches when one of its colorways passes all of them).
func matchHeader(h *beproductapi.Header, filters, cwFilters []beproductapi.Filter) (bool, error) {
	for _, f := range filters {
		v, ok := headerValue(h, f.Field)
		m, err := match(v, ok, f)
		if err != nil || !m {
			return false, err
		}
	}
	if len(cwFilters) == 0 {
		return true, nil
	}
	for _, cw := range h.Colorways {
		all := true
		for _, f := range cwFilters {
			v, ok := colorwayValue(cw, f.Field)
			m, err := match(v, ok, f)
			if err != nil {
				return false, err
			}
			if !m {
				all = false
				break
			}
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

func headerValue(h *beproductapi.Header, field string) (any, bool) {
	switch strings.ToLower(field) {
	case "modifiedat":
		return h.ModifiedAt, !h.ModifiedAt.IsZero()
	case "createdat":
		return h.CreatedAt, !h.CreatedAt.IsZero()
	case "folderid":
		return h.Folder.Id, h.Folder.Id != ""
	case "id":
		return h.Id, true
	case "foldermodifiedat":
		// [3rd] aukei/beproduct-data-browser: incremental sync filters on
		// FolderModifiedAt; the fake has no folder timestamps, so it reads
		// the header's.
		return h.ModifiedAt, !h.ModifiedAt.IsZero()
	}
	for _, f := range h.HeaderData.Fields {
		if f.Id == field {
			return f.Value, true
		}
	}
	return nil, false
}

func colorwayValue(c beproductapi.Colorway, field string) (any, bool) {
	switch field {
	case "color_number", "colorNumber":
		return c.ColorNumber, c.ColorNumber != ""
	case "color_name", "colorName":
		return c.ColorName, c.ColorName != ""
	}
	v, ok := c.Fields[field]
	return v, ok
}

// recordMatches applies filters to a flat record (directory, plans).
func recordMatches(rec map[string]any, filters []beproductapi.Filter) (bool, error) {
	for _, f := range filters {
		v, ok := rec[f.Field]
		if !ok {
			for k, x := range rec {
				if strings.EqualFold(k, f.Field) {
					v, ok = x, true
				}
			}
		}
		m, err := match(v, ok, f)
		if err != nil || !m {
			return false, err
		}
	}
	return true, nil
}

// match compares a record value with a filter: as times when both read as
// RFC 3339, as numbers when both are numeric, else as case-insensitive text.
//
// Several values come as one string joined with "■" (the SDKs' form); a JSON
// array is refused, as the SDKs never send one.
func match(v any, present bool, f beproductapi.Filter) (bool, error) {
	switch f.Value.(type) {
	case []any, map[string]any:
		return false, fmt.Errorf("filter on %s: the value must be a string, number or boolean; join several values with \"■\"", f.Field)
	}
	values := strings.Split(text(f.Value), "■")
	anyOf := func() bool {
		if !present {
			return false
		}
		elems := []any{v}
		if list, ok := v.([]any); ok {
			elems = list
		}
		for _, e := range elems {
			for _, x := range values {
				if compare(e, x) == 0 {
					return true
				}
			}
		}
		return false
	}
	switch f.Operator {
	case beproductapi.In, beproductapi.Any, beproductapi.ElemMatch:
		return anyOf(), nil
	case beproductapi.NotIn:
		return !anyOf(), nil
	case beproductapi.Contains:
		return present && strings.Contains(strings.ToLower(text(v)), strings.ToLower(text(f.Value))), nil
	}
	if !present {
		return f.Operator == beproductapi.Neq || f.Operator == beproductapi.NotEq || f.Operator == beproductapi.Ne, nil
	}
	if f.Operator == beproductapi.Eq && len(values) > 1 {
		return anyOf(), nil
	}
	c := compare(v, f.Value)
	switch f.Operator {
	case beproductapi.Eq:
		return c == 0, nil
	case beproductapi.Neq, beproductapi.NotEq, beproductapi.Ne:
		return c != 0, nil
	case beproductapi.Gt:
		return c > 0, nil
	case beproductapi.Gte:
		return c >= 0, nil
	case beproductapi.Lt:
		return c < 0, nil
	case beproductapi.Lte:
		return c <= 0, nil
	}
	return false, fmt.Errorf("filter on %s: unknown operator %q", f.Field, f.Operator)
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case time.Time:
		return t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

func compare(a, b any) int {
	as, bs := text(a), text(b)
	if ta, err := time.Parse(time.RFC3339, as); err == nil {
		if tb, err := time.Parse(time.RFC3339, bs); err == nil {
			return ta.Compare(tb)
		}
	}
	if fa, err := strconv.ParseFloat(as, 64); err == nil {
		if fb, err := strconv.ParseFloat(bs, 64); err == nil {
			switch {
			case fa < fb:
				return -1
			case fa > fb:
				return 1
			}
			return 0
		}
	}
	return strings.Compare(strings.ToLower(as), strings.ToLower(bs))
}
