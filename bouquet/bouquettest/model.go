package bouquettest

import (
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

// modelRoutes registers the routes beyond plain CRUD: annotations, caches,
// suggestions, domain relations, connection checks, file exports, API keys.
func (s *Server) modelRoutes() {
	s.crud(kAnnotation, "Annotation", "Annotations", "get", "update", "delete", "getAccess", "setAccess")
	s.handle("listAnnotations", s.authed(s.listAnnotations))
	s.handle("createAnnotation", s.authed(s.createAnnotation))

	s.handle("getProjectCache", s.authed(s.cacheInfo(false)))
	s.handle("deleteProjectCache", s.authed(s.refreshCache(false)))
	s.handle("refreshProjectCache", s.authed(s.refreshCache(false)))
	s.handle("refreshProjectDatabase", s.authed(s.refreshed(false)))
	s.handle("getDomainCache", s.authed(s.cacheInfo(true)))
	s.handle("refreshDomainCache", s.authed(s.refreshCache(true)))
	s.handle("refreshDomainData", s.authed(s.refreshed(true)))

	s.handle("getDomainSuggestions", s.authed(s.suggest(func(*http.Request) []string { return sampleTables })))
	s.handle("getRelationSuggestions", s.authed(s.suggest(s.relationCandidates)))
	s.handle("getDimensionSuggestions", s.authed(s.suggest(s.columnCandidates)))
	s.handle("getSegmentSuggestions", s.authed(s.suggest(s.columnCandidates)))
	s.handle("getAttributeSuggestions", s.authed(s.suggest(s.columnCandidates)))
	s.handle("getMetricSuggestions", s.authed(s.suggest(s.metricCandidates)))

	s.handle("listDomainRelations", s.authed(s.listDomainRelations))
	s.handle("getNewDomainRelation", s.authed(s.getNewDomainRelation))
	s.handle("validateConnection", s.authed(s.validateConnection))
	s.handle("validateConnectionDefinition", s.authed(s.validateConnectionDefinition))
	s.handle("exportAnalysisJob", s.authed(s.exportAnalysisJob))

	s.crud(kAPIKey, "ApiKey", "ApiKeys", "list", "get", "update", "delete")
	s.handle("createApiKey", s.authed(s.createAPIKey))
}

// ---- annotations

func (s *Server) listAnnotations(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	pid := r.PathValue("projectId")
	if !s.parentExists(w, kAnnotation, []string{pid}) {
		return
	}
	list := s.store.list(key(kAnnotation.name, []string{pid}))
	var last int64
	for _, a := range list {
		if t, _ := a["creationTimestamp"].(float64); int64(t) > last {
			last = int64(t)
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"annotations": list, "lastAnnotationReadTimestamp": last})
}

// createAnnotation stores an annotation authored by the caller and answers
// its id, as ProjectServiceRest.addAnnotation does.
func (s *Server) createAnnotation(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
	pid := r.PathValue("projectId")
	if !s.parentExists(w, kAnnotation, []string{pid}) {
		return
	}
	var o obj
	if err := fakekit.ReadJSON(r, 0, &o); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	id := s.store.newID(kAnnotation.prefix)
	s.fill(kAnnotation, o, []string{pid}, id, g)
	o["_vctrl"] = 0
	o["authorId"] = kUser.pk(nil, g.UserID)
	o["creationTimestamp"] = s.now().UnixMilli()
	s.store.put(key(kAnnotation.name, []string{pid}), id, o)
	s.created(w, o["id"])
}

// ---- caches: every refresh is counted, HARD ones apart

func (s *Server) cacheKey(r *http.Request, domain bool) (string, bool) {
	pid := r.PathValue("projectId")
	if _, ok := s.store.get(key(kProject.name, nil), pid); !ok {
		return "", false
	}
	if !domain {
		return pid, true
	}
	did := r.PathValue("domainId")
	_, ok := s.store.get(key(kDomain.name, []string{pid}), did)
	return pid + "/" + did, ok
}

func (s *Server) cacheStatus(k string) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.caches[k]
	return obj{"soft": c.soft, "hard": c.hard, "dataRefreshes": c.data}
}

