package beproduct_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/beproduct/beproducttest"
	"github.com/oasuite/sdk/gen/beproductapi"
)

func p[T any](v T) *T { return &v }

func TestNewRequiresCompany(t *testing.T) {
	ctx := context.Background()
	if _, err := beproduct.New(ctx); !errors.Is(err, beproduct.ErrNoCompany) {
		t.Fatalf("no company: %v", err)
	}
	if _, err := beproduct.New(ctx, beproduct.WithCompany("  ")); !errors.Is(err, beproduct.ErrNoCompany) {
		t.Fatalf("blank company: %v", err)
	}
	if _, err := beproduct.New(ctx, beproduct.WithCompany("acme/../x")); err == nil {
		t.Fatal("a slug with '/' was accepted")
	}
	if _, err := beproduct.New(ctx, beproduct.WithCompany("acme")); !errors.Is(err, beproduct.ErrNoCredentials) {
		t.Fatalf("no token source: %v, want ErrNoCredentials", err)
	}
	c, err := beproduct.New(ctx, beproduct.WithCompany("acme"), beproduct.WithoutCredentials())
	if err != nil {
		t.Fatal(err)
	}
	if c.ServerURL() != "https://developers.beproduct.com/api/acme" || c.Company() != "acme" {
		t.Fatalf("server = %s", c.ServerURL())
	}
}

