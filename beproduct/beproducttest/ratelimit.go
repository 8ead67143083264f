package beproducttest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/fakekit"
)

// window is one rate-limit window.
type window struct {
	limit int
	size  time.Duration
	start time.Time
	used  int
}

var windowNames = []string{"per_minute", "per_hour", "per_day"}

func (s *Server) windowLocked(name string, now time.Time) *window {
	w := s.windows[name]
	if w == nil {
		switch name {
		case "per_minute":
			w = &window{limit: s.cfg.perMinute, size: time.Minute}
		case "per_hour":
			w = &window{limit: s.cfg.perHour, size: time.Hour}
		default:
			w = &window{limit: s.cfg.perDay, size: 24 * time.Hour}
		}
		s.windows[name] = w
	}
	if start := now.Truncate(w.size); !start.Equal(w.start) {
		w.start, w.used = start, 0
	}
	return w
}

// take counts one request (when count) against every window and returns the
// rate-limit headers, or the 429 body when a window is spent.
func (s *Server) take(count bool) (http.Header, *errorBody) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var tight *window
	for _, n := range windowNames {
		w := s.windowLocked(n, now)
		if w.used >= w.limit && count {
			reset := w.start.Add(w.size)
			secs := int64(reset.Sub(now).Seconds() + 0.999)
			return rateHeaders(w), &errorBody{
				Message: "API rate limit exceeded", Window: n, Limit: int64(w.limit), RetryAfterSeconds: max(secs, 1),
			}
		}
	}
	for _, n := range windowNames {
		w := s.windowLocked(n, now)
		if count {
			w.used++
		}
		if tight == nil || w.limit-w.used <= tight.limit-tight.used {
			tight = w
		}
	}
	return rateHeaders(tight), nil
}

func rateHeaders(w *window) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(w.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(max(w.limit-w.used, 0)))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(w.start.Add(w.size).Unix(), 10))
	return h
}

// QuotaUsed returns how many requests today's window has counted.
func (s *Server) QuotaUsed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.windowLocked("per_day", s.now()).used
}

func (s *Server) getRateLimitStatus(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	now := s.now()
	win := func(n string) beproductapi.RateLimitWindow {
		x := s.windowLocked(n, now)
		return beproductapi.RateLimitWindow{Limit: int64(x.limit), Remaining: int64(max(x.limit-x.used, 0)), Used: int64(x.used), ResetAt: x.start.Add(x.size)}
	}
	out := beproductapi.RateLimitStatus{PerMinute: win("per_minute"), PerHour: win("per_hour"), PerDay: win("per_day")}
	s.mu.Unlock()
	fakekit.WriteJSON(w, http.StatusOK, out)
}
