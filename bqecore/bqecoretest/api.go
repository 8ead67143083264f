package bqecoretest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oasuite/sdk/internal/fakekit"
)

const (
	defaultPageSize = 25
	maxPageSize     = 1000
)

// routes registers a handler for every operation of the spec.
func (s *Server) routes() {
	for _, d := range resources {
		kind := d.path
		s.val.HandleFunc("list"+d.plural, func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.data.cols[kind].List()) })
		s.val.HandleFunc("get"+d.singular, func(w http.ResponseWriter, r *http.Request) { s.get(w, r, kind) })
		s.val.HandleFunc("create"+d.singular, func(w http.ResponseWriter, r *http.Request) { s.create(w, r, kind) })
		s.val.HandleFunc("update"+d.singular, func(w http.ResponseWriter, r *http.Request) { s.update(w, r, kind) })
		s.val.HandleFunc("delete"+d.singular, func(w http.ResponseWriter, r *http.Request) { s.delete(w, r, kind, d.singular) })
		if d.patch {
			s.val.HandleFunc("patch"+d.singular, func(w http.ResponseWriter, r *http.Request) { s.patch(w, r, kind) })
		}
	}
	s.val.HandleFunc("listProjectResources", s.projectResources)
	s.val.HandleFunc("listProjectActivities", s.projectActivities)
	s.val.HandleFunc("createProjectBatch", func(w http.ResponseWriter, r *http.Request) { s.batch(w, r, "project") })
	s.val.HandleFunc("createTimeEntryBatch", func(w http.ResponseWriter, r *http.Request) { s.batch(w, r, "timeentry") })
	for op, kind := range map[string]string{"createDocumentBatch": "document", "createProspectBatch": "crm/prospect",
		"createEmployeeBenefitBatch": "hr/employeebenefit", "createEmployeeBenefitUsageBatch": "hr/employeebenefitusage"} {
		s.val.HandleFunc(op, func(w http.ResponseWriter, r *http.Request) { s.batch(w, r, kind) })
	}
	s.val.HandleFunc("getDocumentUri", s.documentURI)
	s.val.HandleFunc("listResourceScheduleWeek", s.scheduleWeek)
	s.val.HandleFunc("queryAccounts", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.data.cols["account"].List()) })
	s.val.HandleFunc("getCompany", func(w http.ResponseWriter, r *http.Request) {
		fakekit.WriteJSON(w, http.StatusOK, project(clone(s.data.company), r.URL.Query().Get("fields")))
	})
	s.val.HandleFunc("listResourceSchedules", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.data.cols["resourceschedule"].List()) })
	s.val.HandleFunc("getResourceSchedule", func(w http.ResponseWriter, r *http.Request) { s.get(w, r, "resourceschedule") })
	s.val.HandleFunc("listAccounts", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.data.cols["account"].List()) })
	s.val.HandleFunc("getAccount", func(w http.ResponseWriter, r *http.Request) { s.get(w, r, "account") })
	s.val.HandleFunc("createAccount", func(w http.ResponseWriter, r *http.Request) { s.create(w, r, "account") })
	s.val.HandleFunc("listDeletedHistory", func(w http.ResponseWriter, r *http.Request) { s.list(w, r, s.data.cols["deletedhistory"].List()) })
	s.val.HandleFunc("getHealth", func(w http.ResponseWriter, _ *http.Request) {
		fakekit.WriteJSON(w, http.StatusOK, map[string]any{"status": "Healthy"})
	})
	s.val.HandleFunc("getVersion", func(w http.ResponseWriter, _ *http.Request) {
		fakekit.WriteJSON(w, http.StatusOK, map[string]any{"version": "1.0-fake"})
	})
}

