package beproducttest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

func (s *Server) registerStyle() {
	const m = "Style"
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	ms := func() *masterStore { return s.masters[m] }
	s.handle("copyStyleHeaderCarryOver", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.CarryOverRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		src := s.header(w, ms(), r.PathValue("headerId"))
		if src == nil {
			return
		}
		var fields []beproductapi.FieldUpdate
		for _, f := range src.HeaderData.Fields {
			fields = append(fields, beproductapi.FieldUpdate{Id: f.Id, Value: f.Value})
		}
		folder := beproductapi.Folder{Id: src.Folder.Id, Name: src.Folder.Name}
		h := s.addHeaderLocked(ms(), folder, s.now(), fields, nil)
		h.CopiedOrCarriedOverFrom = src.Id
		h.SizeRange, h.SizeClasses = slices.Clone(src.SizeRange), slices.Clone(src.SizeClasses)
		if req.SkipColorways == nil || !*req.SkipColorways {
			for _, c := range src.Colorways {
				c.Id = s.nextID()
				h.Colorways = append(h.Colorways, c)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.IdResult{Id: h.Id})
	})
	s.handle("linkStyleBlock", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.BlockLinkRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), r.PathValue("headerId"))
		if h == nil {
			return
		}
		b := s.masters["Block"].headers[req.BlockHeaderId]
		if b == nil || b.IsDeleted {
			refuse(w, "block %s not found", req.BlockHeaderId)
			return
		}
		// The style takes the block's size classes (the same ids [3rd]),
		// or the ones sent.
		h.SizeClasses = slices.Clone(b.HeaderData.SizeClasses)
		if req.SizeClasses != nil {
			h.SizeClasses = sizeClasses(*req.SizeClasses, s.nextID)
		}
		ms().blocks[h.Id] = b.Id
		writeOK(w, "block linked")
	})
	s.handle("unlinkStyleBlock", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), r.PathValue("headerId"))
		if h == nil {
			return
		}
		if _, ok := ms().blocks[h.Id]; !ok {
			refuse(w, "the style has no block")
			return
		}
		delete(ms().blocks, h.Id)
		writeOK(w, "block unlinked")
	})
	s.handle("listStyleSetsWhereUsed", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		id := r.PathValue("headerId")
		if s.header(w, ms(), id) == nil {
			return
		}
		out := []beproductapi.Record{}
		for _, hid := range ms().order {
			if p := ms().pages[hid][PageSets]; p != nil && !ms().headers[hid].IsDeleted {
				for _, it := range p.items {
					if it["headerId"] == id {
						out = append(out, beproductapi.Record{"headerId": hid, "headerNumber": ms().headers[hid].HeaderNumber, "pageId": PageSets})
						break
					}
				}
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("createStyleSkus", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.EmptyRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "SKU")
		if p == nil {
			return
		}
		h := ms().headers[r.PathValue("headerId")]
		if len(h.Colorways) == 0 || len(h.SizeRange) == 0 {
			refuse(w, "the style needs colorways and sizes to generate SKUs")
			return
		}
		p.items = nil
		for _, c := range h.Colorways {
			for _, sz := range h.SizeRange {
				p.items = append(p.items, beproductapi.Record{"id": s.nextID(), "colorwayId": c.Id, "size": sz.Name,
					"sku": fmt.Sprintf("%s-%s-%s", h.HeaderNumber, c.ColorNumber, sz.Name)})
			}
		}
		writeOK(w, "%d SKUs generated", len(p.items))
	})
	records := func(op, kind string) {
		s.handle(op, func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.RecordList
			if !decode(w, r, &req) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := s.page(w, ms(), q(r, "headerId"), q(r, "pageId"), kind)
			if p == nil {
				return
			}
			p.items = upsertRecords(p.items, req, "id", s.nextID)
			writeOK(w, "%d records written", len(req))
		})
	}
	records("updateStylePageSku", "SKU")
	records("updateStylePageSets", "Sets")
	records("updateStylePageLinkPages", "LinkPages")
	records("updateStylePageTextList", "TextList")
	s.handle("updateStylePageCbom", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.RecordList
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, ms(), q(r, "headerId"), q(r, "pageId"), "BOM")
		if p == nil {
			return
		}
		p.items = upsertRecords(p.items, req, "rowId", s.nextID)
		writeOK(w, "%d rows written", len(req))
	})
	s.handle("updateStylePageTextEditor", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.TextEditorRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if p := s.page(w, ms(), q(r, "headerId"), q(r, "pageId"), "TextList"); p != nil {
			p.text = req.EditorData
			writeOK(w, "text saved")
		}
	})
	s.handle("resetStyleCbom", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.EmptyRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "BOM"); p != nil {
			p.items = nil
			writeOK(w, "BOM reset")
		}
	})
	s.handle("deleteStyleCbomItem", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, ms(), q(r, "headerId"), q(r, "pageId"), "BOM")
		if p == nil {
			return
		}
		n := len(p.items)
		p.items = slices.DeleteFunc(p.items, func(x beproductapi.Record) bool { return x["rowId"] == q(r, "rowId") })
		if len(p.items) == n {
			refuse(w, "row %s not found", q(r, "rowId"))
			return
		}
		writeOK(w, "row deleted")
	})
	s.handle("updateStylePageBomDetails", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.BomDetailsRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "BOMDetails"); p != nil {
			p.items = slices.Clone(req.Materials)
			writeOK(w, "%d materials written", len(req.Materials))
		}
	})
	s.handle("getRequestPageSchema", func(w http.ResponseWriter, r *http.Request) {
		if q(r, "pageId") != PageRequest {
			writeError(w, http.StatusNotFound, "request page not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.PageSchema{
			{FieldId: "request_status", FieldName: "Request Status", FieldType: "DropDown", Properties: choices("Open", "Closed")},
			{FieldId: "due_date", FieldName: "Due Date", FieldType: "Date"},
		})
	})
	s.handle("uploadStyleTurntable", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), r.PathValue("headerId"))
		if h == nil {
			return
		}
		id := s.addUploadLocked(u)
		if q(r, "replaceImages") == "true" {
			ms().turntables[h.Id] = nil
		}
		ms().turntables[h.Id] = append(ms().turntables[h.Id], id)
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("assignStyleArtboardImage", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		// Assumption: the body names the style (headerId) and the upload
		// (imageId); the fake sets that image as the style's front image.
		hid, _ := req["headerId"].(string)
		iid, _ := req["imageId"].(string)
		h := s.header(w, ms(), hid)
		if h == nil {
			return
		}
		if s.uploads[iid] == nil {
			refuse(w, "no upload %s", iid)
			return
		}
		h.HeaderData.FrontImage = beproductapi.ImageRef{Preview: s.fileURLLocked(iid) + "?width=1000", Origin: s.fileURLLocked(iid)}
		writeOK(w, "artboard assigned")
	})
	raw := func(op, kind string, reset bool) {
		s.handle(op, func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.Record
			if !decode(w, r, &req) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), kind); p != nil {
				if reset {
					p.raw = nil
				} else {
					p.raw = req
				}
				writeOK(w, "saved")
			}
		})
	}
	raw("updateStylePageMultiMeasurements", "MultiMeasurements", false)
	raw("resetStylePageMultiMeasurements", "MultiMeasurements", true)
	version := func(w http.ResponseWriter, r *http.Request) (*pageData, *version3d) {
		p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "3DStyle")
		if p == nil {
			return nil, nil
		}
		i := slices.IndexFunc(p.versions, func(v *version3d) bool { return v.ID == r.PathValue("versionId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "3D version not found", nil)
			return nil, nil
		}
		return p, p.versions[i]
	}
	s.handle("createStyle3dVersion", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Version3dRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "3DStyle")
		if p == nil {
			return
		}
		v := &version3d{ID: s.nextID(), Name: req.VersionName, Previews: map[string]string{}}
		if req.CopyVersionId != nil {
			i := slices.IndexFunc(p.versions, func(x *version3d) bool { return x.ID == *req.CopyVersionId })
			if i < 0 {
				refuse(w, "version %s not found", *req.CopyVersionId)
				return
			}
			src := p.versions[i]
			v.Data, v.WorkingFile = src.Data, src.WorkingFile
			for k, x := range src.Previews {
				v.Previews[k] = x
			}
		}
		p.versions = append(p.versions, v)
		writeOK(w, "version %s created", v.ID)
	})
	s.handle("deleteStyle3dVersion", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if p, v := version(w, r); v != nil {
			p.versions = slices.DeleteFunc(p.versions, func(x *version3d) bool { return x == v })
			writeOK(w, "version deleted")
		}
	})
	s.handle("updateStyle3dVersion", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, v := version(w, r); v != nil {
			if n, ok := req["versionName"].(string); ok {
				v.Name = n
			}
			v.Data = req
			writeOK(w, "version updated")
		}
	})
	s.handle("uploadStyle3dWorkingFile", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, v := version(w, r); v != nil {
			id := s.addUploadLocked(u)
			v.WorkingFile = s.fileURLLocked(id)
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
		}
	})
	s.handle("uploadStyle3dPreview", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_, v := version(w, r)
		if v == nil {
			return
		}
		h := ms().headers[r.PathValue("headerId")]
		if !slices.ContainsFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == r.PathValue("colorwayId") }) {
			writeError(w, http.StatusNotFound, "colorway not found", nil)
			return
		}
		id := s.addUploadLocked(u)
		v.Previews[r.PathValue("colorwayId")] = s.fileURLLocked(id)
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("submitStyleSampleRequest", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if p := s.page(w, ms(), r.PathValue("headerId"), r.PathValue("pageId"), "SampleRequestMulti"); p != nil {
			sub := beproductapi.Record{"id": s.nextID(), "timelineId": q(r, "timelineId"), "submittedAt": s.now()}
			for k, v := range req {
				sub[k] = v
			}
			p.submits = append(p.submits, sub)
			writeOK(w, "submit %s added", sub["id"])
		}
	})
	s.handle("updateStyleSampleSize", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.SampleSizeRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), r.PathValue("headerId"))
		if h == nil {
			return
		}
		i := slices.IndexFunc(h.SizeClasses, func(c beproductapi.SizeClass) bool { return c.Id == r.PathValue("sizeClassId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "size class not found", nil)
			return
		}
		sc := &h.SizeClasses[i]
		if !slices.ContainsFunc(sc.Sizes, func(z beproductapi.Size) bool { return z.Name == req.NewSampleSize }) {
			refuse(w, "size class %s has no size %s", sc.Name, req.NewSampleSize)
			return
		}
		for j := range sc.Sizes {
			sc.Sizes[j].IsSampleSize = sc.Sizes[j].Name == req.NewSampleSize
		}
		writeOK(w, "sample size set")
	})
	s.handle("getStyleFlatBom", s.flatBom)
}

