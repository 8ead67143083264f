package bouquettest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

// kind describes one resource type: its collection name, its own id field,
// the path parameters of its parents (outermost first) and the fields never
// sent back.
type kind struct {
	name    string
	typ     string // objectType
	idField string
	param   string // path parameter of the id when not idField
	prefix  string
	parents []string
	parent  *kind
	hidden  []string
}

var (
	kProject    = &kind{name: "projects", typ: "Project", idField: "projectId", prefix: "p", hidden: []string{"dbPassword"}}
	kDomain     = &kind{name: "domains", typ: "Domain", idField: "domainId", prefix: "d", parents: []string{"projectId"}, parent: kProject}
	kDimension  = &kind{name: "dimensions", typ: "Dimension", idField: "dimensionId", prefix: "dim", parents: []string{"projectId", "domainId"}, parent: kDomain}
	kAttribute  = &kind{name: "attributes", typ: "Attribute", idField: "attributeId", prefix: "a", parents: []string{"projectId", "domainId", "dimensionId"}, parent: kDimension}
	kMetric     = &kind{name: "metrics", typ: "Metric", idField: "metricId", prefix: "m", parents: []string{"projectId", "domainId"}, parent: kDomain}
	kRelation   = &kind{name: "relations", typ: "Relation", idField: "relationId", prefix: "r", parents: []string{"projectId"}, parent: kProject}
	kBookmark   = &kind{name: "bookmarks", typ: "Bookmark", idField: "bookmarkId", prefix: "b", parents: []string{"projectId"}, parent: kProject}
	kAnalysis   = &kind{name: "analysisjobs", typ: "ProjectAnalysisJob", idField: "analysisJobId", param: "jobId", prefix: "job", parents: []string{"projectId"}, parent: kProject}
	kFacet      = &kind{name: "facetjobs", typ: "ProjectFacetJob", idField: "facetJobId", param: "jobId", prefix: "fjob", parents: []string{"projectId"}, parent: kProject}
	kUser       = &kind{name: "users", typ: "User", idField: "userId", prefix: "u", hidden: []string{"password"}}
	kUserGroup  = &kind{name: "usergroups", typ: "UserGroup", idField: "userGroupId", prefix: "g"}
	kClient     = &kind{name: "clients", typ: "Client", idField: "clientId", prefix: "c"}
	kShortcut   = &kind{name: "shortcuts", typ: "Shortcut", idField: "shortcutId", prefix: "s"}
	kState      = &kind{name: "states", typ: "State", idField: "stateId", prefix: "st"}
	kAnnotation = &kind{name: "annotations", typ: "Annotation", idField: "annotationId", prefix: "an", parents: []string{"projectId"}, parent: kProject}
	kAPIKey     = &kind{name: "apikeys", typ: "ApiKey", idField: "apiKey", param: "apiKeyId", prefix: "k"}
)

// pathIDs returns the parent ids and the own id (when in the path) of r.
func (k *kind) pathIDs(r *http.Request) (parents []string, id string) {
	for _, p := range k.parents {
		parents = append(parents, r.PathValue(p))
	}
	if k.param != "" {
		return parents, r.PathValue(k.param)
	}
	return parents, r.PathValue(k.idField)
}

// pk is the object's compound id as Bouquet serialises it: the parents' ids
// and its own, no customerId (CustomerPK.getCustomerId is @JsonIgnore).
func (k *kind) pk(parents []string, id string) obj {
	pk := obj{}
	for i, p := range k.parents {
		pk[p] = parents[i]
	}
	pk[k.idField] = id
	return pk
}

func (k *kind) out(o obj) obj {
	for _, h := range k.hidden {
		delete(o, h)
	}
	return o
}

// parentExists answers 404 when the object a collection hangs from is missing.
func (s *Server) parentExists(w http.ResponseWriter, k *kind, parents []string) bool {
	if k.parent == nil {
		return true
	}
	n := len(parents)
	if _, ok := s.store.get(key(k.parent.name, parents[:n-1]), parents[n-1]); !ok {
		notFound(w, k.parent.typ)
		return false
	}
	return true
}

func (s *Server) listOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		parents, _ := k.pathIDs(r)
		if !s.parentExists(w, k, parents) {
			return
		}
		out := []obj{}
		for _, o := range s.store.list(key(k.name, parents)) {
			if p := r.URL.Query().Get("path"); p != "" && k == kBookmark && !strings.HasPrefix(str(o["path"]), p) {
				continue
			}
			out = append(out, k.out(o))
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	}
}

func (s *Server) getOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		parents, id := k.pathIDs(r)
		o, ok := s.store.get(key(k.name, parents), id)
		if !ok {
			notFound(w, k.typ)
			return
		}
		if r.URL.Query().Get("deepread") == "true" {
			s.deepRead(k, parents, id, o)
		}
		fakekit.WriteJSON(w, http.StatusOK, k.out(o))
	}
}

// deepRead adds the children of a project or domain.
func (s *Server) deepRead(k *kind, parents []string, id string, o obj) {
	child := append(append([]string{}, parents...), id)
	var kids []*kind
	switch k {
	case kProject:
		kids = []*kind{kDomain, kRelation, kBookmark}
	case kDomain:
		kids = []*kind{kDimension, kMetric}
	}
	for _, c := range kids {
		list := []obj{}
		for _, x := range s.store.list(key(c.name, child)) {
			list = append(list, c.out(x))
		}
		o[c.name] = list
	}
}

