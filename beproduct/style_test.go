package beproduct_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/validate"
)

// newHeader creates a header of M with three colorways and three sizes.
func newHeader(o ops, M, number string) (id string, colorways []string) {
	o.t.Helper()
	body := map[string]any{
		"fields": []any{map[string]any{"id": "header_number", "value": number}, map[string]any{"id": "header_name", "value": "Script " + number}},
		"colorways": []any{
			map[string]any{"fields": []any{map[string]any{"id": "color_number", "value": "001"}}},
			map[string]any{"fields": []any{map[string]any{"id": "color_number", "value": "002"}}},
			map[string]any{"fields": []any{map[string]any{"id": "color_number", "value": "003"}}},
		},
		"sizes": []any{map[string]any{"name": "S"}, map[string]any{"name": "M"}, map[string]any{"name": "L"}},
	}
	h := o.ok("Create"+M+"Header", P{"folderId": beproducttest.FolderID(M, 0)}, body)
	id, _ = jget(h, "id").(string)
	for _, c := range jget(h, "colorways").([]any) {
		colorways = append(colorways, jget(c, "id").(string))
	}
	return id, colorways
}

// TestColorwayFamilies runs the colorway, schema, move and request-page
// operations of styles and materials.
func TestColorwayFamilies(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	for _, M := range []string{"Style", "Material"} {
		t.Run(M, func(t *testing.T) {
			o := newOps(t, e.client)
			folder := beproducttest.FolderID(M, 0)
			if v := o.ok("Get"+M+"ColorwaySchema", P{"folderId": folder}); jget(v, "0.fieldId") != "color_number" || jget(v, "0.fieldType") != "Text" {
				t.Fatalf("colorway schema = %v", v)
			}
			if v := o.ok("Get"+M+"SizeRangeSchema", P{"folderId": folder}); jget(v, "1.fieldType") != "Currency" {
				t.Fatalf("size range schema = %v", v)
			}
			if v := o.ok("List"+M+"FolderPages", folder); jlen(v) != len(beproducttest.PageIDs(M)) || jget(v, "3.type") != "Attachments" {
				t.Fatalf("folder pages = %v", v)
			}
			hid, cws := newHeader(o, M, M[:1]+"-CW")
			o.done("Delete"+M+"Colorway", hid, cws[0])
			o.done("Delete"+M+"Colorways", hid, map[string]any{"colorwayIds": []string{cws[1]}})
			if msg := o.refused("Delete"+M+"Colorway", hid, cws[0]); !strings.Contains(msg, "not found") {
				t.Fatalf("deleting a deleted colorway: %s", msg)
			}
			h := o.ok("Get"+M+"Header", hid)
			if jlen(jget(h, "colorways")) != 1 || jget(h, "colorways.0.id") != cws[2] {
				t.Fatalf("colorways = %v", jget(h, "colorways"))
			}
			up := o.ok("Upload"+M+"ColorwayImage", hid, P{"colorNumber": "003"}, beproduct.FileFromBytes("cw.jpg", []byte("cw")))
			if id, _ := jget(up, "imageId").(string); id == "" {
				t.Fatalf("colorway upload = %v", up)
			}
			if st, err := e.client.ImageProcessingStatus(ctx, beproduct.Master(M), jget(up, "imageId").(string)); err != nil || st.Finished {
				t.Fatalf("first status read = %+v, %v (the fake finishes on the second)", st, err)
			}
			if st := o.ok("Get"+M+"ImageProcessingStatus", jget(up, "imageId").(string)); jget(st, "finished") != true {
				t.Fatalf("second status read = %v", st)
			}
			if h := o.ok("Get"+M+"Header", hid); jget(h, "colorways.0.image.origin") == nil {
				t.Fatalf("colorway image not set: %v", h)
			}
			if _, err := o.call("Upload"+M+"ColorwayImage", hid, P{"colorId": "nope"}, beproduct.FileFromBytes("cw.jpg", []byte("cw"))); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("unknown colorway: %v", err)
			}

			target := beproducttest.FolderID(M, 1)
			o.done("Move"+M+"Header", hid, map[string]any{"targetFolderId": target, "generateNewHeaderNumber": true})
			h = o.ok("Get"+M+"Header", hid)
			if jget(h, "folder.id") != target || jget(h, "headerNumber") == M[:1]+"-CW" {
				t.Fatalf("moved = %v / %v", jget(h, "folder"), jget(h, "headerNumber"))
			}
			o.refused("Move"+M+"Header", hid, map[string]any{"targetFolderId": "no-folder"})

			if v := o.ok("List"+M+"RequestPages", P{"headerId": hid}); jget(v, "0.id") != beproducttest.PageRequest {
				t.Fatalf("request pages = %v", v)
			}
			rp := P{"headerId": hid, "pageId": beproducttest.PageRequest, "timelineId": "tl-9"}
			o.done("Update"+M+"RequestPageForm", rp, []any{map[string]any{"id": "request_status", "value": "Closed"}})
			if v := o.ok("Get"+M+"RequestPage", rp); jget(v, "data.0.value") != "Closed" {
				t.Fatalf("request page of the timeline = %v", v)
			}
			if v := o.ok("Get"+M+"RequestPage", P{"headerId": hid, "pageId": beproducttest.PageRequest}); jget(v, "data.0.value") != "Open" {
				t.Fatalf("request page template = %v", v)
			}
		})
	}
}

