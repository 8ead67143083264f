package bouquettest

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/oasuite/sdk/internal/fakekit"
)

var allOps = []string{"list", "get", "create", "update", "delete", "getAccess", "setAccess"}

func (s *Server) routes() {

	// auth (CustomerServiceRest)
	s.handle("createAuthToken", s.createAuthToken)
	s.handle("createAuthCode", s.createAuthCode)
	s.handle("createToken", s.createToken)
	s.handle("getTokenInfo", s.authed(s.getTokenInfo))
	s.handle("deleteToken", s.deleteToken)
	s.handle("logout", s.authed(s.logout))
	s.handle("getCurrentUser", s.authed(s.getCurrentUser))
	s.handle("getCustomerInfo", s.authed(s.getCustomerInfo))
	s.handle("updateCustomerInfo", s.authed(s.updateCustomerInfo))
	s.handle("getCustomerAccess", s.authed(s.getCustomerAccess))
	s.handle("setCustomerAccess", s.authed(s.setCustomerAccess))
	s.handle("getStatus", s.getStatus)

	s.crud(kProject, "Project", "Projects", allOps...)
	s.crud(kDomain, "Domain", "Domains", allOps...)
	s.crud(kDimension, "Dimension", "Dimensions", allOps...)
	s.crud(kAttribute, "Attribute", "Attributes", allOps...)
	s.crud(kMetric, "Metric", "Metrics", allOps...)
	s.crud(kRelation, "Relation", "Relations", allOps...)
	s.crud(kBookmark, "Bookmark", "Bookmarks", allOps...)
	s.crud(kUser, "User", "Users", "list", "get", "create", "update", "delete")
	s.crud(kUserGroup, "UserGroup", "UserGroups", allOps...)
	s.crud(kClient, "Client", "Clients", "list", "get", "create", "update", "delete", "getAccess")
	s.crud(kShortcut, "Shortcut", "Shortcuts", allOps...)
	s.crud(kState, "State", "States", "list", "get", "create", "getAccess")

	s.handle("listDimensionOptions", s.authed(s.listDimensionOptions))
	s.handle("addDimensionOption", s.authed(s.addDimensionOption))
	s.handle("getDimensionOption", s.authed(s.getDimensionOption))
	s.handle("updateDimensionOption", s.authed(s.updateDimensionOption))
	s.handle("deleteDimensionOption", s.authed(s.deleteDimensionOption))
	s.handle("listSubDimensions", s.authed(s.listSubDimensions))

	s.handle("getBookmarkFolder", s.authed(s.getBookmarkFolder))
	s.handle("listBookmarkFolders", s.authed(s.listBookmarkFolders))

	s.jobRoutes()
	s.analyticsRoutes()
}

func (s *Server) seed() {
	s.seedObj(kUser, TestUserID, obj{"login": TestLogin, "email": "ann@example.com", "groups": []any{}})
	s.seedObj(kUser, OtherUserID, obj{"login": OtherLogin, "email": "bob@example.com", "groups": []any{}})
	s.seedObj(kClient, TestClientID, obj{"name": "Bouquet app", "urls": []any{TestSiteURL}})
	s.seedObj(kClient, OtherClientID, obj{"name": "Other app", "urls": []any{"https://other.example.org"}})
}

// seedObj stores a top-level object as a create would.
func (s *Server) seedObj(k *kind, id string, o obj) {
	s.fill(k, o, nil, id, nil)
	o["_vctrl"] = 0
	s.store.put(key(k.name, nil), id, o)
}

func (s *Server) getCurrentUser(w http.ResponseWriter, _ *http.Request, g *fakekit.Grant) {
	u, ok := s.store.get(key(kUser.name, nil), g.UserID)
	if !ok {
		notFound(w, "User")
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, kUser.out(u))
}

func (s *Server) getCustomerInfo(w http.ResponseWriter, _ *http.Request, _ *fakekit.Grant) {
	s.mu.Lock()
	c := clone(s.customer)
	s.mu.Unlock()
	fakekit.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) updateCustomerInfo(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	var in obj
	if err := fakekit.ReadJSON(r, 0, &in); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	s.mu.Lock()
	for _, f := range []string{"name", "defaultLocale"} {
		if v, ok := in[f]; ok {
			s.customer[f] = v
		}
	}
	c := clone(s.customer)
	s.mu.Unlock()
	fakekit.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) getCustomerAccess(w http.ResponseWriter, _ *http.Request, _ *fakekit.Grant) {
	s.mu.Lock()
	ar := s.custAR
	s.mu.Unlock()
	fakekit.WriteJSON(w, http.StatusOK, ar)
}

func (s *Server) setCustomerAccess(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	var ar []any
	if err := fakekit.ReadJSON(r, 0, &ar); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	s.mu.Lock()
	s.custAR = ar
	s.mu.Unlock()
	fakekit.WriteJSON(w, http.StatusOK, ar)
}

func (s *Server) getStatus(w http.ResponseWriter, _ *http.Request) {
	fakekit.WriteJSON(w, http.StatusOK, obj{
		"bouquet-server":  obj{"build": "bouquettest", "version": "4.2.64"},
		"bouquet-plugins": []any{},
	})
}

// ---- dimension options and sub-dimensions