// createOf stores a new object (or replaces one whose id the body names, as
// Bouquet's POST store does).
func (s *Server) createOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
		parents, _ := k.pathIDs(r)
		if !s.parentExists(w, k, parents) {
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
		s.fill(k, o, parents, id, g)
		o["_vctrl"] = 0 // VersionControlDataStoreDecorator.create
		s.store.put(key(k.name, parents), id, o)
		s.created(w, k.out(o))
	}
}

// fill sets what the server owns on a stored object: its id (and oid), its
// type, the caller's role and, on creation, the caller's access right.
func (s *Server) fill(k *kind, o obj, parents []string, id string, g *fakekit.Grant) {
	o["id"] = k.pk(parents, id)
	o["oid"] = id
	o["_role"] = "OWNER"
	o["objectType"] = k.typ
	if _, ok := o["accessRights"]; !ok && g != nil {
		o["accessRights"] = []any{obj{"role": "OWNER", "userId": g.UserID}}
	}
}

func (s *Server) updateOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
		parents, id := k.pathIDs(r)
		old, ok := s.store.get(key(k.name, parents), id)
		if !ok {
			notFound(w, k.typ)
			return
		}
		var o obj
		if err := fakekit.ReadJSON(r, 0, &o); err != nil {
			badRequest(w, "malformed JSON body")
			return
		}
		if _, ok := o["accessRights"]; !ok {
			o["accessRights"] = old["accessRights"]
		}
		for _, h := range k.hidden { // keep write-only fields unless replaced
			if _, ok := o[h]; !ok && old[h] != nil {
				o[h] = old[h]
			}
		}
		if !s.checkVersion(w, o, old) {
			return
		}
		s.fill(k, o, parents, id, g)
		s.store.put(key(k.name, parents), id, o)
		fakekit.WriteJSON(w, http.StatusOK, k.out(o))
	}
}

func (s *Server) deleteOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		parents, id := k.pathIDs(r)
		if !s.store.del(key(k.name, parents), id) {
			notFound(w, k.typ)
			return
		}
		s.deleted(w)
	}
}

// checkVersion is VersionControlDataStoreDecorator.update: a sent _vctrl
// must equal the stored one (else 409 ConcurrentModificationAPIException); a
// missing or null one skips the check. Either way the stored version goes up
// by one. It reports whether the update may go on.
func (s *Server) checkVersion(w http.ResponseWriter, o, old obj) bool {
	stored, _ := old["_vctrl"].(float64)
	if sent, ok := o["_vctrl"].(float64); ok && sent != stored {
		fakekit.WriteJSON(w, http.StatusConflict, map[string]any{"code": http.StatusConflict,
			"type": "ConcurrentModificationAPIException", "apiError": "CONCURRENT_MODIFICATION",
			"error": fmt.Sprintf("Version Check Failed: _VCTRL property equals to %v but current object version is %v."+
				"The two must be equal to allow object update, or _VCTRL must be null", sent, stored),
			"suppressed": []any{}})
		return false
	}
	o["_vctrl"] = stored + 1
	return true
}

// created answers a create: 200 as bouquet-server does, 201 under
// [WithDocumentedStatuses].
func (s *Server) created(w http.ResponseWriter, v any) {
	status := http.StatusOK
	if s.cfg.documented {
		status = http.StatusCreated
	}
	fakekit.WriteJSON(w, status, v)
}

// deleted answers a delete: 200 true as bouquet-server does, 204 with no
// body under [WithDocumentedStatuses].
func (s *Server) deleted(w http.ResponseWriter) {
	if s.cfg.documented {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, true)
}

func (s *Server) getAccessOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		parents, id := k.pathIDs(r)
		o, ok := s.store.get(key(k.name, parents), id)
		if !ok {
			notFound(w, k.typ)
			return
		}
		ar := o["accessRights"]
		if ar == nil {
			ar = []any{}
		}
		fakekit.WriteJSON(w, http.StatusOK, ar)
	}
}

func (s *Server) setAccessOf(k *kind) func(http.ResponseWriter, *http.Request, *fakekit.Grant) {
	return func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		parents, id := k.pathIDs(r)
		var ar []any
		if err := fakekit.ReadJSON(r, 0, &ar); err != nil {
			badRequest(w, "malformed JSON body")
			return
		}
		if _, ok := s.store.update(key(k.name, parents), id, func(o obj) { o["accessRights"] = ar }); !ok {
			notFound(w, k.typ)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, ar)
	}
}

// crud registers the regular operations of a kind.
func (s *Server) crud(k *kind, singular, plural string, ops ...string) {
	h := map[string]func(http.ResponseWriter, *http.Request, *fakekit.Grant){
		"list": s.listOf(k), "get": s.getOf(k), "create": s.createOf(k), "update": s.updateOf(k),
		"delete": s.deleteOf(k), "getAccess": s.getAccessOf(k), "setAccess": s.setAccessOf(k),
	}
	for _, op := range ops {
		var id string
		switch op {
		case "list":
			id = "list" + plural
		case "getAccess":
			id = "get" + singular + "Access"
		case "setAccess":
			id = "set" + singular + "Access"
		default:
			id = op + singular
		}
		s.handle(id, s.authed(h[op]))
	}
}
