package bidcoretest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// object is one stored entity, as JSON-ready values (ids as int64, other numbers as json.Number).
type object = map[string]any

// apiError is an answer the fake gives instead of a success: a status and its JSON body.
type apiError struct {
	status int
	body   any
}

func detail(status int, format string, args ...any) *apiError {
	return &apiError{status: status, body: map[string]any{"detail": fmt.Sprintf(format, args...)}}
}

func fieldError(field, format string, args ...any) *apiError {
	return &apiError{status: 400, body: map[string][]string{field: {fmt.Sprintf(format, args...)}}}
}

type collection struct {
	def    *entityDef
	items  map[int64]object
	nextID int64
}

// store holds every entity. It is not safe for concurrent use; Server locks around it.
type store struct {
	cols     map[string]*collection
	defaults map[string]object // per collection: the values a missing input field takes
}

func newStore(defs []entityDef, defaults map[string]object) *store {
	s := &store{cols: map[string]*collection{}, defaults: defaults}
	for i := range defs {
		d := &defs[i]
		s.cols[d.collection] = &collection{def: d, items: map[int64]object{}, nextID: 1}
	}
	return s
}

// list returns the ids of the collection's entities matching filters (field → value), by id.
func (s *store) list(col string, filters map[string]string) []object {
	c := s.cols[col]
	ids := make([]int64, 0, len(c.items))
	for id, o := range c.items {
		ok := true
		for f, v := range filters {
			if fmt.Sprint(o[f]) != v {
				ok = false
				break
			}
		}
		if ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]object, len(ids))
	for i, id := range ids {
		out[i] = c.items[id]
	}
	return out
}

func (s *store) get(col string, id int64) (object, *apiError) {
	c := s.cols[col]
	o, ok := c.items[id]
	if !ok {
		return nil, detail(404, "Not found.")
	}
	return o, nil
}

// build makes the stored form of an input body: defaults for missing fields, ids as int64, refs
// checked to exist, uniqueness checked (self is the id being replaced, 0 on create).
func (s *store) build(col string, in object, self int64) (object, *apiError) {
	c := s.cols[col]
	o := object{}
	for k, v := range s.defaults[col] {
		o[k] = v
	}
	for k, v := range in {
		o[k] = v
	}
	for _, r := range c.def.refs {
		v, present := o[r.field]
		if !present {
			continue
		}
		if r.many {
			raw, _ := v.([]any)
			ids := make([]int64, 0, len(raw))
			for _, x := range raw {
				id, err := toID(x)
				if err != nil {
					return nil, fieldError(r.field, "Incorrect type. Expected pk value.")
				}
				if _, ok := s.cols[r.target].items[id]; !ok {
					return nil, fieldError(r.field, "Invalid pk \"%d\" - object does not exist.", id)
				}
				ids = append(ids, id)
			}
			o[r.field] = ids
			continue
		}
		id, err := toID(v)
		if err != nil {
			return nil, fieldError(r.field, "Incorrect type. Expected pk value.")
		}
		if _, ok := s.cols[r.target].items[id]; !ok {
			return nil, fieldError(r.field, "Invalid pk \"%d\" - object does not exist.", id)
		}
		o[r.field] = id
	}
	if sd, ed := o["start_date"], o["end_date"]; sd != nil && ed != nil {
		if fmt.Sprint(ed) < fmt.Sprint(sd) {
			return nil, fieldError("non_field_errors", "end_date must not be before start_date.")
		}
	}
	for _, u := range c.def.unique {
		for id, other := range c.items {
			if id == self {
				continue
			}
			same := true
			for _, f := range u {
				if fmt.Sprint(other[f]) != fmt.Sprint(o[f]) {
					same = false
					break
				}
			}
			if same {
				return nil, detail(409, "Database error: duplicate key value violates unique constraint %q (%s).",
					strings.ReplaceAll(col, "-", "_")+"_"+strings.Join(u, "_")+"_key", strings.Join(u, ", "))
			}
		}
	}
	return o, nil
}

func (s *store) create(col string, in object) (object, *apiError) {
	o, e := s.build(col, in, 0)
	if e != nil {
		return nil, e
	}
	c := s.cols[col]
	id := c.nextID
	c.nextID++
	o["id"] = id
	c.items[id] = o
	return o, nil
}

func (s *store) update(col string, id int64, in object) *apiError {
	c := s.cols[col]
	if _, ok := c.items[id]; !ok {
		return detail(404, "Not found.")
	}
	o, e := s.build(col, in, id)
	if e != nil {
		return e
	}
	o["id"] = id
	c.items[id] = o
	return nil
}

// dependents counts, per collection, the entities that refer to col/id.
func (s *store) dependents(col string, id int64) map[string]int {
	deps := map[string]int{}
	for name, c := range s.cols {
		for _, r := range c.def.refs {
			if r.target != col {
				continue
			}
			for _, o := range c.items {
				switch v := o[r.field].(type) {
				case int64:
					if v == id {
						deps[name]++
					}
				case []int64:
					if slices.Contains(v, id) {
						deps[name]++
					}
				}
			}
		}
	}
	return deps
}

func (s *store) remove(col string, id int64) *apiError {
	c := s.cols[col]
	if _, ok := c.items[id]; !ok {
		return detail(404, "Not found.")
	}
	if deps := s.dependents(col, id); len(deps) > 0 {
		names := make([]string, 0, len(deps))
		for n, k := range deps {
			names = append(names, fmt.Sprintf("%d %s", k, n))
		}
		sort.Strings(names)
		return detail(406, "Cannot delete %s %d: %s depend on it. Delete or reassign them first.",
			c.def.singular, id, strings.Join(names, ", "))
	}
	delete(c.items, id)
	return nil
}

func toID(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case json.Number:
		return strconv.ParseInt(string(x), 10, 64)
	case float64:
		if x == float64(int64(x)) {
			return int64(x), nil
		}
	}
	return 0, fmt.Errorf("not an id: %v", v)
}
