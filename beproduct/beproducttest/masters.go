package beproducttest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

var masterNames = []string{"Style", "Material", "Color", "Image", "Block"}

// The pages (apps) every header of the fake has.
const (
	PageDetails = "page-details" // a Form page
	PageBOM     = "page-bom"     // a Grid page
	PageSizes   = "page-sizes"   // a List page
)

// SeedTime is the creation time of the seeded records.
var seedTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

type masterStore struct {
	name    string
	folders []beproductapi.Folder
	schema  map[string][]beproductapi.SchemaField
	order   []string
	headers map[string]*beproductapi.Header
	pages   map[string]map[string]*pageData
	// requests[headerID][timelineID] is a request page's form ("" the template).
	requests map[string]map[string][]beproductapi.Field
	// blocks[styleID] is the linked block; turntables[styleID] the turntable
	// uploads; assets[blockID/sizeClassID] a size class's 3D assets.
	blocks     map[string]string
	turntables map[string][]string
	assets     map[string][]beproductapi.Record
}

type pageData struct {
	info     beproductapi.PageInfo
	form     []beproductapi.Field
	rows     []row
	files    []attachment
	items    []beproductapi.Record
	raw      beproductapi.Record
	text     string
	versions []*version3d
	submits  []beproductapi.Record
	images   map[string]string // list item id → image URL
}

type row struct {
	ID     string
	Fields []beproductapi.Field
}

// ok200 is a successful write answer.
func ok200(msg string) beproductapi.MessageResponse {
	return beproductapi.MessageResponse{Error: false, Message: msg}
}

// versionOf is the version field of a create body ("1" when absent).
func versionOf(fields []beproductapi.FieldUpdate) string {
	for _, f := range fields {
		if f.Id == "version" {
			return fmt.Sprint(f.Value)
		}
	}
	return "1"
}

func prefixOf(master string) string { return master[:1] }

// FolderID returns the id of the seeded folder n (0 or 1) of a master.
func FolderID(master string, n int) string {
	return fmt.Sprintf("f%07d-0000-4000-8000-%012d", slices.Index(masterNames, master)+1, n+1)
}

// choices is a DropDown's properties.Choices as the SDKs read them: a list
// of {id, code, value} (BeProduct.Python.SDK _schema.py).
func choices(vals ...string) beproductapi.SchemaFieldProperties {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = map[string]any{"id": fmt.Sprintf("c%d", i+1), "code": strings.ToUpper(v[:2]), "value": v}
	}
	return beproductapi.SchemaFieldProperties{Choices: out}
}

func folderSchema() []beproductapi.SchemaField {
	formula := "[price] * 2"
	return []beproductapi.SchemaField{
		{FieldId: "header_number", FieldName: "Number", FieldType: "Text", Required: true, Active: true},
		{FieldId: "header_name", FieldName: "Name", FieldType: "Text", Active: true},
		{FieldId: "season", FieldName: "Season", FieldType: "DropDown", Active: true, Properties: choices("Spring 2026", "Fall 2026")},
		{FieldId: "price", FieldName: "Price", FieldType: "Decimal", Active: true},
		{FieldId: "status", FieldName: "Status", FieldType: "DropDown", Active: true, Properties: choices("Draft", "Approved")},
		{FieldId: "tags", FieldName: "Tags", FieldType: "MultiSelect", Active: true, Properties: beproductapi.SchemaFieldProperties{Choices: []any{"Basic", "Premium", "Eco"}}},
		{FieldId: "content", FieldName: "Content", FieldType: "CompositeControl", Active: true, Properties: beproductapi.SchemaFieldProperties{Choices: "Cotton\nLinen\nWool"}},
		{FieldId: "retail", FieldName: "Retail", FieldType: "FormulaField", Active: true, Properties: beproductapi.SchemaFieldProperties{Formula: &formula}},
		{FieldId: "active", FieldName: "Active", FieldType: "TrueFalse", Active: true},
	}
}

