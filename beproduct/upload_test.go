package beproduct_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/validate"
)

func TestUploadSourcesAndReplay(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	hid := e.fake.HeaderIDs("Style")[0]
	content := bytes.Repeat([]byte("0123456789"), 5000)
	path := filepath.Join(t.TempDir(), "tech-pack.pdf")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int32
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Error("the upload source got the API token")
		}
		_, _ = w.Write(content)
	}))
	defer src.Close()

	for _, tc := range []struct {
		name       string
		file       beproduct.File
		replayable bool
		wantName   string
	}{
		{"path", beproduct.FileFromPath(path), true, "tech-pack.pdf"},
		{"bytes", beproduct.FileFromBytes("b.pdf", content), true, "b.pdf"},
		{"url", beproduct.FileFromURL(src.URL + "/files/u.pdf?sig=abc"), true, "u.pdf"},
		{"reader", beproduct.FileFromReader("r.pdf", bytes.NewReader(content)), false, "r.pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file.Replayable() != tc.replayable || tc.file.Name() != tc.wantName {
				t.Fatalf("replayable %v, name %q", tc.file.Replayable(), tc.file.Name())
			}
			// A 429 first: a replayable body is sent again, a reader's is not.
			e.fake.FailNext("uploadStyleAttachment", http.StatusTooManyRequests, 0, 1)
			id, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, tc.file)
			if !tc.replayable {
				if !errors.Is(err, beproduct.ErrTooManyRequests) {
					t.Fatalf("a reader's upload was retried: %q, %v", id, err)
				}
				e.fake.ClearFaults()
				if id, err = e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments,
					beproduct.FileFromReader("r.pdf", bytes.NewReader(content))); err != nil {
					t.Fatal(err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			name, got, ok := e.fake.Upload(id)
			if !ok || name != tc.wantName || !bytes.Equal(got, content) {
				t.Fatalf("the fake got %q (%d bytes), want %q (%d)", name, len(got), tc.wantName, len(content))
			}
		})
	}
	if fetched.Load() != 2 {
		t.Fatalf("the URL was fetched %d times, want 2 (the 429 and the retry)", fetched.Load())
	}

	// A content type of the caller's, and errors of the source.
	id, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments,
		beproduct.FileFromBytes("a.txt", []byte("hi")).WithContentType("text/plain").WithName("note \"1\".txt"))
	if err != nil {
		t.Fatal(err)
	}
	if name, _, _ := e.fake.Upload(id); name != `note "1".txt` {
		t.Fatalf("name = %q", name)
	}
	if _, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, beproduct.FileFromPath(filepath.Join(t.TempDir(), "missing"))); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, beproduct.FileFromURL(src.URL+"/x").WithName("x")); err != nil {
		t.Fatal(err)
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	defer gone.Close()
	if _, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, beproduct.FileFromURL(gone.URL+"/f.png")); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("a source answering 404: %v", err)
	}
	if _, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, beproduct.File{}); !errors.Is(err, beproduct.ErrNoFile) {
		t.Fatalf("zero File: %v", err)
	}
	// An expired token: the replayable upload is refreshed and sent again.
	e.fake.ExpireTokens()
	if _, err := e.client.UploadHeaderImage(ctx, beproduct.Style, hid, beproduct.PositionSide, beproduct.FileFromPath(path)); err != nil {
		t.Fatalf("upload after token expiry: %v", err)
	}
}

