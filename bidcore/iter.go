package bidcore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/oasuite/sdk/gen/bidcoreapi"
	"github.com/oasuite/sdk/internal/pipeline"
	"github.com/oasuite/sdk/validate"
)

// maxPageBody bounds how much of one list page is read; a longer page is
// an error (pipeline.BodyTooLargeError), not decoded.
const maxPageBody = 64 << 20

// page is the list envelope of every collection: {"count", "next", "previous", "results"}.
// Results and Next are read so that a page without them is an error
// (validate.MissingFieldError), never an empty list.
type page[T any] struct {
	Count   int             `json:"count"`
	Next    json.RawMessage `json:"next"`
	Results *[]T            `json:"results"`
	next    string
}

type firstPage func(ctx context.Context, reqEditors ...bidcoreapi.RequestEditorFn) (*http.Response, error)

// all yields every item of a list: the first page from first, then each page its "next" link names.
// A "next" link on another scheme or host than the client's base URL is refused, so that the token
// is never sent elsewhere; a link to a page already read (a cycle) ends the iteration with an error.
func all[T any](ctx context.Context, c *Client, first firstPage) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		resp, err := first(ctx)
		seen := map[string]bool{} // pages already read: a cycle of next links ends the iteration
		if resp != nil && resp.Request != nil {
			seen[resp.Request.URL.String()] = true
		}
		for {
			if err != nil {
				yield(zero, err)
				return
			}
			p, derr := decodePage[T](resp)
			if derr != nil {
				yield(zero, derr)
				return
			}
			for _, it := range *p.Results {
				if !yield(it, nil) {
					return
				}
			}
			if p.next == "" {
				return
			}
			next, nerr := c.nextURL(resp, p.next)
			if nerr != nil {
				yield(zero, nerr)
				return
			}
			if seen[next] {
				yield(zero, fmt.Errorf("bidcore: next link %s names a page already read (a cycle)", next))
				return
			}
			seen[next] = true
			resp, err = c.get(ctx, next)
		}
	}
}

// decodePage reads a list page through the pipeline's pooled buffer (a
// page of up to 1000 records is read often; see pipeline.DecodeJSON).
func decodePage[T any](resp *http.Response) (page[T], error) {
	var p page[T]
	if err := pipeline.DecodeJSONLimit(resp, &p, maxPageBody); err != nil {
		return page[T]{}, fmt.Errorf("bidcore: list page: %w", err)
	}
	missing := func(field, want string, err error) (page[T], error) {
		return page[T]{}, validate.MissingField("bidcore", resp, field, want, err)
	}
	if p.Results == nil {
		return missing("results", "the page's records, an array", nil)
	}
	switch n := bytes.TrimSpace(p.Next); {
	case len(n) == 0:
		return missing("next", "the next page's URL or null", nil)
	case string(n) != "null":
		if err := json.Unmarshal(n, &p.next); err != nil {
			return missing("next", "the next page's URL or null", err)
		}
	}
	return p, nil
}

// nextURL resolves a "next" link against the page's URL and checks it stays on the API's host.
func (c *Client) nextURL(resp *http.Response, next string) (string, error) {
	var from *url.URL
	if resp.Request != nil && resp.Request.URL != nil {
		from = resp.Request.URL
	}
	u, err := pipeline.CheckLink(c.base, from, next)
	if err != nil {
		return "", fmt.Errorf("bidcore: next link not followed: %w", err)
	}
	return u.String(), nil
}

func (c *Client) get(ctx context.Context, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("bidcore: %w", err)
	}
	return c.doer.Do(req)
}

// AllAdvertisers iterates over every advertiser, page after page.
func (c *Client) AllAdvertisers(ctx context.Context, params *bidcoreapi.ListAdvertisersParams) iter.Seq2[bidcoreapi.Advertiser, error] {
	return all[bidcoreapi.Advertiser](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListAdvertisers(ctx, params, eds...)
	})
}

// AllCampaigns iterates over every campaign matching params (e.g. those of one advertiser), page after page.
func (c *Client) AllCampaigns(ctx context.Context, params *bidcoreapi.ListCampaignsParams) iter.Seq2[bidcoreapi.Campaign, error] {
	return all[bidcoreapi.Campaign](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListCampaigns(ctx, params, eds...)
	})
}

// AllLineItems iterates over every line item matching params (e.g. those of one campaign), page after page.
func (c *Client) AllLineItems(ctx context.Context, params *bidcoreapi.ListLineItemsParams) iter.Seq2[bidcoreapi.LineItem, error] {
	return all[bidcoreapi.LineItem](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListLineItems(ctx, params, eds...)
	})
}

// AllCreatives iterates over every creative matching params (e.g. those of one advertiser), page after page.
func (c *Client) AllCreatives(ctx context.Context, params *bidcoreapi.ListCreativesParams) iter.Seq2[bidcoreapi.Creative, error] {
	return all[bidcoreapi.Creative](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListCreatives(ctx, params, eds...)
	})
}

// AllPixels iterates over every tracking pixel matching params (e.g. those of one advertiser), page after page.
func (c *Client) AllPixels(ctx context.Context, params *bidcoreapi.ListPixelsParams) iter.Seq2[bidcoreapi.Pixel, error] {
	return all[bidcoreapi.Pixel](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListPixels(ctx, params, eds...)
	})
}

// AllDeals iterates over every deal matching params (e.g. those on one SSP), page after page.
func (c *Client) AllDeals(ctx context.Context, params *bidcoreapi.ListDealsParams) iter.Seq2[bidcoreapi.Deal, error] {
	return all[bidcoreapi.Deal](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListDeals(ctx, params, eds...)
	})
}

// AllSsps iterates over every SSP, page after page.
func (c *Client) AllSsps(ctx context.Context, params *bidcoreapi.ListSspsParams) iter.Seq2[bidcoreapi.Ssp, error] {
	return all[bidcoreapi.Ssp](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListSsps(ctx, params, eds...)
	})
}

// AllPostcodeLists iterates over every postcode list, page after page.
func (c *Client) AllPostcodeLists(ctx context.Context, params *bidcoreapi.ListPostcodeListsParams) iter.Seq2[bidcoreapi.PostcodeList, error] {
	return all[bidcoreapi.PostcodeList](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListPostcodeLists(ctx, params, eds...)
	})
}

// AllAppBundleLists iterates over every app-bundle list, page after page.
func (c *Client) AllAppBundleLists(ctx context.Context, params *bidcoreapi.ListAppBundleListsParams) iter.Seq2[bidcoreapi.AppBundleList, error] {
	return all[bidcoreapi.AppBundleList](ctx, c, func(ctx context.Context, eds ...bidcoreapi.RequestEditorFn) (*http.Response, error) {
		return c.ListAppBundleLists(ctx, params, eds...)
	})
}
