package procuriostest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/oasuite/sdk/internal/fakekit"
)

// store is the fake's in-memory data.
type store struct {
	mu            sync.Mutex
	collections   []collection
	sets          []registrationSet
	registrations []map[string]any // stored profile registrations
	nextRelation  int
	meetings      []map[string]any
	nextMeeting   int
	meetingRegs   []map[string]any
	locations     []map[string]any
	moduleObject  map[string]any
}

type collection struct {
	ID        string
	Title     string
	Relations []map[string]any
}

type registrationSet struct {
	ID       int
	Title    string
	Schema   map[string]any
	Required []string
}

var firstNames = []string{"Ada", "Bram", "Cor", "Daan", "Eva", "Fenna", "Gijs", "Hanna", "Ilse", "Joost"}

func newStore() *store {
	st := &store{nextRelation: 1001, nextMeeting: 100, moduleObject: map[string]any{"key": "value", "otherKey": 2}}
	big := collection{ID: CollectionID, Title: "Testcollectie"}
	for i := 1; i <= CollectionSize; i++ {
		big.Relations = append(big.Relations, map[string]any{
			"id":         i,
			"first_name": firstNames[(i-1)%len(firstNames)],
			"name":       fmt.Sprintf("Lid %02d", i),
			"email":      fmt.Sprintf("lid%02d@example.nl", i),
		})
	}
	small := collection{ID: SmallCollectionID, Title: "Testcollectie 2"}
	for i := 1; i <= 3; i++ {
		small.Relations = append(small.Relations, map[string]any{"id": 500 + i, "name": fmt.Sprintf("Bestuurslid %d", i)})
	}
	st.collections = []collection{big, small}

	st.sets = []registrationSet{
		{ID: RegistrationSetID, Title: "Demo registration set", Required: []string{"first_name", "name", "email"}, Schema: map[string]any{
			// Served as Procurios does: a $schema with escaped slashes and the
			// non-standard type "date".
			"$schema": `http:\/\/json-schema.org\/draft-07\/schema#`,
			"title":   "Demo registration set",
			"type":    "object",
			"properties": map[string]any{
				"first_name": map[string]any{"title": "First name", "type": "string"},
				"insertion":  map[string]any{"title": "Insertion", "type": "string"},
				"name":       map[string]any{"title": "Name", "type": "string"},
				"birth_date": map[string]any{"title": "Birth date", "type": "date"},
				"email":      map[string]any{"title": "E-mail", "type": "string", "format": "email"},
				"address": map[string]any{"title": "Address", "type": "object", "properties": map[string]any{
					"street":   map[string]any{"type": "string", "title": "Straat"},
					"number":   map[string]any{"type": "integer", "title": "Nummer"},
					"postcode": map[string]any{"type": "string", "title": "Postcode", "pattern": `^[0-9]{4} ?[A-Z]{2}$`},
					"town":     map[string]any{"type": "string", "title": "Plaats"},
				}},
			},
			"required": []any{"first_name", "name", "email"},
		}},
		{ID: NewsletterSetID, Title: "Nieuwsbrief", Required: []string{"email"}, Schema: map[string]any{
			"$schema":    "http://json-schema.org/draft-07/schema#",
			"title":      "Nieuwsbrief",
			"type":       "object",
			"properties": map[string]any{"email": map[string]any{"type": "string", "title": "E-mail"}},
			"required":   []any{"email"},
		}},
	}

	st.meetings = []map[string]any{
		meeting(DemoMeetingID, "Algemene ledenvergadering", "2026-12-10T19:30:00+01:00", []int{1}),
		meeting(12, "Release webinar", "2026-12-15T15:00:00+01:00", []int{2}),
		meeting(13, "Nieuwjaarsborrel", "2027-01-08T17:00:00+01:00", []int{1}),
	}
	for _, m := range []map[string]any{
		meeting(5, "Jaarcongres 2025", "2025-10-02T09:00:00+02:00", []int{3}),
		meeting(6, "Webinar ledenportaal", "2025-06-12T15:00:00+02:00", []int{2}),
	} {
		m[historicalKey] = true
		st.meetings = append(st.meetings, m)
	}
	for i := 1; i <= MeetingRegistrationCount; i++ {
		mid := DemoMeetingID + (i % 3)
		var ticket any
		if i%4 == 0 {
			ticket = 7
		}
		st.meetingRegs = append(st.meetingRegs, map[string]any{
			"registrationId":   i,
			"meetingId":        mid,
			"ticketId":         ticket,
			"relationId":       90 + i%10,
			"registrationDate": fmt.Sprintf("2026-11-%02dT10:00:00", i%28+1),
		})
	}
	st.locations = []map[string]any{
		{"id": 1, "title": "Verenigingsgebouw", "title_ml": []any{
			map[string]any{"locale": "nl_NL", "string": "Verenigingsgebouw"},
			map[string]any{"locale": "en_US", "string": "Association building"},
		}, "address": map[string]any{"street": "Dorpsstraat", "number": "42", "postcode": "1111 ZZ", "town": "Ergens", "state": "", "country": "NL"}, "capacity": 120},
		{"id": 2, "title": "Online", "capacity": 0},
		{"id": 3, "title": "Zaal De Linde", "capacity": 40},
	}
	return st
}

