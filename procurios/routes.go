package procurios

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
)

// route is one spec operation as the client needs it: how to recognise its
// requests and which vendor media type (and version) its answers carry.
type route struct {
	method      string
	segments    []string // "" for a path parameter
	operationID string
	mediaType   string // e.g. `application/vnd.procurios.relation+json; version=1`
}

// routeTable maps requests to spec operations. It is read from the embedded
// spec (procuriosapi.SpecJSON, generated from specs/procurios.yaml) so the
// Accept headers can never drift from it.
type routeTable struct {
	serverURL string // the spec's first server URL, e.g. https://{host}/l
	routes    []route
}

// specDoc is the part of an OpenAPI document the route table reads.
type specDoc struct {
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

// specOperation is the part of an operation the route table reads.
type specOperation struct {
	OperationID string `json:"operationId"`
	Responses   map[string]struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true,
}

// parseRoutes builds the route table of an OpenAPI document in JSON: for
// every operation, the media type of its first 2xx response.
func parseRoutes(spec []byte) (*routeTable, error) {
	var doc specDoc
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, fmt.Errorf("procurios: reading the embedded spec: %w", err)
	}
	if len(doc.Servers) == 0 {
		return nil, fmt.Errorf("procurios: the embedded spec has no server")
	}
	t := &routeTable{serverURL: doc.Servers[0].URL}
	for path, item := range doc.Paths {
		for method, raw := range item {
			if !httpMethods[method] {
				continue // path-level parameters, servers
			}
			var op specOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("procurios: reading the embedded spec: %s %s: %w", method, path, err)
			}
			codes := make([]string, 0, len(op.Responses))
			for code := range op.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			var media string
			for _, code := range codes {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				types := make([]string, 0, len(op.Responses[code].Content))
				for ct := range op.Responses[code].Content {
					types = append(types, ct)
				}
				sort.Strings(types)
				for _, ct := range types {
					if mt, _, err := mime.ParseMediaType(ct); err == nil && strings.HasPrefix(mt, "application/vnd.procurios.") {
						media = ct
						break
					}
				}
				if media != "" {
					break
				}
			}
			if media == "" {
				return nil, fmt.Errorf("procurios: operation %s has no vendor media type in the spec", op.OperationID)
			}
			t.routes = append(t.routes, route{
				method:      strings.ToUpper(method),
				segments:    splitTemplate(path),
				operationID: op.OperationID,
				mediaType:   media,
			})
		}
	}
	// Literal segments win over parameters: sort routes so that the most
	// literal one is tried first.
	sort.Slice(t.routes, func(i, j int) bool {
		li, lj := literalCount(t.routes[i].segments), literalCount(t.routes[j].segments)
		if li != lj {
			return li > lj
		}
		return t.routes[i].operationID < t.routes[j].operationID
	})
	return t, nil
}

func splitTemplate(path string) []string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = ""
		}
	}
	return parts
}

func literalCount(segs []string) int {
	n := 0
	for _, s := range segs {
		if s != "" {
			n++
		}
	}
	return n
}

// match finds the operation of a request whose path is relative to the base
// URL's path (e.g. "/relation_list_api/collection/x"). It also returns the
// values of the path parameters in order.
func (t *routeTable) match(method, relPath string) (*route, []string) {
	parts := strings.Split(strings.Trim(relPath, "/"), "/")
	for i := range t.routes {
		r := &t.routes[i]
		if r.method != method || len(r.segments) != len(parts) {
			continue
		}
		var params []string
		ok := true
		for k, seg := range r.segments {
			if seg == "" {
				if parts[k] == "" {
					ok = false
					break
				}
				params = append(params, parts[k])
				continue
			}
			if seg != parts[k] {
				ok = false
				break
			}
		}
		if ok {
			return r, params
		}
	}
	return nil, nil
}

// mediaTypeFor returns the media type for a request made under basePath, or
// "" when the request is not a spec operation.
func (t *routeTable) mediaTypeFor(basePath string, req *http.Request) string {
	rel, ok := strings.CutPrefix(req.URL.Path, strings.TrimSuffix(basePath, "/"))
	if !ok {
		return ""
	}
	if r, _ := t.match(req.Method, rel); r != nil {
		return r.mediaType
	}
	// A GET that follows a HAL link to an operation served with another method
	// is not a case the API has; only exact routes get a media type.
	return ""
}

// MediaType returns the vendor media type (with its version parameter) that
// the spec declares for an operation, e.g. MediaType("listMeetings") is
// `application/vnd.procurios.meeting2+json; version=2`. It is the value the
// client sends in Accept for that operation; "" for an unknown operation.
func (c *Client) MediaType(operationID string) string {
	for _, r := range c.routes.routes {
		if r.operationID == operationID {
			return r.mediaType
		}
	}
	return ""
}
