package beproduct

import (
	"fmt"
	"strings"

	"github.com/oasuite/sdk/gen/beproductapi"
)

// Field types of a folder, page, colorway or size-range schema
// (SchemaField.FieldType), as BeProduct names them (PascalCase; see
// BeProduct.Python.SDK _schema.py). The list is not closed: a schema may
// carry types not named here.
const (
	FieldText             = "Text"
	FieldMemo             = "Memo"
	FieldNumber           = "Number"
	FieldDecimal          = "Decimal"
	FieldDate             = "Date"
	FieldDateTime         = "DateTime"
	FieldTrueFalse        = "TrueFalse"
	FieldDropDown         = "DropDown"
	FieldMultiSelect      = "MultiSelect"
	FieldComboBox         = "ComboBox"
	FieldPartnerDropDown  = "PartnerDropDown"
	FieldUsers            = "Users"
	FieldFormula          = "FormulaField"
	FieldCompositeControl = "CompositeControl"
)

// Choice is one allowed value of a DropDown, MultiSelect, ComboBox,
// PartnerDropDown or CompositeControl field: Code is what some integrations
// key on (a dropdown's code, a partner's directory id), Value what users see.
type Choice struct {
	ID, Code, Value string
}

// Choices reads a schema field's properties.Choices, whichever of its three
// shapes the field type uses: a list of {id, code, value} objects (DropDown,
// MultiSelect, ComboBox; PartnerDropDown without id), a list of strings, or
// one string of newline-separated values (CompositeControl). A field without
// choices gives nil; a Choices value of any other shape is an error wrapping
// ErrUnreadableAnswer, never an empty list.
func Choices(f beproductapi.SchemaField) ([]Choice, error) {
	switch cs := f.Properties.Choices.(type) {
	case nil:
		return nil, nil
	case string:
		var out []Choice
		for _, v := range strings.Split(cs, "\n") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, Choice{ID: v, Code: v, Value: v})
			}
		}
		return out, nil
	case []any:
		out := make([]Choice, 0, len(cs))
		for i, c := range cs {
			switch t := c.(type) {
			case string:
				out = append(out, Choice{Value: t})
			case map[string]any:
				ch := Choice{ID: text(t["id"]), Code: text(t["code"]), Value: text(t["value"])}
				if ch.ID == "" && f.FieldType == FieldPartnerDropDown {
					ch.ID = ch.Code // a partner's code is its directory id
				}
				out = append(out, ch)
			default:
				return nil, fmt.Errorf("%w: field %s: choice %d is a %T", ErrUnreadableAnswer, f.FieldId, i, c)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: field %s: Choices is a %T", ErrUnreadableAnswer, f.FieldId, f.Properties.Choices)
}

// Formula returns a formula or label field's properties.Formula ("" when it
// has none).
func Formula(f beproductapi.SchemaField) string {
	if f.Properties.Formula == nil {
		return ""
	}
	return *f.Properties.Formula
}

func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	return fmt.Sprint(v)
}