// list answers one page of recs after where, orderBy, fields and expand.
func (s *Server) list(w http.ResponseWriter, r *http.Request, recs []Record) {
	q := r.URL.Query()
	fields := q.Get("fields")
	if strings.Contains(strings.ToUpper(fields), "COUNT(") {
		writeError(w, http.StatusBadRequest, "Assumption: the fake does not implement COUNT(*).")
		return
	}
	n, size := 0, defaultPageSize
	if p := q.Get("page"); p != "" {
		a, b, _ := strings.Cut(p, ",")
		n, _ = strconv.Atoi(a)
		size, _ = strconv.Atoi(b)
		if size < 1 || size > maxPageSize {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("Page size must be between 1 and %d.", maxPageSize))
			return
		}
	}
	where, err := parseWhere(q.Get("where"))
	if err != nil {
		writeError(w, http.StatusBadRequest, sentence(err))
		return
	}
	var out []Record
	for _, rec := range recs {
		if where(rec) {
			out = append(out, clone(rec))
		}
	}
	orderBy := q.Get("orderBy")
	if orderBy == "" {
		orderBy = q.Get("orderby") // the samples' spelling
	}
	if err := sortRecords(out, orderBy); err != nil {
		writeError(w, http.StatusBadRequest, sentence(err))
		return
	}
	start := n * size
	if start >= len(out) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	page := out[start:min(start+size, len(out))]
	expandCF := slices.ContainsFunc(strings.Split(q.Get("expand"), ","), func(e string) bool {
		return strings.EqualFold(strings.TrimSpace(e), "customFields")
	})
	for i, rec := range page {
		if !expandCF {
			delete(rec, "customFields")
		}
		page[i] = project(rec, fields)
	}
	fakekit.WriteJSON(w, http.StatusOK, page)
}

// sentence turns an error into a CORE-style message ("Invalid …").
func sentence(err error) string {
	m := err.Error()
	return strings.ToUpper(m[:1]) + m[1:]
}

// project keeps only the named fields (and id); "" or "*" keeps all.
func project(rec Record, fields string) Record {
	fields = strings.TrimSpace(fields)
	if fields == "" || fields == "*" {
		return rec
	}
	keep := map[string]bool{"id": true}
	for _, f := range strings.Split(fields, ",") {
		keep[strings.ToLower(strings.TrimSpace(f))] = true
	}
	for k := range rec {
		if !keep[strings.ToLower(k)] {
			delete(rec, k)
		}
	}
	return rec
}

var condRE = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9]*)\s*(=|!=|<>|>=|<=|>|<)\s*('(?:[^']|'')*'|[-0-9.]+|true|false|null)\s*$`)

// parseWhere reads the simple expressions the fake understands: conditions
// "field op value" (op one of = != <> > >= < <=; value a 'quoted string', a
// number, true, false or null) joined with "and".
func parseWhere(expr string) (func(Record) bool, error) {
	if strings.TrimSpace(expr) == "" {
		return func(Record) bool { return true }, nil
	}
	var conds []func(Record) bool
	for _, part := range regexp.MustCompile(`(?i)\s+and\s+`).Split(expr, -1) {
		m := condRE.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("invalid where clause: %q", part)
		}
		field, op, lit := m[1], m[2], m[3]
		var want any
		switch {
		case strings.HasPrefix(lit, "'"):
			want = strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
		case lit == "true", lit == "false":
			want = lit == "true"
		case lit == "null":
			want = nil
		default:
			f, err := strconv.ParseFloat(lit, 64)
			if err != nil {
				return nil, fmt.Errorf("invalid number in where clause: %q", lit)
			}
			want = f
		}
		conds = append(conds, func(rec Record) bool {
			got := lookup(rec, field)
			c, ok := compare(got, want)
			switch op {
			case "=":
				return ok && c == 0
			case "!=", "<>":
				return !ok || c != 0
			case ">":
				return ok && c > 0
			case ">=":
				return ok && c >= 0
			case "<":
				return ok && c < 0
			default:
				return ok && c <= 0
			}
		})
	}
	return func(rec Record) bool {
		for _, c := range conds {
			if !c(rec) {
				return false
			}
		}
		return true
	}, nil
}

// lookup finds a field case-insensitively.
func lookup(rec Record, field string) any {
	if v, ok := rec[field]; ok {
		return v
	}
	for k, v := range rec {
		if strings.EqualFold(k, field) {
			return v
		}
	}
	return nil
}

// compare orders two JSON values of the same kind (strings case-insensitively).
func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(strings.ToLower(x), strings.ToLower(y)), true
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0, true
			}
			if !x {
				return -1, true
			}
			return 1, true
		}
	case nil:
		return 0, b == nil
	}
	return 0, false
}

