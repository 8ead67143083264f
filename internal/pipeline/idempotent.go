package pipeline

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// ExtIdempotent is the spec extension that marks an operation safe to send
// twice although its method is not (a read sent as POST: a search, a list
// with a filter body). The pipeline retries such requests on 502–504 and
// connection resets as it does GETs (Config.Idempotent, SpecIdempotent).
const ExtIdempotent = "x-oasuite-idempotent"

// idemRoute is one operation of a spec, for matching request paths by
// their last segments (any base URL routes the same).
type idemRoute struct {
	method     string
	path       string   // the template
	segs       []string // "" for a parameter
	score      int      // literal segments
	idempotent bool
}

type idemTable struct {
	routes []idemRoute
	any    bool
}

var (
	idemMu     sync.Mutex
	idemTables = map[string]*idemTable{}
)

// SpecIdempotent returns a predicate that reports whether a request is one
// of the operations vendor's spec marks with x-oasuite-idempotent: true, for
// Config.Idempotent. specJSON is the spec as its generated package embeds it
// (gen/<vendor>api.SpecJSON()), so that a client links no YAML and no other
// vendor's spec. A request is matched to the spec's most specific operation
// of its method whose path template matches the URL path's last segments,
// without allocating. The spec is read once per process per vendor.
func SpecIdempotent(vendor, specJSON string) (func(*http.Request) bool, error) {
	t, err := loadIdemTable(vendor, specJSON)
	if err != nil {
		return nil, err
	}
	if !t.any {
		return func(*http.Request) bool { return false }, nil
	}
	return t.match, nil
}

func loadIdemTable(vendor, specJSON string) (*idemTable, error) {
	idemMu.Lock()
	defer idemMu.Unlock()
	if t := idemTables[vendor]; t != nil {
		return t, nil
	}
	t, err := scanIdemTable([]byte(specJSON))
	if err != nil {
		return nil, fmt.Errorf("oasuite: the %s spec: %w", vendor, err)
	}
	// The same order as the response validator's index: most literal
	// first, then longest; the first match wins.
	sort.Slice(t.routes, func(i, j int) bool {
		a, b := t.routes[i], t.routes[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.segs) != len(b.segs) {
			return len(a.segs) > len(b.segs)
		}
		return strings.Join(a.segs, "/")+a.method < strings.Join(b.segs, "/")+b.method
	})
	idemTables[vendor] = t
	return t, nil
}

var methods = map[string]string{"get": http.MethodGet, "post": http.MethodPost, "put": http.MethodPut, "patch": http.MethodPatch,
	"delete": http.MethodDelete, "head": http.MethodHead, "options": http.MethodOptions, "trace": http.MethodTrace}

// scanIdemTable reads the operations of a spec and their
// x-oasuite-idempotent marks from its text, in the layout the hand-kept
// specs follow (and speclint checks): a path at indent 2 under paths:, its
// methods at indent 4, an operation's keys at indent 6. It costs a line
// scan instead of a YAML parse of the whole document (~2 ms against ~300 ms
// for BeProduct's); a test checks it against a full parse of every spec.
func scanIdemTable(specJSON []byte) (*idemTable, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(specJSON, &doc); err != nil {
		return nil, err
	}
	t := &idemTable{}
	for path, item := range doc.Paths {
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("paths: %q is not a path", path)
		}
		for key, raw := range item {
			m, ok := methods[key]
			if !ok {
				continue
			}
			var op map[string]json.RawMessage
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("paths: %s %s: %w", m, path, err)
			}
			r := idemRoute{method: m, path: path}
			if ext, ok := op[ExtIdempotent]; ok {
				if err := json.Unmarshal(ext, &r.idempotent); err != nil {
					return nil, fmt.Errorf("paths: %s %s: %s: %w", m, path, ExtIdempotent, err)
				}
			}
			for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
				if strings.Contains(seg, "{") {
					seg = ""
				} else {
					r.score++
				}
				r.segs = append(r.segs, seg)
			}
			t.routes = append(t.routes, r)
			t.any = t.any || r.idempotent
		}
	}
	return t, nil
}

func (t *idemTable) match(req *http.Request) bool {
	p := req.URL.Path
	for i := range t.routes {
		r := &t.routes[i]
		if r.method == req.Method && tailMatches(p, r.segs) {
			return r.idempotent
		}
	}
	return false
}

// tailMatches reports whether the last len(segs) segments of the path p
// match segs ("" matches any non-empty segment).
func tailMatches(p string, segs []string) bool {
	p = strings.TrimSuffix(p, "/")
	for i := len(segs) - 1; i >= 0; i-- {
		j := strings.LastIndexByte(p, '/')
		if j < 0 {
			return false
		}
		seg := p[j+1:]
		if seg == "" || (segs[i] != "" && seg != segs[i]) {
			return false
		}
		p = p[:j]
	}
	return true
}
