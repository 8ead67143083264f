package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/oasuite/sdk/fakes"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
)

// TestRateLimitHeaders reads X-Rate-Limit-* from every answer, keeps the
// latest on the client, and hands a 429's state to the *Error.
func TestRateLimitHeaders(t *testing.T) {
	clock := time.Date(2026, 12, 8, 10, 0, 20, 0, time.UTC)
	fake := newFake(t, bqecoretest.WithClock(func() time.Time { return clock }), bqecoretest.WithRateLimit(3, time.Minute))
	c, _ := newClient(t, fake)
	if _, ok := c.RateLimit(); ok {
		t.Fatal("rate limit before any answer")
	}
	ctx := context.Background()
	reset := time.Date(2026, 12, 8, 10, 1, 0, 0, time.UTC)
	for want := int64(2); want >= 0; want-- {
		if _, err := c.GetCompanyWithResponse(ctx, nil); err != nil {
			t.Fatal(err)
		}
		rl, ok := c.RateLimit()
		if !ok || rl.Limit != 3 || rl.Remaining != want || !rl.Reset.Equal(reset) || rl.Period != 0 {
			t.Fatalf("after a call: %+v %v, want remaining %d, reset %v", rl, ok, want, reset)
		}
	}
	_, err := c.GetCompanyWithResponse(ctx, nil)
	var e *bqecore.Error
	if !errors.As(err, &e) || !errors.Is(err, bqecore.ErrTooManyRequests) || e.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %v", err)
	}
	if e.RateLimit == nil || e.RateLimit.Remaining != 0 || !e.RateLimit.Reset.Equal(reset) || e.RetryAfter != 40*time.Second {
		t.Fatalf("429 state: %+v, retry after %v", e.RateLimit, e.RetryAfter)
	}
	// The next window.
	clock = reset.Add(time.Second)
	if _, err := c.GetCompanyWithResponse(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if rl, _ := c.RateLimit(); rl.Remaining != 2 || !rl.Reset.Equal(reset.Add(time.Minute)) {
		t.Fatalf("next window: %+v", rl)
	}
	// A fault without the headers leaves the last state and gives an Error without one.
	fake.AddFault(fakes.Fault{OperationID: "getCompany", Status: 500})
	if _, err := c.GetCompanyWithResponse(ctx, nil); !errors.As(err, &e) || e.RateLimit != nil {
		t.Fatalf("500 without headers: %v %+v", err, e)
	}
	if rl, _ := c.RateLimit(); rl.Remaining != 2 {
		t.Fatalf("state lost: %+v", rl)
	}
}

func TestParseRateLimitForms(t *testing.T) {
	h := http.Header{}
	h.Set(bqecore.RateLimitLimitHeader, "1m")
	h.Set(bqecore.RateLimitRemainingHeader, "99")
	h.Set(bqecore.RateLimitResetHeader, "2026-12-08T10:01:00.0000000Z")
	rl, ok := bqecore.ParseRateLimit(h)
	if !ok || rl.Period != time.Minute || rl.Limit != 0 || rl.Remaining != 99 || !rl.Reset.Equal(time.Date(2026, 12, 8, 10, 1, 0, 0, time.UTC)) {
		t.Fatalf("period form: %+v %v", rl, ok)
	}
	h.Del(bqecore.RateLimitRemainingHeader)
	if _, ok := bqecore.ParseRateLimit(h); ok {
		t.Fatal("accepted without X-Rate-Limit-Remaining")
	}
}
