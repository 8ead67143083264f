// Package ratelimit describes request budgets shared by a fleet of clients:
// the windows a vendor counts requests in, the [Limiter] a vendor client asks
// before every request, and the error a spent budget returns.
//
// A vendor's quota belongs to the account, not to the process: BeProduct
// allows an organisation 2000 (Business) or 25000 (Enterprise) requests a day
// and refuses the rest, whichever of its workers sends them. A Limiter that
// all workers share keeps the fleet inside the budget and fails fast, with an
// [*ExceededError] saying when the window resets, instead of sending requests
// the vendor will refuse. The Redis-backed implementation is in the
// sub-package ratelimit/redislimit; this package has no dependency, so vendor
// packages can accept a Limiter without importing a Redis client.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Limiter decides whether one more request may be sent now. Allow takes one
// request from the budget and returns nil, or returns an error wrapping
// [ErrExceeded] (an [*ExceededError]) without sending anything when a window
// is spent; other errors mean the budget could not be checked.
//
// Allow has the signature of the request pipeline's limit hook, so a method
// value (l.Allow) plugs in directly; vendor clients take a Limiter through
// their WithRateLimit option. Every attempt counts, retries included, as the
// vendor counts them.
type Limiter interface {
	Allow(ctx context.Context, req *http.Request) error
}

// LimiterFunc adapts a function to [Limiter].
type LimiterFunc func(ctx context.Context, req *http.Request) error

// Allow calls f.
func (f LimiterFunc) Allow(ctx context.Context, req *http.Request) error { return f(ctx, req) }

// Window is one fixed window of a budget: at most Limit requests per Period.
// Windows are aligned to the Unix epoch as the limiter's clock tells it, so a
// day runs from midnight to midnight UTC and a minute from second 0 to 59.
type Window struct {
	// Name labels the window in errors and storage keys ("minute", "day").
	// Empty: derived from Period.
	Name string
	// Limit is the number of requests allowed per window.
	Limit int64
	// Period is the window's length, a whole number of milliseconds.
	Period time.Duration
}

// PerSecond is a window of n requests per second.
func PerSecond(n int64) Window { return Window{Name: "second", Limit: n, Period: time.Second} }

// PerMinute is a window of n requests per minute.
func PerMinute(n int64) Window { return Window{Name: "minute", Limit: n, Period: time.Minute} }

// PerHour is a window of n requests per hour.
func PerHour(n int64) Window { return Window{Name: "hour", Limit: n, Period: time.Hour} }

// PerDay is a window of n requests per day (UTC).
func PerDay(n int64) Window { return Window{Name: "day", Limit: n, Period: 24 * time.Hour} }

// Label returns Name, or a name derived from Period ("1m0s").
func (w Window) Label() string {
	if w.Name != "" {
		return w.Name
	}
	return w.Period.String()
}

// Validate reports whether w can be enforced: a positive limit and a period
// of at least one millisecond, in whole milliseconds.
func (w Window) Validate() error {
	switch {
	case w.Limit <= 0:
		return fmt.Errorf("ratelimit: window %q: limit must be positive", w.Label())
	case w.Period < time.Millisecond || w.Period%time.Millisecond != 0:
		return fmt.Errorf("ratelimit: window %q: period must be a positive whole number of milliseconds", w.Label())
	}
	return nil
}

// ErrExceeded is matched (errors.Is) by every [*ExceededError].
var ErrExceeded = errors.New("ratelimit: request budget spent")

// ExceededError is returned by a [Limiter] when a window of the budget has no
// request left. Nothing was sent. Wait until ResetAt (or RetryAfter) before
// trying again; errors.Is(err, ErrExceeded) matches it.
type ExceededError struct {
	// Budget names the shared budget (the limiter's key, e.g. "beproduct:acme").
	Budget string
	// Window is the spent window; when several are spent, the one that
	// resets last.
	Window Window
	// Used is how many requests the window has counted.
	Used int64
	// ResetAt is when the window resets, on this machine's clock.
	ResetAt time.Time
	// RetryAfter is how long until ResetAt, measured when the error was made.
	RetryAfter time.Duration
}

// Error says which budget and window are spent and when the window resets.
func (e *ExceededError) Error() string {
	return fmt.Sprintf("ratelimit: budget %q spent: %d requests per %s (%s); resets in %s at %s",
		e.Budget, e.Window.Limit, e.Window.Period, e.Window.Label(),
		e.RetryAfter.Round(time.Millisecond), e.ResetAt.UTC().Format(time.RFC3339))
}

// Is matches [ErrExceeded].
func (e *ExceededError) Is(target error) bool { return target == ErrExceeded }