func meeting(id int, title, start string, locs []int) map[string]any {
	ids := make([]any, len(locs))
	for i, l := range locs {
		ids[i] = l
	}
	return map[string]any{
		"id": id, "title": title, "start": start, "end": start, "languageCode": "nl",
		"shortDescription": title + " van de vereniging", "locationIds": ids,
		"_links": map[string]any{
			"details":            fmt.Sprintf("/l/meeting2_api/meetings/%d", id),
			"registrationSchema": fmt.Sprintf("/l/meeting2_api/meetings/%d/registration/schema", id),
		},
	}
}

func (s *Server) routes() {
	s.api("getModuleObject", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		s.data.mu.Lock()
		obj := copyMap(s.data.moduleObject)
		s.data.mu.Unlock()
		s.reply(w, "getModuleObject", obj)
	})
	s.api("createModuleObject", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		var body map[string]any
		if err := fakekit.ReadJSON(r, 0, &body); err != nil {
			badRequest(w, "the body is not a JSON object", nil)
			return
		}
		s.data.mu.Lock()
		s.data.moduleObject = copyMap(body)
		s.data.mu.Unlock()
		s.reply(w, "createModuleObject", body)
	})

	// CRM collections.
	s.api("listCollections", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		out := []any{}
		for _, c := range s.data.collections {
			out = append(out, map[string]any{"id": c.ID, "title": c.Title, "_links": map[string]any{
				"collection_schema": map[string]any{"href": "/l/relation_list_api/collection/" + c.ID + "/schema"},
				"collection":        map[string]any{"href": "/l/relation_list_api/collection/" + c.ID},
			}})
		}
		s.reply(w, "listCollections", out)
	})
	s.api("getCollection", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		c, ok := s.collection(r.PathValue("collectionId"))
		if !ok {
			notFound(w, "no such collection")
			return
		}
		page := intParam(r, "page", 1)
		pages := (len(c.Relations) + PageSize - 1) / PageSize
		if pages == 0 {
			pages = 1
		}
		if page > pages {
			notFound(w, "no such page")
			return
		}
		from := (page - 1) * PageSize
		to := min(from+PageSize, len(c.Relations))
		href := func(p int) map[string]any {
			return map[string]any{"href": fmt.Sprintf("/l/relation_list_api/collection/%s?page=%d", c.ID, p)}
		}
		links := map[string]any{"self": href(page), "first": href(1), "last": href(pages)}
		if page > 1 {
			links["prev"] = href(page - 1)
		}
		if page < pages {
			links["next"] = href(page + 1)
		}
		rel := make([]any, 0, to-from)
		for _, x := range c.Relations[from:to] {
			rel = append(rel, x)
		}
		s.reply(w, "getCollection", map[string]any{
			"_links": links, "_embedded": map[string]any{s.embeddedKey(): rel},
			"page": page, "pages": pages, "total": len(c.Relations),
		})
	})
	s.api("getCollectionSchema", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		c, ok := s.collection(r.PathValue("collectionId"))
		if !ok {
			notFound(w, "no such collection")
			return
		}
		s.reply(w, "getCollectionSchema", map[string]any{
			"$id": "relations", "$schema": `http:\/\/json-schema.org\/draft-07\/schema`, "type": "object",
			"title": fmt.Sprintf("A collection of relation data of %q", c.Title),
			"properties": map[string]any{
				"id":         map[string]any{"type": "integer", "title": "Relation ID"},
				"first_name": map[string]any{"type": "string", "title": "First name"},
				"name":       map[string]any{"type": "string", "title": "Name"},
				"email":      map[string]any{"type": "string", "title": "E-mail"},
			},
		})
	})

	// Registration sets: "profile/registration" grants every set,
	// "profile/registration/{id}" one set.
	s.api("listRegistrationSets", func(g *fakekit.Grant, _ *http.Request) bool {
		for _, sc := range g.Scopes {
			if sc == "profile/registration" || strings.HasPrefix(sc, "profile/registration/") {
				return true
			}
		}
		return false
	}, func(w http.ResponseWriter, r *http.Request, g *fakekit.Grant) {
		out := []any{}
		for _, set := range s.data.sets {
			if setAllowed(g, set.ID) {
				out = append(out, map[string]any{"id": set.ID, "title": set.Title})
			}
		}
		s.reply(w, "listRegistrationSets", map[string]any{"registrationSet": out})
	})
	setScope := func(g *fakekit.Grant, r *http.Request) bool {
		id, err := strconv.Atoi(r.PathValue("registrationSetId"))
		return err == nil && setAllowed(g, id)
	}
	s.api("getRegistrationSetSchema", setScope, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		set, ok := s.set(r)
		if !ok {
			notFound(w, "no such registration set")
			return
		}
		s.reply(w, "getRegistrationSetSchema", set.Schema)
	})
	s.api("createRegistration", setScope, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		set, ok := s.set(r)
		if !ok {
			notFound(w, "no such registration set")
			return
		}
		var body map[string]any
		if err := fakekit.ReadJSON(r, 0, &body); err != nil {
			badRequest(w, "the body is not a JSON object", nil)
			return
		}
		if fields := checkRegistration(set, body); len(fields) > 0 {
			badRequest(w, "the registration does not match the registration set", fields)
			return
		}
		s.data.mu.Lock()
		id := s.data.nextRelation
		s.data.nextRelation++
		body["relationId"] = id
		s.data.registrations = append(s.data.registrations, body)
		s.data.mu.Unlock()
		s.reply(w, "createRegistration", map[string]any{"relationId": id})
	})
	// A registration without a set id goes to the host's default set; only
	// the every-set scope "profile/registration" reaches it (the spec's rule).
	s.api("createDefaultRegistration", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		set, ok := s.setByID(DefaultRegistrationSetID)
		if !ok {
			notFound(w, "no default registration set")
			return
		}
		var body map[string]any
		if err := fakekit.ReadJSON(r, 0, &body); err != nil {
			badRequest(w, "the body is not a JSON object", nil)
			return
		}
		if fields := checkRegistration(set, body); len(fields) > 0 {
			badRequest(w, "the registration does not match the default registration set", fields)
			return
		}
		s.data.mu.Lock()
		id := s.data.nextRelation
		s.data.nextRelation++
		body["relationId"] = id
		s.data.registrations = append(s.data.registrations, body)
		s.data.mu.Unlock()
		s.reply(w, "createDefaultRegistration", map[string]any{"relationId": id})
	})
	s.api("validateRegistration", setScope, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		set, ok := s.set(r)
		if !ok {
			notFound(w, "no such registration set")
			return
		}
		var body map[string]any
		if err := fakekit.ReadJSON(r, 0, &body); err != nil {
			badRequest(w, "the body is not a JSON object", nil)
			return
		}
		fields := checkRegistration(set, body)
		out := map[string]any{"valid": len(fields) == 0}
		if len(fields) > 0 {
			out["fields"] = fields
		}
		s.reply(w, "validateRegistration", out)
	})

	// Meetings.
	listMeetings := func(op string, historical bool) {
		s.api(op, nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
			q := strings.ToLower(r.URL.Query().Get("search"))
			s.data.mu.Lock()
			out := []any{}
			for _, m := range s.data.meetings {
				past, _ := m[historicalKey].(bool)
				text := strings.ToLower(fmt.Sprint(m["title"], " ", m["shortDescription"], " ", m["longDescription"]))
				if past == historical && (q == "" || strings.Contains(text, q)) {
					c := copyMap(m)
					delete(c, historicalKey)
					out = append(out, c)
				}
			}
			s.data.mu.Unlock()
			s.reply(w, op, map[string]any{"meetings": out})
		})
	}
	listMeetings("listMeetings", false)
	listMeetings("listHistoricalMeetings", true)
	s.api("createMeeting", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		var body map[string]any
		if err := fakekit.ReadJSON(r, 0, &body); err != nil {
			badRequest(w, "the body is not a JSON object", nil)
			return
		}
		s.data.mu.Lock()
		id := s.data.nextMeeting
		s.data.nextMeeting++
		m := meeting(id, fmt.Sprint(body["title"]), fmt.Sprint(body["start"]), nil)
		for k, v := range body {
			m[k] = v
		}
		m["id"] = id
		s.data.meetings = append(s.data.meetings, m)
		s.data.mu.Unlock()
		s.reply(w, "createMeeting", map[string]any{"meetingId": id})
	})
	s.api("getMeetingSchema", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		s.reply(w, "getMeetingSchema", map[string]any{
			"$schema": `http:\/\/json-schema.org\/draft-07\/schema#`, "title": "Meeting", "type": "object",
			"properties": map[string]any{
				"search":      map[string]any{"title": "Text search", "type": "string"},
				"title":       map[string]any{"title": "Title", "type": "string"},
				"ownerId":     map[string]any{"title": "Owner ID", "type": "integer"},
				"start":       map[string]any{"title": "Start", "type": "string", "format": "date-time"},
				"end":         map[string]any{"title": "End", "type": "string", "format": "date-time"},
				"locationIds": map[string]any{"type": "array", "items": map[string]any{"type": "integer"}},
			},
		})
	})
	s.api("listMeetingRegistrations", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		since := r.URL.Query().Get("since")
		rel := intList(r, "relationIds")
		s.data.mu.Lock()
		var all []any
		for _, reg := range s.data.meetingRegs {
			if since != "" && fmt.Sprint(reg["registrationDate"]) < since {
				continue
			}
			if len(rel) > 0 && !rel[reg["relationId"].(int)] {
				continue
			}
			all = append(all, copyMap(reg))
		}
		s.data.mu.Unlock()
		page := intParam(r, "page", 1)
		from := min((page-1)*PageSize, len(all))
		to := min(from+PageSize, len(all))
		out := map[string]any{"registrations": append([]any{}, all[from:to]...)}
		if s.cfg.regLinks {
			q := r.URL.Query()
			href := func(p int) map[string]any {
				q.Set("page", strconv.Itoa(p))
				return map[string]any{"href": "/l/meeting2_api/meetings/registration?" + q.Encode()}
			}
			links := map[string]any{"self": href(page)}
			if to < len(all) {
				links["next"] = href(page + 1)
			}
			out["_links"] = links
		}
		s.reply(w, "listMeetingRegistrations", out)
	})
	s.api("getMeetingRegistrationSchema", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		id, _ := strconv.Atoi(r.PathValue("meetingId"))
		title := ""
		s.data.mu.Lock()
		for _, m := range s.data.meetings {
			if m["id"] == id {
				title = fmt.Sprint(m["title"])
			}
		}
		s.data.mu.Unlock()
		if title == "" {
			notFound(w, "no such meeting")
			return
		}
		s.reply(w, "getMeetingRegistrationSchema", map[string]any{
			"$schema": `http:\/\/json-schema.org\/draft-07\/schema#`, "title": "Registration for " + title, "type": "object",
			"properties": map[string]any{
				"relationId": map[string]any{"title": "Relation ID", "type": "integer"},
				"ticketId":   map[string]any{"title": "Ticket ID", "type": "integer"},
				"remark":     map[string]any{"title": "Remark", "type": "string"},
			},
			"required": []any{"relationId"},
		})
	})
	s.api("listLocations", nil, func(w http.ResponseWriter, r *http.Request, _ *fakekit.Grant) {
		locIDs := intList(r, "locationIds")
		meetIDs := intList(r, "meetingIds")
		s.data.mu.Lock()
		viaMeetings := map[int]bool{}
		for _, m := range s.data.meetings {
			if id, ok := m["id"].(int); ok && meetIDs[id] {
				if ls, ok := m["locationIds"].([]any); ok {
					for _, l := range ls {
						if n, ok := toInt(l); ok {
							viaMeetings[n] = true
						}
					}
				}
			}
		}
		out := []any{}
		for _, l := range s.data.locations {
			id := l["id"].(int)
			if len(locIDs) > 0 && !locIDs[id] {
				continue
			}
			if len(meetIDs) > 0 && !viaMeetings[id] {
				continue
			}
			c := copyMap(l)
			if t := localized(l["title_ml"], r.Header.Get("Accept-Language")); t != "" {
				c["title"] = t
			}
			out = append(out, c)
		}
		s.data.mu.Unlock()
		s.reply(w, "listLocations", map[string]any{"locations": out})
	})
}