func TestDirectory(t *testing.T) {
	ctx := context.Background()
	c := setup(t, nil).client
	list, err := c.ListDirectoryCompaniesWithResponse(ctx, &beproductapi.ListDirectoryCompaniesParams{PageSize: p[int32](2), PageNumber: p[int32](0)})
	if err != nil || len(*list.JSON200) != 2 {
		t.Fatalf("page 0 = %v", err)
	}
	list, err = c.ListDirectoryCompaniesWithResponse(ctx, &beproductapi.ListDirectoryCompaniesParams{PageSize: p[int32](2), PageNumber: p[int32](5)})
	if err != nil || len(*list.JSON200) != 0 {
		t.Fatalf("past the end: %v", err)
	}
	f := []beproductapi.Filter(beproduct.Where("partnerType").Eq("Factory"))
	found, err := c.SearchDirectoryCompaniesWithResponse(ctx, &beproductapi.SearchDirectoryCompaniesParams{PageSize: p[int32](20)},
		beproductapi.FilterRequest{Filters: &f})
	if err != nil || len(*found.JSON200) != 1 || (*found.JSON200)[0].Name != "Blue River Textiles" {
		t.Fatalf("search = %v", err)
	}
	id := (*found.JSON200)[0].Id
	one, err := c.GetDirectoryCompanyWithResponse(ctx, &beproductapi.GetDirectoryCompanyParams{DirectoryId: id})
	if err != nil || one.JSON200.Id != id {
		t.Fatalf("get = %v", err)
	}
	contacts, err := c.ListDirectoryContactsWithResponse(ctx, &beproductapi.ListDirectoryContactsParams{DirectoryId: id})
	if err != nil || len(*contacts.JSON200) != 2 {
		t.Fatalf("contacts = %v", err)
	}
	added, err := c.CreateDirectoryCompanyWithResponse(ctx, beproductapi.DirectoryCompanyWrite{Name: p("Harbor Knits"), PartnerType: p("Factory")})
	if err != nil || added.JSON200.Name != "Harbor Knits" {
		t.Fatalf("add = %v", err)
	}
	upd, err := c.UpdateDirectoryCompanyWithResponse(ctx, added.JSON200.Id, beproductapi.DirectoryCompanyWrite{Country: p("Peru")})
	if err != nil || upd.JSON200.Country != "Peru" || upd.JSON200.Name != "Harbor Knits" {
		t.Fatalf("update = %v", err)
	}
	if _, err := c.GetDirectoryCompanyWithResponse(ctx, &beproductapi.GetDirectoryCompanyParams{DirectoryId: "nope"}); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown company: %v", err)
	}
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	c := setup(t, nil).client
	list, err := c.ListUsersWithResponse(ctx)
	if err != nil || len(*list.JSON200) != 2 {
		t.Fatalf("users = %v", err)
	}
	u, err := c.GetUserByEmailWithResponse(ctx, &beproductapi.GetUserByEmailParams{Email: beproducttest.TestUserEmail})
	if err != nil || u.JSON200.Id != beproducttest.TestUserID {
		t.Fatalf("by email = %v", err)
	}
	created, err := c.CreateUserWithResponse(ctx, beproductapi.UserWrite{Email: p("new.user@acme.example"), FirstName: p("New")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateUserWithResponse(ctx, beproductapi.UserWrite{Email: p("new.user@acme.example")})
	var be *beproduct.Error
	if !errors.As(err, &be) || be.StatusCode != 400 || len(be.Fields["email"]) == 0 {
		t.Fatalf("duplicate user: %v", err)
	}
	upd, err := c.UpdateUserWithResponse(ctx, created.JSON200.Id, beproductapi.UserWrite{Title: p("Designer")})
	if err != nil || upd.JSON200.Title != "Designer" || upd.JSON200.FirstName != "New" {
		t.Fatalf("update = %v", err)
	}
	roles, err := c.ListUserRolesWithResponse(ctx)
	if err != nil || len(*roles.JSON200) != 3 {
		t.Fatalf("roles = %v", err)
	}
}

func TestTracking(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	c := e.client
	folders, err := c.ListTrackingFoldersWithResponse(ctx)
	if err != nil || len(*folders.JSON200) != 1 {
		t.Fatalf("folders = %v", err)
	}
	f := []beproductapi.Filter(beproduct.Where("name").Contains("ss26"))
	plans, err := c.ListTrackingPlansWithResponse(ctx, &beproductapi.ListTrackingPlansParams{FolderId: p(beproducttest.TrackingFolderID), PageSize: p[int32](10), PageNumber: p[int32](0)},
		beproductapi.HeaderListRequest{Filters: &f})
	if err != nil || plans.JSON200.Total != 1 {
		t.Fatalf("plans = %v", err)
	}
	plan, err := c.GetTrackingPlanWithResponse(ctx, beproducttest.TrackingPlanID, beproductapi.EmptyRequest{})
	if err != nil || plan.JSON200.Name != "SS26 Development" || len(plan.JSON200.Style.Views) != 1 {
		t.Fatalf("plan = %v", err)
	}
	if _, err := c.GetTrackingPlanWithResponse(ctx, "nope", beproductapi.EmptyRequest{}); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown plan: %v", err)
	}
	params := &beproductapi.ListTrackingStyleTimelinesParams{PageSize: p[int32](2), PageNumber: p[int32](0)}
	st, err := c.ListTrackingStyleTimelinesWithResponse(ctx, beproducttest.TrackingPlanID, params, beproductapi.FilterRequest{})
	if err != nil || st.JSON200.Total != 3 || len(st.JSON200.Result) != 2 {
		t.Fatalf("style timelines = %v", err)
	}
	mt, err := c.ListTrackingMaterialTimelinesWithResponse(ctx, beproducttest.TrackingPlanID,
		(*beproductapi.ListTrackingMaterialTimelinesParams)(params), beproductapi.FilterRequest{})
	if err != nil || mt.JSON200.Total != 3 {
		t.Fatalf("material timelines = %v", err)
	}
	sv, err := c.ListTrackingStyleViewTimelinesWithResponse(ctx, beproducttest.TrackingPlanID, beproducttest.TrackingViewID,
		&beproductapi.ListTrackingStyleViewTimelinesParams{}, beproductapi.FilterRequest{})
	if err != nil || sv.JSON200.Total != 3 {
		t.Fatalf("style view = %v", err)
	}
	if _, err := c.ListTrackingMaterialViewTimelinesWithResponse(ctx, beproducttest.TrackingPlanID, "no-view",
		&beproductapi.ListTrackingMaterialViewTimelinesParams{}, beproductapi.FilterRequest{}); !errors.Is(err, beproduct.ErrNotFound) {
		t.Fatalf("unknown view: %v", err)
	}
	mv, err := c.ListTrackingMaterialViewTimelinesWithResponse(ctx, beproducttest.TrackingPlanID, beproducttest.TrackingViewID,
		&beproductapi.ListTrackingMaterialViewTimelinesParams{}, beproductapi.FilterRequest{})
	if err != nil || mv.JSON200.Total != 3 {
		t.Fatalf("material view = %v", err)
	}

	// Edits go through the batching helper; a request with an unknown record
	// is refused whole ({"error": true}), and nothing of it is written.
	for _, kind := range []beproduct.Timeline{beproduct.StyleTimeline, beproduct.MaterialTimeline} {
		k := strings.ToLower(string(kind))
		edit := beproductapi.TimelineEdit{Id: "tr-" + k + "-1", Timelines: &[]beproductapi.TimelineItemEdit{{Id: "tl-" + k + "-1-proto", Status: &beproductapi.StringValue{Value: p("Approved")}}}}
		res, err := c.UpdateTrackingTimelines(ctx, kind, beproducttest.TrackingPlanID, []beproductapi.TimelineEdit{edit, {Id: "tr-" + k + "-404"}})
		if err == nil || res.Succeeded != 0 || len(res.Failed) != 2 || !errors.Is(res.Failed[1].Err, beproduct.ErrRecordFailed) ||
			!strings.Contains(err.Error(), "tr-"+k+"-404 not found") {
			t.Fatalf("%s edit = %+v, %v", kind, res, err)
		}
		res, err = c.UpdateTrackingTimelines(ctx, kind, beproducttest.TrackingPlanID, []beproductapi.TimelineEdit{edit})
		if err != nil || res.Succeeded != 1 {
			t.Fatalf("%s edit = %+v, %v", kind, res, err)
		}
	}
	st, err = c.ListTrackingStyleTimelinesWithResponse(ctx, beproducttest.TrackingPlanID, params, beproductapi.FilterRequest{})
	if err != nil || st.JSON200.Result[0].Timelines[0].Status != "Approved" {
		t.Fatalf("edit not applied: %v", err)
	}
	if _, err := c.UpdateTrackingTimelines(ctx, "Color", beproducttest.TrackingPlanID, nil); err == nil {
		t.Fatal("unknown timeline kind accepted")
	}
}

