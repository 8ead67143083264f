package beproduct_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/validate"
)

// TestSharedFamilies runs Comments, Revisions, Tags and Share, which every
// master shares.
func TestSharedFamilies(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	o := newOps(t, e.client)
	hid := e.fake.HeaderIDs("Material")[0]
	pid := beproducttest.PageBOM
	for _, fam := range []string{"Comment", "Revision"} {
		idp := strings.ToLower(fam) + "Id"
		for _, scope := range []string{"Header", "Page"} {
			args := []any{hid}
			if scope == "Page" {
				args = append(args, pid)
			}
			with := func(extra ...any) []any { return append(append([]any{}, args...), extra...) }
			msg := o.done("Create"+scope+fam, with(map[string]any{"body": "Check the trims"})...)
			id := idIn(msg)
			o.refused("Create"+scope+fam, with(map[string]any{"body": "  "})...)
			list := o.ok("List"+scope+fam+"s", args...)
			if jlen(list) != 1 || jget(list, "0.id") != id || jget(list, "0.body") != "Check the trims" {
				t.Fatalf("%s %ss = %v", scope, fam, list)
			}
			o.done("Update"+scope+fam, with(P{idp: id}, map[string]any{"body": "Trims checked"})...)
			if list := o.ok("List"+scope+fam+"s", args...); jget(list, "0.body") != "Trims checked" {
				t.Fatalf("edited = %v", list)
			}
			o.done("Delete"+scope+fam, with(P{idp: id})...)
			if _, err := o.call("Delete"+scope+fam, with(P{idp: id})...); !errors.Is(err, beproduct.ErrNotFound) {
				t.Fatalf("deleting a deleted %s: %v", fam, err)
			}
			if list := o.ok("List"+scope+fam+"s", args...); jlen(list) != 0 {
				t.Fatalf("after delete = %v", list)
			}
		}
	}
	if _, err := o.call("ListHeaderComments", "no-header"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("comments of an unknown header: %v", err)
	}

	// Tags: a master's tag on a header, renamed, shared, removed, deleted.
	o.done("CreateMaterialTag", map[string]any{"name": "Core"})
	tag := jget(o.ok("ListMaterialTags"), "0.id").(string)
	o.done("AddHeaderTags", hid, []string{"core"})
	o.refused("AddHeaderTags", hid, []string{"Missing"})
	if v := o.ok("ListHeaderTags", hid); jlen(v) != 1 || jget(v, "0.id") != tag {
		t.Fatalf("header tags = %v", v)
	}
	o.done("UpdateTag", tag, map[string]any{"name": "Core line", "integration": "plm"})
	if h := o.ok("GetMaterialHeader", hid); jget(h, "tags.0.id") != tag {
		t.Fatalf("header.tags = %v", jget(h, "tags"))
	}
	o.done("AddTagShares", tag, []string{beproducttest.TestOtherUserID})
	o.refused("AddTagShares", tag, []string{"no-user"})
	if v := o.ok("ListMaterialTags"); jget(v, "0.name") != "Core line" || jget(v, "0.tagUsers.0") != beproducttest.TestOtherUserID {
		t.Fatalf("tag = %v", v)
	}
	o.done("RemoveTagShares", tag, []string{beproducttest.TestOtherUserID})
	if v := o.ok("ListMaterialTags"); jlen(jget(v, "0.tagUsers")) > 0 {
		t.Fatalf("tag still shared: %v", v)
	}
	o.done("RemoveHeaderTags", hid, []string{"Core line"})
	if v := o.ok("ListHeaderTags", hid); jlen(v) != 0 {
		t.Fatalf("header tags after remove = %v", v)
	}
	o.done("AddHeaderTags", hid, []string{"Core line"})
	o.done("DeleteTag", tag)
	if v := o.ok("ListHeaderTags", hid); jlen(v) != 0 {
		t.Fatalf("a deleted tag stays on the header: %v", v)
	}
	if _, err := o.call("DeleteTag", tag); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("deleting a deleted tag: %v", err)
	}

	// Sharing with directory partners, of a header and of a page.
	for _, scope := range []string{"Header", "Page"} {
		args := []any{hid}
		if scope == "Page" {
			args = append(args, pid)
		}
		with := func(extra ...any) []any { return append(append([]any{}, args...), extra...) }
		o.done("Add"+scope+"Shares", with([]string{beproducttest.DirectoryFactoryID})...)
		o.refused("Add"+scope+"Shares", with([]string{"no-partner"})...)
		v := o.ok("List"+scope+"Shares", args...)
		if jlen(v) != 1 || jget(v, "0.partner.name") != "Blue River Textiles" || jget(v, "0.partner.partnerType") != "Factory" {
			t.Fatalf("%s shares = %v", scope, v)
		}
		o.done("Remove"+scope+"Shares", with([]string{beproducttest.DirectoryFactoryID})...)
		if v := o.ok("List"+scope+"Shares", args...); jlen(v) != 0 {
			t.Fatalf("%s shares after unshare = %v", scope, v)
		}
	}
}