// historicalKey marks a seeded past meeting (never sent).
const historicalKey = "\x00historical"

// localized picks the translation of a multilingual string for the first
// language of an Accept-Language header ("en-US,en;q=0.5" → en_US, else en).
func localized(ml any, acceptLanguage string) string {
	items, ok := ml.([]any)
	if !ok || acceptLanguage == "" {
		return ""
	}
	first := strings.TrimSpace(strings.Split(strings.Split(acceptLanguage, ",")[0], ";")[0])
	want := strings.ReplaceAll(first, "-", "_")
	lang := strings.Split(want, "_")[0]
	var byLang string
	for _, it := range items {
		m, _ := it.(map[string]any)
		loc, _ := m["locale"].(string)
		str, _ := m["string"].(string)
		if strings.EqualFold(loc, want) {
			return str
		}
		if byLang == "" && strings.EqualFold(strings.Split(loc, "_")[0], lang) {
			byLang = str
		}
	}
	return byLang
}

func setAllowed(g *fakekit.Grant, id int) bool {
	return g.HasScope("profile/registration") || g.HasScope(fmt.Sprintf("profile/registration/%d", id))
}

func (s *Server) collection(id string) (collection, bool) {
	for _, c := range s.data.collections {
		if strings.EqualFold(c.ID, id) {
			return c, true
		}
	}
	return collection{}, false
}