func TestRateLimitHeadersAndStatus(t *testing.T) {
	ctx := context.Background()
	e := setup(t, []beproducttest.Option{beproducttest.WithRateLimits(100, 500, 50)})
	c := e.client
	if _, ok := c.RateLimit(); ok {
		t.Fatal("rate limit known before any call")
	}
	for i := 1; i <= 3; i++ {
		if _, err := c.ListStyleFoldersWithResponse(ctx); err != nil {
			t.Fatal(err)
		}
		rl, ok := c.RateLimit()
		if !ok || rl.Limit != 50 || rl.Remaining != int64(50-i) || rl.Reset.IsZero() {
			t.Fatalf("after call %d: %+v", i, rl)
		}
	}
	st, err := c.GetRateLimitStatusWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.JSON200.PerDay.Limit != 50 || st.JSON200.PerDay.Used != 3 || st.JSON200.PerMinute.Limit != 100 || st.JSON200.PerHour.Remaining != 497 {
		t.Fatalf("status = %+v", st.JSON200)
	}
}

func TestDailyQuotaExhausted(t *testing.T) {
	ctx := context.Background()
	e := setup(t, []beproducttest.Option{beproducttest.WithRateLimits(0, 0, 2)}, beproduct.WithRetry(3, time.Second))
	c := e.client
	for range 2 {
		if _, err := c.ListUsersWithResponse(ctx); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.ListUsersWithResponse(ctx)
	var be *beproduct.Error
	if !errors.As(err, &be) || !errors.Is(err, beproduct.ErrTooManyRequests) {
		t.Fatalf("over quota: %v", err)
	}
	// The reset is hours away: longer than the retry bound, so the answer
	// comes back at once with what the server said.
	if be.Window != "per_day" || be.Limit != 2 || be.RetryAfter < time.Minute || be.RateLimit.Remaining != 0 {
		t.Fatalf("429 error = %+v", be)
	}
	if rl, _ := c.RateLimit(); rl.Remaining != 0 {
		t.Fatalf("client rate limit = %+v", rl)
	}
	e.fake.Advance(24 * time.Hour)
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatalf("next day: %v", err)
	}
}

func TestRetryOn429And5xx(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	e.fake.FailNext("listStyleHeaders", 429, 0, 0)
	// POST Headers is retried after a 429: its body can be replayed.
	if _, err := e.client.ListHeaders(ctx, beproduct.Style, beproduct.ListOptions{PageSize: 10}, 0); err != nil {
		t.Fatalf("after one 429: %v", err)
	}
	e.fake.FailNext("getStyleHeader", 503, 0, 1)
	id := e.fake.HeaderIDs("Style")[0]
	if _, err := e.client.GetStyleHeaderWithResponse(ctx, id); err != nil {
		t.Fatalf("after one 503: %v", err)
	}
	e.fake.FailNext("getStyleHeader", 500, 0, 10)
	if _, err := e.client.GetStyleHeaderWithResponse(ctx, id); !errors.Is(err, beproduct.ErrServer) {
		t.Fatalf("persistent 500: %v", err)
	}
	e.fake.ClearFaults()
}

func TestHeadersPaging(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	e.fake.SeedHeaders("Material", 445) // 450 with the 5 seeded
	n := 0
	seen := map[string]bool{}
	for h, err := range e.client.Headers(ctx, beproduct.Material, beproduct.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[h.Id] {
			t.Fatalf("duplicate %s", h.Id)
		}
		seen[h.Id] = true
		n++
	}
	if n != 450 {
		t.Fatalf("iterated %d headers, want 450", n)
	}
	if got := e.fake.Requests("listMaterialHeaders"); got != 3 {
		t.Fatalf("requests = %d, want 3 (pages of 200)", got)
	}
	// Breaking out stops paging.
	before := e.fake.Requests("listMaterialHeaders")
	for range e.client.Headers(ctx, beproduct.Material, beproduct.ListOptions{PageSize: 5}) {
		break
	}
	if got := e.fake.Requests("listMaterialHeaders") - before; got != 1 {
		t.Fatalf("requests after break = %d, want 1", got)
	}
	// Pages are counted from 0.
	pg, err := e.client.ListHeaders(ctx, beproduct.Material, beproduct.ListOptions{PageSize: 100}, 4)
	if err != nil || len(pg.Result) != 50 || pg.Total != 450 {
		t.Fatalf("last page = %v", err)
	}
}

