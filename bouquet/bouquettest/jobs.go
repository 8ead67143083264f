package bouquettest

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

// jobState is how far a job has got: each read advances it one poll.
type jobState struct{ polls int }

const (
	statusPending = "PENDING"
	statusRunning = "RUNNING"
	statusDone    = "DONE"
)

func jobKey(k *kind, project, id string) string { return k.name + "/" + project + "/" + id }

// advance counts one read of a job and returns its status: steps reads in
// PENDING, steps in RUNNING, then DONE.
func (s *Server) advance(k *kind, project, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.jobs[jobKey(k, project, id)]
	if st == nil {
		return statusDone
	}
	st.polls++
	return s.statusLocked(st)
}

func (s *Server) statusLocked(st *jobState) string {
	switch {
	case st.polls < s.cfg.steps:
		return statusPending
	case st.polls < 2*s.cfg.steps:
		return statusRunning
	default:
		return statusDone
	}
}

// computingInProgress is Bouquet's ComputingInProgressAPIException: HTTP 200,
// Retry-After, the exception as the body.
func (s *Server) computingInProgress(w http.ResponseWriter, queryID string) {
	secs := int(math.Ceil(s.cfg.retryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	fakekit.WriteJSON(w, http.StatusOK, obj{
		"code": 200, "type": "ComputingInProgressAPIException", "error": "Computing in progress",
		"apiError": "COMPUTING_IN_PROGRESS", "queryID": queryID, "retryAfter": secs, "suppressed": []any{},
	})
}

func (s *Server) jobRoutes() {

	s.handle("listAnalysisJobs", s.authed(s.listOf(kAnalysis)))
	s.handle("createAnalysisJob", s.authed(s.createJob(kAnalysis)))
	s.handle("getAnalysisJob", s.authed(s.getAnalysisJobOrFile))
	s.handle("deleteAnalysisJob", s.authed(s.deleteJob(kAnalysis)))
	s.handle("getAnalysisJobResults", s.authed(s.getAnalysisJobResults))
	s.handle("getAnalysisJobSQL", s.authed(s.getAnalysisJobSQL))
	s.handle("renderAnalysisJob", s.authed(s.renderAnalysisJob))
	s.handle("getAnalysisJobAccess", s.authed(s.getAccessOf(kAnalysis)))
	s.handle("setAnalysisJobAccess", s.authed(s.setAccessOf(kAnalysis)))

	s.handle("listFacetJobs", s.authed(s.listOf(kFacet)))
	s.handle("createFacetJob", s.authed(s.createJob(kFacet)))
	s.handle("getFacetJob", s.authed(s.getJob(kFacet)))
	s.handle("deleteFacetJob", s.authed(s.deleteJob(kFacet)))
	s.handle("getFacetJobResults", s.authed(s.getFacetJobResults))
	s.handle("getFacetJobFacet", s.authed(s.getFacetJobFacet))
	s.handle("getFacetJobAccess", s.authed(s.getAccessOf(kFacet)))
	s.handle("setFacetJobAccess", s.authed(s.setAccessOf(kFacet)))
}

func (s *Server) createJob(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
		project := r.PathValue("projectId")
		if !s.parentExists(w, k, []string{project}) {
			return
		}
		var o obj
		if err := fakekit.ReadJSON(r, 0, &o); err != nil {
			badRequest(w, "malformed JSON body")
			return
		}
		id := path(o, "id", k.idField)
		if id == "" {
			id = s.store.newID(k.prefix)
		}
		s.fill(k, o, []string{project}, id, g)
		st := &jobState{}
		if t, _ := strconv.Atoi(r.URL.Query().Get("timeout")); t > 0 {
			st.polls = 2 * s.cfg.steps // the server waited for the result
		}
		s.mu.Lock()
		s.jobs[jobKey(k, project, id)] = st
		o["status"] = s.statusLocked(st)
		s.mu.Unlock()
		delete(o, "results")
		delete(o, "error")
		o["_vctrl"] = 0
		s.store.put(key(k.name, []string{project}), id, o)
		s.created(w, o)
	}
}

func (s *Server) getJob(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		project, id := r.PathValue("projectId"), r.PathValue("jobId")
		if _, ok := s.store.get(key(k.name, []string{project}), id); !ok {
			notFound(w, k.typ)
			return
		}
		status := s.advance(k, project, id)
		o, _ := s.store.update(key(k.name, []string{project}), id, func(o obj) { o["status"] = status })
		fakekit.WriteJSON(w, http.StatusOK, o)
	}
}