// embeddedKey is the name of a collection page's embedded relation.
func (s *Server) embeddedKey() string {
	if s.cfg.embeddedKey != "" {
		return s.cfg.embeddedKey
	}
	return "relations"
}

func (s *Server) set(r *http.Request) (registrationSet, bool) {
	id, err := strconv.Atoi(r.PathValue("registrationSetId"))
	if err != nil {
		return registrationSet{}, false
	}
	return s.setByID(id)
}

func (s *Server) setByID(id int) (registrationSet, bool) {
	for _, set := range s.data.sets {
		if set.ID == id {
			return set, true
		}
	}
	return registrationSet{}, false
}

// checkRegistration is the fake's server-side check: required fields and the
// JSON types of known properties.
func checkRegistration(set registrationSet, body map[string]any) []fieldError {
	var out []fieldError
	for _, f := range set.Required {
		if v, ok := body[f]; !ok || v == nil || v == "" {
			out = append(out, fieldError{Field: f, Message: "is required"})
		}
	}
	props, _ := set.Schema["properties"].(map[string]any)
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p, ok := props[k].(map[string]any)
		if !ok {
			continue
		}
		switch p["type"] {
		case "string", "date":
			if _, ok := body[k].(string); !ok {
				out = append(out, fieldError{Field: k, Message: "must be a string"})
			}
		case "integer":
			if n, ok := body[k].(float64); !ok || n != float64(int64(n)) {
				out = append(out, fieldError{Field: k, Message: "must be an integer"})
			}
		case "object":
			if _, ok := body[k].(map[string]any); !ok {
				out = append(out, fieldError{Field: k, Message: "must be an object"})
			}
		}
	}
	return out
}

func badRequest(w http.ResponseWriter, msg string, fields []fieldError) {
	fakekit.WriteJSON(w, http.StatusBadRequest, apiError{Error: "invalid_request", Message: msg, Fields: fields})
}

func notFound(w http.ResponseWriter, msg string) {
	fakekit.WriteJSON(w, http.StatusNotFound, apiError{Error: "not_found", Message: msg})
}

func intParam(r *http.Request, name string, def int) int {
	if v := r.URL.Query().Get(name); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
	}
	return def
}

// intList reads an id list sent as one integer, a comma-separated list, or
// repeated (also as name[]), as the documentation allows.
func intList(r *http.Request, name string) map[int]bool {
	out := map[int]bool{}
	q := r.URL.Query()
	for _, v := range append(q[name], q[name+"[]"]...) {
		for _, p := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
				out[n] = true
			}
		}
	}
	return out
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