func TestReadLimitRefusedBeforeSending(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	for _, size := range []int{201, 1000, -1} {
		_, err := e.client.ListHeaders(ctx, beproduct.Image, beproduct.ListOptions{PageSize: size}, 0)
		if !errors.Is(err, beproduct.ErrPageSize) {
			t.Fatalf("page size %d: %v", size, err)
		}
		for _, err := range e.client.Headers(ctx, beproduct.Image, beproduct.ListOptions{PageSize: size}) {
			if !errors.Is(err, beproduct.ErrPageSize) {
				t.Fatalf("iterator page size %d: %v", size, err)
			}
		}
	}
	if got := e.fake.Requests("listImageHeaders"); got != 0 {
		t.Fatalf("%d requests sent", got)
	}
	if _, err := e.client.ListHeaders(ctx, "Shoe", beproduct.ListOptions{}, 0); !errors.Is(err, beproduct.ErrUnknownMaster) {
		t.Fatalf("unknown master: %v", err)
	}
	// The fake validates every request against the spec: an unknown operator is a 400.
	bad := []beproductapi.Filter{{Field: "header_number", Operator: "Like", Value: "S%"}}
	_, err := e.client.ListStyleHeadersWithResponse(ctx, &beproductapi.ListStyleHeadersParams{}, beproductapi.HeaderListRequest{Filters: &bad})
	var be *beproduct.Error
	if !errors.As(err, &be) || be.StatusCode != 400 || !strings.Contains(be.Message, "operator") {
		t.Fatalf("unknown operator: %v", err)
	}
	if _, err := e.client.UpdatePageGrid(ctx, "Shoe", "h", "p", nil); !errors.Is(err, beproduct.ErrUnknownMaster) {
		t.Fatalf("grid of unknown master: %v", err)
	}
	// The fake itself refuses 201 records, through the raw generated call.
	_, err = e.client.ListStyleHeadersWithResponse(ctx, &beproductapi.ListStyleHeadersParams{PageSize: p[int32](201)}, beproductapi.HeaderListRequest{})
	if !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("fake accepted 201 records: %v", err)
	}
}

func TestWriteLimitSplitsBatches(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	hid := e.fake.HeaderIDs("Style")[0]
	rows := make([]beproductapi.GridRow, 250)
	for i := range rows {
		rows[i] = beproductapi.GridRow{RowFields: fields("component", fmt.Sprintf("Part %d", i))}
	}
	res, err := e.client.UpdatePageGrid(ctx, beproduct.Style, hid, beproducttest.PageBOM, rows)
	if err != nil || res.Requests != 3 || res.Succeeded != 250 || len(res.Failed) != 0 {
		t.Fatalf("250 rows = %+v, %v", res, err)
	}
	if got := e.fake.Requests("updateStylePageGrid"); got != 3 {
		t.Fatalf("requests = %d, want 3", got)
	}
	if n := len(e.fake.PageRows("Style", hid, beproducttest.PageBOM)); n != 251 {
		t.Fatalf("rows stored = %d", n)
	}

	// The fake refuses 101 records in one request.
	tooMany := make(beproductapi.GridUpdate, 101)
	_, err = e.client.UpdateStylePageGridWithResponse(ctx, &beproductapi.UpdateStylePageGridParams{HeaderId: hid, PageId: beproducttest.PageBOM}, tooMany)
	if !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("fake accepted 101 records: %v", err)
	}

	// A failed request fails its records only; a request the server refuses
	// ({"error": true}) fails all of its records with the server's message.
	items := make([]beproductapi.ListItem, 230)
	for i := range items {
		items[i] = beproductapi.ListItem{ItemFields: fields("size", fmt.Sprint(i))}
	}
	items[5].ItemId = p("no-such-row")
	e.fake.FailNext("updateStylePageList", 500, 0, 0) // the first request
	res, err = e.client.UpdatePageList(ctx, beproduct.Style, hid, beproducttest.PageSizes, items)
	if err == nil || res.Requests != 3 {
		t.Fatalf("res = %+v, %v", res, err)
	}
	if len(res.Failed) != 100 || res.Failed[0].Index != 0 || res.Failed[99].Index != 99 || !errors.Is(res.Failed[0].Err, beproduct.ErrServer) {
		t.Fatalf("failed = %d, first %+v", len(res.Failed), res.Failed[0])
	}
	if res.Succeeded != 130 {
		t.Fatalf("succeeded = %d", res.Succeeded)
	}
	items[5].ItemId = nil
	items[150].ItemId = p("no-such-row")
	before := len(e.fake.PageRows("Style", hid, beproducttest.PageSizes))
	res, err = e.client.UpdatePageList(ctx, beproduct.Style, hid, beproducttest.PageSizes, items)
	if err == nil || len(res.Failed) != 100 || res.Failed[0].Index != 100 || res.Failed[50].ID != "no-such-row" || !errors.Is(err, beproduct.ErrRecordFailed) {
		t.Fatalf("unknown row: %+v, %v", res, err)
	}
	if !strings.Contains(res.Failed[0].Err.Error(), "no-such-row not found") || res.Succeeded != 130 {
		t.Fatalf("refused request: %v, succeeded %d", res.Failed[0].Err, res.Succeeded)
	}
	if got := len(e.fake.PageRows("Style", hid, beproducttest.PageSizes)); got != before+130 {
		t.Fatalf("rows stored = %d, want %d (the refused request wrote nothing)", got, before+130)
	}
}

