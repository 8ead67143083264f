package bidcore_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/oasuite/sdk/fakes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/bidcore/bidcoretest"
	"github.com/oasuite/sdk/gen/bidcoreapi"
)

func TestIteratorFollowsNext(t *testing.T) {
	ctx := context.Background()
	srv := newFake(t, bidcoretest.WithPageSize(20))
	c := newClient(t, srv)
	for i := range 45 {
		if _, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: nth("A", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	for a, err := range c.AllAdvertisers(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Name)
	}
	if len(names) != 45 || names[0] != "A 00" || names[44] != "A 44" {
		t.Fatalf("got %d advertisers: %v…", len(names), names[:min(3, len(names))])
	}
	if n := srv.Requests("listAdvertisers"); n != 3 {
		t.Fatalf("%d list requests, want 3 pages", n)
	}

	// Stopping early fetches no further page.
	seen := 0
	for _, err := range c.AllAdvertisers(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if seen++; seen == 5 {
			break
		}
	}
	if n := srv.Requests("listAdvertisers"); n != 4 {
		t.Fatalf("%d list requests after an early break, want 4", n)
	}

	// An error on a later page is yielded after the items of the pages before.
	srv.AddFault(fakes.Fault{OperationID: "listAdvertisers", Status: 500,
		Match: func(r *http.Request) bool { return r.URL.Query().Get("page") == "2" }})
	var got int
	var last error
	for _, err := range c.AllAdvertisers(ctx, &bidcoreapi.ListAdvertisersParams{PageSize: ptr(40)}) {
		if err != nil {
			last = err
			break
		}
		got++
	}
	if got != 40 || !errors.Is(last, bidcore.ErrServer) {
		t.Fatalf("fault on page 2: %d items, err %v; want 40 and ErrServer", got, last)
	}
}

// A next link to another host is not followed: the token must not leave the API's host.
func TestIteratorRefusesForeignNext(t *testing.T) {
	var foreign atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { foreign.Add(1) }))
	defer evil.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":2,"next":%q,"previous":null,"results":[{"id":1,"name":"S","code":"s","enabled":true}]}`, evil.URL+"/api/v2/ssps/?page=2")
	}))
	defer api.Close()
	c, err := bidcore.New(context.Background(), bidcore.WithBaseURL(api.URL+"/api/v2"), bidcore.WithPermanentToken("t0ken-for-this-host-only"))
	if err != nil {
		t.Fatal(err)
	}
	var items int
	var last error
	for _, err := range c.AllSsps(context.Background(), nil) {
		if err != nil {
			last = err
			continue
		}
		items++
	}
	if items != 1 || last == nil || !strings.Contains(last.Error(), "not followed") {
		t.Fatalf("items %d, err %v", items, last)
	}
	if foreign.Load() != 0 {
		t.Fatal("the foreign host was called")
	}
}

// A next link naming the page itself ends the iteration instead of looping.
func TestIteratorStopsOnSelfLink(t *testing.T) {
	var calls atomic.Int32
	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fmt.Fprintf(w, `{"count":1,"next":%q,"previous":null,"results":[{"id":1,"name":"S","code":"s","enabled":true}]}`, api.URL+r.URL.String())
	}))
	defer api.Close()
	c, _ := bidcore.New(context.Background(), bidcore.WithBaseURL(api.URL+"/api/v2"), bidcore.WithPermanentToken("t"))
	var last error
	for _, err := range c.AllSsps(context.Background(), nil) {
		last = err
	}
	if last == nil || calls.Load() != 1 {
		t.Fatalf("self link: err %v after %d calls", last, calls.Load())
	}
}