// flatBom answers a flat BOM: the colorway-BOM rows of the styles named by
// headerIds (Assumption: the query's shape; the SDKs pass it through).
func (s *Server) flatBom(w http.ResponseWriter, r *http.Request) {
	var req beproductapi.Record
	if !decode(w, r, &req) {
		return
	}
	ids, ok := req["headerIds"].([]any)
	if !ok {
		writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"headerIds": {"A list of style ids is required."}})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.masters["Style"]
	rows := []any{}
	for _, x := range ids {
		id, _ := x.(string)
		h := ms.headers[id]
		if h == nil || h.IsDeleted {
			continue
		}
		for _, it := range ms.pages[id][PageCBOM].items {
			row := beproductapi.Record{"headerId": id, "headerNumber": h.HeaderNumber}
			for k, v := range it {
				row[k] = v
			}
			rows = append(rows, row)
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, beproductapi.Record{"rows": rows, "total": len(rows)})
}

// upsertRecords changes the records whose key matches and adds the others
// (with a fresh key).
func upsertRecords(cur, in []beproductapi.Record, key string, id func() string) []beproductapi.Record {
	for _, rec := range in {
		k, _ := rec[key].(string)
		if i := slices.IndexFunc(cur, func(x beproductapi.Record) bool { return k != "" && x[key] == k }); i >= 0 {
			for f, v := range rec {
				cur[i][f] = v
			}
			continue
		}
		n := beproductapi.Record{}
		for f, v := range rec {
			n[f] = v
		}
		if k == "" {
			n[key] = id()
		}
		cur = append(cur, n)
	}
	return cur
}