// sortRecords sorts by "field [asc|desc], …".
func sortRecords(recs []Record, orderBy string) error {
	if strings.TrimSpace(orderBy) == "" {
		return nil
	}
	type key struct {
		field string
		desc  bool
	}
	var keys []key
	for _, p := range strings.Split(orderBy, ",") {
		f := strings.Fields(p)
		if len(f) == 0 || len(f) > 2 || len(f) == 2 && !strings.EqualFold(f[1], "asc") && !strings.EqualFold(f[1], "desc") {
			return fmt.Errorf("invalid orderBy: %q", p)
		}
		keys = append(keys, key{f[0], len(f) == 2 && strings.EqualFold(f[1], "desc")})
	}
	slices.SortStableFunc(recs, func(a, b Record) int {
		for _, k := range keys {
			c, ok := compare(lookup(a, k.field), lookup(b, k.field))
			if !ok {
				continue
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return nil
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, kind string) {
	rec, ok := s.data.cols[kind].Get(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, project(clone(rec), r.URL.Query().Get("fields")))
}

func readRecord(r *http.Request) (Record, error) {
	var rec Record
	if err := fakekit.ReadJSON(r, 0, &rec); err != nil {
		return nil, err
	}
	for _, f := range serverFields {
		delete(rec, f)
	}
	return rec, nil
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, kind string) {
	rec, err := readRecord(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	out := s.data.put(kind, s.data.cols[kind].NewID(), rec)
	fakekit.WriteJSON(w, http.StatusCreated, out)
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, kind string) {
	id := r.PathValue("id")
	old, ok := s.data.cols[kind].Get(id)
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	rec, err := readRecord(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	out, err := s.data.cols[kind].Update(id, func(v *Record) error {
		if pickLists[kind] {
			rec["id"] = id
			*v = rec
			return nil
		}
		rec["id"], rec["createdOn"], rec["createdById"] = id, old["createdOn"], old["createdById"]
		rec["version"] = s.data.nextVersion()
		rec["lastUpdated"], rec["lastUpdatedById"] = s.data.stamp(), TestUserID
		rec["objectState"], rec["token"] = 0, 0
		*v = rec
		return nil
	})
	if err != nil {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, clone(out))
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, kind, entity string) {
	id := r.PathValue("id")
	if !s.data.cols[kind].Delete(id) {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	hist := s.data.cols["deletedhistory"]
	hid := hist.NewID()
	hist.Put(hid, Record{"id": hid, "entityId": id, "entity": entity, "deletedOn": s.data.stamp(), "deletedById": TestUserID})
	w.WriteHeader(http.StatusNoContent)
}

// errConflict is the PATCH answer to a stale version.
type errConflict struct{}

func (errConflict) Error() string {
	return "The record was changed by someone else: send the latest version."
}

func (s *Server) patch(w http.ResponseWriter, r *http.Request, kind string) {
	var body struct {
		Document []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"Document"`
		Version string `json:"version"`
	}
	if err := fakekit.ReadJSON(r, 0, &body); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	var badPath string
	out, err := s.data.cols[kind].Update(r.PathValue("id"), func(v *Record) error {
		if (*v)["version"] != body.Version {
			return errConflict{}
		}
		next := clone(*v)
		for _, op := range body.Document {
			segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
			field := segs[0]
			if !strings.HasPrefix(op.Path, "/") || field == "" || slices.Contains(serverFields, field) ||
				len(segs) > 1 && field != "customFields" {
				badPath = op.Path
				return io.EOF
			}
			if _, isObj := next[field].(map[string]any); isObj && field != "customFields" {
				badPath = op.Path
				return io.EOF
			}
			var val any
			if len(op.Value) > 0 {
				if err := json.Unmarshal(op.Value, &val); err != nil {
					badPath = op.Path
					return io.EOF
				}
			}
			if _, isObj := val.(map[string]any); isObj && field != "customFields" {
				badPath = op.Path
				return io.EOF
			}
			if err := applyOp(next, op.Op, segs, val); err != nil {
				badPath = op.Path
				return io.EOF
			}
		}
		next["version"] = s.data.nextVersion()
		next["lastUpdated"], next["lastUpdatedById"] = s.data.stamp(), TestUserID
		*v = next
		return nil
	})
	switch {
	case err == nil:
		fakekit.WriteJSON(w, http.StatusOK, clone(out))
	case err == io.EOF:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Cannot patch %q: only top-level fields and customFields can be patched.", badPath))
	case errors.Is(err, fakekit.ErrNotFound):
		writeError(w, http.StatusNotFound, "Record not found.")
	default:
		writeError(w, http.StatusConflict, err.Error())
	}
}

// applyOp applies one JSON-Patch operation to a top-level field or to
// customFields/<index>[/value].
func applyOp(rec Record, op string, segs []string, val any) error {
	if len(segs) == 1 {
		switch op {
		case "replace", "add":
			rec[segs[0]] = val
		case "remove":
			delete(rec, segs[0])
		}
		return nil
	}
	list, _ := rec["customFields"].([]any)
	i, err := strconv.Atoi(segs[1])
	if err != nil || i < 0 || i >= len(list) || len(segs) > 3 {
		return fmt.Errorf("bad customFields index")
	}
	if len(segs) == 3 {
		cf, ok := list[i].(map[string]any)
		if !ok {
			return fmt.Errorf("bad custom field")
		}
		cf[segs[2]] = val
		return nil
	}
	if op == "remove" {
		rec["customFields"] = slices.Delete(list, i, i+1)
		return nil
	}
	list[i] = val
	return nil
}

func (s *Server) batch(w http.ResponseWriter, r *http.Request, kind string) {
	var recs []Record
	if err := fakekit.ReadJSON(r, 0, &recs); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON body.")
		return
	}
	out := make([]Record, 0, len(recs))
	for _, rec := range recs {
		for _, f := range serverFields {
			delete(rec, f)
		}
		out = append(out, s.data.put(kind, s.data.cols[kind].NewID(), rec))
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

// projectEntries returns the time entries on a project or its phases, or false
// when the project does not exist.
func (s *Server) projectEntries(id string) ([]Record, bool) {
	if _, ok := s.data.cols["project"].Get(id); !ok {
		return nil, false
	}
	ids := map[string]bool{id: true}
	for _, p := range s.data.cols["project"].List() {
		if p["parentId"] == id {
			ids[p["id"].(string)] = true
		}
	}
	return s.data.cols["timeentry"].Filter(func(t Record) bool {
		pid, _ := t["projectId"].(string)
		return ids[pid]
	}), true
}

func (s *Server) projectResources(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	entries, ok := s.projectEntries(id)
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	seen := map[string]bool{}
	out := []Record{}
	add := func(rid string) {
		if rid == "" || seen[rid] {
			return
		}
		seen[rid] = true
		e, ok := s.data.cols["employee"].Get(rid)
		if !ok {
			return
		}
		out = append(out, Record{"id": seedID("prjres", len(out)+1), "resourceId": rid, "name": e["displayName"], "type": 0,
			"billRate": e["billRate"], "costRate": e["costRate"]})
	}
	if p, ok := s.data.cols["project"].Get(id); ok {
		mid, _ := p["managerId"].(string)
		add(mid)
	}
	for _, t := range entries {
		rid, _ := t["resourceId"].(string)
		add(rid)
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) projectActivities(w http.ResponseWriter, r *http.Request) {
	entries, ok := s.projectEntries(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	seen := map[string]bool{}
	out := []Record{}
	for _, t := range entries {
		aid, _ := t["activityId"].(string)
		if seen[aid] {
			continue
		}
		seen[aid] = true
		if a, ok := s.data.cols["activity"].Get(aid); ok {
			out = append(out, clone(a))
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

// documentURI answers a document's link as a JSON string: its "url" field,
// or a link on the fake when the record has none. Ask with Accept: text/plain
// only to get it as plain text.
func (s *Server) documentURI(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.data.cols["document"].Get(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "Record not found.")
		return
	}
	link, _ := rec["url"].(string)
	if link == "" {
		link = fakekit.Origin(r) + "/files/" + r.PathValue("id")
	}
	if accept := r.Header.Get("Accept"); strings.Contains(accept, "text/plain") && !strings.Contains(accept, "json") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, link)
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, link)
}

// scheduleWeek lists the resource schedules that overlap the current week
// (Monday to Sunday, by the fake's clock), then applies the list parameters.
func (s *Server) scheduleWeek(w http.ResponseWriter, r *http.Request) {
	now := s.data.now().UTC()
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	from, to := start.Format(timeLayout), start.AddDate(0, 0, 7).Format(timeLayout)
	week := s.data.cols["resourceschedule"].Filter(func(rec Record) bool {
		sd, _ := rec["startDate"].(string)
		ed, _ := rec["endDate"].(string)
		if ed == "" {
			ed = sd
		}
		return sd < to && ed >= from
	})
	s.list(w, r, week)
}