func TestFilters(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	list := func(f beproduct.Filters, cw beproduct.Filters) []string {
		t.Helper()
		var out []string
		for h, err := range e.client.Headers(ctx, beproduct.Style, beproduct.ListOptions{Filters: f, ColorwayFilters: cw}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, h.HeaderNumber)
		}
		return out
	}
	since := time.Date(2026, 1, 7, 0, 0, 0, 0, time.UTC)
	check := func(name string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("Gte time", list(beproduct.Where(beproduct.FieldModifiedAt).Gte(since), nil), "S1003", "S1004", "S1005")
	check("Lt time", list(beproduct.Where(beproduct.FieldModifiedAt).Lt(since), nil), "S1001", "S1002")
	check("and", list(beproduct.Where(beproduct.FieldModifiedAt).Gte(since).And("price").Lte(40), nil), "S1003", "S1004")
	check("contains", list(beproduct.Where(beproduct.FieldHeaderName).Contains("jacket"), nil), "S1002")
	check("in", list(beproduct.Where(beproduct.FieldHeaderNumber).In("S1001", "S1005"), nil), "S1001", "S1005")
	check("not in", list(beproduct.Where(beproduct.FieldHeaderNumber).NotIn("S1001", "S1005"), nil), "S1002", "S1003", "S1004")
	check("neq", list(beproduct.Where("season").Neq("Spring 2026"), nil), "S1002", "S1004")
	check("gt number", list(beproduct.Where("price").Gt(30), nil), "S1004", "S1005")
	check("eq", list(beproduct.Where("price").Eq(20), nil), "S1002")
	check("eq of joined values", list(beproduct.Where(beproduct.FieldHeaderNumber).Eq([]string{"S1002", "S1003"}), nil), "S1002", "S1003")
	check("any", list(beproduct.Where(beproduct.FieldHeaderNumber).Any("S1004"), nil), "S1004")

	// Several values travel as one "■"-joined string, as the SDKs send them.
	f := beproduct.Where(beproduct.FieldHeaderNumber).In("S1001", "S1005")
	if f[0].Value != "S1001■S1005" || beproduct.JoinValues("a", 2, since) != "a■2■2026-01-07T00:00:00Z" {
		t.Fatalf("joined value = %#v", f[0].Value)
	}
	// The fake, like the SDKs, never takes a JSON array.
	arr := []beproductapi.Filter{{Field: beproduct.FieldHeaderNumber, Operator: beproductapi.In, Value: []any{"S1001"}}}
	_, err := e.client.ListStyleHeadersWithResponse(ctx, &beproductapi.ListStyleHeadersParams{}, beproductapi.HeaderListRequest{Filters: &arr})
	if !errors.Is(err, beproduct.ErrBadRequest) {
		t.Fatalf("array filter value: %v", err)
	}

	// Colorway filters: a header matches through one of its colorways.
	id := e.fake.HeaderIDs("Style")[2]
	if _, err := e.client.UpdateStyleHeaderWithResponse(ctx, id, beproductapi.HeaderWrite{
		Colorways: &[]beproductapi.ColorwayWrite{{Fields: fields("color_number", "RED-01", "color_name", "Red")}},
	}); err != nil {
		t.Fatal(err)
	}
	check("colorway", list(nil, beproduct.Where("color_name").Eq("red")), "S1003")

	// The builder does not share backing arrays between branches.
	base := beproduct.Where("a").Eq(1)
	x, y := base.And("b").Eq(2), base.And("c").Eq(3)
	if x[1].Field != "b" || y[1].Field != "c" {
		t.Fatal("filter branches share storage")
	}
}

