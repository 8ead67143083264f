package beproducttest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

// newRecordLocked is a timeline record of a plan for a header (colorway and
// size optional), with one milestone per timeline of the plan's setup.
func (s *Server) newRecordLocked(p *beproductapi.TrackingPlan, kind string, h *beproductapi.Header, cw *beproductapi.Colorway, size string) *beproductapi.TimelineRecord {
	setup := p.Style
	if kind == "Material" {
		setup = p.Material
	}
	rec := &beproductapi.TimelineRecord{Id: s.nextID(), Header: beproductapi.FolderRef{Id: h.Id, Name: h.HeaderName}, Size: size}
	if cw != nil {
		rec.ColorId, rec.ColorNumber, rec.ColorName = cw.Id, cw.ColorNumber, cw.ColorName
	}
	for _, t := range setup.Timelines {
		rec.Timelines = append(rec.Timelines, beproductapi.TimelineItem{Id: s.nextID(), TimelineId: t.Id, Status: "Not Started"})
	}
	if !slices.Contains(h.PlanIds, p.Id) {
		h.PlanIds = append(h.PlanIds, p.Id)
	}
	s.tracking.records[p.Id][kind] = append(s.tracking.records[p.Id][kind], rec)
	return rec
}

func (s *Server) registerTrackingMore() {
	plan := func(w http.ResponseWriter, r *http.Request) *beproductapi.TrackingPlan {
		for _, p := range s.tracking.plans {
			if p.Id == r.PathValue("planId") {
				return p
			}
		}
		writeError(w, http.StatusNotFound, "plan not found", nil)
		return nil
	}
	for _, kind := range []string{"Style", "Material"} {
		s.handle("getTracking"+kind+"Progress", func(w http.ResponseWriter, r *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			var pr beproductapi.PlanProgress
			for _, rec := range s.tracking.records[p.Id][kind] {
				for _, t := range rec.Timelines {
					pr.Total++
					if t.Late {
						pr.Late++
					}
					switch strings.ToLower(t.Status) {
					case "not started":
						pr.NotStarted++
					case "in progress":
						pr.InProgress++
					case "waiting on":
						pr.WaitingOn++
					case "rejected":
						pr.Rejected++
					case "approved":
						pr.Approved++
					case "approved with corrections":
						pr.ApprovedWithCorrections++
					default:
						pr.Na++
					}
				}
			}
			fakekit.WriteJSON(w, http.StatusOK, pr)
		})
		s.handle("deleteTracking"+kind+"Timelines", func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.TimelineIdsRequest
			if !decode(w, r, &req) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			recs := s.tracking.records[p.Id][kind]
			for _, id := range req.TimelineIds {
				if !slices.ContainsFunc(recs, func(x *beproductapi.TimelineRecord) bool { return x.Id == id }) {
					refuse(w, "timeline %s not found", id)
					return
				}
			}
			s.tracking.records[p.Id][kind] = slices.DeleteFunc(recs, func(x *beproductapi.TimelineRecord) bool { return slices.Contains(req.TimelineIds, x.Id) })
			writeOK(w, "%d timelines deleted", len(req.TimelineIds))
		})
		header := func(w http.ResponseWriter, id string) *beproductapi.Header {
			h := s.masters[kind].headers[id]
			if h == nil || h.IsDeleted {
				refuse(w, "%s %s not found", strings.ToLower(kind), id)
				return nil
			}
			return h
		}
		s.handle("addTracking"+kind+"s", func(w http.ResponseWriter, r *http.Request) {
			var ids beproductapi.StringList
			if !decode(w, r, &ids) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			var hs []*beproductapi.Header
			for _, id := range ids {
				h := header(w, id)
				if h == nil {
					return
				}
				hs = append(hs, h)
			}
			for _, h := range hs {
				s.newRecordLocked(p, kind, h, nil, "")
			}
			writeOK(w, "%d added", len(hs))
		})
		s.handle("addTracking"+kind+"sByColorway", func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.ColorwayAddList
			if !decode(w, r, &req) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			type pick struct {
				h  *beproductapi.Header
				cw *beproductapi.Colorway
			}
			var picks []pick
			for _, a := range req {
				h := header(w, a.HeaderId)
				if h == nil {
					return
				}
				for _, cid := range deref(a.ColorwayIds) {
					i := slices.IndexFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == cid })
					if i < 0 {
						refuse(w, "colorway %s not found", cid)
						return
					}
					picks = append(picks, pick{h, &h.Colorways[i]})
				}
			}
			for _, pk := range picks {
				s.newRecordLocked(p, kind, pk.h, pk.cw, "")
			}
			writeOK(w, "%d added", len(picks))
		})
		s.handle("listTracking"+kind+"Revisions", func(w http.ResponseWriter, r *http.Request) {
			var req beproductapi.FilterRequest
			if !decode(w, r, &req) {
				return
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			p := plan(w, r)
			if p == nil {
				return
			}
			out, err := filterList(s.tracking.revisions[p.Id+"/"+kind], deref(req.Filters))
			if err != nil {
				writeError(w, http.StatusBadRequest, err.Error(), nil)
				return
			}
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.RecordPage{Result: orEmpty(pageOf(out, r)), Total: int64(len(out))})
		})
	}
	s.handle("archiveTrackingStyleTimelines", func(w http.ResponseWriter, r *http.Request) {
		var ids beproductapi.StringList
		if !decode(w, r, &ids) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := plan(w, r)
		if p == nil {
			return
		}
		recs := s.tracking.records[p.Id]["Style"]
		for _, id := range ids {
			if !slices.ContainsFunc(recs, func(x *beproductapi.TimelineRecord) bool { return x.Id == id }) {
				refuse(w, "timeline %s not found", id)
				return
			}
		}
		for _, rec := range recs {
			if slices.Contains(ids, rec.Id) {
				rec.IsArchived = true
			}
		}
		writeOK(w, "%d timelines archived", len(ids))
	})
	s.handle("addTrackingStylesBySku", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.SkuAddList
		if !decode(w, r, &req) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p := plan(w, r)
		if p == nil {
			return
		}
		ms := s.masters["Style"]
		for _, a := range req {
			h := ms.headers[a.HeaderId]
			if h == nil || h.IsDeleted {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("style %s not found", a.HeaderId), nil)
				return
			}
			for _, sku := range deref(a.Sku) {
				if !slices.ContainsFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == sku.ColorwayId }) {
					writeError(w, http.StatusBadRequest, fmt.Sprintf("colorway %s not found", sku.ColorwayId), nil)
					return
				}
			}
		}
		out := []beproductapi.TimelineRef{}
		for _, a := range req {
			h := ms.headers[a.HeaderId]
			for _, sku := range deref(a.Sku) {
				i := slices.IndexFunc(h.Colorways, func(c beproductapi.Colorway) bool { return c.Id == sku.ColorwayId })
				sizes := deref(sku.Sizes)
				if len(sizes) == 0 {
					sizes = []string{""}
				}
				for _, size := range sizes {
					rec := s.newRecordLocked(p, "Style", h, &h.Colorways[i], size)
					out = append(out, beproductapi.TimelineRef{Id: rec.Id, HeaderId: h.Id, HeaderFolderId: h.Folder.Id})
				}
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
}
