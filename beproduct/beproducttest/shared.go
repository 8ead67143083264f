package beproducttest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

// note is a comment or a revision.
type note struct {
	headerID, pageID string
	beproductapi.Comment
}

func (s *Server) registerShared() {
	author := beproductapi.UserRef{Id: TestUserID, Name: "John Smith"}
	for _, fam := range []string{"Comment", "Revision"} {
		store := &s.comments
		idParam := "commentId"
		if fam == "Revision" {
			store, idParam = &s.revisions, "revisionId"
		}
		// target checks the header (and page) exist; pageID "" is the header.
		target := func(w http.ResponseWriter, r *http.Request, page bool) (string, string, bool) {
			hid := r.PathValue("headerId")
			ms, h := s.findHeaderLocked(hid)
			if h == nil {
				writeError(w, http.StatusNotFound, "header not found", nil)
				return "", "", false
			}
			if !page {
				return hid, "", true
			}
			pid := r.PathValue("pageId")
			if ms.pages[hid][pid] == nil {
				writeError(w, http.StatusNotFound, "page not found", nil)
				return "", "", false
			}
			return hid, pid, true
		}
		for _, onPage := range []bool{false, true} {
			scope := "Header"
			if onPage {
				scope = "Page"
			}
			s.handle("list"+scope+fam+"s", func(w http.ResponseWriter, r *http.Request) {
				s.mu.Lock()
				defer s.mu.Unlock()
				hid, pid, ok := target(w, r, onPage)
				if !ok {
					return
				}
				out := []beproductapi.Comment{}
				for _, n := range *store {
					if n.headerID == hid && n.pageID == pid {
						out = append(out, n.Comment)
					}
				}
				fakekit.WriteJSON(w, http.StatusOK, out)
			})
			s.handle("create"+scope+fam, func(w http.ResponseWriter, r *http.Request) {
				var req beproductapi.TextBody
				if !decode(w, r, &req) {
					return
				}
				s.mu.Lock()
				defer s.mu.Unlock()
				hid, pid, ok := target(w, r, onPage)
				if !ok {
					return
				}
				if strings.TrimSpace(req.Body) == "" {
					refuse(w, "the %s is empty", strings.ToLower(fam))
					return
				}
				n := &note{headerID: hid, pageID: pid, Comment: beproductapi.Comment{Id: s.nextID(), Body: req.Body,
					CreatedBy: author, CreatedAt: s.now(), ModifiedBy: author, ModifiedAt: s.now()}}
				*store = append(*store, n)
				writeOK(w, "%s %s created", strings.ToLower(fam), n.Id)
			})
			find := func(w http.ResponseWriter, r *http.Request) int {
				hid, pid, ok := target(w, r, onPage)
				if !ok {
					return -1
				}
				id := r.URL.Query().Get(idParam)
				i := slices.IndexFunc(*store, func(n *note) bool { return n.Id == id && n.headerID == hid && n.pageID == pid })
				if i < 0 {
					writeError(w, http.StatusNotFound, strings.ToLower(fam)+" not found", nil)
				}
				return i
			}
			s.handle("update"+scope+fam, func(w http.ResponseWriter, r *http.Request) {
				var req beproductapi.TextBody
				if !decode(w, r, &req) {
					return
				}
				s.mu.Lock()
				defer s.mu.Unlock()
				if i := find(w, r); i >= 0 {
					(*store)[i].Body, (*store)[i].ModifiedAt = req.Body, s.now()
					writeOK(w, "%s updated", strings.ToLower(fam))
				}
			})
			s.handle("delete"+scope+fam, func(w http.ResponseWriter, r *http.Request) {
				s.mu.Lock()
				defer s.mu.Unlock()
				if i := find(w, r); i >= 0 {
					*store = slices.Delete(*store, i, i+1)
					writeOK(w, "%s deleted", strings.ToLower(fam))
				}
			})
		}
	}

	// Tags shared by the masters.
	findTag := func(w http.ResponseWriter, r *http.Request) *tag {
		i := slices.IndexFunc(s.tags, func(t *tag) bool { return t.Id == r.PathValue("tagId") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "tag not found", nil)
			return nil
		}
		return s.tags[i]
	}
	s.handle("updateTag", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.TagUpdate
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTag(w, r); t != nil {
			t.Name = req.Name
			if req.Integration != nil {
				t.Integration = *req.Integration
			}
			writeOK(w, "tag updated")
		}
	})
	s.handle("deleteTag", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := findTag(w, r); t != nil {
			s.tags = slices.DeleteFunc(s.tags, func(x *tag) bool { return x == t })
			for _, m := range masterNames {
				for _, h := range s.masters[m].headers {
					h.Tags = slices.DeleteFunc(h.Tags, func(x beproductapi.TagRef) bool { return x.Id == t.Id })
				}
			}
			writeOK(w, "tag deleted")
		}
	})
	shareTag := func(add bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var users beproductapi.StringList
			if !decode(w, r, &users) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			t := findTag(w, r)
			if t == nil {
				return
			}
			for _, u := range users {
				if !slices.ContainsFunc(s.users, func(x *user) bool { return x.Id == u }) {
					refuse(w, "user %s not found", u)
					return
				}
			}
			if add {
				for _, u := range users {
					if !slices.Contains(t.TagUsers, u) {
						t.TagUsers = append(t.TagUsers, u)
					}
				}
			} else {
				t.TagUsers = slices.DeleteFunc(t.TagUsers, func(x string) bool { return slices.Contains(users, x) })
			}
			writeOK(w, "tag sharing changed")
		}
	}
	s.handle("addTagShares", shareTag(true))
	s.handle("removeTagShares", shareTag(false))
	headerOf := func(w http.ResponseWriter, r *http.Request) (*masterStore, *beproductapi.Header) {
		ms, h := s.findHeaderLocked(r.PathValue("headerId"))
		if h == nil {
			writeError(w, http.StatusNotFound, "header not found", nil)
		}
		return ms, h
	}
	s.handle("listHeaderTags", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		_, h := headerOf(w, r)
		if h == nil {
			return
		}
		out := beproductapi.TagList{}
		for _, ref := range h.Tags {
			if i := slices.IndexFunc(s.tags, func(t *tag) bool { return t.Id == ref.Id }); i >= 0 {
				out = append(out, s.tags[i].Tag)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	tagHeader := func(add bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var names beproductapi.StringList
			if !decode(w, r, &names) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			ms, h := headerOf(w, r)
			if h == nil {
				return
			}
			var refs []beproductapi.TagRef
			for _, n := range names {
				i := slices.IndexFunc(s.tags, func(t *tag) bool { return t.master == ms.name && strings.EqualFold(t.Name, n) })
				if i < 0 {
					refuse(w, "no %s tag named %s", ms.name, n)
					return
				}
				refs = append(refs, beproductapi.TagRef{Id: s.tags[i].Id, Name: s.tags[i].Name})
			}
			for _, ref := range refs {
				has := slices.ContainsFunc(h.Tags, func(x beproductapi.TagRef) bool { return x.Id == ref.Id })
				switch {
				case add && !has:
					h.Tags = append(h.Tags, ref)
				case !add:
					h.Tags = slices.DeleteFunc(h.Tags, func(x beproductapi.TagRef) bool { return x.Id == ref.Id })
				}
			}
			writeOK(w, "tags changed")
		}
	}
	s.handle("addHeaderTags", tagHeader(true))
	s.handle("removeHeaderTags", tagHeader(false))

	// Sharing with directory partners.
	for _, onPage := range []bool{false, true} {
		scope := "Header"
		if onPage {
			scope = "Page"
		}
		key := func(w http.ResponseWriter, r *http.Request) (string, bool) {
			ms, h := headerOf(w, r)
			if h == nil {
				return "", false
			}
			if !onPage {
				return h.Id, true
			}
			if ms.pages[h.Id][r.PathValue("pageId")] == nil {
				writeError(w, http.StatusNotFound, "page not found", nil)
				return "", false
			}
			return h.Id + "/" + r.PathValue("pageId"), true
		}
		change := func(add bool) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				var partners beproductapi.StringList
				if !decode(w, r, &partners) {
					return
				}
				s.mu.Lock()
				defer s.mu.Unlock()
				k, ok := key(w, r)
				if !ok {
					return
				}
				for _, id := range partners {
					if s.findCompany(id) == nil {
						refuse(w, "partner %s not found", id)
						return
					}
				}
				cur := s.shares[k]
				for _, id := range partners {
					has := slices.ContainsFunc(cur, func(x beproductapi.SharedPartner) bool { return x.Partner.Id == id })
					switch {
					case add && !has:
						c := s.findCompany(id)
						cur = append(cur, beproductapi.SharedPartner{Partner: beproductapi.PartnerRef{Id: id, Name: c.Name, PartnerType: c.PartnerType, Country: c.Country},
							CreatedBy: beproductapi.UserRef{Id: TestUserID, Name: "John Smith"}, CreatedAt: s.now()})
					case !add:
						cur = slices.DeleteFunc(cur, func(x beproductapi.SharedPartner) bool { return x.Partner.Id == id })
					}
				}
				s.shares[k] = cur
				writeOK(w, "sharing changed")
			}
		}
		s.handle("add"+scope+"Shares", change(true))
		s.handle("remove"+scope+"Shares", change(false))
		s.handle("list"+scope+"Shares", func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			if k, ok := key(w, r); ok {
				fakekit.WriteJSON(w, http.StatusOK, orEmpty(slices.Clone(s.shares[k])))
			}
		})
	}
}
