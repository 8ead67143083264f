package bouquettest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

// The analytics API (AnalyticsServiceRest), served at the base URL. A
// reference is @'projectId', @'projectId'.@'domainId' or a bookmark id.

var refRe = regexp.MustCompile(`^@'([^']+)'(?:\.@'([^']+)')?$`)

type ref struct {
	project, domain string
	bookmark        obj
	item            obj
}

func (s *Server) resolve(w http.ResponseWriter, reference string) (*ref, bool) {
	if m := refRe.FindStringSubmatch(reference); m != nil {
		p, ok := s.store.get(key(kProject.name, nil), m[1])
		if !ok {
			notFound(w, "Project")
			return nil, false
		}
		if m[2] == "" {
			return &ref{project: m[1], item: obj{"id": reference, "name": p["name"], "type": "PROJECT"}}, true
		}
		d, ok := s.store.get(key(kDomain.name, []string{m[1]}), m[2])
		if !ok {
			notFound(w, "Domain")
			return nil, false
		}
		return &ref{project: m[1], domain: m[2], item: obj{"id": reference, "name": d["name"], "type": "DOMAIN"}}, true
	}
	for _, p := range s.store.list(key(kProject.name, nil)) {
		pid := path(p, "id", "projectId")
		if b, ok := s.store.get(key(kBookmark.name, []string{pid}), reference); ok {
			return &ref{project: pid, bookmark: b, item: obj{"id": reference, "name": b["name"], "type": "BOOKMARK"}}, true
		}
	}
	notFound(w, "Reference")
	return nil, false
}

func (s *Server) analyticsRoutes() {

	s.handle("listAnalytics", s.authed(s.listAnalytics))
	s.handle("getAnalyticsItem", s.authed(s.getAnalyticsItem))
	s.handle("runAnalyticsQuery", s.authed(s.runAnalyticsQuery))
	s.handle("queryAnalytics", s.authed(s.queryAnalytics))
	s.handle("getAnalyticsView", s.authed(s.getAnalyticsView))
	s.handle("getAnalyticsScope", s.authed(s.getAnalyticsScope))
	s.handle("getAnalyticsFacet", s.authed(s.getAnalyticsFacet))
	s.handle("exportAnalytics", s.authed(s.exportAnalytics))
	s.handle("getQueryStatus", s.authed(s.getQueryStatus))
	s.handle("cancelQuery", s.authed(s.cancelQuery))
}

func (s *Server) listAnalytics(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	parent := r.URL.Query().Get("parent")
	items := []any{}
	if m := refRe.FindStringSubmatch(parent); m != nil && m[2] == "" {
		for _, d := range s.store.list(key(kDomain.name, []string{m[1]})) {
			id := fmt.Sprintf("@'%s'.@'%s'", m[1], path(d, "id", "domainId"))
			items = append(items, obj{"id": id, "name": d["name"], "type": "DOMAIN", "parentRef": parent, "selfRef": id})
		}
	} else {
		for _, p := range s.store.list(key(kProject.name, nil)) {
			id := fmt.Sprintf("@'%s'", path(p, "id", "projectId"))
			items = append(items, obj{"id": id, "name": p["name"], "type": "PROJECT", "parentRef": "/PROJECTS", "selfRef": id})
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"query": obj{"parent": parent}, "result": items})
}

func (s *Server) getAnalyticsItem(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	if rf, ok := s.resolve(w, r.PathValue("reference")); ok {
		fakekit.WriteJSON(w, http.StatusOK, rf.item)
	}
}

// analysis computes a query's synthetic result: groupBy values and metric numbers.
func (s *Server) analysis(q obj) obj {
	groupBy, _ := q["groupBy"].([]any)
	metrics, _ := q["metrics"].([]any)
	cols := []any{}
	for i, g := range groupBy {
		cols = append(cols, obj{"name": g, "definition": g, "role": "DOMAIN", "pos": i})
	}
	for i, m := range metrics {
		cols = append(cols, obj{"name": m, "definition": m, "role": "DATA", "pos": len(groupBy) + i})
	}
	rows := []any{}
	for r := 0; r < s.cfg.rows && len(cols) > 0; r++ {
		v := []any{}
		for _, g := range groupBy {
			v = append(v, fmt.Sprintf("%v-%02d", g, r))
		}
		for i := range metrics {
			v = append(v, float64((r+1)*(i+1)))
		}
		rows = append(rows, obj{"v": v})
	}
	return obj{"cols": cols, "rows": rows, "totalSize": len(rows)}
}