// TestStyleApps runs the style-only operations.
func TestStyleApps(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)
	hid, cws := newHeader(o, "Style", "S-APPS")

	// Carry over, with and without colorways.
	co := o.ok("CopyStyleHeaderCarryOver", hid, map[string]any{"skipColorways": true})
	nid, _ := jget(co, "id").(string)
	if h := o.ok("GetStyleHeader", nid); nid == hid || jget(h, "copiedOrCarriedOverFrom") != hid || jlen(jget(h, "colorways")) > 0 {
		t.Fatalf("carried over = %v", h)
	}
	co = o.ok("CopyStyleHeaderCarryOver", hid, map[string]any{})
	if h := o.ok("GetStyleHeader", jget(co, "id").(string)); jlen(jget(h, "colorways")) != 3 {
		t.Fatalf("carried over with colorways = %v", jget(h, "colorways"))
	}

	// Block link: the style takes the block's size classes.
	blk := o.ok("CreateBlockHeader", P{"folderId": beproducttest.FolderID("Block", 0)}, map[string]any{
		"fields":      []any{map[string]any{"id": "header_number", "value": "B-1"}},
		"sizeClasses": []any{map[string]any{"name": "Missy", "sizeRange": []any{map[string]any{"name": "S"}, map[string]any{"name": "M"}}}},
	})
	bid := jget(blk, "id").(string)
	o.done("LinkStyleBlock", hid, map[string]any{"blockHeaderId": bid})
	h := o.ok("GetStyleHeader", hid)
	sc, _ := jget(h, "sizeClasses.0.id").(string)
	if sc == "" || sc != jget(blk, "headerData.sizeClasses.0.id") {
		t.Fatalf("linked size classes = %v", jget(h, "sizeClasses"))
	}
	o.refused("LinkStyleBlock", hid, map[string]any{"blockHeaderId": "no-block"})
	o.done("UpdateStyleSampleSize", hid, sc, map[string]any{"newSampleSize": "M"})
	if h := o.ok("GetStyleHeader", hid); jget(h, "sizeClasses.0.sizes.1.isSampleSize") != true || jget(h, "sizeClasses.0.sizes.0.isSampleSize") == true {
		t.Fatalf("sample size = %v", jget(h, "sizeClasses"))
	}
	o.refused("UpdateStyleSampleSize", hid, sc, map[string]any{"newSampleSize": "XXL"})
	o.done("UnlinkStyleBlock", hid)
	o.refused("UnlinkStyleBlock", hid)

	// Sets, and where a style is used in them.
	other := e.fake.HeaderIDs("Style")[1]
	o.done("UpdateStylePageSets", P{"headerId": other, "pageId": beproducttest.PageSets}, []any{map[string]any{"headerId": hid, "quantity": 1}})
	if v := o.ok("ListStyleSetsWhereUsed", hid); jlen(v) != 1 || jget(v, "0.headerId") != other {
		t.Fatalf("where used = %v", v)
	}

	// SKUs: generated from colorways × sizes, then changed.
	o.done("CreateStyleSkus", hid, beproducttest.PageSKU, map[string]any{})
	pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageSKU})
	if jlen(jget(pg, "data")) != 9 || !strings.HasSuffix(jget(pg, "data.0.sku").(string), "-001-S") {
		t.Fatalf("SKUs = %v", jget(pg, "data"))
	}
	o.done("UpdateStylePageSku", P{"headerId": hid, "pageId": beproducttest.PageSKU}, []any{map[string]any{"id": jget(pg, "data.0.id"), "upc": "0123"}})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageSKU}); jget(pg, "data.0.upc") != "0123" || jlen(jget(pg, "data")) != 9 {
		t.Fatalf("SKU update = %v", jget(pg, "data.0"))
	}
	o.refused("CreateStyleSkus", nid, beproducttest.PageSKU, map[string]any{}) // no colorways

	// Colorway BOM: rows, flat BOM, row delete, reset.
	cb := P{"headerId": hid, "pageId": beproducttest.PageCBOM}
	o.done("UpdateStylePageCbom", cb, []any{map[string]any{"component": "Shell", "colorway": cws[0]}, map[string]any{"component": "Lining"}})
	pg = o.ok("GetStylePage", cb)
	row, _ := jget(pg, "data.data.0.rowId").(string)
	if row == "" || jlen(jget(pg, "data.data")) != 2 {
		t.Fatalf("CBOM = %v", pg)
	}
	for _, op := range []string{"GetStyleFlatBom", "GetReportFlatBom"} {
		if v := o.ok(op, map[string]any{"headerIds": []string{hid}}); jget(v, "total") != 2.0 || jget(v, "rows.0.component") != "Shell" {
			t.Fatalf("%s = %v", op, v)
		}
	}
	if _, err := o.call("GetStyleFlatBom", map[string]any{}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("flat BOM without ids: %v", err)
	}
	o.done("DeleteStyleCbomItem", P{"headerId": hid, "pageId": beproducttest.PageCBOM, "rowId": row})
	o.refused("DeleteStyleCbomItem", P{"headerId": hid, "pageId": beproducttest.PageCBOM, "rowId": row})
	o.done("ResetStyleCbom", hid, beproducttest.PageCBOM, map[string]any{})
	if pg := o.ok("GetStylePage", cb); jlen(jget(pg, "data.data")) != 0 {
		t.Fatalf("CBOM not reset: %v", pg)
	}
	if _, err := o.call("UpdateStylePageCbom", P{"headerId": hid, "pageId": beproducttest.PageSKU}, []any{}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("CBOM write to a SKU page: %v", err)
	}

	// BOM details, link pages, text list.
	o.done("UpdateStylePageBomDetails", hid, beproducttest.PageBOMDetails, map[string]any{"materials": []any{map[string]any{"materialId": "m1", "usage": "Body"}}})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageBOMDetails}); jget(pg, "data.0.usage") != "Body" {
		t.Fatalf("BOM details = %v", pg)
	}
	o.done("UpdateStylePageLinkPages", P{"headerId": hid, "pageId": beproducttest.PageLinks}, []any{map[string]any{"pageId": beproducttest.PageBOM}})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageLinks}); jget(pg, "data.0.pageId") != beproducttest.PageBOM {
		t.Fatalf("link pages = %v", pg)
	}
	tp := P{"headerId": hid, "pageId": beproducttest.PageText}
	o.done("UpdateStylePageTextList", tp, []any{map[string]any{"text": "Wash cold"}})
	o.done("UpdateStylePageTextEditor", tp, map[string]any{"editorData": "<p>Care</p>"})
	if pg := o.ok("GetStylePage", tp); jget(pg, "data.text") != "<p>Care</p>" || jget(pg, "data.items.0.text") != "Wash cold" {
		t.Fatalf("text list = %v", pg)
	}
	if v := o.ok("GetRequestPageSchema", P{"pageId": beproducttest.PageRequest}); jget(v, "0.fieldType") != "DropDown" {
		t.Fatalf("request page schema = %v", v)
	}

	// Turntable and artboard assignment.
	tt := o.ok("UploadStyleTurntable", hid, P{"replaceImages": true}, beproduct.FileFromBytes("spin.zip", []byte("zip")))
	img, _ := jget(tt, "imageId").(string)
	o.done("AssignStyleArtboardImage", map[string]any{"headerId": hid, "imageId": img})
	if h := o.ok("GetStyleHeader", hid); !strings.Contains(jget(h, "headerData.frontImage.origin").(string), img) {
		t.Fatalf("artboard = %v", jget(h, "headerData.frontImage"))
	}
	o.refused("AssignStyleArtboardImage", map[string]any{"headerId": hid, "imageId": "nope"})

	// Multi measurements.
	o.done("UpdateStylePageMultiMeasurements", hid, beproducttest.PageMeasurements, map[string]any{"points": []any{map[string]any{"pom": "Chest", "M": 52.0}}})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageMeasurements}); jget(pg, "data.points.0.pom") != "Chest" {
		t.Fatalf("measurements = %v", pg)
	}
	o.done("ResetStylePageMultiMeasurements", hid, beproducttest.PageMeasurements, map[string]any{})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageMeasurements}); jget(pg, "data.points") != nil {
		t.Fatalf("measurements not reset: %v", pg)
	}

	// 3D versions: create, copy, update, files, delete.
	o.done("CreateStyle3dVersion", hid, beproducttest.Page3D, map[string]any{"versionName": "v1"})
	pg = o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.Page3D})
	v1, _ := jget(pg, "data.versions.0.id").(string)
	o.done("UpdateStyle3dVersion", hid, beproducttest.Page3D, v1, map[string]any{"versionName": "v1 final", "fabric": "Denim"})
	o.ok("UploadStyle3dWorkingFile", hid, beproducttest.Page3D, v1, beproduct.FileFromBytes("style.zprj", []byte("zprj")))
	o.ok("UploadStyle3dPreview", hid, beproducttest.Page3D, v1, cws[0], beproduct.FileFromBytes("prev.png", []byte("png")))
	if _, err := o.call("UploadStyle3dPreview", hid, beproducttest.Page3D, v1, "no-cw", beproduct.FileFromBytes("prev.png", []byte("png"))); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("preview of an unknown colorway: %v", err)
	}
	o.done("CreateStyle3dVersion", hid, beproducttest.Page3D, map[string]any{"versionName": "v2", "copyVersionId": v1})
	pg = o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.Page3D})
	if jget(pg, "data.versions.0.versionName") != "v1 final" || jget(pg, "data.versions.1.workingFile") == "" || jget(pg, "data.versions.1.previews."+cws[0]) == nil {
		t.Fatalf("3D versions = %v", jget(pg, "data"))
	}
	o.done("DeleteStyle3dVersion", hid, beproducttest.Page3D, v1)
	if _, err := o.call("DeleteStyle3dVersion", hid, beproducttest.Page3D, v1); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("deleting a deleted version: %v", err)
	}

	// A multi-size sample request submit, from a tracking context.
	o.done("SubmitStyleSampleRequest", hid, beproducttest.PageSample, P{"timelineId": "tl-1"}, map[string]any{"sizes": []string{"M"}, "quantity": 2})
	if pg := o.ok("GetStylePage", P{"headerId": hid, "pageId": beproducttest.PageSample}); jget(pg, "data.submits.0.timelineId") != "tl-1" || jget(pg, "data.submits.0.quantity") != 2.0 {
		t.Fatalf("sample submits = %v", pg)
	}
	_ = ctx
}

