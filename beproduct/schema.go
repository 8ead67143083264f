package beproduct

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

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

// The data of the common page (app) types, as the TypeScript SDK reads
// them (src/schemas/apps/*.ts). Page.data is untyped in the spec because
// its shape depends on the page's type; read it into one of these with
// PageData.
type (
	// GridData is a Grid page's data.
	GridData struct {
		AppName  string     `json:"appName"`
		GridData []GridItem `json:"gridData"`
	}
	// GridItem is a row of a Grid page.
	GridItem struct {
		RowID  string               `json:"rowId"`
		Fields []beproductapi.Field `json:"fields"`
	}
	// ListItemData is an item of a List page (the page's data is a list
	// of them: PageData[[]ListItemData]).
	ListItemData struct {
		ID       string               `json:"id"`
		Controls []beproductapi.Field `json:"controls"`
		Image    string               `json:"image"`
		Origin   string               `json:"origin"`
	}
	// AttachmentsData is an Attachments page's data.
	AttachmentsData struct {
		Files []AttachmentFile `json:"files"`
	}
	// AttachmentFile is a file of an Attachments page; open URL with
	// Client.Download.
	AttachmentFile struct {
		FileName   string               `json:"fileName"`
		FileType   string               `json:"fileType"`
		FileSize   string               `json:"fileSize"`
		URL        string               `json:"url"`
		CreatedBy  beproductapi.UserRef `json:"createdBy"`
		CreatedAt  *time.Time           `json:"createdAt"`
		ModifiedBy beproductapi.UserRef `json:"modifiedBy"`
		ModifiedAt *time.Time           `json:"modifiedAt"`
		Comments   string               `json:"comments"`
	}
)

// PageData reads a page's data into T (GridData, []ListItemData,
// AttachmentsData, []beproductapi.Field for a Form page, or a type of your
// own for other apps). A page without data, or with data of another shape,
// is an error wrapping ErrUnreadableAnswer.
func PageData[T any](p *beproductapi.Page) (T, error) {
	var out T
	if p == nil || p.Data == nil {
		return out, fmt.Errorf("%w: the page has no data", ErrUnreadableAnswer)
	}
	b, err := json.Marshal(p.Data)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil {
		return out, fmt.Errorf("%w: page %s: %v", ErrUnreadableAnswer, p.Id, err)
	}
	return out, nil
}