func pageSchema(pageID string) ([]beproductapi.SchemaField, bool) {
	switch pageID {
	case PageDetails:
		return []beproductapi.SchemaField{{FieldId: "description", FieldName: "Description", FieldType: "Memo"}, {FieldId: "care", FieldName: "Care", FieldType: "Text"}}, true
	case PageBOM:
		return []beproductapi.SchemaField{{FieldId: "component", FieldName: "Component", FieldType: "Text"}, {FieldId: "quantity", FieldName: "Quantity", FieldType: "Number"}}, true
	case PageSizes:
		return []beproductapi.SchemaField{{FieldId: "size", FieldName: "Size", FieldType: "Text"}}, true
	}
	return nil, false
}

func (s *Server) seedMaster(name string) {
	ms := &masterStore{name: name, schema: map[string][]beproductapi.SchemaField{},
		headers: map[string]*beproductapi.Header{}, pages: map[string]map[string]*pageData{},
		requests: map[string]map[string][]beproductapi.Field{}, blocks: map[string]string{},
		turntables: map[string][]string{}, assets: map[string][]beproductapi.Record{}}
	for i, fn := range []string{"Spring 2026", "Fall 2026"} {
		f := beproductapi.Folder{Id: FolderID(name, i), Name: fn, Description: name + " folder " + fn, Active: true}
		ms.folders = append(ms.folders, f)
		ms.schema[f.Id] = folderSchema()
	}
	s.masters[name] = ms
	for i := range 5 {
		folder := ms.folders[i%2]
		s.addHeaderLocked(ms, folder, seedTime.Add(time.Duration(i)*24*time.Hour), []beproductapi.FieldUpdate{
			{Id: "header_number", Value: fmt.Sprintf("%s%d", prefixOf(name), 1001+i)},
			{Id: "header_name", Value: fmt.Sprintf("%s %d", seedNames[i], i+1)},
			{Id: "season", Value: folder.Name},
			{Id: "price", Value: float64(10 * (i + 1))},
		}, nil)
	}
}

var seedNames = []string{"Linen Dress", "Denim Jacket", "Silk Scarf", "Wool Coat", "Cotton Tee"}

// addHeaderLocked stores a new header built from fields (s.mu held).
func (s *Server) addHeaderLocked(ms *masterStore, folder beproductapi.Folder, at time.Time, fields []beproductapi.FieldUpdate, cws *[]beproductapi.ColorwayWrite) *beproductapi.Header {
	id := s.nextID()
	user := beproductapi.UserRef{Id: TestUserID, Name: "John Smith", Email: TestUserEmail}
	h := &beproductapi.Header{Id: id, Folder: beproductapi.FolderRef{Id: folder.Id, Name: folder.Name},
		CreatedAt: at, ModifiedAt: at, CreatedBy: user, ModifiedBy: user}
	applyFields(ms, h, fields)
	if cws != nil {
		s.applyColorways(h, *cws)
	}
	ms.headers[id] = h
	ms.order = append(ms.order, id)
	desc, qty := "Seeded description", 2.0
	ms.pages[id] = map[string]*pageData{
		PageDetails: {info: beproductapi.PageInfo{Id: PageDetails, Title: "Details", Type: "Form"},
			form: []beproductapi.Field{{Id: "description", Name: "Description", Value: desc, Type: "text"}}},
		PageBOM: {info: beproductapi.PageInfo{Id: PageBOM, Title: "Bill of Materials", Type: "Grid"},
			rows: []row{{ID: s.nextID(), Fields: []beproductapi.Field{{Id: "component", Value: "Shell"}, {Id: "quantity", Value: qty}}}}},
		PageSizes: {info: beproductapi.PageInfo{Id: PageSizes, Title: "Sizes", Type: "List"},
			rows: []row{{ID: s.nextID(), Fields: []beproductapi.Field{{Id: "size", Value: "M"}}}}},
	}
	s.seedExtraPages(ms, id)
	return h
}

func applyFields(ms *masterStore, h *beproductapi.Header, fields []beproductapi.FieldUpdate) {
	schema := map[string]beproductapi.SchemaField{}
	for _, f := range ms.schema[h.Folder.Id] {
		schema[f.FieldId] = f
	}
	cur := h.HeaderData.Fields
	for _, fu := range fields {
		switch fu.Id {
		case "header_number":
			v := fmt.Sprint(fu.Value)
			if ms.name == "Color" {
				h.ColorPaletteNumber = v
			} else {
				h.HeaderNumber = v
			}
		case "header_name":
			v := fmt.Sprint(fu.Value)
			if ms.name == "Color" {
				h.ColorPaletteName = v
			} else {
				h.HeaderName = v
			}
		}
		f := beproductapi.Field{Id: fu.Id, Value: fu.Value}
		if sf, ok := schema[fu.Id]; ok {
			f.Name, f.Type, f.Required = sf.FieldName, sf.FieldType, sf.Required
		}
		if i := slices.IndexFunc(cur, func(x beproductapi.Field) bool { return x.Id == fu.Id }); i >= 0 {
			cur[i] = f
		} else {
			cur = append(cur, f)
		}
	}
	h.HeaderData.Fields = cur
}

