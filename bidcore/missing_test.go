package bidcore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/oasuite/sdk/bidcore"
	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/validate"
	_ "github.com/oasuite/sdk/validate/openapi"
)

// TestIteratorNeverSilent: a 2xx page without "results" or "next" is a
// *validate.MissingFieldError naming the field, in every validation mode;
// never an empty list.
func TestIteratorNeverSilent(t *testing.T) {
	ctx := context.Background()
	for _, field := range []string{"results", "next"} {
		for _, mode := range []validate.Mode{validate.Off, validate.Log} {
			srv := newFake(t)
			c := newClient(t, srv, bidcore.WithResponseValidation(mode))
			if _, err := c.CreateAdvertiserWithResponse(ctx, bidcoreapi.AdvertiserInput{Name: "A"}); err != nil {
				t.Fatal(err)
			}
			srv.Tamper("listAdvertisers", field, field+"Renamed", 0)
			n := 0
			var got error
			for _, err := range c.AllAdvertisers(ctx, nil) {
				if err != nil {
					got = err
					break
				}
				n++
			}
			var me *validate.MissingFieldError
			if !errors.As(got, &me) || me.Field != field || me.Vendor != "bidcore" || me.Status != 200 || me.Method != "GET" {
				t.Fatalf("%s renamed (%v): got %d items and %v", field, mode, n, got)
			}
			srv.ClearTampers()
			n = 0
			for _, err := range c.AllAdvertisers(ctx, nil) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != 1 {
				t.Fatalf("untampered: %d items", n)
			}
		}
	}
}
