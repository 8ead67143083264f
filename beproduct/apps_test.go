package beproduct_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/validate"
)

var fastWait = beproduct.WaitOptions{Interval: time.Millisecond, Timeout: 5 * time.Second}

// TestMasterApps runs the operations every master has (search schema, tags,
// uploads, attachments, list and image pages, page reset) on the five.
func TestMasterApps(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)
	for _, m := range beproduct.Masters() {
		M := string(m)
		lower := strings.ToLower(M)
		t.Run(M, func(t *testing.T) {
			o.t = t
			folder := beproducttest.FolderID(M, 0)
			hid := e.fake.HeaderIDs(M)[0]
			ss := o.ok("Get"+M+"FolderSearchSchema", P{"folderId": folder})
			if n := jlen(ss); n < 2 || jget(ss, "0.fieldId") != "header_number" || jget(ss, strconv.Itoa(n-1)+".fieldId") != "ModifiedAt" {
				t.Fatalf("search schema = %v", ss)
			}

			// Tags of the master.
			o.done("Create"+M+"Tag", map[string]any{"name": "Eco " + M, "integration": "erp"})
			if msg := o.refused("Create"+M+"Tag", map[string]any{"name": "eco " + M}); !strings.Contains(msg, "exists") {
				t.Fatalf("duplicate tag: %s", msg)
			}
			tags := o.ok("List" + M + "Tags")
			if jlen(tags) != 1 || jget(tags, "0.name") != "Eco "+M || jget(tags, "0.integration") != "erp" {
				t.Fatalf("tags = %v", tags)
			}

			// The header image, at the default slot and at a position.
			id, err := e.client.UploadHeaderImage(ctx, m, hid, beproduct.PositionDefault, beproduct.FileFromBytes("front.png", []byte("png-front")))
			if err != nil || id == "" {
				t.Fatalf("upload header image: %q, %v", id, err)
			}
			st, err := e.client.WaitImageProcessing(ctx, m, id, fastWait)
			if err != nil || !st.Finished || st.ErrorOccured {
				t.Fatalf("processing = %+v, %v", st, err)
			}
			pos, slot := beproduct.PositionBack, "backImage"
			if m == beproduct.Material {
				pos, slot = beproduct.PositionDetail, "mainImage"
			}
			if _, err := e.client.UploadHeaderImage(ctx, m, hid, pos, beproduct.FileFromBytes("other.png", []byte("png-2"))); err != nil {
				t.Fatal(err)
			}
			h := o.ok("Get"+M+"Header", hid)
			front := "frontImage"
			if m == beproduct.Material {
				front = "mainImage"
			}
			if jget(h, "headerData."+front+".origin") == nil || jget(h, "headerData."+slot+".origin") == nil {
				t.Fatalf("header images = %v", jget(h, "headerData"))
			}

			// Attachments: upload, read back, download, remove.
			if _, err := e.client.UploadAttachment(ctx, m, hid, beproducttest.PageAttachments, beproduct.FileFromBytes("spec.pdf", []byte("%PDF-1.7 spec"))); err != nil {
				t.Fatal(err)
			}
			pg := o.ok("Get"+M+"Page", P{"headerId": hid, "pageId": beproducttest.PageAttachments})
			if jget(pg, "data.files.0.fileName") != "spec.pdf" || jget(pg, "data.files.0.fileSize") != "13" {
				t.Fatalf("attachments = %v", jget(pg, "data"))
			}
			rc, err := e.client.Download(ctx, jget(pg, "data.files.0.url").(string))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if string(got) != "%PDF-1.7 spec" {
				t.Fatalf("downloaded %q", got)
			}
			if err := e.client.RemoveAttachments(ctx, m, hid, beproducttest.PageAttachments, "nope.pdf"); !errors.Is(err, beproduct.ErrRecordFailed) {
				t.Fatalf("removing an unknown attachment: %v", err)
			}
			if err := e.client.RemoveAttachments(ctx, m, hid, beproducttest.PageAttachments, "spec.pdf"); err != nil {
				t.Fatal(err)
			}
			if pg := o.ok("Get"+M+"Page", P{"headerId": hid, "pageId": beproducttest.PageAttachments}); jlen(jget(pg, "data.files")) != 0 {
				t.Fatalf("attachment not removed: %v", pg)
			}

			// A list item's image and an ImagesForm image.
			item := e.fake.PageRows(M, hid, beproducttest.PageSizes)[0]
			up := o.ok("Upload"+M+"ListImage", P{lower + "Id": hid, "pageId": beproducttest.PageSizes, "listItemId": item}, beproduct.FileFromBytes("swatch.jpg", []byte("jpg")))
			if jget(up, "imageId") == nil {
				t.Fatalf("list image = %v", up)
			}
			if _, err := o.call("Upload"+M+"ListImage", P{lower + "Id": hid, "pageId": beproducttest.PageSizes, "listItemId": "nope"}, beproduct.FileFromBytes("x.jpg", []byte("x"))); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("unknown list item: %v", err)
			}
			if pg := o.ok("Get"+M+"Page", P{"headerId": hid, "pageId": beproducttest.PageSizes}); jget(pg, "data.0.image") == nil {
				t.Fatalf("list data = %v", pg)
			}
			o.ok("Upload"+M+"GridFormImage", P{lower + "Id": hid, "pageId": beproducttest.PageImages}, beproduct.FileFromBytes("look.jpg", []byte("look")))
			if pg := o.ok("Get"+M+"Page", P{"headerId": hid, "pageId": beproducttest.PageImages}); jlen(jget(pg, "data.image")) != 2 || jget(pg, "data.image.1.image") == nil {
				t.Fatalf("images page = %v", pg)
			}

			// Reset empties the list.
			o.done("Reset"+M+"Page", hid, beproducttest.PageSizes, map[string]any{})
			if pg := o.ok("Get"+M+"Page", P{"headerId": hid, "pageId": beproducttest.PageSizes}); jlen(jget(pg, "data")) != 0 {
				t.Fatalf("page not reset: %v", pg)
			}
		})
	}
}