func TestSchemaChoicesAndFormula(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	r, err := e.client.GetStyleFolderSchemaWithResponse(ctx, &beproductapi.GetStyleFolderSchemaParams{FolderId: beproducttest.FolderID("Style", 0)})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]beproductapi.SchemaField{}
	for _, f := range *r.JSON200 {
		byID[f.FieldId] = f
	}
	season, err := beproduct.Choices(byID["season"])
	if err != nil || len(season) != 2 || season[1].Value != "Fall 2026" || season[1].Code != "FA" || season[0].ID != "c1" {
		t.Fatalf("dropdown choices = %+v, %v", season, err)
	}
	tags, err := beproduct.Choices(byID["tags"])
	if err != nil || len(tags) != 3 || tags[2].Value != "Eco" || tags[2].Code != "" {
		t.Fatalf("string choices = %+v, %v", tags, err)
	}
	content, err := beproduct.Choices(byID["content"])
	if err != nil || len(content) != 3 || content[1] != (beproduct.Choice{ID: "Linen", Code: "Linen", Value: "Linen"}) {
		t.Fatalf("composite choices = %+v, %v", content, err)
	}
	if byID["retail"].FieldType != beproduct.FieldFormula || beproduct.Formula(byID["retail"]) != "[price] * 2" || beproduct.Formula(byID["season"]) != "" {
		t.Fatalf("formula = %q", beproduct.Formula(byID["retail"]))
	}
	if cs, err := beproduct.Choices(byID["price"]); cs != nil || err != nil {
		t.Fatalf("no choices = %v, %v", cs, err)
	}
	bad := beproductapi.SchemaField{FieldId: "x", Properties: beproductapi.SchemaFieldProperties{Choices: 42.0}}
	if _, err := beproduct.Choices(bad); !errors.Is(err, beproduct.ErrUnreadableAnswer) {
		t.Fatalf("odd Choices: %v", err)
	}
}

