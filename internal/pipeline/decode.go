package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/oasuite/sdk/internal/fastjson"
)

// NotJSONError reports a 2xx answer whose body is not JSON (a proxy's login
// page, say). It is not a status error: the status was a success.
type NotJSONError struct {
	Status      int
	ContentType string
}

func (e *NotJSONError) Error() string {
	return fmt.Sprintf("answer %d is %q, not JSON", e.Status, e.ContentType)
}

// bodyBuffers hold 2xx bodies while they are decoded. A list page is
// hundreds of kilobytes: reading it into a fresh slice that grows by
// appending costs ~25 allocations and a copy per doubling on every page;
// a reused buffer has reached its size after the first page.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer returned to the pool; a one-off
// huge answer is left to the GC rather than kept alive.
const maxPooledBody = 8 << 20

// DecodeJSON reads a 2xx answer's body once, into a pooled buffer, decodes
// it into out and closes it. It is what the generated Parse*Response
// functions do (check the media type, read, unmarshal) without their
// per-call body slice, for the wrappers' hot paths such as list pages.
// Errors are those of the generated path: *NotJSONError for another media
// type, io.ErrUnexpectedEOF for a cut-off body, *json.SyntaxError or
// *json.UnmarshalTypeError for bad JSON. The decoding is [Unmarshal]'s:
// encoding/json's result, without its reflection.
func DecodeJSON(resp *http.Response, out any) error {
	return DecodeJSONLimit(resp, out, 0)
}

// BodyTooLargeError reports a 2xx body longer than a caller's bound.
type BodyTooLargeError struct{ Limit int64 }

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("answer body exceeds %d bytes", e.Limit)
}

// DecodeJSONLimit is DecodeJSON reading at most limit bytes of the body
// (limit ≤ 0: no bound); a longer body is a *BodyTooLargeError, not
// decoded.
func DecodeJSONLimit(resp *http.Response, out any, limit int64) error {
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !isJSON(ct) {
		return &NotJSONError{Status: resp.StatusCode, ContentType: ct}
	}
	if bb, ok := resp.Body.(*bufferedBody); ok {
		// Read ahead by the transport (Config.RereadCutOff): decoded in
		// place, no second copy.
		if data, ok := bb.unread(); ok {
			if limit > 0 && int64(len(data)) > limit {
				return &BodyTooLargeError{Limit: limit}
			}
			return Unmarshal(data, out)
		}
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledBody {
			bodyBuffers.Put(buf)
		}
	}()
	if resp.ContentLength > 0 && resp.ContentLength <= maxPooledBody {
		// ReadFrom wants MinRead bytes free before each read, the one that
		// sees EOF included: without them a body of exactly Content-Length
		// bytes would double the buffer on its last read.
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	var body io.Reader = resp.Body
	if limit > 0 {
		body = io.LimitReader(resp.Body, limit+1)
	}
	if _, err := buf.ReadFrom(body); err != nil {
		return err
	}
	if limit > 0 && int64(buf.Len()) > limit {
		return &BodyTooLargeError{Limit: limit}
	}
	return Unmarshal(buf.Bytes(), out)
}

// Unmarshal decodes JSON into out exactly as encoding/json.Unmarshal does
// (value and error), without its reflection per value: see
// [fastjson.Unmarshal].
func Unmarshal(data []byte, out any) error { return fastjson.Unmarshal(data, out) }

// isJSON reports whether a Content-Type names JSON, by the generated
// code's rule ("json" anywhere: application/json, application/hal+json…),
// without parsing the parameters.
func isJSON(ct string) bool { return strings.Contains(ct, "json") }