func (s *Server) cacheInfo(domain bool) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		k, ok := s.cacheKey(r, domain)
		if !ok {
			notFound(w, "Project or Domain")
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, s.cacheStatus(k))
	}
}

// CacheRefreshes reports how many soft and hard cache refreshes a project
// ("p1") or domain ("p1/d1") has had.
func (s *Server) CacheRefreshes(k string) (soft, hard int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.caches[k].soft, s.caches[k].hard
}

func (s *Server) countRefresh(k, typ string, data bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.caches[k]
	switch {
	case data:
		c.data++
	case typ == "HARD":
		c.hard++
	default:
		c.soft++
	}
	s.caches[k] = c
}

func (s *Server) refreshCache(domain bool) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		k, ok := s.cacheKey(r, domain)
		if !ok {
			notFound(w, "Project or Domain")
			return
		}
		s.countRefresh(k, r.URL.Query().Get("type"), false)
		fakekit.WriteJSON(w, http.StatusOK, s.cacheStatus(k))
	}
}

// refreshed serves refreshDatabase (a HARD refresh unless type says SOFT)
// and a domain's refreshData.
func (s *Server) refreshed(domain bool) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		k, ok := s.cacheKey(r, domain)
		if !ok {
			notFound(w, "Project or Domain")
			return
		}
		typ := r.URL.Query().Get("type")
		if typ == "" {
			typ = "HARD"
		}
		s.countRefresh(k, typ, domain)
		fakekit.WriteJSON(w, http.StatusOK, true)
	}
}

// ---- suggestions: candidates that start with the typed expression

var sampleTables = []string{"'customers'", "'orders'", "'products'"}

func (s *Server) domainObjects(r *http.Request, k *kind) []obj {
	return s.store.list(key(k.name, []string{r.PathValue("projectId"), r.PathValue("domainId")}))
}

func (s *Server) columnCandidates(r *http.Request) []string {
	out := []string{"'amount'", "'country'", "'created_at'", "'id'"}
	for _, d := range s.domainObjects(r, kDimension) {
		out = append(out, path(d, "expression", "value"))
	}
	return out
}

func (s *Server) metricCandidates(r *http.Request) []string {
	out := []string{"COUNT()", "SUM('amount')", "AVG('amount')"}
	for _, m := range s.domainObjects(r, kMetric) {
		out = append(out, path(m, "expression", "value"))
	}
	return out
}

func (s *Server) relationCandidates(r *http.Request) []string {
	q := r.URL.Query()
	return []string{fmt.Sprintf("@'%s'.'id'=@'%s'.'id'", q.Get("leftDomainId"), q.Get("rightDomainId"))}
}

func (s *Server) suggest(candidates func(*http.Request) []string) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		if _, ok := s.store.get(key(kProject.name, nil), r.PathValue("projectId")); !ok {
			notFound(w, "Project")
			return
		}
		expr := r.URL.Query().Get("expression")
		items := []any{}
		seen := map[string]bool{}
		for i, c := range candidates(r) {
			if c == "" || seen[c] || !strings.HasPrefix(c, expr) {
				continue
			}
			seen[c] = true
			items = append(items, obj{"display": c, "suggestion": c, "caption": c, "ranking": i})
		}
		out := obj{"suggestions": items, "definitions": []any{}, "filter": expr}
		if len(items) == 0 && expr != "" {
			out["validateMessage"] = "no match for " + expr
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	}
}

// ---- domain relations