// queryOf reads the analysis parameters of a GET analytics route.
func queryOf(r *http.Request, ref string) obj {
	q := obj{"BBID": ref}
	vals := r.URL.Query()
	for _, k := range []string{"groupBy", "metrics", "filters", "rootFilters", "orderBy", "rollup", "timeframe", "compareTo"} {
		if vs := vals[k]; len(vs) > 0 {
			l := []any{}
			for _, v := range vs {
				l = append(l, v)
			}
			q[k] = l
		}
	}
	if p := vals.Get("period"); p != "" {
		q["period"] = p
	}
	return q
}

func (s *Server) runAnalyticsQuery(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	ref := r.PathValue("reference")
	if _, ok := s.resolve(w, ref); !ok {
		return
	}
	q := queryOf(r, ref)
	fakekit.WriteJSON(w, http.StatusOK, obj{"query": q, "selection": obj{"filters": q["filters"]}, "result": s.analysis(q)})
}

func (s *Server) queryAnalytics(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	ref := r.PathValue("reference")
	if _, ok := s.resolve(w, ref); !ok {
		return
	}
	var q obj
	if err := fakekit.ReadJSON(r, 0, &q); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	q["BBID"] = ref
	fakekit.WriteJSON(w, http.StatusOK, obj{"query": q, "selection": obj{"filters": q["filters"]}, "result": s.analysis(q)})
}

func (s *Server) getAnalyticsView(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	ref := r.PathValue("reference")
	if _, ok := s.resolve(w, ref); !ok {
		return
	}
	q := queryOf(r, ref)
	for _, ch := range []string{"x", "y", "color", "size", "column", "row"} {
		if v := r.URL.Query().Get(ch); v != "" {
			q[ch] = v
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"$schema": "https://vega.github.io/schema/vega-lite/v2.json",
		"query": q, "data": obj{"values": s.analysis(q)["rows"]}, "mark": "bar"})
}

func (s *Server) domainChildren(rf *ref) (dims, mets []obj) {
	if rf.domain == "" {
		return nil, nil
	}
	parents := []string{rf.project, rf.domain}
	return s.store.list(key(kDimension.name, parents)), s.store.list(key(kMetric.name, parents))
}

func (s *Server) getAnalyticsScope(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	rf, ok := s.resolve(w, r.PathValue("reference"))
	if !ok {
		return
	}
	value := r.URL.Query().Get("value")
	dims, mets := s.domainChildren(rf)
	sugg := []any{}
	for _, o := range append(dims, mets...) {
		if n := str(o["name"]); strings.HasPrefix(strings.ToLower(n), strings.ToLower(value)) {
			sugg = append(sugg, obj{"display": n, "suggestion": "'" + n + "'", "objectType": o["objectType"]})
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"query": obj{"value": value}, "suggestions": sugg, "definitions": []any{}})
}

func (s *Server) getAnalyticsFacet(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	rf, ok := s.resolve(w, r.PathValue("reference"))
	if !ok {
		return
	}
	dims, _ := s.domainChildren(rf)
	for _, d := range dims {
		if path(d, "id", "dimensionId") == r.PathValue("facetId") || str(d["name"]) == r.PathValue("facetId") {
			fakekit.WriteJSON(w, http.StatusOK, s.facet(r, d))
			return
		}
	}
	notFound(w, "Facet")
}

func (s *Server) exportAnalytics(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	ref := r.PathValue("reference")
	if _, ok := s.resolve(w, ref); !ok {
		return
	}
	res := s.analysis(queryOf(r, ref))
	var b strings.Builder
	var names []string
	for _, c := range res["cols"].([]any) {
		names = append(names, fmt.Sprint(c.(obj)["name"]))
	}
	b.WriteString(strings.Join(names, ",") + "\n")
	for _, row := range res["rows"].([]any) {
		var vs []string
		for _, v := range row.(obj)["v"].([]any) {
			vs = append(vs, fmt.Sprint(v))
		}
		b.WriteString(strings.Join(vs, ",") + "\n")
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+r.PathValue("filename")+`"`)
	_, _ = w.Write([]byte(b.String()))
}

// runningJob finds an unfinished analysis job by id (its QueryID).
func (s *Server) runningJob(id string) (*jobState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.jobs {
		if strings.HasPrefix(k, kAnalysis.name+"/") && strings.HasSuffix(k, "/"+id) && s.statusLocked(st) != statusDone {
			return st, true
		}
	}
	return nil, false
}

func (s *Server) getQueryStatus(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	out := []any{}
	id := r.PathValue("queryId")
	if st, ok := s.runningJob(id); ok {
		s.mu.Lock()
		status := s.statusLocked(st)
		s.mu.Unlock()
		out = append(out, obj{"key": id, "jobID": id, "status": status, "userID": TestUserID})
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) cancelQuery(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	st, ok := s.runningJob(r.PathValue("queryId"))
	if ok {
		s.mu.Lock()
		st.polls = 2 * s.cfg.steps
		s.mu.Unlock()
	}
	fakekit.WriteJSON(w, http.StatusOK, ok)
}