func TestWaitImageProcessingAndDownload(t *testing.T) {
	ctx := context.Background()
	e := setup(t, []beproducttest.Option{beproducttest.WithImageProcessing(3)}, beproduct.WithResponseValidation(validate.Strict))
	hid := e.fake.HeaderIDs("Block")[0]
	id, err := e.client.UploadHeaderImage(ctx, beproduct.Block, hid, "", beproduct.FileFromBytes("b.png", []byte("png")))
	if err != nil {
		t.Fatal(err)
	}
	before := e.fake.Requests("getBlockImageProcessingStatus")
	st, err := e.client.WaitImageProcessing(ctx, beproduct.Block, id, fastWait)
	if err != nil || !st.Finished || e.fake.Requests("getBlockImageProcessingStatus")-before != 4 {
		t.Fatalf("wait = %+v, %v after %d polls", st, err, e.fake.Requests("getBlockImageProcessingStatus")-before)
	}
	// An empty file fails to process: a *ProcessingError.
	empty, err := e.client.UploadHeaderImage(ctx, beproduct.Block, hid, "", beproduct.FileFromBytes("e.png", nil))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.WaitImageProcessing(ctx, beproduct.Block, empty, fastWait)
	var pe *beproduct.ProcessingError
	if !errors.As(err, &pe) || pe.ImageID != empty || pe.Message == "" {
		t.Fatalf("empty upload: %v", err)
	}
	// Still processing at the deadline.
	slow, _ := e.client.UploadHeaderImage(ctx, beproduct.Block, hid, "", beproduct.FileFromBytes("s.png", []byte("s")))
	_, err = e.client.WaitImageProcessing(ctx, beproduct.Block, slow, beproduct.WaitOptions{Interval: 50 * time.Millisecond, Timeout: 60 * time.Millisecond})
	if !errors.Is(err, beproduct.ErrProcessingTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	if _, err := e.client.ImageProcessingStatus(ctx, beproduct.Color, "no-such-upload"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown upload: %v", err)
	}

	// Downloads: on the API's origin with the token; elsewhere without.
	var sawToken atomic.Bool
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawToken.Store(r.Header.Get("Authorization") != "")
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "cdn bytes")
	}))
	defer cdn.Close()
	rc, err := e.client.Download(ctx, cdn.URL+"/img.png")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "cdn bytes" || sawToken.Load() {
		t.Fatalf("cdn download %q, token sent: %v", b, sawToken.Load())
	}
	var be *beproduct.Error
	if _, err := e.client.Download(ctx, cdn.URL+"/missing"); !errors.As(err, &be) || be.StatusCode != 404 {
		t.Fatalf("missing download: %v", err)
	}
	if _, err := e.client.Download(ctx, "not a url"); err == nil {
		t.Fatal("relative URL accepted")
	}
	rc, err = e.client.Download(ctx, e.fake.FileURL(id))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(rc)
	rc.Close()
	if string(b) != "png" {
		t.Fatalf("download from the fake = %q", b)
	}
}

func TestAutomation(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	c := newClient(t, e.fake, e.ts, beproduct.WithAutomationURL(e.fake.AutomationRoot()), beproduct.WithResponseValidation(validate.Strict))
	a := c.Automation()
	if a.AutomationURL() != e.fake.AutomationRoot() || e.client.Automation().AutomationURL() != beproduct.DefaultAutomationRoot {
		t.Fatalf("automation roots = %s, %s", a.AutomationURL(), e.client.Automation().AutomationURL())
	}
	n1, err := a.NextAutonumber(ctx, beproducttest.AutonumberSeedID)
	n2, _ := a.NextAutonumber(ctx, beproducttest.AutonumberSeedID)
	if err != nil || n1 != "ST00001" || n2 != "ST00002" {
		t.Fatalf("autonumbers %q, %q, %v", n1, n2, err)
	}
	an, err := a.CreateAutonumber(ctx, "Material numbers", "MT-[000]")
	if err != nil || an.Template != "MT-[000]" {
		t.Fatalf("create = %+v, %v", an, err)
	}
	if n, _ := a.NextAutonumber(ctx, an.Id); n != "MT-001" {
		t.Fatalf("new autonumber = %q", n)
	}
	def, err := a.CreateAutonumber(ctx, "Plain", "")
	if err != nil || def.Template != "[00000]" {
		t.Fatalf("default template = %+v, %v", def, err)
	}
	list, err := a.Autonumbers(ctx, "material")
	if err != nil || len(list) != 1 || list[0].Id != an.Id {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if all, _ := a.Autonumbers(ctx, ""); len(all) != 3 {
		t.Fatalf("all autonumbers = %d", len(all))
	}
	if _, err := a.NextAutonumber(ctx, "nope"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown autonumber: %v", err)
	}

	l, err := a.AcquireLock(ctx, "sync-styles", 30*time.Second)
	if err != nil || !l.Acquired {
		t.Fatalf("acquire = %+v, %v", l, err)
	}
	if l, _ := a.AcquireLock(ctx, "sync-styles", 0); l.Acquired {
		t.Fatal("a held lock was acquired twice")
	}
	states, err := a.CheckLocks(ctx, time.Second, "sync-styles", "other")
	if err != nil || len(states) != 2 || !states[0].Acquired || states[1].Acquired {
		t.Fatalf("check = %+v, %v", states, err)
	}
	if _, err := a.ReleaseLock(ctx, "sync-styles"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReleaseLock(ctx, "sync-styles"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("releasing a free lock: %v", err)
	}
	e.fake.Advance(31 * time.Second)
	if l, _ := a.AcquireLock(ctx, "sync-styles", time.Second); !l.Acquired {
		t.Fatal("a released lock could not be taken")
	}

	// The token goes in X-Authorization, never Authorization: the fake
	// refuses the main client's header on the Automation host.
	req, _ := http.NewRequest(http.MethodGet, e.fake.AutomationRoot()+"/autonumber-list?company="+beproducttest.TestCompany, nil)
	tok, _ := e.ts.Token()
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("Authorization on the Automation host: %d", resp.StatusCode)
	}
}
