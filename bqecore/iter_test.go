package bqecore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/oasuite/sdk/fakes"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/bqecore/bqecoretest"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

// pageRecorder counts the page parameters a client sent.
type pageRecorder struct{ pages []string }

func (p *pageRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if pg := r.URL.Query().Get("page"); pg != "" {
		p.pages = append(p.pages, pg)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func iterClient(t *testing.T, fake *bqecoretest.Server) (*bqecore.Client, *pageRecorder) {
	t.Helper()
	_, src := newClient(t, fake)
	rec := &pageRecorder{}
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(src), bqecore.WithHTTPClient(&http.Client{Transport: rec}), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func TestIteratorStopsOn204(t *testing.T) {
	fake := newFake(t)
	c, rec := iterClient(t, fake)
	// 5 seeded activities, pages of 5: the full page asks once more and gets 204.
	var names []string
	for a, err := range c.Activities(context.Background(), &bqecoreapi.ListActivitiesParams{OrderBy: ptr("name"), Page: ptr("0,5")}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, *a.Name)
	}
	if fmt.Sprint(names) != "[Administration Design Drafting Project Management Site Visit]" {
		t.Fatalf("names = %v", names)
	}
	if fmt.Sprint(rec.pages) != "[0,5 1,5]" {
		t.Fatalf("pages = %v; want a second request answered 204", rec.pages)
	}
}

func TestIteratorStopsOnShortPage(t *testing.T) {
	fake := newFake(t)
	c, rec := iterClient(t, fake)
	n := 0
	for _, err := range c.Activities(context.Background(), &bqecoreapi.ListActivitiesParams{Page: ptr("0,2")}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 || fmt.Sprint(rec.pages) != "[0,2 1,2 2,2]" {
		t.Fatalf("got %d items over pages %v", n, rec.pages)
	}
}

func TestIteratorDefaultPageAndBreak(t *testing.T) {
	fake := newFake(t)
	c, rec := iterClient(t, fake)
	for range c.Activities(context.Background(), nil) {
		break
	}
	if fmt.Sprint(rec.pages) != "[0,1000]" {
		t.Fatalf("pages = %v", rec.pages)
	}
}

func TestIteratorFiltersAndError(t *testing.T) {
	fake := newFake(t)
	c, _ := iterClient(t, fake)
	ctx := context.Background()
	var got []string
	for a, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{Where: ptr("billable = true and billRate >= 120"), OrderBy: ptr("billRate desc")}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *a.Code)
	}
	if fmt.Sprint(got) != "[DES PM SIT]" {
		t.Fatalf("filtered = %v", got)
	}
	fake.AddFault(fakes.Fault{OperationID: "listActivities", Status: 500})
	var errs int
	for _, err := range c.Activities(ctx, nil) {
		if !errors.Is(err, bqecore.ErrServer) {
			t.Fatalf("err = %v", err)
		}
		errs++
	}
	if errs != 1 {
		t.Fatalf("errors yielded = %d", errs)
	}
	for _, err := range c.Activities(ctx, &bqecoreapi.ListActivitiesParams{Page: ptr("x")}) {
		if err == nil {
			t.Fatal("bad page accepted")
		}
	}
}

func TestExpandCustomFieldsOnLists(t *testing.T) {
	fake := newFake(t)
	c, _ := iterClient(t, fake)
	ctx := context.Background()
	count := func(p *bqecoreapi.ListActivitiesParams) int {
		n := 0
		for a, err := range c.Activities(ctx, p) {
			if err != nil {
				t.Fatal(err)
			}
			if a.CustomFields != nil {
				n++
			}
		}
		return n
	}
	if count(nil) != 0 || count(&bqecoreapi.ListActivitiesParams{Expand: ptr("customFields")}) != 1 {
		t.Fatal("customFields must appear on lists only when expanded")
	}
}

func TestOtherIterators(t *testing.T) {
	fake := newFake(t)
	c, _ := iterClient(t, fake)
	ctx := context.Background()
	counts := map[string]int{}
	for _, err := range c.Clients(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts["clients"]++
	}
	for _, err := range c.Projects(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts["projects"]++
	}
	for _, err := range c.TimeEntries(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts["timeentries"]++
	}
	for _, err := range c.Employees(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts["employees"]++
	}
	for _, err := range c.Invoices(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		counts["invoices"]++
	}
	bills := bqecore.ListPages(ctx, c, ptr("0,10"), func(ctx context.Context, page *string) (*[]bqecoreapi.Bill, *http.Response, error) {
		r, err := c.ListBillsWithResponse(ctx, &bqecoreapi.ListBillsParams{Page: page})
		if err != nil {
			return nil, nil, err
		}
		return r.JSON200, r.HTTPResponse, nil
	})
	for _, err := range bills {
		if err != nil {
			t.Fatal(err)
		}
		counts["bills"]++
	}
	want := map[string]int{"clients": 1, "projects": 2, "timeentries": 1, "employees": 2, "invoices": 1, "bills": 1}
	if fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("counts = %v, want %v", counts, want)
	}
}

func TestAllGeneric(t *testing.T) {
	ctx := context.Background()
	data := []int{1, 2, 3, 4, 5, 6}
	var asked []string
	fetch := func(_ context.Context, page string) ([]int, int, error) {
		asked = append(asked, page)
		n, size, err := bqecore.ParsePage(page)
		if err != nil {
			return nil, 0, err
		}
		if n*size >= len(data) {
			return nil, http.StatusNoContent, nil
		}
		return data[n*size : min(n*size+size, len(data))], http.StatusOK, nil
	}
	var got []int
	for v, err := range bqecore.All(ctx, 0, 3, fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if fmt.Sprint(got) != "[1 2 3 4 5 6]" || fmt.Sprint(asked) != "[0,3 1,3 2,3]" {
		t.Fatalf("got %v asked %v", got, asked)
	}
	for _, err := range bqecore.All(ctx, 0, 1001, fetch) {
		if err == nil {
			t.Fatal("page size above 1000 accepted")
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	for _, err := range bqecore.All(cctx, 0, 3, fetch) {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: %v", err)
		}
	}
	for _, p := range []string{"", "1", "a,b", "-1,5", "0,0"} {
		if _, _, err := bqecore.ParsePage(p); err == nil {
			t.Errorf("ParsePage(%q) accepted", p)
		}
	}
}

func TestFakePageLimits(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	_, err := c.ListActivitiesWithResponse(context.Background(), &bqecoreapi.ListActivitiesParams{Page: ptr("0,1001")})
	if !errors.Is(err, bqecore.ErrBadRequest) {
		t.Fatalf("page size 1001: %v", err)
	}
	r, err := c.ListActivitiesWithResponse(context.Background(), nil)
	if err != nil || len(*r.JSON200) != 5 {
		t.Fatalf("default page: %v", err)
	}
}

func TestWithPageSize(t *testing.T) {
	fake := newFake(t)
	_, src := newClient(t, fake)
	rec := &pageRecorder{}
	c, err := bqecore.New(context.Background(), bqecore.WithTokenSource(src), bqecore.WithHTTPClient(&http.Client{Transport: rec}), bqecore.WithPageSize(3), bqecore.WithEndpointHosts(fake.EndpointHost()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.Activities(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 || fmt.Sprint(rec.pages) != "[0,3 1,3]" {
		t.Fatalf("%d items, pages %v", n, rec.pages)
	}
	if _, err := bqecore.New(context.Background(), bqecore.WithPageSize(1001)); err == nil {
		t.Fatal("page size 1001 accepted")
	}
}
