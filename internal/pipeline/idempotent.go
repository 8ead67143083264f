package pipeline

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/oasuite/sdk/specs"
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
// of the operations vendor's embedded spec marks with x-oasuite-idempotent:
// true, for Config.Idempotent. A request is matched to the spec's most
// specific operation of its method whose path template matches the URL
// path's last segments, without allocating. The spec is read once per
// process (its paths only, not the whole document).
func SpecIdempotent(vendor string) (func(*http.Request) bool, error) {
	t, err := loadIdemTable(vendor)
	if err != nil {
		return nil, err
	}
	if !t.any {
		return func(*http.Request) bool { return false }, nil
	}
	return t.match, nil
}

func loadIdemTable(vendor string) (*idemTable, error) {
	idemMu.Lock()
	defer idemMu.Unlock()
	if t := idemTables[vendor]; t != nil {
		return t, nil
	}
	raw, err := specs.Load(vendor)
	if err != nil {
		return nil, err
	}
	t, err := scanIdemTable(raw)
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
func scanIdemTable(raw []byte) (*idemTable, error) {
	t := &idemTable{}
	inPaths := false
	path := ""
	cur := -1
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		key, rest, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch {
		case indent == 0:
			inPaths = key == "paths"
			path, cur = "", -1
		case !inPaths:
		case indent == 2:
			path, cur = strings.Trim(key, `'"`), -1
			if !strings.HasPrefix(path, "/") {
				return nil, fmt.Errorf("paths: %q is not a path", path)
			}
		case indent == 4 && path != "":
			cur = -1
			if m, ok := methods[key]; ok {
				r := idemRoute{method: m, path: path}
				for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
					if strings.Contains(seg, "{") {
						seg = ""
					} else {
						r.score++
					}
					r.segs = append(r.segs, seg)
				}
				t.routes = append(t.routes, r)
				cur = len(t.routes) - 1
			}
		case indent == 6 && cur >= 0 && key == ExtIdempotent:
			t.routes[cur].idempotent = strings.TrimSpace(rest) == "true"
			t.any = t.any || t.routes[cur].idempotent
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
