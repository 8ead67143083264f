package pipeline

import (
	"net/http"
	"testing"

	"golang.org/x/oauth2"
)

// recordingBase keeps the request each attempt sent.
type recordingBase struct{ sent []*http.Request }

func (b *recordingBase) RoundTrip(r *http.Request) (*http.Response, error) {
	b.sent = append(b.sent, r)
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

// switchingTokens hands out whatever token it currently holds.
type switchingTokens struct{ tok *oauth2.Token }

func (s *switchingTokens) Token() (*oauth2.Token, error) { return s.tok, nil }

func TestDecorateSetsHeadersOnACloneOnly(t *testing.T) {
	base := &recordingBase{}
	tokens := &switchingTokens{tok: &oauth2.Token{AccessToken: "tok-A"}}
	rt := NewTransport(Config{Base: base, Tokens: tokens, UserAgent: "oasuite-test/1",
		Decorate: func(r *http.Request) { r.Header.Add("X-Vendor", "v") }})

	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/x", nil)
	req.Header.Set("Authorization", "Basic caller")
	req.Header["Accept"] = []string{"application/json", "text/plain"}
	req.Header["X-Nil"] = nil
	for _, want := range []string{"Bearer tok-A", "Bearer tok-A", "Bearer tok-B"} {
		if want == "Bearer tok-B" {
			tokens.tok = &oauth2.Token{AccessToken: "tok-B"}
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := base.sent[len(base.sent)-1].Header
		if v := got.Values("Authorization"); len(v) != 1 || v[0] != want {
			t.Errorf("Authorization = %q, want %q", v, want)
		}
		if got.Get("User-Agent") != "oasuite-test/1" || got.Get("X-Vendor") != "v" {
			t.Errorf("sent headers %v", got)
		}
		if v := got.Values("Accept"); len(v) != 2 || v[1] != "text/plain" {
			t.Errorf("Accept = %q", v)
		}
		if v, ok := got["X-Nil"]; !ok || v != nil {
			t.Errorf("nil header value not kept: %q, %v", v, ok)
		}
	}
	// The caller's request is untouched, and attempts share no value slices.
	if req.Header.Get("Authorization") != "Basic caller" || req.Header.Get("User-Agent") != "" || req.Header.Get("X-Vendor") != "" {
		t.Errorf("caller's request was modified: %v", req.Header)
	}
	base.sent[0].Header["Accept"][0] = "changed"
	if base.sent[1].Header.Get("Accept") != "application/json" || req.Header.Get("Accept") != "application/json" {
		t.Error("attempts share header values")
	}
}

func TestDecorateSmallAndLargeHeaderSets(t *testing.T) {
	base := &recordingBase{}
	rt := NewTransport(Config{Base: base, Tokens: &switchingTokens{tok: &oauth2.Token{AccessToken: "tok"}}, UserAgent: "ua"})
	for _, extra := range []int{0, 1, 2, 3, 8} {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/x", nil)
		for i := range extra {
			req.Header.Add("X-Extra", string(rune('a'+i)))
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := base.sent[len(base.sent)-1].Header
		if got.Get("Authorization") != "Bearer tok" || got.Get("User-Agent") != "ua" || len(got.Values("X-Extra")) != extra {
			t.Errorf("%d extra values: sent %v", extra, got)
		}
		if extra > 0 && got.Values("X-Extra")[extra-1] != string(rune('a'+extra-1)) {
			t.Errorf("%d extra values: sent %v", extra, got)
		}
		if len(req.Header) != min(extra, 1) {
			t.Errorf("caller's header changed: %v", req.Header)
		}
	}
}
