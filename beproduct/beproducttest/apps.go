package beproducttest

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

// More pages of the seeded headers: every header has an Attachments and an
// ImagesForm page; styles also have the pages their own operations write
// (SKU, colorway BOM, BOM details, multi measurements, sets, link pages,
// text list, 3D style, multi-size sample request); materials a Material 3D
// page. Styles and materials have one request page (PageRequest).
const (
	PageAttachments  = "page-attachments"
	PageImages       = "page-images"
	PageSKU          = "page-sku"
	PageCBOM         = "page-cbom"
	PageBOMDetails   = "page-bom-details"
	PageMeasurements = "page-measurements"
	PageSets         = "page-sets"
	PageLinks        = "page-links"
	PageText         = "page-text"
	Page3D           = "page-3d"
	PageSample       = "page-sample"
	PageMaterial3D   = "page-material-3d"
	PageRequest      = "page-request"
)

// PageIDs lists the pages a master's seeded headers have, in list order.
func PageIDs(master string) []string { return pageOrder(master) }

// pageOrder lists the pages a master's headers have, in list order.
func pageOrder(master string) []string {
	out := []string{PageDetails, PageBOM, PageSizes, PageAttachments, PageImages}
	switch master {
	case "Style":
		out = append(out, PageSKU, PageCBOM, PageBOMDetails, PageMeasurements, PageSets, PageLinks, PageText, Page3D, PageSample)
	case "Material":
		out = append(out, PageMaterial3D)
	}
	return out
}

var pageTypes = map[string][2]string{
	PageAttachments:  {"Attachments", "Attachments"},
	PageImages:       {"ImagesForm", "Images"},
	PageSKU:          {"SKU", "SKU"},
	PageCBOM:         {"BOM", "Colorway BOM"},
	PageBOMDetails:   {"BOMDetails", "BOM Details"},
	PageMeasurements: {"MultiMeasurements", "Measurements"},
	PageSets:         {"Sets", "Sets"},
	PageLinks:        {"LinkPages", "Linked Pages"},
	PageText:         {"TextList", "Notes"},
	Page3D:           {"3DStyle", "3D"},
	PageSample:       {"SampleRequestMulti", "Sample Request"},
	PageMaterial3D:   {"Material3D", "3D Material"},
}

// attachment is a file of an Attachments page or an inbox message.
type attachment struct {
	FileName  string    `json:"fileName"`
	FileType  string    `json:"fileType,omitempty"`
	FileSize  string    `json:"fileSize"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"createdAt"`
}

// version3d is a 3D style version.
type version3d struct {
	ID, Name    string
	Data        beproductapi.Record
	WorkingFile string
	Previews    map[string]string // colorway id → image id
}

func (s *Server) seedExtraPages(ms *masterStore, id string) {
	pages := ms.pages[id]
	for _, pid := range pageOrder(ms.name)[3:] {
		tt := pageTypes[pid]
		pages[pid] = &pageData{info: beproductapi.PageInfo{Id: pid, Title: tt[1], Type: tt[0]}}
	}
	if img := pages[PageImages]; img != nil {
		img.rows = []row{{ID: s.nextID(), Fields: []beproductapi.Field{{Id: "view", Value: "Front"}}}}
	}
	if ms.name == "Style" || ms.name == "Material" {
		ms.requests[id] = map[string][]beproductapi.Field{"": {{Id: "request_status", Name: "Request Status", Type: "DropDown", Value: "Open"}}}
	}
}

// data is a page's data in the shape the TypeScript SDK reads for its type
// (src/schemas/apps/*.ts).
func (p *pageData) data() any {
	switch p.info.Type {
	case "Form":
		return p.form
	case "Grid":
		rows := make([]map[string]any, len(p.rows))
		for i, r := range p.rows {
			rows[i] = map[string]any{"rowId": r.ID, "fields": r.Fields}
		}
		return map[string]any{"appName": p.info.Title, "gridData": rows}
	case "List":
		return p.listItems()
	case "Attachments":
		return map[string]any{"files": orEmpty(p.files)}
	case "ImagesForm":
		return map[string]any{"image": p.listItems(), "form": orEmpty(p.form)}
	case "3DStyle":
		vs := make([]map[string]any, len(p.versions))
		for i, v := range p.versions {
			vs[i] = map[string]any{"id": v.ID, "versionName": v.Name, "data": v.Data, "workingFile": v.WorkingFile, "previews": v.Previews}
		}
		return map[string]any{"versions": vs}
	case "SampleRequestMulti":
		return map[string]any{"submits": orEmpty(p.submits)}
	case "TextList":
		return map[string]any{"text": p.text, "items": orEmpty(p.items)}
	case "BOM":
		return map[string]any{"data": orEmpty(p.items)}
	case "MultiMeasurements", "Material3D":
		if p.raw == nil {
			return map[string]any{}
		}
		return p.raw
	}
	return orEmpty(p.items) // SKU, BOMDetails, Sets, LinkPages: lists of records
}

