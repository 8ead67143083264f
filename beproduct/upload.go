package beproduct

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
)

// File is a file to upload, from a path, bytes, an io.Reader or a URL. It
// is sent streamed, as the one multipart/form-data part named "file" the
// API takes (BeProduct.Python.SDK streams it the same way): the file is
// never held in memory whole.
//
// A File from a path, bytes or a URL can be sent again, so an upload that
// meets a 429 or an expired token is retried; a File from a plain reader
// can be read once, so its upload is never retried.
type File struct {
	name        string
	contentType string
	path        string
	data        []byte
	isBytes     bool
	reader      io.Reader
	url         string
}

// FileFromPath is the file at path, opened when the upload is sent (and
// again for a retry). Its name is the path's base name.
func FileFromPath(p string) File { return File{name: filepath.Base(p), path: p} }

// FileFromBytes is a file of the given name holding b.
func FileFromBytes(name string, b []byte) File { return File{name: name, data: b, isBytes: true} }

// FileFromReader is a file of the given name read from r, once: an upload
// of it is not retried.
func FileFromReader(name string, r io.Reader) File { return File{name: name, reader: r} }

// FileFromURL is the file at rawURL, fetched when the upload is sent (and
// again for a retry), with no credentials: the API's token never goes to
// that host. Its name is the URL path's last segment.
func FileFromURL(rawURL string) File {
	name := "file"
	if u, err := url.Parse(rawURL); err == nil {
		if b := path.Base(u.Path); b != "" && b != "/" && b != "." {
			name = b
		}
	}
	return File{name: name, url: rawURL}
}

// WithName returns f sent under another file name.
func (f File) WithName(name string) File { f.name = name; return f }

// WithContentType returns f sent with the given part content type (the
// default is application/octet-stream, as the SDKs send it).
func (f File) WithContentType(ct string) File { f.contentType = ct; return f }

// Name is the file name the upload sends.
func (f File) Name() string { return f.name }

// Replayable reports whether an upload of f can be sent again (every
// source but a plain reader).
func (f File) Replayable() bool { return f.reader == nil }

// ErrNoFile is returned for a File with no source (the zero File).
var ErrNoFile = errors.New("beproduct: upload: the File has no source (use FileFromPath, FileFromBytes, FileFromReader or FileFromURL)")

// Multipart returns what a generated …WithBody upload method takes to send
// f streamed: the content type, the body, and a request editor that makes
// the body replayable (and sets its length when it is known). Every upload
// operation of the spec is reachable so:
//
//	ct, body, edit := c.Multipart(beproduct.FileFromPath("turntable.zip"))
//	r, err := c.UploadStyleTurntableWithBodyWithResponse(ctx, id, &params, ct, body, edit)
//
// The body streams the part header, the file and the closing boundary one
// after the other (io.MultiReader over the open file): nothing is buffered
// but the copy buffer of the transport, and no goroutine is left behind.
func (c *Client) Multipart(f File) (contentType string, body io.Reader, edit beproductapi.RequestEditorFn) {
	head, tail, ct := multipartFrame(f)
	first := &uploadBody{c: c, f: f, head: head, tail: tail, ctx: context.Background()}
	edit = func(ctx context.Context, req *http.Request) error {
		if !f.isBytes && f.path == "" && f.reader == nil && f.url == "" {
			return ErrNoFile
		}
		first.ctx = ctx
		req.Body = first
		req.ContentLength = -1
		if n, ok := f.size(); ok {
			req.ContentLength = int64(len(head)) + n + int64(len(tail))
		}
		if f.Replayable() {
			req.GetBody = func() (io.ReadCloser, error) {
				return &uploadBody{c: c, f: f, head: head, tail: tail, ctx: ctx}, nil
			}
		} else {
			req.GetBody = nil
		}
		return nil
	}
	return ct, first, edit
}

