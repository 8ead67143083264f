package pipeline

import (
	"bytes"
	"errors"
	"io"
	"net/http"
)

// MaxRereadBody is the most of a 2xx JSON body RereadCutOff holds in
// memory; a longer body is returned streaming, its start from memory.
const MaxRereadBody = maxPooledBody

// bufferedBody is a 2xx body read ahead into a pooled buffer. err is the
// read error that ended it early (returned after the bytes), if any; rest
// is the unread remainder of a body longer than MaxRereadBody.
type bufferedBody struct {
	buf      *bytes.Buffer
	r        bytes.Reader
	err      error
	rest     io.ReadCloser
	complete bool // the whole body is in buf
}

func (b *bufferedBody) Read(p []byte) (int, error) {
	if b.r.Len() > 0 {
		return b.r.Read(p)
	}
	if b.rest != nil {
		return b.rest.Read(p)
	}
	if b.err != nil {
		return 0, b.err
	}
	return 0, io.EOF
}

// Close returns the buffer to the pool; reading after Close gives EOF.
func (b *bufferedBody) Close() error {
	var err error
	if b.rest != nil {
		err = b.rest.Close()
		b.rest = nil
	}
	if b.buf != nil {
		b.r.Reset(nil)
		if b.buf.Cap() <= maxPooledBody {
			bodyBuffers.Put(b.buf)
		}
		b.buf = nil
	}
	return err
}

// unread returns the bytes not read yet when the whole body is buffered
// and none of it has been read, for DecodeJSON to decode in place.
func (b *bufferedBody) unread() ([]byte, bool) {
	if !b.complete || b.buf == nil || b.r.Len() != b.buf.Len() {
		return nil, false
	}
	return b.buf.Bytes(), true
}

// bufferJSON reads a 2xx JSON answer's body ahead into a pooled buffer and
// reports whether it was cut off by a dropped connection: then the
// response is closed, to be sent again. Otherwise resp.Body is replaced by
// the buffered body (which gives any other read error after its bytes).
func bufferJSON(resp *http.Response, err error) (cut bool) {
	if err != nil || resp == nil || resp.StatusCode < 200 || resp.StatusCode > 299 ||
		resp.Body == nil || resp.Body == http.NoBody || !isJSON(resp.Header.Get("Content-Type")) {
		return false
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	if resp.ContentLength > 0 && resp.ContentLength <= MaxRereadBody {
		buf.Grow(int(resp.ContentLength))
	}
	n, rerr := buf.ReadFrom(io.LimitReader(resp.Body, MaxRereadBody+1))
	b := &bufferedBody{buf: buf}
	switch {
	case rerr != nil && isCutOff(rerr):
		resp.Body.Close()
		bodyBuffers.Put(buf)
		return true
	case rerr != nil:
		b.err = rerr
		resp.Body.Close()
	case n > MaxRereadBody:
		b.rest = resp.Body // too long to hold: the rest streams
	default:
		b.complete = true
		resp.Body.Close()
	}
	b.r.Reset(buf.Bytes())
	resp.Body = b
	return false
}

// isCutOff reports a body that ended because the connection dropped.
func isCutOff(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || isConnReset(err) && !errors.Is(err, io.EOF)
}