func (s *Server) dimension(w http.ResponseWriter, r *http.Request) (string, []string, obj, bool) {
	parents, id := kDimension.pathIDs(r)
	k := key(kDimension.name, parents)
	d, ok := s.store.get(k, id)
	if !ok {
		notFound(w, "Dimension")
		return "", nil, nil, false
	}
	return k, parents, d, true
}

func options(d obj) []any {
	o, _ := d["options"].([]any)
	return o
}

func (s *Server) listDimensionOptions(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	if _, _, d, ok := s.dimension(w, r); ok {
		fakekit.WriteJSON(w, http.StatusOK, append([]any{}, options(d)...))
	}
}

func (s *Server) addDimensionOption(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	k, parents, d, ok := s.dimension(w, r)
	if !ok {
		return
	}
	var opt obj
	if err := fakekit.ReadJSON(r, 0, &opt); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	oid := path(opt, "id", "optionId")
	if oid == "" {
		oid = s.store.newID("opt")
	}
	pk := kDimension.pk(parents, str(path(d, "id", "dimensionId")))
	pk["optionId"] = oid
	opt["id"] = pk
	out, _ := s.store.update(k, r.PathValue("dimensionId"), func(o obj) { o["options"] = append(options(o), opt) })
	s.created(w, options(out))
}

func optionIndex(d obj, oid string) int {
	for i, o := range options(d) {
		if m, ok := o.(map[string]any); ok && path(m, "id", "optionId") == oid {
			return i
		}
	}
	return -1
}

func (s *Server) getDimensionOption(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	_, _, d, ok := s.dimension(w, r)
	if !ok {
		return
	}
	i := optionIndex(d, r.PathValue("optionId"))
	if i < 0 {
		notFound(w, "DimensionOption")
		return
	}
	fakekit.WriteJSON(w, http.StatusOK, options(d)[i])
}

func (s *Server) updateDimensionOption(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	k, _, d, ok := s.dimension(w, r)
	if !ok {
		return
	}
	oid := r.PathValue("optionId")
	i := optionIndex(d, oid)
	if i < 0 {
		notFound(w, "DimensionOption")
		return
	}
	var opt obj
	if err := fakekit.ReadJSON(r, 0, &opt); err != nil {
		badRequest(w, "malformed JSON body")
		return
	}
	opt["id"] = options(d)[i].(map[string]any)["id"]
	out, _ := s.store.update(k, r.PathValue("dimensionId"), func(o obj) { options(o)[i] = opt })
	fakekit.WriteJSON(w, http.StatusOK, options(out))
}

func (s *Server) deleteDimensionOption(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	k, _, d, ok := s.dimension(w, r)
	if !ok {
		return
	}
	i := optionIndex(d, r.PathValue("optionId"))
	if i < 0 {
		notFound(w, "DimensionOption")
		return
	}
	out, _ := s.store.update(k, r.PathValue("dimensionId"), func(o obj) {
		opts := options(o)
		o["options"] = append(opts[:i:i], opts[i+1:]...)
	})
	fakekit.WriteJSON(w, http.StatusOK, options(out))
}

func (s *Server) listSubDimensions(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	k, _, _, ok := s.dimension(w, r)
	if !ok {
		return
	}
	out := []obj{}
	for _, d := range s.store.list(k) {
		if path(d, "parentId", "dimensionId") == r.PathValue("dimensionId") {
			out = append(out, d)
		}
	}
	fakekit.WriteJSON(w, http.StatusOK, out)
}

// ---- bookmark folders: derived from the bookmarks' paths

func (s *Server) bookmarksUnder(prefix string) []obj {
	var out []obj
	for _, p := range s.store.list(key(kProject.name, nil)) {
		pid := path(p, "id", "projectId")
		for _, b := range s.store.list(key(kBookmark.name, []string{pid})) {
			if strings.HasPrefix(str(b["path"]), prefix) {
				b["projectName"] = p["name"]
				out = append(out, b)
			}
		}
	}
	return out
}

func folder(p string) obj {
	name := p[strings.LastIndex(p, "/")+1:]
	return obj{"id": obj{"bookmarkfolderId": base64.URLEncoding.EncodeToString([]byte(p))},
		"name": name, "path": p}
}

func (s *Server) getBookmarkFolder(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	p := strings.TrimSuffix(r.URL.Query().Get("path"), "/")
	f := folder(p)
	links := []obj{}
	for _, b := range s.bookmarksUnder(p) {
		if str(b["path"]) == p {
			links = append(links, obj{"id": b["id"], "name": b["name"], "description": b["description"],
				"path": b["path"], "projectName": b["projectName"]})
		}
	}
	f["bookmarks"] = links
	f["folders"] = s.subfolders(p)
	fakekit.WriteJSON(w, http.StatusOK, f)
}

func (s *Server) subfolders(p string) []obj {
	seen := map[string]bool{}
	out := []obj{}
	for _, b := range s.bookmarksUnder(p + "/") {
		rest := strings.TrimPrefix(str(b["path"]), p+"/")
		child := p + "/" + strings.SplitN(rest, "/", 2)[0]
		if rest != "" && !seen[child] {
			seen[child] = true
			out = append(out, folder(child))
		}
	}
	return out
}

func (s *Server) listBookmarkFolders(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
	fakekit.WriteJSON(w, http.StatusOK, s.subfolders(strings.TrimSuffix(r.URL.Query().Get("path"), "/")))
}