// multipartFrame returns the bytes before and after the file of a one-part
// multipart body, and its content type.
//
// The boundary is derived from the file's name, type and size rather than
// drawn at random, so that the same upload makes the same bytes (recorded
// cassettes replay); 64 hex digits do not turn up in a file by chance.
func multipartFrame(f File) (head, tail []byte, contentType string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	size, _ := f.size()
	sum := sha256.Sum256([]byte(fmt.Sprintf("oasuite-upload\x00%s\x00%s\x00%d", f.name, f.contentType, size)))
	_ = mw.SetBoundary(hex.EncodeToString(sum[:]))
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, escapeQuotes(f.name)))
	ct := f.contentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	_, _ = mw.CreatePart(h)
	head = bytes.Clone(buf.Bytes())
	buf.Reset()
	_ = mw.Close()
	tail = bytes.Clone(buf.Bytes())
	return head, tail, mw.FormDataContentType()
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// size is the file's length when it is known before sending.
func (f File) size() (int64, bool) {
	switch {
	case f.isBytes:
		return int64(len(f.data)), true
	case f.path != "":
		if st, err := os.Stat(f.path); err == nil && st.Mode().IsRegular() {
			return st.Size(), true
		}
	}
	return 0, false
}

// uploadBody is one attempt's multipart body: it opens the file on the
// first Read and closes it at the end or on Close.
type uploadBody struct {
	c          *Client
	f          File
	head, tail []byte
	ctx        context.Context
	r          io.Reader
	src        io.Closer
	err        error
}

func (b *uploadBody) Read(p []byte) (int, error) {
	if b.r == nil && b.err == nil {
		src, err := b.open()
		if err != nil {
			b.err = fmt.Errorf("beproduct: upload %s: %w", b.f.name, err)
		} else {
			b.src = src
			b.r = io.MultiReader(bytes.NewReader(b.head), src, bytes.NewReader(b.tail))
		}
	}
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.r.Read(p)
	if err == io.EOF && b.src != nil {
		b.src.Close()
		b.src = nil
	}
	return n, err
}

func (b *uploadBody) Close() error {
	if b.src != nil {
		err := b.src.Close()
		b.src = nil
		return err
	}
	return nil
}

func (b *uploadBody) open() (io.ReadCloser, error) {
	f := b.f
	switch {
	case f.isBytes:
		return io.NopCloser(bytes.NewReader(f.data)), nil
	case f.path != "":
		return os.Open(f.path)
	case f.reader != nil:
		return io.NopCloser(f.reader), nil
	case f.url != "":
		req, err := http.NewRequestWithContext(b.ctx, http.MethodGet, f.url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := b.c.plain.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			resp.Body.Close()
			return nil, &Error{StatusCode: resp.StatusCode, Method: http.MethodGet, URL: pipeline.RedactURL(req.URL), Message: "fetching the file to upload"}
		}
		return resp.Body, nil
	}
	return nil, ErrNoFile
}

// uploaded reads an upload's answer: the imageId, "" when the endpoint
// gives none.
func uploaded(what string, v *beproductapi.UploadResult, err error) (string, error) {
	if err != nil {
		return "", err
	}
	r, err := body(what, v)
	if err != nil {
		return "", err
	}
	return r.ImageId, nil
}

// ImagePosition names the slot of a header image: front, side or back for
// styles, main or detail for materials; "" is the master's default upload.
type ImagePosition string

// The image slots the SDKs name (src/resources/style.ts, material.ts).
const (
	PositionDefault ImagePosition = ""
	PositionFront   ImagePosition = "front"
	PositionSide    ImagePosition = "side"
	PositionBack    ImagePosition = "back"
	PositionMain    ImagePosition = "main"
	PositionDetail  ImagePosition = "detail"
)

