package bqecore

import (
	"net/http"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
)

// The rate-limit headers of CORE answers (third-party report; the format of
// their values is not documented, see RateLimit).
const (
	RateLimitLimitHeader     = "X-Rate-Limit-Limit"
	RateLimitRemainingHeader = "X-Rate-Limit-Remaining"
	RateLimitResetHeader     = "X-Rate-Limit-Reset"
)

var rateLimitHeaders = pipeline.RateLimitHeaders{
	Limit:     http.CanonicalHeaderKey(RateLimitLimitHeader),
	Remaining: http.CanonicalHeaderKey(RateLimitRemainingHeader),
	Reset:     http.CanonicalHeaderKey(RateLimitResetHeader),
}

// RateLimit is the X-Rate-Limit-* state of an answer, as BeProduct's
// beproduct.RateLimit is for its X-RateLimit-* headers.
//
// Assumption: CORE's headers are those of ASP.NET's AspNetCoreRateLimit
// or close to them, so the limit header may be a count ("100") or the
// window's period ("1m"), and the reset header Unix seconds, seconds from
// now or a date-time; ParseRateLimit reads each of these forms.
type RateLimit struct {
	// Limit is the number of requests of the window when the limit header
	// is a count (0 when it names the period instead).
	Limit int64
	// Period is the window's length when the limit header names it ("1m"),
	// else 0.
	Period time.Duration
	// Remaining is how many requests are left in the window.
	Remaining int64
	// Reset is when the window resets (zero if the header was absent or
	// unreadable).
	Reset time.Time
}

// ParseRateLimit reads the X-Rate-Limit-* headers of an answer; ok is false
// unless X-Rate-Limit-Remaining is a number and X-Rate-Limit-Limit a count or
// a period.
func ParseRateLimit(h http.Header) (RateLimit, bool) {
	rl, ok := pipeline.ParseRateLimit(h, rateLimitHeaders, time.Now())
	return RateLimit(rl), ok
}

// RateLimit returns the rate-limit state of the latest answer that carried
// the headers (retried attempts included), and false before any.
func (c *Client) RateLimit() (RateLimit, bool) {
	c.rlMu.Lock()
	defer c.rlMu.Unlock()
	return c.rl, c.rlSeen
}

// observe is the pipeline's Observe hook: it keeps the latest rate-limit state.
func (c *Client) observe(resp *http.Response) {
	if rl, ok := ParseRateLimit(resp.Header); ok {
		c.rlMu.Lock()
		c.rl, c.rlSeen = rl, true
		c.rlMu.Unlock()
	}
}

// rateLimitOf returns the state an answer's headers report, nil without one.
func rateLimitOf(h http.Header) *RateLimit {
	if rl, ok := ParseRateLimit(h); ok {
		return &rl
	}
	return nil
}
