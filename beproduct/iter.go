package beproduct

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"

	"github.com/oasuite/sdk/gen/beproductapi"
	"github.com/oasuite/sdk/internal/pipeline"
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
	var page beproductapi.HeaderPage
	if err := pipeline.DecodeJSON(resp, &page); err != nil {
		return nil, fmt.Errorf("beproduct: %s headers: %w", m, err)
	}
	return &page, nil
}

// Headers iterates over all of m's headers that match opts, page by page
// (pageNumber 0, 1, …), until the answer's total is reached or a page comes
// back short. An error ends the iteration after being yielded once; breaking
// out of the loop stops paging.
func (c *Client) Headers(ctx context.Context, m Master, opts ListOptions) iter.Seq2[beproductapi.Header, error] {
	return func(yield func(beproductapi.Header, error) bool) {
		size, err := opts.pageSize()
		if err != nil {
			yield(beproductapi.Header{}, err)
			return
		}
		seen := int64(0)
		for n := 0; ; n++ {
			page, err := c.ListHeaders(ctx, m, opts, n)
			if err != nil {
				yield(beproductapi.Header{}, err)
				return
			}
			for _, h := range page.Result {
				if !yield(h, nil) {
					return
				}
			}
			seen += int64(len(page.Result))
			// A short page ends the list; so does reaching the total, when
			// the answer gives one.
			if len(page.Result) < int(size) || (page.Total > 0 && seen >= page.Total) {
				return
			}
		}
	}
}
