package beproduct

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
)

// Master names one of the five BeProduct masters; they share one API shape
// (folders, folder schema, headers, pages).
type Master string

// The five masters.
const (
	Style    Master = "Style"
	Material Master = "Material"
	Color    Master = "Color"
	Image    Master = "Image"
	Block    Master = "Block"
)

// Masters lists the five masters.
func Masters() []Master { return []Master{Style, Material, Color, Image, Block} }

// API limits (https://developers.beproduct.com, "API Limits"): requests over
// them are not processed by BeProduct, so this package refuses them before
// sending.
const (
	// MaxReadRecords is the most records one request may read.
	MaxReadRecords = 200
	// MaxWriteRecords is the most records one request may insert, update or
	// delete.
	MaxWriteRecords = 100
)

// ErrPageSize is returned (wrapped) for a page size outside 1..MaxReadRecords;
// no request is sent.
var ErrPageSize = errors.New("beproduct: page size must be between 1 and 200 (BeProduct reads at most 200 records per request)")

// ErrUnknownMaster is returned (wrapped) for a Master that is not one of the five.
var ErrUnknownMaster = errors.New("beproduct: unknown master")

// ListOptions selects and pages a header list.
type ListOptions struct {
	// FolderID restricts the list to one folder ("" for all).
	FolderID string
	// Filters and ColorwayFilters are ANDed conditions (see Where).
	Filters         Filters
	ColorwayFilters Filters
	// PageSize is the number of records per request, 1..MaxReadRecords;
	// zero means MaxReadRecords (fewer requests against the daily quota).
	PageSize int
	// ShowDeleted includes deleted headers (showDeleted=true; the SDKs send
	// false by default).
	ShowDeleted bool
}

func (o ListOptions) pageSize() (int32, error) {
	switch {
	case o.PageSize == 0:
		return MaxReadRecords, nil
	case o.PageSize < 0 || o.PageSize > MaxReadRecords:
		return 0, fmt.Errorf("%w (got %d)", ErrPageSize, o.PageSize)
	}
	return int32(o.PageSize), nil
}

// ListHeaders reads one page (counted from 0) of m's headers: POST
// {Master}/Headers. A page size over MaxReadRecords is refused with
// ErrPageSize without a request.
func (c *Client) ListHeaders(ctx context.Context, m Master, opts ListOptions, pageNumber int) (*beproductapi.HeaderPage, error) {
	size, err := opts.pageSize()
	if err != nil {
		return nil, err
	}
	if pageNumber < 0 {
		return nil, fmt.Errorf("beproduct: page number %d is negative (pages count from 0)", pageNumber)
	}
	num := int32(pageNumber)
	body := beproductapi.HeaderListRequest{Filters: opts.Filters.ptr(), ColorwayFilters: opts.ColorwayFilters.ptr()}
	p := beproductapi.ListStyleHeadersParams{PageSize: &size, PageNumber: &num}
	if opts.ShowDeleted {
		p.ShowDeleted = &opts.ShowDeleted
	}
	if opts.FolderID != "" {
		p.FolderId = &opts.FolderID
	}
	// The page is read with the generated request but decoded by
	// pipeline.DecodeJSON: a 200-record page is ~770 KB, and its pooled
	// buffer saves the ~25 allocations the generated parser's io.ReadAll
	// spends growing a fresh slice for every page.
	var resp *http.Response
	switch m {
	case Style:
		resp, err = c.ListStyleHeaders(ctx, &p, body)
	case Material:
		resp, err = c.ListMaterialHeaders(ctx, (*beproductapi.ListMaterialHeadersParams)(&p), body)
	case Color:
		resp, err = c.ListColorHeaders(ctx, (*beproductapi.ListColorHeadersParams)(&p), body)
	case Image:
		resp, err = c.ListImageHeaders(ctx, (*beproductapi.ListImageHeadersParams)(&p), body)
	case Block:
		resp, err = c.ListBlockHeaders(ctx, (*beproductapi.ListBlockHeadersParams)(&p), body)
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownMaster, m)
	}
	if err != nil {
		return nil, err
	}
	// Decoded with result as a pointer, so that a page without its records
	// is an error rather than an empty page that ends an iteration early.
	var page struct {
		Result *[]beproductapi.Header `json:"result"`
		Total  int64                  `json:"total"`
	}
	if err := pipeline.DecodeJSON(resp, &page); err != nil {
		return nil, fmt.Errorf("beproduct: %s headers: %w", m, err)
	}
	if page.Result == nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadableAnswer, validate.MissingField("beproduct", resp, "result", "the page's headers, an array", nil))
	}
	return &beproductapi.HeaderPage{Result: *page.Result, Total: page.Total}, nil
}