func TestWriteBodiesAsTheSDKsSendThem(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	c := e.client
	yes, no := true, false
	// Color palettes: colors, replaced by default (replaceColors=true), merged with replaceColors=false.
	cr, err := c.CreateColorHeaderWithResponse(ctx, &beproductapi.CreateColorHeaderParams{FolderId: beproducttest.FolderID("Color", 0), PreserveVersion: &yes},
		beproductapi.HeaderWrite{Fields: fields("header_number", "PAL-1", "version", "7"), Colors: &[]beproductapi.PaletteColorWrite{
			{ColorSourceId: p("cs-1"), ColorNumber: p("001"), ColorName: p("Red"), Hex: p("#FF0000")}}})
	if err != nil || len(cr.JSON200.HeaderData.Colors.Colors) != 1 || cr.JSON200.HeaderData.Colors.Colors[0].Hex != "FF0000" || fieldValue(cr.JSON200, "version") != "7" {
		t.Fatalf("create palette = %+v, %v", cr.JSON200, err)
	}
	id := cr.JSON200.Id
	up, err := c.UpdateColorHeaderWithResponse(ctx, id, &beproductapi.UpdateColorHeaderParams{ReplaceColors: &no},
		beproductapi.HeaderWrite{Colors: &[]beproductapi.PaletteColorWrite{{ColorSourceId: p("cs-2"), ColorName: p("Blue")}}})
	if err != nil || len(up.JSON200.HeaderData.Colors.Colors) != 2 {
		t.Fatalf("merge colors = %+v, %v", up.JSON200, err)
	}
	up, err = c.UpdateColorHeaderWithResponse(ctx, id, &beproductapi.UpdateColorHeaderParams{},
		beproductapi.HeaderWrite{Colors: &[]beproductapi.PaletteColorWrite{{ColorSourceId: p("cs-3"), ColorName: p("Green")}}})
	if err != nil || len(up.JSON200.HeaderData.Colors.Colors) != 1 || up.JSON200.HeaderData.Colors.Colors[0].ColorName != "Green" {
		t.Fatalf("replace colors = %+v, %v", up.JSON200, err)
	}
	// Without preserveVersion a new header starts at version 1.
	cr2, err := c.CreateColorHeaderWithResponse(ctx, &beproductapi.CreateColorHeaderParams{FolderId: beproducttest.FolderID("Color", 0)},
		beproductapi.HeaderWrite{Fields: fields("header_number", "PAL-2", "version", "7")})
	if err != nil || fieldValue(cr2.JSON200, "version") != "1" {
		t.Fatalf("version without preserveVersion = %v, %v", fieldValue(cr2.JSON200, "version"), err)
	}

	// Materials: suppliers.
	mr, err := c.CreateMaterialHeaderWithResponse(ctx, &beproductapi.CreateMaterialHeaderParams{FolderId: beproducttest.FolderID("Material", 0)},
		beproductapi.HeaderWrite{Fields: fields("header_number", "M-9"), Suppliers: &[]beproductapi.SupplierWrite{
			{Id: p(beproducttest.DirectoryFactoryID), AdditionalProperties: map[string]any{"name": "Blue River Textiles", "leadTime": 30.0}}}})
	if err != nil || len(mr.JSON200.Suppliers) != 1 || *mr.JSON200.Suppliers[0].Name != "Blue River Textiles" || mr.JSON200.Suppliers[0].AdditionalProperties["leadTime"] != 30.0 {
		t.Fatalf("material suppliers = %+v, %v", mr.JSON200, err)
	}

	// Styles and blocks: sizeClasses (a block keeps them in headerData [3rd]).
	sc := &[]beproductapi.SizeClassWrite{{Name: p("Missy"), IsDefault: &yes, SizeRange: &[]beproductapi.SizeWrite{{Name: p("S")}, {Name: p("M")}}}}
	sr, err := c.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: beproducttest.FolderID("Style", 0)},
		beproductapi.HeaderWrite{Fields: fields("header_number", "S-9"), SizeClasses: sc,
			Colorways: &[]beproductapi.ColorwayWrite{{Fields: fields("color_number", "001", "fabric", "Denim"), ImageHeaderId: p("img-1")}}})
	if err != nil || len(sr.JSON200.SizeClasses) != 1 || sr.JSON200.SizeClasses[0].SizeRange != "S-M" || len(sr.JSON200.SizeClasses[0].Sizes) != 2 {
		t.Fatalf("style size classes = %+v, %v", sr.JSON200, err)
	}
	cw := sr.JSON200.Colorways[0]
	if cw.Fields["fabric"] != "Denim" || cw.ImageHeaderId != "img-1" {
		t.Fatalf("colorway = %+v", cw)
	}
	su, err := c.UpdateStyleHeaderWithResponse(ctx, sr.JSON200.Id, beproductapi.HeaderWrite{Colorways: &[]beproductapi.ColorwayWrite{{Id: &cw.Id, UnlinkImage: &yes}}})
	if err != nil || su.JSON200.Colorways[0].ImageHeaderId != "" {
		t.Fatalf("unlink image = %+v, %v", su.JSON200, err)
	}
	br, err := c.CreateBlockHeaderWithResponse(ctx, &beproductapi.CreateBlockHeaderParams{FolderId: beproducttest.FolderID("Block", 0)},
		beproductapi.HeaderWrite{Fields: fields("header_number", "B-9"), SizeClasses: sc})
	if err != nil || len(br.JSON200.HeaderData.SizeClasses) != 1 || br.JSON200.HeaderData.SizeClasses[0].Name != "Missy" {
		t.Fatalf("block size classes = %+v, %v", br.JSON200, err)
	}
}

