package bqecore_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/oasuite/sdk/bqecore"
	"github.com/oasuite/sdk/gen/bqecoreapi"
)

func TestCreatedAgainstTheFake(t *testing.T) {
	fake := newFake(t)
	c, _ := newClient(t, fake)
	a, err := bqecore.Created(c.CreateActivityWithResponse(context.Background(), bqecoreapi.Activity{Name: ptr("Review"), Code: ptr("REV")}))
	if err != nil {
		t.Fatal(err)
	}
	if a.Id == nil || *a.Name != "Review" {
		t.Fatalf("created activity = %+v", a)
	}
}

func TestCreatedReadsEitherStatus(t *testing.T) {
	name := "Design"
	for _, r := range []*bqecoreapi.CreateActivityResponse{
		{JSON200: &bqecoreapi.Activity{Name: &name}, HTTPResponse: &http.Response{StatusCode: 200}},
		{JSON201: &bqecoreapi.Activity{Name: &name}, HTTPResponse: &http.Response{StatusCode: 201}},
	} {
		a, err := bqecore.Created(r, nil)
		if err != nil || a == nil || *a.Name != name {
			t.Fatalf("status %d: %+v, %v", r.StatusCode(), a, err)
		}
	}
	// A 2xx without the record is an error, never a nil record.
	a, err := bqecore.Created(&bqecoreapi.CreateActivityResponse{HTTPResponse: &http.Response{StatusCode: 202}}, nil)
	if a != nil || err == nil || !strings.Contains(err.Error(), "202") {
		t.Fatalf("empty 202: %+v, %v", a, err)
	}
	sentinel := errors.New("boom")
	if _, err := bqecore.Created[bqecoreapi.Activity, *bqecoreapi.CreateActivityResponse](nil, sentinel); err != sentinel {
		t.Fatalf("err = %v, want it passed on", err)
	}
}
