package pipeline

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRateLimit(t *testing.T) {
	names := RateLimitHeaders{Limit: "X-Rate-Limit-Limit", Remaining: "X-Rate-Limit-Remaining", Reset: "X-Rate-Limit-Reset"}
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
	hdr := func(l, r, s string) http.Header {
		h := http.Header{}
		for k, v := range map[string]string{names.Limit: l, names.Remaining: r, names.Reset: s} {
			if v != "" {
				h.Set(k, v)
			}
		}
		return h
	}
	for _, c := range []struct {
		name   string
		h      http.Header
		want   RateLimit
		wantOK bool
	}{
		{"count, unix reset", hdr("100", "42", "1796724060"), RateLimit{Limit: 100, Remaining: 42, Reset: time.Unix(1796724060, 0).UTC()}, true},
		{"count, seconds to reset", hdr("100", "0", "37"), RateLimit{Limit: 100, Reset: now.Add(37 * time.Second)}, true},
		{"period, ISO reset", hdr("1m", "99", "2026-12-08T10:01:00.0000000Z"), RateLimit{Period: time.Minute, Remaining: 99, Reset: now.Add(time.Minute)}, true},
		{"day period, HTTP date", hdr("1d", "5", "Tue, 08 Dec 2026 11:00:00 GMT"), RateLimit{Period: 24 * time.Hour, Remaining: 5, Reset: now.Add(time.Hour)}, true},
		{"no reset", hdr("12h", "3", ""), RateLimit{Period: 12 * time.Hour, Remaining: 3}, true},
		{"unreadable reset", hdr("100", "3", "soon"), RateLimit{Limit: 100, Remaining: 3}, true},
		{"no remaining", hdr("100", "", "37"), RateLimit{}, false},
		{"remaining not a number", hdr("100", "many", ""), RateLimit{}, false},
		{"negative remaining", hdr("100", "-1", ""), RateLimit{}, false},
		{"limit unreadable", hdr("lots", "3", ""), RateLimit{}, false},
		{"limit absent", hdr("", "3", ""), RateLimit{}, false},
		{"none", http.Header{}, RateLimit{}, false},
	} {
		got, ok := ParseRateLimit(c.h, names, now)
		if ok != c.wantOK || got != c.want {
			t.Errorf("%s: got %+v %v, want %+v %v", c.name, got, ok, c.want, c.wantOK)
		}
	}
}
