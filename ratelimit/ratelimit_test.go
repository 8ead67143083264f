package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/ratelimit"
)

func TestWindows(t *testing.T) {
	for _, c := range []struct {
		w      ratelimit.Window
		label  string
		period time.Duration
	}{
		{ratelimit.PerSecond(5), "second", time.Second},
		{ratelimit.PerMinute(60), "minute", time.Minute},
		{ratelimit.PerHour(1000), "hour", time.Hour},
		{ratelimit.PerDay(2000), "day", 24 * time.Hour},
		{ratelimit.Window{Limit: 1, Period: 90 * time.Second}, "1m30s", 90 * time.Second},
	} {
		if c.w.Label() != c.label || c.w.Period != c.period || c.w.Validate() != nil {
			t.Errorf("%+v: label %q, valid %v", c.w, c.w.Label(), c.w.Validate())
		}
	}
	for _, w := range []ratelimit.Window{
		{Limit: 0, Period: time.Minute},
		{Limit: 1, Period: 0},
		{Limit: 1, Period: time.Microsecond},
		{Limit: 1, Period: 1500 * time.Microsecond},
	} {
		if w.Validate() == nil {
			t.Errorf("%+v accepted", w)
		}
	}
}

func TestExceededError(t *testing.T) {
	reset := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	var err error = fmt.Errorf("call: %w", &ratelimit.ExceededError{
		Budget: "beproduct:acme", Window: ratelimit.PerDay(2000), Used: 2000,
		ResetAt: reset, RetryAfter: 3*time.Hour + 1500*time.Microsecond,
	})
	if !errors.Is(err, ratelimit.ErrExceeded) {
		t.Fatal("does not match ErrExceeded")
	}
	var ee *ratelimit.ExceededError
	if !errors.As(err, &ee) || ee.ResetAt != reset {
		t.Fatal("errors.As failed")
	}
	msg := err.Error()
	for _, want := range []string{`"beproduct:acme"`, "2000 requests per 24h0m0s (day)", "resets in 3h0m0.002s", "2026-11-24T00:00:00Z"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if errors.Is(errors.New("other"), ratelimit.ErrExceeded) {
		t.Error("unrelated error matched")
	}
}

func TestLimiterFunc(t *testing.T) {
	var got *http.Request
	var l ratelimit.Limiter = ratelimit.LimiterFunc(func(_ context.Context, r *http.Request) error { got = r; return nil })
	req, _ := http.NewRequest(http.MethodGet, "https://example.com", nil)
	if err := l.Allow(context.Background(), req); err != nil || got != req {
		t.Fatalf("LimiterFunc: %v, %v", err, got)
	}
}
