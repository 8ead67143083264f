package bidcore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

// Every documented status code reaches the caller as a *bidcore.Error that matches its sentinel.
func TestDocumentedStatuses(t *testing.T) {
	ctx := context.Background()
	srv := newFake(t, bidcoretest.WithMaxBody(4<<10))
	c := newClient(t, srv)
	adv, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: adv.JSON201.Id, Name: "Spring"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: "One", Code: "one"}); err != nil {
		t.Fatal(err)
	}
	readOnly := newClient(t, srv, bidcore.WithLogin(bidcoretest.TestReadOnlyUser, bidcoretest.TestReadOnlyPassword))
	noToken, _ := bidcore.New(ctx, bidcore.WithBaseURL(srv.BaseURL()), bidcore.WithPermanentToken("not-a-token-we-know"))

	cases := []struct {
		name     string
		call     func() error
		status   int
		sentinel error
		check    func(*bidcore.Error) bool
	}{
		{"400 missing parent", func() error {
			_, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: 999, Name: "Orphan"})
			return err
		}, 400, bidcore.ErrBadRequest, func(e *bidcore.Error) bool { return strings.Contains(strings.Join(e.Fields["advertiser"], ""), "999") }},
		{"400 spec violation", func() error {
			_, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Bad", Currency: ptr("euro")})
			return err
		}, 400, bidcore.ErrBadRequest, func(e *bidcore.Error) bool { return len(e.Fields["non_field_errors"]) > 0 }},
		{"400 unsupported query parameter", func() error {
			req, _ := http.NewRequestWithContext(ctx, "GET", "advertisers/?colour=red", nil)
			_, err := c.Do(req)
			return err
		}, 400, bidcore.ErrBadRequest, func(e *bidcore.Error) bool { return strings.Contains(e.Detail, "colour") }},
		{"401", func() error { _, err := noToken.ListAdvertisersWithResponse(ctx, nil); return err },
			401, bidcore.ErrUnauthorized, nil},
		{"403 read-only user", func() error {
			_, err := readOnly.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "Nope"})
			return err
		}, 403, bidcore.ErrForbidden, nil},
		{"404", func() error { _, err := c.GetLineItemWithResponse(ctx, 42); return err }, 404, bidcore.ErrNotFound,
			func(e *bidcore.Error) bool { return e.Detail == "Not found." }},
		{"404 page past the end", func() error {
			_, err := c.ListAdvertisersWithResponse(ctx, &bidcoreapi.ListAdvertisersParams{Page: ptr(9)})
			return err
		}, 404, bidcore.ErrNotFound, nil},
		{"405", func() error {
			req, _ := http.NewRequestWithContext(ctx, "PATCH", "advertisers/1/", strings.NewReader(`{"name":"x"}`))
			_, err := c.Do(req)
			return err
		}, 405, bidcore.ErrMethodNotAllowed, nil},
		{"406 delete with dependents", func() error { _, err := c.DeleteAdvertiserWithResponse(ctx, adv.JSON201.Id); return err },
			406, bidcore.ErrNotAcceptable, func(e *bidcore.Error) bool { return strings.Contains(e.Detail, "1 campaigns") }},
		{"409 duplicate", func() error {
			_, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: "Two", Code: "one"})
			return err
		}, 409, bidcore.ErrConflict, nil},
		{"429", func() error {
			srv.FailNext("", 429, 7*time.Second, 1)
			_, err := c.ListSspsWithResponse(ctx, nil)
			return err
		}, 429, bidcore.ErrTooManyRequests, func(e *bidcore.Error) bool { return e.RetryAfter == 7*time.Second }},
		{"500", func() error {
			srv.FailNext("", 500, 0, 1)
			_, err := c.GetSspWithResponse(ctx, 1)
			return err
		}, 500, bidcore.ErrServer, nil},
		{"504 too large", func() error {
			_, err := c.CreatePostcodeListWithResponse(ctx, bidcoreapi.PostcodeListInput{Name: "Huge", Country: "GB",
				Postcodes: ptr(strings.Split(strings.Repeat("SW1A 1AA,", 1000), ","))})
			return err
		}, 504, bidcore.ErrGatewayTimeout, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var e *bidcore.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *bidcore.Error", err, err)
			}
			if e.StatusCode != tc.status || !errors.Is(err, tc.sentinel) {
				t.Fatalf("status %d, errors.Is(%v) = %v; want %d", e.StatusCode, tc.sentinel, errors.Is(err, tc.sentinel), tc.status)
			}
			if tc.check != nil && !tc.check(e) {
				t.Fatalf("unexpected error body: %+v", e)
			}
			if e.Method == "" || !strings.HasPrefix(e.URL, srv.BaseURL()) {
				t.Fatalf("request line missing: %q %q", e.Method, e.URL)
			}
		})
	}
}

