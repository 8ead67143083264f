package procurios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/oasuite/sdk/gen/procuriosapi"
	"github.com/oasuite/sdk/internal/pipeline"
	specvalidate "github.com/oasuite/sdk/validate"
)

// RegistrationsPerPage is the page size of meeting registrations, as
// documented ("The api will provide 25 results per page").
const RegistrationsPerPage = 25

// maxPages bounds every iterator, so that a server whose links loop cannot
// keep one running forever.
const maxPages = 10000

// Relations iterates over every relation of a CRM collection, page by page,
// following the HAL link _links.next of each page
// (https://api.procurios.com/api_documentation/relation_list_api/relation).
// collectionID is the collection's UUID as text (a Collection's Id.String(),
// or one from your configuration); one that is not a UUID yields an error
// matching ErrInvalidID and sends nothing. The name of the page's embedded
// relation is not documented: Relations reads the items from whichever single
// array `_embedded` holds (`relations`, `items`, ...). A 2xx page without one
// is a *PageItemsError (ErrNoItems), never an empty iteration. The iteration
// stops at the first error, which it yields.
func (c *Client) Relations(ctx context.Context, collectionID string) iter.Seq2[procuriosapi.Relation, error] {
	return func(yield func(procuriosapi.Relation, error) bool) {
		var zero procuriosapi.Relation
		id, err := uuid.Parse(collectionID)
		if err != nil {
			yield(zero, fmt.Errorf("procurios: collection id %q: %w", collectionID, ErrInvalidID))
			return
		}
		hr, err := c.GetCollection(ctx, openapi_types.UUID(id), nil)
		seen := map[string]bool{} // pages read, by resolved URL: a cycle of links ends the iteration
		if err == nil && hr.Request != nil {
			seen[hr.Request.URL.String()] = true
		}
		for n := 0; ; n++ {
			if err != nil {
				yield(zero, err)
				return
			}
			page, perr := readPage[procuriosapi.Relation](hr, embeddedItems)
			if perr != nil {
				yield(zero, perr)
				return
			}
			for _, r := range page.items {
				if !yield(r, nil) {
					return
				}
			}
			next := nextHref(page.links)
			if next == "" || seen[c.pageKey(next)] || n >= maxPages {
				return
			}
			seen[c.pageKey(next)] = true
			hr, err = c.follow(ctx, next)
		}
	}
}

// MeetingRegistrations iterates over the registrations for any meeting
// (https://api.procurios.com/api_documentation/meeting2_api/registrations),
// 25 per page. It follows _links.next when the answer has one; the
// documented answer has none, so then it asks for the next page for as long
// as a page is full. params may be nil; its Page, if set, is the first page.
// A 2xx page without a `registrations` array is a *PageItemsError
// (ErrNoItems), never an empty iteration.
func (c *Client) MeetingRegistrations(ctx context.Context, params *procuriosapi.ListMeetingRegistrationsParams) iter.Seq2[procuriosapi.MeetingRegistration, error] {
	return func(yield func(procuriosapi.MeetingRegistration, error) bool) {
		var zero procuriosapi.MeetingRegistration
		p := procuriosapi.ListMeetingRegistrationsParams{}
		if params != nil {
			p = *params
		}
		pageNo := 1
		if p.Page != nil {
			pageNo = *p.Page
		}
		hr, err := c.ListMeetingRegistrations(ctx, &p)
		seen := map[string]bool{}
		for n := 0; ; n++ {
			if err != nil {
				yield(zero, err)
				return
			}
			page, perr := readPage[procuriosapi.MeetingRegistration](hr, "registrations")
			if perr != nil {
				yield(zero, perr)
				return
			}
			for _, r := range page.items {
				if !yield(r, nil) {
					return
				}
			}
			if n >= maxPages {
				return
			}
			if hasLinks(page.links) {
				next := nextHref(page.links)
				if next == "" || seen[c.pageKey(next)] {
					return
				}
				seen[c.pageKey(next)] = true
				hr, err = c.follow(ctx, next)
				continue
			}
			if len(page.items) < RegistrationsPerPage {
				return
			}
			pageNo++
			np := pageNo
			p.Page = &np
			hr, err = c.ListMeetingRegistrations(ctx, &p)
		}
	}
}

