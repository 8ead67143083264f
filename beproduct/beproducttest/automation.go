package beproducttest

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

type autonumber struct {
	beproductapi.Autonumber
	next int
}

// AutomationRoot returns the Automation API root to pass to
// beproduct.WithAutomationURL (Origin()+"/automation/api").
func (s *Server) AutomationRoot() string { return s.srv.URL + "/automation/api" }

var digits = regexp.MustCompile(`\[(0+)\]`)

// format fills a template's [000…] with n, zero-padded to its width.
func format(template string, n int) string {
	return digits.ReplaceAllStringFunc(template, func(m string) string {
		return fmt.Sprintf("%0*d", len(m)-2, n)
	})
}

// automationHandler serves the Automation API: the token in X-Authorization
// (not Authorization), the company as a query parameter; the requests are
// validated against the spec's Automation operations.
func (s *Server) automationHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		probe := r.Clone(r.Context())
		probe.Header.Set("Authorization", r.Header.Get("X-Authorization"))
		if _, ok := s.oauth.Authenticate(probe); !ok || r.Header.Get("X-Authorization") == "" {
			writeError(w, http.StatusUnauthorized, "Authorization has been denied for this request.", nil)
			return
		}
		if r.Header.Get("Authorization") != "" {
			writeError(w, http.StatusBadRequest, "the Automation API takes its token in X-Authorization", nil)
			return
		}
		if c := r.URL.Query().Get("company"); c != TestCompany {
			writeError(w, http.StatusNotFound, "unknown company "+c, nil)
			return
		}
		rr := r.Clone(r.Context())
		rr.URL.Path = "/api/" + TestCompany + "/" + strings.TrimPrefix(r.URL.Path, "/automation/api/")
		rr.URL.RawPath = ""
		s.validator.ServeHTTP(w, rr)
	})
}

func (s *Server) registerAutomation() {
	q := func(r *http.Request, name string) string { return r.URL.Query().Get(name) }
	s.handle("getNextAutonumber", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		i := slices.IndexFunc(s.autonumbers, func(a *autonumber) bool { return a.Id == q(r, "id") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "autonumber not found", nil)
			return
		}
		a := s.autonumbers[i]
		a.next++
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.AutonumberValue{GeneratedNumber: format(a.Template, a.next)})
	})
	s.handle("createAutonumber", func(w http.ResponseWriter, r *http.Request) {
		var req beproductapi.AutonumberWrite
		if !decode(w, r, &req) {
			return
		}
		if !digits.MatchString(req.Template) {
			writeError(w, http.StatusBadRequest, "validation failed", map[string][]string{"template": {"The template needs a [000…] counter."}})
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		a := &autonumber{Autonumber: beproductapi.Autonumber{Id: s.nextID(), Name: req.Name, Template: req.Template}}
		s.autonumbers = append(s.autonumbers, a)
		fakekit.WriteJSON(w, http.StatusOK, a.Autonumber)
	})
	s.handle("listAutonumbers", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		out := beproductapi.AutonumberList{Autonumbers: []beproductapi.Autonumber{}}
		for _, a := range s.autonumbers {
			if n := q(r, "name"); n == "" || strings.Contains(strings.ToLower(a.Name), strings.ToLower(n)) {
				out.Autonumbers = append(out.Autonumbers, a.Autonumber)
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
	timeout := func(r *http.Request) time.Duration {
		return time.Duration(queryInt(r, "timeout", 60)) * time.Second
	}
	s.handle("setLock", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		name, now := q(r, "name"), s.now()
		if until, held := s.locks[name]; held && until.After(now) {
			fakekit.WriteJSON(w, http.StatusOK, beproductapi.LockState{Name: name, Acquired: false, ExpiresAt: until})
			return
		}
		s.locks[name] = now.Add(timeout(r))
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.LockState{Name: name, Acquired: true, ExpiresAt: s.locks[name]})
	})
	s.handle("deleteLock", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		name := q(r, "name")
		if _, held := s.locks[name]; !held {
			writeError(w, http.StatusNotFound, "lock "+name+" is not held", nil)
			return
		}
		delete(s.locks, name)
		fakekit.WriteJSON(w, http.StatusOK, beproductapi.LockState{Name: name, Acquired: false})
	})
	s.handle("checkLocks", func(w http.ResponseWriter, r *http.Request) {
		var names beproductapi.StringList
		if !decode(w, r, &names) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		now := s.now()
		out := make([]beproductapi.LockState, len(names))
		for i, n := range names {
			until, held := s.locks[n]
			out[i] = beproductapi.LockState{Name: n, Acquired: held && until.After(now)}
			if out[i].Acquired {
				out[i].ExpiresAt = until
			}
		}
		fakekit.WriteJSON(w, http.StatusOK, out)
	})
}
