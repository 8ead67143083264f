package pipeline

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RateLimitHeaders names the three headers a vendor reports its rate-limit
// state in, in Go's canonical form (http.CanonicalHeaderKey): looked up
// directly, they cost no allocation per answer.
type RateLimitHeaders struct {
	Limit, Remaining, Reset string
}

// RateLimit is the rate-limit state one answer reports.
type RateLimit struct {
	// Limit is the number of requests of the window, when the limit header
	// is a number (0 when it names a period instead).
	Limit int64
	// Period is the window's length, when the limit header names one
	// ("1m", "1h", "30s", "1d"; the style of ASP.NET's AspNetCoreRateLimit),
	// else 0.
	Period time.Duration
	// Remaining is how many requests are left in the window.
	Remaining int64
	// Reset is when the window resets; zero when the header is absent or
	// unreadable.
	Reset time.Time
}

// ParseRateLimit reads the rate-limit headers names of h. ok is false unless
// the remaining header is a number and the limit header a number or a period.
// The reset header may be Unix seconds, seconds from now (a number below
// 10^9), an RFC 3339 date-time or an HTTP date; now resolves the relative form.
func ParseRateLimit(h http.Header, names RateLimitHeaders, now time.Time) (RateLimit, bool) {
	var rl RateLimit
	rem, err := strconv.ParseInt(strings.TrimSpace(first(h, names.Remaining)), 10, 64)
	if err != nil || rem < 0 {
		return RateLimit{}, false
	}
	rl.Remaining = rem
	lim := strings.TrimSpace(first(h, names.Limit))
	if n, err := strconv.ParseInt(lim, 10, 64); err == nil && n >= 0 {
		rl.Limit = n
	} else if d, ok := parsePeriod(lim); ok {
		rl.Period = d
	} else {
		return RateLimit{}, false
	}
	rl.Reset = parseReset(strings.TrimSpace(first(h, names.Reset)), now)
	return rl, true
}

func first(h http.Header, canonical string) string {
	if v := h[canonical]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// parsePeriod reads "1m", "12h", "1d", "30s" (and Go durations such as "1h30m").
func parsePeriod(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.ParseFloat(n, 64); err == nil && v > 0 {
			return time.Duration(v * float64(24*time.Hour)), true
		}
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

func parseReset(s string, now time.Time) time.Time {
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case n >= 1_000_000_000:
			return time.Unix(n, 0).UTC()
		case n >= 0:
			return now.Add(time.Duration(n) * time.Second).UTC().Truncate(time.Second)
		}
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	if t, err := http.ParseTime(s); err == nil {
		return t.UTC()
	}
	return time.Time{}
}