func (s *Server) applyColorways(h *beproductapi.Header, cws []beproductapi.ColorwayWrite) {
	cur := h.Colorways
	for _, cw := range cws {
		i := -1
		if cw.Id != nil {
			i = slices.IndexFunc(cur, func(c beproductapi.Colorway) bool { return c.Id != "" && c.Id == *cw.Id })
		}
		if i < 0 {
			cur = append(cur, beproductapi.Colorway{Id: s.nextID()})
			i = len(cur) - 1
		}
		c := &cur[i]
		if cw.ImageHeaderId != nil {
			c.ImageHeaderId = *cw.ImageHeaderId
		}
		if cw.UnlinkImage != nil && *cw.UnlinkImage {
			c.ImageHeaderId = ""
		}
		if cw.ColorSourceId != nil {
			c.ColorSourceId = *cw.ColorSourceId
		}
		if cw.Fields != nil {
			if c.Fields == nil {
				c.Fields = map[string]any{}
			}
			for _, fu := range *cw.Fields {
				switch fu.Id {
				case "color_number":
					c.ColorNumber = fmt.Sprint(fu.Value)
				case "color_name":
					c.ColorName = fmt.Sprint(fu.Value)
				}
				c.Fields[fu.Id] = fu.Value
			}
		}
	}
	h.Colorways = cur
}

// sizeRange is a written size range as the fake stores and returns it.
func sizeRange(ws []beproductapi.SizeWrite) []beproductapi.Size {
	out := make([]beproductapi.Size, len(ws))
	for i, w := range ws {
		out[i] = beproductapi.Size{Name: deref(w.Name), Price: deref(w.Price), Currency: deref(w.Currency),
			UnitOfMeasure: deref(w.UnitOfMeasure), Comments: deref(w.Comments), SizeIndex: deref(w.SizeIndex),
			HideSize: deref(w.HideSize), IsDefault: deref(w.IsDefault), IsSampleSize: deref(w.IsSampleSize)}
	}
	return out
}

func sizeClasses(ws []beproductapi.SizeClassWrite, id func() string) []beproductapi.SizeClass {
	out := make([]beproductapi.SizeClass, len(ws))
	for i, w := range ws {
		sc := beproductapi.SizeClass{Id: deref(w.Id), Name: deref(w.Name), IsDefault: deref(w.IsDefault), Active: true}
		if sc.Id == "" {
			sc.Id = id()
		}
		if w.SizeRange != nil {
			sc.Sizes = sizeRange(*w.SizeRange)
			names := make([]string, len(sc.Sizes))
			for j, s := range sc.Sizes {
				names[j] = s.Name
			}
			sc.SizeRange = strings.Join(names, "-")
		}
		out[i] = sc
	}
	return out
}

func suppliers(ws []beproductapi.SupplierWrite) []beproductapi.Supplier {
	out := make([]beproductapi.Supplier, len(ws))
	for i, w := range ws {
		out[i] = beproductapi.Supplier{Id: w.Id, AdditionalProperties: map[string]any{}}
		for k, v := range w.AdditionalProperties {
			if n, ok := v.(string); ok && k == "name" {
				out[i].Name = &n
				continue
			}
			out[i].AdditionalProperties[k] = v
		}
	}
	return out
}