func (s *Server) registerMaterial() {
	const m = "Material"
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	asset := func(op, slot string) {
		s.handle(op, func(w http.ResponseWriter, r *http.Request) {
			u, ok := s.readUpload(w, r)
			if !ok {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			ms := s.masters[m]
			p := s.page(w, ms, q(r, "materialId"), q(r, "pageId"), "Material3D")
			if p == nil {
				return
			}
			h := ms.headers[q(r, "materialId")]
			cw := q(r, "colorwayId")
			if !slices.ContainsFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == cw }) {
				writeError(w, http.StatusNotFound, "colorway not found", nil)
				return
			}
			id := s.addUploadLocked(u)
			if p.raw == nil {
				p.raw = beproductapi.Record{}
			}
			cws, _ := p.raw["colorways"].(map[string]any)
			if cws == nil {
				cws = map[string]any{}
				p.raw["colorways"] = cws
			}
			entry, _ := cws[cw].(map[string]any)
			if entry == nil {
				entry = map[string]any{}
				cws[cw] = entry
			}
			entry[slot] = s.fileURLLocked(id)
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
		})
	}
	asset("uploadMaterial3dAsset", "asset")
	asset("uploadMaterial3dPreview", "preview")
	asset("uploadMaterial3dFrontTexture", "frontTexture")
	asset("uploadMaterial3dBackTexture", "backTexture")
	s.handle("updateMaterial3dPage", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.page(w, s.masters[m], q(r, "materialId"), q(r, "pageId"), "Material3D")
		if p == nil {
			return
		}
		if p.raw == nil {
			p.raw = beproductapi.Record{}
		}
		for k, v := range req {
			p.raw[k] = v
		}
		writeOK(w, "saved")
	})
}