// TestMaterialColorBlockApps runs the operations only materials, color
// palettes, images and blocks have.
func TestMaterialColorBlockApps(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)

	mid, cws := newHeader(o, "Material", "M-3D")
	base := P{"materialId": mid, "pageId": beproducttest.PageMaterial3D, "colorwayId": cws[0]}
	for _, op := range []string{"UploadMaterial3dAsset", "UploadMaterial3dPreview", "UploadMaterial3dFrontTexture", "UploadMaterial3dBackTexture"} {
		o.ok(op, base, beproduct.FileFromBytes("tex.png", []byte(op)))
	}
	o.done("UpdateMaterial3dPage", P{"materialId": mid, "pageId": beproducttest.PageMaterial3D}, map[string]any{"roughness": 0.4})
	pg := o.ok("GetMaterialPage", P{"headerId": mid, "pageId": beproducttest.PageMaterial3D})
	entry := jget(pg, "data.colorways."+cws[0])
	for _, k := range []string{"asset", "preview", "frontTexture", "backTexture"} {
		if jget(entry, k) == nil {
			t.Fatalf("3D material %s missing: %v", k, entry)
		}
	}
	if jget(pg, "data.roughness") != 0.4 {
		t.Fatalf("3D material data = %v", pg)
	}

	// Color palettes: chips and the company colors across palettes.
	if v := o.ok("GetColorChipSchema", P{"folderId": beproducttest.FolderID("Color", 0)}); jget(v, "2.fieldId") != "hex" {
		t.Fatalf("color chip schema = %v", v)
	}
	for i, name := range []string{"Red", "Blue", "Green"} {
		o.ok("CreateColorHeader", P{"folderId": beproducttest.FolderID("Color", 0)}, map[string]any{
			"fields": []any{map[string]any{"id": "header_number", "value": "PAL-" + name}},
			"colors": []any{map[string]any{"color_number": "00" + string(rune('1'+i)), "color_name": name}},
		})
	}
	var names []string
	for c, err := range e.client.CompanyColors(ctx, beproduct.PageOptions{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.ColorName)
	}
	if strings.Join(names, ",") != "Red,Blue,Green" {
		t.Fatalf("company colors = %v", names)
	}
	names = nil
	for c, err := range e.client.CompanyColors(ctx, beproduct.PageOptions{Filters: beproduct.Where("color_name").In("Blue", "Green")}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.ColorName)
	}
	if strings.Join(names, ",") != "Blue,Green" {
		t.Fatalf("filtered company colors = %v", names)
	}

	// Images poll by query parameter.
	iid := e.fake.HeaderIDs("Image")[0]
	up, err := e.client.UploadHeaderImage(ctx, beproduct.Image, iid, "", beproduct.FileFromBytes("i.png", []byte("i")))
	if err != nil {
		t.Fatal(err)
	}
	if v := o.ok("GetImageImageProcessingStatus", P{"imageId": up}); jget(v, "finished") != false {
		t.Fatalf("image status = %v", v)
	}

	// Blocks: a size class's 3D assets.
	blk := o.ok("CreateBlockHeader", P{"folderId": beproducttest.FolderID("Block", 0)}, map[string]any{
		"fields":      []any{map[string]any{"id": "header_number", "value": "B-3D"}},
		"sizeClasses": []any{map[string]any{"name": "Petite", "sizeRange": []any{map[string]any{"name": "XS"}}}},
	})
	bid, sc := jget(blk, "id").(string), jget(blk, "headerData.sizeClasses.0.id").(string)
	a := o.ok("UploadBlockSizeClass3dAsset", P{"headerId": bid, "sizeClass": "petite"}, beproduct.FileFromBytes("avatar.obj", []byte("obj")))
	if _, err := o.call("UploadBlockSizeClass3dAsset", P{"headerId": bid, "sizeClass": "Tall"}, beproduct.FileFromBytes("x.obj", []byte("x"))); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown size class: %v", err)
	}
	if v := o.ok("GetBlockSizeClassAssets", bid, sc); jlen(v) != 1 || jget(v, "0.fileName") != "avatar.obj" {
		t.Fatalf("size class assets = %v", v)
	}
	id := jget(a, "imageId").(string)
	o.ok("GetBlockImageProcessingStatus", id)
	if st := o.ok("GetBlockImageProcessingStatus", id); jget(st, "finished") != true {
		t.Fatalf("block status = %v", st)
	}
}