func TestDirectoryUsersMore(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)
	ct := o.ok("CreateDirectoryContact", beproducttest.DirectoryFactoryID, map[string]any{"email": "new@blue.example", "firstName": "Rui", "workPhone": "+351 1"})
	cid := jget(ct, "id").(string)
	if _, err := o.call("CreateDirectoryContact", beproducttest.DirectoryFactoryID, map[string]any{"firstName": "No mail"}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("contact without email: %v", err)
	}
	o.done("UpdateDirectoryContact", beproducttest.DirectoryFactoryID, cid, map[string]any{"title": "Sales"})
	if v := o.ok("GetDirectoryContact", P{"contactId": cid}); jget(v, "title") != "Sales" || jget(v, "workPhone") != "+351 1" || jget(v, "registerdOn") == nil {
		t.Fatalf("contact = %v", v)
	}
	var n int
	for c, err := range e.client.DirectoryContacts(ctx, beproducttest.DirectoryFactoryID, 2) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		_ = c
	}
	if n != 3 {
		t.Fatalf("contacts = %d, want 3", n)
	}
	var names []string
	for c, err := range e.client.DirectoryCompanies(ctx, beproduct.PageOptions{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	if len(names) != 3 {
		t.Fatalf("companies = %v", names)
	}
	names = nil
	for c, err := range e.client.DirectoryCompanies(ctx, beproduct.PageOptions{Filters: beproduct.Where("partnerType").In("Vendor", "Agent")}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "Northwind Trims,Atlas Sourcing" {
		t.Fatalf("filtered companies = %v", names)
	}

	if v := o.ok("GetUser", beproducttest.TestOtherUserID); jget(v, "email") != beproducttest.TestOtherUserEmail {
		t.Fatalf("user = %v", v)
	}
	if v := o.ok("GetUserRole", beproducttest.TestUserID); jget(v, "roleName") != "Admin" || jget(v, "isAdmin") != true {
		t.Fatalf("role = %v", v)
	}
	if _, err := o.call("GetUser", "nobody"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestTrackingMore(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)
	plan := beproducttest.TrackingPlanID
	sid, scws := newHeader(o, "Style", "S-TRK")
	mid, mcws := newHeader(o, "Material", "M-TRK")
	count := func(kind beproduct.Timeline) int {
		n := 0
		for _, err := range e.client.TrackingTimelines(ctx, kind, plan, "", beproduct.PageOptions{PageSize: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	o.done("AddTrackingStyles", plan, []string{sid})
	o.refused("AddTrackingStyles", plan, []string{"nope"})
	o.done("AddTrackingStylesByColorway", plan, []any{map[string]any{"headerId": sid, "colorwayIds": scws[:2]}})
	refs := o.ok("AddTrackingStylesBySku", plan, []any{map[string]any{"headerId": sid, "sku": []any{map[string]any{"colorwayId": scws[2], "sizes": []string{"S", "M"}}}}})
	if jlen(refs) != 2 || jget(refs, "0.headerId") != sid || jget(refs, "0.headerFolderId") != beproducttest.FolderID("Style", 0) {
		t.Fatalf("by SKU = %v", refs)
	}
	if _, err := o.call("AddTrackingStylesBySku", plan, []any{map[string]any{"headerId": sid, "sku": []any{map[string]any{"colorwayId": "nope"}}}}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("SKU of an unknown colorway: %v", err)
	}
	if n := count(beproduct.StyleTimeline); n != 3+1+2+2 {
		t.Fatalf("style timelines = %d", n)
	}
	h := o.ok("GetStyleHeader", sid)
	if jget(h, "planIds.0") != plan {
		t.Fatalf("planIds = %v", jget(h, "planIds"))
	}
	o.done("AddTrackingMaterials", plan, []string{mid})
	o.done("AddTrackingMaterialsByColorway", plan, []any{map[string]any{"headerId": mid, "colorwayIds": mcws[:1]}})
	o.refused("AddTrackingMaterialsByColorway", plan, []any{map[string]any{"headerId": mid, "colorwayIds": []string{"nope"}}})
	if n := count(beproduct.MaterialTimeline); n != 5 {
		t.Fatalf("material timelines = %d", n)
	}

	// Progress counts every milestone by status; an edit moves one.
	pr := o.ok("GetTrackingStyleProgress", plan)
	if jget(pr, "total") != 16.0 || jget(pr, "not_started") != 16.0 {
		t.Fatalf("style progress = %v", pr)
	}
	if _, err := e.client.UpdateTrackingTimelines(ctx, beproduct.StyleTimeline, plan, []beproductapi.TimelineEdit{{Id: "tr-style-1",
		Timelines: &[]beproductapi.TimelineItemEdit{{Id: "tl-style-1-proto", Status: &beproductapi.StringValue{Value: p("Approved")}}}}}); err != nil {
		t.Fatal(err)
	}
	if pr := o.ok("GetTrackingStyleProgress", plan); jget(pr, "approved") != 1.0 || jget(pr, "not_started") != 15.0 {
		t.Fatalf("style progress after edit = %v", pr)
	}
	if pr := o.ok("GetTrackingMaterialProgress", plan); jget(pr, "total") != 10.0 {
		t.Fatalf("material progress = %v", pr)
	}
	var revs []beproductapi.Record
	for r, err := range e.client.TrackingRevisions(ctx, beproduct.StyleTimeline, plan, beproduct.PageOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		revs = append(revs, r)
	}
	if len(revs) != 1 || revs[0]["status"] != "Approved" || revs[0]["timelineId"] != "tr-style-1" {
		t.Fatalf("style revisions = %v", revs)
	}
	for _, err := range e.client.TrackingRevisions(ctx, beproduct.MaterialTimeline, plan, beproduct.PageOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		t.Fatal("material revisions without edits")
	}

	// Archive, then delete.
	o.done("ArchiveTrackingStyleTimelines", plan, []string{"tr-style-2"})
	o.refused("ArchiveTrackingStyleTimelines", plan, []string{"nope"})
	for rec, err := range e.client.TrackingTimelines(ctx, beproduct.StyleTimeline, plan, "", beproduct.PageOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.IsArchived != (rec.Id == "tr-style-2") {
			t.Fatalf("archived = %+v", rec)
		}
	}
	o.done("DeleteTrackingStyleTimelines", plan, map[string]any{"timelineIds": []string{"tr-style-2", "tr-style-3"}})
	o.refused("DeleteTrackingMaterialTimelines", plan, map[string]any{"timelineIds": []string{"nope"}})
	o.done("DeleteTrackingMaterialTimelines", plan, map[string]any{"timelineIds": []string{"tr-material-1"}})
	if n, m := count(beproduct.StyleTimeline), count(beproduct.MaterialTimeline); n != 6 || m != 4 {
		t.Fatalf("after delete: %d style, %d material", n, m)
	}
	var plans int
	for p, err := range e.client.TrackingPlans(ctx, beproducttest.TrackingFolderID, beproduct.PageOptions{}) {
		if err != nil || p.Id != plan {
			t.Fatalf("plan %+v, %v", p, err)
		}
		plans++
	}
	views := 0
	for _, err := range e.client.TrackingTimelines(ctx, beproduct.MaterialTimeline, plan, beproducttest.TrackingViewID, beproduct.PageOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		views++
	}
	if plans != 1 || views != 4 {
		t.Fatalf("plans = %d, view records = %d", plans, views)
	}
	for _, err := range e.client.TrackingTimelines(ctx, "Color", plan, "", beproduct.PageOptions{}) {
		if err == nil {
			t.Fatal("unknown kind accepted")
		}
	}
}

func TestDataTablesMasterDataInboxReports(t *testing.T) {
	e := setup(t, nil, beproduct.WithResponseValidation(validate.Strict))
	ctx := context.Background()
	o := newOps(t, e.client)

	var tables []string
	for d, err := range e.client.DataTables(ctx, beproduct.PageOptions{PageSize: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		tables = append(tables, d.Name)
	}
	if strings.Join(tables, ",") != "E1 Color Codes,Size Scales" {
		t.Fatalf("data tables = %v", tables)
	}
	dt := beproducttest.DataTableID
	if v := o.ok("GetDataTableSchema", dt); jget(v, "0.fieldId") != "e1_color_code" {
		t.Fatalf("data table schema = %v", v)
	}
	rows := func(f beproduct.Filters) []beproductapi.DataTableRow {
		var out []beproductapi.DataTableRow
		for r, err := range e.client.DataTableRows(ctx, dt, beproduct.PageOptions{Filters: f, PageSize: 2}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	all := rows(nil)
	if len(all) != 3 || len(rows(beproduct.Where("e1_color_name").Eq("Navy"))) != 1 {
		t.Fatalf("rows = %d", len(all))
	}
	res := o.ok("UpdateDataTableRows", dt, []any{
		map[string]any{"rowId": nil, "rowFields": []any{map[string]any{"id": "e1_color_code", "value": "004"}, map[string]any{"id": "e1_color_name", "value": "Red"}}},
		map[string]any{"rowId": all[0].Id, "rowFields": []any{map[string]any{"id": "e1_color_name", "value": "Jet Black"}}},
		map[string]any{"rowId": all[1].Id, "deleteRow": true},
	})
	if jlen(jget(res, "added")) != 1 || jget(res, "updated.0") != all[0].Id || jget(res, "deleted.0") != all[1].Id {
		t.Fatalf("data table update = %v", res)
	}
	if got := rows(beproduct.Where("e1_color_name").In("Jet Black", "Red")); len(got) != 2 {
		t.Fatalf("rows after update = %+v", got)
	}
	if _, err := o.call("UpdateDataTableRows", dt, []any{map[string]any{"rowId": "nope"}}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("unknown row: %v", err)
	}
	o.done("ResetDataTable", dt, map[string]any{})
	if len(rows(nil)) != 0 {
		t.Fatal("data table not reset")
	}

	// Master data and folder fields.
	if v := o.ok("GetMasterData", beproducttest.MasterDataField); jget(v, "fieldType") != "DropDown" || jget(v, "properties.Choices.1.value") != "Fall 2026" {
		t.Fatalf("master data = %v", v)
	}
	o.done("CreateMasterData", map[string]any{"fieldId": "fabric_type", "fieldName": "Fabric Type", "fieldType": "DropDown"})
	o.refused("CreateMasterData", map[string]any{"fieldId": "fabric_type"})
	o.done("UpdateMasterData", "fabric_type", map[string]any{"fieldName": "Fabric", "properties": map[string]any{"Choices": []any{"Knit", "Woven"}}})
	if v := o.ok("GetMasterData", "fabric_type"); jget(v, "fieldName") != "Fabric" || jget(v, "properties.Choices.1") != "Woven" {
		t.Fatalf("updated master data = %v", v)
	}
	folder := beproducttest.FolderID("Style", 0)
	if v := o.ok("GetMasterDataFolderField", folder, "season"); jget(v, "fieldName") != "Season" || jget(v, "active") != true {
		t.Fatalf("folder field = %v", v)
	}
	o.done("UpdateMasterDataFolderField", folder, "season", map[string]any{"active": false})
	if v := o.ok("GetMasterDataFolderField", folder, "season"); jget(v, "active") == true {
		t.Fatalf("folder field after update = %v", v)
	}
	if _, err := o.call("GetMasterDataFolderField", folder, "nope"); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown folder field: %v", err)
	}

	// Inbox: tasks and their messages.
	msg := o.done("CreateInboxTask", map[string]any{"title": "Approve lab dips", "masterFolder": "Style", "headerId": e.fake.HeaderIDs("Style")[0]})
	task := idIn(msg)
	if _, err := o.call("CreateInboxTask", map[string]any{"masterFolder": "Style"}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("task without title: %v", err)
	}
	o.done("UpdateInboxTask", task, map[string]any{"status": "Done"})
	if v := o.ok("GetInboxTask", task); jget(v, "status") != "Done" || jget(v, "title") != "Approve lab dips" {
		t.Fatalf("task = %v", v)
	}
	var tasks []beproductapi.Record
	for tk, err := range e.client.InboxTasks(ctx, beproduct.Style, beproductapi.Record{"status": "Done"}, 0) {
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, tk)
	}
	if len(tasks) != 1 || tasks[0]["id"] != task {
		t.Fatalf("inbox tasks = %v", tasks)
	}
	for _, err := range e.client.InboxTasks(ctx, beproduct.Material, nil, 0) {
		if err != nil {
			t.Fatal(err)
		}
		t.Fatal("a material task appeared")
	}
	m1 := idIn(o.done("CreateInboxMessage", task, map[string]any{"body": "Dip 2 is closest"}))
	o.done("CreateInboxMessage", task, map[string]any{"body": "Agreed"})
	if _, err := o.call("CreateInboxMessage", task, map[string]any{"body": ""}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("empty message: %v", err)
	}
	o.done("UpdateInboxMessage", m1, map[string]any{"body": "Dip 2 it is"})
	o.ok("UploadInboxMessageAttachment", m1, beproduct.FileFromBytes("dip.jpg", []byte("dip")))
	var msgs []beproductapi.Record
	for m, err := range e.client.InboxMessages(ctx, task, 1) {
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	if len(msgs) != 2 || msgs[0]["body"] != "Dip 2 it is" || jget(msgs[0]["attachments"], "0.fileName") != "dip.jpg" {
		t.Fatalf("messages = %v", msgs)
	}
	o.done("DeleteInboxMessage", m1)
	if _, err := o.call("DeleteInboxMessage", m1); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("deleting a deleted message: %v", err)
	}
	o.done("DeleteInboxTask", task)
	if _, err := o.call("GetInboxTask", task); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("deleted task: %v", err)
	}

	// Line sheets and reports.
	if v := o.ok("ListLineSheetFolders"); jget(v, "0.id") != beproducttest.LineSheetFolder {
		t.Fatalf("line sheet folders = %v", v)
	}
	if v := o.ok("ListLineSheets", P{"folderId": beproducttest.LineSheetFolder}); jlen(v) != 1 || jget(v, "0.id") != beproducttest.LineSheetID {
		t.Fatalf("line sheets = %v", v)
	}
	if v := o.ok("ListLineSheets", P{"folderId": "other"}); jlen(v) != 0 {
		t.Fatalf("line sheets of another folder = %v", v)
	}
	if v := o.ok("GetLineSheet", beproducttest.LineSheetID); jget(v, "name") != "SS26 Womens" {
		t.Fatalf("line sheet = %v", v)
	}
	if v := o.ok("ListReports"); jget(v, "total") != 1.0 || jget(v, "result.0.id") != beproducttest.ReportID {
		t.Fatalf("reports = %v", v)
	}
	byID := o.ok("GetReportDataById", beproducttest.ReportID, map[string]any{})
	adhoc := o.ok("GetReportData", map[string]any{"master": "Style", "groupBy": "season"})
	if jget(byID, "total") != 2.0 || jget(adhoc, "rows.0.count") != 2.0 || jget(adhoc, "rows.1.count") != 3.0 {
		t.Fatalf("report data = %v / %v", byID, adhoc)
	}
	if _, err := o.call("GetReportData", map[string]any{"master": "Nope"}); !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("bad report query: %v", err)
	}
	_ = time.Second
}