func (p *pageData) listItems() []map[string]any {
	items := make([]map[string]any, len(p.rows))
	for i, r := range p.rows {
		items[i] = map[string]any{"id": r.ID, "controls": orEmpty(r.Fields)}
		if img := p.images[r.ID]; img != "" {
			items[i]["image"] = img
		}
	}
	return items
}

// upload is a file the fake received.
type upload struct {
	name, contentType string
	size              int64
	data              []byte
	polls             int // GetImageProcessingStatus answers before finished
}

// readUpload reads the part named file of a multipart body. It answers 400
// and returns false when there is none.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (*upload, bool) {
	mr, err := r.MultipartReader()
	if err != nil {
		writeError(w, http.StatusBadRequest, "want a multipart/form-data body: "+err.Error(), nil)
		return nil, false
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			writeError(w, http.StatusBadRequest, "no part named file", nil)
			return nil, false
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "multipart: "+err.Error(), nil)
			return nil, false
		}
		if part.FormName() != "file" {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			writeError(w, http.StatusBadRequest, "multipart: "+err.Error(), nil)
			return nil, false
		}
		if part.FileName() == "" {
			writeError(w, http.StatusBadRequest, "the file part has no file name", nil)
			return nil, false
		}
		return &upload{name: part.FileName(), contentType: part.Header.Get("Content-Type"), size: int64(len(data)), data: data}, true
	}
}

// addUploadLocked stores u and returns its image id (s.mu held).
func (s *Server) addUploadLocked(u *upload) string {
	id := s.nextID()
	u.polls = s.cfg.processingPolls
	s.uploads[id] = u
	return id
}

// FileURL returns where the fake serves an upload (attachments' url).
func (s *Server) FileURL(imageID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fileURLLocked(imageID)
}

func (s *Server) fileURLLocked(imageID string) string {
	name := ""
	if u := s.uploads[imageID]; u != nil {
		name = u.name
	}
	return s.srv.URL + "/files/" + imageID + "/" + name
}

// Upload returns the name, size and bytes of an upload the fake received.
func (s *Server) Upload(imageID string) (name string, data []byte, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[imageID]
	if u == nil {
		return "", nil, false
	}
	return u.name, slices.Clone(u.data), true
}

// serveFile serves an upload's bytes (GET /files/{id}/{name}), as a CDN
// would: no token needed.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/files/")
	id, _, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	u := s.uploads[id]
	s.mu.Unlock()
	if u == nil {
		http.NotFound(w, r)
		return
	}
	ct := u.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", fmt.Sprint(len(u.data)))
	_, _ = w.Write(u.data)
}

func decode[T any](w http.ResponseWriter, r *http.Request, v *T) bool {
	if err := fakekit.ReadJSON(r, 0, v); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return false
	}
	return true
}

// header finds a live header of ms by id, answering 404 when there is none.
func (s *Server) header(w http.ResponseWriter, ms *masterStore, id string) *beproductapi.Header {
	h := ms.headers[id]
	if h == nil || h.IsDeleted {
		writeError(w, http.StatusNotFound, ms.name+" not found", nil)
		return nil
	}
	return h
}

// page finds a page of a live header, of the given type unless kind is "".
func (s *Server) page(w http.ResponseWriter, ms *masterStore, headerID, pageID, kind string) *pageData {
	if s.header(w, ms, headerID) == nil {
		return nil
	}
	p := ms.pages[headerID][pageID]
	if p == nil {
		writeError(w, http.StatusNotFound, "page not found", nil)
		return nil
	}
	if kind != "" && p.info.Type != kind {
		writeError(w, http.StatusBadRequest, "page is not a "+kind+" page", nil)
		return nil
	}
	return p
}

