package beproducttest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

// Seeded ids of the other resources.
const (
	DataTableID      = "e0000000-0000-4000-8000-000000000001"
	MasterDataField  = "season"
	LineSheetFolder  = "l0000000-0000-4000-8000-000000000001"
	LineSheetID      = "l0000000-0000-4000-8000-000000000010"
	ReportID         = "r0000000-0000-4000-8000-000000000001"
	AutonumberSeedID = "a0000000-0000-4000-8000-000000000001"
)

type dataTable struct {
	beproductapi.DataTable
	schema []beproductapi.SchemaField
	rows   []beproductapi.DataTableRow
}

func (s *Server) seedMore() {
	user := beproductapi.UserRef{Id: TestUserID, Name: "John Smith"}
	dt := &dataTable{DataTable: beproductapi.DataTable{Id: DataTableID, Name: "E1 Color Codes", Active: true, CreatedBy: user, CreatedAt: seedTime, ModifiedBy: user, ModifiedAt: seedTime},
		schema: []beproductapi.SchemaField{{FieldId: "e1_color_code", FieldName: "E1 COLOR CODE", FieldType: "Text", Active: true}, {FieldId: "e1_color_name", FieldName: "E1 COLOR NAME", FieldType: "Text", Active: true}}}
	for i, c := range []string{"Black", "White", "Navy"} {
		dt.rows = append(dt.rows, beproductapi.DataTableRow{Id: fmt.Sprintf("e0000000-0000-4000-8000-0000000001%02d", i),
			Fields:    []beproductapi.Field{{Id: "e1_color_code", Name: "E1 COLOR CODE", Type: "Text", Value: fmt.Sprintf("%03d", i+1)}, {Id: "e1_color_name", Name: "E1 COLOR NAME", Type: "Text", Value: c}},
			CreatedBy: user, CreatedAt: seedTime, ModifiedBy: user, ModifiedAt: seedTime})
	}
	s.dataTables = []*dataTable{dt, {DataTable: beproductapi.DataTable{Id: "e0000000-0000-4000-8000-000000000002", Name: "Size Scales", Active: true}}}
	s.masterData = map[string]*beproductapi.MasterDataField{
		MasterDataField: {FieldId: MasterDataField, FieldName: "Season", FieldType: "DropDown", Active: true, SyncAllFolders: true,
			MasterFolders: []string{"Style", "Material"}, Properties: choices("Spring 2026", "Fall 2026"), CreatedBy: user, CreatedAt: seedTime},
	}
	s.folderFields = map[string]*beproductapi.FolderField{}
	s.lineSheetFolders = []beproductapi.FolderRef{{Id: LineSheetFolder, Name: "SS26 Line Sheets"}}
	s.lineSheets = []beproductapi.Record{{"id": LineSheetID, "name": "SS26 Womens", "folderId": LineSheetFolder, "styles": []any{}}}
	s.reports = []beproductapi.Record{{"id": ReportID, "name": "Styles by season", "master": "Style", "groupBy": "season"}}
	s.autonumbers = []*autonumber{{Autonumber: beproductapi.Autonumber{Id: AutonumberSeedID, Name: "Style numbers", Template: "ST[00000]"}}}
	s.locks = map[string]time.Time{}
}

