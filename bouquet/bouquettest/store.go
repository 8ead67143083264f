package bouquettest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// obj is a stored Bouquet object, kept as its JSON map.
type obj = map[string]any

// store holds every object in collections keyed by kind and parent ids
// ("domains/p1"), in insertion order, with sequential ids per kind ("p1").
type store struct {
	mu    sync.Mutex
	colls map[string]*coll
	seq   map[string]int
}

type coll struct {
	ids  []string
	objs map[string]obj
}

func newStore() *store { return &store{colls: map[string]*coll{}, seq: map[string]int{}} }

func key(kind string, parents []string) string {
	return kind + "/" + strings.Join(parents, "/")
}

func (s *store) coll(k string) *coll {
	c := s.colls[k]
	if c == nil {
		c = &coll{objs: map[string]obj{}}
		s.colls[k] = c
	}
	return c
}

// newID returns the next id of a kind: prefix + sequence number.
func (s *store) newID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq[prefix]++
	return fmt.Sprintf("%s%d", prefix, s.seq[prefix])
}

func (s *store) put(k, id string, o obj) (created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(k)
	if _, ok := c.objs[id]; !ok {
		c.ids = append(c.ids, id)
		created = true
	}
	c.objs[id] = clone(o)
	return created
}

func (s *store) get(k, id string) (obj, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.coll(k).objs[id]
	if !ok {
		return nil, false
	}
	return clone(o), true
}

func (s *store) list(k string) []obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(k)
	out := make([]obj, 0, len(c.ids))
	for _, id := range c.ids {
		out = append(out, clone(c.objs[id]))
	}
	return out
}

func (s *store) del(k, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.coll(k)
	if _, ok := c.objs[id]; !ok {
		return false
	}
	delete(c.objs, id)
	for i, x := range c.ids {
		if x == id {
			c.ids = append(c.ids[:i], c.ids[i+1:]...)
			break
		}
	}
	return true
}

// update applies fn to a stored object under the lock.
func (s *store) update(k, id string, fn func(o obj)) (obj, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.coll(k).objs[id]
	if !ok {
		return nil, false
	}
	fn(o)
	return clone(o), true
}

// clone deep-copies a JSON map.
func clone(o obj) obj {
	b, err := json.Marshal(o)
	if err != nil {
		return obj{}
	}
	var out obj
	if json.Unmarshal(b, &out) != nil {
		return obj{}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// path reads a nested string field: path(o, "id", "projectId").
func path(o obj, keys ...string) string {
	var cur any = o
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	return str(cur)
}