func (s *Server) listDomainRelations(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	pid, did := r.PathValue("projectId"), r.PathValue("domainId")
	if _, ok := s.store.get(key(kDomain.name, []string{pid}), did); !ok {
		notFound(w, "Domain")
		return
	}
	out := []obj{}
	for _, rel := range s.store.list(key(kRelation.name, []string{pid})) {
		if path(rel, "leftId", "domainId") == did || path(rel, "rightId", "domainId") == did {
			out = append(out, rel)
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) getNewDomainRelation(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	pid, did := r.PathValue("projectId"), r.PathValue("domainId")
	if _, ok := s.store.get(key(kDomain.name, []string{pid}), did); !ok {
		notFound(w, "Domain")
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"leftId": kDomain.pk([]string{pid}, did),
		"leftCardinality": "MANY", "rightCardinality": "ZERO_OR_ONE", "objectType": "Relation"})
}

// ---- connections: a JDBC URL names its vendor; schemas are synthetic

var sampleSchemas = []any{"PUBLIC", "SALES"}

func vendorOf(jdbcURL string) (string, bool) {
	rest, ok := strings.CutPrefix(jdbcURL, "jdbc:")
	if !ok {
		return "", false
	}
	v, _, ok := strings.Cut(rest, ":")
	return v, ok && v != ""
}

func (s *Server) validateConnection(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	if _, ok := vendorOf(r.URL.Query().Get("url")); !ok {
		badRequest(w, "invalid JDBC url")
		return
	}
	items := []any{}
	for _, sc := range sampleSchemas {
		items = append(items, obj{"display": sc, "suggestion": sc})
	}
	fakekit.WriteJSON(w, http.StatusOK, obj{"suggestions": items, "definitions": []any{}})
}

func (s *Server) validateConnectionDefinition(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	var p obj
	if err := fakekit.ReadJSON(r, 0, &p); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	u := str(p["dbUrl"])
	v, ok := vendorOf(u)
	switch {
	case ok:
		fakekit.WriteJSON(w, http.StatusOK, obj{"dbVendorId": v, "dbUrl": u, "schemas": sampleSchemas})
	case r.URL.Query().Get("noError") == "true":
		fakekit.WriteJSON(w, http.StatusOK, obj{"dbUrl": u, "errorMessage": "invalid JDBC url"})
	default:
		badRequest(w, "invalid JDBC url")
	}
}

// ---- file exports: the results as CSV, written row by row

func (s *Server) exportAnalysisJob(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	format, comp, _ := strings.Cut(r.PathValue("ext"), ".")
	if format != "csv" || (comp != "" && comp != "gz") {
		badRequest(w, "unsupported export format "+r.PathValue("ext"))
		return
	}
	job, ok := s.readyJob(w, r, kAnalysis)
	if !ok {
		return
	}
	cols, rows := s.table(job)
	rows, _ = page(r, rows)
	var out io.Writer = w
	if comp == "gz" {
		w.Header().Set("Content-Type", "application/octet-stream")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		out = zw
	} else {
		w.Header().Set("Content-Type", "text/csv")
	}
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(out)
	head := []string{}
	for _, c := range cols {
		head = append(head, str(c.(map[string]any)["name"]))
	}
	_ = cw.Write(head)
	for _, row := range rows {
		var rec []string
		for _, v := range row.(map[string]any)["v"].([]any) {
			rec = append(rec, fmt.Sprint(v))
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

// ---- API keys (newer servers): the key is a JWT the fake signs

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
	var o obj
	if err := fakekit.ReadJSON(r, 0, &o); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	client := str(o["clientId"])
	if client == "" {
		client = g.ClientID
	}
	id := s.store.newID(kAPIKey.prefix)
	now := s.now()
	assertion, err := s.signAPIKey(client, g.UserID, id, now)
	if err != nil {
		apiError(w, http.StatusInternalServerError, "APIException", "cannot sign the key")
		return
	}
	s.fill(kAPIKey, o, nil, id, g)
	o["_vctrl"] = 0
	o["clientId"], o["userId"], o["assertion"] = client, g.UserID, assertion
	o["tokenUrl"] = fakekit.Origin(r) + BasePath + "/rs/token"
	o["createdDate"] = now.UnixMilli()
	s.store.put(key(kAPIKey.name, nil), id, o)
	s.created(w, o)
}