// applyColors sets (replace) or merges (by color_source_id) a palette's colors.
func (s *Server) applyColors(h *beproductapi.Header, ws []beproductapi.PaletteColorWrite, replace bool) {
	cur := h.HeaderData.Colors.Colors
	if replace {
		cur = nil
	}
	for _, w := range ws {
		c := beproductapi.PaletteColor{ColorSourceId: deref(w.ColorSourceId), ColorNumber: deref(w.ColorNumber),
			ColorName: deref(w.ColorName), Hex: strings.TrimPrefix(deref(w.Hex), "#"), Schema: deref(w.Schema)}
		if c.ColorSourceId == "" {
			c.ColorSourceId = s.nextID()
		}
		if i := slices.IndexFunc(cur, func(x beproductapi.PaletteColor) bool { return x.ColorSourceId == c.ColorSourceId }); i >= 0 {
			cur[i] = c
		} else {
			cur = append(cur, c)
		}
	}
	h.HeaderData.Colors.Colors = cur
}

// applyWrite sets the master's own lists of a create or update body.
func (s *Server) applyWrite(ms *masterStore, h *beproductapi.Header, req beproductapi.HeaderWrite, replaceColors bool) {
	if req.Sizes != nil {
		h.SizeRange = sizeRange(*req.Sizes)
	}
	if req.SizeClasses != nil && (ms.name == "Style" || ms.name == "Block") {
		scs := sizeClasses(*req.SizeClasses, s.nextID)
		if ms.name == "Block" {
			h.HeaderData.SizeClasses = scs // [3rd]: a block's size classes sit in headerData
		} else {
			h.SizeClasses = scs
		}
	}
	if req.Suppliers != nil && ms.name == "Material" {
		h.Suppliers = suppliers(*req.Suppliers)
	}
	if req.Colors != nil && ms.name == "Color" {
		s.applyColors(h, *req.Colors, replaceColors)
	}
}

// SeedHeaders adds n headers to folder n of a master (numbered
// prefix+"9000", prefix+"9001", …) and returns their ids, for paging tests.
func (s *Server) SeedHeaders(master string, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.masters[master]
	if ms == nil {
		panic("beproducttest: unknown master " + master)
	}
	ids := make([]string, 0, n)
	for i := range n {
		h := s.addHeaderLocked(ms, ms.folders[0], seedTime.Add(time.Duration(i)*time.Minute), []beproductapi.FieldUpdate{
			{Id: "header_number", Value: fmt.Sprintf("%s%d", prefixOf(master), 9000+i)},
			{Id: "header_name", Value: fmt.Sprintf("Bulk %d", i)},
		}, nil)
		ids = append(ids, h.Id)
	}
	return ids
}

// HeaderIDs returns the ids of a master's headers in creation order.
func (s *Server) HeaderIDs(master string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.masters[master].order)
}

// PageRows returns the row (or list item) ids of a header's grid or list page.
func (s *Server) PageRows(master, headerID, pageID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.masters[master].pages[headerID][pageID]
	if p == nil {
		return nil
	}
	var out []string
	for _, r := range p.rows {
		out = append(out, r.ID)
	}
	return out
}

// queryInt reads an integer query parameter (already validated by the spec).
func queryInt(r *http.Request, name string, def int) int {
	if v := r.URL.Query().Get(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// defaultPageSize is the page size when a list request names none.
// Assumption: BeProduct's default is not documented; the SDKs send 20 or 30.
const defaultPageSize = 30

func pageOf[T any](items []T, r *http.Request) []T {
	size := queryInt(r, "pageSize", defaultPageSize)
	num := queryInt(r, "pageNumber", 0)
	start := num * size
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+size, len(items))]
}

