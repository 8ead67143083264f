package beproducttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

type company struct {
	beproductapi.DirectoryCompany
	contacts []beproductapi.DirectoryContact
}

type user = beproductapi.User

type role = beproductapi.Role

type trackingStore struct {
	folders []beproductapi.TrackingFolder
	plans   []*beproductapi.TrackingPlan
	// records[planID][kind] are the timeline records of a plan.
	records map[string]map[string][]*beproductapi.TimelineRecord
	// revisions[planID/kind] are the edits made to a plan's timelines.
	revisions map[string][]beproductapi.Record
}

// Seeded tracking ids.
const (
	TrackingFolderID = "t0000000-0000-4000-8000-000000000001"
	TrackingPlanID   = "t0000000-0000-4000-8000-000000000010"
	TrackingViewID   = "t0000000-0000-4000-8000-000000000020"
)

// Seeded directory ids.
const (
	DirectoryFactoryID = "d0000000-0000-4000-8000-000000000001"
)

func (s *Server) seed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.masters = map[string]*masterStore{}
	for _, m := range masterNames {
		s.seedMaster(m)
	}
	s.seedMore()
	for i, c := range []struct{ name, kind, country string }{
		{"Blue River Textiles", "Factory", "Portugal"},
		{"Northwind Trims", "Vendor", "Italy"},
		{"Atlas Sourcing", "Agent", "Vietnam"},
	} {
		id := fmt.Sprintf("d0000000-0000-4000-8000-%012d", i+1)
		co := &company{DirectoryCompany: beproductapi.DirectoryCompany{Id: id, DirectoryId: fmt.Sprintf("DIR-%03d", i+1),
			Name: c.name, PartnerType: c.kind, Country: c.country, Active: true}}
		for j := range 2 {
			co.contacts = append(co.contacts, beproductapi.DirectoryContact{Id: fmt.Sprintf("%s-c%d", id[:8], j+1),
				FirstName: []string{"Ana", "Luca"}[j], LastName: c.name[:5], Email: fmt.Sprintf("contact%d@%s.example", j+1, strings.ToLower(c.name[:5]))})
		}
		s.companies = append(s.companies, co)
	}
	s.users = []*user{
		{Id: TestUserID, Email: TestUserEmail, FirstName: "John", LastName: "Smith", Username: TestUser, Role: "Admin", AccountType: "Full", Active: true},
		{Id: TestOtherUserID, Email: TestOtherUserEmail, FirstName: "Jane", LastName: "Doe", Username: "jane.doe", Role: "User", AccountType: "Full", Active: true},
	}
	s.roles = []role{{Id: "role-admin", RoleName: "Admin", IsAdmin: true, Active: true}, {Id: "role-user", RoleName: "User", Active: true}, {Id: "role-partner", RoleName: "Partner", RoleType: "Partner", Active: true}}

	setup := beproductapi.PlanSetup{
		Views:     []beproductapi.PlanView{{Id: TrackingViewID, Name: "All milestones", Active: true}},
		Timelines: []beproductapi.PlanTimelineSetup{{Id: "ms-proto", ShortDescription: "Proto"}, {Id: "ms-sms", ShortDescription: "SMS"}},
	}
	s.tracking = trackingStore{
		folders: []beproductapi.TrackingFolder{{Id: TrackingFolderID, Name: "Tracking 2026", Active: true}},
		plans: []*beproductapi.TrackingPlan{{Id: TrackingPlanID, Name: "SS26 Development", FolderId: TrackingFolderID,
			StartDate: "2026-01-01", EndDate: "2026-06-30", Active: true, Style: setup, Material: setup}},
		records:   map[string]map[string][]*beproductapi.TimelineRecord{TrackingPlanID: {}},
		revisions: map[string][]beproductapi.Record{},
	}
	for _, kind := range []string{"Style", "Material"} {
		ms := s.masters[kind]
		for i, hid := range ms.order[:3] {
			h := ms.headers[hid]
			rec := &beproductapi.TimelineRecord{Id: fmt.Sprintf("tr-%s-%d", strings.ToLower(kind), i+1),
				Header: beproductapi.FolderRef{Id: h.Id, Name: h.HeaderName}, ColorName: "Black",
				Timelines: []beproductapi.TimelineItem{
					{Id: fmt.Sprintf("tl-%s-%d-proto", strings.ToLower(kind), i+1), TimelineId: "ms-proto", Status: "Not Started"},
					{Id: fmt.Sprintf("tl-%s-%d-sms", strings.ToLower(kind), i+1), TimelineId: "ms-sms", Status: "Not Started"},
				}}
			s.tracking.records[TrackingPlanID][kind] = append(s.tracking.records[TrackingPlanID][kind], rec)
		}
	}
}