// Headers iterates over all of m's headers that match opts, page by page
// (pageNumber 0, 1, …), until the answer's total is reached or a page comes
// back short. An error ends the iteration after being yielded once; breaking
// out of the loop stops paging.
func (c *Client) Headers(ctx context.Context, m Master, opts ListOptions) iter.Seq2[beproductapi.Header, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, _ int32, n int) ([]beproductapi.Header, int64, error) {
		page, err := c.ListHeaders(ctx, m, opts, n)
		if err != nil {
			return nil, 0, err
		}
		return page.Result, page.Total, nil
	})
}

// noTotal marks a page answer that gives no total (a flat array): only a
// short or empty page ends the list.
const noTotal = -1

// pages is the one paging loop of the package: fetch reads page n (from 0)
// of size records and returns them with the list's total (noTotal when the
// answer has none). The list ends at a short or empty page or when the
// total is reached. A page size outside 1..MaxReadRecords is refused with
// ErrPageSize before any request; zero means MaxReadRecords. An error is
// yielded once and ends the iteration.
func pages[T any](ctx context.Context, pageSize int, fetch func(ctx context.Context, size int32, n int) ([]T, int64, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		size, err := ListOptions{PageSize: pageSize}.pageSize()
		if err != nil {
			yield(zero, err)
			return
		}
		seen := int64(0)
		for n := 0; ; n++ {
			items, total, err := fetch(ctx, size, n)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			seen += int64(len(items))
			if len(items) < int(size) || (total > 0 && seen >= total) {
				return
			}
		}
	}
}

// body returns a 2xx answer's decoded JSON, or an error wrapping
// ErrUnreadableAnswer when it was not JSON of the expected shape (never a
// zero value in its place).
func body[T any](what string, v *T) (*T, error) {
	if v == nil {
		return nil, fmt.Errorf("%w: %s: the answer has no JSON body", ErrUnreadableAnswer, what)
	}
	return v, nil
}

// pageBody is body for a paged answer (raw its 2xx body): it also fails
// when the page has no "result" array, which would otherwise decode as an
// empty page and end the iteration as if the list were complete. The error
// matches ErrUnreadableAnswer and is a *validate.MissingFieldError.
func pageBody[P any](what string, resp *http.Response, raw []byte, v *P) (*P, error) {
	p, err := body(what, v)
	if err != nil {
		return nil, err
	}
	var probe struct {
		Result json.RawMessage `json:"result"`
	}
	perr := pipeline.Unmarshal(raw, &probe)
	if r := bytes.TrimSpace(probe.Result); perr != nil || len(r) == 0 || r[0] != '[' {
		return nil, fmt.Errorf("%w: %s: %w", ErrUnreadableAnswer, what, validate.MissingField("beproduct", resp, "result", "the page's records, an array", perr))
	}
	return p, nil
}

// PageOptions filters and pages a list other than a header list.
type PageOptions struct {
	// Filters are ANDed conditions (see Where); not every list takes them.
	Filters Filters
	// PageSize is the number of records per request, 1..MaxReadRecords;
	// zero means MaxReadRecords.
	PageSize int
}

func (o PageOptions) body() beproductapi.FilterRequest {
	return beproductapi.FilterRequest{Filters: o.Filters.ptr()}
}

// CompanyColors iterates over the company's palette colors (POST
// Color/CompanyColors), page by page.
func (c *Client) CompanyColors(ctx context.Context, opts PageOptions) iter.Seq2[beproductapi.PaletteColor, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.PaletteColor, int64, error) {
		num := int32(n)
		r, err := c.ListCompanyColorsWithResponse(ctx, &beproductapi.ListCompanyColorsParams{PageSize: &size, PageNumber: &num}, opts.body())
		if err != nil {
			return nil, 0, err
		}
		p, err := pageBody("company colors", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return p.Result, p.Total, nil
	})
}