func (s *Server) registerMaster(m string) {
	s.handle("list"+m+"Folders", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ms := s.masters[m]
		out := slices.Clone(ms.folders)
		s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("get"+m+"FolderSchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		sc, ok := ms.schema[r.URL.Query().Get("folderId")]
		if !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, sc)
	})
	s.handle("list"+m+"Headers", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.HeaderListRequest
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		if queryInt(r, "pageSize", defaultPageSize) > 200 {
			writeError(w, http.StatusBadRequest, "at most 200 records may be read per request", nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		folder := r.URL.Query().Get("folderId")
		var match []beproductapi.Header
		showDeleted := r.URL.Query().Get("showDeleted") == "true"
		for _, id := range ms.order {
			h := ms.headers[id]
			if folder != "" && h.Folder.Id != folder {
				continue
			}
			if h.IsDeleted && !showDeleted {
				continue
			}
			ok, err := matchHeader(h, deref(req.Filters), deref(req.ColorwayFilters))
			if err != nil {
				writeError(w, http.StatusBadRequest, err.Error(), nil)
				return
			}
			if ok {
				match = append(match, *h)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.HeaderPage{Result: pageOf(match, r), Total: int64(len(match))})
	})
	s.handle("get"+m+"Header", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		h, ok := ms.headers[r.PathValue("headerId")]
		if !ok || h.IsDeleted {
			writeError(w, http.StatusNotFound, m+" not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, h)
	})
	s.handle("create"+m+"Header", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.HeaderWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		fid := r.URL.Query().Get("folderId")
		i := slices.IndexFunc(ms.folders, func(f beproductapi.Folder) bool { return f.Id == fid })
		if i < 0 {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		fields := deref(req.Fields)
		if problems := missingRequired(ms.schema[fid], fields); len(problems) > 0 {
			writeError(w, http.StatusBadRequest, "validation failed", problems)
			return
		}
		h := s.addHeaderLocked(ms, ms.folders[i], s.now(), fields, req.Colorways)
		s.applyWrite(ms, h, req, true)
		// A new header starts at version 1 unless preserveVersion keeps the
		// version the fields give.
		version := "1"
		if r.URL.Query().Get("preserveVersion") == "true" {
			version = versionOf(fields)
		}
		h.HeaderData.Fields = slices.DeleteFunc(h.HeaderData.Fields, func(f beproductapi.Field) bool { return f.Id == "version" })
		h.HeaderData.Fields = append(h.HeaderData.Fields, beproductapi.Field{Id: "version", Name: "Version", Type: "Text", Value: version})
		fakekit.WriteJSON(w, http.StatusOK, h)
	})
	s.handle("update"+m+"Header", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.HeaderWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		h, ok := ms.headers[r.PathValue("headerId")]
		if !ok || h.IsDeleted {
			writeError(w, http.StatusNotFound, m+" not found", nil)
			return
		}
		applyFields(ms, h, deref(req.Fields))
		if req.Colorways != nil {
			s.applyColorways(h, *req.Colorways)
		}
		s.applyWrite(ms, h, req, r.URL.Query().Get("replaceColors") != "false")
		h.ModifiedAt = s.now()
		fakekit.WriteJSON(w, http.StatusOK, h)
	})
	s.handle("delete"+m+"Header", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		id := r.PathValue("headerId")
		h, ok := ms.headers[id]
		if !ok || h.IsDeleted {
			writeError(w, http.StatusNotFound, m+" not found", nil)
			return
		}
		// Deleted headers stay listable with showDeleted=true.
		h.IsDeleted = true
		h.ModifiedAt = s.now()
		fakekit.WriteJSON(w, http.StatusOK, ok200("Deleted"))
	})
	page := func(w http.ResponseWriter, r *http.Request, wantPage bool) (map[string]*pageData, *pageData, bool) {
		ms := s.masters[m]
		hid := r.URL.Query().Get("headerId")
		pages, ok := ms.pages[hid]
		if !ok || ms.headers[hid].IsDeleted {
			writeError(w, http.StatusNotFound, m+" not found", nil)
			return nil, nil, false
		}
		if !wantPage {
			return pages, nil, true
		}
		p, ok := pages[r.URL.Query().Get("pageId")]
		if !ok {
			writeError(w, http.StatusNotFound, "page not found", nil)
			return nil, nil, false
		}
		return pages, p, true
	}
	s.handle("list"+m+"Pages", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		pages, _, ok := page(w, r, false)
		if !ok {
			return
		}
		out := beproductapi.PageList{}
		for _, id := range pageOrder(m) {
			out = append(out, pages[id].info)
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("get"+m+"Page", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		_, p, ok := page(w, r, true)
		if !ok {
			return
		}
		out := beproductapi.Page{Id: p.info.Id, HeaderId: r.URL.Query().Get("headerId"), Name: p.info.Title, Data: p.data()}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("update"+m+"PageForm", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FormUpdate
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_, p, ok := page(w, r, true)
		if !ok {
			return
		}
		if p.info.Type != "Form" {
			writeError(w, http.StatusBadRequest, "page is not a form", nil)
			return
		}
		for _, fu := range req {
			if i := slices.IndexFunc(p.form, func(f beproductapi.Field) bool { return f.Id == fu.Id }); i >= 0 {
				p.form[i].Value = fu.Value
			} else {
				p.form = append(p.form, beproductapi.Field{Id: fu.Id, Value: fu.Value})
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, ok200(fmt.Sprintf("%d fields updated", len(req))))
	})
	rows := func(kind string, decode func(r *http.Request) ([]rowEdit, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			edits, err := decode(r)
			if err != nil {
				writeError(w, http.StatusBadRequest, err.Error(), nil)
				return
			}
			if len(edits) > 100 {
				writeError(w, http.StatusBadRequest, "at most 100 records may be written per request", nil)
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			_, p, ok := page(w, r, true)
			if !ok {
				return
			}
			if p.info.Type != kind {
				writeError(w, http.StatusBadRequest, "page is not a "+kind, nil)
				return
			}
			// The whole request is refused when a row is unknown, as a
			// MessageResponse with error true (nothing is written).
			for _, e := range edits {
				if e.id != "" && !slices.ContainsFunc(p.rows, func(x row) bool { return x.ID == e.id }) {
					fakekit.WriteJSON(w, http.StatusOK, beproductapi.MessageResponse{Error: true, Message: "row " + e.id + " not found"})
					return
				}
			}
			for _, e := range edits {
				if e.id == "" {
					p.rows = append(p.rows, row{ID: s.nextID(), Fields: toFields(e.fields)})
					continue
				}
				i := slices.IndexFunc(p.rows, func(x row) bool { return x.ID == e.id })
				if e.del {
					p.rows = slices.Delete(p.rows, i, i+1)
				} else {
					p.rows[i].Fields = mergeFields(p.rows[i].Fields, e.fields)
				}
			}
			fakekit.WriteJSON(w, http.StatusOK, ok200(fmt.Sprintf("%d rows written", len(edits))))
		}
	}
	s.handle("update"+m+"PageGrid", rows("Grid", func(r *http.Request) ([]rowEdit, error) {
		var req beproductapi.GridUpdate
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			return nil, err
		}
		out := make([]rowEdit, len(req))
		for i, x := range req {
			out[i] = rowEdit{id: deref(x.RowId), del: x.DeleteRow != nil && *x.DeleteRow, fields: deref(x.RowFields)}
		}
		return out, nil
	}))
	s.handle("update"+m+"PageList", rows("List", func(r *http.Request) ([]rowEdit, error) {
		var req beproductapi.ListUpdate
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			return nil, err
		}
		out := make([]rowEdit, len(req))
		for i, x := range req {
			out[i] = rowEdit{id: deref(x.ItemId), del: x.DeleteItem != nil && *x.DeleteItem, fields: deref(x.ItemFields)}
		}
		return out, nil
	}))
	s.handle("get"+m+"PageSchema", func(w http.ResponseWriter, r *http.Request) {
		sc, ok := pageSchema(r.URL.Query().Get("pageId"))
		if !ok {
			writeError(w, http.StatusNotFound, "page not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, sc)
	})
}

type rowEdit struct {
	id     string
	del    bool
	fields []beproductapi.FieldUpdate
}

func toFields(fu []beproductapi.FieldUpdate) []beproductapi.Field {
	out := make([]beproductapi.Field, len(fu))
	for i, f := range fu {
		out[i] = beproductapi.Field{Id: f.Id, Value: f.Value}
	}
	return out
}

func mergeFields(cur []beproductapi.Field, fu []beproductapi.FieldUpdate) []beproductapi.Field {
	for _, f := range fu {
		if i := slices.IndexFunc(cur, func(x beproductapi.Field) bool { return x.Id == f.Id }); i >= 0 {
			cur[i].Value = f.Value
		} else {
			cur = append(cur, beproductapi.Field{Id: f.Id, Value: f.Value})
		}
	}
	return cur
}

func missingRequired(schema []beproductapi.SchemaField, fields []beproductapi.FieldUpdate) map[string][]string {
	out := map[string][]string{}
	for _, sf := range schema {
		if !sf.Required {
			continue
		}
		i := slices.IndexFunc(fields, func(f beproductapi.FieldUpdate) bool { return f.Id == sf.FieldId })
		if i < 0 || fields[i].Value == nil || fields[i].Value == "" {
			out[sf.FieldId] = append(out[sf.FieldId], "The field "+sf.FieldId+" is required.")
		}
	}
	return out
}

// deref is the value p points to, or T's zero value.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