// findHeaderLocked finds a header of any master.
func (s *Server) findHeaderLocked(id string) (*masterStore, *beproductapi.Header) {
	for _, m := range masterNames {
		ms := s.masters[m]
		if h := ms.headers[id]; h != nil && !h.IsDeleted {
			return ms, h
		}
	}
	return nil, nil
}

func writeOK(w http.ResponseWriter, format string, args ...any) {
	fakekit.WriteJSON(w, http.StatusOK, ok200(fmt.Sprintf(format, args...)))
}

func refuse(w http.ResponseWriter, format string, args ...any) {
	fakekit.WriteJSON(w, http.StatusOK, beproductapi.MessageResponse{Error: true, Message: fmt.Sprintf(format, args...)})
}

func colorwaySchema() []beproductapi.SchemaField {
	return []beproductapi.SchemaField{
		{FieldId: "color_number", FieldName: "Color Number", FieldType: "Text", Required: true, Active: true},
		{FieldId: "color_name", FieldName: "Color Name", FieldType: "Text", Active: true},
		{FieldId: "fabric", FieldName: "Fabric", FieldType: "Text", Active: true},
	}
}

func sizeRangeSchema() []beproductapi.SchemaField {
	return []beproductapi.SchemaField{
		{FieldId: "name", FieldName: "Size", FieldType: "Text", Required: true, Active: true},
		{FieldId: "price", FieldName: "Price", FieldType: "Currency", Active: true},
	}
}

func (s *Server) registerApps(m string) {
	lower := strings.ToLower(m)
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	s.handle("get"+m+"FolderSearchSchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		sc, ok := s.masters[m].schema[q(r, "folderId")]
		if !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		// The searchable fields: the folder's, plus the built-in ModifiedAt
		// (as BeProduct.Python.SDK _schema.py adds it).
		out := append(slices.Clone(sc), beproductapi.SchemaField{FieldId: "ModifiedAt", FieldName: "Modified Date", FieldType: "DateTime", Active: true})
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("remove"+m+"Attachments", func(w http.ResponseWriter, r *http.Request) {
		var names beproductapi.StringList
		if !decode(w, r, &names) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], q(r, "headerId"), q(r, "pageId"), "Attachments")
		if p == nil {
			return
		}
		for _, n := range names {
			if !slices.ContainsFunc(p.files, func(a attachment) bool { return a.FileName == n }) {
				refuse(w, "no attachment named %s", n)
				return
			}
		}
		p.files = slices.DeleteFunc(p.files, func(a attachment) bool { return slices.Contains(names, a.FileName) })
		writeOK(w, "%d attachments removed", len(names))
	})
	s.handle("reset"+m+"Page", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.EmptyRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], r.PathValue("headerId"), r.PathValue("pageId"), "")
		if p == nil {
			return
		}
		p.reset()
		writeOK(w, "page reset")
	})
	imageUpload := func(position string, w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, s.masters[m], r.PathValue("headerId"))
		if h == nil {
			return
		}
		id := s.addUploadLocked(u)
		ref := beproductapi.ImageRef{Preview: s.fileURLLocked(id) + "?width=1000", Origin: s.fileURLLocked(id)}
		switch position {
		case "side":
			h.HeaderData.SideImage = ref
		case "back":
			h.HeaderData.BackImage = ref
		case "main", "detail":
			h.HeaderData.MainImage = ref
		case "", "front":
			if m == "Material" {
				h.HeaderData.MainImage = ref
			} else {
				h.HeaderData.FrontImage = ref
			}
		default:
			writeError(w, http.StatusBadRequest, "unknown image position "+position, nil)
			delete(s.uploads, id)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	}
	s.handle("upload"+m+"HeaderImage", func(w http.ResponseWriter, r *http.Request) { imageUpload("", w, r) })
	s.handle("upload"+m+"HeaderImageAtPosition", func(w http.ResponseWriter, r *http.Request) { imageUpload(r.PathValue("position"), w, r) })
	s.handle("upload"+m+"ListImage", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], q(r, lower+"Id"), q(r, "pageId"), "")
		if p == nil {
			return
		}
		if p.info.Type != "List" && p.info.Type != "ImagesForm" {
			writeError(w, http.StatusBadRequest, "page is not a List page", nil)
			return
		}
		item := q(r, "listItemId")
		if !slices.ContainsFunc(p.rows, func(x row) bool { return x.ID == item }) {
			writeError(w, http.StatusNotFound, "list item not found", nil)
			return
		}
		id := s.addUploadLocked(u)
		if p.images == nil {
			p.images = map[string]string{}
		}
		p.images[item] = s.fileURLLocked(id)
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("upload"+m+"Attachment", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], q(r, "headerId"), q(r, "pageId"), "Attachments")
		if p == nil {
			return
		}
		id := s.addUploadLocked(u)
		p.files = append(p.files, attachment{FileName: u.name, FileType: u.contentType, FileSize: fmt.Sprint(u.size), URL: s.fileURLLocked(id), CreatedAt: s.now()})
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("upload"+m+"GridFormImage", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], q(r, lower+"Id"), q(r, "pageId"), "ImagesForm")
		if p == nil {
			return
		}
		id := s.addUploadLocked(u)
		nr := row{ID: s.nextID()}
		p.rows = append(p.rows, nr)
		if p.images == nil {
			p.images = map[string]string{}
		}
		p.images[nr.ID] = s.fileURLLocked(id)
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.registerTags(m)
	switch m {
	case "Style", "Material":
		s.registerColorways(m)
	}
	switch m {
	case "Style":
		s.registerStyle()
	case "Material":
		s.registerMaterial()
	case "Color":
		s.registerColor()
	case "Image":
		s.handle("getImageImageProcessingStatus", func(w http.ResponseWriter, r *http.Request) { s.processingStatus(w, q(r, "imageId")) })
	case "Block":
		s.registerBlock()
	}
}