func (s *Server) registerMore() {
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }

	// Directory contacts.
	contact := func(id string) (*company, int) {
		for _, c := range s.companies {
			if i := slices.IndexFunc(c.contacts, func(x beproductapi.DirectoryContact) bool { return x.Id == id }); i >= 0 {
				return c, i
			}
		}
		return nil, -1
	}
	writeContact := func(dst *beproductapi.DirectoryContact, src beproductapi.DirectoryContactWrite) {
		set(&dst.Email, src.Email)
		set(&dst.Username, src.Username)
		set(&dst.FirstName, src.FirstName)
		set(&dst.LastName, src.LastName)
		set(&dst.Title, src.Title)
		set(&dst.MobilePhone, src.MobilePhone)
		set(&dst.WorkPhone, src.WorkPhone)
		set(&dst.Role, src.Role)
		set(&dst.Active, src.Active)
	}
	s.handle("getDirectoryContact", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c, i := contact(q(r, "contactId"))
		if c == nil {
			writeError(w, http.StatusNotFound, "contact not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, c.contacts[i])
	})
	s.handle("createDirectoryContact", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.DirectoryContactWrite
		if !decode(w, r, &req) {
			return
		}
		if deref(req.Email) == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"email": {"The email is required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.findCompany(r.PathValue("directoryId"))
		if c == nil {
			writeError(w, http.StatusNotFound, "directory record not found", nil)
			return
		}
		ct := beproductapi.DirectoryContact{Id: s.nextID(), Active: true, RegisterdOn: s.now().Format(time.RFC3339)}
		writeContact(&ct, req)
		c.contacts = append(c.contacts, ct)
		fakekit.WriteJSON(w, http.StatusOK, ct)
	})
	s.handle("updateDirectoryContact", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.DirectoryContactWrite
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c, i := contact(r.PathValue("contactId"))
		if c == nil || c.Id != r.PathValue("directoryId") {
			writeError(w, http.StatusNotFound, "contact not found", nil)
			return
		}
		writeContact(&c.contacts[i], req)
		writeOK(w, "contact updated")
	})

	// Users.
	s.handle("getUser", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.IndexFunc(s.users, func(u *user) bool { return u.Id == r.PathValue("userId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "user not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, s.users[i])
	})
	s.handle("getUserRole", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.IndexFunc(s.users, func(u *user) bool { return u.Id == r.PathValue("userId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "user not found", nil)
			return
		}
		j := slices.IndexFunc(s.roles, func(x role) bool { return x.RoleName == s.users[i].Role })
		if j < 0 {
			writeError(w, http.StatusNotFound, "the user has no role", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, s.roles[j])
	})

	s.registerTrackingMore()

	// DataTable.
	findTable := func(w http.ResponseWriter, r *http.Request) *dataTable {
		i := slices.IndexFunc(s.dataTables, func(d *dataTable) bool { return d.Id == r.PathValue("dataTableId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "data table not found", nil)
			return nil
		}
		return s.dataTables[i]
	}
	s.handle("listDataTables", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FilterRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var all []beproductapi.DataTable
		for _, d := range s.dataTables {
			all = append(all, d.DataTable)
		}
		out, err := filterList(all, deref(req.Filters))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.DataTablePage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
	})
	s.handle("getDataTableSchema", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if d := findTable(w, r); d != nil {
			fakekit.WriteJSON(w, http.StatusOK, orEmpty(d.schema))
		}
	})
	s.handle("listDataTableRows", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FilterRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		d := findTable(w, r)
		if d == nil {
			return
		}
		var out []beproductapi.DataTableRow
		for _, row := range d.rows {
			rec := map[string]any{"id": row.Id}
			for _, f := range row.Fields {
				rec[f.Id] = f.Value
			}
			ok, err := recordMatches(rec, deref(req.Filters))
			if err != nil {
				writeError(w, http.StatusBadRequest, err.Error(), nil)
				return
			}
			if ok {
				out = append(out, row)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.DataTableRowPage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
	})
	s.handle("updateDataTableRows", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.GridUpdate
		if !decode(w, r, &req) {
			return
		}
		if len(req) > 100 {
			writeError(w, http.StatusBadRequest, "at most 100 records may be written per request", nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		d := findTable(w, r)
		if d == nil {
			return
		}
		for _, x := range req {
			if id := deref(x.RowId); id != "" && !slices.ContainsFunc(d.rows, func(row beproductapi.DataTableRow) bool { return row.Id == id }) {
				writeError(w, http.StatusBadRequest, "row "+id+" not found", nil)
				return
			}
		}
		res := beproductapi.DataTableUpdateResult{Added: []string{}, Updated: []string{}, Deleted: []string{}}
		for _, x := range req {
			id := deref(x.RowId)
			switch {
			case id == "":
				nr := beproductapi.DataTableRow{Id: s.nextID(), Fields: toFields(deref(x.RowFields)), CreatedAt: s.now(), ModifiedAt: s.now()}
				d.rows = append(d.rows, nr)
				res.Added = append(res.Added, nr.Id)
			case x.DeleteRow != nil && *x.DeleteRow:
				d.rows = slices.DeleteFunc(d.rows, func(row beproductapi.DataTableRow) bool { return row.Id == id })
				res.Deleted = append(res.Deleted, id)
			default:
				i := slices.IndexFunc(d.rows, func(row beproductapi.DataTableRow) bool { return row.Id == id })
				d.rows[i].Fields = mergeFields(d.rows[i].Fields, deref(x.RowFields))
				d.rows[i].ModifiedAt = s.now()
				res.Updated = append(res.Updated, id)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, res)
	})
	s.handle("resetDataTable", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.EmptyRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if d := findTable(w, r); d != nil {
			d.rows = nil
			writeOK(w, "data table reset")
		}
	})

	// MasterData.
	s.handle("getMasterData", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		f := s.masterData[r.PathValue("fieldId")]
		if f == nil {
			writeError(w, http.StatusNotFound, "field not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, f)
	})
	applyMD := func(f *beproductapi.MasterDataField, req beproductapi.Record) {
		if v, ok := req["fieldName"].(string); ok {
			f.FieldName = v
		}
		if v, ok := req["fieldType"].(string); ok {
			f.FieldType = v
		}
		if v, ok := req["active"].(bool); ok {
			f.Active = v
		}
		if props, ok := req["properties"].(map[string]any); ok {
			f.Properties.Choices = props["Choices"]
		}
	}
	s.handle("createMasterData", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		id, _ := req["fieldId"].(string)
		if id == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"fieldId": {"The fieldId is required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.masterData[id] != nil {
			refuse(w, "field %s exists", id)
			return
		}
		f := &beproductapi.MasterDataField{FieldId: id, FieldType: "Text", Active: true, CreatedAt: s.now()}
		applyMD(f, req)
		s.masterData[id] = f
		writeOK(w, "field %s created", id)
	})
	s.handle("updateMasterData", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		f := s.masterData[r.PathValue("fieldId")]
		if f == nil {
			writeError(w, http.StatusNotFound, "field not found", nil)
			return
		}
		applyMD(f, req)
		f.ModifiedAt = s.now()
		writeOK(w, "field updated")
	})
	folderField := func(w http.ResponseWriter, r *http.Request) (string, *beproductapi.FolderField) {
		fid, id := r.PathValue("folderId"), r.PathValue("fieldId")
		for _, m := range masterNames {
			for _, sf := range s.masters[m].schema[fid] {
				if sf.FieldId == id {
					key := fid + "/" + id
					if f := s.folderFields[key]; f != nil {
						return key, f
					}
					return key, &beproductapi.FolderField{FieldId: sf.FieldId, FieldName: sf.FieldName, FieldType: sf.FieldType, Active: sf.Active, Properties: sf.Properties}
				}
			}
		}
		writeError(w, http.StatusNotFound, "folder field not found", nil)
		return "", nil
	}
	s.handle("getMasterDataFolderField", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, f := folderField(w, r); f != nil {
			fakekit.WriteJSON(w, http.StatusOK, f)
		}
	})
	s.handle("updateMasterDataFolderField", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		key, f := folderField(w, r)
		if f == nil {
			return
		}
		c := *f
		if v, ok := req["fieldName"].(string); ok {
			c.FieldName = v
		}
		if v, ok := req["active"].(bool); ok {
			c.Active = v
		}
		s.folderFields[key] = &c
		writeOK(w, "folder field updated")
	})

	s.registerInbox()

	// LineSheet.
	s.handle("listLineSheetFolders", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, slices.Clone(s.lineSheetFolders))
	})
	s.handle("listLineSheets", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := []beproductapi.Record{}
		for _, ls := range s.lineSheets {
			if f := q(r, "folderId"); f == "" || ls["folderId"] == f {
				out = append(out, ls)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	s.handle("getLineSheet", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.IndexFunc(s.lineSheets, func(x beproductapi.Record) bool { return x["id"] == r.PathValue("lineSheetId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "line sheet not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, s.lineSheets[i])
	})

	// Report.
	s.handle("listReports", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.RecordPage{Result: slices.Clone(s.reports), Total: int64(len(s.reports))})
	})
	report := func(w http.ResponseWriter, rep beproductapi.Record) {
		// A report groups the headers of its master by one field and counts
		// them.
		m, _ := rep["master"].(string)
		by, _ := rep["groupBy"].(string)
		ms := s.masters[m]
		if ms == nil || by == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"master": {"A master and a groupBy field are required."}})
			return
		}
		counts := map[string]int{}
		for _, id := range ms.order {
			h := ms.headers[id]
			if h.IsDeleted {
				continue
			}
			v, _ := headerValue(h, by)
			counts[text(v)]++
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		rows := []any{}
		for _, k := range keys {
			rows = append(rows, map[string]any{by: k, "count": counts[k]})
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.Record{"rows": rows, "total": len(rows)})
	}
	s.handle("getReportData", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		report(w, req)
	})
	s.handle("getReportDataById", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.IndexFunc(s.reports, func(x beproductapi.Record) bool { return x["id"] == r.PathValue("reportId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "report not found", nil)
			return
		}
		rep := beproductapi.Record{}
		for k, v := range s.reports[i] {
			rep[k] = v
		}
		for k, v := range req { // the body may override the saved settings
			rep[k] = v
		}
		report(w, rep)
	})
	s.handle("getReportFlatBom", s.flatBom)
}

