package fakekit

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
)

// Tamper changes the answers of one operation after the fake's handler has
// written them: the drift a real vendor may show against our spec. Tests use
// it to prove that response validation and `oasuite check` notice exactly
// what was changed.
type Tamper struct {
	// OperationID selects the operation (needs Wrap with a Validator's
	// OperationOf).
	OperationID string
	// From and To rename every object key From in the JSON body to To
	// (From "" leaves the body alone).
	From, To string
	// Status, when not 0, replaces the answer's status code.
	Status int
}

// Tampers is a set of Tamper rules a middleware applies. The zero value is
// ready to use; its methods are safe for concurrent use.
type Tampers struct {
	mu    sync.Mutex
	rules []Tamper
}

// Add adds a rule; it applies to every matching answer until Clear.
func (t *Tampers) Add(tp Tamper) {
	t.mu.Lock()
	t.rules = append(t.rules, tp)
	t.mu.Unlock()
}

// Clear removes every rule.
func (t *Tampers) Clear() {
	t.mu.Lock()
	t.rules = nil
	t.mu.Unlock()
}

func (t *Tampers) matching(op string) []Tamper {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Tamper
	for _, r := range t.rules {
		if r.OperationID == op {
			out = append(out, r)
		}
	}
	return out
}

func (t *Tampers) empty() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.rules) == 0
}

// Wrap applies the rules to the answers of next; operationOf names the spec
// operation of a request.
func (t *Tampers) Wrap(next http.Handler, operationOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t.empty() || operationOf == nil {
			next.ServeHTTP(w, r)
			return
		}
		rules := t.matching(operationOf(r))
		if len(rules) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		status, body := rec.Code, rec.Body.Bytes()
		for _, rule := range rules {
			if rule.From != "" {
				body = renameKeys(body, rule.From, rule.To)
			}
			if rule.Status != 0 {
				status = rule.Status
			}
		}
		h := w.Header()
		for k, vs := range rec.Header() {
			h[k] = vs
		}
		if h.Get("Content-Length") != "" {
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// renameKeys renames the object keys from to to everywhere in a JSON body;
// a body that is not JSON is returned unchanged.
func renameKeys(body []byte, from, to string) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return body
	}
	out, err := json.Marshal(rename(v, from, to))
	if err != nil {
		return body
	}
	return out
}

func rename(v any, from, to string) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			if k == from {
				k = to
			}
			m[k] = rename(val, from, to)
		}
		return m
	case []any:
		for i := range x {
			x[i] = rename(x[i], from, to)
		}
		return x
	}
	return v
}