// UploadHeaderImage uploads f as a header's image (POST
// {Master}/Header/{id}/Image/Upload, or …/Position/{position}) and returns
// the upload's image id, to wait on with WaitImageProcessing.
func (c *Client) UploadHeaderImage(ctx context.Context, m Master, headerID string, pos ImagePosition, f File) (string, error) {
	ct, b, edit := c.Multipart(f)
	p := string(pos)
	var (
		v   *beproductapi.UploadResult
		err error
	)
	switch m {
	case Style:
		if p == "" {
			var r *beproductapi.UploadStyleHeaderImageResponse
			if r, err = c.UploadStyleHeaderImageWithBodyWithResponse(ctx, headerID, ct, b, edit); err == nil {
				v = r.JSON200
			}
		} else {
			var r *beproductapi.UploadStyleHeaderImageAtPositionResponse
			if r, err = c.UploadStyleHeaderImageAtPositionWithBodyWithResponse(ctx, headerID, p, ct, b, edit); err == nil {
				v = r.JSON200
			}
		}
	case Material:
		if p == "" {
			var r *beproductapi.UploadMaterialHeaderImageResponse
			if r, err = c.UploadMaterialHeaderImageWithBodyWithResponse(ctx, headerID, ct, b, edit); err == nil {
				v = r.JSON200
			}
		} else {
			var r *beproductapi.UploadMaterialHeaderImageAtPositionResponse
			if r, err = c.UploadMaterialHeaderImageAtPositionWithBodyWithResponse(ctx, headerID, p, ct, b, edit); err == nil {
				v = r.JSON200
			}
		}
	case Color:
		if p == "" {
			var r *beproductapi.UploadColorHeaderImageResponse
			if r, err = c.UploadColorHeaderImageWithBodyWithResponse(ctx, headerID, ct, b, edit); err == nil {
				v = r.JSON200
			}
		} else {
			var r *beproductapi.UploadColorHeaderImageAtPositionResponse
			if r, err = c.UploadColorHeaderImageAtPositionWithBodyWithResponse(ctx, headerID, p, ct, b, edit); err == nil {
				v = r.JSON200
			}
		}
	case Image:
		if p == "" {
			var r *beproductapi.UploadImageHeaderImageResponse
			if r, err = c.UploadImageHeaderImageWithBodyWithResponse(ctx, headerID, ct, b, edit); err == nil {
				v = r.JSON200
			}
		} else {
			var r *beproductapi.UploadImageHeaderImageAtPositionResponse
			if r, err = c.UploadImageHeaderImageAtPositionWithBodyWithResponse(ctx, headerID, p, ct, b, edit); err == nil {
				v = r.JSON200
			}
		}
	case Block:
		if p == "" {
			var r *beproductapi.UploadBlockHeaderImageResponse
			if r, err = c.UploadBlockHeaderImageWithBodyWithResponse(ctx, headerID, ct, b, edit); err == nil {
				v = r.JSON200
			}
		} else {
			var r *beproductapi.UploadBlockHeaderImageAtPositionResponse
			if r, err = c.UploadBlockHeaderImageAtPositionWithBodyWithResponse(ctx, headerID, p, ct, b, edit); err == nil {
				v = r.JSON200
			}
		}
	default:
		return "", fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	return uploaded(string(m)+" header image upload", v, err)
}

// UploadAttachment uploads f to an Attachments page of a header (POST
// {Master}/AttachmentUpload) and returns the upload's id.
func (c *Client) UploadAttachment(ctx context.Context, m Master, headerID, pageID string, f File) (string, error) {
	ct, b, edit := c.Multipart(f)
	var (
		v   *beproductapi.UploadResult
		err error
	)
	switch m {
	case Style:
		var r *beproductapi.UploadStyleAttachmentResponse
		if r, err = c.UploadStyleAttachmentWithBodyWithResponse(ctx, &beproductapi.UploadStyleAttachmentParams{HeaderId: headerID, PageId: pageID}, ct, b, edit); err == nil {
			v = r.JSON200
		}
	case Material:
		var r *beproductapi.UploadMaterialAttachmentResponse
		if r, err = c.UploadMaterialAttachmentWithBodyWithResponse(ctx, &beproductapi.UploadMaterialAttachmentParams{HeaderId: headerID, PageId: pageID}, ct, b, edit); err == nil {
			v = r.JSON200
		}
	case Color:
		var r *beproductapi.UploadColorAttachmentResponse
		if r, err = c.UploadColorAttachmentWithBodyWithResponse(ctx, &beproductapi.UploadColorAttachmentParams{HeaderId: headerID, PageId: pageID}, ct, b, edit); err == nil {
			v = r.JSON200
		}
	case Image:
		var r *beproductapi.UploadImageAttachmentResponse
		if r, err = c.UploadImageAttachmentWithBodyWithResponse(ctx, &beproductapi.UploadImageAttachmentParams{HeaderId: headerID, PageId: pageID}, ct, b, edit); err == nil {
			v = r.JSON200
		}
	case Block:
		var r *beproductapi.UploadBlockAttachmentResponse
		if r, err = c.UploadBlockAttachmentWithBodyWithResponse(ctx, &beproductapi.UploadBlockAttachmentParams{HeaderId: headerID, PageId: pageID}, ct, b, edit); err == nil {
			v = r.JSON200
		}
	default:
		return "", fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	return uploaded(string(m)+" attachment upload", v, err)
}

// RemoveAttachments removes files, by name, from an Attachments page (POST
// {Master}/AttachmentRemove). A refusal ({"error": true}) is returned as an
// error wrapping ErrRecordFailed with the server's message.
func (c *Client) RemoveAttachments(ctx context.Context, m Master, headerID, pageID string, names ...string) error {
	var (
		v   *beproductapi.MessageResponse
		err error
	)
	switch m {
	case Style:
		var r *beproductapi.RemoveStyleAttachmentsResponse
		if r, err = c.RemoveStyleAttachmentsWithResponse(ctx, &beproductapi.RemoveStyleAttachmentsParams{HeaderId: headerID, PageId: pageID}, names); err == nil {
			v = r.JSON200
		}
	case Material:
		var r *beproductapi.RemoveMaterialAttachmentsResponse
		if r, err = c.RemoveMaterialAttachmentsWithResponse(ctx, &beproductapi.RemoveMaterialAttachmentsParams{HeaderId: headerID, PageId: pageID}, names); err == nil {
			v = r.JSON200
		}
	case Color:
		var r *beproductapi.RemoveColorAttachmentsResponse
		if r, err = c.RemoveColorAttachmentsWithResponse(ctx, &beproductapi.RemoveColorAttachmentsParams{HeaderId: headerID, PageId: pageID}, names); err == nil {
			v = r.JSON200
		}
	case Image:
		var r *beproductapi.RemoveImageAttachmentsResponse
		if r, err = c.RemoveImageAttachmentsWithResponse(ctx, &beproductapi.RemoveImageAttachmentsParams{HeaderId: headerID, PageId: pageID}, names); err == nil {
			v = r.JSON200
		}
	case Block:
		var r *beproductapi.RemoveBlockAttachmentsResponse
		if r, err = c.RemoveBlockAttachmentsWithResponse(ctx, &beproductapi.RemoveBlockAttachmentsParams{HeaderId: headerID, PageId: pageID}, names); err == nil {
			v = r.JSON200
		}
	default:
		return fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	return messageErr(v, err)
}

// messageErr turns a write answer into an error: a transport or status
// error, a missing body, or a refusal ({"error": true, "message": …}).
func messageErr(v *beproductapi.MessageResponse, err error) error {
	if err != nil {
		return err
	}
	mr, err := body("write answer", v)
	if err != nil {
		return err
	}
	if mr.Error {
		return fmt.Errorf("%w: %s", ErrRecordFailed, mr.Message)
	}
	return nil
}

// ImageProcessingStatus reads the processing state of an upload (GET
// {Master}/GetImageProcessingStatus/{id}; Image takes the id as a query
// parameter, and color palettes use Style's endpoint, as the TypeScript
// SDK's uploadStatus does).
func (c *Client) ImageProcessingStatus(ctx context.Context, m Master, imageID string) (*beproductapi.ImageProcessingStatus, error) {
	var (
		v   *beproductapi.ImageProcessingStatus
		err error
	)
	switch m {
	case Style, Color:
		var r *beproductapi.GetStyleImageProcessingStatusResponse
		if r, err = c.GetStyleImageProcessingStatusWithResponse(ctx, imageID); err == nil {
			v = r.JSON200
		}
	case Material:
		var r *beproductapi.GetMaterialImageProcessingStatusResponse
		if r, err = c.GetMaterialImageProcessingStatusWithResponse(ctx, imageID); err == nil {
			v = r.JSON200
		}
	case Image:
		var r *beproductapi.GetImageImageProcessingStatusResponse
		if r, err = c.GetImageImageProcessingStatusWithResponse(ctx, &beproductapi.GetImageImageProcessingStatusParams{ImageId: imageID}); err == nil {
			v = r.JSON200
		}
	case Block:
		var r *beproductapi.GetBlockImageProcessingStatusResponse
		if r, err = c.GetBlockImageProcessingStatusWithResponse(ctx, imageID); err == nil {
			v = r.JSON200
		}
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	if err != nil {
		return nil, err
	}
	return body("image processing status", v)
}

// WaitOptions bounds WaitImageProcessing.
type WaitOptions struct {
	// Interval is the time between two status reads; zero means 2s.
	Interval time.Duration
	// Timeout is how long to wait in all; zero means 5 minutes. The
	// context's deadline, when earlier, wins.
	Timeout time.Duration
}

// ErrProcessingTimeout is wrapped when an upload is still processing at
// WaitImageProcessing's deadline.
var ErrProcessingTimeout = errors.New("beproduct: the upload is still processing")

// ProcessingError is an upload BeProduct could not process
// (errorOccured true).
type ProcessingError struct {
	ImageID string
	Message string
}

func (e *ProcessingError) Error() string {
	return fmt.Sprintf("beproduct: upload %s failed to process: %s", e.ImageID, e.Message)
}

// WaitImageProcessing polls ImageProcessingStatus until the upload is
// finished, and returns its last status. An upload that failed to process
// is a *ProcessingError; one still processing at the deadline is an error
// wrapping ErrProcessingTimeout (and context.DeadlineExceeded).
func (c *Client) WaitImageProcessing(ctx context.Context, m Master, imageID string, opts WaitOptions) (*beproductapi.ImageProcessingStatus, error) {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		st, err := c.ImageProcessingStatus(ctx, m, imageID)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("%w (%s): %w", ErrProcessingTimeout, imageID, err)
			}
			return nil, err
		}
		if st.Finished {
			if st.ErrorOccured {
				return st, &ProcessingError{ImageID: imageID, Message: st.Message}
			}
			return st, nil
		}
		timer.Reset(opts.Interval)
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("%w (%s): %w", ErrProcessingTimeout, imageID, ctx.Err())
		case <-timer.C:
		}
	}
}

// Download opens a file the API links to (an attachment's url, an image's
// origin or preview) for reading; the caller closes it. A URL on the API's
// own origin is fetched through the client's pipeline (token, retries); any
// other host is fetched without credentials, so the token never leaves the
// API. A non-2xx answer is an *Error.
func (c *Client) Download(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("beproduct: download: %q is not an absolute URL", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("beproduct: download: %w", err)
	}
	base, _ := url.Parse(c.server)
	if pipeline.SameOrigin(base, u) {
		resp, err := c.doer.Do(req)
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	}
	resp, err := c.plain.Do(req)
	if err != nil {
		return nil, fmt.Errorf("beproduct: download %s: %w", pipeline.RedactURL(u), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body.Close()
		return nil, &Error{StatusCode: resp.StatusCode, Method: http.MethodGet, URL: pipeline.RedactURL(u), Message: http.StatusText(resp.StatusCode)}
	}
	return resp.Body, nil
}
