package beproduct

import (
	"context"
	"net/http"
	"time"

	"github.com/oasuite/sdk/internal/pipeline"
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

// rateLimitHeaders are the X-RateLimit-* names in Go's canonical form:
// looked up directly, they cost no allocation per answer.
var rateLimitHeaders = pipeline.RateLimitHeaders{
	Limit: "X-Ratelimit-Limit", Remaining: "X-Ratelimit-Remaining", Reset: "X-Ratelimit-Reset",
}

// parseRateLimit reads the X-RateLimit-* headers with the pipeline's shared
// parser; ok is false unless Limit and Remaining are both numbers (BeProduct
// sends counts, never a period). Reset is BeProduct's Unix seconds.
func parseRateLimit(h http.Header) (RateLimit, bool) {
	rl, ok := pipeline.ParseRateLimit(h, rateLimitHeaders, time.Now())
	if !ok || rl.Period != 0 {
		return RateLimit{}, false
	}
	return RateLimit{Limit: rl.Limit, Remaining: rl.Remaining, Reset: rl.Reset}, true
}

// WithQuotaWait makes a request wait, before it is sent, while the latest
// answer said X-RateLimit-Remaining: 0 and its X-RateLimit-Reset is still
// ahead, instead of spending a request on a 429 (the TypeScript SDK does the
// same, up to 120 s). max caps the wait: a reset further away than max is
// not waited for, and the request goes out as usual. The wait ends early
// with the context's error when ctx is done. Retries and replays wait the
// same way. Off by default (max 0), so that a shared limiter
// (WithRateLimit, e.g. ratelimit/redislimit) stays the only gate when one
// is used; with both, the quota wait comes first.
func WithQuotaWait(max time.Duration) Option { return func(o *options) { o.quotaWait = max } }

// limitChain is the pipeline's before-each-attempt hook: the quota wait,
// then the shared limiter (either may be off).
func limitChain(c *Client, o options) func(ctx context.Context, req *http.Request) error {
	max, lim := o.quotaWait, o.limiter
	switch {
	case max <= 0 && lim == nil:
		return nil
	case max <= 0:
		return lim.Allow
	}
	return func(ctx context.Context, req *http.Request) error {
		if err := c.waitQuota(ctx, max); err != nil {
			return err
		}
		if lim != nil {
			return lim.Allow(ctx, req)
		}
		return nil
	}
}

// waitQuota sleeps until the window of the latest answer resets when that
// answer left no request, if the reset is at most max away.
func (c *Client) waitQuota(ctx context.Context, max time.Duration) error {
	c.mu.Lock()
	rl := c.rl
	c.mu.Unlock()
	if rl.Remaining > 0 || rl.Limit == 0 || rl.Reset.IsZero() {
		return nil
	}
	d := time.Until(rl.Reset)
	if d <= 0 || d > max {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
