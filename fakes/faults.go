package fakes

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Forever as Fault.Times keeps a fault active until it is cleared
// (Server.ClearFaults, Faults.Clear).
const Forever = -1

// Fault is one injected misbehaviour. A request matches when every non-empty selector
// matches; the first matching queued fault with uses left applies. What it does, in order:
// wait Delay (giving up silently when the request's context ends), then Hang, Drop, or answer
// Status; a fault with only a Delay lets the request through, slowly.
type Fault struct {
	// Method matches the request method ("" any).
	Method string
	// Path matches the start of the URL path ("" any).
	Path string
	// OperationID matches the spec operation, e.g. "listCampaigns".
	OperationID string
	// Match, when set, must also return true.
	Match func(r *http.Request) bool
	// Times is how many requests the fault applies to: 0 means once, Forever means until Clear.
	Times int

	// Status answers with this code (with Header, RetryAfter, Body/JSON).
	Status int
	// Header is added to the answer.
	Header http.Header
	// RetryAfter sets "Retry-After" to these seconds (rounded up).
	RetryAfter time.Duration
	// RetryAfterDate sets "Retry-After" to this HTTP date.
	RetryAfterDate time.Time
	// Body is the raw answer body; JSON, when set, is marshalled instead (application/json).
	Body []byte
	JSON any

	// Delay waits before answering (or before passing the request through).
	Delay time.Duration
	// Drop closes the connection without an answer (hijack and close; HTTP/2 resets the stream).
	Drop bool
	// Hang never answers: the handler returns only when the request's context ends or the
	// faults are cleared.
	Hang bool
}

type faultRule struct {
	Fault
	left int // remaining uses; < 0 forever
}

func (f *Fault) matches(r *http.Request, op string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		(f.Path == "" || strings.HasPrefix(r.URL.Path, f.Path)) &&
		(f.OperationID == "" || f.OperationID == op) &&
		(f.Match == nil || f.Match(r))
}

// Faults is a queue of faults that tests (or sandbox users) add and a middleware applies;
// every fake has one (Server.AddFault, FailNext, ClearFaults, FaultsFired).
// The zero value is ready to use; all methods are safe for concurrent use.
type Faults struct {
	mu      sync.Mutex
	rules   []*faultRule
	release chan struct{}
	fired   int
}

// Add queues a fault.
func (f *Faults) Add(ft Fault) {
	left := ft.Times
	if left == 0 {
		left = 1
	}
	f.mu.Lock()
	f.rules = append(f.rules, &faultRule{Fault: ft, left: left})
	f.mu.Unlock()
}

// Clear removes every queued fault and releases hanging requests.
func (f *Faults) Clear() {
	f.mu.Lock()
	f.rules = nil
	if f.release != nil {
		close(f.release)
		f.release = nil
	}
	f.mu.Unlock()
}

// Pending returns how many queued faults still have uses left.
func (f *Faults) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rules)
}

// Fired returns how many requests a fault has applied to.
func (f *Faults) Fired() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fired
}

// take finds and consumes the first matching fault.
func (f *Faults) take(r *http.Request, op string) (*Fault, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, rule := range f.rules {
		if !rule.matches(r, op) {
			continue
		}
		if rule.left > 0 {
			rule.left--
			if rule.left == 0 {
				f.rules = append(f.rules[:i:i], f.rules[i+1:]...)
			}
		}
		f.fired++
		if f.release == nil {
			f.release = make(chan struct{})
		}
		ft := rule.Fault
		return &ft, f.release
	}
	return nil, nil
}

// Middleware applies queued faults before next (OperationID selectors never match).
func (f *Faults) Middleware(next http.Handler) http.Handler { return f.Wrap(next, nil) }

// Wrap applies queued faults before next; operationOf (a fake's spec router) names the
// spec operation of a request so that Fault.OperationID can match.
func (f *Faults) Wrap(next http.Handler, operationOf func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := ""
		if operationOf != nil {
			op = operationOf(r)
		}
		ft, release := f.take(r, op)
		if ft == nil {
			next.ServeHTTP(w, r)
			return
		}
		if ft.Delay > 0 {
			t := time.NewTimer(ft.Delay)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-release:
				t.Stop()
			case <-t.C:
			}
		}
		switch {
		case ft.Hang:
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		case ft.Drop:
			dropConnection(w)
			return
		case ft.Status == 0:
			next.ServeHTTP(w, r)
			return
		}
		writeFault(w, ft)
	})
}

func writeFault(w http.ResponseWriter, ft *Fault) {
	h := w.Header()
	for k, vs := range ft.Header {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	if ft.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64(math.Ceil(ft.RetryAfter.Seconds())), 10))
	}
	if !ft.RetryAfterDate.IsZero() {
		h.Set("Retry-After", ft.RetryAfterDate.UTC().Format(http.TimeFormat))
	}
	body := ft.Body
	if ft.JSON != nil {
		b, err := json.Marshal(ft.JSON)
		if err == nil {
			body = b
			if h.Get("Content-Type") == "" {
				h.Set("Content-Type", "application/json")
			}
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(ft.Status)
	_, _ = w.Write(body)
}

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2: the server resets the stream
}
