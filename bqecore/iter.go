package bqecore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/oasuite/sdk/gen/bqecoreapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
)

// Page sizes of CORE lists (page=N,M): the server's maximum, which the
// iterators use unless told otherwise (https://api-explorer.bqecore.com/docs/rules).
const (
	DefaultPageSize = 1000
	MaxPageSize     = 1000
)

// PageFunc fetches one page of a list: page is CORE's "N,M" value (page number
// from 0, page size). It returns the records and the HTTP status (204 past the
// last page).
type PageFunc[T any] func(ctx context.Context, page string) (items []T, status int, err error)

// All iterates over every record of a CORE list, page by page, starting at
// page first with pageSize records a page. It stops after a 204 No Content, an
// empty page or a page shorter than pageSize, and yields an error (then stops)
// when a page fails. Breaking out of the loop stops fetching.
//
// The Client's per-resource methods (Activities, TimeEntries, …) are All over
// the generated list operations; use All directly for anything else.
func All[T any](ctx context.Context, first, pageSize int, fetch PageFunc[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if pageSize <= 0 || pageSize > MaxPageSize {
			yield(zero, fmt.Errorf("bqecore: page size %d outside 1..%d", pageSize, MaxPageSize))
			return
		}
		for n := first; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			items, status, err := fetch(ctx, FormatPage(n, pageSize))
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if status == http.StatusNoContent || len(items) < pageSize {
				return
			}
		}
	}
}

// FormatPage returns CORE's page parameter for page n (from 0) of size size.
func FormatPage(n, size int) string { return strconv.Itoa(n) + "," + strconv.Itoa(size) }

// ParsePage reads a "N,M" page parameter.
func ParsePage(p string) (n, size int, err error) {
	a, b, ok := strings.Cut(p, ",")
	if ok {
		n, err = strconv.Atoi(strings.TrimSpace(a))
		if err == nil {
			size, err = strconv.Atoi(strings.TrimSpace(b))
		}
	}
	if !ok || err != nil || n < 0 || size <= 0 {
		return 0, 0, fmt.Errorf("bqecore: invalid page %q (want N,M)", p)
	}
	return n, size, nil
}

// startPage returns where an iterator begins: params' page if set, else page 0
// of the client's page size.
func (c *Client) startPage(p *string) (int, int, error) {
	if p == nil || *p == "" {
		return 0, c.pageSize, nil
	}
	return ParsePage(*p)
}

// listAll runs All over a generated list operation. call gets a copy of the
// page parameter to send and returns the decoded page and the HTTP answer.
func listAll[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*[]T, *http.Response, error)) iter.Seq2[T, error] {
	first, size, err := c.startPage(page)
	if err != nil {
		return func(yield func(T, error) bool) { var zero T; yield(zero, err) }
	}
	return All(ctx, first, size, func(ctx context.Context, p string) ([]T, int, error) {
		items, resp, err := call(ctx, &p)
		if err != nil {
			return nil, 0, err
		}
		if resp.StatusCode == http.StatusNoContent {
			return nil, resp.StatusCode, nil
		}
		if items == nil {
			return nil, resp.StatusCode, missingRecords(resp, errNoBody)
		}
		return *items, resp.StatusCode, nil
	})
}

// listDecoded is listAll for the Client's own iterators: call sends one
// page with the generated request and returns the raw answer, which is
// decoded through the pipeline's pooled buffer (pages are up to 1000
// records; see pipeline.DecodeJSON) instead of the generated parser's
// per-page io.ReadAll. A 204 is the end of the list.
func listDecoded[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*http.Response, error)) iter.Seq2[T, error] {
	return listAll(ctx, c, page, func(ctx context.Context, p *string) (*[]T, *http.Response, error) {
		resp, err := call(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		if resp.StatusCode == http.StatusNoContent {
			resp.Body.Close()
			return nil, resp, nil
		}
		var items *[]T
		if err := pipeline.DecodeJSON(resp, &items); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field == "" {
				// Not an array at all (an object, a string): the records are missing.
				return nil, resp, missingRecords(resp, err)
			}
			return nil, resp, fmt.Errorf("bqecore: %s: %w", resp.Request.URL.Path, err)
		}
		if items == nil { // null
			return nil, resp, missingRecords(resp, nil)
		}
		return items, resp, nil
	})
}

// missingRecords is the error of a 2xx list page that holds no array of
// records: never an empty list.
func missingRecords(resp *http.Response, err error) error {
	e := &validate.MissingFieldError{Vendor: "bqecore", Status: resp.StatusCode, Want: "a JSON array of records", Err: err}
	if resp.Request != nil {
		e.Method, e.Path = resp.Request.Method, resp.Request.URL.Path
	}
	return e
}

// Activities iterates over every activity matching p (fields, where, orderBy,
// expand; p.Page sets the first page and the page size). p may be nil.
// https://api-explorer.bqecore.com/docs/api/apis/activity
func (c *Client) Activities(ctx context.Context, p *bqecoreapi.ListActivitiesParams) iter.Seq2[bqecoreapi.Activity, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Activity](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListActivities(ctx, &q)
	})
}

// Clients iterates over every client matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/client
func (c *Client) Clients(ctx context.Context, p *bqecoreapi.ListClientsParams) iter.Seq2[bqecoreapi.ClientEntity, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.ClientEntity](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListClients(ctx, &q)
	})
}

// Projects iterates over every project matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/project
func (c *Client) Projects(ctx context.Context, p *bqecoreapi.ListProjectsParams) iter.Seq2[bqecoreapi.Project, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Project](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListProjects(ctx, &q)
	})
}

// TimeEntries iterates over every time entry matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/timeentry
func (c *Client) TimeEntries(ctx context.Context, p *bqecoreapi.ListTimeEntriesParams) iter.Seq2[bqecoreapi.TimeEntry, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.TimeEntry](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListTimeEntries(ctx, &q)
	})
}

// Employees iterates over every employee matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/employee
func (c *Client) Employees(ctx context.Context, p *bqecoreapi.ListEmployeesParams) iter.Seq2[bqecoreapi.Employee, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Employee](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListEmployees(ctx, &q)
	})
}

// Invoices iterates over every invoice matching p (see Activities).
// https://api-explorer.bqecore.com/docs/api/apis/invoice
func (c *Client) Invoices(ctx context.Context, p *bqecoreapi.ListInvoicesParams) iter.Seq2[bqecoreapi.Invoice, error] {
	q := deref(p)
	return listDecoded[bqecoreapi.Invoice](ctx, c, q.Page, func(ctx context.Context, page *string) (*http.Response, error) {
		q.Page = page
		return c.ListInvoices(ctx, &q)
	})
}

// ListPages adapts any generated list operation to All: call sends one page
// (the page parameter it receives) and returns the generated response's
// JSON200 and HTTPResponse. For example:
//
//	it := bqecore.ListPages(ctx, c, nil, func(ctx context.Context, page *string) (*[]bqecoreapi.Bill, *http.Response, error) {
//		r, err := c.ListBillsWithResponse(ctx, &bqecoreapi.ListBillsParams{Page: page})
//		if err != nil {
//			return nil, nil, err
//		}
//		return r.JSON200, r.HTTPResponse, nil
//	})
func ListPages[T any](ctx context.Context, c *Client, page *string,
	call func(ctx context.Context, page *string) (*[]T, *http.Response, error)) iter.Seq2[T, error] {
	return listAll(ctx, c, page, call)
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
