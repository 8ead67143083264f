package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// verboseHandler is the slog handler of --verbose. The clients' pipeline
// logs one record per HTTP attempt ("oasuite http": method, URL with its
// credentials redacted, attempt, duration, status or error, retry_in); this
// handler prints each as a request line and an answer line, in the manner of
// `gh api --verbose`:
//
//	> GET https://api.bqecore.com/api/activity?page=0,1 (attempt 1)
//	< 200 OK (12ms)
//
// The records never carry a header or a token, so neither can the lines.
// Other records (response-validation mismatches, at Warn) are printed as
// text.
type verboseHandler struct {
	mu   *sync.Mutex
	w    io.Writer
	text slog.Handler
}

func newVerboseHandler(w io.Writer) *verboseHandler {
	return &verboseHandler{mu: &sync.Mutex{}, w: w, text: slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})}
}

func (h *verboseHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *verboseHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != "oasuite http" {
		if !h.text.Enabled(ctx, r.Level) {
			return nil
		}
		return h.text.Handle(ctx, r)
	}
	var method, url, errText string
	var attempt, status int64
	var dur, retry time.Duration
	retried := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "url":
			url = a.Value.String()
		case "attempt":
			attempt = a.Value.Int64()
		case "status":
			status = a.Value.Int64()
		case "duration":
			dur = a.Value.Duration()
		case "error":
			errText = a.Value.String()
		case "retry_in":
			retry, retried = a.Value.Duration(), true
		}
		return true
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.w, "> %s %s (attempt %d)\n", method, url, attempt)
	switch {
	case errText != "":
		fmt.Fprintf(h.w, "< no answer: %s (%s)\n", errText, dur.Round(time.Millisecond))
	default:
		fmt.Fprintf(h.w, "< %d %s (%s)\n", status, http.StatusText(int(status)), dur.Round(time.Millisecond))
	}
	if retried {
		fmt.Fprintf(h.w, "  retrying in %s\n", retry.Round(time.Millisecond))
	}
	return nil
}

func (h *verboseHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &verboseHandler{mu: h.mu, w: h.w, text: h.text.WithAttrs(as)}
}

func (h *verboseHandler) WithGroup(name string) slog.Handler {
	return &verboseHandler{mu: h.mu, w: h.w, text: h.text.WithGroup(name)}
}
