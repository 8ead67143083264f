package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func answer(status int, ct, body string) (*http.Response, *closeRecorder) {
	rc := &closeRecorder{Reader: strings.NewReader(body)}
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return &http.Response{StatusCode: status, Header: h, Body: rc, ContentLength: int64(len(body))}, rc
}

type page struct {
	Result []struct {
		ID   string          `json:"id"`
		Raw  json.RawMessage `json:"raw"`
		Tags []string        `json:"tags"`
	} `json:"result"`
	Total int `json:"total"`
}

func TestDecodeJSON(t *testing.T) {
	resp, rc := answer(200, "application/json; charset=utf-8", `{"result":[{"id":"a","raw":{"x":1},"tags":["t"]}],"total":1}`)
	var p page
	if err := DecodeJSON(resp, &p); err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || len(p.Result) != 1 || p.Result[0].ID != "a" || string(p.Result[0].Raw) != `{"x":1}` || p.Result[0].Tags[0] != "t" {
		t.Errorf("decoded %+v", p)
	}
	if !rc.closed {
		t.Error("body not closed")
	}
	// +json media types are JSON too.
	resp, _ = answer(200, "application/hal+json", `{"total":3}`)
	if err := DecodeJSON(resp, &p); err != nil || p.Total != 3 {
		t.Errorf("hal+json: %v, total %d", err, p.Total)
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	var p page
	resp, rc := answer(200, "text/html", `<html>log in to the proxy</html>`)
	err := DecodeJSON(resp, &p)
	var nj *NotJSONError
	if !errors.As(err, &nj) || nj.Status != 200 || nj.ContentType != "text/html" {
		t.Errorf("HTML page: err = %v (%T)", err, err)
	}
	if !rc.closed {
		t.Error("body of a refused answer not closed")
	}
	resp, _ = answer(200, "application/json", `{"result":[{"id":`)
	var se *json.SyntaxError
	if err := DecodeJSON(resp, &p); !errors.As(err, &se) {
		t.Errorf("cut JSON: err = %v (%T), want *json.SyntaxError", err, err)
	}
	resp, _ = answer(200, "application/json", `{"total":"three"}`)
	var te *json.UnmarshalTypeError
	if err := DecodeJSON(resp, &p); !errors.As(err, &te) {
		t.Errorf("wrong type: err = %v (%T), want *json.UnmarshalTypeError", err, err)
	}
	// A body cut off by the connection, as the reliability matrix serves it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "4096")
		_, _ = io.WriteString(w, `{"result":[{"id":"a`)
	}))
	defer srv.Close()
	resp, err = srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := DecodeJSON(resp, &p); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: err = %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestDecodeJSONLimit(t *testing.T) {
	body := `{"total":12345}` // 15 bytes
	var p page
	resp, rc := answer(200, "application/json", body)
	var tl *BodyTooLargeError
	if err := DecodeJSONLimit(resp, &p, 14); !errors.As(err, &tl) || tl.Limit != 14 {
		t.Errorf("15 bytes over a 14-byte bound: err = %v (%T)", err, err)
	}
	if !rc.closed || p.Total != 0 {
		t.Errorf("closed %v, decoded %+v: an over-long body must not be decoded", rc.closed, p)
	}
	resp, _ = answer(200, "application/json", body)
	if err := DecodeJSONLimit(resp, &p, 15); err != nil || p.Total != 12345 {
		t.Errorf("exactly at the bound: %v, %+v", err, p)
	}
}

// TestDecodeJSONBufferReuse: the pooled buffer is reused for the next body,
// so nothing decoded may point into it. Decoded strings and raw messages
// must survive later decodes, also from many goroutines at once.
func TestDecodeJSONBufferReuse(t *testing.T) {
	body := func(i int) string {
		return fmt.Sprintf(`{"result":[{"id":"id-%05d","raw":{"n":%d},"tags":["tag-%05d"]}],"total":%d}`, i, i, i, i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var kept []page
			for i := g * 100; i < g*100+100; i++ {
				resp, _ := answer(200, "application/json", body(i)+strings.Repeat(" ", i*37)) // varied sizes
				var p page
				if err := DecodeJSON(resp, &p); err != nil {
					errs <- err
					return
				}
				kept = append(kept, p)
			}
			for k, p := range kept {
				i := g*100 + k
				r := p.Result[0]
				if r.ID != fmt.Sprintf("id-%05d", i) || string(r.Raw) != fmt.Sprintf(`{"n":%d}`, i) || r.Tags[0] != fmt.Sprintf("tag-%05d", i) || p.Total != i {
					errs <- fmt.Errorf("page %d changed after later decodes: %+v", i, p)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkDecodeJSON against what the generated parsers do per answer.
func BenchmarkDecodeJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"result":[`)
	for i := range 2000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":"id-%05d","tags":["a","b"]}`, i)
	}
	sb.WriteString(`],"total":2000}`)
	body := sb.String()
	b.Run("pooled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, _ := answer(200, "application/json", body)
			resp.ContentLength = -1 // as for a chunked answer
			var p page
			if err := DecodeJSON(resp, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("readall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			resp, _ := answer(200, "application/json", body)
			data, err := io.ReadAll(resp.Body)
			if err != nil {
				b.Fatal(err)
			}
			var p page
			if err := json.Unmarshal(data, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