// asMap turns a record into its JSON object, for filters.
func asMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func filterList[T any](items []T, filters []beproductapi.Filter) ([]T, error) {
	var out []T
	for _, it := range items {
		ok, err := recordMatches(asMap(it), filters)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func (s *Server) findCompany(id string) *company {
	for _, c := range s.companies {
		if c.Id == id {
			return c
		}
	}
	return nil
}

func (s *Server) registerOthers() {
	s.handle("getRateLimitStatus", s.getRateLimitStatus)

	// Directory
	companies := func() []beproductapi.DirectoryCompany {
		out := make([]beproductapi.DirectoryCompany, 0, len(s.companies))
		for _, c := range s.companies {
			out = append(out, c.DirectoryCompany)
		}
		return out
	}
	s.handle("listDirectoryCompanies", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, pageOf(companies(), r))
	})
	s.handle("searchDirectoryCompanies", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.FilterRequest
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		out, err := filterList(companies(), deref(req.Filters))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, pageOf(out, r))
	})
	s.handle("getDirectoryCompany", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.findCompany(r.URL.Query().Get("directoryId"))
		if c == nil {
			writeError(w, http.StatusNotFound, "directory record not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, c.DirectoryCompany)
	})
	s.handle("listDirectoryContacts", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.findCompany(r.URL.Query().Get("directoryId"))
		if c == nil {
			writeError(w, http.StatusNotFound, "directory record not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, pageOf(c.contacts, r))
	})
	writeCompany := func(dst *beproductapi.DirectoryCompany, src beproductapi.DirectoryCompanyWrite) {
		set(&dst.DirectoryId, src.DirectoryId)
		set(&dst.Name, src.Name)
		set(&dst.PartnerType, src.PartnerType)
		set(&dst.Country, src.Country)
		set(&dst.Address, src.Address)
		set(&dst.City, src.City)
		set(&dst.State, src.State)
		set(&dst.Zip, src.Zip)
		set(&dst.Phone, src.Phone)
		set(&dst.Website, src.Website)
		set(&dst.Active, src.Active)
	}
	s.handle("createDirectoryCompany", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.DirectoryCompanyWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		if deref(req.Name) == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"name": {"The name is required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c := &company{DirectoryCompany: beproductapi.DirectoryCompany{Id: s.nextID(), Active: true}}
		writeCompany(&c.DirectoryCompany, req)
		s.companies = append(s.companies, c)
		fakekit.WriteJSON(w, http.StatusOK, c.DirectoryCompany)
	})
	s.handle("updateDirectoryCompany", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.DirectoryCompanyWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.findCompany(r.PathValue("directoryId"))
		if c == nil {
			writeError(w, http.StatusNotFound, "directory record not found", nil)
			return
		}
		writeCompany(&c.DirectoryCompany, req)
		fakekit.WriteJSON(w, http.StatusOK, c.DirectoryCompany)
	})

	// Users
	s.handle("listUsers", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := make([]beproductapi.User, 0, len(s.users))
		for _, u := range s.users {
			out = append(out, *u)
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	findUser := func(match func(*user) bool) *user {
		for _, u := range s.users {
			if match(u) {
				return u
			}
		}
		return nil
	}
	s.handle("getUserByEmail", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		email := r.URL.Query().Get("email")
		u := findUser(func(u *user) bool { return strings.EqualFold(u.Email, email) })
		if u == nil {
			writeError(w, http.StatusNotFound, "user not found", nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, u)
	})
	writeUser := func(dst *user, src beproductapi.UserWrite) {
		set(&dst.Email, src.Email)
		set(&dst.FirstName, src.FirstName)
		set(&dst.LastName, src.LastName)
		set(&dst.Username, src.Username)
		set(&dst.Title, src.Title)
		set(&dst.Role, src.Role)
		set(&dst.AccountType, src.AccountType)
		set(&dst.Active, src.Active)
	}
	s.handle("createUser", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.UserWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		if deref(req.Email) == "" {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"email": {"The email is required."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if findUser(func(u *user) bool { return strings.EqualFold(u.Email, deref(req.Email)) }) != nil {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"email": {"A user with this email already exists."}})
			return
		}
		u := &user{Id: s.nextID(), Active: true}
		writeUser(u, req)
		s.users = append(s.users, u)
		fakekit.WriteJSON(w, http.StatusOK, u)
	})
	s.handle("updateUser", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.UserWrite
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		u := findUser(func(u *user) bool { return u.Id == r.PathValue("userId") })
		if u == nil {
			writeError(w, http.StatusNotFound, "user not found", nil)
			return
		}
		writeUser(u, req)
		fakekit.WriteJSON(w, http.StatusOK, u)
	})
	s.handle("listUserRoles", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, slices.Clone(s.roles))
	})

	// Tracking
	s.handle("listTrackingFolders", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		fakekit.WriteJSON(w, http.StatusOK, slices.Clone(s.tracking.folders))
	})
	s.handle("listTrackingPlans", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.HeaderListRequest
		if err := fakekit.ReadJSON(r, 0, &req); err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		folder := r.URL.Query().Get("folderId")
		var plans []beproductapi.TrackingPlan
		for _, p := range s.tracking.plans {
			if folder == "" || p.FolderId == folder {
				plans = append(plans, *p)
			}
		}
		out, err := filterList(plans, deref(req.Filters))
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error(), nil)
			return
		}
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.TrackingPlanPage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
	})
	plan := func(w http.ResponseWriter, r *http.Request) *beproductapi.TrackingPlan {
		for _, p := range s.tracking.plans {
			if p.Id == r.PathValue("planId") {
				return p
			}
		}
		writeError(w, http.StatusNotFound, "plan not found", nil)
		return nil
	}
	s.handle("getTrackingPlan", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if p := plan(w, r); p != nil {
			fakekit.WriteJSON(w, http.StatusOK, p)
		}
	})
	for _, kind := range []string{"Style", "Material"} {
		list := func(view bool) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				var req beproductapi.FilterRequest
				if err := fakekit.ReadJSON(r, 0, &req); err != nil {
					writeError(w, http.StatusBadRequest, err.Error(), nil)
					return
				}
				s.mu.Lock()
				defer s.mu.Unlock()
				p := plan(w, r)
				if p == nil {
					return
				}
				if view {
					setup := p.Style
					if kind == "Material" {
						setup = p.Material
					}
					if !slices.ContainsFunc(setup.Views, func(v beproductapi.PlanView) bool { return v.Id == r.PathValue("viewId") }) {
						writeError(w, http.StatusNotFound, "view not found", nil)
						return
					}
				}
				var recs []beproductapi.TimelineRecord
				for _, rec := range s.tracking.records[p.Id][kind] {
					recs = append(recs, *rec)
				}
				out, err := filterList(recs, deref(req.Filters))
				if err != nil {
					writeError(w, http.StatusBadRequest, err.Error(), nil)
					return
				}
				fakekit.WriteJSON(w, http.StatusOK, beproductapi.TimelinePage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
			}
		}
		s.handle("listTracking"+kind+"Timelines", list(false))
		s.handle("listTracking"+kind+"ViewTimelines", list(true))
		s.handle("updateTracking"+kind+"Timelines", func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.TimelineEditList
			if err := fakekit.ReadJSON(r, 0, &req); err != nil {
				writeError(w, http.StatusBadRequest, err.Error(), nil)
				return
			}
			if len(req) > 100 {
				writeError(w, http.StatusBadRequest, "at most 100 records may be written per request", nil)
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			recs := s.tracking.records[p.Id][kind]
			// Checked first: a refused edit writes nothing.
			for _, e := range req {
				i := slices.IndexFunc(recs, func(x *beproductapi.TimelineRecord) bool { return x.Id == e.Id })
				if i < 0 {
					fakekit.WriteJSON(w, http.StatusOK, beproductapi.MessageResponse{Error: true, Message: "timeline record " + e.Id + " not found"})
					return
				}
				if msg := checkTimelineEdit(recs[i], e); msg != "" {
					fakekit.WriteJSON(w, http.StatusOK, beproductapi.MessageResponse{Error: true, Message: msg})
					return
				}
			}
			for _, e := range req {
				i := slices.IndexFunc(recs, func(x *beproductapi.TimelineRecord) bool { return x.Id == e.Id })
				applyTimelineEdit(recs[i], e)
				for _, te := range deref(e.Timelines) {
					rev := beproductapi.Record{"id": s.nextID(), "timelineId": e.Id, "milestoneId": te.Id,
						"modifiedAt": s.now().Format(time.RFC3339), "modifiedBy": TestUserID}
					if te.Status != nil {
						rev["status"] = deref(te.Status.Value)
					}
					s.tracking.revisions[p.Id+"/"+kind] = append(s.tracking.revisions[p.Id+"/"+kind], rev)
				}
			}
			fakekit.WriteJSON(w, http.StatusOK, ok200(fmt.Sprintf("%d timelines updated", len(req))))
		})
	}
}

func checkTimelineEdit(rec *beproductapi.TimelineRecord, e beproductapi.TimelineEdit) string {
	for _, te := range deref(e.Timelines) {
		if !slices.ContainsFunc(rec.Timelines, func(x beproductapi.TimelineItem) bool { return x.Id == te.Id }) {
			return "milestone " + te.Id + " not found"
		}
	}
	return ""
}

func applyTimelineEdit(rec *beproductapi.TimelineRecord, e beproductapi.TimelineEdit) {
	if e.Size != nil {
		rec.Size = deref(e.Size.Value)
	}
	if e.ColorwayId != nil {
		rec.ColorId = deref(e.ColorwayId.Value)
	}
	items := rec.Timelines
	for _, te := range deref(e.Timelines) {
		i := slices.IndexFunc(items, func(x beproductapi.TimelineItem) bool { return x.Id == te.Id })
		if te.Status != nil {
			items[i].Status = deref(te.Status.Value)
		}
		if te.Rev != nil {
			items[i].Rev = deref(te.Rev.Value)
		}
		if te.Final != nil {
			items[i].Final = deref(te.Final.Value)
		}
	}
	rec.Timelines = items
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// set copies a field of a write body onto the stored record when the body
// carries it (a nil pointer means "leave as is").
func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