// getAnalysisJobOrFile serves GET …/analysisjobs/{jobId}, and the file
// route {jobId}.{ext} the spec router cannot tell from it (kin-openapi's
// gorillamux tries paths with fewer variables first, so "job1.csv" arrives
// here as a job id). JAX-RS matches the more specific {jobId}.{ext}, the id
// ending at the first dot; so does the fake, counting exportAnalysisJob.
func (s *Server) getAnalysisJobOrFile(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
	id, ext, isFile := strings.Cut(r.PathValue("jobId"), ".")
	if !isFile {
		s.getJob(kAnalysis)(w, r, g)
		return
	}
	r.SetPathValue("jobId", id)
	r.SetPathValue("ext", ext)
	s.coverage.Record("exportAnalysisJob")
	s.mu.Lock()
	s.served["exportAnalysisJob"]++
	s.mu.Unlock()
	s.exportAnalysisJob(w, r, g)
}

func (s *Server) deleteJob(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	del := s.deleteOf(k)
	return func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
		s.mu.Lock()
		delete(s.jobs, jobKey(k, r.PathValue("projectId"), r.PathValue("jobId")))
		s.mu.Unlock()
		del(w, r, g)
	}
}

// readyJob finds a job and advances it; ok is false when an answer was written.
func (s *Server) readyJob(w http.ResponseWriter, r *http.Request, k *kind) (obj, bool) {
	project, id := r.PathValue("projectId"), r.PathValue("jobId")
	if _, ok := s.store.get(key(k.name, []string{project}), id); !ok {
		notFound(w, k.typ)
		return nil, false
	}
	status := s.advance(k, project, id)
	o, _ := s.store.update(key(k.name, []string{project}), id, func(o obj) { o["status"] = status })
	if status != statusDone {
		s.computingInProgress(w, id)
		return nil, false
	}
	return o, true
}

// name looks up the name of a dimension or metric given by its compound id.
func (s *Server) name(k *kind, pk any) (id, name string) {
	m, _ := pk.(map[string]any)
	id = str(m[k.idField])
	o, ok := s.store.get(key(k.name, []string{str(m["projectId"]), str(m["domainId"])}), id)
	if ok && str(o["name"]) != "" {
		return id, str(o["name"])
	}
	return id, id
}

// table computes a job's synthetic results: one column per dimension
// (values "<name>-NN") and per metric (the i-th metric 10·(i+1)·(row+1)),
// cfg.rows rows.
func (s *Server) table(job obj) (cols []any, rows []any) {
	var kinds []bool // true: metric
	dims, _ := job["dimensions"].([]any)
	for i, d := range dims {
		id, n := s.name(kDimension, d)
		cols = append(cols, obj{"id": id, "name": n, "definition": "'" + n + "'", "role": "DOMAIN", "pos": i})
		kinds = append(kinds, false)
	}
	mets, _ := job["metrics"].([]any)
	for i, m := range mets {
		id, n := s.name(kMetric, m)
		cols = append(cols, obj{"id": id, "name": n, "definition": "COUNT()", "role": "DATA", "pos": len(dims) + i})
		kinds = append(kinds, true)
	}
	for r := 0; r < s.cfg.rows; r++ {
		v := make([]any, len(cols))
		for c, isMetric := range kinds {
			if isMetric {
				v[c] = float64((r + 1) * 10 * (c - len(dims) + 1)) // metric i: 10·(i+1)·(row+1)
			} else {
				v[c] = fmt.Sprintf("%s-%02d", str(cols[c].(obj)["name"]), r)
			}
		}
		rows = append(rows, obj{"v": v})
	}
	return cols, rows
}