// embeddedItems asks readPage for the items of a HAL page: the one array
// that `_embedded` holds, whatever its name.
const embeddedItems = "_embedded"

// maxPageBody bounds how much of one page is read; a longer page is an error
// (a *pipeline.BodyTooLargeError), not decoded.
const maxPageBody = 64 << 20

// page is one decoded page of an iterator.
type page[T any] struct {
	links procuriosapi.PageLinks
	items []T
}

// readPage decodes a 2xx page of any iterator (every present and future one
// goes through it): its HAL _links, and its items under field, or, for
// field embeddedItems, under the single array that `_embedded` holds. A page
// whose items cannot be found is a *PageItemsError; an empty array is an
// empty page. The body is closed.
func readPage[T any](hr *http.Response, field string) (page[T], error) {
	var p page[T]
	if hr.StatusCode != http.StatusOK {
		_ = hr.Body.Close()
		return p, unexpected(hr)
	}
	var members map[string]json.RawMessage
	err := pipeline.DecodeJSONLimit(hr, &members, maxPageBody)
	var notJSON *pipeline.NotJSONError
	var tooLarge *pipeline.BodyTooLargeError
	switch {
	case errors.As(err, &notJSON):
		return p, unexpected(hr)
	case errors.As(err, &tooLarge):
		return p, fmt.Errorf("procurios: reading a page: %w", err)
	case err != nil || members == nil:
		return p, pageItemsError(hr, "", nil, "the body is not a JSON object", err)
	}
	if raw, ok := members["_links"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &p.links); err != nil {
			return p, specvalidate.MissingField("procurios", hr, "_links", "the page's HAL links", err)
		}
	}
	key, raw, err := findItems(hr, members, field)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(raw, &p.items); err != nil {
		return p, pageItemsError(hr, field, []string{key}, fmt.Sprintf("the items under %q do not decode", key), err)
	}
	return p, nil
}

// findItems returns the name and the raw array of a page's items.
func findItems(hr *http.Response, members map[string]json.RawMessage, field string) (string, json.RawMessage, error) {
	raw, ok := members[field]
	if !ok {
		return "", nil, pageItemsError(hr, field, sortedKeys(members), fmt.Sprintf("no %q", field), nil)
	}
	if field != embeddedItems {
		if !isArray(raw) {
			return "", nil, pageItemsError(hr, field, sortedKeys(members), fmt.Sprintf("%q is not an array", field), nil)
		}
		return field, raw, nil
	}
	var embedded map[string]json.RawMessage
	if err := json.Unmarshal(raw, &embedded); err != nil || embedded == nil {
		return "", nil, pageItemsError(hr, field, sortedKeys(members), "\"_embedded\" is not an object", nil)
	}
	keys := sortedKeys(embedded)
	var arrays []string
	for _, k := range keys {
		if isArray(embedded[k]) {
			arrays = append(arrays, k)
		}
	}
	switch {
	case len(arrays) == 1:
		return "_embedded." + arrays[0], embedded[arrays[0]], nil
	case len(arrays) > 1:
		return "", nil, pageItemsError(hr, field, keys, fmt.Sprintf("\"_embedded\" holds %d arrays, so which are the items is unclear", len(arrays)), nil)
	case len(keys) == 0:
		return "", nil, pageItemsError(hr, field, keys, "\"_embedded\" is empty", nil)
	default:
		return "", nil, pageItemsError(hr, field, keys, "\"_embedded\" holds no array", nil)
	}
}