func (s *Server) registerInbox() {
	findTask := func(w http.ResponseWriter, id string) *inboxTask {
		i := slices.IndexFunc(s.tasks, func(t *inboxTask) bool { return t.data["id"] == id })
		if i < 0 {
			writeError(w, http.StatusNotFound, "task not found", nil)
			return nil
		}
		return s.tasks[i]
	}
	findMessage := func(w http.ResponseWriter, id string) (*inboxTask, int) {
		for _, t := range s.tasks {
			if i := slices.IndexFunc(t.messages, func(m beproductapi.Record) bool { return m["id"] == id }); i >= 0 {
				return t, i
			}
		}
		writeError(w, http.StatusNotFound, "message not found", nil)
		return nil, -1
	}
	s.handle("listInboxTasks", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		mf := r.PathValue("masterFolder")
		if !slices.Contains(masterNames, mf) {
			writeError(w, http.StatusNotFound, "unknown master "+mf, nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var all []beproductapi.Record
		for _, t := range s.tasks {
			if t.data["masterFolder"] == mf && (req["status"] == nil || req["status"] == t.data["status"]) {
				all = append(all, t.data)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.RecordPage{Result: orEmpty(pageOf(all, r)), Total: int64(len(all))})
	})
	s.handle("getInboxTask", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTask(w, r.PathValue("taskId")); t != nil {
			fakekit.WriteJSON(w, http.StatusOK, t.data)
		}
	})
	s.handle("createInboxTask", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		title, _ := req["title"].(string)
		mf, _ := req["masterFolder"].(string)
		if title == "" || !slices.Contains(masterNames, mf) {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"title": {"A title and a masterFolder (Style, Material, …) are required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t := &inboxTask{data: beproductapi.Record{"id": s.nextID(), "status": "Open", "createdAt": s.now()}}
		for k, v := range req {
			t.data[k] = v
		}
		s.tasks = append(s.tasks, t)
		writeOK(w, "task %s created", t.data["id"])
	})
	s.handle("updateInboxTask", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTask(w, r.PathValue("taskId")); t != nil {
			for k, v := range req {
				if k != "id" {
					t.data[k] = v
				}
			}
			writeOK(w, "task updated")
		}
	})
	s.handle("deleteInboxTask", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTask(w, r.PathValue("taskId")); t != nil {
			s.tasks = slices.DeleteFunc(s.tasks, func(x *inboxTask) bool { return x == t })
			writeOK(w, "task deleted")
		}
	})
	s.handle("createInboxMessage", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		if b, _ := req["body"].(string); strings.TrimSpace(b) == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"body": {"The message body is required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTask(w, r.PathValue("taskId")); t != nil {
			msg := beproductapi.Record{"id": s.nextID(), "createdAt": s.now(), "createdBy": map[string]any{"id": TestUserID, "name": "John Smith"}}
			for k, v := range req {
				msg[k] = v
			}
			t.messages = append(t.messages, msg)
			writeOK(w, "message %s created", msg["id"])
		}
	})
	s.handle("listInboxMessages", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.EmptyRequest
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTask(w, r.PathValue("taskId")); t != nil {
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.RecordPage{Result: orEmpty(pageOf(t.messages, r)), Total: int64(len(t.messages))})
		}
	})
	s.handle("updateInboxMessage", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.Record
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t, i := findMessage(w, r.PathValue("messageId")); t != nil {
			for k, v := range req {
				if k != "id" {
					t.messages[i][k] = v
				}
			}
			writeOK(w, "message updated")
		}
	})
	s.handle("deleteInboxMessage", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t, i := findMessage(w, r.PathValue("messageId")); t != nil {
			t.messages = slices.Delete(t.messages, i, i+1)
			writeOK(w, "message deleted")
		}
	})
	s.handle("uploadInboxMessageAttachment", func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.readUpload(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t, i := findMessage(w, r.PathValue("messageId")); t != nil {
			id := s.addUploadLocked(u)
			atts, _ := t.messages[i]["attachments"].([]any)
			t.messages[i]["attachments"] = append(atts, map[string]any{"fileName": u.name, "fileSize": fmt.Sprint(u.size), "url": s.fileURLLocked(id)})
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.UploadResult{ImageId: id})
		}
	})
}

type inboxTask struct {
	data     beproductapi.Record
	messages []beproductapi.Record
}