// 429 and 5xx answers are retried (honouring Retry-After) before the caller sees them.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	srv := newFake(t)
	c := newClient(t, srv, bidcore.WithRetry(3, time.Second))
	srv.FailNext("", 429, time.Second, 1)
	start := time.Now()
	r, err := c.ListAppBundleListsWithResponse(ctx, nil)
	if err != nil || r.StatusCode() != 200 {
		t.Fatalf("429 then 200: %v", err)
	}
	if time.Since(start) < 900*time.Millisecond {
		t.Errorf("Retry-After of 1s was not waited for")
	}
	srv.FailNext("", 504, 0, 2)
	if _, err := c.ListAppBundleListsWithResponse(ctx, nil); err != nil {
		t.Fatalf("504, 504, 200: %v", err)
	}
	srv.FailNext("", 504, 0, 3)
	if _, err := c.ListAppBundleListsWithResponse(ctx, nil); !errors.Is(err, bidcore.ErrGatewayTimeout) {
		t.Fatalf("three 504s: %v, want ErrGatewayTimeout after the last attempt", err)
	}
	if srv.FaultsFired() != 6 {
		t.Fatalf("faults fired %d, want 6", srv.FaultsFired())
	}
	// A POST is not replayed after a 504: it may have been applied.
	srv.FailNext("", 504, 0, 1)
	if _, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: "x", Code: "x"}); !errors.Is(err, bidcore.ErrGatewayTimeout) {
		t.Fatalf("POST after 504: %v", err)
	}
	if srv.Requests("createSsp") != 0 {
		t.Fatal("the POST was replayed")
	}
}

// PUT and DELETE answer 204 with no body; the typed responses carry only the status.
func TestNoContentAnswers(t *testing.T) {
	ctx := context.Background()
	srv := newFake(t)
	c := newClient(t, srv)
	r, err := c.CreateSspWithResponse(ctx, bidcoreapi.SspInput{Name: "A", Code: "a"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := c.UpdateSspWithResponse(ctx, r.JSON201.Id, bidcoreapi.SspInput{Name: "B", Code: "b"})
	if err != nil || up.StatusCode() != 204 || len(up.Body) != 0 {
		t.Fatalf("update: %v %+v", err, up)
	}
	got, _ := c.GetSspWithResponse(ctx, r.JSON201.Id)
	if got.JSON200.Name != "B" || got.JSON200.Code != "b" || !got.JSON200.Enabled {
		t.Fatalf("after PUT: %+v (enabled should fall back to its default)", got.JSON200)
	}
	del, err := c.DeleteSspWithResponse(ctx, r.JSON201.Id)
	if err != nil || del.StatusCode() != 204 || len(del.Body) != 0 {
		t.Fatalf("delete: %v %+v", err, del)
	}
}

// Parent filters: the campaigns of one advertiser, the line items of one campaign.
func TestParentFilters(t *testing.T) {
	ctx := context.Background()
	srv := newFake(t)
	c := newClient(t, srv)
	a1, _ := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "A1"})
	a2, _ := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "A2"})
	var camp []int64
	for i, a := range []int64{a1.JSON201.Id, a2.JSON201.Id, a1.JSON201.Id} {
		r, err := c.CreateCampaignWithResponse(ctx, bidcoreapi.CampaignInput{Advertiser: a, Name: nth("C", i),
			Status: ptr([]bidcoreapi.CampaignStatus{bidcoreapi.CampaignStatusActive, bidcoreapi.CampaignStatusPaused}[i%2])})
		if err != nil {
			t.Fatal(err)
		}
		camp = append(camp, r.JSON201.Id)
	}
	got, err := collect(c.AllCampaigns(ctx, &bidcoreapi.ListCampaignsParams{Advertiser: &a1.JSON201.Id}), func(v bidcoreapi.Campaign) int64 { return v.Id })
	if err != nil || len(got) != 2 || got[0] != camp[0] || got[1] != camp[2] {
		t.Fatalf("campaigns of A1: %v %v", got, err)
	}
	active := bidcoreapi.CampaignStatusActive
	got, _ = collect(c.AllCampaigns(ctx, &bidcoreapi.ListCampaignsParams{Status: &active}), func(v bidcoreapi.Campaign) int64 { return v.Id })
	if len(got) != 2 {
		t.Fatalf("active campaigns: %v", got)
	}
	// A line item refers to targeting lists; the list cannot be deleted while it does.
	pl, _ := c.CreatePostcodeListWithResponse(ctx, bidcoreapi.PostcodeListInput{Name: "P", Country: "FR"})
	li, err := c.CreateLineItemWithResponse(ctx, bidcoreapi.LineItemInput{Campaign: camp[1], Name: "L", PostcodeLists: &[]int64{pl.JSON201.Id}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = collect(c.AllLineItems(ctx, &bidcoreapi.ListLineItemsParams{Campaign: &camp[1]}), func(v bidcoreapi.LineItem) int64 { return v.Id })
	if len(got) != 1 || got[0] != li.JSON201.Id {
		t.Fatalf("line items of campaign: %v", got)
	}
	if _, err := c.DeletePostcodeListWithResponse(ctx, pl.JSON201.Id); !errors.Is(err, bidcore.ErrNotAcceptable) {
		t.Fatalf("delete of a targeted list: %v", err)
	}
	if _, err := c.DeleteLineItemWithResponse(ctx, li.JSON201.Id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePostcodeListWithResponse(ctx, pl.JSON201.Id); err != nil {
		t.Fatalf("delete once free: %v", err)
	}
}