func intParam(r *http.Request, name string, def int) int {
	if n, err := strconv.Atoi(r.URL.Query().Get(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// page slices items by the startIndex and maxResults parameters.
func page[T any](r *http.Request, items []T) ([]T, int) {
	start := intParam(r, "startIndex", 0)
	max := intParam(r, "maxResults", len(items))
	if start > len(items) {
		start = len(items)
	}
	end := start + max
	if end > len(items) {
		end = len(items)
	}
	return append([]T{}, items[start:end]...), start
}

func (s *Server) getAnalysisJobResults(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	job, ok := s.readyJob(w, r, kAnalysis)
	if !ok {
		return
	}
	if f := r.URL.Query().Get("format"); f != "" && f != "json" {
		badRequest(w, "bouquettest serves results as JSON only")
		return
	}
	cols, rows := s.table(job)
	pg, start := page(r, rows)
	fakekit.WriteJSON(w, http.StatusOK, obj{"cols": cols, "rows": pg, "totalSize": len(rows), "startIndex": start,
		"fullset": true, "fromCache": false, "objectType": "DataTable"})
}

func (s *Server) getAnalysisJobSQL(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	job, ok := s.store.get(key(kAnalysis.name, []string{r.PathValue("projectId")}), r.PathValue("jobId"))
	if !ok {
		notFound(w, "ProjectAnalysisJob")
		return
	}
	cols, _ := s.table(job)
	var names []string
	for _, c := range cols {
		names = append(names, str(c.(obj)["name"]))
	}
	sql := "SELECT " + strings.Join(names, ", ") + " FROM fake_table"
	if r.URL.Query().Get("prettyfier") == "false" {
		w.Header().Set("Content-Type", "text/sql")
		_, _ = w.Write([]byte(sql))
		return
	}
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("<html><body><pre>" + sql + "</pre></body></html>"))
}

func (s *Server) renderAnalysisJob(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	job, ok := s.readyJob(w, r, kAnalysis)
	if !ok {
		return
	}
	cols, rows := s.table(job)
	pg, _ := page(r, rows)
	var b strings.Builder
	b.WriteString("<table><tr>")
	for _, c := range cols {
		b.WriteString("<th>" + str(c.(obj)["name"]) + "</th>")
	}
	b.WriteString("</tr>")
	for _, row := range pg {
		b.WriteString("<tr>")
		for _, v := range row.(obj)["v"].([]any) {
			fmt.Fprintf(&b, "<td>%v</td>", v)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte(b.String()))
}

// facet builds the facet of one dimension: cfg.rows members "<name>-NN",
// filtered by substring and paged.
func (s *Server) facet(r *http.Request, dim obj) obj {
	n := str(dim["name"])
	if n == "" {
		n = path(dim, "id", "dimensionId")
	}
	var items []any
	filter := r.URL.Query().Get("filter")
	if filter == "" {
		filter = r.URL.Query().Get("q")
	}
	for i := 0; i < s.cfg.rows; i++ {
		v := fmt.Sprintf("%s-%02d", n, i)
		if filter == "" || strings.Contains(v, filter) {
			items = append(items, obj{"id": v, "value": v, "type": "v"})
		}
	}
	pg, start := page(r, items)
	return obj{"id": path(dim, "id", "dimensionId"), "name": n, "dimension": dim["id"], "items": pg,
		"selectedItems": []any{}, "done": true, "hasMore": start+len(pg) < len(items), "error": false,
		"totalSize": len(items)}
}

// jobDimensions lists the dimensions of the domains a facet job names.
func (s *Server) jobDimensions(job obj) []obj {
	var out []obj
	doms, _ := job["domains"].([]any)
	for _, d := range doms {
		m, _ := d.(map[string]any)
		out = append(out, s.store.list(key(kDimension.name, []string{str(m["projectId"]), str(m["domainId"])}))...)
	}
	return out
}

func (s *Server) getFacetJobResults(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	job, ok := s.readyJob(w, r, kFacet)
	if !ok {
		return
	}
	facets := []any{}
	for _, d := range s.jobDimensions(job) {
		facets = append(facets, s.facet(r, d))
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"facets": facets, "rootFacets": []any{}, "compareTo": []any{}})
}

func (s *Server) getFacetJobFacet(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	job, ok := s.readyJob(w, r, kFacet)
	if !ok {
		return
	}
	for _, d := range s.jobDimensions(job) {
		if path(d, "id", "dimensionId") == r.PathValue("facetId") {
			fakekit.WriteJSON(w, http.StatusOK, s.facet(r, d))
			return
		}
	}
	notFound(w, "Facet")
}