func TestReadPostsRetriedLikeGets(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	// POST Style/Headers is a read (x-oasuite-idempotent): a 502 is retried.
	e.fake.FailNext("listStyleHeaders", http.StatusBadGateway, 0, 1)
	n := 0
	for _, err := range e.client.Headers(ctx, beproduct.Style, beproduct.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 || e.fake.Requests("listStyleHeaders") != 1 {
		t.Fatalf("%d headers after %d served requests", n, e.fake.Requests("listStyleHeaders"))
	}
	e.fake.FailNext("listTrackingPlans", http.StatusGatewayTimeout, 0, 1)
	for _, err := range e.client.TrackingPlans(ctx, "", beproduct.PageOptions{}) {
		if err != nil {
			t.Fatalf("plans after a 504: %v", err)
		}
	}
	// A write sent as POST is not: its 502 is the answer.
	e.fake.FailNext("createStyleHeader", http.StatusBadGateway, 0, 1)
	_, err := e.client.CreateStyleHeaderWithResponse(ctx, &beproductapi.CreateStyleHeaderParams{FolderId: beproducttest.FolderID("Style", 0)},
		beproductapi.HeaderWrite{Fields: fields("header_number", "S-502")})
	if !errors.Is(err, beproduct.ErrServer) || e.fake.Requests("createStyleHeader") != 0 {
		t.Fatalf("a write was retried: %v (%d served)", err, e.fake.Requests("createStyleHeader"))
	}
}

func TestQuotaWait(t *testing.T) {
	ctx := context.Background()
	// A server whose first answer spends the window (Remaining 0, reset in
	// a second) and which answers 429 to a request sent before the reset.
	var resetAt atomic.Int64
	var tooEarly atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if at := resetAt.Load(); at != 0 && now.Unix() < at {
			tooEarly.Add(1)
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		at := now.Add(time.Second).Truncate(time.Second).Add(time.Second).Unix()
		resetAt.Store(at)
		w.Header().Set("X-RateLimit-Limit", "1")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(at, 10))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer srv.Close()
	mk := func(opts ...beproduct.Option) *beproduct.Client {
		c, err := beproduct.New(ctx, append([]beproduct.Option{beproduct.WithCompany("acme"), beproduct.WithBaseURL(srv.URL + "/api"),
			beproduct.WithoutCredentials(), beproduct.WithRetry(1, 0)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Off by default: the second request is sent at once and meets a 429.
	c := mk()
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListUsersWithResponse(ctx); !errors.Is(err, beproduct.ErrTooManyRequests) {
		t.Fatalf("without the quota wait: %v", err)
	}
	// With it, the request waits for the reset.
	resetAt.Store(0)
	tooEarly.Store(0)
	c = mk(beproduct.WithQuotaWait(5 * time.Second))
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.ListUsersWithResponse(ctx); err != nil || tooEarly.Load() != 0 {
		t.Fatalf("with the quota wait: %v, %d early requests", err, tooEarly.Load())
	}
	if waited := time.Since(start); waited < 500*time.Millisecond {
		t.Fatalf("waited only %v", waited)
	}
	// The context bounds the wait.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.ListUsersWithResponse(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a wait past the context: %v", err)
	}
	// A reset beyond the cap is not waited for.
	c = mk(beproduct.WithQuotaWait(time.Millisecond))
	resetAt.Store(0)
	if _, err := c.ListUsersWithResponse(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListUsersWithResponse(ctx); !errors.Is(err, beproduct.ErrTooManyRequests) {
		t.Fatalf("a reset beyond the cap: %v", err)
	}
}

func TestHeaderByNumber(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	h, err := e.client.HeaderByNumber(ctx, beproduct.Material, "", "M1003")
	if err != nil || h == nil || h.HeaderNumber != "M1003" {
		t.Fatalf("by number = %+v, %v", h, err)
	}
	if h, err := e.client.HeaderByNumber(ctx, beproduct.Material, beproducttest.FolderID("Material", 1), "M1003"); h != nil || err != nil {
		t.Fatalf("in the other folder = %+v, %v", h, err)
	}
	if _, err := e.client.HeaderByNumber(ctx, "Shoe", "", "x"); !errors.Is(err, beproduct.ErrUnknownMaster) {
		t.Fatalf("unknown master: %v", err)
	}
}

func TestPageData(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	hid := e.fake.HeaderIDs("Style")[0]
	page := func(id string) *beproductapi.Page {
		r, err := e.client.GetStylePageWithResponse(ctx, &beproductapi.GetStylePageParams{HeaderId: hid, PageId: id})
		if err != nil {
			t.Fatal(err)
		}
		return r.JSON200
	}
	grid, err := beproduct.PageData[beproduct.GridData](page(beproducttest.PageBOM))
	if err != nil || grid.AppName != "Bill of Materials" || len(grid.GridData) != 1 || grid.GridData[0].RowID == "" || grid.GridData[0].Fields[0].Value != "Shell" {
		t.Fatalf("grid = %+v, %v", grid, err)
	}
	list, err := beproduct.PageData[[]beproduct.ListItemData](page(beproducttest.PageSizes))
	if err != nil || len(list) != 1 || list[0].Controls[0].Value != "M" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	form, err := beproduct.PageData[[]beproductapi.Field](page(beproducttest.PageDetails))
	if err != nil || form[0].Id != "description" {
		t.Fatalf("form = %+v, %v", form, err)
	}
	if _, err := e.client.UploadAttachment(ctx, beproduct.Style, hid, beproducttest.PageAttachments, beproduct.FileFromBytes("a.pdf", []byte("pdf"))); err != nil {
		t.Fatal(err)
	}
	att, err := beproduct.PageData[beproduct.AttachmentsData](page(beproducttest.PageAttachments))
	if err != nil || len(att.Files) != 1 || att.Files[0].FileName != "a.pdf" || att.Files[0].CreatedAt == nil || att.Files[0].URL == "" {
		t.Fatalf("attachments = %+v, %v", att, err)
	}
	// Data of another shape is an error, never a zero value.
	if _, err := beproduct.PageData[beproduct.GridData](page(beproducttest.PageSizes)); !errors.Is(err, beproduct.ErrUnreadableAnswer) {
		t.Fatalf("list read as a grid: %v", err)
	}
	if _, err := beproduct.PageData[beproduct.GridData](&beproductapi.Page{Id: "x"}); !errors.Is(err, beproduct.ErrUnreadableAnswer) {
		t.Fatalf("no data: %v", err)
	}
}