func (s *Server) registerColor() {
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	s.handle("getColorChipSchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.masters["Color"].schema[q(r, "folderId")]; !ok {
			writeError(w, http.StatusNotFound, "folder not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, []beproductapi.SchemaField{
			{FieldId: "color_number", FieldName: "Color Number", FieldType: "Text", Required: true, Active: true},
			{FieldId: "color_name", FieldName: "Color Name", FieldType: "Text", Active: true},
			{FieldId: "hex", FieldName: "Hex", FieldType: "Text", Active: true},
		})
	})
	s.handle("listCompanyColors", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FilterRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		ms := s.masters["Color"]
		var all []beproductapi.PaletteColor
		for _, id := range ms.order {
			if h := ms.headers[id]; !h.IsDeleted {
				all = append(all, h.HeaderData.Colors.Colors...)
			}
		}
		out, err := filterList(all, deref(req.Filters))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.PaletteColorPage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
	})
}

func (s *Server) registerBlock() {
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	ms := func() *masterStore { return s.masters["Block"] }
	sizeClass := func(h *beproductapi.Header, key string) *beproductapi.SizeClass {
		for i := range h.HeaderData.SizeClasses {
			if sc := &h.HeaderData.SizeClasses[i]; sc.Id == key || strings.EqualFold(sc.Name, key) {
				return sc
			}
		}
		return nil
	}
	s.handle("uploadBlockSizeClass3dAsset", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), q(r, "headerId"))
		if h == nil {
			return
		}
		sc := sizeClass(h, q(r, "sizeClass"))
		if sc == nil {
			writeError(w, http.StatusNotFound, "size class not found", nil)
			return
		}
		id := s.addUploadLocked(u)
		key := h.Id + "/" + sc.Id
		ms().assets[key] = append(ms().assets[key], beproductapi.Record{"imageId": id, "fileName": u.name, "url": s.fileURLLocked(id)})
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
	})
	s.handle("getBlockSizeClassAssets", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		h := s.header(w, ms(), r.PathValue("headerId"))
		if h == nil {
			return
		}
		sc := sizeClass(h, r.PathValue("sizeClassId"))
		if sc == nil {
			writeError(w, http.StatusNotFound, "size class not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, orEmpty(ms().assets[h.Id+"/"+sc.Id]))
	})
	s.handle("getBlockImageProcessingStatus", func(w http.ResponseWriter, r *http.Request) { s.processingStatus(w, r.PathValue("imageId")) })
}
