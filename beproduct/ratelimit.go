package beproduct

import (
	"net/http"
	"strconv"
	"time"
)

// RateLimit is the X-RateLimit-* state of an answer: every BeProduct answer
// carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
// (Unix seconds). See also GetRateLimitStatusWithResponse (GET
// ratelimit/status) for every window at once.
type RateLimit struct {
	// Limit is the number of requests of the current window.
	Limit int64
	// Remaining is how many are left.
	Remaining int64
	// Reset is when the window resets (zero if the header was absent).
	Reset time.Time
}

// RateLimit returns the rate-limit state of the latest answer that carried
// the headers (retried attempts included), and false before any.
func (c *Client) RateLimit() (RateLimit, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rl, c.rl != (RateLimit{})
}

func (c *Client) observe(resp *http.Response) {
	if rl, ok := parseRateLimit(resp.Header); ok {
		c.mu.Lock()
		c.rl = rl
		c.mu.Unlock()
	}
}

// The X-RateLimit-* names in Go's canonical form: looked up directly, they
// cost no allocation per answer (Header.Get would canonicalise each time).
const (
	hdrLimit     = "X-Ratelimit-Limit"
	hdrRemaining = "X-Ratelimit-Remaining"
	hdrReset     = "X-Ratelimit-Reset"
)

func headerValue(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parseRateLimit reads the X-RateLimit-* headers; ok is false unless Limit
// and Remaining are both present and numeric.
func parseRateLimit(h http.Header) (RateLimit, bool) {
	limit, err1 := strconv.ParseInt(headerValue(h, hdrLimit), 10, 64)
	remaining, err2 := strconv.ParseInt(headerValue(h, hdrRemaining), 10, 64)
	if err1 != nil || err2 != nil {
		return RateLimit{}, false
	}
	rl := RateLimit{Limit: limit, Remaining: remaining}
	if reset, err := strconv.ParseInt(headerValue(h, hdrReset), 10, 64); err == nil && reset > 0 {
		rl.Reset = time.Unix(reset, 0).UTC()
	}
	return rl, true
}