// reset puts a page back to its template: no rows, files, items or data.
func (p *pageData) reset() {
	p.rows, p.files, p.items, p.raw, p.text, p.versions, p.submits, p.images = nil, nil, nil, nil, "", nil, nil, nil
	if p.info.Type == "Form" {
		p.form = nil
	}
}

func (s *Server) processingStatus(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	if u == nil {
		writeError(w, http.StatusNotFound, "no upload "+id, nil)
		return
	}
	if u.polls > 0 {
		u.polls--
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.ImageProcessingStatus{Finished: false, Message: "processing"})
		return
	}
	st := beproductapi.ImageProcessingStatus{Finished: true}
	if u.size == 0 {
		st.ErrorOccured, st.Message = true, "the file is empty"
	}
	fakekit.WriteJSON(w, http.StatusOK, st)
}

func (s *Server) registerColorways(m string) {
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	s.handle("get"+m+"ColorwaySchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.masters[m].schema[q(r, "folderId")]; !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, colorwaySchema())
	})
	s.handle("get"+m+"SizeRangeSchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.masters[m].schema[q(r, "folderId")]; !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, sizeRangeSchema())
	})
	s.handle("list"+m+"FolderPages", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.masters[m].schema[r.PathValue("folderId")]; !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		out := beproductapi.PageList{}
		for _, pid := range pageOrder(m) {
			info := beproductapi.PageInfo{Id: pid}
			switch pid {
			case PageDetails:
				info.Title, info.Type = "Details", "Form"
			case PageBOM:
				info.Title, info.Type = "Bill of Materials", "Grid"
			case PageSizes:
				info.Title, info.Type = "Sizes", "List"
			default:
				info.Title, info.Type = pageTypes[pid][1], pageTypes[pid][0]
			}
			out = append(out, info)
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	deleteColorways := func(w http.ResponseWriter, h *beproductapi.Header, ids []string) {
		for _, id := range ids {
			if !slices.ContainsFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == id }) {
				refuse(w, "colorway %s not found", id)
				return
			}
		}
		h.Colorways = slices.DeleteFunc(h.Colorways, func(c beproductapi.Colorway) bool { return slices.Contains(ids, c.Id) })
		writeOK(w, "%d colorways deleted", len(ids))
	}
	s.handle("delete"+m+"Colorway", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if h := s.header(w, s.masters[m], r.PathValue("headerId")); h != nil {
			deleteColorways(w, h, []string{r.PathValue("colorwayId")})
		}
	})
	s.handle("delete"+m+"Colorways", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.ColorwayIdsRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if h := s.header(w, s.masters[m], r.PathValue("headerId")); h != nil {
			deleteColorways(w, h, req.ColorwayIds)
		}
	})
	s.handle("upload"+m+"ColorwayImage", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, s.masters[m], r.PathValue("headerId"))
		if h == nil {
			return
		}
		i := slices.IndexFunc(h.Colorways, func(c beproductapi.Colorway) bool {
			return (q(r, "colorId") != "" && c.Id == q(r, "colorId")) || (q(r, "colorNumber") != "" && c.ColorNumber == q(r, "colorNumber"))
		})
		if i < 0 {
			writeError(w, http.StatusNotFound, "colorway not found (give colorId or colorNumber)", nil)
			return
		}
		id := s.addUploadLocked(u)
		h.Colorways[i].Image = map[string]any{"preview": s.fileURLLocked(id) + "?width=1000", "origin": s.fileURLLocked(id)}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("move"+m+"Header", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.MoveRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters[m]
		h := s.header(w, ms, r.PathValue("headerId"))
		if h == nil {
			return
		}
		i := slices.IndexFunc(ms.folders, func(f beproductapi.Folder) bool { return f.Id == req.TargetFolderId })
		if i < 0 {
			refuse(w, "folder %s not found", req.TargetFolderId)
			return
		}
		h.Folder = beproductapi.FolderRef{Id: ms.folders[i].Id, Name: ms.folders[i].Name}
		if req.GenerateNewHeaderNumber != nil && *req.GenerateNewHeaderNumber {
			s.seq++
			applyFields(ms, h, []beproductapi.FieldUpdate{{Id: "header_number", Value: fmt.Sprintf("%s%d", prefixOf(m), 5000+s.seq)}})
		}
		h.ModifiedAt = s.now()
		writeOK(w, "moved")
	})
	s.handle("get"+m+"ImageProcessingStatus", func(w http.ResponseWriter, r *http.Request) { s.processingStatus(w, r.PathValue("imageId")) })
	s.handle("list"+m+"RequestPages", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.header(w, s.masters[m], q(r, "headerId")) == nil {
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.PageList{{Id: PageRequest, Title: "Sample Request", Type: "Form"}})
	})
	request := func(w http.ResponseWriter, r *http.Request) map[string][]beproductapi.Field {
		ms := s.masters[m]
		if s.header(w, ms, q(r, "headerId")) == nil {
			return nil
		}
		if q(r, "pageId") != PageRequest {
			writeError(w, http.StatusNotFound, "request page not found", nil)
			return nil
		}
		return ms.requests[q(r, "headerId")]
	}
	s.handle("get"+m+"RequestPage", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		forms := request(w, r)
		if forms == nil {
			return
		}
		form, ok := forms[q(r, "timelineId")]
		if !ok {
			form = forms[""] // a timeline without answers yet sees the template
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.Page{Id: PageRequest, HeaderId: q(r, "headerId"), Name: "Sample Request", Data: form})
	})
	s.handle("update"+m+"RequestPageForm", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FormUpdate
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		forms := request(w, r)
		if forms == nil {
			return
		}
		tl := q(r, "timelineId")
		form := slices.Clone(forms[tl])
		if form == nil {
			form = slices.Clone(forms[""])
		}
		forms[tl] = mergeFields(form, req)
		writeOK(w, "%d fields updated", len(req))
	})
}

func (s *Server) registerTags(m string) {
	s.handle("list"+m+"Tags", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := beproductapi.TagList{}
		for _, t := range s.tags {
			if t.master == m {
				out = append(out, t.Tag)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("create"+m+"Tag", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.TagWrite
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if slices.ContainsFunc(s.tags, func(t *tag) bool { return t.master == m && strings.EqualFold(t.Name, req.Name) }) {
			refuse(w, "a tag named %s exists", req.Name)
			return
		}
		t := &tag{master: m, Tag: beproductapi.Tag{Id: s.nextID(), Name: req.Name, Integration: deref(req.Integration),
			TagDate: s.now().Format(time.RFC3339), TagUsers: deref(req.ShareWith)}}
		s.tags = append(s.tags, t)
		writeOK(w, "tag %s created", t.Id)
	})
}

type tag struct {
	master string
	beproductapi.Tag
}
