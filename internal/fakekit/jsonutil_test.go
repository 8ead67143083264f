package fakekit

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadJSON(t *testing.T) {
	var v map[string]any
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"a":1}`))
	if err := ReadJSON(r, 0, &v); err != nil || v["a"] != float64(1) {
		t.Fatalf("%v %v", v, err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
	if err := ReadJSON(r, 10, &v); !errors.Is(err, ErrBodyTooLarge) {
		t.Fatalf("limit: %v", err)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"a":1} {"b":2}`))
	if err := ReadJSON(r, 0, &v); err == nil {
		t.Fatal("trailing data accepted")
	}
}

func TestWriteJSONAs(t *testing.T) {
	w := httptest.NewRecorder()
	WriteJSONAs(w, 201, "application/vnd.procurios.relation+json; version=1", map[string]int{"n": 1})
	if w.Code != 201 || w.Header().Get("Content-Type") != "application/vnd.procurios.relation+json; version=1" || w.Body.String() != "{\"n\":1}\n" {
		t.Fatalf("%d %v %q", w.Code, w.Header(), w.Body.String())
	}
	w = httptest.NewRecorder()
	WriteJSON(w, 200, func() {})
	if w.Code != 500 {
		t.Fatalf("unencodable value: %d", w.Code)
	}
}

func TestOriginIsHTTPSUnderAProductionHost(t *testing.T) {
	cases := map[string]string{
		"127.0.0.1:8080":         "http://127.0.0.1:8080",
		"localhost:1":            "http://localhost:1",
		"[::1]:9":                "http://[::1]:9",
		"api.bqecore.com":        "https://api.bqecore.com",
		"id.winks.io:443":        "https://id.winks.io:443",
		"my.bidcore.iponweb.com": "https://my.bidcore.iponweb.com",
	}
	for host, want := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		if got := Origin(r); got != want {
			t.Errorf("Origin(Host %q) = %q, want %q", host, got, want)
		}
	}
}
