package beproduct_test

import (
	"context"
	"errors"
	"testing"

	"github.com/oasuite/sdk/beproduct"
	"github.com/oasuite/sdk/validate"
)

// TestPageWithoutRecordsIsAnError: a 2xx page whose "result" array is
// missing (a renamed field) ends every paged iterator with an error that
// matches ErrUnreadableAnswer and names the field, never as an empty list.
func TestPageWithoutRecordsIsAnError(t *testing.T) {
	ctx := context.Background()
	e := setup(t, nil)
	iterate := map[string]func() (int, error){
		"listStyleHeaders": func() (int, error) {
			n := 0
			for _, err := range e.client.Headers(ctx, beproduct.Style, beproduct.ListOptions{}) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		},
		"listDataTables": func() (int, error) {
			n := 0
			for _, err := range e.client.DataTables(ctx, beproduct.PageOptions{}) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		},
		"listCompanyColors": func() (int, error) {
			n := 0
			for _, err := range e.client.CompanyColors(ctx, beproduct.PageOptions{}) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		},
	}
	for op, run := range iterate {
		t.Run(op, func(t *testing.T) {
			e.fake.ClearTampers()
			if n, err := run(); err != nil || (n == 0 && op != "listCompanyColors") {
				t.Fatalf("untampered: %d records, %v (the fake seeds some)", n, err)
			}
			e.fake.Tamper(op, "result", "records", 0)
			defer e.fake.ClearTampers()
			n, err := run()
			var mf *validate.MissingFieldError
			if n != 0 || !errors.Is(err, beproduct.ErrUnreadableAnswer) || !errors.As(err, &mf) || mf.Field != "result" || mf.Status != 200 {
				t.Fatalf("%d records, err %v; want none and a MissingFieldError for \"result\"", n, err)
			}
		})
	}
	e.fake.Tamper("listStyleHeaders", "result", "records", 0)
	if _, err := e.client.ListHeaders(ctx, beproduct.Style, beproduct.ListOptions{}, 0); !errors.Is(err, beproduct.ErrUnreadableAnswer) {
		t.Fatalf("ListHeaders: %v", err)
	}
}