func pageItemsError(hr *http.Response, field string, keys []string, reason string, err error) *PageItemsError {
	e := &PageItemsError{Status: hr.StatusCode, Field: field, Keys: keys, Reason: reason, Err: err}
	if hr.Request != nil {
		e.Method, e.URL = hr.Request.Method, pipeline.RedactURL(hr.Request.URL)
	}
	return e
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isArray(raw json.RawMessage) bool {
	b := bytes.TrimSpace(raw)
	return len(b) > 0 && b[0] == '['
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// pageKey is the absolute URL a next link leads to (as follow resolves it),
// so that two spellings of one page count as the same page.
func (c *Client) pageKey(href string) string {
	ref, err := url.Parse(href)
	if err != nil {
		return href
	}
	return c.base.ResolveReference(ref).String()
}

func nextHref(l procuriosapi.PageLinks) string {
	if l.Next == nil {
		return ""
	}
	return l.Next.Href
}

// hasLinks reports whether a page carries HAL _links. A page holds them as a
// value, so an absent _links reads as the zero PageLinks, and so does an
// empty _links object (which names no next page either).
func hasLinks(l procuriosapi.PageLinks) bool {
	return l.Self != nil || l.First != nil || l.Prev != nil || l.Next != nil || l.Last != nil ||
		len(l.AdditionalProperties) > 0
}

// follow GETs a HAL link. Links are host-relative paths such as
// /l/relation_list_api/collection/<id>?page=2; a link to another host is
// refused, so the token never leaves the customer's host.
func (c *Client) follow(ctx context.Context, href string) (*http.Response, error) {
	u, err := pipeline.CheckLink(c.base, nil, href)
	if err != nil {
		return nil, fmt.Errorf("procurios: _links.next not followed: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("procurios: %w", err)
	}
	return c.doer.Do(req)
}

// Collections returns the CRM collections available to the token.
func (c *Client) Collections(ctx context.Context) ([]procuriosapi.Collection, error) {
	rsp, err := c.ListCollectionsWithResponse(ctx)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosRelationJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return *rsp.ApplicationvndProcuriosRelationJSONVersion1200, nil
}

// Meetings returns the published, upcoming meetings matching search ("" for
// all).
func (c *Client) Meetings(ctx context.Context, search string) ([]procuriosapi.Meeting, error) {
	var p procuriosapi.ListMeetingsParams
	if search != "" {
		p.Search = &search
	}
	rsp, err := c.ListMeetingsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.Meetings, nil
}

// HistoricalMeetings returns the published, past meetings matching search
// ("" for all).
func (c *Client) HistoricalMeetings(ctx context.Context, search string) ([]procuriosapi.Meeting, error) {
	var p procuriosapi.ListHistoricalMeetingsParams
	if search != "" {
		p.Search = &search
	}
	rsp, err := c.ListHistoricalMeetingsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.Meetings, nil
}

// CreateMeeting creates a meeting and returns its id.
func (c *Client) CreateMeeting(ctx context.Context, m procuriosapi.MeetingInput) (int, error) {
	rsp, err := c.CreateMeetingWithResponse(ctx, m)
	if err != nil {
		return 0, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion2200 == nil {
		return 0, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion2200.MeetingId, nil
}

// Locations returns the meeting locations, limited to locationIDs and to the
// locations of meetingIDs when those are not empty.
func (c *Client) Locations(ctx context.Context, locationIDs, meetingIDs []int) ([]procuriosapi.Location, error) {
	var p procuriosapi.ListLocationsParams
	if len(locationIDs) > 0 {
		p.LocationIds = &locationIDs
	}
	if len(meetingIDs) > 0 {
		p.MeetingIds = &meetingIDs
	}
	rsp, err := c.ListLocationsWithResponse(ctx, &p)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosMeeting2JSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosMeeting2JSONVersion1200.Locations, nil
}

// RegistrationSets returns the registration sets available to the token.
func (c *Client) RegistrationSets(ctx context.Context) ([]procuriosapi.RegistrationSet, error) {
	rsp, err := c.ListRegistrationSetsWithResponse(ctx)
	if err != nil {
		return nil, err
	}
	if rsp.ApplicationvndProcuriosProfileJSONVersion1200 == nil {
		return nil, unexpected(rsp.HTTPResponse)
	}
	return rsp.ApplicationvndProcuriosProfileJSONVersion1200.RegistrationSet, nil
}

// Since formats t for the registrations' since parameter
// (yyyy-mm-ddThh:mm:ss, the documented local time without zone); t keeps its
// own location, so pass it in the customer's time zone.
func Since(t time.Time) string { return t.Format("2006-01-02T15:04:05") }
