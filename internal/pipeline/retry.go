package pipeline

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Retry bounds the pipeline's retries. The zero value means the defaults.
type Retry struct {
	// MaxAttempts counts every try, the first included: 1 disables retries.
	// Zero means 4.
	MaxAttempts int
	// BaseDelay is the first backoff step (doubled each attempt, full
	// jitter). Zero means 250ms.
	BaseDelay time.Duration
	// MaxWait caps a single wait, backoff or Retry-After alike. A Retry-After
	// longer than MaxWait is not waited for: the answer is returned as it is.
	// Zero means 30s.
	MaxWait time.Duration
	// MaxTotal caps the sum of the waits of one call: a retry whose wait
	// would take the call's waiting past it is not made, whatever the
	// server's Retry-After values. Zero means 60s.
	MaxTotal time.Duration
	// Sleep waits d or until ctx is done; tests replace it. Nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now tells the time for HTTP-date Retry-After values; nil means time.Now.
	Now func() time.Time
}

func (r Retry) withDefaults() Retry {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 4
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 250 * time.Millisecond
	}
	if r.MaxWait <= 0 {
		r.MaxWait = 30 * time.Second
	}
	if r.MaxTotal <= 0 {
		r.MaxTotal = 60 * time.Second
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r
}

func (r Retry) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// backoff returns the jittered wait before attempt+1.
func (r Retry) backoff(attempt int) time.Duration {
	d := r.BaseDelay << (attempt - 1)
	if d <= 0 || d > r.MaxWait {
		d = r.MaxWait
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// retryDecision says whether to try again after an attempt, and how long to
// wait first.
func (t *transport) retryDecision(ctx context.Context, resp *http.Response, err error, attempt int, replayable, idempotent bool, waited time.Duration) (time.Duration, bool) {
	if attempt >= t.retry.MaxAttempts || !replayable || ctx.Err() != nil {
		return 0, false
	}
	var wait time.Duration
	switch {
	case err != nil:
		if !idempotent || !isConnReset(err) {
			return 0, false
		}
		wait = t.retry.backoff(attempt)
	case resp.StatusCode == http.StatusTooManyRequests:
		// 429 means the request was not processed: safe for any method.
		wait = t.waitFor(resp, attempt)
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusGatewayTimeout:
		if !idempotent {
			return 0, false
		}
		wait = t.waitFor(resp, attempt)
	default:
		return 0, false
	}
	if wait < 0 || wait > t.retry.MaxWait || waited+wait > t.retry.MaxTotal {
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && t.retry.Now().Add(wait).After(dl) {
		return 0, false
	}
	return wait, true
}

func (t *transport) waitFor(resp *http.Response, attempt int) time.Duration {
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), t.retry.Now()); ok {
		return d
	}
	return t.retry.backoff(attempt)
}

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date
// (RFC 9110 §10.2.3). A date in the past gives zero.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	when, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := when.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// cutOffRetry says whether a 2xx answer cut off mid-body may be sent again
// (the attempts, the total wait and the context allow it), and how long to
// wait first.
func (t *transport) cutOffRetry(ctx context.Context, attempt int, waited time.Duration) (time.Duration, bool) {
	if attempt >= t.retry.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	wait := t.retry.backoff(attempt)
	if waited+wait > t.retry.MaxTotal {
		return 0, false
	}
	if dl, ok := ctx.Deadline(); ok && t.retry.Now().Add(wait).After(dl) {
		return 0, false
	}
	return wait, true
}

// isConnReset reports a connection closed or reset before an answer came.
func isConnReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.EPIPE)
}