// TrackingPlans iterates over the tracking plans of a folder ("" for all;
// POST Tracking/Plans), page by page.
func (c *Client) TrackingPlans(ctx context.Context, folderID string, opts PageOptions) iter.Seq2[beproductapi.TrackingPlan, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.TrackingPlan, int64, error) {
		num := int32(n)
		p := &beproductapi.ListTrackingPlansParams{PageSize: &size, PageNumber: &num}
		if folderID != "" {
			p.FolderId = &folderID
		}
		r, err := c.ListTrackingPlansWithResponse(ctx, p, beproductapi.HeaderListRequest{Filters: opts.Filters.ptr()})
		if err != nil {
			return nil, 0, err
		}
		pg, err := pageBody("tracking plans", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// TrackingTimelines iterates over the style or material timeline records of
// a plan (POST Tracking/Plan/{planId}/{kind}/Timeline), or of one of its
// views when viewID is not "" (…/View/{viewId}), page by page.
func (c *Client) TrackingTimelines(ctx context.Context, kind Timeline, planID, viewID string, opts PageOptions) iter.Seq2[beproductapi.TimelineRecord, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.TimelineRecord, int64, error) {
		num := int32(n)
		var pg *beproductapi.TimelinePage
		var err error
		switch {
		case kind == StyleTimeline && viewID == "":
			var r *beproductapi.ListTrackingStyleTimelinesResponse
			if r, err = c.ListTrackingStyleTimelinesWithResponse(ctx, planID, &beproductapi.ListTrackingStyleTimelinesParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("style timelines", r.HTTPResponse, r.Body, r.JSON200)
			}
		case kind == StyleTimeline:
			var r *beproductapi.ListTrackingStyleViewTimelinesResponse
			if r, err = c.ListTrackingStyleViewTimelinesWithResponse(ctx, planID, viewID, &beproductapi.ListTrackingStyleViewTimelinesParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("style view timelines", r.HTTPResponse, r.Body, r.JSON200)
			}
		case kind == MaterialTimeline && viewID == "":
			var r *beproductapi.ListTrackingMaterialTimelinesResponse
			if r, err = c.ListTrackingMaterialTimelinesWithResponse(ctx, planID, &beproductapi.ListTrackingMaterialTimelinesParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("material timelines", r.HTTPResponse, r.Body, r.JSON200)
			}
		case kind == MaterialTimeline:
			var r *beproductapi.ListTrackingMaterialViewTimelinesResponse
			if r, err = c.ListTrackingMaterialViewTimelinesWithResponse(ctx, planID, viewID, &beproductapi.ListTrackingMaterialViewTimelinesParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("material view timelines", r.HTTPResponse, r.Body, r.JSON200)
			}
		default:
			return nil, 0, errTimelineKind(kind)
		}
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

func errTimelineKind(kind Timeline) error {
	return fmt.Errorf("beproduct: unknown timeline kind %q (want Style or Material)", kind)
}

// TrackingRevisions iterates over the revisions of a plan's style or
// material timelines (POST Tracking/Plan/{planId}/{kind}/Revisions).
func (c *Client) TrackingRevisions(ctx context.Context, kind Timeline, planID string, opts PageOptions) iter.Seq2[beproductapi.Record, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.Record, int64, error) {
		num := int32(n)
		var pg *beproductapi.RecordPage
		var err error
		switch kind {
		case StyleTimeline:
			var r *beproductapi.ListTrackingStyleRevisionsResponse
			if r, err = c.ListTrackingStyleRevisionsWithResponse(ctx, planID, &beproductapi.ListTrackingStyleRevisionsParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("style revisions", r.HTTPResponse, r.Body, r.JSON200)
			}
		case MaterialTimeline:
			var r *beproductapi.ListTrackingMaterialRevisionsResponse
			if r, err = c.ListTrackingMaterialRevisionsWithResponse(ctx, planID, &beproductapi.ListTrackingMaterialRevisionsParams{PageSize: &size, PageNumber: &num}, opts.body()); err == nil {
				pg, err = pageBody("material revisions", r.HTTPResponse, r.Body, r.JSON200)
			}
		default:
			return nil, 0, errTimelineKind(kind)
		}
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// DataTables iterates over the data tables (POST DataTable/List).
func (c *Client) DataTables(ctx context.Context, opts PageOptions) iter.Seq2[beproductapi.DataTable, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.DataTable, int64, error) {
		num := int32(n)
		r, err := c.ListDataTablesWithResponse(ctx, &beproductapi.ListDataTablesParams{PageSize: &size, PageNumber: &num}, opts.body())
		if err != nil {
			return nil, 0, err
		}
		pg, err := pageBody("data tables", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// DataTableRows iterates over a data table's rows (POST DataTable/{id}/Data).
func (c *Client) DataTableRows(ctx context.Context, dataTableID string, opts PageOptions) iter.Seq2[beproductapi.DataTableRow, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.DataTableRow, int64, error) {
		num := int32(n)
		r, err := c.ListDataTableRowsWithResponse(ctx, dataTableID, &beproductapi.ListDataTableRowsParams{PageSize: &size, PageNumber: &num}, opts.body())
		if err != nil {
			return nil, 0, err
		}
		pg, err := pageBody("data table rows", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// InboxTasks iterates over the inbox tasks of a master (POST
// Inbox/Tasks/{masterFolder}); query is the search body (nil for all).
func (c *Client) InboxTasks(ctx context.Context, m Master, query beproductapi.Record, pageSize int) iter.Seq2[beproductapi.Record, error] {
	if query == nil {
		query = beproductapi.Record{}
	}
	return pages(ctx, pageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.Record, int64, error) {
		num := int32(n)
		r, err := c.ListInboxTasksWithResponse(ctx, string(m), &beproductapi.ListInboxTasksParams{PageSize: &size, PageNumber: &num}, query)
		if err != nil {
			return nil, 0, err
		}
		pg, err := pageBody("inbox tasks", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// InboxMessages iterates over an inbox task's messages (POST
// Inbox/Task/{taskId}/Messages).
func (c *Client) InboxMessages(ctx context.Context, taskID string, pageSize int) iter.Seq2[beproductapi.Record, error] {
	return pages(ctx, pageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.Record, int64, error) {
		num := int32(n)
		r, err := c.ListInboxMessagesWithResponse(ctx, taskID, &beproductapi.ListInboxMessagesParams{PageSize: &size, PageNumber: &num}, beproductapi.EmptyRequest{})
		if err != nil {
			return nil, 0, err
		}
		pg, err := pageBody("inbox messages", r.HTTPResponse, r.Body, r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return pg.Result, pg.Total, nil
	})
}

// DirectoryCompanies iterates over the directory's companies: GET
// Directory/Companies, or POST with the filters when opts has some. The
// answer is a flat array, so a short or empty page ends the list.
func (c *Client) DirectoryCompanies(ctx context.Context, opts PageOptions) iter.Seq2[beproductapi.DirectoryCompany, error] {
	return pages(ctx, opts.PageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.DirectoryCompany, int64, error) {
		num := int32(n)
		var list *beproductapi.DirectoryCompanyList
		if len(opts.Filters) == 0 {
			r, err := c.ListDirectoryCompaniesWithResponse(ctx, &beproductapi.ListDirectoryCompaniesParams{PageSize: &size, PageNumber: &num})
			if err != nil {
				return nil, 0, err
			}
			list = r.JSON200
		} else {
			r, err := c.SearchDirectoryCompaniesWithResponse(ctx, &beproductapi.SearchDirectoryCompaniesParams{PageSize: &size, PageNumber: &num}, opts.body())
			if err != nil {
				return nil, 0, err
			}
			list = r.JSON200
		}
		l, err := body("directory companies", list)
		if err != nil {
			return nil, 0, err
		}
		return *l, noTotal, nil
	})
}

// DirectoryContacts iterates over a directory record's contacts (GET
// Directory/Contacts, a flat array per page).
func (c *Client) DirectoryContacts(ctx context.Context, directoryID string, pageSize int) iter.Seq2[beproductapi.DirectoryContact, error] {
	return pages(ctx, pageSize, func(ctx context.Context, size int32, n int) ([]beproductapi.DirectoryContact, int64, error) {
		num := int32(n)
		r, err := c.ListDirectoryContactsWithResponse(ctx, &beproductapi.ListDirectoryContactsParams{DirectoryId: directoryID, PageSize: &size, PageNumber: &num})
		if err != nil {
			return nil, 0, err
		}
		l, err := body("directory contacts", r.JSON200)
		if err != nil {
			return nil, 0, err
		}
		return *l, noTotal, nil
	})
}

// HeaderByNumber returns the first header of m whose header number is
// number (in folderID, "" for all), or nil when there is none: one list
// request with a header_number Eq filter and a page of one (the TypeScript
// SDK's getByNumber).
func (c *Client) HeaderByNumber(ctx context.Context, m Master, folderID, number string) (*beproductapi.Header, error) {
	page, err := c.ListHeaders(ctx, m, ListOptions{FolderID: folderID, PageSize: 1, Filters: Where(FieldHeaderNumber).Eq(number)}, 0)
	if err != nil {
		return nil, err
	}
	if len(page.Result) == 0 {
		return nil, nil
	}
	return &page.Result[0], nil
}
